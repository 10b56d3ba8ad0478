// Pull requests and batches, discovery, stream checks, orders and live prices on the wire
// (connectors/thrift/wire.h).
#include <ctime>
#include <stdexcept>

#include "connectors/thrift/wire.h"

namespace syncline::thrift_connector {

namespace {

std::string utcText(std::chrono::system_clock::time_point at) {
    const std::time_t t = std::chrono::system_clock::to_time_t(at);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S", &tm);
    return text;
}

std::chrono::system_clock::time_point parseUtc(const std::string& text) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
    if (end == nullptr || *end != '\0') {
        throw std::invalid_argument("cursor_limit '" + text + "' is no 'YYYY-MM-DD HH:MM:SS'");
    }
    return std::chrono::system_clock::from_time_t(timegm(&tm));
}

}  // namespace

api::OpenRequest toWire(const connector::OpenRequest& request) {
    api::OpenRequest out;
    out.mode = request.mode == connector::PullMode::Full ? api::PullMode::FULL : api::PullMode::INCREMENTAL;
    if (request.cursor) {
        out.__set_cursor(*request.cursor);
    }
    out.overlap_seconds = request.overlap_seconds;
    if (request.cursor_limit) {
        out.__set_cursor_limit(utcText(*request.cursor_limit));
    }
    return out;
}

connector::OpenRequest fromWire(const api::OpenRequest& request) {
    connector::OpenRequest out;
    out.mode =
        request.mode == api::PullMode::INCREMENTAL ? connector::PullMode::Incremental : connector::PullMode::Full;
    if (request.__isset.cursor) {
        out.cursor = request.cursor;
    }
    out.overlap_seconds = request.overlap_seconds;
    if (request.__isset.cursor_limit) {
        out.cursor_limit = parseUtc(request.cursor_limit);
    }
    return out;
}

void toWire(connector::RecordBatch&& batch, std::size_t field_count, bool last, api::Batch& out) {
    out.rows.resize(batch.rows.size());
    out.nulls.clear();
    for (std::size_t r = 0; r < batch.rows.size(); ++r) {
        auto& row = batch.rows[r];
        auto& wire = out.rows[r];
        wire.resize(row.size());
        for (std::size_t f = 0; f < row.size(); ++f) {
            if (row[f]) {
                wire[f] = std::move(*row[f]);
            } else {
                wire[f].clear();
                out.nulls.push_back(static_cast<std::int64_t>(r * field_count + f));
            }
        }
    }
    out.__isset.nulls = true;
    if (batch.cursor) {
        out.__set_cursor(std::move(*batch.cursor));
    } else {
        out.__isset.cursor = false;
    }
    out.row_errors.clear();
    for (std::size_t r = 0; r < batch.row_errors.size(); ++r) {
        if (!batch.row_errors[r].empty()) {
            api::RowError e;
            e.row = static_cast<std::int32_t>(r);
            e.field = std::move(batch.row_errors[r].field);
            e.reason = std::move(batch.row_errors[r].reason);
            out.row_errors.push_back(std::move(e));
        }
    }
    out.beyond_limit.clear();
    for (auto& [row, value] : batch.beyond_limit) {
        api::BeyondLimit b;
        b.row = static_cast<std::int32_t>(row);
        b.value = std::move(value);
        out.beyond_limit.push_back(std::move(b));
    }
    out.raw = std::move(batch.raw);
    out.last = last;
}

std::optional<std::string> fromWire(api::Batch&& batch, std::size_t field_count, connector::RecordBatch& out) {
    out.clear();
    const std::size_t count = batch.rows.size();
    out.rows.resize(count);
    for (std::size_t r = 0; r < count; ++r) {
        auto& wire = batch.rows[r];
        auto& row = out.rows[r];
        if (wire.size() != field_count) {
            if (out.row_errors.empty()) {
                out.row_errors.resize(count);
            }
            out.row_errors[r] = {"", "the connector sent " + std::to_string(wire.size()) + " values for " +
                                         std::to_string(field_count) + " fields"};
            wire.resize(field_count);
        }
        row.reserve(field_count);
        for (auto& value : wire) {
            row.emplace_back(std::move(value));
        }
    }
    for (const std::int64_t cell : batch.nulls) {
        if (cell < 0 || field_count == 0 || static_cast<std::uint64_t>(cell) >= count * field_count) {
            return "its NULL cell " + std::to_string(cell) + " lies outside the batch of " + std::to_string(count) +
                   " rows of " + std::to_string(field_count) + " fields";
        }
        out.rows[static_cast<std::size_t>(cell) / field_count][static_cast<std::size_t>(cell) % field_count].reset();
    }
    for (auto& e : batch.row_errors) {
        if (e.row < 0 || static_cast<std::size_t>(e.row) >= count) {
            continue;
        }
        if (out.row_errors.empty()) {
            out.row_errors.resize(count);
        }
        auto& slot = out.row_errors[static_cast<std::size_t>(e.row)];
        if (slot.empty()) {  // a wrong number of values is the first thing to fix
            slot = {std::move(e.field), e.reason.empty() ? "the connector refused the row" : std::move(e.reason)};
        }
    }
    for (auto& b : batch.beyond_limit) {
        if (b.row >= 0 && static_cast<std::size_t>(b.row) < count) {
            out.beyond_limit.emplace_back(static_cast<std::size_t>(b.row), std::move(b.value));
        }
    }
    if (batch.raw.size() == count) {
        out.raw = std::move(batch.raw);
    }
    if (batch.__isset.cursor) {
        out.cursor = std::move(batch.cursor);
    }
    return std::nullopt;
}

