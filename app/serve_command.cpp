// serve: the scheduler daemon. It fires each job on its schedule as a child process (`syncline run JOB --firing F`),
// so that a run that crashes never takes the daemon with it and every run, manual or scheduled, goes through the
// same job lease and firing claim (app/job_lease.h). Signals are taken synchronously by the main loop.
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <sstream>
#include <thread>

#include <Poco/Data/Session.h>
#include <spdlog/spdlog.h>

#include "app/auth_failures.h"
#include "app/commands.h"
#include "app/config_handover.h"
#include "app/config_lookup.h"
#include "app/exit_codes.h"
#include "app/http_api.h"
#include "app/live_prices.h"
#include "app/pricing_thrift.h"
#include "engine/audit/audit_log.h"
#include "engine/config/secret_handover.h"
#include "engine/lease/lease.h"
#include "engine/store/transaction.h"

namespace syncline::app {

namespace {

using Clock = std::chrono::system_clock;
using std::chrono::sys_seconds;

std::string isoUtc(sys_seconds t) {
    const std::time_t tt = Clock::to_time_t(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::optional<sys_seconds> parseIsoUtc(const std::string& text) {
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (end == nullptr || *end != '\0') {
        return std::nullopt;
    }
    return sys_seconds(std::chrono::seconds(timegm(&tm)));
}

sys_seconds nowSeconds() {
    return std::chrono::floor<std::chrono::seconds>(Clock::now());
}

/// systemd's notification protocol (sd_notify): one datagram to $NOTIFY_SOCKET; nothing when it is not set.
void notifySystemd(const std::string& state) {
    const char* path = std::getenv("NOTIFY_SOCKET");
    if (path == nullptr || *path == '\0') {
        return;
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::size_t len = std::min(std::strlen(path), sizeof(addr.sun_path) - 1);
    std::memcpy(addr.sun_path, path, len);
    if (addr.sun_path[0] == '@') {
        addr.sun_path[0] = '\0';  // abstract namespace
    }
    const int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return;
    }
    ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr),
             static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len));
    ::close(fd);
}

/// The job's state in this daemon.
struct JobState {
    std::optional<sys_seconds> next;  ///< its next firing
    std::string pending;              ///< a due firing not yet handed to a child ("" = none)
    std::string running;              ///< the firing of the child now running
    pid_t child = -1;
    bool child_is_resume = false;
    int attempt = 0;                        ///< failed attempts of `running`/`pending` so far
    std::optional<sys_seconds> retry_at;    ///< when to retry `pending` after a transient failure
    std::optional<sys_seconds> busy_until;  ///< another process holds the lease: try `pending` again then
};

/// Everything the pricing APIs are built from ([api], [pricing], the webstore, the ERP connection of live mode), as
/// one string to compare; it holds secrets, so it is compared and never shown.
std::string apiBasis(const config::Config& c) {
    const auto& a = c.api;
    const auto& p = c.pricing;
    const auto& w = c.webstore;
    const auto& e = c.erp;
    std::ostringstream out;
    out << a.bind << '\n'
        << a.http_port << '\n'
        << a.thrift_port << '\n'
        << a.token.reveal() << '\n'
        << a.max_connections << '\n'
        << a.max_request_bytes << '\n'
        << a.max_cart_lines << '\n'
        << a.max_connections_per_peer << '\n'
        << a.http_max_open_connections << '\n'
        << a.http_request_timeout_ms << '\n'
        << a.thrift_first_frame_timeout_ms << '\n'
        << a.tls.cert_pem << '\n'  // the files' contents: a renewed certificate restarts the APIs
        << a.tls.key_pem.reveal() << '\n'
        << a.tls.ca_pem << '\n'
        << p.max_age_s << '\n'
        << p.cache_items << '\n'
        << p.cache_check_ms << '\n'
        << p.cache_max_age_s << '\n'
        << p.live.on << '\n'
        << p.live.timeout_ms << '\n'
        << p.live.cache_ttl_s << '\n'
        << p.live.cache_entries << '\n'
        << w.pgConnInfo() << '\n'
        << w.sqlite_path << '\n'
        << w.password << '\n'
        << w.idle_in_transaction_timeout_s << '\n'
        << e.connector << '\n'
        << e.settings.values.dump() << '\n';  // odbc_ini_dir among them, though unixODBC reads it once per process
    for (const auto& [name, secret] : e.settings.secrets) {
        out << name << '=' << secret << '\n';
    }
    out << e.login_timeout_s;
    return out.str();
}

class Daemon {
  public:
    Daemon(const GlobalOptions& options, config::Config config) : options_(options), config_(std::move(config)) {}

