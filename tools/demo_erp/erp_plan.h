#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace syncline::demo_erp {

/// What the user asked for on the command line.
struct ErpOptions {
    int64_t items = 1000;
    int64_t customers = 50;
    int64_t price_rules = 5000;
    int64_t orders = 200;
    uint64_t seed = 1;
    int64_t as_of_day = 0;  // days since 1970-01-01
};

/// How many rows each table gets. The price rules are split exactly: price-list prices first (the base price list
/// covers every item, the other lists share the rest evenly), then special prices and their quantity breaks, so that
/// PRLP + SPPH + SPPB rows == --price-rules.
class ErpPlan {
  public:
    static constexpr int64_t kMaxItems = 9'999'999;    // ItemCode A0000001..A9999999
    static constexpr int64_t kMaxCustomers = 999'999;  // CardCode C000001..C999999
    static constexpr int64_t kMaxOrders = 99'999'999;

    explicit ErpPlan(const ErpOptions& options);

    const ErpOptions& options() const { return options_; }
    int64_t items() const { return options_.items; }
    int64_t customers() const { return options_.customers; }
    int64_t suppliers() const { return suppliers_; }
    int64_t orders() const { return options_.orders; }
    /// Rows of price list number `list` (1-based) in PRLP.
    int64_t priceListRows(int list) const { return price_list_rows_[static_cast<size_t>(list - 1)]; }
    int64_t specialPrices() const { return special_prices_; }
    int64_t quantityBreaks() const { return quantity_breaks_; }
    /// Number of quantity breaks of special price `index` (0-based); they sum to quantityBreaks().
    int breaksOf(int64_t index) const;

  private:
    ErpOptions options_;
    int64_t suppliers_;
    std::vector<int64_t> price_list_rows_;
    int64_t special_prices_ = 0;
    int64_t quantity_breaks_ = 0;
    int64_t prices_with_breaks_ = 0;
};

}  // namespace syncline::demo_erp
