#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/store/webstore.h"

namespace syncline::pricing {

/// How old the synced prices are: the last run of the `prices` job that applied what it read (succeeded, or
/// completed with rejects; dry runs do not count).
struct Freshness {
    std::optional<std::string> synced_at;  ///< when that run ended, "YYYY-MM-DDTHH:MM:SSZ"; none: never
    std::optional<std::int64_t> age_s;     ///< seconds since then, on the database's clock
    std::optional<std::string> warning;    ///< set when there is no such run or it is older than the limit
};

/// Reads the freshness of the synced prices; `max_age_s` is [pricing] max_age_s. Reads only.
Freshness pricesFreshness(store::Webstore& store, std::int64_t max_age_s);

/// "3 h 20 min", "2 d 4 h", "45 s": an age for people.
std::string describeAge(std::int64_t seconds);

}  // namespace syncline::pricing
