#include "app/run_watchdog.h"

#include <algorithm>
#include <future>
#include <iostream>
#include <utility>

#include <spdlog/spdlog.h>

#include "app/exit_codes.h"
#include "app/job_lease.h"
#include "engine/lease/lease.h"
#include "engine/store/webstore.h"
#include "engine/sync/run_log.h"

namespace syncline::app {

namespace {

long long secondsOf(std::chrono::steady_clock::duration d) {
    return std::chrono::duration_cast<std::chrono::seconds>(d).count();
}

}  // namespace

RunWatchdog::Limits RunWatchdog::limitsOf(const config::Config& config) {
    Limits limits;
    limits.stall = std::chrono::seconds(config.erp.login_timeout_s + 2 * config.erp.query_timeout_s + config.lease_s);
    limits.deadline = std::chrono::seconds(config.sync.run_timeout_s);
    limits.stop_grace = std::chrono::seconds(config.shutdown_timeout_s);
    limits.stall_rule = "erp.login_timeout_s + 2 × erp.query_timeout_s + engine.lease_s = " +
                        std::to_string(config.erp.login_timeout_s) + " + 2 × " +
                        std::to_string(config.erp.query_timeout_s) + " + " + std::to_string(config.lease_s) + " = " +
                        std::to_string(limits.stall.count()) + " s";
    return limits;
}

RunWatchdog::RunWatchdog(const config::Config& config, std::string job, HeldLease& lease, std::string progress_noun)
    : limits_(limitsOf(config)),
      job_(std::move(job)),
      node_(config.node_name),
      progress_noun_(std::move(progress_noun)),
      webstore_(config.webstore),
      lease_duration_(std::chrono::seconds(config.lease_s)),
      lease_(lease),
      started_(Clock::now()),
      last_progress_(started_),
      thread_([this] { watch(); }) {}

RunWatchdog::~RunWatchdog() {
    finished();
    thread_.join();
}

void RunWatchdog::progress(const sync::PullProgress* counts) {
    lease_.progress();
    std::lock_guard lock(mutex_);
    last_progress_ = Clock::now();
    if (counts != nullptr) {
        counts_ = *counts;
    }
}

void RunWatchdog::runStarted(std::int64_t run_id) {
    std::lock_guard lock(mutex_);
    run_id_ = run_id;
}

void RunWatchdog::erpCallStarted(std::string what) {
    std::lock_guard lock(mutex_);
    erp_call_ = std::move(what);
    erp_call_since_ = Clock::now();
}

void RunWatchdog::erpCallEnded() {
    std::lock_guard lock(mutex_);
    erp_call_.clear();
}

void RunWatchdog::finished() {
    std::unique_lock lock(mutex_);
    // The watchdog is recording the run as failed and exiting: the run's own report must not follow it.
    changed_.wait(lock, [this] { return !ending_; });
    finished_ = true;
    changed_.notify_all();
}

std::string RunWatchdog::stallMessage(Clock::time_point now) const {
    std::string what = erp_call_.empty()
                           ? "no ERP call was waiting: the webstore did not answer"
                           : "the ERP has not answered for " + std::to_string(secondsOf(now - erp_call_since_)) +
                                 " s (" + erp_call_ + ")";
    return "stalled: " + what + "; no " + progress_noun_ + " for " + std::to_string(secondsOf(now - last_progress_)) +
           " s (stall bound: " + limits_.stall_rule + ")";
}

void RunWatchdog::watch() {
    std::unique_lock lock(mutex_);
    bool asked_to_stop = false;
    const auto deadline = started_ + limits_.deadline;
    while (!finished_) {
        const auto now = Clock::now();
        if (now - last_progress_ >= limits_.stall) {
            ending_ = true;
            const std::string message = stallMessage(now);
            const auto counts = counts_;
            const auto run_id = run_id_;
            lock.unlock();
            end("stalled", message, counts, run_id);
        }
        if (now >= deadline && !asked_to_stop) {
            asked_to_stop = true;
            const std::string message = "the run took longer than sync.run_timeout_s (" +
                                        std::to_string(limits_.deadline.count()) + " s); stopped at a commit";
            spdlog::warn("job {}: {}; it stops at its next commit (at most {} s)", job_, message,
                         limits_.stop_grace.count());
            lease_.fail(connector::Error{connector::ErrorKind::Transient, "deadline", message});
        }
        if (asked_to_stop && now >= deadline + limits_.stop_grace) {
            ending_ = true;
            const auto counts = counts_;
            const auto run_id = run_id_;
            lock.unlock();
            end("deadline",
                "the run took longer than sync.run_timeout_s (" + std::to_string(limits_.deadline.count()) +
                    " s) and did not stop at a commit within engine.shutdown_timeout_s (" +
                    std::to_string(limits_.stop_grace.count()) + " s)",
                counts, run_id);
        }
        const auto wake =
            std::min(last_progress_ + limits_.stall, asked_to_stop ? deadline + limits_.stop_grace : deadline);
        changed_.wait_until(lock, wake);
    }
}

void RunWatchdog::end(const std::string& code, const std::string& message,
                      const std::optional<sync::PullProgress>& counts, std::int64_t run_id) {
    spdlog::error("job {}: {}; the run is ended", job_, message);
    const connector::Error error{connector::ErrorKind::Transient, code, message};
    // On a thread of its own with a connection of its own, bounded: the run's threads may hold the webstore, or the
    // webstore may be what stalled.
    auto recorded = std::make_shared<std::promise<void>>();
    auto done = recorded->get_future();
    std::thread([settings = webstore_, job = job_, node = node_, error, counts, lease = lease_.lease(),
                 duration = lease_duration_, recorded] {
        try {
            auto store = store::Webstore::open(settings);
            sync::RunLog(*store).failRunning(job, node, error, counts ? &*counts : nullptr);
            lease::LeaseStore(*store, duration).release(lease);
        } catch (const std::exception& e) {
            spdlog::error("job {}: could not record the run as failed: {}; the next run marks it abandoned", job,
                          e.what());
        }
        recorded->set_value();
    }).detach();
    if (done.wait_for(limits_.stop_grace) != std::future_status::ready) {
        spdlog::error(
            "job {}: the webstore did not take the failure within {} s; the next run marks the run "
            "abandoned, and the lease lapses",
            job_, limits_.stop_grace.count());
    }
    std::cerr << "syncline run " << job_ << ": " << message << "; "
              << (run_id > 0 ? "run " + std::to_string(run_id) : std::string("the run"))
              << " ended as failed (transient); the next run goes on from its last commit" << std::endl;
    spdlog::default_logger()->flush();
    std::_Exit(kExitTempFail);
}

namespace {

// Reports one ERP call to the watchdog for as long as it lasts.
class ErpCall {
  public:
    ErpCall(RunWatchdog& watchdog, std::string what, bool answer_is_progress)
        : watchdog_(watchdog), answer_is_progress_(answer_is_progress) {
        watchdog_.erpCallStarted(std::move(what));
    }
    ~ErpCall() {
        watchdog_.erpCallEnded();
        if (answer_is_progress_) {
            watchdog_.progress();
        }
    }
    ErpCall(const ErpCall&) = delete;
    ErpCall& operator=(const ErpCall&) = delete;

