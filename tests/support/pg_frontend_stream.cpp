#include "tests/support/pg_frontend_stream.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string_view>
#include <utility>

namespace syncline::testing {

namespace {

constexpr std::size_t kMaxInspected = 8192;  ///< body bytes of one message kept to look at (names, SQL)
constexpr std::size_t kMaxLogged = 200;      ///< SQL bytes per log line

constexpr std::uint32_t kCancelRequest = 80877102;
constexpr std::uint32_t kSslRequest = 80877103;
constexpr std::uint32_t kGssEncRequest = 80877104;

std::uint32_t readInt32(const char* bytes) {
    std::uint32_t value = 0;
    for (int i = 0; i < 4; ++i) {
        value = (value << 8) | static_cast<unsigned char>(bytes[i]);
    }
    return value;
}

/// The NUL-terminated string at `pos` in `body` (to its end when there is no NUL); `pos` moves past the NUL.
std::string cString(const std::string& body, std::size_t& pos) {
    if (pos >= body.size()) {
        return {};
    }
    const std::size_t end = std::min(body.find('\0', pos), body.size());
    std::string text = body.substr(pos, end - pos);
    pos = end + 1;
    return text;
}

bool isSpace(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

/// COMMIT, COMMIT WORK, COMMIT TRANSACTION, END, END WORK or END TRANSACTION; any case, trimmed, optional ';'.
bool isCommitSql(std::string_view sql) {
    const auto trim = [](std::string_view text) {
        while (!text.empty() && isSpace(text.front())) {
            text.remove_prefix(1);
        }
        while (!text.empty() && isSpace(text.back())) {
            text.remove_suffix(1);
        }
        return text;
    };
    sql = trim(sql);
    if (!sql.empty() && sql.back() == ';') {
        sql = trim(sql.substr(0, sql.size() - 1));
    }
    std::vector<std::string> words;
    for (std::size_t i = 0; i < sql.size();) {
        if (isSpace(sql[i])) {
            ++i;
            continue;
        }
        std::string word;
        for (; i < sql.size() && !isSpace(sql[i]); ++i) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i])));
        }
        words.push_back(std::move(word));
    }
    if (words.empty() || words.size() > 2 || (words[0] != "commit" && words[0] != "end")) {
        return false;
    }
    return words.size() == 1 || words[1] == "work" || words[1] == "transaction";
}

std::string shortSql(const std::string& sql, bool truncated) {
    if (sql.size() <= kMaxLogged && !truncated) {
        return sql;
    }
    return sql.substr(0, kMaxLogged) + "...";
}

std::string quoted(const std::string& name) {
    return "\"" + name + "\"";
}

}  // namespace

std::size_t PgFrontendStream::feed(const char* data, std::size_t size, bool& commit, std::vector<std::string>& log) {
    commit = false;
    std::size_t i = 0;
    while (i < size) {
        if (mode_ != Mode::Startup && mode_ != Mode::Messages) {
            // Encrypted (or bytes before the server answered an SSLRequest, which no client sends): blind.
            mode_ = Mode::Opaque;
            return size;
        }
        if (!in_body_) {
            const std::size_t header_size = mode_ == Mode::Startup ? 4 : 5;
            const std::size_t take = std::min(header_size - header_.size(), size - i);
            header_.append(data + i, take);
            i += take;
            if (header_.size() < header_size) {
                break;
            }
            const std::uint32_t length = readInt32(header_.data() + header_size - 4);
            if (length < 4) {
                log.push_back("malformed message, forwarding blindly from here");
                mode_ = Mode::Opaque;
                return size;
            }
            body_.clear();
            body_remaining_ = length - 4;
            truncated_ = false;
            in_body_ = true;
        }
        const std::size_t take = std::min(body_remaining_, size - i);
        const std::size_t keep = std::min(take, kMaxInspected - body_.size());
        body_.append(data + i, keep);
        truncated_ = truncated_ || keep < take;
        i += take;
        body_remaining_ -= take;
        if (body_remaining_ > 0) {
            break;
        }
        in_body_ = false;
        const bool is_commit = finishMessage(log);
        header_.clear();
        if (is_commit) {
            commit = true;
            return i;
        }
    }
    return i;
}

void PgFrontendStream::finishStartup(std::vector<std::string>& log) {
    const std::uint32_t code = body_.size() >= 4 ? readInt32(body_.data()) : 0;
    if (code == kSslRequest || code == kGssEncRequest) {
        log.push_back(code == kSslRequest ? "SSLRequest" : "GSSENCRequest");
        mode_ = Mode::AwaitingEncryptionAnswer;
    } else if (code == kCancelRequest) {
        log.push_back("CancelRequest");
        mode_ = Mode::Opaque;
    } else {
        log.push_back("startup");
        mode_ = Mode::Messages;
    }
}

bool PgFrontendStream::finishMessage(std::vector<std::string>& log) {
    if (mode_ == Mode::Startup) {
        finishStartup(log);
        return false;
    }
    const char type = header_[0];
    std::size_t pos = 0;
    switch (type) {
        case 'Q': {
            const std::string sql = cString(body_, pos);
            log.push_back("Q " + shortSql(sql, truncated_));
            return !truncated_ && isCommitSql(sql);
        }
        case 'P': {
            const std::string statement = cString(body_, pos);
            const std::string sql = cString(body_, pos);
            statements_[statement] = !truncated_ && isCommitSql(sql);
            log.push_back("P " + quoted(statement) + " " + shortSql(sql, truncated_));
            return false;
        }
        case 'B': {
            const std::string portal = cString(body_, pos);
            const std::string statement = cString(body_, pos);
            const auto found = statements_.find(statement);
            portals_[portal] = found != statements_.end() && found->second;
            log.push_back("B " + quoted(portal) + " " + quoted(statement));
            return false;
        }
        case 'E': {
            const std::string portal = cString(body_, pos);
            const auto found = portals_.find(portal);
            commit_executed_ = commit_executed_ || (found != portals_.end() && found->second);
            log.push_back("E " + quoted(portal));
            return false;
        }
        case 'C':
        case 'D': {
            const char kind = body_.empty() ? '?' : body_[0];
            pos = 1;
            const std::string name = cString(body_, pos);
            if (type == 'C') {
                (kind == 'S' ? statements_ : portals_).erase(name);
            }
            log.push_back(std::string(1, type) + " " + kind + " " + quoted(name));
            return false;
        }
        case 'S': {
            log.push_back("S");
            return std::exchange(commit_executed_, false);
        }
        default:
            log.push_back(std::string(1, type));
            return false;
    }
}

}  // namespace syncline::testing