    int run();

  private:
    bool shareConfig();
    void reload();
    void planJobs(bool keep_next);
    void tick();
    void resumeAbandoned();
    void reap();
    void spawn(const std::string& job, const std::string& firing, bool retry, bool resume);
    bool dependencyBusy(const schedule::JobSchedule& schedule);
    int shutdown();
    store::Webstore& store();
    void startApis(const config::Config& config);
    void stopApis(bool finish_requests);
    void followApis();

    GlobalOptions options_;
    config::Config config_;
    int config_fd_ = -1;  ///< the last valid config's text, sealed in memory, for the runs (app/config_handover.h)
    std::unique_ptr<store::Webstore> store_;
    std::map<std::string, JobState> jobs_;
    std::map<pid_t, std::string> children_;
    sys_seconds last_resume_scan_{};
    std::mt19937 random_{std::random_device{}()};
    // The pricing APIs ([api]); a reload that changes what they are built from restarts them.
    std::unique_ptr<PricingService> pricing_;
    std::unique_ptr<AuthFailureLog> auth_failures_;
    std::unique_ptr<HttpPricingServer> http_;
    std::unique_ptr<ThriftPricingServer> thrift_;
    std::optional<config::Config> api_config_;  ///< what the running APIs were built from; none while they are off
};

store::Webstore& Daemon::store() {
    if (!store_) {
        store_ = store::Webstore::open(config_.webstore);
        store_->setAuditKey(config_.audit.hmac_key.reveal());
    }
    return *store_;
}

// The runs read the text this daemon validated, not the file, so a half-edited file never reaches a run; it stays in
// memory, so the daemon writes nothing beside its config (read-only /etc/syncline under the package's unit).
bool Daemon::shareConfig() {
    try {
        const int fd = shareConfigText(*options_.config_text);
        if (config_fd_ >= 0) {
            ::close(config_fd_);
        }
        config_fd_ = fd;
        return true;
    } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return false;
    }
}

void Daemon::planJobs(bool keep_next) {
    const auto now = nowSeconds();
    std::map<std::string, JobState> planned;
    for (const auto& s : config_.schedules) {
        if (!s.enabled) {
            continue;
        }
        JobState state;
        if (auto it = jobs_.find(s.job); it != jobs_.end()) {
            state = it->second;  // keeps its child, pending firing and retries
        }
        if (!keep_next || !state.next) {
            // Go on from the last firing any node took, so firings missed while no daemon ran are seen.
            const auto last =
                parseIsoUtc(lease::LeaseStore(store(), std::chrono::seconds(config_.lease_s)).lastTimeFiring(s.job));
            state.next = s.schedule.next(last ? *last : now);
        }
        planned[s.job] = state;
        spdlog::info("job {}: {} ({}), next run {}", s.job, s.schedule.describe(), s.schedule.timeZone(),
                     s.schedule.formatLocal(*state.next));
    }
    // Jobs no longer scheduled keep their running child until it ends.
    for (auto& [job, state] : jobs_) {
        if (!planned.count(job) && state.child > 0) {
            planned[job] = state;
            planned[job].next.reset();
        }
    }
    jobs_ = std::move(planned);
}

void Daemon::reload() {
    try {
        GlobalOptions fresh = options_;
        fresh.config_text = config::readConfigFile(options_.config_path);
        auto config = loadConfig(fresh);
        config_ = std::move(config);
        options_ = std::move(fresh);
        shareConfig();
        store_.reset();
        planJobs(false);
        try {
            store::Transaction tx(store());
            audit::ChangeSet change;
            change.add("path", std::nullopt, config_.path);
            audit::AuditLog(store()).append(
                {"daemon:" + config_.node_name, "config", config_.path, "reload", change.json()});
            tx.commit();
        } catch (const std::exception& e) {
            spdlog::warn("config reload not audited: {}", e.what());
        }
        spdlog::info("SIGHUP: config {} reloaded", config_.path);
    } catch (const config::ConfigError& e) {
        for (const auto& issue : e.issues()) {
            spdlog::error("SIGHUP: {}", issue.format());
        }
        spdlog::error("SIGHUP: the new config is not valid; still running with the previous one");
    } catch (const std::exception& e) {
        spdlog::error("SIGHUP: {}; still running with the previous config", e.what());
    }
    followApis();
}

