#pragma once

#include <span>
#include <string_view>

#include "erp_plan.h"
#include "sink.h"
#include "table_writer.h"

namespace syncline::demo_erp {

/// Generates the whole demo ERP into a Sink, independent of the database behind it.
class ErpGenerator {
  public:
    explicit ErpGenerator(const ErpOptions& options) : plan_(options) {}

    /// All tables, parents before children: the order they are written, and the reverse of the order to drop them.
    static std::span<const std::string_view> tableNames();

    const ErpPlan& plan() const { return plan_; }
    /// Writes every table's rows; calls report after each table. Throws DemoErpError.
    void writeAll(Sink& sink, const TableReport& report) const;

  private:
    ErpPlan plan_;
};

}  // namespace syncline::demo_erp
