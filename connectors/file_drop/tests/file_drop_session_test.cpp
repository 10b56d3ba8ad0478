// The file-drop session in process: its cursor across batches and files, each key's last row, and files that change
// under it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "connectors/file_drop/file_drop_connector.h"
#include "tests/support/test_env.h"

namespace syncline::file_drop {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Optional;
namespace fs = std::filesystem;

const std::string kHeader = "sku,name,unit,list_price,currency\n";

class FileDropSessionTest : public ::testing::Test {
  protected:
    FileDropSessionTest() {
        config_.folder = dir_.path().string();
        DropStream stream;
        stream.stream = "products";
        stream.files = "items-*.csv";
        stream.batch_size = 1;
        for (const auto& [field, type] :
             std::vector<std::pair<std::string, connector::FieldType>>{{"sku", connector::FieldType::Code},
                                                                       {"name", connector::FieldType::Text},
                                                                       {"unit", connector::FieldType::Code},
                                                                       {"list_price", connector::FieldType::Decimal},
                                                                       {"currency", connector::FieldType::Code}}) {
            stream.fields.push_back({field, field, type, "", std::nullopt});
        }
        config_.streams.push_back(stream);
    }

    void write(const std::string& name, const std::string& rows) const {
        std::ofstream(dir_.file(name)) << kHeader << rows;
    }

    std::unique_ptr<connector::PullSession> open(connector::PullMode mode, std::optional<std::string> cursor = {}) {
        FileDropConnector connector(config_);
        connector::OpenRequest request;
        request.mode = mode;
        request.cursor = std::move(cursor);
        auto session = connector.open("products", request);
        EXPECT_TRUE(session.ok()) << (session.ok() ? "" : session.error().describe());
        return session.ok() ? std::move(session.value()) : nullptr;
    }

    // Every batch as "sku,sku,...@cursor".
    static std::vector<std::string> batches(connector::PullSession& session) {
        std::vector<std::string> out;
        connector::RecordBatch batch;
        for (;;) {
            auto more = session.next(batch);
            EXPECT_TRUE(more.ok()) << (more.ok() ? "" : more.error().describe());
            if (!more.ok() || !more.value()) {
                return out;
            }
            std::string text;
            for (const auto& row : batch.rows) {
                text += (text.empty() ? "" : ",") + row[0].value_or("NULL");
            }
            out.push_back(text + "@" + batch.cursor.value_or("none"));
        }
    }

