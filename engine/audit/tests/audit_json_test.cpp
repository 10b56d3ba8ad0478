#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/audit/audit_log.h"

namespace syncline::audit {
namespace {

std::string quoted(const std::string& text) {
    std::string out;
    appendJsonString(out, text);
    return out;
}

TEST(AuditJson, EscapesQuotesBackslashesAndControlCharacters) {
    EXPECT_EQ(quoted("a\"b\\c"), R"("a\"b\\c")");
    EXPECT_EQ(quoted(std::string("tab\tnul\0end", 11)), R"("tab\u0009nul\u0000end")");
    EXPECT_EQ(quoted("Größe 10 µm €"), "\"Größe 10 µm €\"") << "valid UTF-8 passes unchanged";
}

TEST(AuditJson, InvalidUtf8BecomesTheReplacementCharacterSoTheJsonStaysValid) {
    for (const std::string& bad : {std::string("\xff"), std::string("\xc3"), std::string("\xe2\x82"),
                                   std::string("\xc0\xaf"), std::string("\xed\xa0\x80")}) {
        const std::string json = quoted("x" + bad + "y");
        const auto parsed = nlohmann::json::parse(json, nullptr, false);
        ASSERT_FALSE(parsed.is_discarded()) << json;
        EXPECT_EQ(parsed.get<std::string>().substr(0, 1), "x");
        EXPECT_NE(json.find("\\ufffd"), std::string::npos) << json;
    }
}

TEST(AuditJson, ChangeSetIsOneJsonObjectWithNullsAndConflicts) {
    ChangeSet changes;
    EXPECT_TRUE(changes.empty());
    EXPECT_EQ(changes.json(), "{}");
    changes.add("name", std::string("Old"), std::string("New \"quoted\""));
    changes.add("valid_to", std::nullopt, std::string("2026-12-31"));
    changes.addConflict("description", std::string("base"), std::string("erp"), std::string("shop"),
                        std::string("shop"), std::string("shop"), "store", "store");
    const auto parsed = nlohmann::json::parse(changes.json());
    EXPECT_EQ(parsed["name"]["to"], "New \"quoted\"");
    EXPECT_TRUE(parsed["valid_to"]["from"].is_null());
    EXPECT_EQ(parsed["description"]["conflict"]["erp"], "erp");
    EXPECT_EQ(parsed["description"]["conflict"]["outcome"], "store");
}

TEST(AuditJson, AnInsertListsItsValuesWithoutAFrom) {
    ChangeSet changes;
    changes.addInserted("sku", "A1");
    changes.addInserted("name", "Drill \"XL\"");
    EXPECT_EQ(changes.json(), R"({"sku":{"to":"A1"},"name":{"to":"Drill \"XL\""}})");
    const auto parsed = nlohmann::json::parse(changes.json());
    EXPECT_FALSE(parsed["sku"].contains("from"));
}

TEST(AuditHash, CoversEveryFieldAndTheirBoundaries) {
    const auto h = rowHash(kGenesisHash, 1, "2026-11-27T10:00:00Z", "run:1", "product", "A1", "insert", "{}");
    EXPECT_EQ(h.size(), 64u);
    EXPECT_EQ(h, rowHash(kGenesisHash, 1, "2026-11-27T10:00:00Z", "run:1", "product", "A1", "insert", "{}"));
    EXPECT_NE(h, rowHash(kGenesisHash, 2, "2026-11-27T10:00:00Z", "run:1", "product", "A1", "insert", "{}"));
    EXPECT_NE(h, rowHash(kGenesisHash, 1, "2026-11-27T10:00:00Z", "run:1", "product", "A1", "update", "{}"));
    EXPECT_NE(h, rowHash(h, 1, "2026-11-27T10:00:00Z", "run:1", "product", "A1", "insert", "{}"));
    // Moving a character from one field to the next changes the hash (fields are length-prefixed).
    EXPECT_NE(rowHash(kGenesisHash, 1, "t", "run:1", "product", "A1", "insert", "{}"),
              rowHash(kGenesisHash, 1, "t", "run:1", "product", "A", "1insert", "{}"));
}

}  // namespace
}  // namespace syncline::audit