api::DiscoverRequest toWire(const connector::DiscoverRequest& request) {
    api::DiscoverRequest out;
    if (request.stream) {
        out.__set_stream(*request.stream);
    }
    out.columns = request.columns;
    out.count_rows = request.count_rows;
    return out;
}

connector::DiscoverRequest fromWire(const api::DiscoverRequest& request) {
    connector::DiscoverRequest out;
    if (request.__isset.stream) {
        out.stream = request.stream;
    }
    out.columns = request.columns;
    out.count_rows = request.count_rows;
    return out;
}

api::Discovery toWire(const connector::Discovery& discovery) {
    api::Discovery out;
    for (const auto& resource : discovery.resources) {
        api::DiscoveredResource r;
        r.name = resource.name;
        for (const auto& column : resource.columns) {
            api::DiscoveredColumn c;
            c.name = column.name;
            c.type = column.type;
            c.nullable = column.nullable;
            r.columns.push_back(std::move(c));
        }
        if (resource.rows) {
            r.__set_rows(*resource.rows);
        }
        out.resources.push_back(std::move(r));
    }
    for (const auto& [stream, toml] : discovery.suggestions) {
        api::Suggestion s;
        s.stream = stream;
        s.toml = toml;
        out.suggestions.push_back(std::move(s));
    }
    return out;
}

connector::Discovery fromWire(const api::Discovery& discovery, const std::string& table_prefix) {
    connector::Discovery out;
    for (const auto& r : discovery.resources) {
        connector::DiscoveredResource resource;
        resource.name = r.name;
        for (const auto& c : r.columns) {
            resource.columns.push_back({c.name, c.type, c.nullable});
        }
        if (r.__isset.rows) {
            resource.rows = r.rows;
        }
        out.resources.push_back(std::move(resource));
    }
    for (const auto& s : discovery.suggestions) {
        // "[erp.streams.x]" as the remote connector writes it is "[erp.<prefix>streams.x]" in a syncline config.
        std::string toml;
        std::size_t start = 0;
        while (start < s.toml.size()) {
            const auto end = std::min(s.toml.find('\n', start), s.toml.size());
            std::string line = s.toml.substr(start, end - start);
            for (const char* open : {"[[erp.", "[erp."}) {
                if (line.rfind(open, 0) == 0) {
                    line.insert(std::string(open).size(), table_prefix);
                    break;
                }
            }
            toml += line + (end < s.toml.size() ? "\n" : "");
            start = end + 1;
        }
        out.suggestions.emplace_back(s.stream, std::move(toml));
    }
    return out;
}

api::StreamCheck toWire(const connector::StreamCheck& check) {
    api::StreamCheck out;
    out.stream = check.stream;
    if (check.error) {
        out.__set_error(toWire(*check.error));
    }
    out.detail = check.detail;
    return out;
}

connector::StreamCheck fromWire(const api::StreamCheck& check) {
    connector::StreamCheck out{check.stream, std::nullopt, check.detail};
    if (check.__isset.error) {
        out.error = fromWire(check.error);
    }
    return out;
}

api::Order toWire(const model::Order& order) {
    api::Order out;
    out.order_id = order.order_id;
    out.customer_code = order.customer_code;
    out.currency = order.currency;
    out.placed_at = order.placed_at;
    for (const auto& line : order.lines) {
        api::OrderLine l;
        l.line_no = line.line_no;
        l.sku = line.sku;
        l.quantity = line.quantity.toString();
        l.unit_price = line.unit_price.toString();
        if (line.note) {
            l.__set_note(*line.note);
        }
        out.lines.push_back(std::move(l));
    }
    return out;
}

model::Order fromWire(const api::Order& order) {
    model::Order out;
    out.order_id = order.order_id;
    out.customer_code = order.customer_code;
    out.currency = order.currency;
    out.placed_at = order.placed_at;
    for (const auto& l : order.lines) {
        const auto quantity = model::Decimal::parse(l.quantity);
        const auto price = model::Decimal::parse(l.unit_price);
        if (!quantity || !price) {
            throw std::invalid_argument("order line " + std::to_string(l.line_no) + ": '" +
                                        (quantity ? l.unit_price : l.quantity) + "' is no decimal");
        }
        model::OrderLine line;
        line.line_no = l.line_no;
        line.sku = l.sku;
        line.quantity = *quantity;
        line.unit_price = *price;
        if (l.__isset.note) {
            line.note = l.note;
        }
        out.lines.push_back(std::move(line));
    }
    return out;
}

api::OrderState toWire(const connector::OrderState& state) {
    api::OrderState out;
    out.status = state.status;
    if (state.tracking_number) {
        out.__set_tracking_number(*state.tracking_number);
    }
    if (state.invoice_number) {
        out.__set_invoice_number(*state.invoice_number);
    }
    return out;
}

connector::OrderState fromWire(const api::OrderState& state) {
    connector::OrderState out;
    out.status = state.status;
    if (state.__isset.tracking_number) {
        out.tracking_number = state.tracking_number;
    }
    if (state.__isset.invoice_number) {
        out.invoice_number = state.invoice_number;
    }
    return out;
}

api::LivePriceQuestion toWire(const connector::LivePriceQuestion& question) {
    api::LivePriceQuestion out;
    out.customer = question.customer;
    out.sku = question.sku;
    out.quantity = question.quantity;
    out.currency = question.currency;
    out.date = question.date;
    return out;
}

connector::LivePriceQuestion fromWire(const api::LivePriceQuestion& question) {
    return {question.customer, question.sku, question.quantity, question.currency, question.date};
}

}  // namespace syncline::thrift_connector
