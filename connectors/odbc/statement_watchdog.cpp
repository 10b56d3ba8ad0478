#include "connectors/odbc/statement_watchdog.h"

#include <sql.h>

#include <algorithm>
#include <utility>

namespace syncline::odbc {

StatementWatchdog::StatementWatchdog(std::chrono::milliseconds limit)
    : limit_(std::max(limit, std::chrono::milliseconds(1))), thread_([this] { run(); }) {}

StatementWatchdog::~StatementWatchdog() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    changed_.notify_all();
    thread_.join();
}

StatementWatchdog::Watch::~Watch() {
    if (watchdog_ != nullptr) {
        watchdog_->endWatch();
    }
}

StatementWatchdog::Watch::Watch(Watch&& other) noexcept : watchdog_(std::exchange(other.watchdog_, nullptr)) {}

StatementWatchdog::Watch StatementWatchdog::watch(void* statement) {
    {
        std::lock_guard lock(mutex_);
        statement_ = statement;
        ++call_;
        deadline_ = std::chrono::steady_clock::now() + limit_;
        cancelled_ = false;
    }
    changed_.notify_all();
    return Watch(this);
}

void StatementWatchdog::endWatch() {
    std::unique_lock lock(mutex_);
    // The statement may be freed right after the call: never while SQLCancel is still using it.
    changed_.wait(lock, [this] { return !cancelling_; });
    statement_ = nullptr;
    ++call_;
    changed_.notify_all();
}

bool StatementWatchdog::lastCallCancelled() const {
    std::lock_guard lock(mutex_);
    return cancelled_;
}

void StatementWatchdog::run() {
    std::unique_lock lock(mutex_);
    while (!stop_) {
        if (statement_ == nullptr || cancelled_) {
            changed_.wait(lock);
            continue;
        }
        const std::uint64_t call = call_;
        if (changed_.wait_until(lock, deadline_, [&] { return stop_ || call_ != call; })) {
            continue;
        }
        cancelling_ = true;
        void* const statement = statement_;
        lock.unlock();
        // The call's own error tells what happened; SQLCancel's result adds nothing (psqlODBC returns success when
        // it had nothing to cancel).
        SQLCancel(static_cast<SQLHSTMT>(statement));
        lock.lock();
        cancelling_ = false;
        cancelled_ = true;
        changed_.notify_all();
    }
}

}  // namespace syncline::odbc
