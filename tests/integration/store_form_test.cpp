// On SQLite the pull pipeline upserts with the webstore's CHECK constraints switched off (BatchWriter), because
// the job's validator and the pipeline's store form already demand more. These tests hold the pipeline to that:
// rows made of valid and awkward values go through a real pull into a real SQLite webstore, and afterwards
// SQLite's own integrity_check, which evaluates every CHECK on every row, must find nothing.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <Poco/Data/Session.h>

#include <map>

#include "engine/connector/streams.h"
#include "engine/store/migrator.h"
#include "engine/sync/pull_pipeline.h"
#include "jobs/pull_jobs.h"
#include "tests/support/memory_connector.h"
#include "tests/support/test_env.h"

namespace syncline {
namespace {

using connector::FieldType;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Row = std::vector<std::optional<std::string>>;

// Values a connector may deliver for a field: well-formed ones and the kinds of wrong an ERP or a plug-in can
// produce (signs, exponents, too many places, padded text, other flag spellings, unknown codes).
std::vector<std::string> candidates(const connector::StreamField& field) {
    if (field.name == "currency") {
        return {"EUR", "USD", "CHF", "", "eur", "EURO", "XXQ", "E"};
    }
    if (field.name == "scope") {
        return {"everyone", "customer", "customer_group", "price_list", "", "Everyone", "contract"};
    }
    switch (field.default_type) {
        case FieldType::Decimal:
            return {"12.5",
                    "0",
                    "1",
                    "-1",
                    "0.000001",
                    "100",
                    "1234567.123456",
                    "+5",
                    "12.50",
                    "1.10",
                    "1.1234567",
                    "1e3",
                    "NaN",
                    ".5",
                    "5.",
                    "-",
                    "",
                    " 5",
                    "1,5",
                    "-0",
                    "00012",
                    "99999999999999999999",
                    "1.0000000",
                    "--1",
                    "1.2.3"};
        case FieldType::Flag:
            return {"1", "0", "Y", "N", "true", "", "2", "yes"};
        case FieldType::Date:
            return {"2026-01-01", "2026-12-31", "2026-02-30", "2026-1-1", "", "2026-01-01T00:00:00Z"};
        case FieldType::Timestamp:
            return {"2026-11-01 10:00:00", "2026-11-01T10:00:00Z", "", "yesterday"};
        default:
            return {"A1", "B-2", "", "x y", "\xc3\x84pfel", std::string(300, 'n'), "K\x1fJ"};
    }
}

// A valid row of each stream, by field.
const std::map<std::string, std::map<std::string, std::optional<std::string>>> kValid = {
    {"products",
     {{"name", "Item"},
      {"description", ""},
      {"unit", "PCE"},
      {"list_price", "12.5"},
      {"currency", "EUR"},
      {"active", "1"}}},
    {"stock", {{"warehouse", "W1"}, {"quantity", "5"}}},
    {"customers",
     {{"name", "Customer"},
      {"customer_group", "G1"},
      {"price_list", "PL1"},
      {"currency", "EUR"},
      {"email", "buyer@example.com"},
      {"blocked", "0"}}},
    {"price_rules",
     {{"sku", "A1"},
      {"scope", "price_list"},
      {"scope_key", "PL1"},
      {"min_quantity", "0"},
      {"unit_price", "9.5"},
      {"currency", "EUR"},
      {"valid_from", "2026-01-01"}}},
};

// A row of the stream: a valid one with up to three fields set to NULL or to another candidate. The key is
// numbered, so most rows have their own and some share one.
rc::Gen<Row> anyRow(const std::string& stream, const std::string& key_field) {
    const auto& fields = connector::streamFields(stream);
    return rc::gen::exec([&fields, stream, key_field] {
        Row row;
        for (const auto& f : fields) {
            const auto& valid = kValid.at(stream);
            const auto it = valid.find(f.name);
            if (f.name == key_field) {
                row.push_back("K" + std::to_string(*rc::gen::inRange(0, 40)));
            } else if (f.name == "erp_modified") {
                row.push_back("2026-11-01 10:00:00");
            } else {
                row.push_back(it == valid.end() ? std::nullopt : it->second);
            }
        }
        if (stream == "price_rules" && *rc::gen::arbitrary<bool>()) {  // a percentage instead of a price
            const auto at = [&](const std::string& name) -> std::optional<std::string>& {
                const auto f =
                    std::find_if(fields.begin(), fields.end(), [&](const auto& x) { return x.name == name; });
                return row[static_cast<std::size_t>(f - fields.begin())];
            };
            at("unit_price") = std::nullopt;
            at("discount_percent") = "10";
        }
        const int changes = *rc::gen::inRange(0, 4);
        for (int i = 0; i < changes; ++i) {
            const auto c = static_cast<std::size_t>(*rc::gen::inRange<std::size_t>(0, fields.size()));
            if (fields[c].name == key_field) {
                continue;
            }
            if (*rc::gen::inRange(0, 5) == 0) {
                row[c] = std::nullopt;
            } else {
                row[c] = *rc::gen::elementOf(candidates(fields[c]));
            }
        }
        return row;
    });
}

void pullAndCheck(const std::string& job_name) {
    const auto* job = jobs::findPullJob(job_name);
    RC_ASSERT(job != nullptr);
    const auto& fields = connector::streamFields(job->entity.stream);
    std::vector<std::string> names;
    for (const auto& f : fields) {
        names.push_back(f.name);
    }
    testing::MemoryConnector erp(names);
    erp.batch_size = 16;
    erp.rows = *rc::gen::container<std::vector<Row>>(anyRow(job->entity.stream, job->entity.key_columns.front()));

    testing::TempDir dir("syncline-store-form");
    store::ConnectionSettings settings;
    settings.sqlite_path = dir.file("webstore.db");
    auto store = store::Webstore::open(settings);
    store::Migrator(*store).migrate();
    sync::PullOptions options;
    options.job = job_name;
    options.node = "test";
    options.mode = connector::PullMode::Full;
    // Twice: the second pull updates rows the first inserted.
    for (int round = 0; round < 2; ++round) {
        if (round == 1) {
            std::reverse(erp.rows.begin(), erp.rows.end());
        }
        const auto result = sync::PullPipeline(*store, erp, job->entity).run(options);
        RC_ASSERT(result.status != "failed");
        RC_ASSERT(result.counts.read == static_cast<std::int64_t>(erp.rows.size()));
        RC_ASSERT(result.counts.applied + result.counts.unchanged + result.counts.rejected == result.counts.read);
        if (round == 0) {
            RC_TAG(result.counts.applied > 0 ? "rows applied" : "none applied");
        }
    }
    std::vector<std::string> problems;
    store->session() << "PRAGMA integrity_check", into(problems), now;
    RC_ASSERT(problems == std::vector<std::string>{"ok"});
}

RC_GTEST_PROP(StoreFormTest, NoProductThePipelineAcceptsBreaksAWebstoreCheck, ()) {
    pullAndCheck("catalog");
}

RC_GTEST_PROP(StoreFormTest, NoStockLevelThePipelineAcceptsBreaksAWebstoreCheck, ()) {
    pullAndCheck("stock");
}

RC_GTEST_PROP(StoreFormTest, NoCustomerThePipelineAcceptsBreaksAWebstoreCheck, ()) {
    pullAndCheck("customers");
}

RC_GTEST_PROP(StoreFormTest, NoPriceRuleThePipelineAcceptsBreaksAWebstoreCheck, ()) {
    pullAndCheck("prices");
}

// The CHECKs are off only for the pipeline's own upserts: other writes on the same connection afterwards are
// checked again, and integrity_check does see a broken row (so the properties above can fail).
TEST(StoreFormTest, ChecksApplyAgainAfterAPullAndIntegrityCheckSeesABrokenRow) {
    testing::TempDir dir("syncline-store-form");
    store::ConnectionSettings settings;
    settings.sqlite_path = dir.file("webstore.db");
    auto store = store::Webstore::open(settings);
    store::Migrator(*store).migrate();
    testing::MemoryConnector erp({"sku", "name", "unit", "list_price", "currency", "erp_modified"});
    erp.rows = {{"A1", "Item", "PCE", "+12.50", "EUR", "2026-11-01 10:00:00"}};
    sync::PullOptions options;
    options.job = "catalog";
    options.node = "test";
    const auto result = sync::PullPipeline(*store, erp, jobs::findPullJob("catalog")->entity).run(options);
    ASSERT_EQ(result.status, "succeeded");
    std::string price;
    store->session() << "SELECT list_price FROM products WHERE sku = 'A1'", into(price), now;
    EXPECT_EQ(price, "12.5") << "stored in the one form the CHECK accepts";

    EXPECT_ANY_THROW((store->session() << "UPDATE products SET list_price = '0.30000000000000004'", now));

    store->session() << "PRAGMA ignore_check_constraints = 1", now;
    store->session() << "UPDATE products SET list_price = '1e3'", now;
    store->session() << "PRAGMA ignore_check_constraints = 0", now;
    std::vector<std::string> problems;
    store->session() << "PRAGMA integrity_check", into(problems), now;
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_NE(problems.front().find("CHECK constraint failed in products"), std::string::npos) << problems.front();
}

}  // namespace
}  // namespace syncline
