#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "engine/connector/connector.h"

namespace syncline::sync {

/// Reads a PullSession ahead of its consumer on one background thread, so that the ERP read of batch N+1
/// overlaps the webstore write of batch N. At most `depth` filled batches wait in a bounded queue; the thread
/// stops reading while the queue is full. Memory: at most depth + 1 batches (the queue and the one being filled)
/// besides the consumer's own; batches are swapped, never copied, and the consumer's old batch goes back to the
/// session to be overwritten in place (OdbcPullSession reuses its strings).
///
/// After construction the session is used by the background thread only (PullSession is not thread-safe), and
/// must outlive the ReadAhead. next() is for one consumer thread at a time.
class ReadAhead {
  public:
    /// Runs on the thread on every batch the session delivered, before the consumer can take it (the pull
    /// pipeline's validation and hashing); batches are prepared one after another, in order. An exception it
    /// throws is delivered like one from the session.
    using Prepare = std::function<void(connector::RecordBatch&)>;

    /// Copies the session's fields(), then starts reading. A `depth` of 0 is taken as 1.
    explicit ReadAhead(connector::PullSession& session, std::size_t depth = 2, Prepare prepare = nullptr);
    /// Stops the thread and joins it; filled batches not taken are dropped. Never waits for the consumer, but a
    /// session.next() in progress is finished first (it blocks on the source, up to the connector's own timeouts).
    ~ReadAhead();
    ReadAhead(const ReadAhead&) = delete;
    ReadAhead& operator=(const ReadAhead&) = delete;

    /// The session's fields(), copied at construction (so reading them never races with the thread).
    const std::vector<std::string>& fields() const { return fields_; }

    /// Same contract as PullSession::next: swaps the next batch into `batch`; true = rows delivered; false = end;
    /// or the Error the session returned. Blocks while the thread is still reading. An exception thrown by
    /// session.next() is rethrown here. After the end, an Error or an exception, every further call gives the same
    /// outcome again (the session is not read any more); `batch` is then left empty.
    connector::Result<bool> next(connector::RecordBatch& batch);

  private:
    void produce();
    void produceBatches();

    connector::PullSession& session_;
    const std::size_t depth_;
    const Prepare prepare_;
    const std::vector<std::string> fields_;

    std::mutex mutex_;
    std::condition_variable filled_;  ///< a batch or the final outcome is ready (to the consumer)
    std::condition_variable space_;   ///< the queue has room, or stop_ is set (to the thread)
    // Guarded by mutex_:
    std::deque<connector::RecordBatch> ready_;      ///< filled batches, oldest first; at most depth_
    std::vector<connector::RecordBatch> spares_;    ///< the consumer's old batches, to be refilled by the session
    std::optional<connector::Result<bool>> final_;  ///< end (false) or an Error, once the session gave it
    std::exception_ptr exception_;                  ///< what session.next() threw, once it did
    bool stop_ = false;

    std::thread thread_;  ///< last: started once everything above is constructed
};

}  // namespace syncline::sync
