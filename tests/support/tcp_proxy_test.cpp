// TcpProxy (tests/support/tcp_proxy.h) between real clients (libpq, psqlODBC through unixODBC) and the test
// PostgreSQL cluster: traffic passes unchanged, an armed COMMIT is committed by the server while the client gets an
// error, dropAll() breaks open connections, stall() holds every byte until resume(), and traffic through fragment()
// is what a direct connection gets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sql.h>
#include <sqlext.h>

#include <poll.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/tcp_proxy.h"
#include "tests/support/test_env.h"

namespace syncline::testing {
namespace {

using ::testing::ElementsAre;

using PgConnection = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

// A project-local odbcinst.ini (Debian's sets CommLog=1 for psqlODBC: a /tmp/psqlodbc_*.log per process).
// unixODBC reads ODBCSYSINI once, at the first ODBC call of the process: this runs before any test.
class OdbcConfig : public ::testing::Environment {
  public:
    void SetUp() override {
        dir_ = std::make_unique<TempDir>("syncline-proxy-odbc");
        std::ofstream(dir_->file("odbcinst.ini")) << "[PostgreSQL Unicode]\nDescription=psqlODBC (Unicode)\n"
                                                     "Driver=/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so\n";
        std::ofstream(dir_->file("odbc.ini")) << "";
        ::setenv("ODBCSYSINI", dir_->path().c_str(), 1);
        ::setenv("ODBCINI", dir_->file("odbc.ini").c_str(), 1);
    }
    void TearDown() override { dir_.reset(); }

  private:
    std::unique_ptr<TempDir> dir_;
};

[[maybe_unused]] const auto* const kOdbcConfig = ::testing::AddGlobalTestEnvironment(new OdbcConfig);

/// The lines `proxy` logged from `from` to `to` (default: the end), indented, one per line, for printing.
std::string messagesSince(const TcpProxy& proxy, std::size_t from, std::size_t to = SIZE_MAX) {
    const std::vector<std::string> all = proxy.clientMessages();
    std::string text;
    for (std::size_t i = from; i < std::min(to, all.size()); ++i) {
        text += "    " + all[i] + "\n";
    }
    return text;
}

/// The lines `proxy` logged from `from` on.
std::vector<std::string> messagesFrom(const TcpProxy& proxy, std::size_t from) {
    const std::vector<std::string> all = proxy.clientMessages();
    return {all.begin() + static_cast<std::ptrdiff_t>(std::min(from, all.size())), all.end()};
}

class TcpProxyTest : public ::testing::Test {
  protected:
    void TearDown() override {
        proxy_.reset();
        pg_.dropDatabase(database_);
    }

    std::string connInfo(int port, const std::string& sslmode = "disable") const {
        return "host=127.0.0.1 port=" + std::to_string(port) + " user=" + pg_.user() + " password=" + pg_.password() +
               " dbname=" + database_ + " sslmode=" + sslmode + " gssencmode=disable connect_timeout=10";
    }
    /// A libpq connection through the proxy (or, with `direct`, straight to the server).
    PgConnection connect(bool direct = false, const std::string& sslmode = "disable") const {
        PgConnection connection(PQconnectdb(connInfo(direct ? pg_.port() : proxy_->port(), sslmode).c_str()),
                                &PQfinish);
        EXPECT_EQ(PQstatus(connection.get()), CONNECTION_OK) << PQerrorMessage(connection.get());
        return connection;
    }
    static PgResult exec(PGconn* connection, const std::string& sql) {
        return {PQexec(connection, sql.c_str()), &PQclear};
    }
    /// Runs `sql` and expects it to succeed; returns its result.
    static PgResult ok(PGconn* connection, const std::string& sql) {
        PgResult result = exec(connection, sql);
        const auto status = PQresultStatus(result.get());
        EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
            << sql << ": " << PQerrorMessage(connection);
        return result;
    }

