#include "tests/support/demo_erp.h"

#include <stdexcept>

#include "tests/support/process.h"

namespace syncline::testing {

DemoErp::DemoErp(store::Backend backend, const std::filesystem::path& dir, const DemoErpOptions& options,
                 TestPostgres* pg)
    : backend_(backend), odbc_dir_(dir / "odbc"), pg_(pg) {
    std::vector<std::string> args = {std::string(SYNCLINE_BINARY_DIR) + "/syncline-demo-erp", "--backend"};
    if (backend == store::Backend::SQLite) {
        database_ = (dir / "erp.db").string();
        args.insert(args.end(), {"sqlite", "--sqlite-path", database_});
    } else {
        if (pg == nullptr) {
            throw std::invalid_argument("a PostgreSQL demo ERP needs the test cluster");
        }
        database_ = pg->createDatabase("erp");
        args.insert(args.end(), {"postgresql", "--pg", pg->connInfo(database_)});
    }
    args.insert(args.end(), {"--items", std::to_string(options.items), "--seed", std::to_string(options.seed),
                             "--as-of", options.as_of, "--odbc-dir", odbc_dir_.string()});
    if (options.customers) {
        args.insert(args.end(), {"--customers", std::to_string(*options.customers)});
    }
    const auto r = runProcess(args);
    if (r.exit_code != 0) {
        throw std::runtime_error("syncline-demo-erp failed (" + std::to_string(r.exit_code) + "): " + r.err);
    }
    sql_ =
        backend == store::Backend::SQLite ? SqlClient::sqlite(database_) : SqlClient::postgres(pg->connInfo(database_));
}

DemoErp::~DemoErp() {
    sql_.reset();
    if (backend_ == store::Backend::PostgreSQL) {
        pg_->dropDatabase(database_);
    }
}

std::string DemoErp::configSection() const {
    std::string s =
        "[erp]\nconnector = \"odbc\"\ndsn = \"SynclineDemoERP\"\nodbc_ini_dir = \"" + odbc_dir_.string() + "\"\n";
    if (backend_ == store::Backend::PostgreSQL) {
        s += "user = \"" + pg_->user() + "\"\npassword_env = \"" + kPasswordEnv + "\"\n";
    }
    return s;
}

std::vector<std::string> DemoErp::environment() const {
    if (backend_ == store::Backend::PostgreSQL) {
        return {std::string(kPasswordEnv) + "=" + pg_->password()};
    }
    return {};
}

}  // namespace syncline::testing
