#include "connectors/file_drop/file_drop_session.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <exception>
#include <utility>

#include "connectors/file_drop/file_drop_connector.h"
#include "engine/connector/field_normalizer.h"
#include "engine/connector/streams.h"

namespace syncline::file_drop {

using connector::Error;
using connector::ErrorKind;
using connector::Result;

namespace {

constexpr std::size_t kMaxRawBytes = 1024;
constexpr const char* kFileCursor = "file:";

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string listOf(const std::vector<std::string>& names) {
    std::string out;
    for (const auto& name : names) {
        out += (out.empty() ? "" : ", ") + name;
    }
    return out.empty() ? "(no header)" : out;
}

bool isFileCursor(const std::optional<std::string>& cursor) {
    return cursor && cursor->rfind(kFileCursor, 0) == 0;
}

// `text` cut to at most `limit` bytes, not inside a UTF-8 sequence.
std::string_view cutUtf8(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) {
        return text;
    }
    while (limit > 0 && (static_cast<unsigned char>(text[limit]) & 0xC0) == 0x80) {
        --limit;
    }
    return text.substr(0, limit);
}

}  // namespace

FileDropSession::FileDropSession(const FileDropConfig& config, const DropStream& stream,
                                 const connector::OpenRequest& request)
    : folder_(config.folder), delimiter_(config.delimiter), stream_(stream) {
    for (std::size_t i = 0; i < stream_.fields.size(); ++i) {
        fields_.push_back(stream_.fields[i].field);
        if (stream_.fields[i].field == stream_.cursor_field) {
            cursor_field_ = i;
        }
    }
    for (const auto& entity : connector::streamEntities()) {
        for (const auto& key : entity.stream == stream_.stream ? entity.keys : std::vector<std::string>{}) {
            const auto it = std::find(fields_.begin(), fields_.end(), key);
            key_fields_.push_back(static_cast<std::size_t>(it - fields_.begin()));
        }
    }
    if (stream_.by_file) {
        // A cursor of the other kind (the stream was read by its cursor_field before) is no position among files.
        file_cursor_ = isFileCursor(request.cursor) ? request.cursor : std::nullopt;
    } else if (cursor_field_) {
        connector::OpenRequest own = request;
        if (isFileCursor(own.cursor)) {
            own.cursor.reset();
        }
        const auto type = stream_.fields[*cursor_field_].type;
        cursor_.emplace(*cursor_field_, type, own);
        if (own.mode == connector::PullMode::Incremental) {
            from_ = connector::FieldCursor::startOf(type, own);
        }
    }
}

Result<std::unique_ptr<connector::PullSession>> FileDropSession::open(const FileDropConfig& config,
                                                                      const DropStream& stream,
                                                                      const connector::OpenRequest& request) {
    std::unique_ptr<FileDropSession> session(new FileDropSession(config, stream, request));
    try {
        auto names = listFiles(config.folder, stream.files);
        if (stream.by_file && request.mode == connector::PullMode::Incremental && session->file_cursor_) {
            const std::string after = session->file_cursor_->substr(std::string(kFileCursor).size());
            names.erase(std::remove_if(names.begin(), names.end(), [&](const std::string& n) { return n <= after; }),
                        names.end());
        }
        if (auto error = session->index(names)) {
            return *error;
        }
    } catch (const FileError& error) {
        return fileError(error);
    } catch (const std::exception& error) {
        return Error{ErrorKind::Fatal, "", "stream '" + stream.stream + "': " + error.what()};
    }
    return std::unique_ptr<connector::PullSession>(std::move(session));
}

