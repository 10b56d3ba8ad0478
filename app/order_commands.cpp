// orders, orders import: the webstore's orders as Syncline sees them, and a stand-in storefront that places orders
// from a JSON file the way docs/storefront.md says a storefront must.
#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/output.h"
#include "engine/model/currency.h"
#include "engine/model/decimal.h"
#include "engine/model/records.h"
#include "engine/model/validation.h"
#include "engine/store/dialect.h"
#include "engine/store/transaction.h"

namespace syncline::app {

namespace {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using store::SqlType;
using store::typedParam;

/// Import files above this size are refused before they are read: the whole file is parsed in memory.
constexpr std::uintmax_t kMaxImportBytes = 64u * 1024u * 1024u;

/// Characters of a raw value shown in a problem, as the model's validation shows them.
constexpr std::size_t kMaxShownCharacters = 64;

const std::set<std::string> kOrderKeys = {"order_id", "customer_code", "currency", "placed_at", "note", "lines"};
const std::set<std::string> kLineKeys = {"sku", "quantity", "unit_price", "note"};

/// One rule an imported order breaks; `line` is the 1-based line number, none for the order's own fields.
struct OrderProblem {
    std::optional<int> line;
    model::FieldError error;
};

/// The decimals of one line exactly as the file wrote them: that text is what the webstore stores.
struct LineText {
    std::string quantity;
    std::string unit_price;
};

/// One element of the import file, read into the model, with everything found wrong with it.
struct ImportedOrder {
    std::size_t position = 0;       ///< 1-based place in the file
    std::optional<std::string> id;  ///< order_id when the file gives it as a string
    model::Order order;
    std::string note;
    std::vector<LineText> line_text;
    std::vector<OrderProblem> problems;
};

/// A JSON value as a problem shows it: strings without their quotes, escaped as JSON escapes them, cut after
/// kMaxShownCharacters characters.
std::string shown(const nlohmann::json& value) {
    std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    if (value.is_string()) {
        text = text.substr(1, text.size() - 2);
    }
    std::size_t characters = 0;
    for (std::size_t pos = 0; pos < text.size(); ++pos) {
        if ((static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) {
            continue;  // a UTF-8 continuation byte
        }
        if (characters == kMaxShownCharacters) {
            return text.substr(0, pos) + "...";
        }
        ++characters;
    }
    return text;
}

/// Adds an order's problems and tells which fields already have one, so that a later check (the model's validation
/// runs on the values read so far) does not report a second, misleading problem for the same field.
class Problems {
  public:
    explicit Problems(std::vector<OrderProblem>& out) : out_(out) {}

    /// `field` empty: the whole order, or with `line` the whole line, is unusable.
    void add(std::optional<int> line, const std::string& field, const nlohmann::json& value, std::string reason) {
        out_.push_back(OrderProblem{line, model::FieldError{field, shown(value), std::move(reason)}});
    }

    /// A problem the model found; its value is already display-safe.
    void add(std::optional<int> line, model::FieldError error) { out_.push_back(OrderProblem{line, std::move(error)}); }

    bool flagged(std::optional<int> line, const std::string& field) const {
        return std::any_of(out_.begin(), out_.end(), [&](const OrderProblem& p) {
            return p.line == line && (p.error.field == field || (line && p.error.field.empty()));
        });
    }

  private:
    std::vector<OrderProblem>& out_;
};

/// Where a problem is listed: the order's own fields first, then line by line, each in the order of the file's
/// fields; fields the contract does not know come last in their group.
std::pair<int, std::size_t> listingPlace(const OrderProblem& problem) {
    static const std::vector<std::string> kOrderFields = {"",          "order_id", "customer_code", "currency",
                                                          "placed_at", "note",     "lines"};
    static const std::vector<std::string> kLineFields = {"", "line_no", "sku", "quantity", "unit_price", "note"};
    const auto& fields = problem.line ? kLineFields : kOrderFields;
    const auto found = std::find(fields.begin(), fields.end(), problem.error.field);
    return {problem.line.value_or(0), static_cast<std::size_t>(found - fields.begin())};
}

void sortProblems(std::vector<OrderProblem>& problems) {
    std::stable_sort(problems.begin(), problems.end(),
                     [](const OrderProblem& a, const OrderProblem& b) { return listingPlace(a) < listingPlace(b); });
}

/// A text member; absent and null read as "" (the model then says whether it is required).
std::string textMember(const nlohmann::json& object, const std::string& key, std::optional<int> line,
                       Problems& problems) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return "";
    }
    if (!it->is_string()) {
        problems.add(line, key, *it, "must be a JSON string");
        return "";
    }
    return it->get<std::string>();
}

/// Plain decimal text as the webstore stores it: optional '-', digits without a leading zero, optional '.' and
/// 1 to 6 fractional digits; no "-0".
bool isPlainDecimal(std::string_view text, const model::Decimal& value) {
    const bool negative = !text.empty() && text.front() == '-';
    if (negative) {
        text.remove_prefix(1);
    }
    const std::size_t dot = text.find('.');
    const std::string_view whole = text.substr(0, dot);
    const std::string_view fraction = dot == std::string_view::npos ? std::string_view() : text.substr(dot + 1);
    const auto digits = [](std::string_view d) {
        return !d.empty() && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; });
    };
    if (!digits(whole) || (whole.size() > 1 && whole.front() == '0') || (negative && value.isZero())) {
        return false;
    }
    return dot == std::string_view::npos || (digits(fraction) && fraction.size() <= model::Decimal::kScale);
}

