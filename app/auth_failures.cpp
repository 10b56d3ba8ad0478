#include "app/auth_failures.h"

#include <spdlog/spdlog.h>

#include "engine/audit/audit_log.h"
#include "engine/store/transaction.h"

namespace syncline::app {

namespace {

// Beyond this many clients counted at once, new ones share one tally per API, so memory stays bounded when an
// attacker spreads over many addresses.
constexpr std::size_t kMaxClients = 10000;

}  // namespace

AuthFailureLog::AuthFailureLog(store::ConnectionSettings webstore, std::chrono::milliseconds interval)
    : webstore_(std::move(webstore)), interval_(interval) {
    thread_ = std::thread([this] { run(); });
}

AuthFailureLog::~AuthFailureLog() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
}

void AuthFailureLog::record(const std::string& api, const std::string& peer, const std::string& why) {
    std::lock_guard lock(mutex_);
    std::string actor = api + ":" + peer;
    if (tallies_.size() >= kMaxClients && tallies_.find(actor) == tallies_.end()) {
        actor = api + ":other-addresses";
    }
    auto& tally = tallies_[actor];
    ++tally.count;
    tally.why = why;
    if (tally.announce) {
        wake_.notify_one();
    }
}

std::vector<AuthFailureLog::Report> AuthFailureLog::due(bool all) {
    const auto now = std::chrono::steady_clock::now();
    std::vector<Report> out;
    for (auto it = tallies_.begin(); it != tallies_.end();) {
        auto& [actor, tally] = *it;
        if (tally.announce || all || tally.window_end <= now) {
            if (tally.count == 0) {
                it = tallies_.erase(it);  // a whole interval without a failure: the next one is told at once
                continue;
            }
            out.push_back({actor, tally.count, tally.why, tally.announce});
            tally.count = 0;
            tally.announce = false;
            tally.window_end = now + interval_;
        }
        ++it;
    }
    return out;
}

void AuthFailureLog::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        auto reports = due(stopping_);
        if (!reports.empty()) {
            lock.unlock();
            tell(reports);
            lock.lock();
            continue;
        }
        if (stopping_) {
            return;
        }
        auto next = std::chrono::steady_clock::time_point::max();
        for (const auto& [actor, tally] : tallies_) {
            next = std::min(next, tally.window_end);
        }
        if (next == std::chrono::steady_clock::time_point::max()) {
            wake_.wait(lock);
        } else {
            wake_.wait_until(lock, next);
        }
    }
}

void AuthFailureLog::tell(const std::vector<Report>& reports) {
    const auto ms = interval_.count();
    const std::string interval = ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
    std::vector<audit::AuditEntry> entries;
    for (const auto& r : reports) {
        const std::string what =
            std::to_string(r.count) + (r.count == 1 ? " failed authentication" : " failed authentications");
        if (r.first) {
            spdlog::warn("pricing API: {} from {} ({}); more from this client are counted for {}", what, r.actor, r.why,
                         interval);
        } else {
            spdlog::warn("pricing API: {} more from {} within {} ({})", what, r.actor, interval, r.why);
        }
        audit::ChangeSet changes;
        changes.add("failures", std::nullopt, std::to_string(r.count));
        changes.add("reason", std::nullopt, r.why);
        const std::string api = r.actor.substr(0, r.actor.find(':'));
        entries.push_back({r.actor, "api", api, "auth_failed", changes.json()});
    }
    try {
        if (!store_) {
            store_ = store::Webstore::open(webstore_);
        }
        store::Transaction tx(*store_);
        audit::AuditLog(*store_).append(entries);
        tx.commit();
    } catch (const std::exception& e) {
        store_.reset();  // reconnect for the next report
        spdlog::warn("pricing API: {} report(s) of failed authentications not audited: {}", entries.size(), e.what());
    }
}

}  // namespace syncline::app
