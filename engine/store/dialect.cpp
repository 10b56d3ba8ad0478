#include "engine/store/dialect.h"

namespace syncline::store {

std::string param(int index) {
    return "$" + std::to_string(index);
}

std::string typedParam(Backend backend, int index, SqlType type) {
    if (backend == Backend::SQLite) {
        return param(index);
    }
    switch (type) {
        case SqlType::Text:
            return param(index);
        case SqlType::Numeric:
            return "CAST(" + param(index) + " AS NUMERIC)";
        case SqlType::Boolean:
            return "CAST(" + param(index) + " AS BOOLEAN)";
        case SqlType::Date:
            return "CAST(" + param(index) + " AS DATE)";
        case SqlType::Timestamp:
            return "CAST(" + param(index) + " AS TIMESTAMPTZ)";
    }
    return param(index);
}

std::string isoTimeColumn(Backend backend, const std::string& column) {
    if (backend == Backend::SQLite) {
        return column;
    }
    return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
}

}  // namespace syncline::store
