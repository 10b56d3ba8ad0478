#include "connectors/odbc/environment.h"

#include <dlfcn.h>

#include "connectors/odbc/diagnostics.h"

namespace syncline::odbc {

std::shared_ptr<Environment> Environment::shared() {
    static const std::shared_ptr<Environment> environment = std::make_shared<Environment>();
    return environment;
}

Environment::Environment() {
    // sqliteodbc dlopens libodbcinst to read a DSN and dlcloses it after each connect, which strands the library's
    // ini cache (~1.8 KB per DSN connection, for the life of the process). Holding one reference of our own keeps
    // the library loaded, so the cache is reused. The handle is deliberately never closed.
    static void* const keep_odbcinst_loaded = ::dlopen("libodbcinst.so.2", RTLD_NOW);
    (void)keep_odbcinst_loaded;
    SQLHENV env = SQL_NULL_HENV;
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env))) {
        throw detail::moduleError("SQLAllocHandle", "the ODBC driver manager could not allocate an environment");
    }
    handle_ = env;
    const SQLRETURN rc = SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
    if (!SQL_SUCCEEDED(rc)) {
        auto records = detail::collectDiagnostics(SQL_HANDLE_ENV, env, {});
        SQLFreeHandle(SQL_HANDLE_ENV, env);
        throw OdbcError("SQLSetEnvAttr", std::move(records));
    }
}

Environment::~Environment() {
    SQLFreeHandle(SQL_HANDLE_ENV, handle_);
}

}  // namespace syncline::odbc
