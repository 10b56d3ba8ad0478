#include "engine/sync/conflict_queue.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "engine/audit/audit_log.h"
#include "engine/connector/field_normalizer.h"
#include "engine/connector/streams.h"
#include "engine/store/dialect.h"
#include "engine/store/transaction.h"
#include "engine/sync/batch_writer.h"

namespace syncline::sync {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using store::Backend;
using store::SqlType;

namespace {

std::optional<std::string> text(const Poco::Dynamic::Var& v) {
    return v.isEmpty() ? std::nullopt : std::optional<std::string>(v.convert<std::string>());
}

std::optional<std::int64_t> integer(const Poco::Dynamic::Var& v) {
    return v.isEmpty() ? std::nullopt : std::optional<std::int64_t>(v.convert<Poco::Int64>());
}

const char* kColumns =
    "conflict_id, run_id, entity, entity_key, field, base_value, erp_value, store_value, status, "
    "resolution, resolved_by, ";

std::vector<ConflictRow> read(Poco::Data::Statement& statement) {
    statement.execute();
    Poco::Data::RecordSet rs(statement);
    std::vector<ConflictRow> out;
    for (bool more = rs.moveFirst(); more; more = rs.moveNext()) {
        ConflictRow r;
        r.id = rs.value(0).convert<Poco::Int64>();
        r.run_id = integer(rs.value(1));
        r.entity = rs.value(2).convert<std::string>();
        r.key = rs.value(3).convert<std::string>();
        r.field = rs.value(4).convert<std::string>();
        r.base = text(rs.value(5));
        r.erp = text(rs.value(6));
        r.store = text(rs.value(7));
        r.status = rs.value(8).convert<std::string>();
        r.resolution = text(rs.value(9));
        r.resolved_by = text(rs.value(10));
        r.resolved_at = text(rs.value(11));
        r.created_at = rs.value(12).convert<std::string>();
        out.push_back(std::move(r));
    }
    return out;
}

std::string timeColumns(Backend b) {
    return store::isoTimeColumn(b, "resolved_at") + ", " + store::isoTimeColumn(b, "created_at");
}

}  // namespace

std::vector<ConflictRow> ConflictQueue::list(bool include_resolved, const std::optional<std::string>& entity,
                                             int limit) {
    std::string where = include_resolved ? "" : " WHERE status = 'open'";
    std::string e = entity.value_or("");
    Poco::Int64 n = limit;
    Poco::Data::Statement statement(store_.session());
    if (entity) {
        where += (where.empty() ? " WHERE " : " AND ") + std::string("entity = $1");
    }
    statement << std::string("SELECT ") + kColumns + timeColumns(store_.backend()) + " FROM conflicts" + where +
                     " ORDER BY conflict_id DESC LIMIT $" + (entity ? "2" : "1");
    if (entity) {
        statement, use(e);
    }
    statement, use(n);
    return read(statement);
}

ConflictRow ConflictQueue::resolve(std::int64_t id, Take take, const std::optional<std::string>& value,
                                   const std::string& actor) {
    const auto b = store_.backend();
    store::Transaction tx(store_);
    Poco::Int64 conflict_id = id;
    Poco::Data::Statement select(store_.session());
    select << std::string("SELECT ") + kColumns + timeColumns(b) + " FROM conflicts WHERE conflict_id = $1",
        use(conflict_id);
    auto rows = read(select);
    if (rows.empty()) {
        throw ResolveError("there is no conflict " + std::to_string(id));
    }
    auto c = rows.front();
    if (c.status != "open") {
        throw ResolveError("conflict " + std::to_string(id) + " was already resolved (" + c.resolution.value_or("") +
                           " by " + c.resolved_by.value_or("?") + ")");
    }
    // A pulled entity's field, or an order's status (order_status: cancelled in the shop, shipped by the ERP).
    static const connector::StreamEntity kOrder{"order", "", "orders", {"order_id"}};
    static const std::vector<connector::StreamField> kOrderFields = {{"status", connector::FieldType::Code, true}};
    const auto* entity = c.entity == "order" ? &kOrder : connector::findEntity(c.entity);
    const auto& fields = entity == nullptr
                             ? std::vector<connector::StreamField>{}
                             : (entity == &kOrder ? kOrderFields : connector::streamFields(entity->stream));
    const auto spec = std::find_if(fields.begin(), fields.end(), [&](const auto& f) { return f.name == c.field; });
    if (spec == fields.end()) {
        throw ResolveError("conflict " + std::to_string(id) + " names an unknown field " + c.entity + "." + c.field);
    }
    // The row's key columns, from the stored key.
    auto parts = BatchWriter::splitKey(c.key);
    parts.resize(entity->keys.size());
    // SQLite numbers $n by first appearance: the key parameters come first in the SELECT, after the
    // two new values in the UPDATE.
    auto where = [&](int first) { return BatchWriter::keysEqual(entity->keys, first); };
    std::vector<std::string> current;
    {
        Poco::Data::Statement statement(store_.session());
        statement << "SELECT CAST(" + c.field + " AS TEXT) FROM " + entity->table + " WHERE " + where(1);
        for (auto& p : parts) {
            statement, use(p);
        }
        std::vector<Poco::Nullable<std::string>> got;
        statement, into(got);
        statement.execute();
        if (got.empty()) {
            throw ResolveError("the " + c.entity + " of conflict " + std::to_string(id) + " no longer exists");
        }
        if (!got.front().isNull()) {
            current.push_back(got.front().value());
        }
    }
    const std::optional<std::string> before =
        current.empty() ? std::nullopt : std::optional<std::string>(current.front());
    std::optional<std::string> chosen;
    std::string resolution;
    switch (take) {
        case Take::Erp:
            chosen = c.erp;
            resolution = "erp";
            break;
        case Take::Store:
            chosen = before;
            resolution = "store";
            break;
        case Take::Value: {
            connector::FieldMapping mapping;
            mapping.field = c.field;
            mapping.type = spec->default_type;
            std::string error;
            chosen = connector::normalizeField(mapping, value, &error);
            if (!error.empty()) {
                throw ResolveError("field '" + c.field + "': " + error);
            }
            if (!chosen && spec->null_as) {
                chosen = spec->null_as;
            }
            if (!chosen && spec->required) {
                throw ResolveError("field '" + c.field + "' cannot be empty");
            }
            resolution = "value";
            break;
        }
    }
    const std::string at = store::Webstore::utcNow();
    {
        Poco::Data::Statement statement(store_.session());
        Poco::Nullable<std::string> v = chosen ? Poco::Nullable<std::string>(*chosen) : Poco::Nullable<std::string>();
        std::string updated = at;
        statement << "UPDATE " + entity->table + " SET " + c.field + " = " +
                         store::typedParam(b, 1, BatchWriter::sqlTypeOf(spec->default_type)) +
                         ", updated_at = " + store::typedParam(b, 2, SqlType::Timestamp) + " WHERE " + where(3);
        statement, use(v), use(updated);
        for (auto& p : parts) {
            statement, use(p);
        }
        statement.execute();
    }
    // The ERP's value is the field's new base: the next pull sees no ERP change and keeps the decision. An order
    // has no base (order_status compares with the ERP's status each run).
    if (entity != &kOrder) {
        std::vector<Poco::Nullable<std::string>> applied;
        Poco::Data::Statement read(store_.session());
        read << "SELECT sync_base FROM " + entity->table + " WHERE " + where(1);
        for (auto& p : parts) {
            read, use(p);
        }
        read, into(applied);
        read.execute();
        nlohmann::json base = nlohmann::json::object();
        if (!applied.empty() && !applied.front().isNull()) {
            base = nlohmann::json::parse(applied.front().value(), nullptr, false);
            if (!base.is_object()) {
                base = nlohmann::json::object();
            }
        }
        base[c.field] = c.erp ? nlohmann::json(*c.erp) : nlohmann::json(nullptr);
        std::string json = base.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        Poco::Data::Statement write(store_.session());
        write << "UPDATE " + entity->table + " SET sync_base = $1 WHERE " + where(2), use(json);
        for (auto& p : parts) {
            write, use(p);
        }
        write.execute();
    }
    {
        std::string r = resolution;
        std::string by = actor;
        std::string when = at;
        store_.session() << "UPDATE conflicts SET status = 'resolved', resolution = $1, resolved_by = $2, "
                            "resolved_at = " +
                                store::typedParam(b, 3, SqlType::Timestamp) + " WHERE conflict_id = $4",
            use(r), use(by), use(when), use(conflict_id), now;
    }
    audit::ChangeSet changes;
    changes.addConflict(c.field, c.base, c.erp, c.store, before, chosen, "manual",
                        "conflict " + std::to_string(id) + ": take " + resolution);
    audit::AuditLog(store_).append({actor, c.entity, c.key, "resolve_conflict", changes.json()});
    tx.commit();
    c.status = "resolved";
    c.resolution = resolution;
    c.resolved_by = actor;
    c.resolved_at = at;
    return c;
}

}  // namespace syncline::sync
