#include "connectors/odbc/connection.h"

#include <algorithm>
#include <limits>

#include "connectors/odbc/connection_string.h"
#include "connectors/odbc/diagnostics.h"
#include "connectors/odbc/driver_logging.h"
#include "connectors/odbc/environment.h"

namespace syncline::odbc {

namespace {

const std::vector<std::string> kNoSecrets;

}  // namespace

Connection::State::~State() {
    if (connected && !SQL_SUCCEEDED(SQLDisconnect(handle))) {
        // 25000: a transaction is still open. Roll it back rather than leave the handle connected.
        SQLEndTran(SQL_HANDLE_DBC, handle, SQL_ROLLBACK);
        SQLDisconnect(handle);
    }
    if (handle != nullptr) {
        SQLFreeHandle(SQL_HANDLE_DBC, handle);
    }
}

Connection::Connection(std::string_view connection_string, std::chrono::seconds login_timeout)
    : state_(std::make_shared<State>()) {
    state_->environment = Environment::shared();
    state_->secrets = connectionStringSecrets(connection_string);
    const auto& secrets = state_->secrets;
    if (auto risk = driverLoggingRisk(connection_string)) {
        throw OdbcError("SQLDriverConnect", {DiagnosticRecord{std::string(kRefusedSetting), 0, std::move(*risk)}});
    }

    SQLHDBC dbc = SQL_NULL_HDBC;
    detail::check(SQLAllocHandle(SQL_HANDLE_DBC, state_->environment->handle(), &dbc), SQL_HANDLE_ENV,
                  state_->environment->handle(), "SQLAllocHandle", secrets);
    state_->handle = dbc;

    if (connection_string.size() > static_cast<std::size_t>(std::numeric_limits<SQLSMALLINT>::max())) {
        throw detail::moduleError("SQLDriverConnect", "connection string longer than 32767 bytes");
    }
    const auto timeout = static_cast<SQLULEN>(std::max<std::chrono::seconds::rep>(login_timeout.count(), 0));
    detail::check(SQLSetConnectAttr(dbc, SQL_ATTR_LOGIN_TIMEOUT, reinterpret_cast<SQLPOINTER>(timeout), 0),
                  SQL_HANDLE_DBC, dbc, "SQLSetConnectAttr(SQL_ATTR_LOGIN_TIMEOUT)", secrets);

    std::string in = withDriverLoggingOff(connection_string);  // also: SQLDriverConnect takes a non-const buffer
    SQLSMALLINT out_length = 0;
    detail::check(SQLDriverConnect(dbc, nullptr, reinterpret_cast<SQLCHAR*>(in.data()),
                                   static_cast<SQLSMALLINT>(in.size()), nullptr, 0, &out_length, SQL_DRIVER_NOPROMPT),
                  SQL_HANDLE_DBC, dbc, "SQLDriverConnect", secrets);
    state_->connected = true;
}

Connection::~Connection() = default;
Connection::Connection(Connection&& other) noexcept = default;
Connection& Connection::operator=(Connection&& other) noexcept = default;

void* Connection::handle() const {
    return state_ ? state_->handle : nullptr;
}

const std::vector<std::string>& Connection::secrets() const {
    return state_ ? state_->secrets : kNoSecrets;
}

}  // namespace syncline::odbc
