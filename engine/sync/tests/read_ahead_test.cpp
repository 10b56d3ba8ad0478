#include "engine/sync/read_ahead.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <limits>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace syncline::sync {
namespace {

using connector::ErrorKind;
using connector::RecordBatch;
using connector::RowError;
using connector::Result;

constexpr std::size_t kNever = std::numeric_limits<std::size_t>::max();

/// Batch `index` of a scripted stream. The first value is longer than any small-string buffer, so its heap
/// address tells a moved batch from a copied one.
RecordBatch scriptedBatch(std::size_t index, std::size_t rows) {
    RecordBatch batch;
    for (std::size_t row = 0; row < rows; ++row) {
        const std::string sku = "batch-" + std::to_string(index) + "-row-" + std::to_string(row) + "-longer-than-sso";
        batch.rows.push_back({sku, row % 2 == 0 ? std::optional<std::string>(std::to_string(row)) : std::nullopt});
        batch.raw.push_back("SKU=" + sku);
        batch.row_errors.push_back(row == 1 ? RowError{"stock", "'x' is not a number"} : RowError{});
    }
    return batch;
}

void expectBatch(const RecordBatch& actual, std::size_t index, std::size_t rows = 3) {
    const RecordBatch expected = scriptedBatch(index, rows);
    EXPECT_EQ(actual.rows, expected.rows) << "batch " << index;
    EXPECT_EQ(actual.raw, expected.raw) << "batch " << index;
    EXPECT_EQ(actual.row_errors, expected.row_errors) << "batch " << index;
}

/// A PullSession that delivers `batches` scripted batches, then the end; or returns an Error at call `fail_at`,
/// or throws at call `throw_at`. Calls from `closeGateAt(index)` on block until openGate(). Records how it is
/// used: calls started and returned, overlapping calls, the calling threads, how far ahead of the consumer it
/// was read (the consumer bumps `requested` before each ReadAhead::next), and batches given to it empty.
class FakeSession : public connector::PullSession {
  public:
    explicit FakeSession(std::size_t batches, std::size_t rows = 3) {
        for (std::size_t i = 0; i < batches; ++i) {
            script_.push_back(scriptedBatch(i, rows));
        }
        addresses_.resize(batches, nullptr);
    }

    std::size_t fail_at = kNever;
    std::size_t throw_at = kNever;
    std::atomic<std::size_t> requested{0};

    const std::vector<std::string>& fields() const override {
        if (in_call_.load()) {
            overlapped_ = true;
        }
        ++fields_calls_;
        return fields_;
    }

    Result<bool> next(RecordBatch& batch) override {
        if (in_call_.exchange(true)) {
            overlapped_ = true;
        }
        std::unique_lock<std::mutex> lock(mutex_);
        struct Leave {
            FakeSession& fake;
            ~Leave() {
                ++fake.returned_;
                fake.in_call_ = false;
                fake.changed_.notify_all();
            }
        } leave{*this};
        const std::size_t index = started_++;
        threads_.insert(std::this_thread::get_id());
        if (batch.rows.empty()) {
            ++fresh_buffers_;
        }
        const long long ahead = static_cast<long long>(started_) - static_cast<long long>(requested.load());
        max_ahead_ = std::max(max_ahead_, ahead);
        changed_.notify_all();
        changed_.wait(lock, [&] { return index < gate_; });

        if (index == throw_at) {
            throw std::runtime_error("driver crashed in call " + std::to_string(index));
        }
        if (index == fail_at) {
            batch.clear();
            return connector::Error{ErrorKind::Transient, "08S01", "connection lost"};
        }
        if (index >= script_.size()) {
            batch.clear();
            return false;
        }
        batch = script_[index];  // copy-assigned, reusing the buffer's capacity like OdbcPullSession
        addresses_[index] = batch.rows.at(0).at(0)->data();
        return true;
    }

