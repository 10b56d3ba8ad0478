#pragma once

#include <memory>
#include <string>
#include <vector>

#include "connectors/file_drop/drop_file.h"
#include "engine/connector/registry.h"
#include "engine/connector/stream_config.h"

namespace syncline::file_drop {

/// One stream of the file-drop connector: its field mapping, which files hold it and how they are read.
struct DropStream : connector::StreamConfig {
    std::string files;  ///< a glob over the names in the folder ("items-*.csv")
    Format format = Format::Csv;
    /// Incremental reads continue after the last file read whole (the cursor is "file:<name>"); otherwise they read
    /// every file and skip the rows whose cursor_field lies before the cursor (connector::FieldCursor).
    bool by_file = true;
};

/// What the file-drop connector is configured to read, made from checked settings by dropConfigOf.
struct FileDropConfig {
    std::string folder;  ///< absolute
    char delimiter = ',';
    std::vector<DropStream> streams;  ///< in pull order
};

/// The file-drop connector's spec: its kind "file_drop", its capabilities (full, incremental, discover) and its [erp]
/// keys (folder, format, delimiter, encoding, [erp.streams.*] with files and incremental, and the shared mapping).
const connector::ConnectorSpec& fileDropSpec();

/// What is wrong with an [erp] section for the file-drop connector beyond its spec: a missing folder or files pattern,
/// a delimiter that is not one character, incremental = "cursor_field" without a cursor_field, a mapping problem.
std::vector<connector::SettingIssue> checkFileDropSettings(const connector::Settings& settings);

/// The configuration `settings` describe. Throws std::invalid_argument with the first issue checkFileDropSettings
/// finds.
FileDropConfig dropConfigOf(const connector::Settings& settings);

/// The factory of the "file_drop" kind: what the plug-in's entry point hands to syncline (plugin.cpp).
std::shared_ptr<const connector::ConnectorFactory> makeFileDropFactory();

}  // namespace syncline::file_drop
