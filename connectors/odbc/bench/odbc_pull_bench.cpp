// Rows per second of the ODBC pull path against a plain row-by-row read of the same query, in one run.
//
//   cmake --preset release && cmake --build build/release --target odbc_pull_bench syncline_demo_erp
//   build/release/syncline-demo-erp --backend postgresql --pg "host=... dbname=bench user=..."
//       --items 100000 --price-rules 1000000          (PRLP: 500,000 rows)
//   SYNCLINE_BENCH_ODBC='Driver={PostgreSQL Unicode};Server=...;Port=...;Database=bench;UID=...;PWD=...'
//       build/release/connectors/odbc/odbc_pull_bench [runs=3] [batch_size=5000]
//
// Three readers of "SELECT PriceListNo, ItemCode, Price, Currency, ModifiedDate FROM PRLP", each over the same
// connection string with the streaming attributes added (psqlODBC UseDeclareFetch=1;Fetch=<batch_size>), run in
// turn `runs` times; the median of each is printed with its ratio to the baseline:
//   row-by-row     Statement::fetch + getText of every column (SQLFetch + SQLGetData): the baseline
//   array fetch    BatchReader alone: SQLFetch of batch_size rows into bound buffers, values viewed in place
//   pull session   OdbcConnector/OdbcPullSession: array fetch + normalization + raw text + RecordBatch rows

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <string>
#include <vector>

#include "connectors/odbc/batch_reader.h"
#include "connectors/odbc/connection.h"
#include "connectors/odbc/odbc_connector.h"
#include "connectors/odbc/odbc_error.h"
#include "connectors/odbc/statement.h"
#include "connectors/odbc/streaming_attributes.h"

namespace {

using namespace syncline;

constexpr const char* kQuery = "SELECT PriceListNo, ItemCode, Price, Currency, ModifiedDate FROM PRLP";

std::size_t rowByRow(const std::string& connection_string) {
    odbc::Connection connection(connection_string);
    odbc::Statement statement(connection);
    statement.execute(kQuery);
    const std::size_t columns = statement.columnCount();
    std::size_t rows = 0, bytes = 0;
    while (statement.fetch()) {
        for (std::size_t c = 1; c <= columns; ++c) {
            bytes += statement.getText(c).value_or("").size();
        }
        ++rows;
    }
    return bytes > 0 ? rows : 0;
}

std::size_t arrayFetch(const std::string& connection_string, std::size_t batch_size) {
    odbc::Connection connection(connection_string);
    odbc::BatchReaderOptions options;
    options.rows_per_fetch = batch_size;
    odbc::BatchReader reader(connection, kQuery, {}, options);
    std::size_t rows = 0, bytes = 0;
    while (const std::size_t count = reader.fetch()) {
        for (std::size_t r = 0; r < count; ++r) {
            for (std::size_t c = 0; c < reader.columns().size(); ++c) {
                bytes += reader.value(r, c).value_or("").size();
            }
        }
        rows += count;
    }
    return bytes > 0 ? rows : 0;
}

std::size_t pullSession(const std::string& connection_string, int batch_size) {
    using connector::FieldType;
    OdbcStream stream;
    stream.stream = "price_rules";
    stream.query = kQuery;
    stream.batch_size = batch_size;
    stream.fields = {{"scope_key", "PriceListNo", FieldType::Code, "", std::nullopt},
                     {"sku", "ItemCode", FieldType::Code, "", std::nullopt},
                     {"unit_price", "Price", FieldType::Decimal, "", std::nullopt},
                     {"currency", "Currency", FieldType::Code, "", std::nullopt},
                     {"erp_modified", "ModifiedDate", FieldType::Timestamp, "", std::nullopt}};
    odbc::OdbcConnector connector({connection_string, std::chrono::seconds(15), std::chrono::seconds(0), {stream}});
    auto session = connector.open("price_rules", connector::OpenRequest{});
    if (!session.ok()) {
        std::fprintf(stderr, "open: %s\n", session.error().describe().c_str());
        std::exit(1);
    }
    connector::RecordBatch batch;
    std::size_t rows = 0;
    for (;;) {
        auto more = session.value()->next(batch);
        if (!more.ok()) {
            std::fprintf(stderr, "next: %s\n", more.error().describe().c_str());
            std::exit(1);
        }
        if (!more.value()) {
            return rows;
        }
        rows += batch.size();
    }
}

double cpuSeconds() {
    timespec now{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

double median(std::vector<double> values) {
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const char* target = std::getenv("SYNCLINE_BENCH_ODBC");
    if (target == nullptr) {
        std::fprintf(stderr, "set SYNCLINE_BENCH_ODBC to a complete ODBC connection string (see the source)\n");
        return 64;
    }
    const int runs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 3;
    const int batch_size = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5000;
    const std::string connection_string = odbc::withStreamingAttributes(target, static_cast<std::size_t>(batch_size));
    struct Reader {
        const char* name;
        std::function<std::size_t()> read;
        std::vector<double> rows_per_second;
        std::vector<double> cpu_us_per_row;  // of this process: the client's share, without the server's
    };
    std::vector<Reader> readers = {
        {"row-by-row", [&] { return rowByRow(connection_string); }, {}, {}},
        {"array fetch", [&] { return arrayFetch(connection_string, static_cast<std::size_t>(batch_size)); }, {}, {}},
        {"pull session", [&] { return pullSession(target, batch_size); }, {}, {}},
    };
    try {
        for (int run = 0; run < runs; ++run) {
            for (auto& reader : readers) {
                const double cpu_started = cpuSeconds();
                const auto started = std::chrono::steady_clock::now();
                const std::size_t rows = reader.read();
                const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - started;
                reader.rows_per_second.push_back(static_cast<double>(rows) / seconds.count());
                reader.cpu_us_per_row.push_back((cpuSeconds() - cpu_started) * 1e6 / static_cast<double>(rows));
                std::printf("run %d  %-12s %9zu rows  %6.2f s  %9.0f rows/s  client CPU %.2f us/row\n", run + 1,
                            reader.name, rows, seconds.count(), reader.rows_per_second.back(),
                            reader.cpu_us_per_row.back());
            }
        }
    } catch (const odbc::OdbcError& error) {
        std::fprintf(stderr, "%s\n", error.what());
        return 1;
    }
    const double baseline = median(readers[0].rows_per_second);
    std::printf("median of %d runs, batch_size %d:\n", runs, batch_size);
    for (const auto& reader : readers) {
        const double value = median(reader.rows_per_second);
        std::printf("  %-12s %9.0f rows/s  %.2fx row-by-row  client CPU %.2f us/row\n", reader.name, value,
                    value / baseline, median(reader.cpu_us_per_row));
    }
    return 0;
}
