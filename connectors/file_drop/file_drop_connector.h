#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/file_drop/file_drop_settings.h"
#include "engine/connector/connector.h"

namespace syncline::file_drop {

/// The file-drop connector: the ERP writes CSV or JSON-lines files into a folder, a set of files per stream (a name
/// pattern), and each run reads them (docs/connectors/file_drop.md). Reads only: no orders, no live prices.
///
/// The contract with the writer: a file is written under a name that no stream reads (ending in .tmp, or starting with
/// '.') and renamed when complete, so a file still being written is never read. Files are read in name order, so
/// names must sort in the order the files were written (a timestamp in the name).
///
/// Used by one job thread at a time, as connector.h says; blocks on the file system; never throws.
class FileDropConnector final : public connector::Connector {
  public:
    explicit FileDropConnector(FileDropConfig config);

    /// "file_drop".
    std::string kind() const override;
    std::vector<std::string> streams() const override;
    /// Every configured stream: by file, or by its cursor_field.
    bool incremental(const std::string& stream) const override;

    /// Whether the folder can be read; describes it: "folder /srv/drop: products 3 files, stock 1 file".
    connector::Result<std::string> check() override;

    /// A session over the stream's files (FileDropSession). Config error for a stream that is not configured, or a
    /// file whose header lacks a mapped column; Transient for a folder or file that cannot be read right now.
    connector::Result<std::unique_ptr<connector::PullSession>> open(const std::string& stream,
                                                                    const connector::OpenRequest& request) override;

    /// The folder's files grouped by name pattern (digits replaced by '*': "items-20261207.csv" → "items-*.csv"),
    /// with the columns of each group's newest file (CSV: its header; JSON lines: the keys of its first object), and a
    /// suggested [erp.streams.*] table per stream a group matches.
    connector::Result<connector::Discovery> discover(const connector::DiscoverRequest& request) override;

  private:
    const DropStream* find(const std::string& stream) const;

    FileDropConfig config_;
};

/// A failed file system call as a connector error: a folder or file that is gone or not allowed is Config (an admin
/// must act), anything else Transient (a network mount that hangs or is away, a full disk).
connector::Error fileError(const FileError& error);

}  // namespace syncline::file_drop
