#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace syncline::store {

/// Splits a SQL script into single statements at top-level semicolons. Semicolons inside
/// '-- comments', /* comments */, 'strings', "identifiers" and $tag$ bodies $tag$ do not split.
/// Empty statements and comment-only pieces are dropped. Statements keep their inner comments.
std::vector<std::string> splitSqlStatements(std::string_view script);

}  // namespace syncline::store
