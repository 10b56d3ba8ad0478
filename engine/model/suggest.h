#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace syncline::model {

/// Levenshtein distance between `a` and `b` (insertions, deletions and substitutions of one byte each).
std::size_t editDistance(const std::string& a, const std::string& b);

/// The candidate closest to `word` when it is near enough to be what was meant (fewer than `max_distance` edits),
/// else nothing: the "did you mean" of unknown config keys and of mistyped commands.
std::optional<std::string> closestMatch(const std::string& word, const std::vector<std::string>& candidates,
                                        std::size_t max_distance = 3);

}  // namespace syncline::model
