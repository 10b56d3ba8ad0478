#include "engine/connector/streams.h"

#include <map>

namespace syncline::connector {

namespace {

using T = FieldType;

const std::map<std::string, std::vector<StreamField>, std::less<>>& table() {
    static const std::map<std::string, std::vector<StreamField>, std::less<>> streams = {
        {"products",
         {{"sku", T::Code, true},
          {"name", T::Text, true},
          {"description", T::Text, false, ""},
          {"unit", T::Code, true},
          {"list_price", T::Decimal, true},
          {"currency", T::Code, true},
          {"active", T::Flag, false, "1"},
          {"erp_modified", T::Timestamp, false}}},
        {"stock",
         {{"sku", T::Code, true},
          {"warehouse", T::Code, true},
          {"quantity", T::Decimal, true},
          {"erp_modified", T::Timestamp, false}}},
        {"customers",
         {{"code", T::Code, true},
          {"name", T::Text, true},
          {"customer_group", T::Code, false, ""},
          {"price_list", T::Code, false, ""},
          {"currency", T::Code, true},
          {"email", T::Text, false, ""},
          {"blocked", T::Flag, false, "0"},
          {"erp_modified", T::Timestamp, false}}},
        {"price_rules",
         {{"rule_id", T::Code, true},
          {"sku", T::Code, true},
          {"scope", T::Code, true},
          {"scope_key", T::Code, false, ""},
          {"min_quantity", T::Decimal, false, "0"},
          {"max_quantity", T::Decimal, false},
          {"unit_price", T::Decimal, false},
          {"discount_percent", T::Decimal, false},
          {"currency", T::Code, false},
          {"valid_from", T::Date, true},
          {"valid_to", T::Date, false},
          {"erp_modified", T::Timestamp, false}}},
    };
    return streams;
}

}  // namespace

const std::vector<std::string>& pullStreams() {
    static const std::vector<std::string> names = {"products", "stock", "customers", "price_rules"};
    return names;
}

const std::vector<StreamEntity>& streamEntities() {
    static const std::vector<StreamEntity> entities = {
        {"product", "products", "products", {"sku"}},
        {"stock", "stock", "stock_levels", {"sku", "warehouse"}},
        {"customer", "customers", "customers", {"code"}},
        {"price_rule", "price_rules", "price_rules", {"rule_id"}},
    };
    return entities;
}

const StreamEntity* findEntity(std::string_view entity) {
    for (const auto& e : streamEntities()) {
        if (e.entity == entity) {
            return &e;
        }
    }
    return nullptr;
}

const std::vector<StreamField>& streamFields(std::string_view stream) {
    static const std::vector<StreamField> none;
    const auto it = table().find(stream);
    return it == table().end() ? none : it->second;
}

std::string toString(FieldType type) {
    switch (type) {
        case FieldType::Text:
            return "text";
        case FieldType::Code:
            return "code";
        case FieldType::Decimal:
            return "decimal";
        case FieldType::Flag:
            return "flag";
        case FieldType::Date:
            return "date";
        case FieldType::Timestamp:
            return "timestamp";
    }
    return "text";
}

std::optional<FieldType> parseFieldType(const std::string& name) {
    for (auto type : {FieldType::Text, FieldType::Code, FieldType::Decimal, FieldType::Flag, FieldType::Date,
                      FieldType::Timestamp}) {
        if (toString(type) == name) {
            return type;
        }
    }
    return std::nullopt;
}

}  // namespace syncline::connector