/// A money or quantity member: a JSON string holding a plain decimal. Sets `value` and `text` when it is one.
void decimalMember(const nlohmann::json& object, const std::string& key, int line, Problems& problems,
                   model::Decimal& value, std::string& text) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        problems.add(line, key, "", "is required");
        return;
    }
    if (it->is_number()) {
        problems.add(line, key, *it,
                     "must be a JSON string such as \"12.50\", not a number: money and quantities are exact "
                     "decimals, never floating point");
        return;
    }
    if (!it->is_string()) {
        problems.add(line, key, *it, "must be a JSON string such as \"12.50\"");
        return;
    }
    const auto raw = it->get<std::string>();
    std::string why;
    const auto parsed = model::Decimal::parse(raw, &why);
    if (!parsed) {
        problems.add(line, key, raw, why);
        return;
    }
    if (!isPlainDecimal(raw, *parsed)) {
        problems.add(line, key, raw, "must be written as a plain decimal such as 12.50 (no '+', no leading zeros)");
        return;
    }
    value = *parsed;
    text = raw;
}

void readLine(const nlohmann::json& source, int line_no, ImportedOrder& imported, Problems& problems) {
    model::OrderLine line;
    line.line_no = line_no;
    LineText text;
    if (!source.is_object()) {
        problems.add(line_no, "", source, "must be a JSON object");
    } else {
        for (const auto& [key, value] : source.items()) {
            if (!kLineKeys.contains(key)) {
                problems.add(line_no, key, value, "is not a field of an order line (sku, quantity, unit_price, note)");
            }
        }
        line.sku = textMember(source, "sku", line_no, problems);
        decimalMember(source, "quantity", line_no, problems, line.quantity, text.quantity);
        decimalMember(source, "unit_price", line_no, problems, line.unit_price, text.unit_price);
        if (source.contains("note") && !source["note"].is_null()) {
            line.note = textMember(source, "note", line_no, problems);
        }
    }
    imported.order.lines.push_back(std::move(line));
    imported.line_text.push_back(std::move(text));
}

/// The model's Order has no header note. The contract gives it the rules of a line note, so the model checks it
/// as one: the single problem found on a probe line that carries it.
std::optional<model::FieldError> headerNoteError(const std::string& note) {
    model::Order probe;
    probe.lines.push_back(model::OrderLine{1, "probe", model::Decimal::fromInt(1), model::Decimal(), note});
    for (auto& error : model::validate(probe)) {
        if (error.field == "lines[0].note") {
            error.field = "note";
            return error;
        }
    }
    return std::nullopt;
}

