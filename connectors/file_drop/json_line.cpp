#include "connectors/file_drop/json_line.h"

#include <algorithm>
#include <string>

#include <nlohmann/json.hpp>

namespace syncline::file_drop {

namespace {

// A SAX handler for nlohmann's parser: the parser hands over each number's own text beside its binary value, which is
// why this is not json::parse (that keeps only a double for 12.10).
class FlatObject {
  public:
    using number_integer_t = nlohmann::json::number_integer_t;
    using number_unsigned_t = nlohmann::json::number_unsigned_t;
    using number_float_t = nlohmann::json::number_float_t;
    using string_t = std::string;
    using binary_t = nlohmann::json::binary_t;

    explicit FlatObject(SourceRecord& record) : record_(record) {}

    bool null() { return value(std::nullopt); }
    bool boolean(bool b) { return value(std::string(b ? "true" : "false")); }
    bool number_integer(number_integer_t n) { return value(std::to_string(n)); }
    bool number_unsigned(number_unsigned_t n) { return value(std::to_string(n)); }
    bool number_float(number_float_t, const string_t& text) {
        // The lexer writes the locale's decimal point into its text (for strtod); put the JSON '.' back.
        std::string exact = text;
        std::replace_if(
            exact.begin(), exact.end(),
            [](char c) { return !(c >= '0' && c <= '9') && c != '-' && c != '+' && c != 'e' && c != 'E'; }, '.');
        return value(std::move(exact));
    }
    bool string(string_t& s) { return value(std::move(s)); }
    bool binary(binary_t&) { return value(std::nullopt); }

    bool start_object(std::size_t) {
        if (depth_++ == 1) {
            fail("the value of '" + key_ + "' is an object; only strings, numbers, true, false and null are read");
        }
        return true;
    }
    bool end_object() {
        --depth_;
        return true;
    }
    bool start_array(std::size_t) {
        if (depth_ == 0) {
            fail("is a JSON array, not an object");
        } else if (depth_ == 1) {
            fail("the value of '" + key_ + "' is an array; only strings, numbers, true, false and null are read");
        }
        ++depth_;
        return true;
    }
    bool end_array() {
        --depth_;
        return true;
    }
    bool key(string_t& k) {
        if (depth_ == 1) {
            if (std::find(record_.names.begin(), record_.names.end(), k) != record_.names.end()) {
                fail("the key '" + k + "' appears twice");
            }
            key_ = std::move(k);
        }
        return true;
    }
    bool parse_error(std::size_t, const std::string&, const nlohmann::json::exception& e) {
        std::string why = e.what();
        // "[json.exception.parse_error.101] parse error at line 1, column 7: ..." → "not valid JSON: column 7: ..."
        if (const auto at = why.find("column "); at != std::string::npos) {
            why.erase(0, at);
        }
        fail("is not valid JSON: " + why);
        return false;
    }

  private:
    bool value(std::optional<std::string> v) {
        if (depth_ == 0) {
            fail("is a single JSON value, not an object");
        } else if (depth_ == 1) {
            record_.names.push_back(key_);
            record_.values.push_back(std::move(v));
        }
        return true;
    }

    void fail(std::string why) {
        if (record_.error.empty()) {
            record_.error = std::move(why);
        }
    }

    SourceRecord& record_;
    int depth_ = 0;
    std::string key_;
};

}  // namespace

void parseJsonLine(std::string_view line, SourceRecord& record) {
    FlatObject handler(record);
    nlohmann::json::sax_parse(line, &handler, nlohmann::json::input_format_t::json, /*strict=*/true);
}

}  // namespace syncline::file_drop
