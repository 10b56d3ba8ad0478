#pragma once

#include <chrono>
#include <string>

#include "engine/schedule/cron.h"

namespace syncline::schedule {

/// `expression` in English for an administrator: "every 15 minutes", "at 02:30 every day", "at 06:00 on Monday
/// through Friday", "every 10 seconds from 08:00 through 17:59", "at 00:00 on day 13 of the month or on Friday".
std::string describeCron(const CronExpression& expression);

/// An interval in English: "every second", "every 90 seconds", "every 15 minutes", "every hour", "every 7 days".
std::string describeInterval(std::chrono::seconds every);

}  // namespace syncline::schedule