bool Daemon::dependencyBusy(const schedule::JobSchedule& schedule) {
    if (schedule.after.empty()) {
        return false;
    }
    std::vector<lease::LeaseInfo> leases;
    try {
        leases = lease::LeaseStore(store(), std::chrono::seconds(config_.lease_s)).list();
    } catch (const std::exception&) {
        store_.reset();
        return true;  // cannot tell: wait
    }
    for (const auto& dependency : schedule.after) {
        if (auto it = jobs_.find(dependency); it != jobs_.end() && it->second.child > 0) {
            return true;
        }
        for (const auto& l : leases) {
            if (l.job == dependency && !l.holder.empty() && !l.expired) {
                return true;
            }
        }
    }
    return false;
}

void Daemon::spawn(const std::string& job, const std::string& firing, bool retry, bool resume) {
    std::vector<std::string> args = {
        "/proc/self/exe", "--config", options_.config_path, "--config-fd", std::to_string(config_fd_), "run", job};
    const auto* schedule = config::findSchedule(config_, job);
    if (schedule != nullptr && schedule->full) {
        args.push_back("--full");
    }
    if (resume) {
        args.push_back("--resume");
    } else {
        args.push_back("--firing");
        args.push_back(firing);
        if (retry) {
            args.push_back("--retry");
        }
    }
    if (!options_.log_format.empty()) {
        args.push_back("--log-format");
        args.push_back(options_.log_format);
    }
    // The child's environment is this process's without the variables that hold secrets; those it gets through an
    // in-memory file (config/secret_handover.h) that only it inherits.
    // PGPASSWORD (when the admin relies on it for the ERP; check-config refuses it beside a webstore password)
    // travels the same way: it is a secret too.
    auto secrets = config_.secret_env;
    if (const char* pgpassword = std::getenv("PGPASSWORD"); pgpassword != nullptr && *pgpassword != '\0') {
        secrets["PGPASSWORD"] = pgpassword;
    }
    int handover = -1;
    if (!secrets.empty()) {
        try {
            handover = config::writeSecretHandover(secrets);
        } catch (const std::exception& e) {
            spdlog::error("job {}: cannot start a run: {}", job, e.what());
            return;
        }
        args.push_back("--secrets-fd");
        args.push_back(std::to_string(handover));
    }
    struct CloseInThisProcess {  // the child has its copy across exec; this one closes on every way out
        int fd;
        ~CloseInThisProcess() {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    } close_handover{handover};
    std::vector<std::string> env;
    for (char** e = environ; *e != nullptr; ++e) {
        const std::string_view entry(*e);
        const std::string name(entry.substr(0, entry.find('=')));
        if (secrets.count(name) == 0) {
            env.emplace_back(entry);
        }
    }
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& e : env) {
        envp.push_back(e.data());
    }
    envp.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid < 0) {
        spdlog::error("job {}: cannot start a run: {}", job, std::strerror(errno));
        return;
    }
    if (pid == 0) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        if (handover >= 0) {
            ::fcntl(handover, F_SETFD, 0);  // this child's, and only across this exec
        }
        ::fcntl(config_fd_, F_SETFD, 0);
        ::execve("/proc/self/exe", argv.data(), envp.data());
        std::_Exit(kExitSoftware);
    }
    auto& state = jobs_[job];
    state.child = pid;
    state.child_is_resume = resume;
    state.running = resume ? "" : firing;
    children_[pid] = job;
    spdlog::info("job {}: run started (pid {}, {})", job, pid,
                 resume ? "resuming after a lost node" : (retry ? "retry of firing " : "firing ") + firing);
}

