#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace syncline::odbc {

class Environment;

/// An open ODBC connection (SQLHDBC) in autocommit mode. Move-only. The connection and its statements are used by
/// one thread at a time (any thread); every call may block on the network. Its statements share ownership of the
/// handle: the driver disconnects when the Connection and all its Statements are gone.
class Connection {
  public:
    static constexpr std::chrono::seconds kDefaultLoginTimeout{15};

    /// Connects through SQLDriverConnect with SQL_DRIVER_NOPROMPT and the full `connection_string` (see
    /// buildConnectionString). Blocks up to `login_timeout` where the driver honours SQL_ATTR_LOGIN_TIMEOUT
    /// (psqlODBC does; 0 waits as long as the driver does). Throws OdbcError; every password of the connection string
    /// is removed from its message and from the messages of all later errors of this connection and its statements.
    explicit Connection(std::string_view connection_string, std::chrono::seconds login_timeout = kDefaultLoginTimeout);
    /// Disconnects (unless statements still hold the handle: then the last of them does). Never throws.
    ~Connection();
    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    /// The SQLHDBC, for code in this module. A moved-from Connection has none (nullptr).
    void* handle() const;
    /// The secrets removed from every diagnostic of this connection: the passwords of its connection string.
    const std::vector<std::string>& secrets() const;

  private:
    friend class Statement;

    // The connection handle, shared with the connection's statements so that it outlives them.
    struct State {
        std::shared_ptr<Environment> environment;
        void* handle = nullptr;
        bool connected = false;
        std::vector<std::string> secrets;

        State() = default;
        ~State();
        State(const State&) = delete;
        State& operator=(const State&) = delete;
    };

    std::shared_ptr<State> state_;
};

}  // namespace syncline::odbc
