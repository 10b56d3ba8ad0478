// The thrift connector kind in this process, as the engine uses it (through the registry and the Connector
// interface), against the Python template connector in a real child process: a crash mid-read fails that read
// transient and the next call starts the process again; destroying the connector ends the process; orders, order
// status, live prices and discover go through it too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>

#include "connectors/thrift/thrift_settings.h"
#include "tests/support/test_env.h"
#include "tests/support/thrift_connectors.h"

namespace syncline::thrift_connector {
namespace {

using ::testing::HasSubstr;
namespace fs = std::filesystem;

const connector::ConnectorFactory& factory() {
    static std::once_flag once;
    std::call_once(once, [] { registerThriftConnector(); });
    return *connector::findConnector("thrift");
}

// The pids of this process's children (of any of its threads).
std::set<pid_t> children() {
    std::set<pid_t> out;
    for (const auto& task : fs::directory_iterator("/proc/self/task")) {
        std::ifstream in(task.path() / "children");
        for (pid_t pid; in >> pid;) {
            out.insert(pid);
        }
    }
    return out;
}

class ThriftProxy : public ::testing::Test {
  protected:
    void SetUp() override { testing::writeCsvCatalog(dir_.path() / "catalog", 120); }

    connector::Settings settings(const std::string& extra_settings = "{}") const {
        connector::Settings s;
        s.values = {{"command", testing::pythonCatalogCommand()},
                    {"settings", {{"folder", (dir_.path() / "catalog").string()}, {"batch_size", 50}}}};
        s.values["settings"].update(nlohmann::json::parse(extra_settings));
        s.query_timeout_s = 60;
        return s;
    }

    std::unique_ptr<connector::Connector> connector(const connector::Settings& s) const {
        const auto issues = factory().check(s);
        EXPECT_TRUE(issues.empty()) << (issues.empty() ? "" : issues.front().path + ": " + issues.front().message);
        return factory().create(s);
    }

    testing::TempDir dir_{"thrift-proxy"};
};

std::size_t readAll(connector::PullSession& session) {
    std::size_t rows = 0;
    connector::RecordBatch batch;
    for (;;) {
        auto more = session.next(batch);
        EXPECT_TRUE(more.ok()) << (more.ok() ? "" : more.error().describe());
        if (!more.ok() || !more.value()) {
            return rows;
        }
        rows += batch.size();
    }
}

TEST_F(ThriftProxy, CrashMidReadIsTransientAndTheNextCallStartsTheProcessAgain) {
    const auto before = children();
    auto c = connector(settings());
    auto session = c->open("products", {});
    ASSERT_TRUE(session.ok()) << session.error().describe();
    connector::RecordBatch batch;
    ASSERT_TRUE(session.value()->next(batch).ok());
    EXPECT_EQ(batch.size(), 50u);

    std::set<pid_t> started;
    for (pid_t pid : children()) {
        if (!before.count(pid)) {
            started.insert(pid);
        }
    }
    ASSERT_EQ(started.size(), 1u);
    const pid_t first = *started.begin();
    ASSERT_EQ(::kill(first, SIGKILL), 0);

    auto broken = session.value()->next(batch);
    ASSERT_FALSE(broken.ok());
    EXPECT_EQ(broken.error().kind, connector::ErrorKind::Transient);
    EXPECT_EQ(broken.error().code, "connector-died");
    EXPECT_THAT(broken.error().message, HasSubstr("was killed by signal 9"));
    EXPECT_THAT(broken.error().message, HasSubstr("it starts again at the next call"));
    // The read of the dead process stays broken; a new read works, from a new process.
    EXPECT_FALSE(session.value()->next(batch).ok());
    session.value().reset();

    auto again = c->open("products", {});
    ASSERT_TRUE(again.ok()) << again.error().describe();
    EXPECT_EQ(readAll(*again.value()), 120u);
    EXPECT_EQ(children().count(first), 0u);
    EXPECT_EQ(children().size(), before.size() + 1);
}

TEST_F(ThriftProxy, DestroyingTheConnectorEndsItsProcess) {
    const auto before = children();
    auto c = connector(settings());
    ASSERT_TRUE(c->check().ok());
    EXPECT_EQ(children().size(), before.size() + 1);
    c.reset();
    EXPECT_EQ(children(), before);
}

TEST_F(ThriftProxy, OrdersStatusLivePricesAndDiscoverGoThroughTheProtocol) {
    fs::create_directories(dir_.path() / "orders");
    auto c = connector(
        settings(R"({"orders_folder": ")" + (dir_.path() / "orders").string() + R"(", "live_prices": true})"));
    ASSERT_TRUE(c->exportsOrders());
    ASSERT_TRUE(c->readsOrderStatus());

    auto absent = c->findOrder("W-1");
    ASSERT_TRUE(absent.ok()) << absent.error().describe();
    EXPECT_EQ(absent.value(), std::nullopt);
    model::Order order{"W-1", "C100", "EUR", "2026-11-27T10:00:00Z", {}};
    order.lines.push_back({1, "P00001", *model::Decimal::parse("2.5"), *model::Decimal::parse("1.123456"), {}});
    auto pushed = c->pushOrder(order, "W-1");
    ASSERT_TRUE(pushed.ok()) << pushed.error().describe();
    EXPECT_EQ(pushed.value(), "CSV-W-1");
    EXPECT_EQ(c->findOrder("W-1").value(), std::optional<std::string>("CSV-W-1"));
    auto status = c->orderStatus("W-1");
    ASSERT_TRUE(status.ok() && status.value());
    EXPECT_EQ(status.value()->status, "open");
    auto bad_key = c->findOrder("../etc/passwd");
    ASSERT_FALSE(bad_key.ok());
    EXPECT_EQ(bad_key.error().kind, connector::ErrorKind::Data);

    // A live price over a connection of its own, while a read is open on the connector's.
    auto session = c->open("products", {});
    ASSERT_TRUE(session.ok());
    auto live = c->livePrices();
    ASSERT_TRUE(live.ok() && live.value());
    auto price = live.value()->ask({"C100", "P00012", "1", "EUR", "2026-11-27"});
    ASSERT_TRUE(price.ok()) << price.error().describe();
    ASSERT_TRUE(price.value());
    EXPECT_EQ(price.value()->unit_price, "12.20000");
    EXPECT_EQ(readAll(*session.value()), 120u);

    auto found = c->discover({});
    ASSERT_TRUE(found.ok()) << found.error().describe();
    ASSERT_EQ(found.value().resources.size(), 4u);
    EXPECT_EQ(found.value().resources.front().columns.front().name, "sku");
}

// A service that is down when the config is read is no config error: the run finds out, as a transient failure.
TEST_F(ThriftProxy, UnreachableServiceIsTransientNotAConfigError) {
    connector::Settings s;
    s.values = {{"socket", (dir_.path() / "nobody.sock").string()}, {"settings", nlohmann::json::object()}};
    EXPECT_TRUE(factory().check(s).empty());
    EXPECT_THAT(factory().features(s).streams, ::testing::Contains("products"));
    auto c = factory().create(s);
    auto opened = c->open("products", {});
    ASSERT_FALSE(opened.ok());
    EXPECT_EQ(opened.error().kind, connector::ErrorKind::Transient);
    EXPECT_THAT(opened.error().message,
                HasSubstr("cannot reach the connector at " + (dir_.path() / "nobody.sock").string()));
}

}  // namespace
}  // namespace syncline::thrift_connector