void Daemon::reap() {
    int status = 0;
    pid_t pid = 0;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        const auto it = children_.find(pid);
        if (it == children_.end()) {
            continue;
        }
        const std::string job = it->second;
        children_.erase(it);
        auto& state = jobs_[job];
        const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        const std::string firing = state.running;
        state.child = -1;
        state.running.clear();
        spdlog::info("job {}: run ended (pid {}, exit {})", job, pid, code);
        if (code != kExitTempFail || state.child_is_resume || firing.empty()) {
            state.attempt = 0;
            continue;
        }
        // 75: a transient failure of a run of this firing, or the lease held by another process before the
        // firing was claimed. The firing's claim tells which.
        std::string claimed_by;
        try {
            std::string j = job;
            std::string f = firing;
            Poco::Nullable<std::string> node;
            store().session() << "SELECT node FROM job_firings WHERE job = $1 AND firing = $2",
                Poco::Data::Keywords::use(j), Poco::Data::Keywords::use(f), Poco::Data::Keywords::into(node),
                Poco::Data::Keywords::now;
            claimed_by = node.isNull() ? "" : node.value();
        } catch (const std::exception& e) {
            store_.reset();
            spdlog::warn("job {}: {}", job, e.what());
        }
        const auto* schedule = config::findSchedule(config_, job);
        if (claimed_by.empty()) {
            state.pending = firing;  // not run anywhere yet: try again shortly
            state.busy_until = nowSeconds() + std::chrono::seconds(2);
        } else if (claimed_by == config_.node_name && schedule != nullptr && state.attempt < schedule->retries) {
            const auto backoff = schedule->retry_backoff * (1 << std::min(state.attempt, 16));
            const auto jitter =
                std::chrono::seconds(std::uniform_int_distribution<long>(0, backoff.count() / 4)(random_));
            ++state.attempt;
            state.pending = firing;
            state.retry_at = nowSeconds() + backoff + jitter;
            spdlog::warn("job {}: transient failure; retry {} of {} at {}", job, state.attempt, schedule->retries,
                         isoUtc(*state.retry_at));
        } else if (claimed_by == config_.node_name) {
            spdlog::error("job {}: firing {} failed after {} retries; the next firing runs on schedule", job, firing,
                          state.attempt);
            state.attempt = 0;
        }
    }
}

void Daemon::resumeAbandoned() {
    const auto now = nowSeconds();
    if (now - last_resume_scan_ < std::chrono::seconds(std::max(1, config_.lease_s / 2))) {
        return;
    }
    last_resume_scan_ = now;
    try {
        for (const auto& l : lease::LeaseStore(store(), std::chrono::seconds(config_.lease_s)).list()) {
            const bool dead_here = !l.holder.empty() && lease::isDeadLocalHolder(l.holder, config_.node_name);
            if (l.run_id && !l.holder.empty() && (l.expired || dead_here) && jobs_[l.job].child < 0) {
                spawn(l.job, "", false, true);
            }
        }
    } catch (const std::exception& e) {
        store_.reset();
        spdlog::warn("cannot read the job leases: {}", e.what());
    }
}

void Daemon::tick() {
    const auto now = nowSeconds();
    for (const auto& s : config_.schedules) {
        if (!s.enabled) {
            continue;
        }
        auto& state = jobs_[s.job];
        // Firings that came due: the latest of them is the one to run (several missed ones run once).
        if (state.next && *state.next <= now) {
            sys_seconds due = *state.next;
            int missed = 0;
            for (auto n = s.schedule.next(due); n <= now && missed < 1000000; n = s.schedule.next(n)) {
                due = n;
                ++missed;
            }
            state.next = s.schedule.next(now);
            const auto late = now - due;
            const bool misfire = missed > 0 || state.child > 0 || !state.pending.empty() ||
                                 late > std::chrono::seconds(std::max<long>(5, std::min<long>(60, config_.lease_s)));
            if (misfire && s.misfire == schedule::Misfire::Skip) {
                try {
                    lease::LeaseStore(store(), std::chrono::seconds(config_.lease_s))
                        .claimFiring(s.job, isoUtc(due), config_.node_name, "skipped");
                } catch (const std::exception& e) {
                    store_.reset();
                    spdlog::warn("job {}: {}", s.job, e.what());
                }
                spdlog::warn("job {}: firing {} missed ({} earlier ones too); misfire policy skip: next run {}", s.job,
                             isoUtc(due), missed, s.schedule.formatLocal(*state.next));
                continue;
            }
            if (misfire) {
                spdlog::warn("job {}: firing {} is late by {} s ({} earlier ones missed); misfire policy run_once",
                             s.job, isoUtc(due), late.count(), missed);
            }
            state.pending = isoUtc(due);
            state.attempt = 0;
            state.retry_at.reset();
            state.busy_until.reset();
        }
        if (state.pending.empty() || state.child > 0) {
            continue;
        }
        if ((state.retry_at && now < *state.retry_at) || (state.busy_until && now < *state.busy_until)) {
            continue;
        }
        if (dependencyBusy(s)) {
            continue;
        }
        const bool retry = state.retry_at.has_value();
        const std::string firing = state.pending;
        state.pending.clear();
        state.retry_at.reset();
        state.busy_until.reset();
        spawn(s.job, firing, retry, false);
    }
}

