#include "app/live_prices.h"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include <spdlog/spdlog.h>

#include "app/commands.h"

namespace syncline::app {

namespace {

using Clock = std::chrono::steady_clock;

std::string keyOf(const connector::LivePriceQuestion& q) {
    // Fields cannot hold '\x1f' (unit separator) in practice; it keeps "A|B" + "C" apart from "A" + "B|C".
    return q.customer + '\x1f' + q.sku + '\x1f' + q.quantity + '\x1f' + q.currency + '\x1f' + q.date;
}

}  // namespace

struct LivePrices::State {
    struct Entry {
        std::optional<connector::LivePriceAnswer> answer;
        Clock::time_point at;
    };
    std::mutex mutex;
    std::condition_variable changed;
    std::map<std::string, Entry> cache;
    std::deque<std::string> order;  ///< insertion order, for eviction
    std::size_t in_flight = 0;

    void remember(const std::string& key, const std::optional<connector::LivePriceAnswer>& answer, std::size_t max) {
        if (max == 0) {
            return;
        }
        if (cache.insert_or_assign(key, Entry{answer, Clock::now()}).second) {
            order.push_back(key);
        }
        while (cache.size() > max && !order.empty()) {
            cache.erase(order.front());
            order.pop_front();
        }
    }
};

LivePrices::LivePrices(Ask ask, Settings settings)
    : ask_(std::move(ask)), settings_(settings), state_(std::make_shared<State>()) {}

LivePrices::~LivePrices() {
    std::unique_lock lock(state_->mutex);
    state_->changed.wait_for(lock, std::chrono::seconds(5), [this] { return state_->in_flight == 0; });
}

LivePrices::Result LivePrices::price(const connector::LivePriceQuestion& question, Clock::time_point deadline) {
    const std::string key = keyOf(question);
    const auto ttl = settings_.ttl;
    struct Call {
        bool done = false;
        std::optional<connector::LivePriceAnswer> answer;
        std::string error;
    };
    auto call = std::make_shared<Call>();
    {
        std::lock_guard lock(state_->mutex);
        if (ttl.count() > 0) {
            const auto it = state_->cache.find(key);
            if (it != state_->cache.end()) {
                const auto age = Clock::now() - it->second.at;
                if (age < ttl) {
                    return {it->second.answer, Source::Cache, std::chrono::duration_cast<std::chrono::seconds>(age)};
                }
            }
        }
        if (Clock::now() >= deadline) {
            throw LiveUnavailable("no time was left of the " + std::to_string(settings_.timeout.count()) +
                                  " ms for the ERP");
        }
        if (state_->in_flight >= settings_.max_in_flight) {
            throw LiveUnavailable("the ERP already has " + std::to_string(state_->in_flight) +
                                  " live price questions in flight");
        }
        ++state_->in_flight;
    }
    std::thread([state = state_, ask = ask_, question, key, call, max = settings_.max_entries, ttl] {
        std::optional<connector::LivePriceAnswer> answer;
        std::string error;
        try {
            answer = ask(question);
        } catch (const std::exception& e) {
            error = e.what();
        }
        std::lock_guard lock(state->mutex);
        call->done = true;
        call->answer = answer;
        call->error = error;
        if (error.empty() && ttl.count() > 0) {
            state->remember(key, answer, max);
        }
        --state->in_flight;
        state->changed.notify_all();
    }).detach();

    std::unique_lock lock(state_->mutex);
    if (!state_->changed.wait_until(lock, deadline, [&] { return call->done; })) {
        throw LiveUnavailable("the ERP did not answer within " + std::to_string(settings_.timeout.count()) + " ms");
    }
    if (!call->error.empty()) {
        throw LiveUnavailable("the ERP's live price query failed: " + call->error);
    }
    return {call->answer, Source::Live, std::chrono::seconds(0)};
}

std::unique_ptr<LivePrices> makeLivePrices(const config::Config& config) {
    const auto& live = config.pricing.live;
    if (!live.enabled()) {
        return nullptr;
    }
    auto source = makeConnector(config)->livePrices();
    if (!source) {
        throw std::invalid_argument(source.error().message);
    }
    auto query = source.value();
    if (!query) {
        return nullptr;
    }
    LivePrices::Settings settings;
    settings.timeout = std::chrono::milliseconds(live.timeout_ms);
    settings.ttl = std::chrono::seconds(live.cache_ttl_s);
    settings.max_entries = static_cast<std::size_t>(live.cache_entries);
    settings.max_in_flight = static_cast<std::size_t>(std::max(4, config.api.max_connections));
    spdlog::info("pricing API: live mode, the ERP answers within {} ms or the synced rules do", live.timeout_ms);
    return std::make_unique<LivePrices>(
        [query](const connector::LivePriceQuestion& q) {
            auto answer = query->ask(q);
            if (!answer) {
                throw std::runtime_error(answer.error().describe());
            }
            return answer.value();
        },
        settings);
}

}  // namespace syncline::app
