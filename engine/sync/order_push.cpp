#include "engine/sync/order_push.h"

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <random>

#include <spdlog/spdlog.h>

#include "engine/audit/audit_log.h"
#include "engine/model/decimal.h"
#include "engine/store/dialect.h"
#include "engine/store/sqlite_statement.h"
#include "engine/store/transaction.h"
#include "engine/sync/fault_point.h"
#include "engine/sync/pull_pipeline.h"
#include "engine/sync/run_log.h"

namespace syncline::sync {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using store::Backend;
using store::SqlType;
using store::typedParam;

namespace {

// "YYYY-MM-DDTHH:MM:SSZ", `seconds` from now.
std::string utcIn(int seconds) {
    const std::time_t t = std::time(nullptr) + seconds;
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

// Whether a claim "node:pid" belongs to a process of this node that no longer runs.
bool claimOfDeadProcess(const std::string& claimed_by, const std::string& node) {
    const auto colon = claimed_by.rfind(':');
    if (colon == std::string::npos || claimed_by.substr(0, colon) != node) {
        return false;
    }
    const long pid = std::strtol(claimed_by.c_str() + colon + 1, nullptr, 10);
    return pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

std::string toText(const Poco::Nullable<std::string>& v) {
    return v.isNull() ? "" : v.value();
}

void addLine(model::Order& order, int line_no, std::string sku, const std::string& quantity, const std::string& price,
             std::string note) {
    model::OrderLine line;
    line.line_no = line_no;
    line.sku = std::move(sku);
    line.quantity = model::Decimal::parse(quantity).value_or(model::Decimal());
    line.unit_price = model::Decimal::parse(price).value_or(model::Decimal());
    if (!note.empty()) {
        line.note = std::move(note);
    }
    order.lines.push_back(std::move(line));
}

}  // namespace

int backoffSeconds(int attempts, int base_seconds, int max_seconds, double jitter) {
    const double raw = base_seconds * std::pow(2.0, std::max(0, attempts - 1));
    const double capped = std::min(raw, static_cast<double>(max_seconds));
    return std::max(1, static_cast<int>(capped * std::clamp(jitter, 0.5, 1.0)));
}

namespace {

class PushRun {
  public:
    PushRun(store::Webstore& store, connector::Connector& erp, const PushOptions& options, std::int64_t run_id)
        : store_(store),
          erp_(erp),
          options_(options),
          me_(options.node + ":" + std::to_string(::getpid())),
          actor_("run:" + std::to_string(run_id)),
          random_(std::random_device{}()),
          audit_(store),
          load_order_sql_("SELECT customer_code, currency, " + store::isoTimeColumn(store.backend(), "placed_at") +
                          ", attempts, claimed_by FROM orders WHERE order_id = $1 AND status = 'claimed'"),
          load_lines_sql_(
              "SELECT line_no, sku, CAST(quantity AS TEXT), CAST(unit_price AS TEXT), note FROM "
              "order_lines WHERE order_id = $1 ORDER BY line_no"),
          exported_sql_("UPDATE orders SET status = 'exported', erp_doc_number = $1, exported_at = " +
                        typedParam(store.backend(), 2, SqlType::Timestamp) +
                        ", updated_at = " + typedParam(store.backend(), 2, SqlType::Timestamp) +
                        ", last_error = $3, next_attempt_at = NULL, claimed_by = NULL WHERE order_id = $4 AND "
                        "status = 'claimed' AND claimed_by = $5") {}

    PushCounts counts;
    std::optional<connector::Error> last_transient;

    // Claims of processes that died (same node, dead pid) or that are older than the claim timeout go back
    // to 'placed'. Whatever they did in the ERP is found by findOrder on the next attempt.
    int releaseStaleClaims() {
        std::vector<std::string> ids;
        std::vector<Poco::Nullable<std::string>> owners;
        std::vector<std::string> claimed_at;
        store_.session() << "SELECT order_id, claimed_by, " + store::isoTimeColumn(store_.backend(), "claimed_at") +
                                " FROM orders WHERE status = 'claimed'",
            into(ids), into(owners), into(claimed_at), now;
        const std::string cutoff = utcIn(-options_.claim_timeout_seconds);
        int released = 0;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            std::string owner = toText(owners[i]);
            if (owner == me_ || (!claimOfDeadProcess(owner, options_.node) && claimed_at[i] >= cutoff)) {
                continue;
            }
            std::string id = ids[i];
            std::string at = store::Webstore::utcNow();
            Poco::Data::Statement statement(store_.session());
            statement << "UPDATE orders SET status = 'placed', claimed_by = NULL, claimed_at = NULL, updated_at = " +
                             typedParam(store_.backend(), 1, SqlType::Timestamp) +
                             " WHERE order_id = $2 AND status = 'claimed' AND claimed_by = $3",
                use(at), use(id), use(owner);
            released += static_cast<int>(statement.execute());
            spdlog::warn("order {}: claim of {} taken back (that process ended or the claim expired)", id, owner);
        }
        return released;
    }

    // Claims up to `batch` due orders; returns their ids.
    std::vector<std::string> claim() {
        const auto b = store_.backend();
        store::Transaction tx(store_);
        std::string due = store::Webstore::utcNow();
        int limit = options_.batch;
        std::vector<std::string> ids;
        store_.session() << "SELECT order_id FROM orders WHERE status = 'placed' AND (next_attempt_at IS NULL OR "
                            "next_attempt_at <= " +
                                typedParam(b, 1, SqlType::Timestamp) + ") ORDER BY placed_at, order_id LIMIT $2" +
                                (b == Backend::PostgreSQL ? " FOR UPDATE SKIP LOCKED" : ""),
            use(due), use(limit), into(ids), now;
        std::string at = due;
        for (auto& id : ids) {
            store_.session() << "UPDATE orders SET status = 'claimed', claimed_by = $1, claimed_at = " +
                                    typedParam(b, 2, SqlType::Timestamp) +
                                    ", attempts = attempts + 1, updated_at = " + typedParam(b, 2, SqlType::Timestamp) +
                                    " WHERE order_id = $3 AND status = 'placed'",
                use(me_), use(at), use(id), now;
        }
        tx.commit();
        counts.claimed += static_cast<std::int64_t>(ids.size());
        return ids;
    }

    void push(const std::string& id) {
        const auto order = load(id);
        if (!order) {
            return;
        }
        faultPoint("after_claim");
        auto found = erp_.findOrder(id);
        if (!found) {
            fail(id, order->attempts, found.error());
            return;
        }
        if (found.value()) {
            exported(id, *found.value(), true);
            return;
        }
        faultPoint("before_push");
        auto pushed = erp_.pushOrder(order->order, id);
        faultPoint("after_push");
        if (pushed) {
            exported(id, pushed.value(), false);
            return;
        }
        // The ERP may have committed before the error (a lost reply), or another engine pushed it meanwhile:
        // ask once more before deciding.
        auto again = erp_.findOrder(id);
        if (again && again.value()) {
            exported(id, *again.value(), true);
            return;
        }
        fail(id, order->attempts, pushed.error());
    }

  private:
    struct Claimed {
        model::Order order;
        int attempts = 0;
    };

    std::optional<Claimed> load(const std::string& id) {
        Claimed c;
        std::string owner;
        bool found = false;
        if (store_.backend() == Backend::SQLite) {
            auto& order = sqlite().load_order;
            order.bind(1, id);
            store::SqliteReset reset(order);
            if (order.step()) {
                found = true;
                c.order.customer_code = order.text(0);
                c.order.currency = order.text(1);
                c.order.placed_at = order.text(2);
                c.attempts = static_cast<int>(order.integer(3));
                owner = order.text(4);
            }
        } else {
            std::string key = id;
            std::vector<std::string> customer, currency, placed;
            std::vector<int> attempts;
            std::vector<Poco::Nullable<std::string>> owners;
            store_.session() << load_order_sql_, use(key), into(customer), into(currency), into(placed), into(attempts),
                into(owners), now;
            if (!customer.empty()) {
                found = true;
                c.order.customer_code = customer.front();
                c.order.currency = currency.front();
                c.order.placed_at = placed.front();
                c.attempts = attempts.front();
                owner = toText(owners.front());
            }
        }
        if (!found || owner != me_) {
            return std::nullopt;  // taken back meanwhile (this process was too slow): its new owner decides
        }
        c.order.order_id = id;
        if (store_.backend() == Backend::SQLite) {
            auto& lines = sqlite().load_lines;
            lines.bind(1, id);
            while (lines.step()) {
                addLine(c.order, static_cast<int>(lines.integer(0)), std::string(lines.text(1)),
                        std::string(lines.text(2)), std::string(lines.text(3)), std::string(lines.text(4)));
            }
            return c;
        }
        std::string key = id;
        std::vector<int> line_no;
        std::vector<std::string> sku, quantity, price;
        std::vector<std::string> note;
        store_.session() << load_lines_sql_, use(key), into(line_no), into(sku), into(quantity), into(price),
            into(note), now;
        for (std::size_t i = 0; i < line_no.size(); ++i) {
            addLine(c.order, line_no[i], std::move(sku[i]), quantity[i], price[i], std::move(note[i]));
        }
        return c;
    }

    void exported(const std::string& id, const std::string& document, bool found) {
        const auto b = store_.backend();
        store::Transaction tx(store_);
        std::string key = id;
        std::string doc = document;
        std::string at = store::Webstore::utcNow();
        const std::optional<std::string> last_error =
            found ? std::optional<std::string>("found in the ERP (an earlier push whose reply or update was lost)")
                  : std::nullopt;
        std::int64_t changed = 0;
        if (b == Backend::SQLite) {
            auto& update = sqlite().exported;
            update.bind(1, doc);
            update.bind(2, at);
            update.bind(3, last_error);
            update.bind(4, key);
            update.bind(5, me_);
            update.run();
            changed = update.changes();
        } else {
            Poco::Nullable<std::string> note =
                last_error ? Poco::Nullable<std::string>(*last_error) : Poco::Nullable<std::string>();
            Poco::Data::Statement statement(store_.session());
            statement << exported_sql_, use(doc), use(at), use(note), use(key), use(me_);
            changed = static_cast<std::int64_t>(statement.execute());
        }
        if (changed == 0) {
            return;  // no longer ours; the new owner finds it in the ERP
        }
        audit::ChangeSet changes;
        changes.add("status", std::string("placed"), std::string("exported"));
        changes.add("erp_doc_number", std::nullopt, document);
        audit_.append({actor_, "order", id, found ? "export_reconciled" : "export", changes.json()});
        faultPoint("before_export_commit");
        tx.commit();
        ++(found ? counts.already_in_erp : counts.exported);
        spdlog::info("order {}: {} ERP document {}", id, found ? "already in the ERP as" : "exported as", document);
    }

    void fail(const std::string& id, int attempts, const connector::Error& error) {
        const auto b = store_.backend();
        const bool give_up = error.kind != connector::ErrorKind::Transient || attempts >= options_.max_attempts;
        store::Transaction tx(store_);
        std::string key = id;
        std::string message = error.describe();
        if (error.kind == connector::ErrorKind::Transient && give_up) {
            message = "gave up after " + std::to_string(attempts) + " attempts: " + message;
        }
        std::string at = store::Webstore::utcNow();
        if (give_up) {
            store_.session() << "UPDATE orders SET status = 'needs_attention', last_error = $1, updated_at = " +
                                    typedParam(b, 2, SqlType::Timestamp) +
                                    ", claimed_by = NULL WHERE order_id = $3 AND claimed_by = $4",
                use(message), use(at), use(key), use(me_), now;
            audit::ChangeSet changes;
            changes.add("status", std::string("placed"), std::string("needs_attention"));
            changes.add("last_error", std::nullopt, message);
            audit_.append({actor_, "order", id, "needs_attention", changes.json()});
            ++counts.needs_attention;
            spdlog::error("order {}: needs attention: {}", id, message);
        } else {
            std::uniform_real_distribution<double> jitter(0.5, 1.0);
            std::string next = utcIn(
                backoffSeconds(attempts, options_.backoff_base_seconds, options_.backoff_max_seconds, jitter(random_)));
            store_.session() << "UPDATE orders SET status = 'placed', last_error = $1, next_attempt_at = " +
                                    typedParam(b, 2, SqlType::Timestamp) +
                                    ", updated_at = " + typedParam(b, 3, SqlType::Timestamp) +
                                    ", claimed_by = NULL, claimed_at = NULL WHERE order_id = $4 AND claimed_by = $5",
                use(message), use(next), use(at), use(key), use(me_), now;
            ++counts.retry_later;
            last_transient = error;
            spdlog::warn("order {}: attempt {} failed, next at {}: {}", id, attempts, next, message);
        }
        tx.commit();
    }

    // On SQLite the statements run for every order are prepared once per run: through Poco each call prepared its
    // statement again, which cost about as much CPU as the order's ERP work (docs/performance.md).
    struct SqliteStatements {
        store::SqliteStatement load_order;
        store::SqliteStatement load_lines;
        store::SqliteStatement exported;
    };

    SqliteStatements& sqlite() {
        if (!sqlite_) {
            auto& session = store_.session();
            sqlite_.reset(
                new SqliteStatements{{session, load_order_sql_}, {session, load_lines_sql_}, {session, exported_sql_}});
        }
        return *sqlite_;
    }

    store::Webstore& store_;
    connector::Connector& erp_;
    const PushOptions& options_;
    std::string me_;
    std::string actor_;
    std::mt19937_64 random_;
    audit::AuditLog audit_;  // one for the run: its statements are prepared once
    const std::string load_order_sql_;
    const std::string load_lines_sql_;
    const std::string exported_sql_;
    std::unique_ptr<SqliteStatements> sqlite_;
};

}  // namespace

PushResult OrderPush::run(const PushOptions& options) {
    RunLog log(store_);
    log.abandonStale("order_push", options.node);  // a run killed before it could record its end
    PushResult result;
    result.run_id = log.start("order_push", options.node, "incremental", options.triggered_by);
    PushRun run(store_, erp_, options, result.run_id);
    auto finish = [&](const std::string& status, std::optional<connector::Error> error) {
        result.status = status;
        result.counts = run.counts;
        result.error = std::move(error);
        PullProgress progress;
        progress.read = run.counts.claimed;
        progress.applied = run.counts.exported + run.counts.already_in_erp;
        progress.unchanged = run.counts.retry_later;
        progress.rejected = run.counts.needs_attention;
        log.finish(result.run_id, status, progress, result.error);
        return result;
    };
    if (!erp_.exportsOrders()) {
        return finish("failed", connector::Error{connector::ErrorKind::Config, "no-order-export",
                                                 "the ERP connection has no [erp.orders] section: nothing can be "
                                                 "exported"});
    }
    try {
        run.releaseStaleClaims();
        // Rounds until nothing is due; an order retried later is not due again in this run.
        for (;;) {
            const auto ids = run.claim();
            for (const auto& id : ids) {
                run.push(id);
            }
            if (ids.size() < static_cast<std::size_t>(options.batch)) {
                break;
            }
        }
    } catch (const Poco::Exception& e) {
        finish("failed", connector::Error{connector::ErrorKind::Fatal, "webstore", e.displayText()});
        throw;
    }
    const auto& c = run.counts;
    if (c.exported + c.already_in_erp == 0 && c.retry_later > 0 && c.needs_attention == 0) {
        return finish("failed", run.last_transient);  // the ERP could not be reached for any order: retry the run
    }
    return finish(c.needs_attention > 0 ? "completed_with_rejects" : "succeeded", std::nullopt);
}

bool OrderPush::retry(store::Webstore& store, const std::string& order_id, const std::string& actor) {
    const auto b = store.backend();
    store::Transaction tx(store);
    std::string key = order_id;
    std::string at = store::Webstore::utcNow();
    Poco::Data::Statement statement(store.session());
    statement << "UPDATE orders SET status = 'placed', attempts = 0, next_attempt_at = NULL, updated_at = " +
                     typedParam(b, 1, SqlType::Timestamp) + " WHERE order_id = $2 AND status = 'needs_attention'",
        use(at), use(key);
    if (statement.execute() == 0) {
        return false;
    }
    audit::ChangeSet changes;
    changes.add("status", std::string("needs_attention"), std::string("placed"));
    audit::AuditLog(store).append({actor, "order", order_id, "retry", changes.json()});
    tx.commit();
    return true;
}

}  // namespace syncline::sync
