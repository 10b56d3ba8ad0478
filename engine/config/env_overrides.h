#pragma once

#include <map>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "engine/config/config.h"

// Internal to engine/config: the environment's overrides of config keys, applied before validation.
namespace syncline::config {

/// Sets in `root`, over what the file says, every key that a variable SYNCLINE_<SECTION>__<KEY> of `environment`
/// ("NAME=value" entries) names: "__" stands for the dots of the key, names are taken in lower case
/// (SYNCLINE_ERP__DSN is erp.dsn, SYNCLINE_ERP__STREAMS__PRODUCTS__BATCH_SIZE is erp.streams.products.batch_size).
/// The value is typed as the schema types the key (integer, true/false, a comma-separated list), else as the file's
/// value has it, else it is a string; validation then checks it as it checks the file. A key that holds a secret
/// (password, token, ...) is refused, as the file refuses it. Variables it cannot apply are appended to `issues`
/// (with ConfigIssue::variable set). Returns the keys it set: dotted key → variable.
std::map<std::string, std::string> applyEnvOverrides(toml::table& root, const std::vector<std::string>& environment,
                                                     const std::string& file, std::vector<ConfigIssue>& issues);

/// The effective config as TOML (`check-config --print`): `root` (the file with the overrides applied) with the
/// `defaults` the reader used for keys it leaves out, under a comment that names `file` and each override. `root`
/// holds no secret once validated (the file and the overrides refuse them), only the names of their variables and
/// files.
std::string effectiveToml(const toml::table& root, const toml::table& defaults,
                          const std::map<std::string, std::string>& overrides, const std::string& file);

/// This process's environment, as "NAME=value" entries.
std::vector<std::string> processEnvironment();

/// Puts `value` at the dotted `key` of `root`, making the tables on the way; false when something on the way is
/// not a table. Replaces a value already there when `replace`.
bool insertAt(toml::table& root, const std::string& key, toml::node&& value, bool replace);

}  // namespace syncline::config
