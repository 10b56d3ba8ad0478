#include "engine/lease/lease.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

#include "engine/store/dialect.h"
#include "engine/store/transaction.h"

namespace syncline::lease {

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using store::Backend;

namespace {

// The database's clock, in each dialect. SQLite's text has whole seconds, as every timestamp it stores.
std::string dbNow(Backend b) {
    return b == Backend::PostgreSQL ? "clock_timestamp()" : "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')";
}

// Now plus the integer number of seconds in parameter $index.
std::string dbNowPlus(Backend b, int index) {
    const std::string p = store::param(index);
    return b == Backend::PostgreSQL ? "clock_timestamp() + CAST(" + p + " AS INTEGER) * INTERVAL '1 second'"
                                    : "strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '+' || " + p + " || ' seconds')";
}

}  // namespace

std::string holderId(const std::string& node) {
    return node + ":" + std::to_string(::getpid());
}

bool isDeadLocalHolder(const std::string& holder, const std::string& node) {
    const std::string prefix = node + ":";
    if (holder.rfind(prefix, 0) != 0 || holder.size() == prefix.size()) {
        return false;
    }
    const std::string pid_text = holder.substr(prefix.size());
    if (pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text.size() > 9) {
        return false;
    }
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    return pid > 0 && ::kill(pid, 0) != 0 && errno == ESRCH;
}

std::optional<LeaseInfo> LeaseStore::read(const std::string& job, bool lock) {
    const auto b = store_.backend();
    std::string j = job;
    Poco::Nullable<std::string> holder;
    Poco::Int64 token = 0;
    Poco::Nullable<std::string> expires;
    Poco::Int64 expired = 0;
    Poco::Nullable<Poco::Int64> run_id;
    Poco::Nullable<std::string> firing;
    Poco::Data::Statement statement(store_.session());
    statement << "SELECT holder, token, " + store::isoTimeColumn(b, "expires_at") +
                     ", CASE WHEN expires_at IS NULL OR expires_at <= " + dbNow(b) +
                     " THEN 1 ELSE 0 END, run_id, firing FROM job_leases WHERE job = $1" +
                     (lock && b == Backend::PostgreSQL ? " FOR UPDATE SKIP LOCKED" : ""),
        use(j), into(holder), into(token), into(expires), into(expired), into(run_id), into(firing), now;
    if (statement.subTotalRowCount() == 0) {
        return std::nullopt;
    }
    LeaseInfo info;
    info.job = job;
    info.holder = holder.isNull() ? "" : holder.value();
    info.token = token;
    info.expires_at = expires.isNull() ? "" : expires.value();
    info.expired = expired != 0;
    if (!run_id.isNull()) {
        info.run_id = run_id.value();
    }
    info.firing = firing.isNull() ? "" : firing.value();
    return info;
}

std::variant<Lease, LeaseInfo> LeaseStore::tryAcquire(const std::string& job, const std::string& holder) {
    const auto b = store_.backend();
    std::string j = job;
    std::string h = holder;
    Poco::Int64 seconds = duration_.count();
    store::Transaction tx(store_);
    const auto row = read(job, true);
    if (!row) {
        if (auto locked = read(job, false)) {
            return *locked;  // another node is claiming it, or committing under it, right now
        }
        Poco::Data::Statement insert(store_.session());
        insert << "INSERT INTO job_leases (job, holder, token, acquired_at, expires_at) VALUES ($1, $2, 1, " +
                      dbNow(b) + ", " + dbNowPlus(b, 3) + ") ON CONFLICT (job) DO NOTHING",
            use(j), use(h), use(seconds);
        if (insert.execute() == 1) {
            tx.commit();
            return Lease{job, holder, 1, std::nullopt};
        }
        // A first claim by another node committed while ours waited on it.
        if (auto other = read(job, false)) {
            return *other;
        }
        return LeaseInfo{job, "another node", 0, "", false, std::nullopt, ""};
    }
    if (!row->holder.empty() && !row->expired) {
        return *row;
    }
    Poco::Int64 token = 0;
    store_.session() << "UPDATE job_leases SET holder = $1, token = token + 1, acquired_at = " + dbNow(b) +
                            ", expires_at = " + dbNowPlus(b, 2) +
                            ", run_id = NULL, firing = NULL WHERE job = $3 RETURNING token",
        use(h), use(seconds), use(j), into(token), now;
    tx.commit();
    Lease lease{job, holder, token, std::nullopt};
    if (!row->holder.empty() && row->run_id) {
        lease.taken_over = *row;
    }
    return lease;
}

bool LeaseStore::renew(const Lease& lease) {
    const auto b = store_.backend();
    std::string j = lease.job;
    std::string h = lease.holder;
    Poco::Int64 token = lease.token;
    Poco::Int64 seconds = duration_.count();
    store::Transaction tx(store_);
    Poco::Data::Statement update(store_.session());
    update << "UPDATE job_leases SET expires_at = " + dbNowPlus(b, 1) +
                  " WHERE job = $2 AND holder = $3 AND token = $4",
        use(seconds), use(j), use(h), use(token);
    const bool ours = update.execute() == 1;
    tx.commit();
    return ours;
}

void LeaseStore::expireNow(const LeaseInfo& held) {
    std::string j = held.job;
    std::string h = held.holder;
    Poco::Int64 token = held.token;
    store::Transaction tx(store_);
    store_.session() << "UPDATE job_leases SET expires_at = acquired_at WHERE job = $1 AND holder = $2 AND token = $3",
        use(j), use(h), use(token), now;
    tx.commit();
}

void LeaseStore::release(const Lease& lease) {
    std::string j = lease.job;
    std::string h = lease.holder;
    Poco::Int64 token = lease.token;
    store::Transaction tx(store_);
    store_.session() << "UPDATE job_leases SET holder = NULL, expires_at = NULL, run_id = NULL, firing = NULL "
                        "WHERE job = $1 AND holder = $2 AND token = $3",
        use(j), use(h), use(token), now;
    tx.commit();
}

void LeaseStore::setRun(const Lease& lease, std::int64_t run_id, const std::string& firing) {
    Poco::Int64 id = run_id;
    Poco::Nullable<std::string> f;
    if (!firing.empty()) {
        f = firing;
    }
    std::string j = lease.job;
    std::string h = lease.holder;
    Poco::Int64 token = lease.token;
    store::Transaction tx(store_);
    store_.session() << "UPDATE job_leases SET run_id = $1, firing = $2 WHERE job = $3 AND holder = $4 AND token = $5",
        use(id), use(f), use(j), use(h), use(token), now;
    tx.commit();
}

void LeaseStore::check(const Lease& lease) {
    std::string j = lease.job;
    std::string h = lease.holder;
    Poco::Int64 token = lease.token;
    Poco::Data::Statement statement(store_.session());
    Poco::Int64 found = 0;
    statement << std::string("SELECT token FROM job_leases WHERE job = $1 AND holder = $2 AND token = $3") +
                     (store_.backend() == Backend::PostgreSQL ? " FOR SHARE" : ""),
        use(j), use(h), use(token), into(found), now;
    if (statement.subTotalRowCount() == 0) {
        const auto current = read(lease.job, false);
        throw LeaseLost("the lease on job " + lease.job + " is no longer held by " + lease.holder + " (token " +
                        std::to_string(lease.token) + "); it is now " +
                        (current && !current->holder.empty()
                             ? "held by " + current->holder + " (token " + std::to_string(current->token) + ")"
                             : std::string("free")) +
                        ", so this run's uncommitted work was rolled back");
    }
}

std::vector<LeaseInfo> LeaseStore::list() {
    std::vector<std::string> jobs;
    store_.session() << "SELECT job FROM job_leases ORDER BY job", into(jobs), now;
    std::vector<LeaseInfo> out;
    for (const auto& job : jobs) {
        if (auto info = read(job, false)) {
            out.push_back(std::move(*info));
        }
    }
    return out;
}

bool LeaseStore::claimFiring(const std::string& job, const std::string& firing, const std::string& node,
                             const std::string& outcome) {
    std::string j = job;
    std::string f = firing;
    std::string n = node;
    std::string o = outcome;
    store::Transaction tx(store_);
    Poco::Data::Statement insert(store_.session());
    insert << "INSERT INTO job_firings (job, firing, node, outcome, claimed_at) VALUES ($1, $2, $3, $4, " +
                  dbNow(store_.backend()) + ") ON CONFLICT (job, firing) DO NOTHING",
        use(j), use(f), use(n), use(o);
    const bool ours = insert.execute() == 1;
    tx.commit();
    return ours;
}

void LeaseStore::setFiringRun(const std::string& job, const std::string& firing, std::int64_t run_id) {
    std::string j = job;
    std::string f = firing;
    Poco::Int64 id = run_id;
    store::Transaction tx(store_);
    store_.session() << "UPDATE job_firings SET run_id = $1 WHERE job = $2 AND firing = $3", use(id), use(j), use(f),
        now;
    tx.commit();
}

std::string LeaseStore::lastTimeFiring(const std::string& job) {
    std::string j = job;
    Poco::Nullable<std::string> last;
    store_.session() << "SELECT MAX(firing) FROM job_firings WHERE job = $1 AND firing NOT LIKE 'after:%'", use(j),
        into(last), now;
    return last.isNull() ? "" : last.value();
}

}  // namespace syncline::lease
