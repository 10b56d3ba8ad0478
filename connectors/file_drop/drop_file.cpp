#include "connectors/file_drop/drop_file.h"

#include <dirent.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "connectors/file_drop/json_line.h"
#include "engine/model/utf8.h"

namespace syncline::file_drop {

namespace {

constexpr int kEnd = -1;

std::string trimmed(const std::string& text) {
    const auto begin = text.find_first_not_of(" \t");
    const auto end = text.find_last_not_of(" \t");
    return begin == std::string::npos ? std::string() : text.substr(begin, end - begin + 1);
}

std::string tooLong() {
    return "longer than " + std::to_string(DropFile::kMaxRecordBytes / 1024) +
           " KiB (a quote that is never closed?); the rest of it was skipped";
}

}  // namespace

FileError::FileError(const std::string& what, int error_number)
    : std::runtime_error(what + ": " + std::strerror(error_number)), error_number_(error_number) {}

DropFile::DropFile(const std::string& path, Format format, char delimiter)
    : path_(path), format_(format), delimiter_(delimiter) {
    // O_NONBLOCK: a FIFO put in place of a file must not block the open; it is refused just below.
    fd_.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd_.fd < 0) {
        throw FileError("cannot open " + path, errno);
    }
    struct stat st {};
    if (::fstat(fd_.fd, &st) != 0) {
        throw FileError("cannot read " + path, errno);
    }
    if (!S_ISREG(st.st_mode)) {
        throw FileError("cannot read " + path + ", which is not a regular file", EINVAL);
    }
    ::fcntl(fd_.fd, F_SETFL, ::fcntl(fd_.fd, F_GETFL) & ~O_NONBLOCK);
    identity_ = {st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec * 1'000'000'000LL + st.st_mtim.tv_nsec};
    fill();
    if (end_ >= 3 && std::memcmp(buffer_.data(), "\xEF\xBB\xBF", 3) == 0) {
        begin_ = 3;  // a UTF-8 byte order mark, as spreadsheet programs write it
    }
    if (format_ == Format::Csv) {
        SourceRecord header;
        if (next(header)) {
            for (const auto& name : header.values) {
                header_.push_back(trimmed(name.value_or("")));
            }
        }
        header_read_ = true;
    }
}

DropFile::FileDescriptor::~FileDescriptor() {
    if (fd >= 0) {
        ::close(fd);
    }
}

void DropFile::fill() {
    begin_ = 0;
    end_ = 0;
    while (!eof_) {
        const ssize_t n = ::read(fd_.fd, buffer_.data(), buffer_.size());
        if (n > 0) {
            end_ = static_cast<std::size_t>(n);
            return;
        }
        if (n == 0) {
            eof_ = true;
        } else if (errno != EINTR) {
            throw FileError("cannot read " + path_, errno);
        }
    }
}

int DropFile::peek() {
    if (begin_ == end_) {
        fill();
    }
    return begin_ == end_ ? kEnd : static_cast<unsigned char>(buffer_[begin_]);
}

int DropFile::get() {
    const int c = peek();
    if (c != kEnd) {
        ++begin_;
    }
    return c;
}

bool DropFile::skipBlankLines() {
    for (int c = peek(); c == '\n' || c == '\r'; c = peek()) {
        get();
        line_ += c == '\n' ? 1 : 0;
    }
    return peek() != kEnd;
}

bool DropFile::atEnd() {
    return !skipBlankLines();
}

bool DropFile::next(SourceRecord& record) {
    for (;;) {
        record.clear();
        if (!skipBlankLines()) {
            return false;
        }
        record.line = line_;
        const bool blank = format_ == Format::Csv ? readCsv(record) : readJsonLine(record);
        if (!blank) {
            break;  // a line of spaces is no record
        }
    }
    if (format_ == Format::Csv && header_read_ && record.error.empty() && record.values.size() != header_.size()) {
        record.error =
            "has " + std::to_string(record.values.size()) + " values, the header has " + std::to_string(header_.size());
    }
    return true;
}

// RFC 4180, leniently: a quote inside an unquoted value is kept as text; text after a closing quote is an error.
// Records end at LF or CRLF outside quotes. Memory stays bounded: past kMaxRecordBytes nothing more is kept.
bool DropFile::readCsv(SourceRecord& record) {
    enum class State { FieldStart, Unquoted, Quoted, AfterQuote } state = State::FieldStart;
    std::string field;
    std::size_t bytes = 0;
    std::size_t fields = 0;
    bool quoted = false;
    const std::size_t keep_fields = header_read_ ? header_.size() + 1 : kMaxRecordBytes;
    const auto append = [&](int c) {
        if (++bytes <= kMaxRecordBytes) {
            field += static_cast<char>(c);
        } else if (record.error.empty()) {
            record.error = tooLong();
        }
    };
    const auto endField = [&] {
        // Only as many values as the header has (and one more, to tell the count is wrong) are kept.
        if (++fields <= keep_fields && bytes <= kMaxRecordBytes) {
            record.values.emplace_back(std::move(field));
        }
        field.clear();
        state = State::FieldStart;
    };
    for (;;) {
        const int c = get();
        if (state == State::Quoted) {
            if (c == kEnd) {
                record.error = "a quoted value opened on line " + std::to_string(record.line) + " is never closed";
                endField();
                break;
            }
            if (c == '"' && peek() == '"') {
                get();
                append('"');
            } else if (c == '"') {
                state = State::AfterQuote;
            } else {
                line_ += c == '\n' ? 1 : 0;
                append(c);
            }
            continue;
        }
        if (c == kEnd || c == '\n' || (c == '\r' && peek() == '\n')) {
            if (c == '\r') {
                get();
            }
            line_ += c == kEnd ? 0 : 1;
            endField();
            break;
        }
        if (c == delimiter_) {
            ++bytes;
            endField();
        } else if (state == State::FieldStart && c == '"') {
            state = State::Quoted;
            quoted = true;
        } else {
            if (state == State::AfterQuote && record.error.empty()) {
                record.error = "text after the closing quote of value " + std::to_string(fields + 1);
            }
            state = state == State::AfterQuote ? State::AfterQuote : State::Unquoted;
            append(c);
        }
    }
    if (fields > record.values.size() && record.error.empty()) {
        record.error = "has " + std::to_string(fields) + " values, the header has " + std::to_string(header_.size());
    }
    return fields == 1 && !quoted && record.error.empty() && trimmed(*record.values.front()).empty();
}

bool DropFile::readJsonLine(SourceRecord& record) {
    text_.clear();
    bool too_long = false;
    for (int c = get(); c != kEnd && c != '\n'; c = get()) {
        if (text_.size() < kMaxRecordBytes) {
            text_ += static_cast<char>(c);
        } else {
            too_long = true;
        }
    }
    ++line_;
    if (too_long) {
        record.error = tooLong();
        return false;
    }
    if (text_.find_first_not_of(" \t\r") == std::string::npos) {
        return true;
    }
    parseJsonLine(text_, record);
    return false;
}

std::vector<std::string> listFiles(const std::string& folder, const std::string& pattern) {
    struct CloseDir {
        void operator()(DIR* d) const { ::closedir(d); }
    };
    std::unique_ptr<DIR, CloseDir> dir(::opendir(folder.c_str()));
    if (!dir) {
        throw FileError("cannot read the folder " + folder, errno);
    }
    std::vector<std::string> names;
    errno = 0;
    while (const dirent* entry = ::readdir(dir.get())) {
        const std::string name = entry->d_name;
        const bool hidden = name.empty() || name.front() == '.';
        const bool unfinished = name.size() >= 4 && name.compare(name.size() - 4, 4, ".tmp") == 0;
        if (hidden || unfinished || ::fnmatch(pattern.c_str(), name.c_str(), FNM_PERIOD) != 0) {
            continue;
        }
        struct stat st {};
        if (::stat((folder + "/" + name).c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
            names.push_back(name);  // a folder, FIFO or socket of a matching name is no file to read
        }
        errno = 0;
    }
    if (errno != 0) {
        throw FileError("cannot read the folder " + folder, errno);
    }
    std::sort(names.begin(), names.end());
    return names;
}

bool validUtf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        if (static_cast<unsigned char>(text[i]) < 0x80) {
            ++i;
            continue;
        }
        std::uint32_t code = 0;
        const std::size_t n = model::decodeUtf8(text, i, code);
        if (n == 0) {
            return false;
        }
        i += n;
    }
    return true;
}

}  // namespace syncline::file_drop
