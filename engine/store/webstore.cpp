#include "engine/store/webstore.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Exception.h>
#include <libpq-fe.h>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
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

// Poco 1.11's PostgreSQL SessionHandle::connect does not PQfinish a failed connection (~34 KB lost
// per attempt: a daemon retrying an unreachable database would grow without bound). Connecting once
// with libpq first turns every failure into our own error, with libpq's message, and no leak.
void probePostgres(const ConnectionSettings& settings, const std::string& conninfo) {
    std::unique_ptr<PGconn, decltype(&PQfinish)> conn(PQconnectdb(conninfo.c_str()), &PQfinish);
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

// Poco's PostgreSQL connector re-tokenizes the conninfo on spaces, so a password with a space (or any quoting)
// cannot go in it, and its errors may echo it: the password goes in a file of its own that only libpq reads.
PasswordFile::PasswordFile(const std::string& password) {
    if (password.empty()) {
        return;
    }
    if (password.find_first_of("\r\n") != std::string::npos) {  // check-config refuses it first
        throw StoreUnavailable("the webstore password holds a line break, which libpq cannot take");
    }
    fd_ = ::memfd_create("syncline-pgpass", MFD_CLOEXEC);
    if (fd_ < 0 || ::fchmod(fd_, 0600) != 0) {
        const int error = errno;
        throw StoreUnavailable(fmt::format("cannot hand the webstore password to libpq: {}", std::strerror(error)));
    }
    // hostname:port:database:username:password, every field matching; ':' and '\\' escaped.
    std::string line = "*:*:*:*:";
    for (const char c : password) {
        if (c == ':' || c == '\\') {
            line += '\\';
        }
        line += c;
    }
    line += '\n';
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            const int error = errno;
            throw StoreUnavailable(fmt::format("cannot hand the webstore password to libpq: {}", std::strerror(error)));
        }
        done += static_cast<std::size_t>(n);
    }
}

PasswordFile::~PasswordFile() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

PasswordFile& PasswordFile::operator=(PasswordFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

std::string PasswordFile::conninfo() const {
    return fd_ < 0 ? "" : " passfile=/proc/self/fd/" + std::to_string(fd_);
}

bool isStorageExhausted(const Poco::Exception& e) {
    if (dynamic_cast<const Poco::Data::SQLite::DatabaseFullException*>(&e) != nullptr ||
        dynamic_cast<const Poco::Data::SQLite::IOErrorException*>(&e) != nullptr) {
        return true;
    }
    const std::string text = e.displayText();
    // Poco's PostgreSQL messages carry no SQLSTATE (and may quote row values), so by the server's own words.
    for (const char* sign :
         {"No space left on device", "could not extend file", "database or disk is full", "disk I/O error"}) {
        if (text.find(sign) != std::string::npos) {
            return true;
        }
    }
    return false;
}

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

Webstore::Webstore(Backend backend, std::string description, Poco::Data::Session session, PasswordFile password)
    : backend_(backend),
      description_(std::move(description)),
      session_(std::move(session)),
      password_(std::move(password)) {}

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
            // Only the values check-config allows reach here; anything else is the safe one.
            const auto& sync = settings.sqlite_synchronous;
            session << "PRAGMA synchronous = " + std::string(sync == "normal"  ? "NORMAL"
                                                             : sync == "extra" ? "EXTRA"
                                                                               : "FULL"),
                now;
            session << "PRAGMA foreign_keys = ON", now;
            // A pull fills secondary indexes (price_rules by sku, scope) in random order: with SQLite's default
            // 2 MiB page cache nearly every row misses. 128 MiB is taken only as pages are touched.
            session << "PRAGMA cache_size = -131072", now;
            return std::unique_ptr<Webstore>(
                new Webstore(settings.backend, settings.describe(), std::move(session), PasswordFile()));
        }
        PasswordFile password(settings.password);
        const std::string conninfo = settings.pgConnInfo() + password.conninfo();
        probePostgres(settings, conninfo);
        Poco::Data::Session session("PostgreSQL", conninfo, settings.connect_timeout_s);
        session << "SET TIME ZONE 'UTC'", now;
        session << "SET client_min_messages = warning", now;
        if (settings.idle_in_transaction_timeout_s > 0) {
            session << "SET idle_in_transaction_session_timeout = " +
                           std::to_string(settings.idle_in_transaction_timeout_s * 1000),
                now;
        }
        return std::unique_ptr<Webstore>(
            new Webstore(settings.backend, settings.describe(), std::move(session), std::move(password)));
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
