#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace syncline::demo_erp {

/// Independent random streams, one per kind of row.
enum class Stream : uint64_t {
    kItem = 1,
    kItemDetails,
    kStock,
    kCustomer,
    kCustomerDetails,
    kSupplier,
    kListPrice,
    kSpecialPriceTarget,
    kSpecialPriceTerms,
    kSpecialPriceDetails,
    kOrder,
    kOrderLine,
};

/// Counter-based pseudo-random numbers (SplitMix64): the values of a row are a pure function of (seed, stream, row
/// index). Any table can therefore be generated row by row, and a child table (stock, quantity breaks, order lines)
/// re-derives what it needs of its parent row instead of keeping the parent table in memory. Never uses the standard
/// distributions, whose output differs between library implementations.
class SeededRandom {
  public:
    SeededRandom(uint64_t seed, Stream stream, uint64_t index)
        : state_(mix(seed ^ mix((static_cast<uint64_t>(stream) << 56) ^ index))) {}

    uint64_t next() {
        state_ += 0x9e3779b97f4a7c15ULL;
        return mix(state_);
    }

    /// Uniform in [0, n); n > 0.
    uint64_t below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(next()) * n) >> 64); }

    /// Uniform in [lo, hi].
    int64_t between(int64_t lo, int64_t hi) {
        return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
    }

    /// True with probability permille / 1000.
    bool chance(unsigned permille) { return below(1000) < permille; }

    template <class T>
    const T& pick(std::span<const T> values) {
        return values[below(values.size())];
    }

  private:
    static uint64_t mix(uint64_t z) {
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    uint64_t state_;
};

/// The i-th of n evenly spread picks among `total` slots: slot i is picked when this returns true. Exactly n of the
/// slots 0..total-1 are picked (n <= total), without any state.
inline bool evenlyPicked(uint64_t i, uint64_t n, uint64_t total) {
    return (i + 1) * n / total != i * n / total;
}

}  // namespace syncline::demo_erp
