#pragma once

#include <string_view>

#include "connectors/file_drop/drop_file.h"

namespace syncline::file_drop {

/// Reads one line of a JSON-lines file, a flat JSON object, into `record`: each key with its value. A string gives its
/// text; a number its text exactly as written ("12.10" stays "12.10", 0.1 stays "0.1", 9007199254740993 stays whole:
/// nothing passes through a double); true and false give "true" and "false"; null gives nullopt. Sets record.error
/// for a line that is not a JSON object, a value that is an object or an array, or a key given twice. Pure: any
/// thread; throws only std::bad_alloc.
void parseJsonLine(std::string_view line, SourceRecord& record);

}  // namespace syncline::file_drop
