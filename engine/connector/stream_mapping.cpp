#include "engine/connector/stream_mapping.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "engine/connector/field_normalizer.h"
#include "engine/connector/streams.h"

namespace syncline::connector {

namespace {

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

// One field's mapping: "COLUMN" or { column, type, prefix, default }. Adds issues for what does not fit.
std::optional<FieldMapping> readMapping(const StreamField& spec, const nlohmann::json& value, const std::string& key,
                                        std::vector<SettingIssue>& issues) {
    FieldMapping m;
    m.field = spec.name;
    m.type = spec.default_type;
    if (value.is_string()) {
        m.column = value.get<std::string>();
        if (m.column.empty()) {
            issues.push_back({key, "must be a column name, or a table { column = \"...\", type = \"...\" }"});
            return std::nullopt;
        }
        return m;
    }
    if (!value.is_object()) {
        issues.push_back({key, "must be a column name, or a table { column = \"...\", type = \"...\" }"});
        return std::nullopt;
    }
    static const std::vector<std::string> allowed = {"column", "type", "prefix", "default"};
    bool ok = true;
    for (const auto& [name, item] : value.items()) {
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
            issues.push_back({key + "." + name, "unknown key; allowed here: " + join(allowed)});
            ok = false;
        } else if (!item.is_string()) {
            issues.push_back({key + "." + name, "must be a string"});
            ok = false;
        }
    }
    if (!ok) {
        return std::nullopt;
    }
    m.column = value.value("column", std::string());
    if (!value.contains("column")) {
        issues.push_back({key + ".column", "is required"});
        return std::nullopt;
    }
    if (value.contains("type")) {
        const auto type = parseFieldType(value["type"].get<std::string>());
        if (!type) {
            issues.push_back({key + ".type", "'" + value["type"].get<std::string>() +
                                                 "' is not allowed; allowed: text, code, decimal, flag, date, "
                                                 "timestamp"});
            return std::nullopt;
        }
        m.type = *type;
    }
    m.prefix = value.value("prefix", std::string());
    if (value.contains("default")) {
        m.default_value = value["default"].get<std::string>();
        if (const auto why = defaultValueError(m)) {
            issues.push_back({key + ".default", *why});
            return std::nullopt;
        }
    }
    return m;
}

}  // namespace

std::vector<SettingSpec> streamMappingSettings() {
    return {
        tableSetting("streams", "what to read from the ERP, per stream: products, stock, customers, price_rules"),
        tableSetting("streams.*", "one stream"),
        kindSetting(SettingKind::Mapping, "streams.*.fields",
                    "canonical field = \"COLUMN\", or = { column = \"COLUMN\", type = \"...\", prefix = \"...\", "
                    "default = \"...\" }"),
        stringSetting("streams.*.cursor_field",
                      "the mapped field whose highest value is the next cursor (numbers compare as numbers)"),
        integerSetting("streams.*.batch_size", 1, 100000, "rows per batch", 5000),
    };
}

std::vector<std::string> configuredStreams(const Settings& settings) {
    std::vector<std::string> out;
    const auto* streams = settings.find("streams");
    for (const auto& name : pullStreams()) {
        if (streams != nullptr && streams->is_object() && streams->contains(name)) {
            out.push_back(name);
        }
    }
    return out;
}

std::vector<StreamConfig> readStreamMappings(const Settings& settings, std::vector<SettingIssue>& issues) {
    std::vector<StreamConfig> out;
    const auto* streams = settings.find("streams");
    if (streams == nullptr || !streams->is_object()) {
        return out;
    }
    for (const auto& [name, body] : streams->items()) {
        const auto& known = pullStreams();
        if (std::find(known.begin(), known.end(), name) == known.end()) {
            issues.push_back({"streams." + name, "unknown stream; allowed: " + join(known)});
        }
    }
    for (const auto& stream : pullStreams()) {
        if (!streams->contains(stream) || !(*streams)[stream].is_object()) {
            continue;
        }
        const auto& body = (*streams)[stream];
        const std::string key = "streams." + stream;
        StreamConfig config;
        config.stream = stream;
        config.cursor_field = body.value("cursor_field", std::string());
        config.batch_size = body.value("batch_size", 5000);
        const auto fields = body.find("fields");
        if (fields == body.end() || !fields->is_object()) {
            issues.push_back({key + ".fields", "is required: map each field of the stream to a column"});
            out.push_back(std::move(config));
            continue;
        }
        const auto& spec = streamFields(stream);
        std::vector<std::string> names;
        for (const auto& f : spec) {
            names.push_back(f.name);
        }
        for (const auto& [field, value] : fields->items()) {
            if (std::find(names.begin(), names.end(), field) == names.end()) {
                issues.push_back(
                    {key + ".fields." + field, "not a field of stream '" + stream + "'; allowed: " + join(names)});
            }
        }
        for (const auto& f : spec) {
            const auto value = fields->find(f.name);
            if (value == fields->end()) {
                if (f.required) {
                    issues.push_back({key + ".fields." + f.name, "is required for stream '" + stream + "'"});
                }
                continue;
            }
            if (auto mapping = readMapping(f, *value, key + ".fields." + f.name, issues)) {
                config.fields.push_back(std::move(*mapping));
            }
        }
        if (!config.cursor_field.empty() &&
            std::none_of(config.fields.begin(), config.fields.end(),
                         [&](const FieldMapping& m) { return m.field == config.cursor_field; })) {
            issues.push_back({key + ".cursor_field", "must name a mapped field of this stream"});
        }
        out.push_back(std::move(config));
    }
    return out;
}

}  // namespace syncline::connector

