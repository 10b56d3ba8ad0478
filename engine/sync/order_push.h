#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/connector/connector.h"
#include "engine/store/webstore.h"

namespace syncline::sync {

struct PushOptions {
    std::string node;  ///< this engine node (claims are "node:pid")
    std::string triggered_by = "manual";
    int batch = 50;                   ///< orders claimed per round
    int max_attempts = 8;             ///< transient failures before an order needs attention
    int backoff_base_seconds = 30;    ///< first retry after 15-30 s, then doubling (jittered)...
    int backoff_max_seconds = 3600;   ///< ...up to this
    int claim_timeout_seconds = 600;  ///< a claim older than this (another node that died) is taken back
};

struct PushCounts {
    std::int64_t claimed = 0;
    std::int64_t exported = 0;         ///< pushed now
    std::int64_t already_in_erp = 0;   ///< found by findOrder: pushed before, the reply or the update was lost
    std::int64_t retry_later = 0;      ///< transient failure, back to 'placed' with a later next_attempt_at
    std::int64_t needs_attention = 0;  ///< refused by the ERP, or out of attempts
};

struct PushResult {
    std::int64_t run_id = 0;
    std::string status;  ///< succeeded, completed_with_rejects (some need attention), failed
    PushCounts counts;
    std::optional<connector::Error> error;  ///< why the run failed (the ERP unreachable for every order)
};

/// The order_push job: the webstore's `orders` table is an outbox. Each round claims due 'placed' orders
/// (safe with several engine processes: SQLite's write lock, PostgreSQL's FOR UPDATE SKIP LOCKED), asks the
/// ERP whether it already has each one (findOrder by the webstore order id), pushes it only if absent, and
/// records the ERP document number with status 'exported' and an audit row in one transaction. An order is
/// never pushed without a findOrder first in the same attempt, so a push whose reply was lost, or an engine
/// killed between the ERP commit and the webstore update, is reconciled, never duplicated.
/// Transient failures go back to 'placed' with exponential backoff and jitter; an ERP refusal, or running out
/// of attempts, sets 'needs_attention' with the ERP's message.
class OrderPush {
  public:
    OrderPush(store::Webstore& store, connector::Connector& erp) : store_(store), erp_(erp) {}

    PushResult run(const PushOptions& options);

    /// Puts an order that needs attention back in the queue (attempts reset), audited with `actor`.
    /// Returns false when the order does not exist or is not in 'needs_attention'.
    static bool retry(store::Webstore& store, const std::string& order_id, const std::string& actor);

  private:
    store::Webstore& store_;
    connector::Connector& erp_;
};

/// The delay before attempt `attempts + 1`: base × 2^(attempts−1), capped, scaled by `jitter` in [0.5, 1].
int backoffSeconds(int attempts, int base_seconds, int max_seconds, double jitter);

}  // namespace syncline::sync
