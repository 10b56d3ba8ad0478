// Reading drop files: CSV by RFC 4180, JSON lines with numbers exactly as written, and which files a pattern takes.
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <clocale>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "connectors/file_drop/drop_file.h"
#include "connectors/file_drop/json_line.h"
#include "tests/support/process.h"
#include "tests/support/test_env.h"

namespace syncline::file_drop {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
namespace fs = std::filesystem;

class DropFileTest : public ::testing::Test {
  protected:
    std::string write(const std::string& name, const std::string& text) {
        std::ofstream(dir_.file(name), std::ios::binary) << text;
        return dir_.file(name);
    }

    // Every record of a CSV text: its values joined by '|', or "!" and its error.
    std::vector<std::string> csv(const std::string& text, char delimiter = ',') {
        DropFile file(write("f.csv", text), Format::Csv, delimiter);
        std::vector<std::string> out;
        SourceRecord record;
        while (file.next(record)) {
            std::string line = std::to_string(record.line) + ":";
            for (std::size_t i = 0; i < record.values.size(); ++i) {
                line += (i == 0 ? "" : "|") + record.values[i].value_or("NULL");
            }
            out.push_back(record.error.empty() ? line : line + " !" + record.error);
        }
        return out;
    }

    testing::TempDir dir_{"drop-file"};
};

TEST_F(DropFileTest, CsvFollowsRfc4180) {
    DropFile file(write("f.csv", "\xEF\xBB\xBF sku , name ,price\n"), Format::Csv, ',');
    EXPECT_THAT(file.header(), ElementsAre("sku", "name", "price"));  // BOM and spaces around names dropped

    EXPECT_THAT(csv("a,b,c\n"
                    "1,\"two, with comma\",3\r\n"
                    "4,\"say \"\"hi\"\"\",6\n"
                    "7,\"two\nlines\",9\n"
                    "\n"
                    "   \n"
                    "10, spaced ,\n"),
                ElementsAre("2:1|two, with comma|3", "3:4|say \"hi\"|6", "4:7|two\nlines|9", "8:10| spaced |"));
}

TEST_F(DropFileTest, CsvTakesTheConfiguredDelimiter) {
    EXPECT_THAT(csv("a;b\n1,5;x\n", ';'), ElementsAre("2:1,5|x"));
    EXPECT_THAT(csv("a\tb\n1\tx y\n", '\t'), ElementsAre("2:1|x y"));
}

TEST_F(DropFileTest, ABadCsvRecordIsAnErrorAndTheNextOnesStillRead) {
    EXPECT_THAT(csv("a,b,c\n1,2\n1,2,3,4\n\"x\"y,2,3\n5,6,7\n"),
                ElementsAre("2:1|2 !has 2 values, the header has 3", "3:1|2|3|4 !has 4 values, the header has 3",
                            "4:xy|2|3 !text after the closing quote of value 1", "5:5|6|7"));
    EXPECT_THAT(csv("a,b\n1,\"never closed\n2,3\n"),
                ElementsAre("2:1|never closed\n2,3\n !a quoted value opened on line 2 is never closed"));
}

TEST_F(DropFileTest, ARecordLongerThanTheBoundIsCutAndAnError) {
    const std::string huge(DropFile::kMaxRecordBytes + 10, 'x');
    const auto records = csv("a,b\n1,\"" + huge + "\"\n2,3\n");
    ASSERT_EQ(records.size(), 2u);
    EXPECT_THAT(records[0], HasSubstr("!longer than 1024 KiB"));
    EXPECT_LT(records[0].size(), 100u);  // nothing of the value is kept
    EXPECT_EQ(records[1], "3:2|3");
}

TEST_F(DropFileTest, AFileWithOnlyAHeaderOrNothingHasNoRecords) {
    EXPECT_TRUE(csv("a,b\n").empty());
    EXPECT_TRUE(csv("").empty());
    DropFile file(write("e.csv", "a,b\n1,2\n\n\n"), Format::Csv, ',');
    SourceRecord record;
    EXPECT_FALSE(file.atEnd());
    ASSERT_TRUE(file.next(record));
    EXPECT_TRUE(file.atEnd());  // blank lines only: the file is read whole
}

SourceRecord json(std::string_view line) {
    SourceRecord record;
    parseJsonLine(line, record);
    return record;
}

TEST(JsonLineTest, NumbersKeepTheirTextNeverADouble) {
    const auto record =
        json(R"({"a": 12.10, "b": 0.3, "c": 9007199254740993, "d": -0.000001, "e": 123456789012.123456, "f": 1E2,)"
             R"( "g": 184467440737095516160, "h": 0})");
    EXPECT_THAT(record.names, ElementsAre("a", "b", "c", "d", "e", "f", "g", "h"));
    EXPECT_THAT(record.values,
                ElementsAre(Optional(std::string("12.10")), Optional(std::string("0.3")),
                            Optional(std::string("9007199254740993")), Optional(std::string("-0.000001")),
                            Optional(std::string("123456789012.123456")), Optional(std::string("1E2")),
                            Optional(std::string("184467440737095516160")), Optional(std::string("0"))));
    EXPECT_EQ(record.error, "");
}

TEST(JsonLineTest, NumbersStayExactUnderALocaleWithADecimalComma) {
    // nlohmann's parser writes the C library's decimal point into a number's text (for strtod): under a locale with a
    // decimal comma "12.5" would come out "12,5", which is no decimal. A locale of our own: LC_NUMERIC with ','.
    testing::TempDir dir("comma-locale");
    std::ofstream(dir.file("comma.def")) << "LC_NUMERIC\ndecimal_point \",\"\nthousands_sep \".\"\ngrouping 3;3\n"
                                            "END LC_NUMERIC\n";
    const auto made = testing::runProcess(
        {"localedef", "-i", dir.file("comma.def"), "-f", "ANSI_X3.4-1968", "--no-archive", "-c", dir.file("comma")});
    ::setenv("LOCPATH", dir.path().c_str(), 1);
    const bool comma = std::setlocale(LC_NUMERIC, "comma") != nullptr;
    SourceRecord record;
    if (comma) {
        parseJsonLine(R"({"a": 12.5})", record);
        std::setlocale(LC_NUMERIC, "C");
    }
    ::unsetenv("LOCPATH");
    if (!comma) {
        GTEST_SKIP() << "cannot make a locale with localedef here: " << made.err;
    }
    EXPECT_THAT(record.values, ElementsAre(Optional(std::string("12.5"))));
}

TEST(JsonLineTest, StringsBooleansAndNull) {
    const auto record = json(R"({"s": "x \"y\" \u00e9", "t": true, "f": false, "n": null})");
    EXPECT_THAT(record.values, ElementsAre(Optional(std::string("x \"y\" \xC3\xA9")), Optional(std::string("true")),
                                           Optional(std::string("false")), std::nullopt));
}