    void closeGateAt(std::size_t index) {
        std::lock_guard<std::mutex> lock(mutex_);
        gate_ = index;
    }
    void openGate() {
        std::lock_guard<std::mutex> lock(mutex_);
        gate_ = kNever;
        changed_.notify_all();
    }
    /// Blocks until `count` calls of next() have started (or returned).
    void waitForStarted(std::size_t count) {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return started_ >= count; });
    }
    void waitForReturned(std::size_t count) {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [&] { return returned_ >= count; });
    }

    std::size_t started() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return started_;
    }
    std::size_t returned() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return returned_;
    }
    long long maxAhead() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return max_ahead_;
    }
    std::size_t freshBuffers() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return fresh_buffers_;
    }
    const char* address(std::size_t index) const {
        std::lock_guard<std::mutex> lock(mutex_);
        return addresses_.at(index);
    }
    std::size_t fieldsCalls() const { return fields_calls_.load(); }

    /// Every next() ran alone, on one thread that is not the caller's (the test's, the consumer's).
    void expectSerialUseFromOneBackgroundThread() const {
        EXPECT_FALSE(overlapped_.load()) << "the session was used concurrently";
        std::lock_guard<std::mutex> lock(mutex_);
        EXPECT_LE(threads_.size(), 1u) << "next() was called from more than one thread";
        EXPECT_EQ(threads_.count(std::this_thread::get_id()), 0u) << "next() was called from the consumer's thread";
    }

  private:
    const std::vector<std::string> fields_ = {"sku", "stock"};
    std::vector<RecordBatch> script_;

    mutable std::atomic<bool> overlapped_{false};
    mutable std::atomic<std::size_t> fields_calls_{0};
    std::atomic<bool> in_call_{false};

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::size_t gate_ = kNever;
    std::size_t started_ = 0;
    std::size_t returned_ = 0;
    std::size_t fresh_buffers_ = 0;
    long long max_ahead_ = 0;
    std::set<std::thread::id> threads_;
    std::vector<const char*> addresses_;
};

Result<bool> consume(ReadAhead& ahead, FakeSession& session, RecordBatch& batch) {
    ++session.requested;
    return ahead.next(batch);
}

TEST(ReadAhead, DeliversEveryBatchInOrderIntactAndMovedNotCopied) {
    constexpr std::size_t kBatches = 10;
    FakeSession session(kBatches);
    ReadAhead ahead(session);
    EXPECT_EQ(ahead.fields(), (std::vector<std::string>{"sku", "stock"}));

    RecordBatch batch;
    for (std::size_t i = 0; i < kBatches; ++i) {
        auto more = consume(ahead, session, batch);
        ASSERT_TRUE(more.ok()) << more.error().describe();
        ASSERT_TRUE(more.value()) << "batch " << i;
        expectBatch(batch, i);
        EXPECT_EQ(batch.rows.at(0).at(0)->data(), session.address(i)) << "batch " << i << " was copied";
    }
    auto end = consume(ahead, session, batch);
    ASSERT_TRUE(end.ok());
    EXPECT_FALSE(end.value());
    EXPECT_EQ(batch.size(), 0u);

    EXPECT_EQ(ahead.fields(), (std::vector<std::string>{"sku", "stock"}));
    EXPECT_EQ(session.fieldsCalls(), 1u) << "fields() must be read once, before the thread starts";
    session.expectSerialUseFromOneBackgroundThread();
}

TEST(ReadAhead, EndIsStickyAndTheSessionIsNotReadAfterIt) {
    FakeSession session(3);
    ReadAhead ahead(session);
    RecordBatch batch;
    for (std::size_t i = 0; i < 3; ++i) {
        auto more = consume(ahead, session, batch);
        ASSERT_TRUE(more.ok() && more.value());
    }
    for (int again = 0; again < 3; ++again) {
        auto end = consume(ahead, session, batch);
        ASSERT_TRUE(end.ok());
        EXPECT_FALSE(end.value());
        EXPECT_EQ(batch.size(), 0u);
    }
    EXPECT_EQ(session.started(), 4u);  // three batches and the end, nothing after
    session.expectSerialUseFromOneBackgroundThread();
}

TEST(ReadAhead, EmptyStreamEndsAtOnce) {
    FakeSession session(0);
    ReadAhead ahead(session);
    RecordBatch batch = scriptedBatch(7, 2);  // whatever the consumer held is replaced, as by the session
    for (int again = 0; again < 2; ++again) {
        auto end = consume(ahead, session, batch);
        ASSERT_TRUE(end.ok());
        EXPECT_FALSE(end.value());
        EXPECT_EQ(batch.size(), 0u);
    }
    EXPECT_EQ(session.started(), 1u);
}

TEST(ReadAhead, ErrorAtBatchKComesAfterTheEarlierBatchesAndIsSticky) {
    FakeSession session(6);
    session.fail_at = 3;
    ReadAhead ahead(session, 4);
    session.waitForReturned(4);  // the error is in before the batches are taken (the queue has room for them)
    RecordBatch batch;
    for (std::size_t i = 0; i < 3; ++i) {
        auto more = consume(ahead, session, batch);
        ASSERT_TRUE(more.ok()) << "batch " << i << ": " << more.error().describe();
        ASSERT_TRUE(more.value());
        expectBatch(batch, i);
    }
    for (int again = 0; again < 3; ++again) {
        auto failed = consume(ahead, session, batch);
        ASSERT_FALSE(failed.ok());
        EXPECT_EQ(failed.error().kind, ErrorKind::Transient);
        EXPECT_EQ(failed.error().code, "08S01");
        EXPECT_EQ(failed.error().message, "connection lost");
        EXPECT_EQ(batch.size(), 0u);
    }
    EXPECT_EQ(session.started(), 4u);  // not read after the error
    session.expectSerialUseFromOneBackgroundThread();
}

