#include "engine/connector/conformance.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <set>

#include "engine/connector/streams.h"

namespace syncline::connector {

namespace {

using Outcome = ConformanceCheck::Outcome;

// Everything one read of a stream delivered.
struct Read {
    std::optional<Error> error;
    std::vector<std::string> fields;
    std::vector<std::vector<std::optional<std::string>>> rows;
    std::vector<std::string> keys;  // per row, the entity's key fields joined
    std::optional<std::string> cursor;
    std::size_t malformed = 0;  // rows without one value per field
    std::string first_malformed;
};

Read readAll(Connector& connector, const std::string& stream, const OpenRequest& request) {
    Read out;
    auto session = connector.open(stream, request);
    if (!session) {
        out.error = session.error();
        return out;
    }
    out.fields = session.value()->fields();
    std::vector<std::size_t> key_index;
    if (const auto* entity = [&]() -> const StreamEntity* {
            for (const auto& e : streamEntities()) {
                if (e.stream == stream) {
                    return &e;
                }
            }
            return nullptr;
        }()) {
        for (const auto& key : entity->keys) {
            const auto it = std::find(out.fields.begin(), out.fields.end(), key);
            key_index.push_back(static_cast<std::size_t>(it - out.fields.begin()));
        }
    }
    RecordBatch batch;
    for (;;) {
        auto more = session.value()->next(batch);
        if (!more) {
            out.error = more.error();
            return out;
        }
        if (!more.value()) {
            return out;
        }
        if (batch.cursor) {
            out.cursor = batch.cursor;
        }
        for (auto& row : batch.rows) {
            if (row.size() != out.fields.size()) {
                if (out.malformed++ == 0) {
                    out.first_malformed =
                        std::to_string(row.size()) + " values for " + std::to_string(out.fields.size()) + " fields";
                }
                continue;
            }
            std::string key;
            for (const auto i : key_index) {
                key += (key.empty() ? "" : "\x1f") + (i < row.size() && row[i] ? *row[i] : std::string("<NULL>"));
            }
            out.keys.push_back(std::move(key));
            out.rows.push_back(std::move(row));
        }
    }
}

std::string printable(std::string key) {
    std::replace(key.begin(), key.end(), '\x1f', '/');
    return key;
}

class Checks {
  public:
    std::vector<ConformanceCheck> out;

