#include "erp_plan.h"

#include <algorithm>

#include "seeded_random.h"
#include "vocabulary.h"

namespace syncline::demo_erp {

ErpPlan::ErpPlan(const ErpOptions& options)
    : options_(options), suppliers_(std::max<int64_t>(3, options.customers / 50)) {
    const auto lists = static_cast<int64_t>(priceLists().size());
    // Half of the rules are price-list prices, at most one per item and list.
    int64_t list_rows = std::min(options.price_rules / 2, lists * options.items);
    price_list_rows_.assign(static_cast<size_t>(lists), 0);
    price_list_rows_[0] = std::min(list_rows, options.items);
    const int64_t rest = list_rows - price_list_rows_[0];
    for (int64_t k = 1; k < lists; ++k) {
        price_list_rows_[static_cast<size_t>(k)] = rest * k / (lists - 1) - rest * (k - 1) / (lists - 1);
    }
    // The remainder: three fifths special prices, two fifths quantity breaks, about three breaks per price that has
    // any.
    const int64_t special = options.price_rules - list_rows;
    quantity_breaks_ = special * 2 / 5;
    special_prices_ = special - quantity_breaks_;
    if (special_prices_ == 0) {
        quantity_breaks_ = 0;
        special_prices_ = special;
    }
    prices_with_breaks_ = std::min(special_prices_, (quantity_breaks_ + 2) / 3);
}

int ErpPlan::breaksOf(int64_t index) const {
    const auto h = static_cast<uint64_t>(index);
    const auto with_breaks = static_cast<uint64_t>(prices_with_breaks_);
    const auto total = static_cast<uint64_t>(special_prices_);
    if (with_breaks == 0 || !evenlyPicked(h, with_breaks, total)) {
        return 0;
    }
    // j-th special price that has breaks; spread the breaks evenly, then move one break between neighbours so that
    // counts vary (1..4) while the sum stays exact.
    const uint64_t j = h * with_breaks / total;
    const auto breaks = static_cast<uint64_t>(quantity_breaks_);
    auto count = static_cast<int>((j + 1) * breaks / with_breaks - j * breaks / with_breaks);
    const uint64_t pair = j / 2;
    if (pair * 2 + 1 < with_breaks) {
        const int shift = static_cast<int>(SeededRandom(options_.seed, Stream::kSpecialPriceTerms, ~pair).below(3)) - 1;
        count += (j % 2 == 0) ? shift : -shift;
    }
    return count;
}

}  // namespace syncline::demo_erp