TEST(ReadAhead, ExceptionFromTheSessionIsRethrownAfterTheEarlierBatchesAndIsSticky) {
    FakeSession session(6);
    session.throw_at = 2;
    ReadAhead ahead(session, 4);
    session.waitForReturned(3);
    RecordBatch batch;
    for (std::size_t i = 0; i < 2; ++i) {
        auto more = consume(ahead, session, batch);
        ASSERT_TRUE(more.ok() && more.value()) << "batch " << i;
        expectBatch(batch, i);
    }
    for (int again = 0; again < 2; ++again) {
        try {
            consume(ahead, session, batch);
            ADD_FAILURE() << "next() did not rethrow";
        } catch (const std::runtime_error& error) {
            EXPECT_STREQ(error.what(), "driver crashed in call 2");
        }
    }
    EXPECT_EQ(session.started(), 3u);  // not read after the throw
    session.expectSerialUseFromOneBackgroundThread();
}

TEST(ReadAhead, PrepareRunsOnTheThreadOnEveryBatchInOrderBeforeItIsDelivered) {
    constexpr std::size_t kBatches = 6;
    FakeSession session(kBatches);
    std::vector<std::string> prepared;  // the first sku of each batch, as prepare saw it
    std::set<std::thread::id> threads;
    ReadAhead ahead(session, 2, [&](RecordBatch& batch) {
        prepared.push_back(*batch.rows.at(0).at(0));
        threads.insert(std::this_thread::get_id());
        batch.rows.at(0).at(1) = "prepared";
    });
    RecordBatch batch;
    for (std::size_t i = 0; i < kBatches; ++i) {
        auto more = consume(ahead, session, batch);
        ASSERT_TRUE(more.ok() && more.value()) << "batch " << i;
        EXPECT_EQ(batch.rows.at(0).at(1), "prepared") << "batch " << i << " was delivered before prepare ran";
        EXPECT_EQ(*batch.rows.at(0).at(0), scriptedBatch(i, 3).rows.at(0).at(0)) << "batch " << i;
    }
    auto end = consume(ahead, session, batch);
    ASSERT_TRUE(end.ok() && !end.value());
    ASSERT_EQ(prepared.size(), kBatches) << "prepare runs once per batch, never on the end";
    for (std::size_t i = 0; i < kBatches; ++i) {
        EXPECT_EQ(prepared[i], *scriptedBatch(i, 3).rows.at(0).at(0)) << "out of order at " << i;
    }
    ASSERT_EQ(threads.size(), 1u);
    EXPECT_NE(*threads.begin(), std::this_thread::get_id()) << "prepare ran on the consumer's thread";
}

TEST(ReadAhead, AnExceptionFromPrepareIsRethrownAfterTheEarlierBatches) {
    FakeSession session(5);
    int calls = 0;
    ReadAhead ahead(session, 2, [&](RecordBatch&) {
        if (++calls == 2) {
            throw std::runtime_error("prepare failed on the second batch");
        }
    });
    RecordBatch batch;
    auto first = consume(ahead, session, batch);
    ASSERT_TRUE(first.ok() && first.value());
    expectBatch(batch, 0);
    try {
        consume(ahead, session, batch);
        ADD_FAILURE() << "next() did not rethrow";
    } catch (const std::runtime_error& error) {
        EXPECT_STREQ(error.what(), "prepare failed on the second batch");
    }
    EXPECT_EQ(session.started(), 2u) << "not read after the exception";
}

TEST(ReadAhead, DestroyingAfterOneBatchOfManyStopsTheBlockedThread) {
    constexpr std::size_t kDepth = 2;
    FakeSession session(100);
    std::optional<ReadAhead> ahead(std::in_place, session, kDepth);
    RecordBatch batch;
    auto more = consume(*ahead, session, batch);
    ASSERT_TRUE(more.ok() && more.value());
    expectBatch(batch, 0);
    // One batch taken: the thread refills the queue (depth batches), reads one more, and waits for room.
    session.waitForReturned(kDepth + 2);
    ahead.reset();
    EXPECT_EQ(session.started(), kDepth + 2);
    EXPECT_EQ(session.returned(), kDepth + 2);
    session.expectSerialUseFromOneBackgroundThread();
}

