#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

#include "row.h"
#include "sink.h"

namespace syncline::demo_erp {

/// Called once per finished table, for the summary.
using TableReport = std::function<void(const TableSpec& table, int64_t rows, std::chrono::duration<double> elapsed)>;

/// Streams the rows of one table at a time into a Sink and counts them. Usage: begin(spec); fill row(), emit(); ...;
/// end(). Only one Row exists, reused for every row.
class TableWriter {
  public:
    TableWriter(Sink& sink, TableReport report) : sink_(sink), report_(std::move(report)) {}

    void begin(const TableSpec& table);
    Row& row() { return row_; }
    /// Writes row() and clears it for the next one.
    void emit();
    void end();

  private:
    Sink& sink_;
    TableReport report_;
    Row row_;
    const TableSpec* table_ = nullptr;
    int64_t rows_ = 0;
    std::chrono::steady_clock::time_point start_;
};

}  // namespace syncline::demo_erp
