#include "app/logging.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "app/terminal_text.h"

namespace syncline::app {

namespace {

std::string isoTime(std::chrono::system_clock::time_point tp) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count();
    const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char buf[40];
    const auto n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
    std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
    return buf;
}

// One JSON object per line on stderr; the message is escaped by nlohmann::json.
class JsonStderrSink : public spdlog::sinks::base_sink<std::mutex> {
  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        nlohmann::json line = {
            {"ts", isoTime(msg.time)},
            {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                                  spdlog::level::to_string_view(msg.level).size())},
            {"msg", std::string(msg.payload.data(), msg.payload.size())},
        };
        const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        std::fwrite(text.data(), 1, text.size(), stderr);
    }
    void flush_() override { std::fflush(stderr); }
};

// %* in a text pattern: the message with its control characters escaped, so that a value from the ERP (a name with
// ESC in it, an error text with a newline) cannot recolour the terminal or forge a log line of its own.
class EscapedMessage : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&, spdlog::memory_buf_t& dest) override {
        const std::string text = escapeControls(std::string_view(msg.payload.data(), msg.payload.size()));
        dest.append(text.data(), text.data() + text.size());
    }
    std::unique_ptr<custom_flag_formatter> clone() const override { return std::make_unique<EscapedMessage>(); }
};

}  // namespace

void setupLogging(const std::string& format, const std::string& level) {
    const auto parsed = spdlog::level::from_str(level);
    if (parsed == spdlog::level::off && level != "off") {
        throw std::invalid_argument("unknown log level '" + level + "' (allowed: trace, debug, info, warn, error)");
    }
    spdlog::sink_ptr sink;
    if (format == "json") {
        sink = std::make_shared<JsonStderrSink>();
    } else if (format == "text") {
        // NO_COLOR (no-color.org): set and not empty, no colour even on a terminal.
        const char* no_color = std::getenv("NO_COLOR");
        if (::isatty(STDERR_FILENO) && (no_color == nullptr || *no_color == '\0')) {
            sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
        } else {
            sink = std::make_shared<spdlog::sinks::stderr_sink_mt>();
        }
        auto formatter = std::make_unique<spdlog::pattern_formatter>();
        formatter->add_flag<EscapedMessage>('*').set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ %*");
        sink->set_formatter(std::move(formatter));
    } else {
        throw std::invalid_argument("unknown log format '" + format + "' (allowed: text, json)");
    }
    auto logger = std::make_shared<spdlog::logger>("syncline", sink);
    logger->set_level(parsed);
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
}

}  // namespace syncline::app
