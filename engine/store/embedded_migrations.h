#pragma once

#include <string_view>
#include <vector>

namespace syncline::store::embedded {

/// One schema migration file, compiled into the binary (see cmake/EmbedMigrations.cmake).
struct EmbeddedMigration {
    int version;
    std::string_view name;
    std::string_view sql;
};

extern const std::vector<EmbeddedMigration> kSqliteMigrations;
extern const std::vector<EmbeddedMigration> kPostgresMigrations;

}  // namespace syncline::store::embedded
