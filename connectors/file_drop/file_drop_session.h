#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "connectors/file_drop/drop_file.h"
#include "connectors/file_drop/file_drop_settings.h"
#include "engine/connector/connector.h"
#include "engine/connector/field_cursor.h"

namespace syncline::file_drop {

/// One read of a stream's files, in two passes.
///
/// open() lists the files to read (all of them; an incremental read by file only those after the cursor's file) and
/// reads them once to find the last row of each key: a key may appear in several files (a later file updates an
/// item), and the engine takes one row per key and run, so only each key's last row (by file name, then line) is
/// delivered. next() then reads the files again, streaming, and delivers those rows in batches. A file replaced or
/// changed between the two passes fails the read as Transient (the next run reads it whole).
///
/// Rows: each mapped field normalized (connector::normalizeField), a value that does not fit its type, or that is not
/// UTF-8, is a row error naming the field; a record that cannot be read (the wrong number of values, bad JSON) is a
/// row error for the row as a whole. Each row carries its raw text "file:line: column=value; ...". A bad row is
/// delivered and rejected by the engine; the read goes on.
///
/// Cursor: by file, "file:<name>" of the last file read whole; by cursor_field, the FieldCursor's, and rows before
/// the request's cursor (less the overlap for a time) are skipped. Memory: one record, one batch, and the key index
/// (each distinct key's text and 8 bytes).
/// Used by one thread at a time (connector.h); blocks on the file system; never throws.
class FileDropSession final : public connector::PullSession {
  public:
    static connector::Result<std::unique_ptr<connector::PullSession>> open(const FileDropConfig& config,
                                                                           const DropStream& stream,
                                                                           const connector::OpenRequest& request);

    const std::vector<std::string>& fields() const override { return fields_; }
    connector::Result<bool> next(connector::RecordBatch& batch) override;

  private:
    struct ListedFile {
        std::string name;
        FileIdentity identity;
        std::vector<std::size_t> columns;  ///< CSV: the header's index of each mapped field
        std::vector<std::string> header;   ///< CSV: the column names, for the raw text of a row
    };

    FileDropSession(const FileDropConfig& config, const DropStream& stream, const connector::OpenRequest& request);

    std::optional<connector::Error> index(const std::vector<std::string>& names);
    std::optional<connector::Error> mapColumns(ListedFile& file, const std::vector<std::string>& header) const;
    const std::optional<std::string>* valueOf(const ListedFile& file, const SourceRecord& record,
                                              std::size_t field) const;
    std::optional<std::string> keyOf(const ListedFile& file, const SourceRecord& record) const;
    bool wanted(const ListedFile& file, const SourceRecord& record, std::uint64_t ordinal) const;
    void fillRow(connector::RecordBatch& batch, const ListedFile& file, const SourceRecord& record) const;
    void fileDone(const ListedFile& file);
    std::string path(const ListedFile& file) const { return folder_ + "/" + file.name; }

    std::string folder_;
    char delimiter_;
    DropStream stream_;
    std::vector<std::string> fields_;
    std::vector<std::size_t> key_fields_;  ///< indexes into stream_.fields of the entity's key
    std::optional<std::size_t> cursor_field_;
    std::optional<connector::FieldCursor> cursor_;  ///< by cursor_field
    std::optional<std::string> from_;               ///< by cursor_field: rows before it are skipped
    std::optional<std::string> file_cursor_;        ///< by file: "file:<name>"
    std::vector<ListedFile> files_;
    std::unordered_map<std::string, std::uint64_t> last_;  ///< key → ordinal of its last row
    // Pass 2's position.
    std::size_t current_ = 0;
    std::unique_ptr<DropFile> reader_;
    std::uint64_t ordinal_ = 0;
    SourceRecord record_;
    std::optional<connector::Error> failure_;
};

}  // namespace syncline::file_drop
