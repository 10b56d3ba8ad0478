#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>

#include "engine/config/config.h"
#include "engine/connector/connector.h"

namespace syncline::app {

/// The live ERP price could not be used: no answer in time, an ERP error, too many calls in flight. The message
/// says which; the caller answers from the synced rules.
class LiveUnavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Live ERP prices ([pricing.live]) with a deadline and a small TTL cache. Each question the cache cannot answer
/// is asked on a thread of its own, so a caller waits at most until its deadline; an answer that comes later still
/// fills the cache for the next caller. At most `max_in_flight` questions are with the ERP at once (a hung ERP
/// costs threads only up to that bound); beyond it a question is not asked. Thread-safe.
class LivePrices {
  public:
    using Ask = std::function<std::optional<connector::LivePriceAnswer>(const connector::LivePriceQuestion&)>;

    struct Settings {
        std::chrono::milliseconds timeout{300};  ///< [pricing.live] timeout_ms: for one line, or a whole cart
        std::chrono::seconds ttl{60};            ///< [pricing.live] cache_ttl_s; 0: no cache
        std::size_t max_entries = 10000;         ///< [pricing.live] cache_entries
        std::size_t max_in_flight = 16;
    };

    enum class Source { Live, Cache };

    struct Result {
        std::optional<connector::LivePriceAnswer> answer;  ///< none: the ERP has no price for it
        Source source = Source::Live;
        std::chrono::seconds age{0};  ///< of a cached answer
    };

    LivePrices(Ask ask, Settings settings);
    /// Waits (up to 5 s) for questions still with the ERP, so none outlives the process's ODBC environment.
    ~LivePrices();
    LivePrices(const LivePrices&) = delete;
    LivePrices& operator=(const LivePrices&) = delete;

    const Settings& settings() const { return settings_; }

    /// The cached or live answer, waiting no later than `deadline`. Throws LiveUnavailable.
    Result price(const connector::LivePriceQuestion& question, std::chrono::steady_clock::time_point deadline);

  private:
    struct State;
    Ask ask_;
    Settings settings_;
    std::shared_ptr<State> state_;
};

/// The live ERP prices of [pricing.live] over the [erp] connection, or nullptr when live mode is off. Throws
/// std::invalid_argument naming the problem of a bad query.
std::unique_ptr<LivePrices> makeLivePrices(const config::Config& config);

}  // namespace syncline::app
