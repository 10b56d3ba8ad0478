#pragma once

#include <sys/types.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace syncline::file_drop {

/// How the files of a stream are written.
enum class Format {
    Csv,        ///< RFC 4180: a header row, then one record per line; quoted values may hold delimiters and newlines
    JsonLines,  ///< one JSON object per line, its keys the columns
};

/// One record of a drop file, as read: no value is normalized yet.
struct SourceRecord {
    std::size_t line = 0;  ///< the line it starts on, 1-based
    /// JSON lines: the object's keys, in the order of `values`. CSV: empty (the file's header names the values).
    std::vector<std::string> names;
    /// The values. CSV: every value is text (an empty value is ""); JSON lines: a string's text, a number's text
    /// exactly as written (never through a double), true/false, or nullopt for null.
    std::vector<std::optional<std::string>> values;
    /// Why the record cannot be used as it stands ("has 4 values, the header has 5"); empty when it can.
    std::string error;

    void clear() {
        names.clear();
        values.clear();
        error.clear();
    }
};

/// A failed file system call: what failed, on which file, and errno (to tell a vanished file from a broken disk).
class FileError : public std::runtime_error {
  public:
    FileError(const std::string& what, int error_number);
    int errorNumber() const { return error_number_; }

  private:
    int error_number_;
};

/// What tells a file apart from another one written under its name (writers rename new files into place) or from
/// itself after it changed.
struct FileIdentity {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    std::int64_t modified_ns = 0;

    friend bool operator==(const FileIdentity&, const FileIdentity&) = default;
};

/// Reads the records of one drop file, front to back, in memory bounded by one record: a record longer than
/// kMaxRecordBytes (an unclosed quote, a binary file) is read past and delivered with an error, cut short.
/// Encoding: UTF-8, an initial byte order mark is skipped; the values are not checked here.
/// Used by one thread at a time. Throws FileError when the file cannot be opened or read.
class DropFile {
  public:
    static constexpr std::size_t kMaxRecordBytes = 1024 * 1024;

    /// Opens `path`; for CSV, reads the header row (a file without one has no columns).
    DropFile(const std::string& path, Format format, char delimiter);

    const FileIdentity& identity() const { return identity_; }
    /// CSV: the header's column names, spaces around them removed. JSON lines: empty.
    const std::vector<std::string>& header() const { return header_; }

    /// Reads the next record into `record`; false at the end of the file. Blank lines are skipped.
    bool next(SourceRecord& record);
    /// Whether only blank lines (or nothing) are left.
    bool atEnd();

  private:
    // Closes the file on every path, a constructor that throws included.
    struct FileDescriptor {
        int fd = -1;
        FileDescriptor() = default;
        FileDescriptor(const FileDescriptor&) = delete;
        FileDescriptor& operator=(const FileDescriptor&) = delete;
        ~FileDescriptor();
    };

    int get();
    int peek();
    void fill();
    bool skipBlankLines();
    bool readCsv(SourceRecord& record);  // both: whether the line was blank (spaces only)
    bool readJsonLine(SourceRecord& record);

    std::string path_;
    Format format_;
    char delimiter_;
    FileDescriptor fd_;
    FileIdentity identity_;
    std::vector<std::string> header_;
    bool header_read_ = false;
    std::array<char, 64 * 1024> buffer_{};
    std::size_t begin_ = 0;
    std::size_t end_ = 0;
    bool eof_ = false;
    std::size_t line_ = 1;
    std::string text_;  ///< the JSON line being read
};

/// The names of the regular files in `folder` that `pattern` (a glob: * ? [...]) matches, sorted by name (bytes).
/// Never a name starting with '.' or ending in ".tmp": writers write there first and rename when done, so a file still
/// being written is never read. Throws FileError when the folder cannot be read.
std::vector<std::string> listFiles(const std::string& folder, const std::string& pattern);

/// Whether `text` is valid UTF-8.
bool validUtf8(std::string_view text);

}  // namespace syncline::file_drop