/// A model field name ("lines[1].quantity") as a line number (2) and the line's field ("quantity").
OrderProblem located(model::FieldError error) {
    constexpr std::string_view kPrefix = "lines[";
    const std::size_t close = error.field.find("].");
    if (error.field.starts_with(kPrefix) && close != std::string::npos) {
        const int index = std::stoi(error.field.substr(kPrefix.size(), close - kPrefix.size()));
        error.field = error.field.substr(close + 2);
        return OrderProblem{index + 1, std::move(error)};
    }
    return OrderProblem{std::nullopt, std::move(error)};
}

/// True for UTC written as the contract asks: "2026-11-27T10:00:00Z" (the model accepts any ISO-8601 form).
bool isUtcSeconds(const std::string& placed_at) {
    return placed_at.size() == 20 && placed_at[10] == 'T' && placed_at[19] == 'Z';
}

/// Reads one element of the file and validates it as far as that is possible without the webstore.
ImportedOrder readOrder(const nlohmann::json& source, std::size_t position) {
    ImportedOrder imported;
    imported.position = position;
    Problems problems(imported.problems);
    if (!source.is_object()) {
        problems.add(std::nullopt, "", source, "must be a JSON object");
        return imported;
    }
    for (const auto& [key, value] : source.items()) {
        if (!kOrderKeys.contains(key)) {
            problems.add(std::nullopt, key, value,
                         "is not a field of an order (order_id, customer_code, currency, placed_at, note, lines)");
        }
    }
    auto& order = imported.order;
    order.order_id = textMember(source, "order_id", std::nullopt, problems);
    if (source.contains("order_id") && source["order_id"].is_string()) {
        imported.id = order.order_id;
    }
    order.customer_code = textMember(source, "customer_code", std::nullopt, problems);
    order.currency = textMember(source, "currency", std::nullopt, problems);
    order.placed_at = textMember(source, "placed_at", std::nullopt, problems);
    imported.note = textMember(source, "note", std::nullopt, problems);
    const auto lines = source.find("lines");
    if (lines != source.end() && !lines->is_null()) {
        if (!lines->is_array()) {
            problems.add(std::nullopt, "lines", *lines, "must be a JSON array of lines");
        } else {
            for (std::size_t i = 0; i < lines->size(); ++i) {
                readLine((*lines)[i], static_cast<int>(i) + 1, imported, problems);
            }
        }
    }
    for (auto& error : model::validate(order)) {
        auto problem = located(std::move(error));
        if (!problems.flagged(problem.line, problem.error.field)) {
            problems.add(problem.line, std::move(problem.error));
        }
    }
    if (!problems.flagged(std::nullopt, "placed_at") && !isUtcSeconds(order.placed_at)) {
        problems.add(std::nullopt, "placed_at", order.placed_at, "must be UTC written like 2026-11-27T10:00:00Z");
    }
    if (!problems.flagged(std::nullopt, "note")) {
        if (auto error = headerNoteError(imported.note)) {
            problems.add(std::nullopt, std::move(*error));
        }
    }
    return imported;
}

/// Whether a customer or product row exists, and its flags as 0/1 (the CASEs read BOOLEAN and INTEGER alike).
std::optional<std::vector<bool>> lookUp(store::Webstore& webstore, const std::string& sql, const std::string& key) {
    std::string k = key;
    Poco::Data::Statement statement(webstore.session());
    statement << sql, use(k);
    statement.execute();
    Poco::Data::RecordSet row(statement);
    if (!row.moveFirst()) {
        return std::nullopt;
    }
    std::vector<bool> flags;
    for (std::size_t c = 0; c < row.columnCount(); ++c) {
        flags.push_back(row.value(c).convert<int>() != 0);
    }
    return flags;
}

