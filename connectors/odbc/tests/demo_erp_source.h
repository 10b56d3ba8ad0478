#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "connectors/odbc/connection_string.h"
#include "connectors/odbc/odbc_connector.h"
#include "engine/connector/stream_config.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace syncline::odbc::testing {

enum class Backend { Sqlite, Postgres };

inline std::string backendName(Backend backend) {
    return backend == Backend::Sqlite ? "sqlite" : "postgres";
}

/// An empty ERP database of one backend for one test: a SQLite file in a temp dir, or a fresh database of the test
/// cluster (dropped at the end). `connectionString()` is DSN-less, with credentials and without streaming attributes
/// (the connector adds them).
class ErpDatabase {
  public:
    explicit ErpDatabase(Backend backend) : backend_(backend) {
        if (backend_ == Backend::Postgres) {
            pg_ = std::make_unique<syncline::testing::TestPostgres>();
            database_ = pg_->createDatabase("odbcpull");
        }
    }
    ~ErpDatabase() {
        if (pg_) {
            pg_->dropDatabase(database_);
        }
    }
    ErpDatabase(const ErpDatabase&) = delete;
    ErpDatabase& operator=(const ErpDatabase&) = delete;

    Backend backend() const { return backend_; }

    std::string connectionString() const {
        if (backend_ == Backend::Sqlite) {
            return buildConnectionString("Driver=SQLite3;Database=" + quoteAttributeValue(sqlitePath()), "", "");
        }
        return buildConnectionString("Driver={PostgreSQL Unicode};Server=" + pg_->host() +
                                         ";Port=" + std::to_string(pg_->port()) + ";Database=" + database_,
                                     pg_->user(), pg_->password());
    }

    /// Fills the database with the demo ERP (syncline-demo-erp, seed 1, as of 2026-11-27). A test failure when the
    /// generator fails.
    void generate(int items) const {
        std::vector<std::string> args = {std::string(SYNCLINE_BINARY_DIR) + "/syncline-demo-erp", "--items",
                                         std::to_string(items), "--as-of", "2026-11-27"};
        if (backend_ == Backend::Sqlite) {
            args.insert(args.end(), {"--backend", "sqlite", "--sqlite-path", sqlitePath()});
        } else {
            args.insert(args.end(), {"--backend", "postgresql", "--pg", pg_->connInfo(database_)});
        }
        const auto result = syncline::testing::runProcess(args);
        ASSERT_EQ(result.exit_code, 0) << result.err;
    }

  private:
    std::string sqlitePath() const { return dir_.file("erp.db"); }

    Backend backend_;
    syncline::testing::TempDir dir_{"syncline-odbc-pull"};
    std::unique_ptr<syncline::testing::TestPostgres> pg_;
    std::string database_;
};

/// The products stream of the demo ERP as an admin would configure it.
inline OdbcStream productsStream(int batch_size) {
    using connector::FieldType;
    OdbcStream stream;
    stream.stream = "products";
    const std::string select =
        "SELECT ItemCode, ItemName, SalesUom, ListPrice, PriceCurr, ActiveFlag, ModifiedDate FROM ITMS";
    stream.query = select + " ORDER BY ItemCode";
    stream.incremental_query = select + " WHERE ModifiedDate >= ? ORDER BY ItemCode";
    stream.cursor_field = "erp_modified";
    stream.batch_size = batch_size;
    stream.fields = {
        {"sku", "ItemCode", FieldType::Code, "", std::nullopt},
        {"name", "ItemName", FieldType::Text, "", std::nullopt},
        {"unit", "SalesUom", FieldType::Code, "", std::nullopt},
        {"list_price", "ListPrice", FieldType::Decimal, "", std::nullopt},
        {"currency", "PriceCurr", FieldType::Code, "", std::nullopt},
        {"active", "ActiveFlag", FieldType::Flag, "", std::nullopt},
        {"erp_modified", "ModifiedDate", FieldType::Timestamp, "", std::nullopt},
    };
    return stream;
}

}  // namespace syncline::odbc::testing
