#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/connector/connector.h"
#include "engine/connector/field_cursor.h"

namespace syncline::testing {

/// An ERP table held in memory behind the Connector interface, for pipeline tests that must be exact
/// (ties, rejects, failures mid-run). Incremental reads return rows whose erp_modified is at or after the
/// cursor minus the overlap, like `WHERE ModifiedDate >= ?`; the cursor is the highest erp_modified
/// (connector::FieldCursor); fail_at_batch makes the read fail there, as a dropped connection would.
class MemoryConnector : public connector::Connector {
  public:
    using Row = std::vector<std::optional<std::string>>;

    explicit MemoryConnector(std::vector<std::string> fields) : fields_(std::move(fields)) {}

    std::vector<Row> rows;
    std::size_t batch_size = 3;
    int fail_at_batch = -1;
    std::optional<std::string> last_watermark;

    std::string kind() const override { return "memory"; }
    std::vector<std::string> streams() const override { return {"products"}; }
    connector::Result<std::string> check() override { return std::string("memory"); }

    bool incremental(const std::string&) const override { return modifiedIndex() < fields_.size(); }

    connector::Result<std::unique_ptr<connector::PullSession>> open(const std::string&,
                                                                    const connector::OpenRequest& request) override {
        last_watermark = request.mode == connector::PullMode::Incremental
                             ? connector::FieldCursor::startOf(connector::FieldType::Timestamp, request)
                             : std::nullopt;
        const auto modified = modifiedIndex();
        std::vector<Row> selected;
        for (const auto& r : rows) {
            if (!last_watermark || (modified < r.size() && r[modified] && *r[modified] >= *last_watermark)) {
                selected.push_back(r);
            }
        }
        return std::unique_ptr<connector::PullSession>(new Session(
            fields_, std::move(selected), batch_size, fail_at_batch,
            connector::FieldCursor(modified, connector::FieldType::Timestamp, request), modified < fields_.size()));
    }

  private:
    std::size_t modifiedIndex() const {
        return static_cast<std::size_t>(std::find(fields_.begin(), fields_.end(), "erp_modified") - fields_.begin());
    }

    class Session : public connector::PullSession {
      public:
        Session(const std::vector<std::string>& fields, std::vector<Row> rows, std::size_t size, int fail_at,
                connector::FieldCursor cursor, bool has_cursor)
            : fields_(fields),
              rows_(std::move(rows)),
              size_(size),
              fail_at_(fail_at),
              cursor_(std::move(cursor)),
              has_cursor_(has_cursor) {}
        const std::vector<std::string>& fields() const override { return fields_; }
        connector::Result<bool> next(connector::RecordBatch& batch) override {
            batch.clear();
            if (batch_no_++ == fail_at_) {
                return connector::Error{connector::ErrorKind::Transient, "08S01", "connection lost"};
            }
            for (; pos_ < rows_.size() && batch.rows.size() < size_; ++pos_) {
                batch.rows.push_back(rows_[pos_]);
                batch.raw.push_back("ItemCode=" + rows_[pos_][0].value_or("NULL"));
                batch.row_errors.emplace_back();
            }
            if (has_cursor_) {
                cursor_.observe(batch);
            }
            return !batch.rows.empty();
        }

      private:
        const std::vector<std::string>& fields_;
        std::vector<Row> rows_;
        std::size_t size_;
        int fail_at_;
        int batch_no_ = 0;
        std::size_t pos_ = 0;
        connector::FieldCursor cursor_;
        bool has_cursor_;
    };

    std::vector<std::string> fields_;
};

}  // namespace syncline::testing
