#include "odbc_files.h"

#include <fstream>

#include "demo_erp_error.h"

namespace syncline::demo_erp {
namespace {

constexpr std::string_view kDriverDir = "/usr/lib/x86_64-linux-gnu/odbc/";

void writeFile(const std::filesystem::path& file, const std::string& text) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        throw DemoErpError(kExitCantCreate, "cannot write " + file.string());
    }
}

std::string header(std::string_view what) {
    return "; " + std::string(what) + ", written by syncline-demo-erp. Use with\n" +
           ";   ODBCSYSINI=<this directory> ODBCINI=<this directory>/odbc.ini\n";
}

}  // namespace

void writeOdbcFiles(const std::filesystem::path& dir, std::string_view dsn,
                    const std::variant<SqliteTarget, PostgresEndpoint>& target) {
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
        throw DemoErpError(kExitCantCreate, "cannot create " + dir.string() + ": " + error.message());
    }
    std::string drivers = header("ODBC drivers");
    std::string sources = header("ODBC data source of the Syncline demo ERP");
    sources += "[" + std::string(dsn) + "]\n";
    if (const auto* sqlite = std::get_if<SqliteTarget>(&target)) {
        // "SQLite3" is the driver Debian's libsqliteodbc actually ships (its "[SQLite]" entry cannot be loaded).
        drivers +=
            "[SQLite3]\nDescription=SQLite3 ODBC driver\nDriver=" + std::string(kDriverDir) + "libsqlite3odbc.so\n";
        // StepAPI=1 streams result rows instead of loading the whole result; FKSupport=1 enforces foreign keys.
        sources += "Description=Syncline demo ERP (SQLite)\nDriver=SQLite3\nDatabase=" + sqlite->database.string() +
                   "\nStepAPI=1\nFKSupport=1\nTimeout=10000\n";
    } else {
        const auto& pg = std::get<PostgresEndpoint>(target);
        // No CommLog key: Debian's own odbcinst.ini sets CommLog=1, which leaves a log file per process in /tmp.
        drivers +=
            "[PostgreSQL Unicode]\nDescription=PostgreSQL ODBC driver (Unicode)\nDriver=" + std::string(kDriverDir) +
            "psqlodbcw.so\n";
        // UseDeclareFetch/Fetch: read through a cursor 10000 rows at a time instead of the whole result in memory.
        sources += "Description=Syncline demo ERP (PostgreSQL)\nDriver=PostgreSQL Unicode\nServername=" + pg.host +
                   "\nPort=" + pg.port + "\nDatabase=" + pg.database + "\nUsername=" + pg.user +
                   "\nUseDeclareFetch=1\nFetch=10000\n";
    }
    writeFile(dir / "odbcinst.ini", drivers);
    writeFile(dir / "odbc.ini", sources);
}

}  // namespace syncline::demo_erp
