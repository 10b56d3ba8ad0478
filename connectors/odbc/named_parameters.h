#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace syncline::odbc {

/// An SQL statement written with named parameters, rewritten for ODBC's positional markers.
struct NamedStatement {
    std::string sql;                      ///< the statement with every `:name` replaced by `?`
    std::vector<std::string> parameters;  ///< the name of each `?`, in order, lower-cased; repeated names repeat
};

/// Rewrites the named parameters of `sql` to `?`. A parameter is `:` followed by a name: an ASCII letter or `_`,
/// then letters, digits and `_` (names are case-insensitive and returned lower-cased). Not parameters: anything in
/// '...' string literals ('' inside them included), "..." and `...` quoted identifiers, -- line comments and /* */
/// comments, and `::` (the PostgreSQL cast `x::text` is kept as written). Pure: any thread.
/// Throws std::invalid_argument for a positional `?` outside quotes and comments (they cannot be mixed with named
/// parameters) and for an unterminated quote or comment; the message says where (byte offset).
NamedStatement parseNamedParameters(std::string_view sql);

}  // namespace syncline::odbc
