#include "engine/conflict/ownership.h"

#include <algorithm>

#include "engine/connector/streams.h"

namespace syncline::conflict {

const std::vector<std::string>& policyNames() {
    static const std::vector<std::string> names = {"erp", "store", "newest", "manual"};
    return names;
}

std::optional<Policy> parsePolicy(std::string_view name) {
    const auto& names = policyNames();
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
        return std::nullopt;
    }
    return static_cast<Policy>(it - names.begin());
}

std::string policyName(Policy policy) {
    return policyNames()[static_cast<std::size_t>(policy)];
}

Ownership Ownership::defaults() {
    Ownership o;
    o.set("product", "description", Policy::Store);
    return o;
}

void Ownership::set(const std::string& entity, const std::string& field, Policy policy) {
    entries_[entity][field] = policy;
}

Policy Ownership::policy(const std::string& entity, const std::string& field) const {
    const auto e = entries_.find(entity);
    if (e == entries_.end()) {
        return Policy::Erp;
    }
    const auto f = e->second.find(field);
    return f == e->second.end() ? Policy::Erp : f->second;
}

bool Ownership::anyNonErp(const std::string& entity) const {
    const auto e = entries_.find(entity);
    return e != entries_.end() &&
           std::any_of(e->second.begin(), e->second.end(), [](const auto& f) { return f.second != Policy::Erp; });
}

std::vector<std::string> ownableFields(const std::string& entity) {
    std::vector<std::string> out;
    const auto* e = connector::findEntity(entity);
    if (e == nullptr) {
        return out;
    }
    for (const auto& f : connector::streamFields(e->stream)) {
        if (f.name != "erp_modified" && f.name != "active" &&
            std::find(e->keys.begin(), e->keys.end(), f.name) == e->keys.end()) {
            out.push_back(f.name);
        }
    }
    return out;
}

FieldDecision decide(Policy policy, const std::optional<std::string>* base, const std::optional<std::string>& erp,
                     const std::optional<std::string>& store, bool erp_newer) {
    FieldDecision d;
    const bool store_changed = base != nullptr && store != *base;
    const bool erp_changed = base == nullptr || erp != *base;
    d.conflict = store_changed && erp_changed && erp != store;
    if (policy == Policy::Erp) {
        d.value = erp;
        d.winner = d.conflict ? "erp" : "";
        return d;
    }
    if (!store_changed) {
        d.value = erp;
    } else if (!d.conflict) {
        d.value = store;  // only the shop changed it, or both made the same change
    } else if (policy == Policy::Store || (policy == Policy::Newest && !erp_newer)) {
        d.value = store;
        d.winner = "store";
    } else if (policy == Policy::Newest) {
        d.value = erp;
        d.winner = "erp";
    } else {
        d.value = store;
        d.held = true;
        d.winner = "held";
    }
    return d;
}

namespace {

// "YYYY-MM-DD HH:MM:SS" from either form; "" when it does not look like a time.
std::string comparable(const std::optional<std::string>& time) {
    if (!time || time->size() < 10) {
        return "";
    }
    std::string out = time->substr(0, 19);
    if (out.size() > 10) {
        out[10] = ' ';
    }
    if (out.size() == 10) {
        out += " 00:00:00";
    }
    return out.size() == 19 ? out : "";
}

}  // namespace

bool erpIsNewer(const std::optional<std::string>& erp_time, const std::optional<std::string>& store_time) {
    const std::string erp = comparable(erp_time);
    const std::string store = comparable(store_time);
    return erp.empty() || store.empty() || erp >= store;
}

}  // namespace syncline::conflict