    void add(std::string name, std::string stream, Outcome outcome, std::string detail) {
        out.push_back({std::move(name), std::move(stream), outcome, std::move(detail)});
    }
    void pass(std::string name, std::string stream, std::string detail) {
        add(std::move(name), std::move(stream), Outcome::Pass, std::move(detail));
    }
    void fail(std::string name, std::string stream, std::string detail) {
        add(std::move(name), std::move(stream), Outcome::Fail, std::move(detail));
    }
    void skip(std::string name, std::string stream, std::string detail) {
        add(std::move(name), std::move(stream), Outcome::Skip, std::move(detail));
    }
};

void checkSpec(const ConnectorSpec& spec, Checks& checks) {
    std::string problem;
    const auto& known = pullStreams();
    if (spec.kind.empty() || spec.version.empty()) {
        problem = "a kind and a version are required";
    }
    for (const auto& s : spec.streams) {
        if (std::find(known.begin(), known.end(), s) == known.end()) {
            problem = "unknown stream '" + s + "' in the spec";
        }
    }
    for (const auto& s : spec.settings) {
        if (s.path.empty() || s.path.front() == '.' || s.path.back() == '.') {
            problem = "a setting without a proper path";
        }
    }
    if (spec.capabilities.incremental && !spec.capabilities.full) {
        problem = "incremental reads without full reads";
    }
    if (problem.empty()) {
        checks.pass("spec", "",
                    spec.kind + " " + spec.version + ", " + std::to_string(spec.settings.size()) + " settings");
    } else {
        checks.fail("spec", "", problem);
    }
}

// What a full read, a second one and an incremental one from its cursor show; the full read's rows for later checks.
void checkStream(Connector& connector, const std::string& stream, Checks& checks, Read& full) {
    full = readAll(connector, stream, OpenRequest{});
    if (full.error) {
        checks.fail("full read", stream, full.error->describe());
        return;
    }
    std::set<std::string> keys(full.keys.begin(), full.keys.end());
    const auto entity_keys = [&] {
        for (const auto& e : streamEntities()) {
            if (e.stream == stream) {
                return e.keys;
            }
        }
        return std::vector<std::string>{};
    }();
    std::string missing_key;
    for (const auto& key : entity_keys) {
        if (std::find(full.fields.begin(), full.fields.end(), key) == full.fields.end()) {
            missing_key = key;
        }
    }
    if (!missing_key.empty()) {
        checks.fail("full read", stream, "the key field '" + missing_key + "' is not delivered");
        return;
    }
    if (full.malformed > 0) {
        checks.fail("full read", stream,
                    std::to_string(full.malformed) + " row(s) not whole, the first: " + full.first_malformed);
        return;
    }
    if (keys.size() != full.keys.size()) {
        std::set<std::string> seen;
        std::string repeated;
        for (const auto& k : full.keys) {
            if (!seen.insert(k).second && repeated.empty()) {
                repeated = printable(k);
            }
        }
        checks.fail("full read", stream,
                    std::to_string(full.keys.size() - keys.size()) + " key(s) delivered twice, e.g. " + repeated);
        return;
    }
    checks.pass("full read", stream, std::to_string(full.keys.size()) + " rows, each key once");

    const Read again = readAll(connector, stream, OpenRequest{});
    if (again.error) {
        checks.fail("repeat full read", stream, again.error->describe());
    } else if (std::set<std::string>(again.keys.begin(), again.keys.end()) != keys ||
               again.keys.size() != full.keys.size()) {
        checks.fail("repeat full read", stream,
                    "another set of keys: " + std::to_string(again.keys.size()) + " rows, first read " +
                        std::to_string(full.keys.size()));
    } else {
        checks.pass("repeat full read", stream, "the same keys");
    }

    if (!connector.incremental(stream)) {
        checks.skip("cursor round trip", stream, "the stream is read in full only");
        return;
    }
    if (!full.cursor) {
        checks.fail("cursor round trip", stream,
                    full.keys.empty() ? "an empty stream hands no cursor back: add a row and run again"
                                      : "an incremental stream handed no cursor back");
        return;
    }
    OpenRequest incremental;
    incremental.mode = PullMode::Incremental;
    incremental.cursor = full.cursor;
    const Read delta = readAll(connector, stream, incremental);
    if (delta.error) {
        checks.fail("cursor round trip", stream, delta.error->describe());
        return;
    }
    const auto stranger =
        std::find_if(delta.keys.begin(), delta.keys.end(), [&](const auto& k) { return !keys.count(k); });
    if (stranger != delta.keys.end()) {
        checks.fail("cursor round trip", stream,
                    "an incremental read delivered a key the full read did not: " + printable(*stranger));
    } else if (delta.cursor != full.cursor) {
        checks.fail("cursor round trip", stream,
                    "nothing changed, yet the cursor moved from '" + *full.cursor + "' to '" +
                        delta.cursor.value_or("(none)") + "'");
    } else {
        checks.pass("cursor round trip", stream,
                    "cursor '" + *full.cursor + "': " + std::to_string(delta.keys.size()) + " of " +
                        std::to_string(full.keys.size()) + " rows read again");
    }
}

std::optional<std::string> valueOf(const Read& read, const std::string& field, std::size_t row) {
    const auto it = std::find(read.fields.begin(), read.fields.end(), field);
    if (it == read.fields.end() || row >= read.rows.size()) {
        return std::nullopt;
    }
    return read.rows[row][static_cast<std::size_t>(it - read.fields.begin())];
}

void checkWrongSecret(const ConnectorFactory& factory, const Settings& settings, Checks& checks) {
    const auto& spec = factory.spec();
    const auto secret = std::find_if(spec.settings.begin(), spec.settings.end(), [&](const SettingSpec& s) {
        return s.kind == SettingKind::Secret && !settings.secret(s.path).empty();
    });
    if (secret == spec.settings.end()) {
        checks.skip("wrong secret", "", "no secret is configured");
        return;
    }
    Settings spoiled = settings;
    spoiled.secrets[secret->path] =
        "syncline-conformance-wrong-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
    const auto result = factory.create(spoiled)->check();
    if (result) {
        checks.fail("wrong secret", "", "the source accepted a wrong " + secret->path);
    } else if (result.error().kind != ErrorKind::Config) {
        checks.fail("wrong secret", "",
                    "a wrong " + secret->path + " must be a config error (stop, tell the admin), not " +
                        std::string(toString(result.error().kind)) + ": " + result.error().message);
    } else {
        checks.pass("wrong secret", "", "a wrong " + secret->path + " is a config error");
    }
}

void checkOrders(Connector& connector, const ConfiguredFeatures& features, const Read& products, const Read& customers,
                 const ConformanceOptions& options, Checks& checks);

}  // namespace

std::string toString(ConformanceCheck::Outcome outcome) {
    switch (outcome) {
        case Outcome::Pass:
            return "pass";
        case Outcome::Fail:
            return "FAIL";
        case Outcome::Skip:
            return "skip";
    }
    return "FAIL";
}

std::vector<ConformanceCheck> runConformance(const ConnectorFactory& factory, const Settings& settings,
                                             const ConformanceOptions& options) {
    Checks checks;
    try {
        checkSpec(factory.spec(), checks);
        const auto issues = factory.check(settings);
        if (!issues.empty()) {
            checks.fail("settings", "", "erp." + issues.front().path + ": " + issues.front().message);
            return checks.out;
        }
        checks.pass("settings", "", "the factory's check finds nothing");
        auto connector = factory.create(settings);
        const auto described = connector->check();
        if (!described) {
            checks.fail("check", "", described.error().describe());
            return checks.out;
        }
        checks.pass("check", "", described.value());
        const auto unknown = connector->open("no_such_stream", OpenRequest{});
        if (unknown || unknown.error().kind != ErrorKind::Config) {
            checks.fail("unknown stream", "",
                        unknown ? "opened a stream that does not exist"
                                : "must be a config error: " + unknown.error().describe());
        } else {
            checks.pass("unknown stream", "", "a config error");
        }
        Read products;
        Read customers;
        for (const auto& stream : connector->streams()) {
            if (options.stream && *options.stream != stream) {
                continue;
            }
            Read full;
            checkStream(*connector, stream, checks, full);
            if (stream == "products") {
                products = std::move(full);
            } else if (stream == "customers") {
                customers = std::move(full);
            }
        }
        checkWrongSecret(factory, settings, checks);
        checkOrders(*connector, factory.features(settings), products, customers, options, checks);
    } catch (const std::exception& e) {
        checks.fail("no exception", "", std::string("the connector threw: ") + e.what());
    }
    return checks.out;
}

namespace {

void checkOrders(Connector& connector, const ConfiguredFeatures& features, const Read& products, const Read& customers,
                 const ConformanceOptions& options, Checks& checks) {
    const std::string key =
        options.order_key.empty()
            ? "SYNCLINE-CONFORMANCE-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                           std::chrono::system_clock::now().time_since_epoch())
                                                           .count())
            : options.order_key;
    if (features.order_status) {
        const auto status = connector.orderStatus(key);
        if (!status) {
            checks.fail("order status", "", status.error().describe());
        } else if (status.value()) {
            checks.fail("order status", "", "an order that was never pushed has a status: " + status.value()->status);
        } else {
            checks.pass("order status", "", "an unknown order is reported as absent");
        }
    } else {
        checks.skip("order status", "", "not configured");
    }
    if (!features.push_orders) {
        checks.skip("order push", "", "not configured");
        return;
    }
    if (!options.allow_writes) {
        checks.skip("order push", "", "writes into the ERP: run with --allow-writes against a test company");
        return;
    }
    const auto sku = valueOf(products, "sku", 0);
    const auto customer = valueOf(customers, "code", 0);
    const auto currency = valueOf(customers, "currency", 0);
    if (!sku || !customer || !currency) {
        checks.skip("order push", "", "needs a product and a customer read by the products and customers streams");
        return;
    }
    model::Order order;
    order.order_id = key;
    order.customer_code = *customer;
    order.currency = *currency;
    order.placed_at = "2026-01-01T00:00:00Z";
    model::OrderLine line;
    line.line_no = 1;
    line.sku = *sku;
    line.quantity = model::Decimal::fromInt(1);
    line.unit_price = model::Decimal::fromInt(1);
    order.lines.push_back(line);
    const auto before = connector.findOrder(key);
    if (!before || before.value()) {
        checks.fail("order push", "",
                    before ? "findOrder found an order that was never pushed" : before.error().describe());
        return;
    }
    const auto pushed = connector.pushOrder(order, key);
    if (!pushed) {
        checks.fail("order push", "", "pushOrder: " + pushed.error().describe());
        return;
    }
    const auto after = connector.findOrder(key);
    if (!after || !after.value() || *after.value() != pushed.value()) {
        checks.fail("order push", "",
                    "findOrder after the push must return its document number " + pushed.value() + ", got " +
                        (after ? after.value().value_or("nothing") : after.error().describe()));
        return;
    }
    checks.pass("order push", "", "order " + key + " pushed once as " + pushed.value() + " and found by findOrder");
}

}  // namespace

}  // namespace syncline::connector
