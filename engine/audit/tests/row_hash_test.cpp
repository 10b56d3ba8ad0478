#include "engine/audit/row_hash.h"

#include "engine/audit/audit_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <stdexcept>

namespace syncline::audit {
namespace {

const std::string kSecret(40, 's');

std::string keyed(const AuditKey& key, const std::string& changes = "{}") {
    return key.rowHash(kGenesisHash, 1, "2026-11-27T10:00:00Z", "run:1", "product", "A1", "insert", changes);
}

TEST(AuditKey, AKeyedHashIsOneNobodyWithoutTheKeyComputes) {
    const AuditKey key(kSecret);
    const std::string plain =
        rowHash(kGenesisHash, 1, "2026-11-27T10:00:00Z", "run:1", "product", "A1", "insert", "{}");
    EXPECT_TRUE(std::regex_match(keyed(key), std::regex("[0-9a-f]{64}")));
    EXPECT_NE(keyed(key), plain);
    EXPECT_NE(keyed(key), keyed(AuditKey(std::string(40, 't'))));
    EXPECT_NE(keyed(key), keyed(key, "{\"x\":1}"));
    EXPECT_EQ(keyed(key), keyed(AuditKey(kSecret))) << "the same secret, the same hashes, in any process";
}

TEST(AuditKey, ItsIdNamesTheKeyWithoutRevealingIt) {
    const AuditKey key(kSecret);
    EXPECT_TRUE(std::regex_match(key.id(), std::regex("[0-9a-f]{16}")));
    EXPECT_EQ(key.id(), AuditKey(kSecret).id());
    EXPECT_NE(key.id(), AuditKey(kSecret + "x").id());
    EXPECT_EQ(key.id().find("ssss"), std::string::npos);
}

TEST(AuditKey, AShortSecretIsRefusedWithoutEchoingIt) {
    try {
        AuditKey key("too-short-secret");
        FAIL() << "accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_THAT(e.what(), ::testing::HasSubstr("at least 32 characters"));
        EXPECT_EQ(std::string(e.what()).find("too-short"), std::string::npos);
    }
}

TEST(Anchor, ParsesOnlySeqColonHash) {
    const std::string hash(64, 'a');
    const auto anchor = Anchor::parse("42:" + std::string(64, 'A'));
    ASSERT_TRUE(anchor);
    EXPECT_EQ(anchor->seq, 42);
    EXPECT_EQ(anchor->hash, hash) << "hex digits are compared in lower case";
    EXPECT_EQ(anchor->text(), "42:" + hash);
    for (const std::string& bad :
         std::vector<std::string>{"", "42", ":" + hash, "0:" + hash, "-1:" + hash, "4x:" + hash, "42:" + hash + "0",
                                  "42:" + std::string(63, 'a') + "g", "42 :" + hash}) {
        EXPECT_FALSE(Anchor::parse(bad)) << bad;
    }
}

}  // namespace
}  // namespace syncline::audit