    testing::TempDir dir_{"file-drop-session"};
    FileDropConfig config_;
};

TEST_F(FileDropSessionTest, TheFileCursorMovesOnlyOnceAFileIsReadWhole) {
    write("items-1.csv", "A1,a,pcs,1,EUR\nA2,b,pcs,1,EUR\n\n");
    write("items-2.csv", "A3,c,pcs,1,EUR\n");
    auto session = open(connector::PullMode::Full);
    ASSERT_TRUE(session);
    EXPECT_THAT(batches(*session), ElementsAre("A1@none", "A2@file:items-1.csv", "A3@file:items-2.csv"));
}

TEST_F(FileDropSessionTest, AnEmptyFileHasNoRowsAndIsNoError) {
    std::ofstream(dir_.file("items-1.csv")).flush();  // 0 bytes: an export of nothing, without even a header
    write("items-2.csv", "A1,a,pcs,1,EUR\n");
    auto session = open(connector::PullMode::Full);
    ASSERT_TRUE(session);
    EXPECT_THAT(batches(*session), ElementsAre("A1@file:items-2.csv"));
}

TEST_F(FileDropSessionTest, AnIncrementalReadTakesTheFilesAfterTheCursorAndAFullReadNeverMovesItBack) {
    write("items-1.csv", "A1,a,pcs,1,EUR\n");
    write("items-2.csv", "A2,b,pcs,1,EUR\n");
    auto session = open(connector::PullMode::Incremental, "file:items-1.csv");
    EXPECT_THAT(batches(*session), ElementsAre("A2@file:items-2.csv"));
    session = open(connector::PullMode::Full, "file:items-9.csv");
    EXPECT_THAT(batches(*session), ElementsAre("A1@file:items-9.csv", "A2@file:items-9.csv"));
    // A cursor of the other kind (a cursor_field's value) is no position among files: every file is read.
    session = open(connector::PullMode::Incremental, "2026-01-01 00:00:00");
    EXPECT_THAT(batches(*session), ElementsAre("A1@file:items-1.csv", "A2@file:items-2.csv"));
}

TEST_F(FileDropSessionTest, EachKeyIsDeliveredOnceWithItsLastRow) {
    config_.streams[0].batch_size = 100;
    write("items-1.csv", "A1,old,pcs,1,EUR\nA2,b,pcs,1,EUR\nA1,older file's last,pcs,2,EUR\n");
    write("items-2.csv", "A1,newest,pcs,3,EUR\nA3,c,pcs,1,EUR\n");
    auto session = open(connector::PullMode::Full);
    connector::RecordBatch batch;
    ASSERT_TRUE(session->next(batch).value());
    ASSERT_EQ(batch.rows.size(), 3u);
    EXPECT_THAT(batch.rows[0],
                ElementsAre(Optional(std::string("A2")), Optional(std::string("b")), Optional(std::string("pcs")),
                            Optional(std::string("1")), Optional(std::string("EUR"))));
    EXPECT_EQ(batch.rows[1][0], "A1");
    EXPECT_EQ(batch.rows[1][1], "newest");
    EXPECT_EQ(batch.rows[1][3], "3");
    EXPECT_EQ(batch.rows[2][0], "A3");
    EXPECT_THAT(batch.raw[1], HasSubstr("items-2.csv:2: sku=A1; name=newest"));
}

TEST_F(FileDropSessionTest, AFileReplacedBetweenThePassesFailsTheReadAsTransient) {
    write("items-1.csv", "A1,a,pcs,1,EUR\n");
    write("items-2.csv", "A2,b,pcs,1,EUR\n");
    auto session = open(connector::PullMode::Full);
    connector::RecordBatch batch;
    ASSERT_TRUE(session->next(batch).value());
    // A writer that does not rename: items-2.csv grows while it is read.
    std::ofstream(dir_.file("items-2.csv"), std::ios::app) << "A3,c,pcs,1,EUR\n";
    const auto more = session->next(batch);
    ASSERT_FALSE(more.ok());
    EXPECT_EQ(more.error().kind, connector::ErrorKind::Transient);
    EXPECT_THAT(more.error().message, HasSubstr("items-2.csv changed while it was read"));
    EXPECT_TRUE(batch.rows.empty());          // no partial batch
    EXPECT_FALSE(session->next(batch).ok());  // and it stays failed
}

TEST_F(FileDropSessionTest, AValueThatIsNotUtf8IsARowErrorOfItsField) {
    write("items-1.csv", "A1,caf\xE9,pcs,1,EUR\nA2,ok,pcs,1,EUR\n");
    config_.streams[0].batch_size = 10;
    auto session = open(connector::PullMode::Full);
    connector::RecordBatch batch;
    ASSERT_TRUE(session->next(batch).value());
    ASSERT_EQ(batch.row_errors.size(), 2u);
    EXPECT_EQ(batch.row_errors[0].field, "name");
    EXPECT_THAT(batch.row_errors[0].reason, HasSubstr("is not UTF-8"));
    EXPECT_TRUE(batch.row_errors[1].empty());
}

TEST_F(FileDropSessionTest, AMissingFolderIsAConfigErrorAndAStreamNotConfiguredToo) {
    config_.folder = dir_.file("missing");
    FileDropConnector connector(config_);
    const auto session = connector.open("products", {});
    ASSERT_FALSE(session.ok());
    EXPECT_EQ(session.error().kind, connector::ErrorKind::Config);
    EXPECT_THAT(session.error().message, HasSubstr("cannot read the folder"));
    EXPECT_EQ(connector.check().error().kind, connector::ErrorKind::Config);
    EXPECT_EQ(connector.open("stock", {}).error().kind, connector::ErrorKind::Config);
}

}  // namespace
}  // namespace syncline::file_drop
