#include "connectors/odbc/odbc_pull_session.h"

#include <algorithm>
#include <cctype>
#include <exception>
#include <utility>

#include "connectors/odbc/odbc_error.h"
#include "engine/connector/field_normalizer.h"

namespace syncline::odbc {

using connector::Error;
using connector::ErrorKind;
using connector::Result;

namespace {

constexpr std::size_t kMaxRawBytes = 1024;

bool equalsIgnoreCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string trimmed(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t");
    const auto end = text.find_last_not_of(" \t");
    return begin == std::string_view::npos ? std::string() : std::string(text.substr(begin, end - begin + 1));
}

std::string columnList(const std::vector<ResultColumn>& columns) {
    std::string out;
    for (const auto& column : columns) {
        out += (out.empty() ? "" : ", ") + column.name;
    }
    return out;
}

// `text` cut to at most `limit` bytes, not inside a UTF-8 sequence.
std::string_view cutUtf8(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) {
        return text;
    }
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
    }
    return text.substr(0, end);
}

// Per mapped field, its column in the result; or a config error naming what is missing or ambiguous.
std::optional<Error> mapColumns(const connector::StreamConfig& stream, const std::vector<ResultColumn>& columns,
                                std::vector<std::size_t>& field_columns) {
    std::vector<std::string> missing;
    for (const auto& mapping : stream.fields) {
        const std::string wanted = trimmed(mapping.column);
        std::vector<std::size_t> matches;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            if (equalsIgnoreCase(columns[i].name, wanted)) {
                matches.push_back(i);
            }
        }
        if (matches.size() > 1) {
            return Error{ErrorKind::Config, "",
                         "stream '" + stream.stream + "': column '" + wanted + "' (field '" + mapping.field +
                             "') appears " + std::to_string(matches.size()) +
                             " times in the query's result; give the columns distinct names with AS"};
        }
        if (matches.empty()) {
            missing.push_back("'" + wanted + "' (field '" + mapping.field + "')");
        } else {
            field_columns.push_back(matches.front());
        }
    }
    if (missing.empty()) {
        return std::nullopt;
    }
    std::string list;
    for (const auto& m : missing) {
        list += (list.empty() ? "" : ", ") + m;
    }
    return Error{ErrorKind::Config, "",
                 "stream '" + stream.stream + "': the query's result has no column " + list +
                     "; it returns: " + columnList(columns)};
}

