#include "engine/connector/error.h"

namespace syncline::connector {

std::string_view toString(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Transient:
            return "transient";
        case ErrorKind::Config:
            return "config";
        case ErrorKind::Data:
            return "data";
        case ErrorKind::Fatal:
            return "fatal";
    }
    return "fatal";
}

std::string Error::describe() const {
    std::string out(toString(kind));
    out += " error";
    if (!code.empty()) {
        out += " [" + code + "]";
    }
    out += ": " + message;
    return out;
}

}  // namespace syncline::connector