/// The checks against the webstore, for the fields that have no problem yet: the customer exists, is active and
/// not blocked; each SKU is an active product.
void checkReferences(store::Webstore& webstore, ImportedOrder& imported) {
    const auto& order = imported.order;
    Problems problems(imported.problems);
    if (!problems.flagged(std::nullopt, "customer_code")) {
        const auto customer = lookUp(webstore,
                                     "SELECT CASE WHEN active THEN 1 ELSE 0 END, CASE WHEN blocked THEN 1 ELSE 0 END "
                                     "FROM customers WHERE code = $1",
                                     order.customer_code);
        const char* reason = !customer         ? "is not a customer in the webstore"
                             : !(*customer)[0] ? "is an inactive customer"
                             : (*customer)[1]  ? "is a blocked customer, who must not place orders"
                                               : nullptr;
        if (reason != nullptr) {
            problems.add(std::nullopt, "customer_code", order.customer_code, reason);
        }
    }
    for (const auto& line : order.lines) {
        if (problems.flagged(line.line_no, "sku")) {
            continue;
        }
        const auto product =
            lookUp(webstore, "SELECT CASE WHEN active THEN 1 ELSE 0 END FROM products WHERE sku = $1", line.sku);
        if (!product) {
            problems.add(line.line_no, "sku", line.sku, "is not a product in the webstore");
        } else if (!(*product)[0]) {
            problems.add(line.line_no, "sku", line.sku, "is an inactive product, no longer sold");
        }
    }
}

enum class Outcome { Imported, AlreadyImported, Rejected };

/// Writes one valid order, header and lines, in its own transaction, as a storefront does.
Outcome insertOrder(store::Webstore& webstore, ImportedOrder& imported) {
    const auto b = webstore.backend();
    const auto& order = imported.order;
    std::string order_id = order.order_id;
    store::Transaction tx(webstore);
    Poco::Int64 existing = 0;
    webstore.session() << "SELECT COUNT(*) FROM orders WHERE order_id = $1", use(order_id), into(existing), now;
    if (existing > 0) {
        return Outcome::AlreadyImported;
    }
    checkReferences(webstore, imported);
    if (!imported.problems.empty()) {
        return Outcome::Rejected;
    }
    std::string customer = order.customer_code;
    std::string currency = order.currency;
    std::string placed_at = order.placed_at;
    std::string note = imported.note;
    std::string updated_at = store::Webstore::utcNow();
    Poco::Data::Statement header(webstore.session());
    header << "INSERT INTO orders (order_id, customer_code, currency, status, placed_at, note, updated_at) "
              "VALUES ($1, $2, $3, 'placed', " +
                  typedParam(b, 4, SqlType::Timestamp) + ", $5, " + typedParam(b, 6, SqlType::Timestamp) +
                  ") ON CONFLICT (order_id) DO NOTHING",
        use(order_id), use(customer), use(currency), use(placed_at), use(note), use(updated_at);
    if (header.execute() == 0) {
        return Outcome::AlreadyImported;  // another writer inserted it since the check above
    }
    for (std::size_t i = 0; i < order.lines.size(); ++i) {
        int line_no = order.lines[i].line_no;
        std::string sku = order.lines[i].sku;
        std::string quantity = imported.line_text[i].quantity;
        std::string unit_price = imported.line_text[i].unit_price;
        std::string line_note = order.lines[i].note.value_or("");
        webstore.session() << "INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price, note) "
                              "VALUES ($1, $2, $3, " +
                                  typedParam(b, 4, SqlType::Numeric) + ", " + typedParam(b, 5, SqlType::Numeric) +
                                  ", $6)",
            use(order_id), use(line_no), use(sku), use(quantity), use(unit_price), use(line_note), now;
    }
    tx.commit();
    return Outcome::Imported;
}

/// "order W-1002", or its place in the file when it has no usable order_id.
std::string label(const ImportedOrder& imported) {
    if (imported.id && !imported.id->empty()) {
        return "order " + shown(*imported.id);
    }
    return "order #" + std::to_string(imported.position) + " of the file";
}

/// `order W-1002: line 2 field 'quantity' = "-1": must be greater than 0`, several problems joined by "; ".
std::string describe(const ImportedOrder& imported) {
    std::string out = label(imported) + ": ";
    for (std::size_t i = 0; i < imported.problems.size(); ++i) {
        const auto& problem = imported.problems[i];
        out += (i == 0 ? "" : "; ") + (problem.line ? "line " + std::to_string(*problem.line) + " " : std::string());
        out += problem.error.field.empty() ? "value \"" + problem.error.value + "\": " + problem.error.reason
                                           : model::describe(problem.error);
    }
    return out;
}

