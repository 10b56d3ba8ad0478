#include "app/output.h"

#include <algorithm>
#include <iostream>

#include "app/terminal_text.h"

namespace syncline::app {

namespace {

// Text cells are cut at this many bytes; --json has the whole value.
constexpr std::size_t kMaxCell = 72;

std::string cell(const nlohmann::json& value) {
    if (value.is_null()) {
        return "-";
    }
    // Values come from the ERP and the shop: a control character must not reach the terminal (docs/architecture.md).
    std::string text = escapeControls(value.is_string() ? value.get<std::string>() : value.dump());
    if (text.size() > kMaxCell) {
        std::size_t cut = kMaxCell - 3;
        while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
            --cut;  // do not split a UTF-8 character
        }
        text = text.substr(0, cut) + "...";
    }
    return text;
}

}  // namespace

void Listing::add(std::vector<nlohmann::json> values) {
    values.resize(columns_.size());
    rows_.push_back(std::move(values));
}

std::string Listing::text() const {
    std::vector<std::size_t> widths;
    for (const auto& c : columns_) {
        widths.push_back(c.size());
    }
    for (const auto& row : rows_) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], cell(row[i]).size());
        }
    }
    auto line = [&](const std::vector<std::string>& cells) {
        std::string out;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            out += cells[i];
            if (i + 1 < cells.size()) {
                out += std::string(widths[i] - cells[i].size() + 2, ' ');
            }
        }
        return out + "\n";
    };
    std::vector<std::string> header;
    for (const auto& c : columns_) {
        std::string upper = c;
        std::transform(upper.begin(), upper.end(), upper.begin(), ::toupper);
        header.push_back(upper);
    }
    std::string out = line(header);
    for (const auto& row : rows_) {
        std::vector<std::string> cells;
        for (const auto& v : row) {
            cells.push_back(cell(v));
        }
        out += line(cells);
    }
    return out;
}

nlohmann::json Listing::json() const {
    auto out = nlohmann::json::array();
    for (const auto& row : rows_) {
        nlohmann::json object = nlohmann::json::object();
        for (std::size_t i = 0; i < columns_.size(); ++i) {
            object[columns_[i]] = row[i];
        }
        out.push_back(std::move(object));
    }
    return out;
}

void Listing::print(bool as_json) const {
    if (as_json) {
        std::cout << json().dump(2) << "\n";
    } else {
        std::cout << text();
    }
}

}  // namespace syncline::app
