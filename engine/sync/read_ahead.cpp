#include "engine/sync/read_ahead.h"

#include <algorithm>
#include <utility>

namespace syncline::sync {

ReadAhead::ReadAhead(connector::PullSession& session, std::size_t depth, Prepare prepare)
    : session_(session),
      depth_(std::max<std::size_t>(depth, 1)),
      prepare_(std::move(prepare)),
      fields_(session.fields()) {
    // A new buffer is only made when no spare is left, so at most depth_ + 1 of them circulate between the queue,
    // the spares and the thread: returning one in next() never allocates.
    spares_.reserve(depth_ + 1);
    thread_ = std::thread([this] { produce(); });
}

ReadAhead::~ReadAhead() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stop_ = true;
    }
    space_.notify_all();
    thread_.join();
}

connector::Result<bool> ReadAhead::next(connector::RecordBatch& batch) {
    std::unique_lock<std::mutex> lock(mutex_);
    filled_.wait(lock, [this] { return !ready_.empty() || final_ || exception_; });
    // Batches the thread filled before the end or a failure are delivered first.
    if (!ready_.empty()) {
        using std::swap;
        swap(batch, ready_.front());
        spares_.push_back(std::move(ready_.front()));
        ready_.pop_front();
        lock.unlock();
        space_.notify_one();
        return true;
    }
    if (exception_) {
        const std::exception_ptr exception = exception_;
        lock.unlock();
        batch.clear();
        std::rethrow_exception(exception);
    }
    connector::Result<bool> outcome = *final_;
    lock.unlock();
    batch.clear();
    return outcome;
}

void ReadAhead::produce() {
    try {
        produceBatches();
    } catch (...) {
        std::lock_guard<std::mutex> lock(mutex_);
        exception_ = std::current_exception();
        filled_.notify_all();
    }
}

void ReadAhead::produceBatches() {
    connector::RecordBatch batch;
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
        lock.unlock();
        auto more = session_.next(batch);  // blocks on the ERP: the part that overlaps the consumer's work
        if (more && more.value() && prepare_) {
            prepare_(batch);
        }
        lock.lock();
        if (!more || !more.value()) {
            final_.emplace(std::move(more));
            filled_.notify_all();
            return;
        }
        space_.wait(lock, [this] { return stop_ || ready_.size() < depth_; });
        if (stop_) {
            return;
        }
        ready_.push_back(std::move(batch));
        filled_.notify_one();
        if (spares_.empty()) {
            batch = connector::RecordBatch{};
        } else {
            batch = std::move(spares_.back());
            spares_.pop_back();
        }
    }
}

}  // namespace syncline::sync
