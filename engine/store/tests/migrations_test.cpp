#include <gtest/gtest.h>

#include "engine/store/migrator.h"
#include "engine/store/sql_script.h"

namespace syncline::store {
namespace {

// Both dialects must describe the same schema history, or a shop could not move between them.
TEST(BundledMigrations, SqliteAndPostgresHaveTheSameVersionsInOrder) {
    const auto sqlite = bundledMigrations(Backend::SQLite);
    const auto pg = bundledMigrations(Backend::PostgreSQL);
    ASSERT_FALSE(sqlite.empty());
    ASSERT_EQ(sqlite.size(), pg.size());
    for (std::size_t i = 0; i < sqlite.size(); ++i) {
        EXPECT_EQ(sqlite[i].version, static_cast<int>(i) + 1) << "versions must be 1, 2, 3... without gaps";
        EXPECT_EQ(sqlite[i].version, pg[i].version);
        EXPECT_EQ(sqlite[i].name, pg[i].name);
        EXPECT_EQ(splitSqlStatements(sqlite[i].sql).size(), splitSqlStatements(pg[i].sql).size())
            << "migration " << sqlite[i].version << " has a different number of statements per dialect";
    }
    EXPECT_EQ(embeddedLatestVersion(), sqlite.back().version);
}

TEST(BundledMigrations, NoFloatingPointTypes) {
    for (auto backend : {Backend::SQLite, Backend::PostgreSQL}) {
        for (const auto& m : bundledMigrations(backend)) {
            for (const auto& statement : splitSqlStatements(m.sql)) {
                std::string code;  // the statement without its comment lines
                for (std::size_t pos = 0; pos < statement.size();) {
                    auto end = statement.find('\n', pos);
                    end = end == std::string::npos ? statement.size() : end + 1;
                    const auto line = statement.substr(pos, end - pos);
                    if (line.find("--") == std::string::npos) {
                        code += line;
                    }
                    pos = end;
                }
                for (const char* banned : {" REAL", " DOUBLE", " FLOAT"}) {
                    EXPECT_EQ(code.find(banned), std::string::npos) << toString(backend) << " migration " << m.version;
                }
            }
        }
    }
}

TEST(BundledMigrations, ChecksumChangesWithContent) {
    Migration a{1, "x", "CREATE TABLE t (a TEXT)"};
    Migration b{1, "x", "CREATE TABLE t (a TEXT) "};
    EXPECT_NE(a.checksum(), b.checksum());
    EXPECT_EQ(a.checksum(), Migration(a).checksum());
    EXPECT_EQ(a.checksum().size(), 16u);
}

}  // namespace
}  // namespace syncline::store
