#pragma once

#include <memory>

namespace syncline::odbc {

/// The ODBC environment handle (SQLHENV, ODBC 3 behaviour). Connections hold it shared, so it outlives them.
/// unixODBC reads ODBCSYSINI and ODBCINI (where odbcinst.ini and odbc.ini are) once, at the first ODBC call of the
/// process: set them before the first call to shared().
class Environment {
  public:
    /// The process-wide environment, allocated on the first call. Any thread (initialisation is thread-safe); does
    /// not block on I/O except the driver manager's reading of its ini files. Throws OdbcError when the driver
    /// manager cannot allocate it (a later call tries again).
    static std::shared_ptr<Environment> shared();

    /// Allocates an environment with SQL_OV_ODBC3. Throws OdbcError. Prefer shared().
    Environment();
    ~Environment();
    Environment(const Environment&) = delete;
    Environment& operator=(const Environment&) = delete;

    /// The SQLHENV, for code in this module.
    void* handle() const { return handle_; }

  private:
    void* handle_ = nullptr;
};

}  // namespace syncline::odbc