TEST(ReadAhead, DestroyingBeforeReadingAnythingReturns) {
    FakeSession session(100);
    { ReadAhead ahead(session); }
    EXPECT_LE(session.started(), 3u);
    EXPECT_EQ(session.returned(), session.started());
}

TEST(ReadAhead, DestroyingWhileTheSessionIsReadingWaitsForThatCallOnly) {
    constexpr std::size_t kDepth = 2;
    FakeSession session(100);
    session.closeGateAt(1);
    std::optional<ReadAhead> ahead(std::in_place, session, kDepth);
    session.waitForStarted(2);  // call 1 is blocked in the session
    std::thread destroyer([&] { ahead.reset(); });
    session.openGate();
    destroyer.join();
    EXPECT_LE(session.started(), kDepth + 1);  // nothing was consumed
    EXPECT_EQ(session.returned(), session.started());
    session.expectSerialUseFromOneBackgroundThread();
}

TEST(ReadAhead, DepthZeroIsTakenAsOne) {
    FakeSession session(5);
    ReadAhead ahead(session, 0);
    session.waitForStarted(2);
    EXPECT_LE(session.started(), 2u);
    RecordBatch batch;
    for (std::size_t i = 0; i < 5; ++i) {
        auto more = consume(ahead, session, batch);
        ASSERT_TRUE(more.ok() && more.value());
        expectBatch(batch, i);
    }
    auto end = consume(ahead, session, batch);
    ASSERT_TRUE(end.ok());
    EXPECT_FALSE(end.value());
}

TEST(ReadAhead, BuffersCirculateInsteadOfBeingMadePerBatch) {
    constexpr std::size_t kDepth = 2;
    constexpr std::size_t kBatches = 30;
    FakeSession session(kBatches);
    ReadAhead ahead(session, kDepth);
    RecordBatch batch;
    for (std::size_t i = 0; i <= kBatches; ++i) {
        auto more = consume(ahead, session, batch);
        ASSERT_TRUE(more.ok());
        ASSERT_EQ(more.value(), i < kBatches);
    }
    // depth + 1 buffers in the ReadAhead, and the consumer's own first (empty) one, each empty only once.
    EXPECT_LE(session.freshBuffers(), kDepth + 2);
}

TEST(ReadAhead, ManySmallBatchesArriveInOrder) {
    constexpr std::size_t kBatches = 2000;
    FakeSession session(kBatches, 1);
    ReadAhead ahead(session, 1);
    RecordBatch batch;
    for (std::size_t i = 0; i < kBatches; ++i) {
        auto more = consume(ahead, session, batch);
        ASSERT_TRUE(more.ok() && more.value()) << "batch " << i;
        ASSERT_EQ(batch.size(), 1u);
        ASSERT_EQ(*batch.rows[0][0], *scriptedBatch(i, 1).rows[0][0]);
    }
    auto end = consume(ahead, session, batch);
    ASSERT_TRUE(end.ok());
    EXPECT_FALSE(end.value());
    EXPECT_LE(session.maxAhead(), 2);
    session.expectSerialUseFromOneBackgroundThread();
}

class ReadAheadDepth : public ::testing::TestWithParam<std::size_t> {};

// Before the consumer takes batch i, the thread reads until depth batches wait and one more is filled (that is the
// overlap), and no further.
TEST_P(ReadAheadDepth, ThreadReadsDepthPlusOneAheadAndNoFurther) {
    const std::size_t depth = GetParam();
    constexpr std::size_t kBatches = 12;
    FakeSession session(kBatches);
    ReadAhead ahead(session, depth);
    RecordBatch batch;
    for (std::size_t consumed = 0; consumed <= kBatches; ++consumed) {
        session.waitForStarted(std::min(consumed + depth + 1, kBatches + 1));
        EXPECT_LE(session.started(), consumed + depth + 1) << "after " << consumed << " batches";
        auto more = consume(ahead, session, batch);
        ASSERT_TRUE(more.ok());
        ASSERT_EQ(more.value(), consumed < kBatches);
        if (more.value()) {
            expectBatch(batch, consumed);
        }
    }
    EXPECT_LE(session.maxAhead(), static_cast<long long>(depth + 1));
    session.expectSerialUseFromOneBackgroundThread();
}

INSTANTIATE_TEST_SUITE_P(Depths, ReadAheadDepth, ::testing::Values(1, 2, 4));

}  // namespace
}  // namespace syncline::sync
