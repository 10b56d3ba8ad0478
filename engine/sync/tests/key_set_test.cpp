#include "engine/sync/key_set.h"

#include <gtest/gtest.h>

#include <string>

namespace syncline::sync {
namespace {

TEST(KeySetTest, ASecondInsertOfAKeyIsRefusedAndOthersAreNot) {
    KeySet keys;
    EXPECT_TRUE(keys.insert("A0001"));
    EXPECT_TRUE(keys.insert("A0002"));
    EXPECT_FALSE(keys.insert("A0001"));
    EXPECT_TRUE(keys.contains("A0002"));
    EXPECT_FALSE(keys.contains("A0003"));
    EXPECT_EQ(keys.size(), 2U);
}

TEST(KeySetTest, KeepsEveryKeyAcrossGrowth) {
    KeySet keys;
    keys.reserve(10);
    for (int i = 0; i < 200000; ++i) {
        ASSERT_TRUE(keys.insert("item-" + std::to_string(i))) << i;
    }
    EXPECT_EQ(keys.size(), 200000U);
    for (int i = 0; i < 200000; ++i) {
        ASSERT_TRUE(keys.contains("item-" + std::to_string(i))) << i;
        ASSERT_FALSE(keys.insert("item-" + std::to_string(i))) << i;
    }
    int absent = 0;
    for (int i = 200000; i < 210000; ++i) {
        absent += keys.contains("item-" + std::to_string(i)) ? 0 : 1;
    }
    EXPECT_EQ(absent, 10000);
}

TEST(KeySetTest, TheEmptyKeyIsAKeyLikeAnyOther) {
    KeySet keys;
    EXPECT_FALSE(keys.contains(""));
    EXPECT_TRUE(keys.insert(""));
    EXPECT_TRUE(keys.contains(""));
}

}  // namespace
}  // namespace syncline::sync
