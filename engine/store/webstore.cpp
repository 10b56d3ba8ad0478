#include "engine/store/webstore.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Exception.h>
#include <libpq-fe.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <vector>

#include <fmt/format.h>
#include <sqlite3.h>

namespace syncline::store {

namespace {

void registerConnectors() {
    static std::once_flag once;
    std::call_once(once, [] {
        // SQLite's memory statistics take one process-wide mutex on every allocation: with several threads looking
        // up prices (the pricing APIs) they queue on it. Only possible before SQLite initialises; a no-op after.
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
        Poco::Data::SQLite::Connector::registerConnector();
        Poco::Data::PostgreSQL::Connector::registerConnector();
    });
}

// libpq conninfo values go in single quotes with backslash and quote escaped.
std::string quoteConnValue(const std::string& value) {
    std::string out = "'";
    for (char c : value) {
        if (c == '\'' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "'";
}

// Removes the password from a driver message, in case a driver echoes the connection string.
std::string scrub(std::string message, const std::string& secret) {
    if (secret.empty()) {
        return message;
    }
    for (auto pos = message.find(secret); pos != std::string::npos; pos = message.find(secret, pos)) {
        message.replace(pos, secret.size(), "***");
    }
    return message;
}

// Poco's PostgreSQL connector re-tokenizes the conninfo on spaces, so a password with a space (or any
// quoting) would break it, and its errors may echo the conninfo. libpq also reads the password from
// PGPASSWORD: set it there, once per distinct password, and keep it out of the connection string.
void providePassword(const std::string& password) {
    static std::mutex mutex;
    std::lock_guard lock(mutex);
    const char* current = std::getenv("PGPASSWORD");
    // Without a configured password, libpq's own sources (PGPASSWORD, ~/.pgpass) stay in charge.
    if (!password.empty() && (current == nullptr || password != current)) {
        ::setenv("PGPASSWORD", password.c_str(), 1);
    }
}

// Poco 1.11's PostgreSQL SessionHandle::connect does not PQfinish a failed connection (~34 KB lost
// per attempt: a daemon retrying an unreachable database would grow without bound). Connecting once
// with libpq first turns every failure into our own error, with libpq's message, and no leak.
void probePostgres(const ConnectionSettings& settings) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(settings.pgConnInfo().c_str()), &PQfinish);
    if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
        std::string message = conn ? PQerrorMessage(conn.get()) : "out of memory";
        while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
            message.pop_back();
        }
        throw StoreUnavailable(
            fmt::format("cannot open webstore {}: {}", settings.describe(), scrub(message, settings.password)));
    }
}

}  // namespace

std::string toString(Backend backend) {
    return backend == Backend::SQLite ? "sqlite" : "postgresql";
}

std::string ConnectionSettings::pgConnInfo() const {
    std::string out = fmt::format(
        "host={} port={} dbname={} user={} sslmode={} connect_timeout={} "
        "application_name=syncline",
        quoteConnValue(host), port, quoteConnValue(database), quoteConnValue(user), quoteConnValue(sslmode),
        connect_timeout_s);
    return out;
}

std::string ConnectionSettings::describe() const {
    if (backend == Backend::SQLite) {
        return "sqlite:" + sqlite_path;
    }
    return fmt::format("postgresql://{}@{}:{}/{}", user, host, port, database);
}

Webstore::Webstore(Backend backend, std::string description, Poco::Data::Session session)
    : backend_(backend), description_(std::move(description)), session_(std::move(session)) {}

std::unique_ptr<Webstore> Webstore::open(const ConnectionSettings& settings) {
    registerConnectors();
    using Poco::Data::Keywords::now;
    try {
        if (settings.backend == Backend::SQLite) {
            Poco::Data::Session session("SQLite", settings.sqlite_path, settings.connect_timeout_s);
            session << "PRAGMA busy_timeout = 10000", now;
            // 16 KiB pages for a new webstore, set before WAL mode fixes the size; an existing file keeps its own.
            // A pull writes hundreds of megabytes page by page: a quarter of the pages is a quarter of the WAL
            // writes and checkpoint copies (docs/architecture.md).
            session << "PRAGMA page_size = 16384", now;
            session << "PRAGMA journal_mode = WAL", now;
            session << "PRAGMA synchronous = NORMAL", now;
            session << "PRAGMA foreign_keys = ON", now;
            // A pull fills secondary indexes (price_rules by sku, scope) in random order: with SQLite's default
            // 2 MiB page cache nearly every row misses. 128 MiB is taken only as pages are touched.
            session << "PRAGMA cache_size = -131072", now;
            return std::unique_ptr<Webstore>(new Webstore(settings.backend, settings.describe(), std::move(session)));
        }
        providePassword(settings.password);
        probePostgres(settings);
        Poco::Data::Session session("PostgreSQL", settings.pgConnInfo(), settings.connect_timeout_s);
        session << "SET TIME ZONE 'UTC'", now;
        session << "SET client_min_messages = warning", now;
        if (settings.idle_in_transaction_timeout_s > 0) {
            session << "SET idle_in_transaction_session_timeout = " +
                           std::to_string(settings.idle_in_transaction_timeout_s * 1000),
                now;
        }
        return std::unique_ptr<Webstore>(new Webstore(settings.backend, settings.describe(), std::move(session)));
    } catch (const Poco::Exception& e) {
        throw StoreUnavailable(
            fmt::format("cannot open webstore {}: {}", settings.describe(), scrub(e.displayText(), settings.password)));
    }
}

std::string Webstore::utcNow() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::size_t executeRepeated(std::unique_ptr<Poco::Data::Statement> statement) {
    try {
        return statement->execute();
    } catch (...) {
        // Kept reachable for the life of the process and never destroyed (see the header).
        static std::mutex mutex;
        static auto* failed = new std::vector<std::unique_ptr<Poco::Data::Statement>>();
        const std::lock_guard<std::mutex> lock(mutex);
        failed->push_back(std::move(statement));
        throw;
    }
}

}  // namespace syncline::store