  private:
    RunWatchdog& watchdog_;
    bool answer_is_progress_;
};

class WatchedSession final : public connector::PullSession {
  public:
    WatchedSession(std::unique_ptr<connector::PullSession> session, RunWatchdog& watchdog, std::string what,
                   bool answers_are_progress)
        : session_(std::move(session)),
          watchdog_(watchdog),
          what_(std::move(what)),
          answers_are_progress_(answers_are_progress) {}

    const std::vector<std::string>& fields() const override { return session_->fields(); }
    connector::Result<bool> next(connector::RecordBatch& batch) override {
        ErpCall call(watchdog_, what_, answers_are_progress_);
        return session_->next(batch);
    }

  private:
    std::unique_ptr<connector::PullSession> session_;
    RunWatchdog& watchdog_;
    const std::string what_;
    const bool answers_are_progress_;
};

class WatchedConnector final : public connector::Connector {
  public:
    WatchedConnector(std::unique_ptr<connector::Connector> connector, RunWatchdog& watchdog, bool answers_are_progress)
        : connector_(std::move(connector)), watchdog_(watchdog), answers_are_progress_(answers_are_progress) {}

    std::string kind() const override { return connector_->kind(); }
    std::vector<std::string> streams() const override { return connector_->streams(); }
    bool incremental(const std::string& stream) const override { return connector_->incremental(stream); }
    connector::Result<std::string> check() override {
        ErpCall call(watchdog_, "connecting", answers_are_progress_);
        return connector_->check();
    }
    connector::Result<std::unique_ptr<connector::PullSession>> open(const std::string& stream,
                                                                    const connector::OpenRequest& request) override {
        auto session = [&] {
            ErpCall call(watchdog_, "connecting and running the query of stream '" + stream + "'",
                         answers_are_progress_);
            return connector_->open(stream, request);
        }();
        if (!session) {
            return session;
        }
        return std::unique_ptr<connector::PullSession>(std::make_unique<WatchedSession>(
            std::move(session.value()), watchdog_, "reading stream '" + stream + "'", answers_are_progress_));
    }
    bool exportsOrders() const override { return connector_->exportsOrders(); }
    connector::Result<std::optional<std::string>> findOrder(const std::string& key) override {
        ErpCall call(watchdog_, "looking up order " + key, answers_are_progress_);
        return connector_->findOrder(key);
    }
    connector::Result<std::string> pushOrder(const model::Order& order, const std::string& key) override {
        ErpCall call(watchdog_, "writing order " + key, answers_are_progress_);
        return connector_->pushOrder(order, key);
    }
    bool readsOrderStatus() const override { return connector_->readsOrderStatus(); }
    connector::Result<std::optional<connector::OrderState>> orderStatus(const std::string& key) override {
        ErpCall call(watchdog_, "reading the status of order " + key, answers_are_progress_);
        return connector_->orderStatus(key);
    }

  private:
    std::unique_ptr<connector::Connector> connector_;
    RunWatchdog& watchdog_;
    const bool answers_are_progress_;
};

}  // namespace

std::unique_ptr<connector::Connector> watchErpCalls(std::unique_ptr<connector::Connector> connector,
                                                    RunWatchdog& watchdog, bool answers_are_progress) {
    return std::make_unique<WatchedConnector>(std::move(connector), watchdog, answers_are_progress);
}

}  // namespace syncline::app