namespace syncline::connector {

namespace {

std::string squeeze(const std::string& name) {
    std::string out;
    for (unsigned char c : name) {
        if (std::isalnum(c)) {
            out += static_cast<char>(std::tolower(c));
        }
    }
    return out;
}

// Column names (squeezed) that commonly hold a field, beyond the field's own name.
const std::vector<std::string>& synonyms(const std::string& field) {
    static const std::map<std::string, std::vector<std::string>> table = {
        {"sku", {"itemcode", "itemno", "itemnumber", "productnumber", "productcode", "articleno", "partno"}},
        {"name", {"itemname", "productname", "description1", "customername", "cardname"}},
        {"description", {"longdescription", "itemdescription", "notes"}},
        {"unit", {"uom", "salesuom", "unitofmeasure", "salesunit", "unitcode"}},
        {"list_price", {"listprice", "price", "salesprice", "baseprice"}},
        {"currency", {"currencycode", "curr", "pricecurr", "currencyid"}},
        {"active", {"isactive", "activeflag", "enabled", "validfor"}},
        {"erp_modified", {"modifieddate", "updatedat", "lastmodified", "changedat", "writedate", "updatedate"}},
        {"warehouse", {"whscode", "warehousecode", "location", "locationcode"}},
        {"quantity", {"onhand", "onhandqty", "qty", "qtyonhand", "instock"}},
        {"code", {"customercode", "cardcode", "customerno", "accountnumber", "customerid"}},
        {"customer_group", {"groupcode", "customergroup", "pricegroup"}},
        {"price_list", {"pricelist", "listnum", "pricelistcode"}},
        {"email", {"emailaddress", "mail"}},
        {"blocked", {"isblocked", "frozen", "onhold"}},
        {"rule_id", {"ruleid", "priceid", "id"}},
        {"min_quantity", {"minqty", "fromquantity", "quantityfrom"}},
        {"max_quantity", {"maxqty", "toquantity", "quantityto"}},
        {"unit_price", {"price", "unitprice", "netprice"}},
        {"discount_percent", {"discount", "discountpct", "discountpercent"}},
        {"valid_from", {"validfrom", "startdate", "fromdate"}},
        {"valid_to", {"validto", "enddate", "todate"}},
    };
    static const std::vector<std::string> none;
    const auto it = table.find(field);
    return it == table.end() ? none : it->second;
}

}  // namespace

std::optional<SuggestedMapping> suggestMapping(const std::string& stream,
                                               const std::vector<DiscoveredResource>& resources) {
    std::optional<SuggestedMapping> best;
    int best_score = 0;
    for (const auto& resource : resources) {
        SuggestedMapping m{stream, resource.name, {}, {}};
        int score = 0;
        for (const auto& field : streamFields(stream)) {
            std::optional<std::string> column;
            for (const auto& c : resource.columns) {
                const std::string name = squeeze(c.name);
                if (name == squeeze(field.name)) {
                    column = c.name;
                    break;
                }
                const auto& alt = synonyms(field.name);
                if (!column && std::find(alt.begin(), alt.end(), name) != alt.end()) {
                    column = c.name;
                }
            }
            if (column) {
                m.fields.emplace_back(field.name, *column);
                score += field.required ? 2 : 1;
            } else if (field.required) {
                m.unmatched_required.push_back(field.name);
            }
        }
        const bool any_required = std::any_of(m.fields.begin(), m.fields.end(), [&](const auto& f) {
            const auto& spec = streamFields(stream);
            return std::any_of(spec.begin(), spec.end(),
                               [&](const auto& s) { return s.name == f.first && s.required; });
        });
        if (any_required && score > best_score) {
            best_score = score;
            best = std::move(m);
        }
    }
    return best;
}

std::string tomlString(const std::string& text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

std::string mappingToml(const SuggestedMapping& mapping, const std::vector<std::string>& extra) {
    std::string out = "[erp.streams." + mapping.stream + "]\n";
    for (const auto& line : extra) {
        out += line + "\n";
    }
    out += "\n[erp.streams." + mapping.stream + ".fields]\n";
    for (const auto& [field, column] : mapping.fields) {
        out += field + " = " + tomlString(column) + "\n";
    }
    for (const auto& field : mapping.unmatched_required) {
        out += "# " + field + " = \"?\"  # required: no column of " + mapping.resource + " matched it\n";
    }
    return out;
}

}  // namespace syncline::connector
