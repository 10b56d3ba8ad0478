// Syncline ConnectorService: an ERP connector served out of process, in any language
// (docs/connectors/authoring.md, "Out-of-process connectors"). It mirrors engine/connector/connector.h.
//
// Transport: framed (TFramedTransport: a 4-byte big-endian length, then the message), binary protocol
// (TBinaryProtocol, strict), over a unix socket or TCP. One connection is one configured connector: the client's
// first call after spec() is configure(), and the connector, its pull sessions and everything else live until the
// connection closes. A service serves several connections at once (syncline opens another one for live prices).
//
// Versions: API_VERSION below is the version of this protocol. spec() returns the version the service speaks;
// syncline refuses a service whose version differs from its own, with a message naming both. Adding an optional
// field or a method keeps the version; anything that changes what an existing field means raises it.
//
// Values: every value of a row is text in the canonical form of its field (docs/connectors/authoring.md): decimals
// as "12.5" (never a float), flags "1"/"0", dates "YYYY-MM-DD", timestamps "YYYY-MM-DD HH:MM:SS[.ffffff]".

namespace cpp syncline.connector_api
namespace py syncline_connector_api

const i32 API_VERSION = 1

// How the engine must react to a failed call (engine/connector/error.h).
enum ErrorKind {
  TRANSIENT = 1,  // the source is unavailable for now: the run ends, it is retried later (exit 75)
  CONFIG = 2,     // a bad setting, credential, table or query: stop and tell the admin (exit 78)
  DATA = 3,       // the record or order is bad: reject it, go on
  FATAL = 4,      // anything else: the run stops
}

// Every failure of a call. `message` is shown to the admin and logged: it never holds a secret.
exception ConnectorError {
  1: required ErrorKind kind,
  2: required string code,      // the source's own code (an SQLSTATE, an HTTP status) or a short name
  3: required string message,
}

// --- spec ------------------------------------------------------------------------------------------------------

enum SettingKind {
  STRING = 1,
  INTEGER = 2,
  BOOLEAN = 3,
  TABLE = 4,        // a table whose keys are settings of their own
  STRING_LIST = 5,
  PATH = 6,         // a file or folder; relative paths are relative to the service's working folder
  SECRET = 7,       // never in the settings: handed over in Settings.secrets
  STATEMENTS = 8,   // one string or a list of strings
  MAPPING = 9,      // a table whose keys the connector checks itself
}

struct SettingSpec {
  1: required string path,               // dotted, relative to [erp.settings]; "*" stands for a name
  2: required SettingKind kind,
  3: list<string> allowed,               // strings: the only accepted values (empty: any)
  4: optional i64 min,                   // integers
  5: optional i64 max,
  6: required string help,               // one line
  7: optional string default_value,      // as written in the config file
  8: bool is_required = false,        // the section is incomplete without it
}

struct Capabilities {
  1: bool full = true,
  2: bool incremental = false,
  3: bool push_orders = false,
  4: bool order_status = false,
  5: bool live_price = false,
  6: bool discover = false,
}

struct Spec {
  1: required i32 api_version,           // API_VERSION of the IDL the service was built from
  2: required string kind,               // the connector kind's name ("catalog_csv")
  3: required string version,            // the connector's own version ("1.0.0")
  4: required string summary,            // one line
  5: required list<string> streams,      // streams it can serve: products, stock, customers, price_rules
  6: required Capabilities capabilities,
  7: required list<SettingSpec> settings,
}

// --- settings ----------------------------------------------------------------------------------------------------

// A connector's configuration: [erp.settings] of the syncline config as JSON, and the secrets syncline resolved.
struct Settings {
  1: required string kind,                 // which kind to serve (a host serves several); "": the service's own
  2: required string values_json,          // a JSON object
  3: required map<string, string> secrets, // secret setting path ("password") -> value; never logged, never echoed
  4: required i32 login_timeout_s,         // [erp] login_timeout_s
  5: required i32 query_timeout_s,         // [erp] query_timeout_s
}

struct SettingIssue {
  1: required string path,                 // dotted, relative to [erp.settings] ("streams.products.query")
  2: required string message,
}

// What the settings configure: which jobs can run.
struct Features {
  1: required list<string> streams,        // the streams it reads, in pull order
  2: required list<string> incremental,    // of those, the ones it can read from a cursor
  3: bool push_orders = false,
  4: bool order_status = false,
  5: bool live_price = false,
}

// Issues beyond the spec, or (none) the features. Pure: connects to nothing.
struct CheckResult {
  1: required list<SettingIssue> issues,
  2: optional Features features,           // set when issues is empty
}

// --- pull --------------------------------------------------------------------------------------------------------

enum PullMode {
  FULL = 1,
  INCREMENTAL = 2,
}

struct OpenRequest {
  1: required PullMode mode,
  2: optional string cursor,               // the position a batch handed back after the last successful run
  3: required i32 overlap_seconds,         // read a time cursor this many seconds back (rows sharing its instant)
  4: optional string cursor_limit,         // "YYYY-MM-DD HH:MM:SS" (UTC): a time cursor never moves past it
}

