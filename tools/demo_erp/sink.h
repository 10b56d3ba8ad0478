#pragma once

#include <span>
#include <string>
#include <string_view>

#include "row.h"

namespace syncline::demo_erp {

/// A table as the generator writes it: its name and the columns each Row fills, in order.
struct TableSpec {
    std::string_view name;
    std::string_view purpose;
    std::span<const std::string_view> columns;
};

/// Where generated rows go: one database, written in one transaction. Called from one thread, in this order:
/// createTables(), then for each table beginTable(), writeRow()..., endTable(), and finally commit(). Every call may
/// block on the database and throws DemoErpError on failure; a Sink destroyed before commit() leaves nothing behind
/// (the transaction rolls back, or the half-written SQLite file is removed).
class Sink {
  public:
    virtual ~Sink() = default;

    /// Runs the schema part before the marker line (the tables).
    virtual void createTables(std::string_view sql) = 0;
    virtual void beginTable(const TableSpec& table) = 0;
    virtual void writeRow(const Row& row) = 0;
    virtual void endTable() = 0;
    /// Runs the schema part after the marker line (keys, indexes, triggers), then commits.
    virtual void commit(std::string_view sql) = 0;
    /// Where the rows went, for the summary line; never contains a password.
    virtual std::string describe() const = 0;
};

}  // namespace syncline::demo_erp
