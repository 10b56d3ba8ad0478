#include "connectors/odbc/catalog.h"

#include <gtest/gtest.h>

namespace syncline::odbc {
namespace {

TEST(OdbcCatalogNames, QuoteIdentifierDoublesTheQuoteCharacter) {
    EXPECT_EQ(quoteIdentifier("items", "\""), "\"items\"");
    EXPECT_EQ(quoteIdentifier("order \"lines\"", "\""), "\"order \"\"lines\"\"\"");
    EXPECT_EQ(quoteIdentifier("we`ird", "`"), "`we``ird`");
    EXPECT_EQ(quoteIdentifier("items", " "), "items");
    EXPECT_EQ(quoteIdentifier("items", ""), "items");
}

TEST(OdbcCatalogNames, QualifiedNameAddsTheSchemaWhenThereIsOne) {
    EXPECT_EQ(qualifiedName({"erp", "Items"}, "\""), "\"erp\".\"Items\"");
    EXPECT_EQ(qualifiedName({"", "items"}, "\""), "\"items\"");
}

}  // namespace
}  // namespace syncline::odbc
