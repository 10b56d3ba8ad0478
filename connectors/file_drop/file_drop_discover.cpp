// FileDropConnector::discover: what files the folder holds, grouped the way a stream's `files` pattern would take
// them, and a suggested mapping per stream.
#include <cctype>
#include <map>

#include "connectors/file_drop/file_drop_connector.h"
#include "engine/connector/stream_mapping.h"
#include "engine/connector/streams.h"

namespace syncline::file_drop {

using connector::DiscoveredColumn;
using connector::DiscoveredResource;
using connector::Error;
using connector::ErrorKind;
using connector::Result;

namespace {

// "items-20261207-2.csv" → "items-*-*.csv": the pattern that takes the files an ERP writes under changing names.
std::string patternOf(const std::string& name) {
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        if (std::isdigit(static_cast<unsigned char>(name[i]))) {
            while (i + 1 < name.size() && std::isdigit(static_cast<unsigned char>(name[i + 1]))) {
                ++i;
            }
            out += '*';
        } else {
            out += name[i];
        }
    }
    return out;
}

std::string typeOf(const std::optional<std::string>& value, Format format) {
    if (format == Format::Csv) {
        return "text";
    }
    if (!value) {
        return "null";
    }
    if (*value == "true" || *value == "false") {
        return "boolean or string";
    }
    const bool number = !value->empty() && value->find_first_not_of("0123456789+-.eE") == std::string::npos;
    return number ? "number or string" : "string";
}

// The columns of one file: its CSV header, or the keys of its first JSON object.
std::vector<DiscoveredColumn> columnsOf(const std::string& path, Format format, char delimiter) {
    DropFile file(path, format, delimiter);
    std::vector<DiscoveredColumn> columns;
    if (format == Format::Csv) {
        for (const auto& name : file.header()) {
            columns.push_back({name, "text", true});
        }
        return columns;
    }
    SourceRecord record;
    if (file.next(record) && record.error.empty()) {
        for (std::size_t i = 0; i < record.names.size(); ++i) {
            columns.push_back({record.names[i], typeOf(record.values[i], format), true});
        }
    }
    return columns;
}

std::int64_t countRows(const std::string& path, Format format, char delimiter) {
    DropFile file(path, format, delimiter);
    SourceRecord record;
    std::int64_t rows = 0;
    while (file.next(record)) {
        ++rows;
    }
    return rows;
}

}  // namespace

Result<connector::Discovery> FileDropConnector::discover(const connector::DiscoverRequest& request) {
    const DropStream* only = request.stream ? find(*request.stream) : nullptr;
    if (request.stream && only == nullptr && connector::streamFields(*request.stream).empty()) {
        return Error{ErrorKind::Config, "", "no stream '" + *request.stream + "'"};
    }
    // Files in a stream's format: the stream's own when asked for one, else the connector's default.
    const Format format =
        only != nullptr ? only->format : (config_.streams.empty() ? Format::Csv : config_.streams.front().format);
    try {
        std::map<std::string, std::vector<std::string>> groups;  // pattern → its files, in name order
        for (const auto& name : listFiles(config_.folder, only != nullptr ? only->files : "*")) {
            groups[only != nullptr ? only->files : patternOf(name)].push_back(name);
        }
        connector::Discovery discovery;
        for (const auto& [pattern, names] : groups) {
            DiscoveredResource resource;
            resource.name = pattern;
            try {
                resource.columns = columnsOf(config_.folder + "/" + names.back(), format, config_.delimiter);
                if (request.count_rows) {
                    resource.rows = 0;
                    for (const auto& name : names) {
                        *resource.rows += countRows(config_.folder + "/" + name, format, config_.delimiter);
                    }
                }
            } catch (const FileError&) {
                continue;  // gone since listed, or unreadable: not a resource to map
            }
            discovery.resources.push_back(std::move(resource));
        }
        const std::vector<std::string> streams =
            request.stream ? std::vector<std::string>{*request.stream} : connector::pullStreams();
        for (const auto& stream : streams) {
            if (const auto mapping = connector::suggestMapping(stream, discovery.resources)) {
                std::vector<std::string> extra = {"files = " + connector::tomlString(mapping->resource)};
                if (format == Format::JsonLines) {
                    extra.push_back("format = \"jsonl\"");
                }
                discovery.suggestions.emplace_back(stream, connector::mappingToml(*mapping, extra));
            }
        }
        for (auto& resource : discovery.resources) {
            if (!request.columns) {
                resource.columns.clear();  // matched above, but not asked for
            }
        }
        return discovery;
    } catch (const FileError& error) {
        return fileError(error);
    }
}

}  // namespace syncline::file_drop