TEST(JsonLineTest, WhatIsNoFlatObjectIsAnError) {
    EXPECT_THAT(json(R"({"a": {"b": 1}, "c": 2})").error, HasSubstr("the value of 'a' is an object"));
    EXPECT_THAT(json(R"({"a": [1, 2]})").error, HasSubstr("the value of 'a' is an array"));
    EXPECT_THAT(json(R"([1, 2])").error, HasSubstr("is a JSON array, not an object"));
    EXPECT_THAT(json(R"("text")").error, HasSubstr("is a single JSON value"));
    EXPECT_THAT(json(R"({"a": 1, "a": 2})").error, HasSubstr("the key 'a' appears twice"));
    EXPECT_THAT(json(R"({"a": 1} trailing)").error, HasSubstr("is not valid JSON"));
    EXPECT_THAT(json(R"({"a": 01})").error, HasSubstr("is not valid JSON"));
    EXPECT_THAT(json("{\"a\": \"\xFF\"}").error, HasSubstr("is not valid JSON"));  // not UTF-8
    // The values of the keys before the bad one are still there, for the reject's key.
    EXPECT_THAT(json(R"({"sku": "A1", "b": [1]})").values.front(), Optional(std::string("A1")));
}

TEST_F(DropFileTest, JsonLinesSkipBlankLinesAndCountLines) {
    DropFile file(write("f.jsonl", "{\"a\": 1}\n\n  \r\n{\"a\": 2}\r\n"), Format::JsonLines, ',');
    SourceRecord record;
    ASSERT_TRUE(file.next(record));
    EXPECT_EQ(record.line, 1u);
    ASSERT_TRUE(file.next(record));
    EXPECT_EQ(record.line, 4u);
    EXPECT_THAT(record.values, ElementsAre(Optional(std::string("2"))));
    EXPECT_FALSE(file.next(record));
}

TEST_F(DropFileTest, AListingTakesMatchingRegularFilesByNameButNoneStillBeingWritten) {
    for (const auto* name : {"items-2.csv", "items-10.csv", "items-1.csv", "items-3.csv.tmp", ".items-4.csv",
                             "stock-1.csv", "items-5.CSV"}) {
        write(name, "a\n");
    }
    fs::create_directory(dir_.path() / "items-6.csv");
    ASSERT_EQ(::mkfifo(dir_.file("items-7.csv").c_str(), 0600), 0);
    EXPECT_THAT(listFiles(dir_.path().string(), "items-*.csv"),
                ElementsAre("items-1.csv", "items-10.csv", "items-2.csv"));
    EXPECT_THAT(listFiles(dir_.path().string(), "*"),
                ElementsAre("items-1.csv", "items-10.csv", "items-2.csv", "items-5.CSV", "stock-1.csv"));
    EXPECT_THROW(listFiles(dir_.file("missing"), "*"), FileError);
}

TEST_F(DropFileTest, AFifoInPlaceOfAFileIsRefusedWithoutBlocking) {
    ASSERT_EQ(::mkfifo(dir_.file("items.csv").c_str(), 0600), 0);
    EXPECT_THROW(DropFile(dir_.file("items.csv"), Format::Csv, ','), FileError);
}

}  // namespace
}  // namespace syncline::file_drop
