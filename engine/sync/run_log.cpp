#include "engine/sync/run_log.h"

#include <Poco/Data/Session.h>

#include "engine/store/dialect.h"
#include "engine/store/transaction.h"
#include "engine/sync/pull_pipeline.h"

namespace syncline::sync {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using store::SqlType;
using store::typedParam;

int RunLog::abandonStale(const std::string& job, const std::string& node) {
    const auto b = store_.backend();
    std::string j = job;
    std::string n = node;
    std::string at = store::Webstore::utcNow();
    Poco::Data::Statement statement(store_.session());
    statement << "UPDATE job_runs SET status = 'failed', error_kind = 'fatal', "
                 "error = 'abandoned: the process ended before the run finished', finished_at = " +
                     typedParam(b, 1, SqlType::Timestamp) + " WHERE job = $2 AND node = $3 AND status = 'running'",
        use(at), use(j), use(n);
    return static_cast<int>(statement.execute());
}

std::int64_t RunLog::start(const std::string& job, const std::string& node, const std::string& mode,
                           const std::string& triggered_by, const std::string& firing) {
    const auto b = store_.backend();
    std::string j = job;
    std::string n = node;
    std::string m = mode;
    std::string t = triggered_by;
    std::string at = store::Webstore::utcNow();
    Poco::Nullable<std::string> f;
    if (!firing.empty()) {
        f = firing;
    }
    Poco::Int64 run_id = 0;
    store::Transaction tx(store_);
    store_.session() << "INSERT INTO job_runs (job, node, mode, triggered_by, status, started_at, firing) VALUES ($1, "
                        "$2, $3, $4, 'running', " +
                            typedParam(b, 5, SqlType::Timestamp) + ", $6) RETURNING run_id",
        use(j), use(n), use(m), use(t), use(at), use(f), into(run_id), now;
    tx.commit();
    return run_id;
}

void RunLog::progress(std::int64_t run_id, const PullProgress& counts) {
    Poco::Int64 id = run_id;
    Poco::Int64 read = counts.read;
    Poco::Int64 applied = counts.applied + counts.deactivated;
    Poco::Int64 unchanged = counts.unchanged;
    Poco::Int64 rejected = counts.rejected;
    Poco::Int64 conflicted = counts.conflicted;
    store_.session()
        << "UPDATE job_runs SET rows_read = $1, rows_applied = $2, rows_unchanged = $3, rows_rejected = $4, "
           "rows_conflicted = $5 WHERE run_id = $6",
        use(read), use(applied), use(unchanged), use(rejected), use(conflicted), use(id), now;
}

void RunLog::finish(std::int64_t run_id, const std::string& status, const PullProgress& counts,
                    const std::optional<connector::Error>& error, const std::string& warning) {
    const auto b = store_.backend();
    Poco::Int64 id = run_id;
    std::string s = status;
    std::string at = store::Webstore::utcNow();
    Poco::Int64 read = counts.read;
    Poco::Int64 applied = counts.applied + counts.deactivated;
    Poco::Int64 unchanged = counts.unchanged;
    Poco::Int64 rejected = counts.rejected;
    Poco::Int64 conflicted = counts.conflicted;
    Poco::Nullable<std::string> kind;
    Poco::Nullable<std::string> message;
    if (error) {
        kind = std::string(connector::toString(error->kind));
        message = error->describe();
    }
    Poco::Nullable<std::string> warn;
    if (!warning.empty()) {
        warn = warning;
    }
    store_.session() << "UPDATE job_runs SET status = $1, finished_at = " + typedParam(b, 2, SqlType::Timestamp) +
                            ", rows_read = $3, rows_applied = $4, rows_unchanged = $5, rows_rejected = $6, "
                            "rows_conflicted = $7, error_kind = $8, error = $9, warning = $10 WHERE run_id = $11",
        use(s), use(at), use(read), use(applied), use(unchanged), use(rejected), use(conflicted), use(kind),
        use(message), use(warn), use(id), now;
}

int RunLog::failRunning(const std::string& job, const std::string& node, const connector::Error& error,
                        const PullProgress* counts) {
    const auto b = store_.backend();
    std::string j = job;
    std::string n = node;
    std::string at = store::Webstore::utcNow();
    std::string kind(connector::toString(error.kind));
    std::string message = error.describe();
    Poco::Data::Statement statement(store_.session());
    if (counts != nullptr) {
        Poco::Int64 read = counts->read;
        Poco::Int64 applied = counts->applied + counts->deactivated;
        Poco::Int64 unchanged = counts->unchanged;
        Poco::Int64 rejected = counts->rejected;
        Poco::Int64 conflicted = counts->conflicted;
        statement << "UPDATE job_runs SET status = 'failed', error_kind = $1, error = $2, finished_at = " +
                         typedParam(b, 3, SqlType::Timestamp) +
                         ", rows_read = $4, rows_applied = $5, rows_unchanged = $6, rows_rejected = $7, "
                         "rows_conflicted = $8 WHERE job = $9 AND node = $10 AND status = 'running'",
            use(kind), use(message), use(at), use(read), use(applied), use(unchanged), use(rejected), use(conflicted),
            use(j), use(n);
        return static_cast<int>(statement.execute());
    }
    statement << "UPDATE job_runs SET status = 'failed', error_kind = $1, error = $2, finished_at = " +
                     typedParam(b, 3, SqlType::Timestamp) + " WHERE job = $4 AND node = $5 AND status = 'running'",
        use(kind), use(message), use(at), use(j), use(n);
    return static_cast<int>(statement.execute());
}

}  // namespace syncline::sync
