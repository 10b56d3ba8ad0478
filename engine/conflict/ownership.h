#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace syncline::conflict {

/// Who wins a field that changed on both sides since the last sync.
enum class Policy {
    Erp,     ///< the ERP's value is applied (also over an edit made only in the shop)
    Store,   ///< the shop's edit is kept; ERP changes pass while the shop has not touched the field
    Newest,  ///< the later change wins: the ERP record's change time against the webstore row's updated_at
    Manual,  ///< the field is held in `conflicts` for an admin; the rest of the record syncs
};

std::optional<Policy> parsePolicy(std::string_view name);
std::string policyName(Policy policy);
const std::vector<std::string>& policyNames();

/// The owner of every synced field, per entity ("product") and field ("description").
/// Unlisted fields belong to the ERP. Keys and the ERP change time always belong to the ERP.
class Ownership {
  public:
    /// The defaults: the ERP owns everything except product descriptions, which the shop may enrich.
    static Ownership defaults();

    void set(const std::string& entity, const std::string& field, Policy policy);
    Policy policy(const std::string& entity, const std::string& field) const;
    /// Whether any field of `entity` is not ERP-owned (only then is a base value kept per record).
    bool anyNonErp(const std::string& entity) const;
    const std::map<std::string, std::map<std::string, Policy>>& entries() const { return entries_; }

  private:
    std::map<std::string, std::map<std::string, Policy>> entries_;
};

/// The fields of `entity` that may be given an owner: the stream's fields without its keys,
/// `erp_modified` and `active`. Empty for an unknown entity.
std::vector<std::string> ownableFields(const std::string& entity);

/// The outcome for one field of a record the ERP changed.
struct FieldDecision {
    std::optional<std::string> value;  ///< what the webstore holds afterwards
    bool conflict = false;             ///< changed on both sides to different values since the base
    bool held = false;                 ///< manual: the store value stays and the field waits for an admin
    std::string winner;                ///< for a conflict: "erp", "store" or "held"
};

/// Three-way decision for one field. `base` is the ERP value last applied (nullptr = not known: the
/// field was ERP-owned until now, so the shop is taken as unchanged). `erp_newer`: the ERP's change is
/// later than the shop's (used by Newest; ties and unknown times go to the ERP).
FieldDecision decide(Policy policy, const std::optional<std::string>* base, const std::optional<std::string>& erp,
                     const std::optional<std::string>& store, bool erp_newer);

/// Whether the ERP change time `erp_time` ("2026-11-27 10:00:00[.fff]", as the ERP stream delivers it,
/// taken as UTC) is not earlier than the webstore time `store_time` ("2026-11-27T10:00:00Z").
/// Unparseable or missing times count as the ERP being newer.
bool erpIsNewer(const std::optional<std::string>& erp_time, const std::optional<std::string>& store_time);

}  // namespace syncline::conflict
