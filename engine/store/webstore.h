#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>

#include <Poco/Data/Session.h>
#include <Poco/Data/Statement.h>

#include <memory>

namespace syncline::store {

enum class Backend { SQLite, PostgreSQL };

/// "sqlite" / "postgresql", as written in the config and shown to admins.
std::string toString(Backend backend);

/// Where the webstore database is. The password is held only in memory; describe() never shows it.
struct ConnectionSettings {
    Backend backend = Backend::SQLite;
    std::string sqlite_path;  ///< SQLite: the database file
    /// SQLite: PRAGMA synchronous in WAL mode. "normal": a commit survives a crash of the process but a power loss
    /// may undo the last ones (never corrupts); "full": a commit also survives a power loss, at an fsync each.
    std::string sqlite_synchronous = "normal";
    std::string host = "127.0.0.1";
    int port = 5432;
    std::string database;
    std::string user;
    std::string password;  ///< from a secret (env var or file), never from the config file itself
    std::string sslmode = "prefer";
    int connect_timeout_s = 10;
    /// PostgreSQL: the server ends a session that sits this long inside a transaction without sending anything
    /// (idle_in_transaction_session_timeout), so that a frozen engine (SIGSTOP, a VM pause) does not hold its locks
    /// past its job lease. 0: the server's setting.
    int idle_in_transaction_timeout_s = 0;

    /// A libpq conninfo string; values must not contain spaces (Poco splits on them).
    /// The password is not in it: Webstore::open hands it to libpq in a PasswordFile of the connection's own.
    std::string pgConnInfo() const;
    /// Human description for logs and errors: backend and location, never the password.
    std::string describe() const;
};

/// Thrown when the webstore cannot be opened; the message is safe to show (no password).
class StoreUnavailable : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Thrown when the connection to the webstore broke during work (the server restarted or ended the session): what
/// was committed stays, the transaction in flight was rolled back, and trying again later is the cure.
class ConnectionLost : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Whether a webstore error says the storage ran out or failed (SQLite's SQLITE_FULL and SQLITE_IOERR; PostgreSQL's
/// "No space left on device" and "could not extend file"): a condition that passes, so a run that hit it is retried, not
/// given up as an internal error. Any thread, never throws.
bool isStorageExhausted(const Poco::Exception& e);

/// A password handed to libpq for one connection only, as its `passfile`: an anonymous in-memory file (memfd,
/// mode 0600, closed on exec) named by /proc/self/fd/N. Nothing process-wide: PGPASSWORD would reach every libpq
/// connection of the process (the ERP's through psqlODBC included) and every child's environment. Empty when
/// there is no password (libpq's own sources, ~/.pgpass, stay in charge).
class PasswordFile {
  public:
    PasswordFile() = default;
    /// Throws StoreUnavailable when the file cannot be made, or the password holds a line break.
    explicit PasswordFile(const std::string& password);
    ~PasswordFile();
    PasswordFile(PasswordFile&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    PasswordFile& operator=(PasswordFile&& other) noexcept;
    PasswordFile(const PasswordFile&) = delete;
    PasswordFile& operator=(const PasswordFile&) = delete;

    /// " passfile=/proc/self/fd/N" to append to a conninfo, or "" without a password.
    std::string conninfo() const;

  private:
    int fd_ = -1;
};

/// An open connection to the webstore database.
/// SQL placeholders are written $1, $2, ... and must first appear in ascending order: PostgreSQL
/// needs that form, and SQLite reads them as named parameters numbered by first appearance. One per thread; not
/// thread-safe. SQLite is opened in WAL mode with foreign keys on and a busy timeout, so that the storefront and the
/// engine can use the file at the same time.
class Webstore {
  public:
    /// Opens (for SQLite: creates if missing) the database. Blocks up to the connect timeout.
    /// Throws StoreUnavailable with a password-free message.
    static std::unique_ptr<Webstore> open(const ConnectionSettings& settings);

    Backend backend() const { return backend_; }
    const std::string& description() const { return description_; }
    Poco::Data::Session& session() { return session_; }
    /// False once the connection broke (PostgreSQL: the server went away or ended the session); such a session
    /// cannot be used again, open a new Webstore.
    bool connected() { return session_.isConnected(); }

    /// The audit chain's secret key (audit.hmac_key_file or _env; engine/audit/row_hash.h), empty for none. Carried
    /// by the store because every audit appender is handed one: each AuditLog made on this store keys its rows with
    /// it. Set by whoever opens the store from the config; held in memory only, never shown.
    void setAuditKey(std::string secret) { audit_key_ = std::move(secret); }
    const std::string& auditKey() const { return audit_key_; }

    /// Current time as the database stores it: ISO-8601 UTC text for SQLite, a TIMESTAMPTZ for PostgreSQL.
    /// Returned as ISO-8601 UTC text ("2026-11-27T20:42:55Z"), taken from this machine's clock.
    static std::string utcNow();

  private:
    Webstore(Backend backend, std::string description, Poco::Data::Session session, PasswordFile password);

    Backend backend_;
    std::string description_;
    Poco::Data::Session session_;
    PasswordFile password_;  ///< libpq reads it at every (re)connect of session_, so it lives as long
    std::string audit_key_;
};

/// Executes a statement whose parameters are vectors (one execution per element) and returns the rows affected.
/// Every multi-row write on the webstore goes through here. Poco 1.11's PostgreSQL connector clears an execution's
/// result without forgetting it, so when a later execution of the same statement fails (the connection was ended, a
/// constraint) its destructor frees that result again and the process aborts. A statement whose execution failed is
/// therefore never destroyed: a few hundred bytes are left behind per failed write, which fails the run anyway.
std::size_t executeRepeated(std::unique_ptr<Poco::Data::Statement> statement);

}  // namespace syncline::store
