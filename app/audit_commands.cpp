// syncline audit, audit verify, audit head, conflicts, conflicts resolve.
#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "app/commands.h"
#include "app/exit_codes.h"
#include "app/output.h"
#include "engine/audit/audit_log.h"
#include "engine/connector/streams.h"
#include "engine/sync/conflict_queue.h"

namespace syncline::app {

namespace {

nlohmann::json orNull(const std::optional<std::string>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}

// Keys are stored with U+001F between their parts; admins read and type them with '/'.
std::string displayKey(std::string key) {
    for (auto& c : key) {
        if (c == '\x1f') {
            c = '/';
        }
    }
    return key;
}

std::string storedKey(std::string key) {
    for (auto& c : key) {
        if (c == '/') {
            c = '\x1f';
        }
    }
    return key;
}

}  // namespace

std::string currentActor() {
    const char* sudo = std::getenv("SUDO_USER");
    if (sudo != nullptr && *sudo != '\0') {
        return std::string("user:") + sudo;
    }
    if (const passwd* pw = getpwuid(geteuid()); pw != nullptr && pw->pw_name != nullptr) {
        return std::string("user:") + pw->pw_name;
    }
    return "user:uid" + std::to_string(geteuid());
}

int commandAudit(const GlobalOptions& options, const AuditOptions& query) {
    const auto config = loadConfig(options);
    auto webstore = openWebstore(config);
    audit::AuditFilter filter;
    filter.entity = query.entity;
    // Only a composite key (stock: sku/warehouse) is typed with '/'; a SKU may contain one itself.
    const auto* entity = query.entity ? connector::findEntity(*query.entity) : nullptr;
    const bool composite = entity != nullptr && entity->keys.size() > 1;
    filter.key = query.key ? std::optional<std::string>(composite ? storedKey(*query.key) : *query.key) : std::nullopt;
    filter.actor = query.actor;
    if (query.since) {
        std::string since = *query.since;
        if (since.size() > 10 && since[10] == ' ') {
            since[10] = 'T';
        }
        filter.since = since;
    }
    filter.limit = query.limit;
    const auto rows = audit::AuditLog(*webstore).query(filter);
    Listing listing({"seq", "at", "actor", "entity", "key", "action", "changes"});
    for (const auto& r : rows) {
        listing.add({r.seq, r.at, r.actor, r.entity, displayKey(r.key), r.action,
                     options.json ? nlohmann::json::parse(r.changes, nullptr, false) : nlohmann::json(r.changes)});
    }
    if (listing.size() == 0 && !options.json) {
        std::cout << "no audit rows match\n";
        return kExitOk;
    }
    listing.print(options.json);
    return kExitOk;
}

int commandAuditVerify(const GlobalOptions& options, const std::vector<std::string>& anchor_texts) {
    std::vector<audit::Anchor> anchors;
    for (const auto& text : anchor_texts) {
        const auto anchor = audit::Anchor::parse(text);
        if (!anchor) {
            std::cerr << "syncline audit verify: --anchor must be SEQ:HASH as `syncline audit head --export` prints it "
                         "(a row number, ':', 64 hex digits)\n";
            return kExitUsage;
        }
        anchors.push_back(*anchor);
    }
    const auto config = loadConfig(options);
    auto webstore = openWebstore(config);
    const auto result = audit::AuditLog(*webstore).verify(anchors);
    const auto optionalSeq = [](const std::optional<std::int64_t>& seq) {
        return seq ? nlohmann::json(*seq) : nlohmann::json(nullptr);
    };
    if (options.json) {
        nlohmann::json out = {{"ok", result.ok}, {"rows", result.rows}, {"keyed_rows", result.keyed_rows}};
        out["broken_at"] = optionalSeq(result.broken_at);
        out["unverified_from"] = optionalSeq(result.unverified_from);
        out["why"] = result.ok ? nlohmann::json(nullptr) : nlohmann::json(result.why);
        out["head_hash"] = result.ok ? nlohmann::json(result.head_hash) : nlohmann::json(nullptr);
        out["anchors"] = anchors.size();
        std::cout << out.dump(2) << "\n";
    } else if (result.ok) {
        std::cout << "audit log OK: " << result.rows << " rows, chain unbroken";
        if (result.keyed_rows > 0) {
            std::cout << " (" << result.keyed_rows << " keyed, checked with the key)";
        }
        if (!anchors.empty()) {
            std::cout << ", " << anchors.size() << (anchors.size() == 1 ? " anchor holds" : " anchors hold");
        }
        std::cout << ", head " << result.head_hash << "\n";
    } else if (result.broken_at) {
        std::cout << "audit log BROKEN at row " << *result.broken_at << ": " << result.why << "\n";
    } else {
        std::cout << "audit log NOT VERIFIED from row " << *result.unverified_from << ": " << result.why << "\n";
    }
    if (result.ok) {
        return kExitOk;
    }
    return result.broken_at ? kExitData : kExitConfig;
}

int commandAuditHead(const GlobalOptions& options, bool export_only) {
    const auto config = loadConfig(options);
    auto webstore = openWebstore(config);
    audit::AuditHead head;
    try {
        head = audit::AuditLog(*webstore).head();
    } catch (const std::runtime_error& e) {
        std::cerr << "syncline audit head: " << e.what() << "\n";
        return kExitData;
    }
    if (head.seq == 0) {
        std::cerr << "syncline audit head: the audit log is empty: nothing to anchor yet\n";
        return kExitData;
    }
    const audit::Anchor anchor{head.seq, head.hash};
    if (options.json) {
        std::cout << nlohmann::json({{"seq", head.seq},
                                     {"hash", head.hash},
                                     {"at", head.at},
                                     {"key_id", orNull(head.key_id)},
                                     {"anchor", anchor.text()}})
                         .dump(2)
                  << "\n";
    } else if (export_only) {
        std::cout << anchor.text() << "\n";
    } else {
        std::cout << "audit head: row " << head.seq << " (" << head.at << "), hash " << head.hash << ", "
                  << (head.key_id ? "keyed with key " + *head.key_id : std::string("not keyed")) << "\n"
                  << "keep this anchor outside the database: " << anchor.text() << "\n"
                  << "later: syncline audit verify --anchor " << anchor.text() << "\n";
    }
    return kExitOk;
}

int commandConflicts(const GlobalOptions& options, const ConflictsOptions& list) {
    const auto config = loadConfig(options);
    auto webstore = openWebstore(config);
    const auto rows = sync::ConflictQueue(*webstore).list(list.all, list.entity, list.limit);
    Listing listing({"id", "entity", "key", "field", "base", "erp", "store", "status", "resolution", "resolved_by",
                     "run_id", "created_at"});
    for (const auto& c : rows) {
        listing.add({c.id, c.entity, displayKey(c.key), c.field, orNull(c.base), orNull(c.erp), orNull(c.store),
                     c.status, orNull(c.resolution), orNull(c.resolved_by),
                     c.run_id ? nlohmann::json(*c.run_id) : nlohmann::json(nullptr), c.created_at});
    }
    if (listing.size() == 0 && !options.json) {
        std::cout << (list.all ? "no conflicts\n" : "no open conflicts\n");
        return kExitOk;
    }
    listing.print(options.json);
    return kExitOk;
}

int commandConflictResolve(const GlobalOptions& options, const ResolveOptions& resolve) {
    sync::Take take = sync::Take::Erp;
    std::optional<std::string> value;
    const auto& t = resolve.take;
    if (t.size() == 1 && t[0] == "erp") {
        take = sync::Take::Erp;
    } else if (t.size() == 1 && t[0] == "store") {
        take = sync::Take::Store;
    } else if (t.size() == 2 && t[0] == "value") {
        take = sync::Take::Value;
        value = t[1];
    } else {
        std::cerr << "syncline conflicts resolve: --take must be erp, store, or value followed by the value\n";
        return kExitUsage;
    }
    const auto config = loadConfig(options);
    auto webstore = openWebstore(config);
    try {
        const auto c = sync::ConflictQueue(*webstore).resolve(resolve.id, take, value, currentActor());
        if (options.json) {
            std::cout << nlohmann::json({{"id", c.id},
                                         {"entity", c.entity},
                                         {"key", displayKey(c.key)},
                                         {"field", c.field},
                                         {"resolution", orNull(c.resolution)},
                                         {"resolved_by", orNull(c.resolved_by)}})
                             .dump(2)
                      << "\n";
        } else {
            std::cout << "conflict " << c.id << " resolved: " << c.entity << " " << displayKey(c.key) << " field "
                      << c.field << " takes the " << *c.resolution << " value\n";
        }
        return kExitOk;
    } catch (const sync::ResolveError& e) {
        std::cerr << "syncline conflicts resolve: " << e.what() << "\n";
        return kExitData;
    }
}

}  // namespace syncline::app
