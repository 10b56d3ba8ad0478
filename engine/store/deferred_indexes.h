#pragma once

#include <optional>
#include <string>

#include "engine/store/webstore.h"

namespace syncline::store {

/// Building a secondary index once over a loaded table is far cheaper than updating it row by row in
/// random order (measured: the price_rules look-up index was a quarter of a first full pull). A first
/// load into an empty table drops its secondary indexes and records their DDL in `deferred_indexes`,
/// both in the caller's transaction; restoreIndexes() recreates them. A process killed in between
/// leaves the rows in `deferred_indexes`, and the next Migrator::migrate() (every command's start)
/// restores them.

/// Whether `table` has no rows.
bool tableIsEmpty(Webstore& store, const std::string& table);

/// Drops the secondary (non-constraint) indexes of `table` and records them. Returns how many.
/// Runs in the caller's transaction.
int deferIndexes(Webstore& store, const std::string& table);

/// Recreates the recorded indexes (of `table`, or of every table) and forgets them. Runs in the
/// caller's transaction. Returns how many.
int restoreIndexes(Webstore& store, const std::optional<std::string>& table = std::nullopt);

}  // namespace syncline::store