struct Opened {
  1: required i64 session,                 // for nextBatch() and close() on this connection
  2: required list<string> fields,         // the canonical field names, in the order of each row's values
}

struct RowError {
  1: required i32 row,                     // index in the batch
  2: required string field,                // the canonical field; "" when the row as a whole is bad
  3: required string reason,
}

struct BeyondLimit {
  1: required i32 row,
  2: required string value,                // its cursor value, later than cursor_limit
}

// The next rows of a session: each row one text value per field of Opened.fields, in that order. Thrift lists hold
// no NULL: a NULL value is an empty string in `rows` whose cell is listed in `nulls`, as
// row index * (number of fields) + field index. A row with another number of values than there are fields is
// rejected by syncline (the run goes on).
// Why lists, not a hand-packed blob (measured, docs/performance.md): Python's C-accelerated binary protocol writes
// them 7.5 times faster than Python code packs a blob, and C++ reads 3-4 M rows/s of them (a blob: 7 M), far more
// than an ERP delivers. Either way no value is re-serialized as JSON.
struct Batch {
  1: required list<list<string>> rows,
  2: list<i64> nulls,
  3: optional string cursor,               // the stream's position after these rows (opaque text)
  4: list<RowError> row_errors,
  5: list<BeyondLimit> beyond_limit,
  6: list<string> raw,                     // empty, or one entry per row: the source values, for the reject log
  7: bool last = false,                    // the stream ends after these rows (which may be none)
}

// --- discover and stream checks ----------------------------------------------------------------------------------

struct DiscoverRequest {
  1: optional string stream,
  2: bool columns = true,
  3: bool count_rows = false,
}

struct DiscoveredColumn {
  1: required string name,
  2: required string type,
  3: bool nullable = true,
}

struct DiscoveredResource {
  1: required string name,
  2: required list<DiscoveredColumn> columns,
  3: optional i64 rows,
}

struct Suggestion {
  1: required string stream,
  2: required string toml,                 // [erp.streams.<stream>] TOML as the connector's own config would hold
                                           // it; syncline shows it under [erp.settings.streams.<stream>]
}

struct Discovery {
  1: required list<DiscoveredResource> resources,
  2: required list<Suggestion> suggestions,
}

struct StreamCheck {
  1: required string stream,
  2: optional ConnectorError error,        // none: its read works
  3: required string detail,
}

// --- orders and live prices --------------------------------------------------------------------------------------

struct OrderLine {
  1: required i32 line_no,
  2: required string sku,
  3: required string quantity,             // decimal text
  4: required string unit_price,           // decimal text, up to 6 places
  5: optional string note,
}

struct Order {
  1: required string order_id,
  2: required string customer_code,
  3: required string currency,
  4: required string placed_at,
  5: required list<OrderLine> lines,
}

struct FoundOrder {
  1: optional string document_number,      // unset: the ERP has no order with that key
}

struct OrderState {
  1: required string status,               // open, confirmed, shipped, invoiced or cancelled
  2: optional string tracking_number,
  3: optional string invoice_number,
}

struct OrderStatusReply {
  1: optional OrderState state,            // unset: the ERP has no order with that key
}

struct LivePriceQuestion {
  1: required string customer,
  2: required string sku,
  3: required string quantity,
  4: required string currency,
  5: required string date,                 // YYYY-MM-DD
}

struct LivePriceReply {
  1: optional string unit_price,           // decimal text; unset: the ERP has no price for it
  2: optional string currency,
}

// What configure() made.
struct Configured {
  1: required Features features,
  2: required string description,          // one line for the log ("catalog_csv 1.0.0 on /srv/catalog")
}

service ConnectorService {
  // Who the service is. `kind` as in Settings.kind.
  Spec spec(1: string kind) throws (1: ConnectorError error),
  // The settings' issues beyond the spec (which the service checks too: unknown keys, types), or their features.
  CheckResult checkSettings(1: Settings settings) throws (1: ConnectorError error),
  // Makes this connection's connector (a CONFIG error for settings checkSettings refuses). Connects to nothing yet.
  Configured configure(1: Settings settings) throws (1: ConnectorError error),

  // The rest needs configure() first (else a FATAL error "not-configured").
  string check() throws (1: ConnectorError error),
  list<StreamCheck> checkStreams() throws (1: ConnectorError error),
  Discovery discover(1: DiscoverRequest request) throws (1: ConnectorError error),
  Opened open(1: string stream, 2: OpenRequest request) throws (1: ConnectorError error),
  Batch nextBatch(1: i64 session) throws (1: ConnectorError error),
  void close(1: i64 session),
  FoundOrder findOrder(1: string key) throws (1: ConnectorError error),
  string pushOrder(1: Order order, 2: string key) throws (1: ConnectorError error),
  OrderStatusReply orderStatus(1: string key) throws (1: ConnectorError error),
  LivePriceReply livePrice(1: LivePriceQuestion question) throws (1: ConnectorError error),
}