std::optional<Error> checkStream(const connector::StreamConfig& stream) {
    const std::string where = "stream '" + stream.stream + "': ";
    if (stream.batch_size < 1) {
        return Error{ErrorKind::Config, "", where + "batch_size must be at least 1"};
    }
    if (stream.fields.empty()) {
        return Error{ErrorKind::Config, "", where + "no field is mapped to a column"};
    }
    for (const auto& mapping : stream.fields) {
        if (auto why = connector::defaultValueError(mapping)) {
            return Error{ErrorKind::Config, "", where + "field '" + mapping.field + "': " + *why};
        }
    }
    return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<connector::PullSession>> OdbcPullSession::open(const PullQuery& query) {
    if (auto error = checkStream(query.stream)) {
        return *error;
    }
    std::unique_ptr<StatementWatchdog> watchdog;
    try {
        if (query.cancel_overdue && query.query_timeout.count() > 0) {
            watchdog = std::make_unique<StatementWatchdog>(query.query_timeout);
        }
        auto connection = std::make_unique<Connection>(query.connection_string, query.login_timeout);
        BatchReaderOptions options;
        options.rows_per_fetch = static_cast<std::size_t>(query.stream.batch_size);
        options.query_timeout = query.query_timeout;
        options.watchdog = watchdog.get();
        auto reader = std::make_unique<BatchReader>(*connection, query.sql, query.parameters, options);
        std::vector<std::size_t> field_columns;
        if (auto error = mapColumns(query.stream, reader->columns(), field_columns)) {
            return *error;
        }
        return std::unique_ptr<connector::PullSession>(new OdbcPullSession(
            query, std::move(watchdog), std::move(connection), std::move(reader), std::move(field_columns)));
    } catch (const OdbcError& error) {
        return failure(query.stream.stream, watchdog.get(), error);
    } catch (const std::exception& error) {
        return Error{ErrorKind::Fatal, "", "stream '" + query.stream.stream + "': " + error.what()};
    }
}

OdbcPullSession::OdbcPullSession(const PullQuery& query, std::unique_ptr<StatementWatchdog> watchdog,
                                 std::unique_ptr<Connection> connection, std::unique_ptr<BatchReader> reader,
                                 std::vector<std::size_t> field_columns)
    : stream_(query.stream),
      field_columns_(std::move(field_columns)),
      watchdog_(std::move(watchdog)),
      connection_(std::move(connection)),
      reader_(std::move(reader)),
      cells_(reader_->columns().size()) {
    for (std::size_t i = 0; i < stream_.fields.size(); ++i) {
        fields_.push_back(stream_.fields[i].field);
        if (stream_.fields[i].field == stream_.cursor_field) {
            cursor_.emplace(i, stream_.fields[i].type, query.request);
        }
    }
}

OdbcPullSession::~OdbcPullSession() {
    release();
}

Error OdbcPullSession::failure(const std::string& stream, const StatementWatchdog* watchdog, const OdbcError& error) {
    Error out = toError(error);
    if (watchdog != nullptr && watchdog->lastCallCancelled()) {
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(watchdog->limit()).count();
        out = Error{ErrorKind::Transient, out.code,
                    "stream '" + stream + "': the ERP did not answer within " + std::to_string(seconds) +
                        " s (the query timeout); the statement was cancelled: " + out.message};
    }
    return out;
}

void OdbcPullSession::release() {
    reader_.reset();  // the statement first: it closes the cursor (and psqlODBC's transaction around it)
    connection_.reset();
}

Result<bool> OdbcPullSession::next(connector::RecordBatch& batch) {
    if (failure_) {
        batch.clear();
        return *failure_;
    }
    // The batch's row vectors and raw strings are overwritten in place rather than freed and allocated again for
    // every batch: at a few hundred thousand rows per second the allocator is a visible share of the client's time.
    const auto batch_size = static_cast<std::size_t>(stream_.batch_size);
    const std::size_t reusable = std::min({batch.rows.size(), batch.raw.size(), batch.row_errors.size()});
    batch.rows.resize(reusable);
    batch.raw.resize(reusable);
    batch.row_errors.resize(reusable);
    batch.cursor.reset();
    batch.beyond_limit.clear();
    std::size_t delivered = 0;
    try {
        while (!done_ && delivered < batch_size) {
            if (next_row_ == block_rows_) {
                block_rows_ = reader_->fetch();
                next_row_ = 0;
                if (block_rows_ == 0) {
                    done_ = true;
                    release();
                    break;
                }
            }
            if (delivered == batch.rows.size()) {
                batch.rows.emplace_back();
                batch.raw.emplace_back();
                batch.row_errors.emplace_back();
            }
            fillRow(batch, delivered++, next_row_++);
        }
    } catch (const OdbcError& error) {
        failure_ = failure(stream_.stream, watchdog_.get(), error);
    } catch (const std::exception& error) {
        failure_ = Error{ErrorKind::Fatal, "", "stream '" + stream_.stream + "': " + error.what()};
    }
    if (failure_) {
        batch.clear();  // a partial batch is never delivered: the run resumes from the last cursor
        release();
        return *failure_;
    }
    batch.rows.resize(delivered);
    batch.raw.resize(delivered);
    batch.row_errors.resize(delivered);
    if (cursor_) {
        cursor_->observe(batch);
    }
    return delivered > 0;
}

void OdbcPullSession::fillRow(connector::RecordBatch& batch, std::size_t index, std::size_t row) const {
    for (std::size_t column = 0; column < cells_.size(); ++column) {
        Cell& cell = cells_[column];
        cell.truncated = reader_->truncated(row, column);
        cell.value = cell.truncated ? std::nullopt : reader_->value(row, column);
    }
    auto& values = batch.rows[index];
    values.resize(field_columns_.size());
    connector::RowError& row_error = batch.row_errors[index];
    row_error.field.clear();
    row_error.reason.clear();
    std::string why;
    for (std::size_t i = 0; i < field_columns_.size(); ++i) {
        const auto& mapping = stream_.fields[i];
        const Cell& cell = cells_[field_columns_[i]];
        if (cell.truncated) {
            values[i].reset();
            if (row_error.empty()) {
                const auto& info = reader_->columns()[field_columns_[i]];
                row_error.field = mapping.field;
                row_error.reason = "the value of column '" + info.name + "' is longer than " +
                                   std::to_string(info.value_bytes) +
                                   " bytes, more than its declared size allows; CAST it to a wider type in the query";
            }
            continue;
        }
        values[i] = connector::normalizeFieldText(mapping, cell.value, &why);
        if (!values[i] && !why.empty() && row_error.empty()) {
            row_error.field = mapping.field;
            row_error.reason = why;
        }
        why.clear();
    }
    writeRaw(batch.raw[index]);
}

void OdbcPullSession::writeRaw(std::string& raw) const {
    raw.clear();
    const auto& columns = reader_->columns();
    for (std::size_t column = 0; column < columns.size() && raw.size() <= kMaxRawBytes; ++column) {
        if (column > 0) {
            raw += "; ";
        }
        raw += columns[column].name;
        raw += '=';
        if (cells_[column].truncated) {
            raw += "<longer than " + std::to_string(columns[column].value_bytes) + " bytes>";
        } else if (cells_[column].value) {
            raw += cutUtf8(*cells_[column].value, kMaxRawBytes + 1);
        } else {
            raw += "NULL";
        }
    }
    if (raw.size() > kMaxRawBytes) {
        raw.resize(cutUtf8(raw, kMaxRawBytes).size());
        raw += "...";
    }
}

}  // namespace syncline::odbc