// Pass 1: which row of each key comes last.
std::optional<Error> FileDropSession::index(const std::vector<std::string>& names) {
    std::uint64_t ordinal = 0;
    for (const auto& name : names) {
        ListedFile file{name, {}, {}, {}};
        std::unique_ptr<DropFile> reader;
        try {
            reader = std::make_unique<DropFile>(path(file), stream_.format, delimiter_);
        } catch (const FileError& error) {
            if (error.errorNumber() == ENOENT) {
                continue;  // taken away (archived) since the folder was listed: as if it had not been there
            }
            throw;
        }
        file.identity = reader->identity();
        file.header = reader->header();
        if (file.header.empty() && reader->atEnd()) {
            files_.push_back(std::move(file));  // empty: no rows, and no header to lack a column
            continue;
        }
        if (auto error = mapColumns(file, reader->header())) {
            return error;
        }
        while (reader->next(record_)) {
            ++ordinal;
            if (const auto key = record_.error.empty() ? keyOf(file, record_) : std::nullopt) {
                last_[*key] = ordinal;
            }
        }
        files_.push_back(std::move(file));
    }
    return std::nullopt;
}

std::optional<Error> FileDropSession::mapColumns(ListedFile& file, const std::vector<std::string>& header) const {
    if (stream_.format != Format::Csv) {
        return std::nullopt;  // JSON lines name their values on every line; a missing key is a NULL
    }
    std::vector<std::string> missing;
    for (const auto& mapping : stream_.fields) {
        std::vector<std::size_t> matches;
        for (std::size_t i = 0; i < header.size(); ++i) {
            if (equalsIgnoreCase(header[i], mapping.column)) {
                matches.push_back(i);
            }
        }
        if (matches.size() > 1) {
            return Error{ErrorKind::Config, "",
                         "stream '" + stream_.stream + "': " + file.name + " has the column '" + mapping.column + "' " +
                             std::to_string(matches.size()) + " times in its header"};
        }
        if (matches.empty()) {
            missing.push_back("'" + mapping.column + "' (field '" + mapping.field + "')");
        } else {
            file.columns.push_back(matches.front());
        }
    }
    if (missing.empty()) {
        return std::nullopt;
    }
    return Error{ErrorKind::Config, "",
                 "stream '" + stream_.stream + "': " + file.name + " has no column " + listOf(missing) +
                     "; its header has: " + listOf(header)};
}

const std::optional<std::string>* FileDropSession::valueOf(const ListedFile& file, const SourceRecord& record,
                                                           std::size_t field) const {
    if (stream_.format == Format::Csv) {
        const std::size_t column = file.columns[field];
        return column < record.values.size() ? &record.values[column] : nullptr;
    }
    const std::string& wanted = stream_.fields[field].column;
    for (const bool exact : {true, false}) {
        for (std::size_t i = 0; i < record.names.size(); ++i) {
            if (exact ? record.names[i] == wanted : equalsIgnoreCase(record.names[i], wanted)) {
                return &record.values[i];
            }
        }
    }
    return nullptr;
}

std::optional<std::string> FileDropSession::keyOf(const ListedFile& file, const SourceRecord& record) const {
    std::string key;
    for (const std::size_t field : key_fields_) {
        if (field >= stream_.fields.size()) {
            return std::nullopt;
        }
        const auto* value = valueOf(file, record, field);
        const auto text = connector::normalizeField(stream_.fields[field], value ? *value : std::nullopt, nullptr);
        if (!text) {
            return std::nullopt;  // no usable key: delivered, and rejected by the engine
        }
        key += *text;
        key += '\x1f';
    }
    return key;
}

bool FileDropSession::wanted(const ListedFile& file, const SourceRecord& record, std::uint64_t ordinal) const {
    if (!record.error.empty()) {
        return true;
    }
    const auto key = keyOf(file, record);
    if (const auto last = key ? last_.find(*key) : last_.end(); last != last_.end() && last->second != ordinal) {
        return false;  // a later row of its key follows
    }
    if (from_ && cursor_field_) {
        const auto* value = valueOf(file, record, *cursor_field_);
        const auto text =
            connector::normalizeField(stream_.fields[*cursor_field_], value ? *value : std::nullopt, nullptr);
        if (text && connector::FieldCursor::after(*from_, *text)) {
            return false;  // before the cursor: read by an earlier run
        }
    }
    return true;
}

