#include "engine/pricing/freshness.h"

#include <Poco/Data/Session.h>
#include <Poco/Nullable.h>

namespace syncline::pricing {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

Freshness pricesFreshness(store::Webstore& store, std::int64_t max_age_s) {
    const bool sqlite = store.backend() == store::Backend::SQLite;
    const std::string sql =
        std::string("SELECT ") +
        (sqlite ? "finished_at, CAST((julianday('now') - julianday(finished_at)) * 86400 AS INTEGER)"
                : "to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), "
                  "CAST(EXTRACT(EPOCH FROM (now() - finished_at)) AS BIGINT)") +
        " FROM job_runs WHERE job = 'prices' AND status IN ('succeeded', 'completed_with_rejects') AND mode <> "
        "'dry_run' AND finished_at IS NOT NULL ORDER BY finished_at DESC LIMIT 1";
    Poco::Nullable<std::string> at;
    Poco::Nullable<Poco::Int64> age;
    store.session() << sql, into(at), into(age), now;
    Freshness out;
    const std::string limit = describeAge(max_age_s);
    if (at.isNull()) {
        out.warning = "the prices job has never succeeded: these prices come from whatever the webstore holds";
        return out;
    }
    out.synced_at = at.value();
    out.age_s = age.isNull() ? 0 : std::max<std::int64_t>(0, age.value());
    if (*out.age_s > max_age_s) {
        out.warning = "the synced prices are " + describeAge(*out.age_s) + " old (the prices job last succeeded at " +
                      *out.synced_at + "), more than [pricing] max_age_s (" + limit + ")";
    }
    return out;
}

std::string describeAge(std::int64_t seconds) {
    const std::int64_t d = seconds / 86400, h = seconds % 86400 / 3600, m = seconds % 3600 / 60, s = seconds % 60;
    if (d > 0) {
        return std::to_string(d) + " d" + (h > 0 ? " " + std::to_string(h) + " h" : "");
    }
    if (h > 0) {
        return std::to_string(h) + " h" + (m > 0 ? " " + std::to_string(m) + " min" : "");
    }
    if (m > 0) {
        return std::to_string(m) + " min" + (s > 0 ? " " + std::to_string(s) + " s" : "");
    }
    return std::to_string(s) + " s";
}

}  // namespace syncline::pricing