nlohmann::json toJson(const ImportedOrder& imported, const OrderProblem& problem) {
    return {{"order_id", imported.id ? nlohmann::json(*imported.id) : nlohmann::json(nullptr)},
            {"line", problem.line ? nlohmann::json(*problem.line) : nlohmann::json(nullptr)},
            {"field", problem.error.field},
            {"value", problem.error.value},
            {"reason", problem.error.reason}};
}

/// The file's text, or an exit code after saying why it cannot be used.
std::variant<std::string, int> readImportFile(const std::string& file) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto size = fs::file_size(file, ec);
    if (ec) {
        std::cerr << "syncline orders import: cannot read " << file << ": " << ec.message() << "\n";
        return static_cast<int>(kExitNoInput);
    }
    if (size > kMaxImportBytes) {
        std::cerr << "syncline orders import: " << file << " is " << size
                  << " bytes; an import file may have at most 64 MiB (split it into several files)\n";
        return static_cast<int>(kExitData);
    }
    std::ifstream in(file, std::ios::binary);
    std::ostringstream text;
    if (!in || !(text << in.rdbuf())) {
        std::cerr << "syncline orders import: cannot read " << file << ": " << std::strerror(errno) << "\n";
        return static_cast<int>(kExitNoInput);
    }
    return text.str();
}

/// An order's total: the sum of quantity × unit_price per line, each product rounded half-up to 6 places; written
/// with at least the currency's minor digits. Null when a stored value is not a decimal or the sum is out of range.
nlohmann::json orderTotal(const std::vector<std::pair<std::string, std::string>>& lines, const std::string& currency) {
    model::Decimal total;
    try {
        for (const auto& [quantity, unit_price] : lines) {
            const auto q = model::Decimal::parse(quantity);
            const auto p = model::Decimal::parse(unit_price);
            if (!q || !p) {
                return nullptr;
            }
            total += q->multiply(*p, model::RoundingMode::HalfUp);
        }
    } catch (const std::overflow_error&) {
        return nullptr;
    }
    const auto known = model::Currency::fromCode(currency);
    return total.toString(std::max(known ? known->minorDigits() : 0, total.fractionalDigits()));
}

std::string text(const Poco::Dynamic::Var& value) {
    return value.isEmpty() ? std::string() : value.convert<std::string>();
}

nlohmann::json textOrNull(const Poco::Dynamic::Var& value) {
    return value.isEmpty() ? nlohmann::json(nullptr) : nlohmann::json(value.convert<std::string>());
}

}  // namespace

int commandOrdersImport(const GlobalOptions& options, const std::string& file) {
    const auto content = readImportFile(file);
    if (const int* code = std::get_if<int>(&content)) {
        return *code;
    }
    nlohmann::json orders;
    try {
        orders = nlohmann::json::parse(std::get<std::string>(content));
    } catch (const nlohmann::json::parse_error& e) {
        std::cerr << "syncline orders import: " << file << " is not valid JSON: " << e.what() << "\n";
        return kExitData;
    }
    if (!orders.is_array()) {
        std::cerr << "syncline orders import: " << file << " must hold a JSON array of orders, not a JSON "
                  << orders.type_name() << "\n";
        return kExitData;
    }
    const auto config = loadConfig(options);
    auto webstore = openWebstore(config);

    int imported_count = 0;
    int skipped_count = 0;
    int rejected_count = 0;
    auto rejected = nlohmann::json::array();
    std::map<std::string, std::size_t> first_position;
    for (std::size_t i = 0; i < orders.size(); ++i) {
        auto imported = readOrder(orders[i], i + 1);
        Problems problems(imported.problems);
        if (imported.id && !problems.flagged(std::nullopt, "order_id")) {
            const auto [first, inserted] = first_position.emplace(*imported.id, imported.position);
            if (!inserted) {
                problems.add(std::nullopt, "order_id", *imported.id,
                             "is in the file twice (first as order #" + std::to_string(first->second) + ")");
            }
        }
        Outcome outcome = Outcome::Rejected;
        if (imported.problems.empty()) {
            outcome = insertOrder(*webstore, imported);
        } else if (orders[i].is_object()) {
            checkReferences(*webstore, imported);  // to name every problem of the order at once
        }
        sortProblems(imported.problems);
        if (outcome == Outcome::Imported) {
            ++imported_count;
        } else if (outcome == Outcome::AlreadyImported) {
            ++skipped_count;
            std::cerr << label(imported) << ": already imported, skipped\n";
        } else {
            ++rejected_count;
            std::cerr << describe(imported) << "\n";
            for (const auto& problem : imported.problems) {
                rejected.push_back(toJson(imported, problem));
            }
        }
    }
    if (options.json) {
        std::cout
            << nlohmann::json{{"imported", imported_count}, {"skipped", skipped_count}, {"rejected", rejected}}.dump(2)
            << "\n";
    } else {
        std::cout << "imported " << imported_count << ", skipped " << skipped_count << " (already imported), rejected "
                  << rejected_count << " of " << orders.size() << " orders\n";
    }
    return rejected_count > 0 ? kExitData : kExitOk;
}

