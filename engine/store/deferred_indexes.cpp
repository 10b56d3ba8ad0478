#include "engine/store/deferred_indexes.h"

#include <Poco/Data/Session.h>

#include <vector>

namespace syncline::store {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

bool tableIsEmpty(Webstore& store, const std::string& table) {
    std::vector<int> one;
    store.session() << "SELECT 1 FROM " + table + " LIMIT 1", into(one), now;
    return one.empty();
}

int deferIndexes(Webstore& store, const std::string& table) {
    std::string t = table;
    std::vector<std::string> names;
    std::vector<std::string> ddls;
    if (store.backend() == Backend::SQLite) {
        // Indexes behind PRIMARY KEY / UNIQUE constraints have no SQL text.
        store.session() << "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND "
                           "sql IS NOT NULL ORDER BY name",
            use(t), into(names), into(ddls), now;
    } else {
        store.session() << "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND "
                           "tablename = $1 AND indexname NOT IN (SELECT conname FROM pg_constraint) ORDER BY indexname",
            use(t), into(names), into(ddls), now;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        store.session() << "INSERT INTO deferred_indexes (name, table_name, ddl) VALUES ($1, $2, $3)", use(names[i]),
            use(t), use(ddls[i]), now;
        store.session() << "DROP INDEX " + names[i], now;
    }
    return static_cast<int>(names.size());
}

int restoreIndexes(Webstore& store, const std::optional<std::string>& table) {
    std::vector<std::string> names;
    std::vector<std::string> ddls;
    std::string t = table.value_or("");
    if (table) {
        store.session() << "SELECT name, ddl FROM deferred_indexes WHERE table_name = $1 ORDER BY name", use(t),
            into(names), into(ddls), now;
    } else {
        store.session() << "SELECT name, ddl FROM deferred_indexes ORDER BY name", into(names), into(ddls), now;
    }
    // SQLite's sorter may use as much memory as the page cache; with both full, a large build would double the
    // peak. A smaller cache during the build hands the cache's pages over to the sorter instead.
    int cache_size = 0;
    const bool sqlite = store.backend() == Backend::SQLite && !names.empty();
    if (sqlite) {
        store.session() << "PRAGMA cache_size", into(cache_size), now;
        store.session() << "PRAGMA cache_size = -32768", now;
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        store.session() << ddls[i], now;
        store.session() << "DELETE FROM deferred_indexes WHERE name = $1", use(names[i]), now;
    }
    if (sqlite) {
        store.session() << "PRAGMA cache_size = " + std::to_string(cache_size), now;
    }
    return static_cast<int>(names.size());
}

}  // namespace syncline::store