    /// The rows of `table` once no transaction writes to it any more, on a direct connection. The SHARE lock waits
    /// for the transaction whose COMMIT went through the proxy to end, so a lost reply cannot race the check:
    /// committed, the row is there; aborted (the server saw end of file first), it is not.
    long long settledCount(const std::string& table) const {
        PgConnection direct = connect(/*direct=*/true);
        ok(direct.get(), "SET lock_timeout = '20s'");
        ok(direct.get(), "BEGIN");
        ok(direct.get(), "LOCK TABLE " + table + " IN SHARE MODE");
        PgResult result = ok(direct.get(), "SELECT count(*) FROM " + table);
        ok(direct.get(), "COMMIT");
        return PQntuples(result.get()) == 1 ? std::stoll(PQgetvalue(result.get(), 0, 0)) : -1;
    }

    TestPostgres pg_;
    std::string database_ = pg_.createDatabase("tcp_proxy");
    std::unique_ptr<TcpProxy> proxy_ = std::make_unique<TcpProxy>(pg_.host(), pg_.port());
};

// ---- libpq ----

TEST_F(TcpProxyTest, LibpqTrafficPassesUnchanged) {
    PgConnection connection = connect();
    ok(connection.get(), "CREATE TABLE items (id int PRIMARY KEY, name text)");
    ok(connection.get(), "INSERT INTO items SELECT i, 'item ' || i FROM generate_series(1, 5) AS i");
    // A transaction committed without arming goes through.
    ok(connection.get(), "BEGIN");
    ok(connection.get(), "INSERT INTO items VALUES (6, 'six')");
    ok(connection.get(), "COMMIT");

    PgResult rows = ok(connection.get(), "SELECT id, name FROM items ORDER BY id");
    ASSERT_EQ(PQntuples(rows.get()), 6);
    EXPECT_STREQ(PQgetvalue(rows.get(), 0, 1), "item 1");
    EXPECT_STREQ(PQgetvalue(rows.get(), 5, 1), "six");

    // Several MB each way: a reply larger than the proxy's buffer, and a query larger than what it inspects.
    const std::string big_query = "SELECT i, md5(i::text) || repeat('x', 100) FROM generate_series(1, 50000) AS i";
    PgResult big = ok(connection.get(), big_query);
    PgConnection direct = connect(/*direct=*/true);
    PgResult expected = ok(direct.get(), big_query);
    ASSERT_EQ(PQntuples(big.get()), 50000);
    ASSERT_EQ(PQntuples(expected.get()), 50000);
    for (int row = 0; row < 50000; ++row) {
        ASSERT_STREQ(PQgetvalue(big.get(), row, 1), PQgetvalue(expected.get(), row, 1)) << "row " << row;
    }
    const std::string long_text(3'000'000, 'y');
    PgResult length = ok(connection.get(), "SELECT length('" + long_text + "'), 'COMMIT'");
    EXPECT_STREQ(PQgetvalue(length.get(), 0, 0), "3000000");

    // The extended protocol, with parameters.
    const char* values[] = {"7", "seven"};
    PgResult insert(PQexecParams(connection.get(), "INSERT INTO items VALUES ($1::int, $2)", 2, nullptr, values,
                                 nullptr, nullptr, 0),
                    &PQclear);
    EXPECT_EQ(PQresultStatus(insert.get()), PGRES_COMMAND_OK) << PQerrorMessage(connection.get());

    EXPECT_EQ(proxy_->repliesLost(), 0);
    EXPECT_EQ(settledCount("items"), 7);
    const std::vector<std::string> messages = proxy_->clientMessages();
    ASSERT_FALSE(messages.empty());
    EXPECT_EQ(messages.front(), "startup");
    EXPECT_THAT(messages, ::testing::Contains("Q COMMIT"));
}

TEST_F(TcpProxyTest, LibpqCommitIsCommittedButTheReplyIsLost) {
    PgConnection connection = connect();
    ok(connection.get(), "CREATE TABLE items (id int PRIMARY KEY)");
    ok(connection.get(), "BEGIN");
    ok(connection.get(), "INSERT INTO items VALUES (1)");
    proxy_->loseReplyAfterNextCommit();
    ok(connection.get(), "SELECT 'COMMIT', 1 AS commit");  // not a COMMIT: the proxy stays armed

    PgResult commit = exec(connection.get(), "  commit ;\n");
    EXPECT_EQ(PQresultStatus(commit.get()), PGRES_FATAL_ERROR);
    std::cout << "libpq COMMIT through the armed proxy: " << PQerrorMessage(connection.get());
    EXPECT_EQ(PQstatus(connection.get()), CONNECTION_BAD);
    EXPECT_EQ(proxy_->repliesLost(), 1);
    EXPECT_EQ(settledCount("items"), 1);

    // One-shot: the next COMMIT, on a new connection, gets its reply.
    PgConnection again = connect();
    ok(again.get(), "BEGIN");
    ok(again.get(), "INSERT INTO items VALUES (2)");
    ok(again.get(), "COMMIT");
    EXPECT_EQ(proxy_->repliesLost(), 1);
    EXPECT_EQ(settledCount("items"), 2);
}

TEST_F(TcpProxyTest, LibpqExtendedProtocolCommitIsCommittedButTheReplyIsLost) {
    PgConnection connection = connect();
    ok(connection.get(), "CREATE TABLE items (id int PRIMARY KEY)");
    ok(connection.get(), "BEGIN");
    ok(connection.get(), "INSERT INTO items VALUES (1)");
    proxy_->loseReplyAfterNextCommit();
    const std::size_t mark = proxy_->clientMessages().size();
    PgResult commit(PQexecParams(connection.get(), "END TRANSACTION", 0, nullptr, nullptr, nullptr, nullptr, 0),
                    &PQclear);
    EXPECT_EQ(PQresultStatus(commit.get()), PGRES_FATAL_ERROR);
    std::cout << "libpq PQexecParams(END TRANSACTION) sent:\n" << messagesSince(*proxy_, mark);
    EXPECT_THAT(messagesFrom(*proxy_, mark),
                ElementsAre("P \"\" END TRANSACTION", "B \"\" \"\"", "D P \"\"", "E \"\"", "S"));
    EXPECT_EQ(proxy_->repliesLost(), 1);
    EXPECT_EQ(settledCount("items"), 1);
}

TEST_F(TcpProxyTest, LibpqNamedPreparedCommitIsCommittedButTheReplyIsLost) {
    PgConnection connection = connect();
    ok(connection.get(), "CREATE TABLE items (id int PRIMARY KEY)");
    PgResult prepared(PQprepare(connection.get(), "finish", "commit work;", 0, nullptr), &PQclear);
    ASSERT_EQ(PQresultStatus(prepared.get()), PGRES_COMMAND_OK) << PQerrorMessage(connection.get());
    const auto commit = [&] {
        return PgResult(PQexecPrepared(connection.get(), "finish", 0, nullptr, nullptr, nullptr, 0), &PQclear);
    };
    ok(connection.get(), "BEGIN");
    ok(connection.get(), "INSERT INTO items VALUES (1)");
    EXPECT_EQ(PQresultStatus(commit().get()), PGRES_COMMAND_OK) << PQerrorMessage(connection.get());

    ok(connection.get(), "BEGIN");
    ok(connection.get(), "INSERT INTO items VALUES (2)");
    proxy_->loseReplyAfterNextCommit();
    EXPECT_EQ(PQresultStatus(commit().get()), PGRES_FATAL_ERROR);
    EXPECT_EQ(proxy_->repliesLost(), 1);
    EXPECT_EQ(settledCount("items"), 2);
}

TEST_F(TcpProxyTest, LibpqAfterAnSslRequestAnsweredN) {
    // The test cluster has no TLS: the server answers 'N' and the startup packet follows unencrypted.
    PgConnection connection = connect(/*direct=*/false, "prefer");
    ok(connection.get(), "CREATE TABLE items (id int PRIMARY KEY)");
    ok(connection.get(), "BEGIN");
    ok(connection.get(), "INSERT INTO items VALUES (1)");
    proxy_->loseReplyAfterNextCommit();
    PgResult commit = exec(connection.get(), "COMMIT");
    EXPECT_EQ(PQresultStatus(commit.get()), PGRES_FATAL_ERROR);
    EXPECT_EQ(proxy_->repliesLost(), 1);
    EXPECT_EQ(settledCount("items"), 1);
    const std::vector<std::string> messages = proxy_->clientMessages();
    ASSERT_GE(messages.size(), 2u);
    EXPECT_EQ(messages[0], "SSLRequest");
    EXPECT_EQ(messages[1], "startup");
}

TEST_F(TcpProxyTest, LibpqDropAllFailsTheNextCall) {
    PgConnection connection = connect();
    PgConnection other = connect();
    ok(connection.get(), "CREATE TABLE items (id int PRIMARY KEY)");
    ok(connection.get(), "BEGIN");
    ok(connection.get(), "INSERT INTO items VALUES (1)");
    proxy_->dropAll();

    PgResult failed = exec(connection.get(), "SELECT 1");
    EXPECT_EQ(PQresultStatus(failed.get()), PGRES_FATAL_ERROR);
    std::cout << "libpq after dropAll(): " << PQerrorMessage(connection.get());
    PgResult also_failed = exec(other.get(), "SELECT 1");
    EXPECT_EQ(PQresultStatus(also_failed.get()), PGRES_FATAL_ERROR);
    EXPECT_EQ(proxy_->repliesLost(), 0);
    EXPECT_EQ(settledCount("items"), 0);  // the open transaction was aborted

    PgConnection fresh = connect();  // new connections are accepted as before
    PgResult one = ok(fresh.get(), "SELECT 1");
    EXPECT_STREQ(PQgetvalue(one.get(), 0, 0), "1");
}

// Drives a connection started with PQconnectStart for up to `wait_ms` per step; its last polling status.
PostgresPollingStatusType pollConnection(PGconn* connection, int wait_ms) {
    auto status = PGRES_POLLING_WRITING;
    while (status != PGRES_POLLING_OK && status != PGRES_POLLING_FAILED) {
        pollfd ready{PQsocket(connection), static_cast<short>(status == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
        if (::poll(&ready, 1, wait_ms) <= 0) {
            return status;  // nothing came in time
        }
        status = PQconnectPoll(connection);
    }
    return status;
}

TEST_F(TcpProxyTest, LibpqStallHoldsEveryByteWithoutClosingAndResumeDeliversThem) {
    PgConnection connection = connect();
    ok(connection.get(), "CREATE TABLE items (id int PRIMARY KEY)");
    proxy_->stall();

    // A query sent now reaches neither the server nor gets an answer, and the connection stays open.
    ASSERT_EQ(PQsendQuery(connection.get(), "INSERT INTO items VALUES (1)"), 1);
    ASSERT_EQ(PQflush(connection.get()), 0);
    pollfd answer{PQsocket(connection.get()), POLLIN, 0};
    EXPECT_EQ(::poll(&answer, 1, 500), 0) << "the stalled proxy let something through (or closed the connection)";
    EXPECT_EQ(PQstatus(connection.get()), CONNECTION_OK);
    EXPECT_EQ(settledCount("items"), 0) << "the INSERT reached the server";
    // A new connection gets its TCP handshake (the listen backlog), and no further.
    PgConnection later(PQconnectStart(connInfo(proxy_->port()).c_str()), &PQfinish);
    ASSERT_NE(PQstatus(later.get()), CONNECTION_BAD) << PQerrorMessage(later.get());
    EXPECT_EQ(pollConnection(later.get(), 500), PGRES_POLLING_READING) << "its startup was not answered";

    proxy_->resume();
    PgResult inserted(PQgetResult(connection.get()), &PQclear);
    EXPECT_EQ(PQresultStatus(inserted.get()), PGRES_COMMAND_OK) << PQerrorMessage(connection.get());
    while (PGresult* rest = PQgetResult(connection.get())) {
        PQclear(rest);
    }
    EXPECT_EQ(settledCount("items"), 1);
    EXPECT_EQ(pollConnection(later.get(), 10000), PGRES_POLLING_OK) << PQerrorMessage(later.get());
    PgResult one = ok(later.get(), "SELECT count(*) FROM items");
    EXPECT_STREQ(PQgetvalue(one.get(), 0, 0), "1");
    EXPECT_THAT(proxy_->clientMessages(), ::testing::Contains("Q INSERT INTO items VALUES (1)"));
}

TEST_F(TcpProxyTest, LibpqThroughAFragmentedLinkGetsWhatADirectConnectionGets) {
    // Startup, authentication, a query and its rows, all in pieces of 3 bytes (raw bytes: tcp_proxy_fragment_test).
    proxy_->fragment(3, std::chrono::microseconds(20));
    PgConnection connection = connect();
    const std::string query = "SELECT i, md5(i::text) FROM generate_series(1, 300) AS i";
    PgResult slow = ok(connection.get(), query);
    PgConnection direct = connect(/*direct=*/true);
    PgResult expected = ok(direct.get(), query);
    ASSERT_EQ(PQntuples(slow.get()), 300);
    for (int row = 0; row < 300; ++row) {
        ASSERT_STREQ(PQgetvalue(slow.get(), row, 1), PQgetvalue(expected.get(), row, 1)) << "row " << row;
    }
    proxy_->unfragment();
    PgResult after = ok(connection.get(), "SELECT 'whole'");
    EXPECT_STREQ(PQgetvalue(after.get(), 0, 0), "whole");
}

TEST_F(TcpProxyTest, LibpqDestroyingTheProxyClosesItsConnections) {
    PgConnection connection = connect();
    ok(connection.get(), "SELECT 1");
    proxy_.reset();
    PgResult failed = exec(connection.get(), "SELECT 1");
    EXPECT_EQ(PQresultStatus(failed.get()), PGRES_FATAL_ERROR);
}

// ---- psqlODBC ----

/// Every diagnostic record of `handle` as "SQLSTATE message", one per line.
std::string diagnostics(SQLSMALLINT type, SQLHANDLE handle) {
    std::string text;
    for (SQLSMALLINT record = 1;; ++record) {
        SQLCHAR state[6] = {};
        SQLCHAR message[1024] = {};
        SQLINTEGER native = 0;
        SQLSMALLINT length = 0;
        const SQLRETURN rc = SQLGetDiagRec(type, handle, record, state, &native, message, sizeof message, &length);
        if (!SQL_SUCCEEDED(rc)) {
            return text;
        }
        text += std::string(reinterpret_cast<char*>(state)) + " " + reinterpret_cast<char*>(message) + "\n";
    }
}

/// The first SQLSTATE of `handle`'s diagnostics ("" when there is none).
std::string sqlState(SQLSMALLINT type, SQLHANDLE handle) {
    SQLCHAR state[6] = {};
    SQLINTEGER native = 0;
    SQLSMALLINT length = 0;
    SQLCHAR message[8] = {};
    SQLGetDiagRec(type, handle, 1, state, &native, message, sizeof message, &length);
    return reinterpret_cast<char*>(state);
}

/// An ODBC environment and connection to psqlODBC; freed on destruction.
class OdbcConnection {
  public:
    explicit OdbcConnection(const std::string& connection_string) {
        SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env_);
        SQLSetEnvAttr(env_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
        SQLAllocHandle(SQL_HANDLE_DBC, env_, &dbc_);
        std::string in = connection_string;
        SQLCHAR out[1024] = {};
        SQLSMALLINT out_length = 0;
        const SQLRETURN rc = SQLDriverConnect(dbc_, nullptr, reinterpret_cast<SQLCHAR*>(in.data()), SQL_NTS, out,
                                              sizeof out, &out_length, SQL_DRIVER_NOPROMPT);
        connected_ = SQL_SUCCEEDED(rc);
        EXPECT_TRUE(connected_) << diagnostics(SQL_HANDLE_DBC, dbc_);
    }
    ~OdbcConnection() {
        if (connected_) {
            SQLDisconnect(dbc_);
        }
        SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
        SQLFreeHandle(SQL_HANDLE_ENV, env_);
    }
    OdbcConnection(const OdbcConnection&) = delete;
    OdbcConnection& operator=(const OdbcConnection&) = delete;

    SQLHDBC dbc() const { return dbc_; }

    /// Runs `sql`; on failure returns the diagnostics ("" on success). Rows are fetched and counted into `rows`.
    std::string run(const std::string& sql, long* rows = nullptr) {
        SQLHSTMT statement = SQL_NULL_HSTMT;
        SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &statement);
        std::string in = sql;
        SQLRETURN rc = SQLExecDirect(statement, reinterpret_cast<SQLCHAR*>(in.data()), SQL_NTS);
        std::string error;
        if (!SQL_SUCCEEDED(rc)) {
            error = diagnostics(SQL_HANDLE_STMT, statement);
            if (error.empty()) {
                error = "(no diagnostics)";
            }
        } else if (rows != nullptr) {
            *rows = 0;
            while ((rc = SQLFetch(statement)) == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO) {
                ++*rows;
            }
            if (rc != SQL_NO_DATA) {
                error = diagnostics(SQL_HANDLE_STMT, statement);
            }
        }
        SQLFreeHandle(SQL_HANDLE_STMT, statement);
        return error;
    }
    void setAutocommit(bool on) {
        const SQLRETURN rc = SQLSetConnectAttr(
            dbc_, SQL_ATTR_AUTOCOMMIT, reinterpret_cast<SQLPOINTER>(on ? SQL_AUTOCOMMIT_ON : SQL_AUTOCOMMIT_OFF), 0);
        EXPECT_TRUE(SQL_SUCCEEDED(rc)) << diagnostics(SQL_HANDLE_DBC, dbc_);
    }
    SQLRETURN commit() { return SQLEndTran(SQL_HANDLE_DBC, dbc_, SQL_COMMIT); }

  private:
    SQLHENV env_ = SQL_NULL_HENV;
    SQLHDBC dbc_ = SQL_NULL_HDBC;
    bool connected_ = false;
};

class TcpProxyOdbcTest : public TcpProxyTest {
  protected:
    std::string odbcConnectionString() const {
        return "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=" + std::to_string(proxy_->port()) +
               ";Database=" + database_ + ";UID=" + pg_.user() + ";PWD={" + pg_.password() + "};SSLmode=disable";
    }
};

TEST_F(TcpProxyOdbcTest, OdbcTrafficPassesUnchanged) {
    OdbcConnection odbc(odbcConnectionString());
    EXPECT_EQ(odbc.run("CREATE TABLE items (id int PRIMARY KEY, name text)"), "");
    EXPECT_EQ(odbc.run("INSERT INTO items SELECT i, repeat('n', 50) FROM generate_series(1, 20000) AS i"), "");
    long rows = 0;
    EXPECT_EQ(odbc.run("SELECT id, name FROM items ORDER BY id", &rows), "");
    EXPECT_EQ(rows, 20000);

    odbc.setAutocommit(false);
    const std::size_t mark = proxy_->clientMessages().size();
    EXPECT_EQ(odbc.run("INSERT INTO items VALUES (20001, 'last')"), "");
    const std::size_t before_commit = proxy_->clientMessages().size();
    EXPECT_TRUE(SQL_SUCCEEDED(odbc.commit())) << diagnostics(SQL_HANDLE_DBC, odbc.dbc());
    std::cout << "psqlODBC, autocommit off, SQLExecDirect(INSERT) sent:\n"
              << messagesSince(*proxy_, mark, before_commit) << "psqlODBC SQLEndTran(SQL_COMMIT) sent:\n"
              << messagesSince(*proxy_, before_commit);
    EXPECT_THAT(messagesFrom(*proxy_, before_commit), ElementsAre("Q COMMIT"));
    EXPECT_EQ(proxy_->repliesLost(), 0);
    EXPECT_EQ(settledCount("items"), 20001);
}

TEST_F(TcpProxyOdbcTest, OdbcCommitIsCommittedButTheReplyIsLost) {
    OdbcConnection odbc(odbcConnectionString());
    EXPECT_EQ(odbc.run("CREATE TABLE items (id int PRIMARY KEY)"), "");
    odbc.setAutocommit(false);
    EXPECT_EQ(odbc.run("INSERT INTO items VALUES (1)"), "");
    proxy_->loseReplyAfterNextCommit();

    const SQLRETURN rc = odbc.commit();
    EXPECT_EQ(rc, SQL_ERROR);
    const std::string state = sqlState(SQL_HANDLE_DBC, odbc.dbc());
    std::cout << "psqlODBC SQLEndTran(SQL_COMMIT) through the armed proxy: rc " << rc << "\n"
              << diagnostics(SQL_HANDLE_DBC, odbc.dbc());
    EXPECT_THAT(state, ::testing::StartsWith("08"));
    EXPECT_EQ(proxy_->repliesLost(), 1);
    EXPECT_EQ(settledCount("items"), 1);
}

TEST_F(TcpProxyOdbcTest, OdbcPreparedStatementsThenCommitReplyIsLost) {
    // As connectors/odbc runs statements: SQLPrepare + SQLBindParameter + SQLExecute, with UseDeclareFetch.
    OdbcConnection odbc(odbcConnectionString() + ";UseDeclareFetch=1;Fetch=10000");
    EXPECT_EQ(odbc.run("CREATE TABLE items (id int PRIMARY KEY, name text)"), "");
    odbc.setAutocommit(false);
    const std::size_t mark = proxy_->clientMessages().size();
    SQLHSTMT statement = SQL_NULL_HSTMT;
    SQLAllocHandle(SQL_HANDLE_STMT, odbc.dbc(), &statement);
    std::string sql = "INSERT INTO items (id, name) VALUES (?, ?)";
    ASSERT_TRUE(SQL_SUCCEEDED(SQLPrepare(statement, reinterpret_cast<SQLCHAR*>(sql.data()), SQL_NTS)))
        << diagnostics(SQL_HANDLE_STMT, statement);
    for (int id = 1; id <= 2; ++id) {
        char id_text[16] = {};
        std::snprintf(id_text, sizeof id_text, "%d", id);
        char name[16] = "name";
        SQLLEN id_length = SQL_NTS;
        SQLLEN name_length = SQL_NTS;
        SQLBindParameter(statement, 1, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_INTEGER, 10, 0, id_text, 0, &id_length);
        SQLBindParameter(statement, 2, SQL_PARAM_INPUT, SQL_C_CHAR, SQL_VARCHAR, 15, 0, name, 0, &name_length);
        EXPECT_TRUE(SQL_SUCCEEDED(SQLExecute(statement))) << diagnostics(SQL_HANDLE_STMT, statement);
    }
    SQLFreeHandle(SQL_HANDLE_STMT, statement);
    long rows = 0;
    EXPECT_EQ(odbc.run("SELECT id FROM items", &rows), "");
    EXPECT_EQ(rows, 2);
    const std::size_t before_commit = proxy_->clientMessages().size();
    proxy_->loseReplyAfterNextCommit();
    EXPECT_EQ(odbc.commit(), SQL_ERROR);
    std::cout << "psqlODBC (UseDeclareFetch=1), autocommit off, two SQLExecute(INSERT ?, ?) and a SELECT sent:\n"
              << messagesSince(*proxy_, mark)
              << "SQLEndTran(SQL_COMMIT) through the armed proxy: " << diagnostics(SQL_HANDLE_DBC, odbc.dbc());
    EXPECT_THAT(messagesFrom(*proxy_, before_commit), ElementsAre("Q COMMIT"));
    EXPECT_EQ(proxy_->repliesLost(), 1);
    EXPECT_EQ(settledCount("items"), 2);
}

TEST_F(TcpProxyOdbcTest, OdbcDropAllFailsTheNextCall) {
    OdbcConnection odbc(odbcConnectionString());
    EXPECT_EQ(odbc.run("SELECT 1"), "");
    proxy_->dropAll();
    const std::string error = odbc.run("SELECT 1");
    std::cout << "psqlODBC SQLExecDirect after dropAll():\n" << error;
    EXPECT_THAT(error, ::testing::StartsWith("08"));
}

}  // namespace
}  // namespace syncline::testing
