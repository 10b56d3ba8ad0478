#include "connectors/file_drop/file_drop_connector.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <exception>
#include <utility>

#include "connectors/file_drop/file_drop_session.h"

namespace syncline::file_drop {

using connector::Error;
using connector::ErrorKind;
using connector::Result;

Error fileError(const FileError& error) {
    switch (error.errorNumber()) {
        case ENOENT:
        case ENOTDIR:
        case EACCES:
        case EPERM:
        case ELOOP:
        case ENAMETOOLONG:
            return Error{ErrorKind::Config, "", error.what()};
        default:
            return Error{ErrorKind::Transient, "", error.what()};
    }
}

FileDropConnector::FileDropConnector(FileDropConfig config) : config_(std::move(config)) {}

std::string FileDropConnector::kind() const {
    return "file_drop";
}

std::vector<std::string> FileDropConnector::streams() const {
    std::vector<std::string> names;
    for (const auto& stream : config_.streams) {
        names.push_back(stream.stream);
    }
    return names;
}

bool FileDropConnector::incremental(const std::string& stream) const {
    return find(stream) != nullptr;
}

const DropStream* FileDropConnector::find(const std::string& stream) const {
    const auto it = std::find_if(config_.streams.begin(), config_.streams.end(),
                                 [&](const DropStream& s) { return s.stream == stream; });
    return it == config_.streams.end() ? nullptr : &*it;
}

Result<std::string> FileDropConnector::check() {
    try {
        std::string out = "folder " + config_.folder;
        for (const auto& stream : config_.streams) {
            const auto files = listFiles(config_.folder, stream.files);
            out += std::string(stream.stream == config_.streams.front().stream ? ": " : ", ") + stream.stream + " " +
                   std::to_string(files.size()) + (files.size() == 1 ? " file" : " files");
        }
        if (config_.streams.empty()) {
            listFiles(config_.folder, "*");  // readable at all?
        }
        return out;
    } catch (const FileError& error) {
        return fileError(error);
    }
}

Result<std::unique_ptr<connector::PullSession>> FileDropConnector::open(const std::string& stream,
                                                                        const connector::OpenRequest& request) {
    const DropStream* configured = find(stream);
    if (configured == nullptr) {
        std::string names;
        for (const auto& name : streams()) {
            names += (names.empty() ? "" : ", ") + name;
        }
        return Error{ErrorKind::Config, "",
                     "stream '" + stream + "' is not configured for the file-drop connector; configured: " +
                         (names.empty() ? "none" : names)};
    }
    return FileDropSession::open(config_, *configured, request);
}

}  // namespace syncline::file_drop