// Throws std::invalid_argument for a config they cannot use (a bad live query), std::runtime_error when a port
// cannot be bound.
void Daemon::startApis(const config::Config& config) {
    if (!config.api.enabled()) {
        return;
    }
    const auto& api = config.api;
    pricing_ = std::make_unique<PricingService>(config.webstore, config.pricing.max_age_s, api.max_cart_lines,
                                                makeLivePrices(config), makePriceCache(config.pricing));
    auth_failures_ = std::make_unique<AuthFailureLog>(config.webstore);
    try {
        if (api.http_port != 0) {
            http_ = std::make_unique<HttpPricingServer>(*pricing_, api, *auth_failures_);
            http_->start();
            spdlog::info("pricing API: JSON over HTTP{} on {}:{}", api.tls.enabled() ? "S" : "", api.bind,
                         http_->port());
        }
        if (api.thrift_port != 0) {
            thrift_ = std::make_unique<ThriftPricingServer>(*pricing_, api, *auth_failures_);
            thrift_->start();
            spdlog::info("pricing API: Thrift PricingService{} on {}:{}", api.tls.enabled() ? " over TLS" : "",
                         api.bind, thrift_->port());
        }
        if (api.tls.enabled()) {
            const auto tls = http_ ? http_->tlsDescription() : thrift_->tlsDescription();
            spdlog::log(tls.find("EXPIRED") != std::string::npos ? spdlog::level::warn : spdlog::level::info,
                        "pricing API: TLS with the {}", tls);
        }
    } catch (...) {
        stopApis(false);
        throw;
    }
    api_config_ = config;
}

// Thrift requests in flight finish; HTTP ones finish with `finish_requests`, else their connections are shut down.
void Daemon::stopApis(bool finish_requests) {
    if (http_) {
        http_->stop(finish_requests);
    }
    if (thrift_) {
        thrift_->stop();
    }
    http_.reset();
    thrift_.reset();
    auth_failures_.reset();  // tells the failures it still counts
    pricing_.reset();
    api_config_.reset();
}

// After a reload: when what the APIs are built from differs from what the running ones were built from, they are
// restarted with the current config (requests in flight finish first). When those cannot start (a port in use), the
// previous ones are started again, and the log says so; the next SIGHUP tries again.
void Daemon::followApis() {
    const std::string wanted = config_.api.enabled() ? apiBasis(config_) : "";
    const std::string running = api_config_ ? apiBasis(*api_config_) : "";
    if (wanted == running) {
        return;
    }
    auto previous = api_config_;
    stopApis(true);
    try {
        startApis(config_);
        spdlog::info(config_.api.enabled() ? "SIGHUP: pricing APIs restarted with the new config"
                                           : "SIGHUP: pricing APIs stopped ([api] sets no port)");
        return;
    } catch (const std::exception& e) {
        spdlog::error("SIGHUP: the pricing APIs cannot start with the new config: {}", e.what());
    }
    if (!previous) {
        return;
    }
    try {
        startApis(*previous);
        spdlog::error("SIGHUP: the pricing APIs run with the previous [api] and [pricing] settings");
    } catch (const std::exception& e) {
        spdlog::error("SIGHUP: the pricing APIs are off: {}", e.what());
    }
}

