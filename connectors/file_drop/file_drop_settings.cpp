#include "connectors/file_drop/file_drop_settings.h"

#include <stdexcept>

#include "connectors/file_drop/file_drop_connector.h"
#include "engine/connector/stream_mapping.h"

namespace syncline::file_drop {

using connector::SettingIssue;
using connector::SettingKind;
using connector::Settings;

namespace {

Format formatOf(const Settings& settings, const std::string& stream) {
    const std::string format = settings.string("streams." + stream + ".format", settings.string("format", "csv"));
    return format == "jsonl" ? Format::JsonLines : Format::Csv;
}

bool byFile(const Settings& settings, const connector::StreamConfig& stream) {
    const std::string how = settings.string("streams." + stream.stream + ".incremental");
    return how.empty() ? stream.cursor_field.empty() : how == "file";
}

}  // namespace

const connector::ConnectorSpec& fileDropSpec() {
    static const connector::ConnectorSpec spec = [] {
        using namespace connector;
        ConnectorSpec s;
        s.kind = "file_drop";
        s.version = "1.0.0";
        s.summary = "CSV or JSON-lines files an ERP drops into a folder, one file set per stream (a C++ plug-in)";
        s.streams = {"products", "stock", "customers", "price_rules"};
        s.capabilities.full = true;
        s.capabilities.incremental = true;
        s.capabilities.discover = true;
        auto folder = kindSetting(SettingKind::Path, "folder",
                                  "the folder the ERP writes its files into (relative to this file's folder)");
        folder.required = true;
        s.settings.push_back(std::move(folder));
        s.settings.push_back(stringSetting("format",
                                           "how the files are written: csv (a header row, RFC 4180) or jsonl "
                                           "(one JSON object per line)",
                                           {"csv", "jsonl"}, "csv"));
        s.settings.push_back(
            stringSetting("delimiter", "csv: the one character between values, e.g. \";\" or \"\\t\"", {}, ","));
        s.settings.push_back(stringSetting("encoding", "the files' character encoding", {"utf-8"}, "utf-8"));
        for (auto& setting : streamMappingSettings()) {
            s.settings.push_back(std::move(setting));
        }
        auto files = stringSetting("streams.*.files",
                                   "the stream's files: a pattern of names in the folder (* ? [...]), e.g. "
                                   "\"items-*.csv\"; read in name order, never names starting with '.' or ending .tmp");
        files.required = true;
        s.settings.push_back(std::move(files));
        s.settings.push_back(
            stringSetting("streams.*.format", "this stream's format, instead of erp.format", {"csv", "jsonl"}));
        s.settings.push_back(stringSetting(
            "streams.*.incremental",
            "file: an incremental read reads only the files after the last one read whole (by name); cursor_field: "
            "it reads every file and skips rows before the cursor. Default: cursor_field when one is set, else file",
            {"file", "cursor_field"}));
        return s;
    }();
    return spec;
}

std::vector<SettingIssue> checkFileDropSettings(const Settings& settings) {
    std::vector<SettingIssue> issues;
    if (settings.string("folder").empty()) {
        issues.push_back({"folder", "is required: the folder the ERP writes its files into"});
    }
    const std::string delimiter = settings.string("delimiter", ",");
    if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\n" || delimiter == "\r") {
        issues.push_back({"delimiter", "must be one character other than a quote or a line break, e.g. \";\""});
    }
    for (const auto& stream : connector::readStreamMappings(settings, issues)) {
        const std::string key = "streams." + stream.stream;
        const std::string files = settings.string(key + ".files");
        if (files.empty()) {
            issues.push_back({key + ".files", "is required: the pattern of this stream's file names"});
        } else if (files.find('/') != std::string::npos) {
            issues.push_back({key + ".files", "is a pattern of names in erp.folder; it cannot name another folder"});
        }
        if (settings.string(key + ".incremental") == "cursor_field" && stream.cursor_field.empty()) {
            issues.push_back({key + ".cursor_field", "is required with incremental = \"cursor_field\""});
        }
    }
    return issues;
}

FileDropConfig dropConfigOf(const Settings& settings) {
    std::vector<SettingIssue> issues = checkFileDropSettings(settings);
    if (!issues.empty()) {
        throw std::invalid_argument("erp." + issues.front().path + ": " + issues.front().message);
    }
    FileDropConfig config;
    config.folder = settings.string("folder");
    config.delimiter = settings.string("delimiter", ",").front();
    for (auto& mapping : connector::readStreamMappings(settings, issues)) {
        DropStream stream;
        stream.by_file = byFile(settings, mapping);
        stream.format = formatOf(settings, mapping.stream);
        stream.files = settings.string("streams." + mapping.stream + ".files");
        static_cast<connector::StreamConfig&>(stream) = std::move(mapping);
        config.streams.push_back(std::move(stream));
    }
    return config;
}

namespace {

// What syncline asks of a kind: its spec, a check of its settings, what they configure, and a connector. Stateless,
// so any thread may call it (registry.h).
class FileDropFactory final : public connector::ConnectorFactory {
  public:
    const connector::ConnectorSpec& spec() const override { return fileDropSpec(); }

    std::vector<SettingIssue> check(const Settings& settings) const override { return checkFileDropSettings(settings); }

    connector::ConfiguredFeatures features(const Settings& settings) const override {
        connector::ConfiguredFeatures features;
        features.streams = connector::configuredStreams(settings);
        return features;  // reads only: no orders, no live prices
    }

    std::unique_ptr<connector::Connector> create(const Settings& settings) const override {
        return std::make_unique<FileDropConnector>(dropConfigOf(settings));
    }
};

}  // namespace

std::shared_ptr<const connector::ConnectorFactory> makeFileDropFactory() {
    return std::make_shared<FileDropFactory>();
}

}  // namespace syncline::file_drop