Result<bool> FileDropSession::next(connector::RecordBatch& batch) {
    batch.clear();
    if (failure_) {
        return *failure_;
    }
    const auto batch_size = static_cast<std::size_t>(std::max(stream_.batch_size, 1));
    try {
        while (batch.rows.size() < batch_size && current_ < files_.size()) {
            const ListedFile& file = files_[current_];
            if (!reader_) {
                reader_ = std::make_unique<DropFile>(path(file), stream_.format, delimiter_);
                if (!(reader_->identity() == file.identity)) {
                    failure_ = Error{ErrorKind::Transient, "",
                                     "stream '" + stream_.stream + "': " + file.name +
                                         " changed while it was read; a writer must write under another name (.tmp) "
                                         "and rename the finished file into place. The next run reads it again"};
                    break;
                }
            }
            const bool more = reader_->next(record_);
            if (more && wanted(file, record_, ++ordinal_)) {
                fillRow(batch, file, record_);
            }
            if (!more || reader_->atEnd()) {
                fileDone(file);
                reader_.reset();
                ++current_;
            }
        }
    } catch (const FileError& error) {
        failure_ = error.errorNumber() == ENOENT
                       ? Error{ErrorKind::Transient, "",
                               "stream '" + stream_.stream + "': a file was taken away while it was read (" +
                                   error.what() + "); the next run reads what is there then"}
                       : fileError(error);
    } catch (const std::exception& error) {
        failure_ = Error{ErrorKind::Fatal, "", "stream '" + stream_.stream + "': " + error.what()};
    }
    if (failure_) {
        batch.clear();  // a partial batch is never delivered: the run resumes from the last cursor
        reader_.reset();
        return *failure_;
    }
    if (cursor_) {
        cursor_->observe(batch);
    } else {
        batch.cursor = file_cursor_;
    }
    return !batch.rows.empty();
}

void FileDropSession::fileDone(const ListedFile& file) {
    if (!stream_.by_file) {
        return;
    }
    std::string cursor = kFileCursor + file.name;
    if (!file_cursor_ || cursor > *file_cursor_) {
        file_cursor_ = std::move(cursor);  // never back: a full read starts from the stored position too
    }
}

void FileDropSession::fillRow(connector::RecordBatch& batch, const ListedFile& file, const SourceRecord& record) const {
    auto& values = batch.rows.emplace_back(stream_.fields.size());
    auto& row_error = batch.row_errors.emplace_back();
    std::string why;
    for (std::size_t i = 0; i < stream_.fields.size(); ++i) {
        const auto& mapping = stream_.fields[i];
        const auto* value = valueOf(file, record, i);
        if (value && *value && !validUtf8(**value)) {
            if (row_error.empty()) {
                row_error = {mapping.field, "the value of '" + mapping.column + "' is not UTF-8 (erp.encoding)"};
            }
            continue;
        }
        values[i] = connector::normalizeFieldText(
            mapping, value && *value ? std::optional<std::string_view>(**value) : std::nullopt, &why);
        if (!values[i] && !why.empty() && row_error.empty()) {
            row_error = {mapping.field, why};
        }
        why.clear();
    }
    if (!record.error.empty()) {
        row_error = {"", file.name + " line " + std::to_string(record.line) + " " + record.error};
    }
    // The source as the admin will look for it: file, line and every value by its column.
    std::string raw = file.name + ":" + std::to_string(record.line) + ":";
    const auto& names = stream_.format == Format::Csv ? file.header : record.names;
    for (std::size_t i = 0; i < record.values.size() && raw.size() <= kMaxRawBytes; ++i) {
        raw += (i == 0 ? " " : "; ");
        raw += i < names.size() ? names[i] : "#" + std::to_string(i + 1);
        raw += '=';
        raw += record.values[i] ? cutUtf8(*record.values[i], kMaxRawBytes + 1) : std::string_view("null");
    }
    if (raw.size() > kMaxRawBytes) {
        raw.resize(cutUtf8(raw, kMaxRawBytes).size());
        raw += "...";
    }
    batch.raw.push_back(std::move(raw));
}

}  // namespace syncline::file_drop