int Daemon::shutdown() {
    notifySystemd("STOPPING=1");
    stopApis(false);
    spdlog::info("stopping: {} run(s) in flight stop at their next commit (at most {} s)", children_.size(),
                 config_.shutdown_timeout_s);
    for (const auto& [pid, job] : children_) {
        ::kill(pid, SIGTERM);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(config_.shutdown_timeout_s);
    while (!children_.empty() && std::chrono::steady_clock::now() < deadline) {
        reap();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    for (const auto& [pid, job] : children_) {
        spdlog::error("job {}: run (pid {}) did not stop in time; killed (its batch in flight is rolled back)", job,
                      pid);
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
    }
    spdlog::info("stopped");
    return kExitOk;
}

int Daemon::run() {
    if (!shareConfig()) {
        return kExitSoftware;
    }
    planJobs(false);
    if (config_.api.enabled()) {
        try {
            startApis(config_);
        } catch (const std::invalid_argument& e) {
            spdlog::error("{}", e.what());
            return kExitConfig;
        } catch (const std::exception& e) {
            spdlog::error("{}", e.what());
            return kExitUnavailable;
        }
    } else if (jobs_.empty()) {
        spdlog::warn("no job has an enabled [schedule.<job>]: nothing will run until a SIGHUP brings one");
    }
    notifySystemd("READY=1\nSTATUS=scheduling " + std::to_string(jobs_.size()) + " job(s)");
    spdlog::info("syncline serve: node {}, webstore {}, {} scheduled job(s)", config_.node_name,
                 config_.webstore.describe(), jobs_.size());
    const char* watchdog = std::getenv("WATCHDOG_USEC");
    const auto watchdog_every =
        watchdog != nullptr ? std::chrono::microseconds(std::atoll(watchdog)) / 2 : std::chrono::microseconds(0);
    auto last_watchdog = std::chrono::steady_clock::now();
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) {
        sigaddset(&set, s);
    }
    for (;;) {
        timespec wait{0, 500 * 1000 * 1000};
        const int signal = sigtimedwait(&set, nullptr, &wait);
        if (signal == SIGTERM || signal == SIGINT) {
            spdlog::info("{} received", strsignal(signal));
            return shutdown();
        }
        if (signal == SIGHUP) {
            notifySystemd("RELOADING=1");
            reload();
            notifySystemd("READY=1");
        }
        reap();
        try {
            tick();
            resumeAbandoned();
        } catch (const std::exception& e) {
            store_.reset();  // reconnect on the next tick (e.g. PostgreSQL restarted)
            spdlog::warn("scheduler: {}; trying again", e.what());
        }
        if (watchdog_every.count() > 0 && std::chrono::steady_clock::now() - last_watchdog >= watchdog_every) {
            notifySystemd("WATCHDOG=1");
            last_watchdog = std::chrono::steady_clock::now();
        }
    }
}

}  // namespace

int commandServe(const GlobalOptions& options) {
    sigset_t set;
    sigemptyset(&set);
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGCHLD}) {
        sigaddset(&set, s);
    }
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    // The file found once (app/config_lookup.h), read once: what is validated is what the runs get.
    GlobalOptions resolved = options;
    resolved.config_path = configPathOf(options.config_path);
    resolved.config_text = config::readConfigFile(resolved.config_path);
    auto config = loadConfig(resolved);
    {
        auto webstore = openWebstore(config);  // migrates, or refuses a newer schema
        // A keyed audit log and a config without its key: every job would fail at its first audit row; say it now.
        audit::AuditLog(*webstore).checkAppendable();
    }
    int lock_fd = -1;
    if (config.webstore.backend == store::Backend::SQLite) {
        // With SQLite the database is one machine's file: one daemon. Several nodes need PostgreSQL. The lock sits
        // beside the file's real path, so a symlink or another spelling of the path finds the same lock.
        std::error_code ec;
        const auto real = std::filesystem::canonical(config.webstore.sqlite_path, ec);
        const std::string lock_path = (ec ? config.webstore.sqlite_path : real.string()) + ".serve.lock";
        lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (lock_fd < 0 || ::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
            std::string holder;
            std::ifstream(lock_path) >> holder;
            std::cerr << "syncline serve: another syncline serve (" << (holder.empty() ? "unknown" : holder)
                      << ") already runs on the SQLite webstore " << config.webstore.sqlite_path
                      << "; only one daemon may use an SQLite webstore (use PostgreSQL for several nodes)\n";
            return kExitUnavailable;
        }
        const std::string me = lease::holderId(config.node_name);
        if (::ftruncate(lock_fd, 0) == 0) {
            [[maybe_unused]] const auto written = ::write(lock_fd, me.data(), me.size());
        }
    }
    Daemon daemon(resolved, std::move(config));
    const int code = daemon.run();
    if (lock_fd >= 0) {
        ::close(lock_fd);
    }
    return code;
}

}  // namespace syncline::app
