#pragma once

#include <filesystem>
#include <string>

namespace syncline::demo_erp {

/// A demo ERP DDL file split at its marker line "-- syncline-demo-erp: rows are loaded here": the tables before it,
/// the keys, indexes and triggers after it.
struct SchemaScript {
    std::string before_rows;
    std::string after_rows;

    /// Reads <dir>/<dialect>.sql. Throws DemoErpError (config) when the file is missing or has no marker line.
    static SchemaScript load(const std::filesystem::path& dir, std::string_view dialect);
};

}  // namespace syncline::demo_erp
