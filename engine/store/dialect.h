#pragma once

#include <string>

#include "engine/store/webstore.h"

namespace syncline::store {

/// Column kinds whose text parameters PostgreSQL must be told the type of.
enum class SqlType { Text, Numeric, Boolean, Date, Timestamp };

/// The SQL for a text parameter stored into a column of `type`: "$3" on SQLite (its column
/// affinity does the conversion and the CHECKs guard the format), "CAST($3 AS NUMERIC)" etc. on PostgreSQL.
std::string typedParam(Backend backend, int index, SqlType type);

/// "$index".
std::string param(int index);

/// A timestamp column read back as ISO-8601 UTC text ("2026-11-27T20:42:55Z") on both backends.
std::string isoTimeColumn(Backend backend, const std::string& column);

}  // namespace syncline::store