int commandOrders(const GlobalOptions& options, const OrdersOptions& orders) {
    if (orders.status && !model::parseOrderStatus(*orders.status)) {
        std::cerr << "syncline orders: unknown status '" << *orders.status
                  << "'; one of: placed, claimed, exported, confirmed, shipped, invoiced, cancelled, "
                     "needs_attention\n";
        return kExitUsage;
    }
    const auto config = loadConfig(options);
    auto webstore = openWebstore(config);
    std::string status = orders.status.value_or("");
    int limit = orders.limit;
    // The newest `limit` orders; the lines query selects the same orders with the same parameters.
    const std::string chosen = std::string(" FROM orders") + (orders.status ? " WHERE status = $1" : "") +
                               " ORDER BY placed_at DESC, order_id DESC LIMIT " + (orders.status ? "$2" : "$1");
    Poco::Data::Statement header(webstore->session());
    header << "SELECT order_id, customer_code, status, " + store::isoTimeColumn(webstore->backend(), "placed_at") +
                  ", currency, erp_doc_number, attempts, last_error" + chosen;
    Poco::Data::Statement lines(webstore->session());
    lines << "SELECT order_id, CAST(quantity AS TEXT), CAST(unit_price AS TEXT) FROM order_lines WHERE order_id IN "
             "(SELECT order_id" +
                 chosen + ") ORDER BY order_id, line_no";
    for (auto* statement : {&header, &lines}) {
        if (orders.status) {
            *statement, use(status);
        }
        *statement, use(limit);
        statement->execute();
    }
    std::map<std::string, std::vector<std::pair<std::string, std::string>>> lines_of;
    Poco::Data::RecordSet line_rows(lines);
    for (bool more = line_rows.moveFirst(); more; more = line_rows.moveNext()) {
        lines_of[text(line_rows.value(0))].emplace_back(text(line_rows.value(1)), text(line_rows.value(2)));
    }
    Listing listing({"order_id", "customer_code", "status", "placed_at", "lines", "total", "currency", "erp_doc_number",
                     "attempts", "last_error"});
    Poco::Data::RecordSet rows(header);
    for (bool more = rows.moveFirst(); more; more = rows.moveNext()) {
        const auto order_id = text(rows.value(0));
        const auto& order_lines = lines_of[order_id];
        const auto currency = text(rows.value(4));
        listing.add({order_id, text(rows.value(1)), text(rows.value(2)), text(rows.value(3)),
                     static_cast<std::int64_t>(order_lines.size()), orderTotal(order_lines, currency), currency,
                     textOrNull(rows.value(5)), rows.value(6).convert<Poco::Int64>(), textOrNull(rows.value(7))});
    }
    if (listing.size() == 0 && !options.json) {
        std::cout << "no orders" << (orders.status ? " with status " + status : std::string()) << "\n";
        return kExitOk;
    }
    listing.print(options.json);
    return kExitOk;
}

}  // namespace syncline::app
