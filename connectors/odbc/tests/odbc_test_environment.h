#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "connectors/odbc/catalog.h"
#include "connectors/odbc/odbc_error.h"

namespace syncline::odbc {

/// Readable failure messages for table lists.
inline void PrintTo(const TableInfo& table, std::ostream* out) {
    *out << "{'" << table.schema << "', '" << table.name << "'}";
}

}  // namespace syncline::odbc

namespace syncline::odbc::testing {

/// Name of the SQLite data source defined in the test odbc.ini; its database file is dataSourceDatabase().
inline constexpr const char* kSqliteDataSource = "syncline_sqlite";

/// The folder holding the test binary's odbcinst.ini and odbc.ini (ODBCSYSINI), set up before the first test.
const std::filesystem::path& odbcConfigDir();
/// The SQLite database file behind kSqliteDataSource.
std::string dataSourceDatabase();

/// The OdbcError `action` throws; a test failure (and std::nullopt) when it throws none.
template <typename Action>
std::optional<OdbcError> odbcErrorOf(Action&& action) {
    try {
        std::forward<Action>(action)();
    } catch (const OdbcError& error) {
        ::testing::Test::RecordProperty("odbc_error", error.what());
        return error;
    }
    ADD_FAILURE() << "expected an OdbcError";
    return std::nullopt;
}

}  // namespace syncline::odbc::testing
