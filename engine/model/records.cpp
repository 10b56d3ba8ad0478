#include "engine/model/records.h"

#include <array>
#include <utility>

namespace syncline::model {
namespace {

constexpr std::array<std::pair<PriceScope, std::string_view>, 4> kPriceScopeNames = {{
    {PriceScope::Everyone, "everyone"},
    {PriceScope::CustomerGroup, "customer_group"},
    {PriceScope::PriceList, "price_list"},
    {PriceScope::Customer, "customer"},
}};

constexpr std::array<std::pair<OrderStatus, std::string_view>, 8> kOrderStatusNames = {{
    {OrderStatus::Placed, "placed"},
    {OrderStatus::Claimed, "claimed"},
    {OrderStatus::Exported, "exported"},
    {OrderStatus::Confirmed, "confirmed"},
    {OrderStatus::Shipped, "shipped"},
    {OrderStatus::Invoiced, "invoiced"},
    {OrderStatus::Cancelled, "cancelled"},
    {OrderStatus::NeedsAttention, "needs_attention"},
}};

template <typename Enum, std::size_t N>
std::string_view nameOf(const std::array<std::pair<Enum, std::string_view>, N>& names, Enum value) {
    for (const auto& [candidate, name] : names) {
        if (candidate == value) {
            return name;
        }
    }
    return "unknown";
}

template <typename Enum, std::size_t N>
std::optional<Enum> valueOf(const std::array<std::pair<Enum, std::string_view>, N>& names, std::string_view text) {
    for (const auto& [value, name] : names) {
        if (name == text) {
            return value;
        }
    }
    return std::nullopt;
}

}  // namespace

std::string_view toString(PriceScope scope) {
    return nameOf(kPriceScopeNames, scope);
}

std::optional<PriceScope> parsePriceScope(std::string_view text) {
    return valueOf(kPriceScopeNames, text);
}

std::string_view toString(OrderStatus status) {
    return nameOf(kOrderStatusNames, status);
}

std::optional<OrderStatus> parseOrderStatus(std::string_view text) {
    return valueOf(kOrderStatusNames, text);
}

}  // namespace syncline::model
