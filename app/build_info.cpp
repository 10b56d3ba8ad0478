#include "app/build_info.h"

#include "app/git_commit.h"
#include "app/version.h"
#include "engine/store/migrator.h"

namespace syncline::app {

const char* gitCommit() {
    return kGitCommit;
}

std::string versionLine() {
    return std::string("syncline ") + kVersion + " (git " + kGitCommit + ", webstore schema " +
           std::to_string(store::embeddedLatestVersion()) + ", " + kBuildType + " build)";
}

}  // namespace syncline::app
