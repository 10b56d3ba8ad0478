#include "table_writer.h"

#include <string>

#include "demo_erp_error.h"

namespace syncline::demo_erp {

void TableWriter::begin(const TableSpec& table) {
    table_ = &table;
    rows_ = 0;
    start_ = std::chrono::steady_clock::now();
    row_.clear();
    sink_.beginTable(table);
}

void TableWriter::emit() {
    if (row_.size() != table_->columns.size()) {
        // A generator bug, not a user error: the row does not match the table's column list.
        throw DemoErpError(kExitSoftware, std::string(table_->name) + ": row has " + std::to_string(row_.size()) +
                                              " fields for " + std::to_string(table_->columns.size()) + " columns");
    }
    sink_.writeRow(row_);
    ++rows_;
    row_.clear();
}

void TableWriter::end() {
    sink_.endTable();
    if (report_) {
        report_(*table_, rows_, std::chrono::steady_clock::now() - start_);
    }
    table_ = nullptr;
}

}  // namespace syncline::demo_erp
