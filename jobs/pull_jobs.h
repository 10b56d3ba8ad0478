#pragma once

#include <string>
#include <vector>

#include "engine/sync/entity.h"

namespace syncline::jobs {

/// A business flow that pulls one stream from the ERP into one webstore table.
struct PullJob {
    std::string name;  ///< what admins type: `syncline run catalog`
    std::string description;
    sync::EntityTable entity;
};

/// The pull jobs in dependency order: catalog, stock, customers, prices.
const std::vector<PullJob>& pullJobs();

/// The job called `name`, or nullptr.
const PullJob* findPullJob(const std::string& name);

}  // namespace syncline::jobs
