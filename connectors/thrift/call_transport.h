#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <thrift/transport/TTransportException.h>
#include <thrift/transport/TVirtualTransport.h>

namespace syncline::thrift_connector {

/// A frame larger than the bound: one the service announced (the connection is closed: the frame is not read), or
/// one this side was about to send (`outgoing`: nothing was sent).
class FrameTooLarge : public apache::thrift::transport::TTransportException {
  public:
    FrameTooLarge(std::uint64_t size, std::uint64_t max, bool outgoing);
    std::uint64_t size;
    std::uint64_t max;
    bool outgoing;
};

/// The call's deadline passed before its reply was in: the connection is unusable after it.
class DeadlinePassed : public apache::thrift::transport::TTransportException {
  public:
    DeadlinePassed();
};

/// One connection to a connector service: a unix or TCP socket with Thrift's framing (a 4-byte big-endian length,
/// then the message) and a deadline for the call in flight, which bounds the whole call, not each read: a service
/// that trickles bytes cannot stretch it. Frames larger than `max_frame_bytes` are refused before anything is
/// allocated for them, both ways. Writes never raise SIGPIPE.
///
/// Used by one thread at a time (the owner of the call in flight). Throws TTransportException (and the two kinds
/// above) on every failure; after one, the connection is closed.
class CallTransport : public apache::thrift::transport::TVirtualTransport<CallTransport> {
  public:
    using Clock = std::chrono::steady_clock;

    /// Connects to a unix socket or to host:port before `deadline`. Throws TTransportException(NOT_OPEN) naming
    /// where and why.
    static std::shared_ptr<CallTransport> connectUnix(const std::string& path, Clock::time_point deadline,
                                                      std::uint32_t max_frame_bytes);
    static std::shared_ptr<CallTransport> connectTcp(const std::string& host, const std::string& port,
                                                     Clock::time_point deadline, std::uint32_t max_frame_bytes);
    ~CallTransport() override;
    CallTransport(const CallTransport&) = delete;
    CallTransport& operator=(const CallTransport&) = delete;

    /// Every read and write from now on ends by `deadline`.
    void setDeadline(Clock::time_point deadline) { deadline_ = deadline; }

    bool isOpen() const override { return fd_ >= 0; }
    void close() override;

    // TVirtualTransport's non-virtual interface.
    uint32_t read(uint8_t* buf, uint32_t len);
    void write(const uint8_t* buf, uint32_t len);
    const uint8_t* borrow(uint8_t* buf, uint32_t* len);
    void consume(uint32_t len);
    void flush() override;
    uint32_t readEnd() override;

  private:
    CallTransport(int fd, std::uint32_t max_frame_bytes);
    void readFrame();
    // Blocks until `fd_` is ready for `events` or the deadline passes (then throws DeadlinePassed).
    void await(short events);
    void readExactly(std::uint8_t* buf, std::size_t len);
    void writeExactly(const std::uint8_t* buf, std::size_t len);

    int fd_;
    std::uint32_t max_frame_bytes_;
    Clock::time_point deadline_ = Clock::time_point::max();
    std::vector<std::uint8_t> in_;  ///< the frame being read
    std::size_t in_pos_ = 0;
    std::vector<std::uint8_t> out_;  ///< the frame being written, after 4 bytes kept for its length
};

}  // namespace syncline::thrift_connector
