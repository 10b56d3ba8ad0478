"""Serve a Syncline connector written in Python over schemas/thrift/connector.thrift.

This file is the protocol plumbing of the "any language" template: subclass Connector (see catalog_connector.py),
then call serve(YourConnector). It needs Debian's python3-thrift and the Python code the Thrift compiler generates
from connector.thrift (give its folder with --gen-py, or put it on PYTHONPATH):

    thrift --gen py -out gen-py schemas/thrift/connector.thrift

syncline starts the connector as a child process (erp.command) and tells it where to listen in the environment
variable SYNCLINE_CONNECTOR_SOCKET; run by hand, give --socket PATH or --listen HOST:PORT. Everything written to
stdout or stderr lands in syncline's log, one line each: log what an administrator needs, never a row or a secret.
"""

import argparse
import difflib
import importlib
import json
import logging
import os
import sys
import threading

API_VERSION = 1  # the protocol version this file implements (connector.thrift API_VERSION)

TRANSIENT, CONFIG, DATA, FATAL = "transient", "config", "data", "fatal"


class ConnectorError(Exception):
    """A failure the engine acts on: transient (retried later, exit 75), config (an admin must act, exit 78),
    data (this record or order is bad) or fatal. `message` is shown and logged: never put a secret in it."""

    def __init__(self, kind, code, message):
        super().__init__(message)
        self.kind, self.code, self.message = kind, code, message


class Batch:
    """The next rows of a read. rows: lists of str or None (NULL), one value per field of open()'s fields, in
    canonical form (decimals as text: "12.5", never a float). cursor: the position after these rows (opaque text the
    engine stores and hands back to open()). row_errors: (row index, field, reason) for rows the connector knows are
    bad. beyond_limit: (row index, cursor value) for rows dated after the request's cursor_limit."""

    __slots__ = ("rows", "cursor", "row_errors", "beyond_limit", "raw")

    def __init__(self, rows, cursor=None, row_errors=(), beyond_limit=(), raw=()):
        self.rows, self.cursor = rows, cursor
        self.row_errors, self.beyond_limit, self.raw = list(row_errors), list(beyond_limit), list(raw)


class Connector:
    """One connector kind. The class describes the kind (spec) and checks settings; an instance is made per
    connection by configure() and serves its calls, one at a time, on that connection's thread."""

    KIND = ""          # what erp.remote_kind names; syncline shows it in its log
    VERSION = "0.0.0"
    SUMMARY = ""
    STREAMS = []       # of: products, stock, customers, price_rules
    CAPABILITIES = {}  # full, incremental, push_orders, order_status, live_price, discover: True/False
    # Each setting: dict(path=, kind=string|integer|boolean|table|string_list|path|secret|statements|mapping,
    # help=, and optionally allowed=[...], min=, max=, default=, required=True).
    SETTINGS = []

    @classmethod
    def check_settings(cls, settings, secrets):
        """Issues as (dotted path, message) beyond the types the kit checks; [] when fine. Connect to nothing."""
        return []

    @classmethod
    def features(cls, settings):
        """What the settings configure: dict(streams=[...], incremental=[...], push_orders=, order_status=,
        live_price=)."""
        raise NotImplementedError

    def __init__(self, settings, secrets, login_timeout_s, query_timeout_s):
        self.settings, self.secrets = settings, secrets
        self.login_timeout_s, self.query_timeout_s = login_timeout_s, query_timeout_s

    def check(self):
        """Test the source; a one-line description of it."""
        return self.KIND

    def open(self, stream, mode, cursor, overlap_seconds, cursor_limit):
        """Start a read: mode "full" or "incremental" (from `cursor`, minus overlap_seconds for a time cursor);
        cursor_limit "YYYY-MM-DD HH:MM:SS" (UTC) or None. Returns (fields, iterator of Batch)."""
        raise ConnectorError(CONFIG, "no-stream", "stream %s is not served" % stream)

    def discover(self, stream, columns, count_rows):
        """[(resource name, [(column, type, nullable)], row count or None)], [(stream, toml)]."""
        raise ConnectorError(CONFIG, "not-supported", "%s cannot list its source's tables" % self.KIND)

    def find_order(self, key):
        raise ConnectorError(CONFIG, "no-order-export", "%s has no order export configured" % self.KIND)

    def push_order(self, order, key):
        """order: dict(order_id, customer_code, currency, placed_at, lines=[dict(line_no, sku, quantity,
        unit_price, note)]), decimals as text. Returns the ERP document number."""
        raise ConnectorError(CONFIG, "no-order-export", "%s has no order export configured" % self.KIND)

    def order_status(self, key):
        """None, or dict(status=open|confirmed|shipped|invoiced|cancelled, tracking_number=, invoice_number=)."""
        raise ConnectorError(CONFIG, "no-order-status", "%s has no order status configured" % self.KIND)

    def live_price(self, customer, sku, quantity, currency, date):
        """None, or (unit price as decimal text, currency or None)."""
        raise ConnectorError(CONFIG, "no-live-price", "%s is not configured for live prices" % self.KIND)


_KINDS = ["string", "integer", "boolean", "table", "string_list", "path", "secret", "statements", "mapping"]


def _check_types(specs, values, issues, prefix=""):
    """The kit's share of checking: unknown keys and types, the way syncline checks its own config."""
    for name, value in values.items():
        path = prefix + name
        spec = next((s for s in specs if _matches(s["path"], path)), None)
        if spec is None:
            siblings = [s["path"][len(prefix):] for s in specs
                        if s["path"].startswith(prefix) and "." not in s["path"][len(prefix):]]
            near = difflib.get_close_matches(name, siblings, n=1)
            issues.append((path, "unknown key" + ("; did you mean '%s'?" % near[0] if near else "")))
            continue
        kind = spec["kind"]
        ok = {"string": isinstance(value, str), "path": isinstance(value, str), "integer": type(value) is int,
              "boolean": isinstance(value, bool), "table": isinstance(value, dict), "mapping": isinstance(value, dict),
              "string_list": isinstance(value, list) and all(isinstance(v, str) for v in value),
              "statements": isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value)),
              "secret": False}[kind]
        if not ok:
            issues.append((path, "is a secret: use the thrift connector's password_env" if kind == "secret"
                           else "must be a " + kind.replace("_", " ")))
        elif kind == "integer" and (value < spec.get("min", value) or value > spec.get("max", value)):
            issues.append((path, "must be between %s and %s" % (spec.get("min"), spec.get("max"))))
        elif spec.get("allowed") and value not in spec["allowed"]:
            issues.append((path, "'%s' is not allowed; allowed: %s" % (value, ", ".join(spec["allowed"]))))
        elif kind == "table":
            _check_types(specs, value, issues, path + ".")
    for spec in specs:
        if spec.get("required") and "*" not in spec["path"] and spec["path"].startswith(prefix) \
                and "." not in spec["path"][len(prefix):] and spec["path"][len(prefix):] not in values:
            issues.append((spec["path"], "is required"))


def _matches(pattern, path):
    a, b = pattern.split("."), path.split(".")
    return len(a) == len(b) and all(x == "*" or x == y for x, y in zip(a, b))


class _Handler:
    """The ConnectorService calls of one connection."""

    def __init__(self, api, connector_class):
        self.api, self.ttypes, self.cls = api, api.ttypes, connector_class
        self.connector = None
        self.sessions = {}
        self.next_session = 1

    def _error(self, e):
        t = self.ttypes
        kinds = {TRANSIENT: t.ErrorKind.TRANSIENT, CONFIG: t.ErrorKind.CONFIG, DATA: t.ErrorKind.DATA,
                 FATAL: t.ErrorKind.FATAL}
        return t.ConnectorError(kind=kinds.get(e.kind, t.ErrorKind.FATAL), code=e.code, message=e.message)

    def _call(self, fn, *args):
        try:
            return fn(*args)
        except ConnectorError as e:
            raise self._error(e)

    def _kind(self, kind):
        if kind not in ("", self.cls.KIND):
            raise self._error(ConnectorError(CONFIG, "unknown-kind", "this service serves %s, not %s"
                                             % (self.cls.KIND, kind)))

    def spec(self, kind):
        self._kind(kind)
        t, c = self.ttypes, self.cls
        settings = []
        for s in c.SETTINGS:
            settings.append(t.SettingSpec(
                path=s["path"], kind=_KINDS.index(s["kind"]) + 1, allowed=list(s.get("allowed", [])),
                min=s.get("min"), max=s.get("max"), help=s.get("help", ""),
                default_value=None if s.get("default") is None else str(s["default"]),
                is_required=bool(s.get("required"))))
        return t.Spec(api_version=API_VERSION, kind=c.KIND, version=c.VERSION, summary=c.SUMMARY,
                      streams=list(c.STREAMS), capabilities=t.Capabilities(**c.CAPABILITIES), settings=settings)

    def _settings(self, wire):
        self._kind(wire.kind)
        try:
            values = json.loads(wire.values_json)
        except ValueError as e:
            raise self._error(ConnectorError(CONFIG, "bad-settings", "the settings are no JSON: %s" % e))
        issues = []
        _check_types(self.cls.SETTINGS, values, issues)
        if not issues:
            issues = list(self._call(self.cls.check_settings, values, dict(wire.secrets)))
        return values, issues

    def _features(self, values):
        f = self._call(self.cls.features, values)
        return self.ttypes.Features(streams=list(f.get("streams", [])), incremental=list(f.get("incremental", [])),
                                    push_orders=bool(f.get("push_orders")), order_status=bool(f.get("order_status")),
                                    live_price=bool(f.get("live_price")))

    def checkSettings(self, wire):
        values, issues = self._settings(wire)
        result = self.ttypes.CheckResult(issues=[self.ttypes.SettingIssue(path=p, message=m) for p, m in issues])
        if not issues:
            result.features = self._features(values)
        return result

    def configure(self, wire):
        values, issues = self._settings(wire)
        if issues:
            raise self._error(ConnectorError(CONFIG, "bad-settings", "; ".join(
                "erp.settings.%s: %s" % (p, m) for p, m in issues)))
        self.sessions.clear()
        self.connector = self._call(self.cls, values, dict(wire.secrets), wire.login_timeout_s, wire.query_timeout_s)
        return self.ttypes.Configured(features=self._features(values),
                                      description="%s %s (Python)" % (self.cls.KIND, self.cls.VERSION))

    def _configured(self):
        if self.connector is None:
            raise self._error(ConnectorError(FATAL, "not-configured", "configure() first"))
        return self.connector

    def check(self):
        return self._call(self._configured().check)

    def checkStreams(self):
        out = []
        for stream in self._features(self._configured().settings).streams:
            try:
                fields, batches = self._configured().open(stream, "full", None, 0, None)
                next(iter(batches), None)
                out.append(self.ttypes.StreamCheck(stream=stream, detail="%d fields" % len(fields)))
            except ConnectorError as e:
                out.append(self.ttypes.StreamCheck(stream=stream, error=self._error(e), detail=""))
        return out

    def discover(self, request):
        resources, suggestions = self._call(self._configured().discover, request.stream, request.columns,
                                            request.count_rows)
        t = self.ttypes
        return t.Discovery(
            resources=[t.DiscoveredResource(name=n, rows=r, columns=[t.DiscoveredColumn(name=c, type=ty, nullable=nu)
                                                                     for c, ty, nu in cols])
                       for n, cols, r in resources],
            suggestions=[t.Suggestion(stream=s, toml=toml) for s, toml in suggestions])

    def open(self, stream, request):
        mode = "incremental" if request.mode == self.ttypes.PullMode.INCREMENTAL else "full"
        fields, batches = self._call(self._configured().open, stream, mode, request.cursor, request.overlap_seconds,
                                     request.cursor_limit)
        session = self.next_session
        self.next_session += 1
        self.sessions[session] = (len(fields), iter(batches))
        return self.ttypes.Opened(session=session, fields=list(fields))

    def nextBatch(self, session):
        t = self.ttypes
        if session not in self.sessions:
            raise self._error(ConnectorError(FATAL, "no-session", "no open read %d" % session))
        width, batches = self.sessions[session]
        try:
            batch = next(batches)
        except StopIteration:
            del self.sessions[session]  # the protocol: the last batch closes the session
            return t.Batch(rows=[], nulls=[], last=True)
        except ConnectorError as e:
            del self.sessions[session]
            raise self._error(e)
        rows, nulls = [], []
        for r, row in enumerate(batch.rows):
            if None in row:
                nulls.extend(r * width + f for f, v in enumerate(row) if v is None)
                row = ["" if v is None else v for v in row]
            rows.append(row)
        return t.Batch(rows=rows, nulls=nulls, cursor=batch.cursor,
                       row_errors=[t.RowError(row=r, field=f, reason=why) for r, f, why in batch.row_errors],
                       beyond_limit=[t.BeyondLimit(row=r, value=v) for r, v in batch.beyond_limit],
                       raw=batch.raw, last=False)

    def close(self, session):
        self.sessions.pop(session, None)

    def findOrder(self, key):
        return self.ttypes.FoundOrder(document_number=self._call(self._configured().find_order, key))

    def pushOrder(self, order, key):
        lines = [dict(line_no=l.line_no, sku=l.sku, quantity=l.quantity, unit_price=l.unit_price, note=l.note)
                 for l in order.lines]
        return self._call(self._configured().push_order, dict(order_id=order.order_id, customer_code=order.customer_code,
                                                               currency=order.currency, placed_at=order.placed_at,
                                                               lines=lines), key)

    def orderStatus(self, key):
        state = self._call(self._configured().order_status, key)
        return self.ttypes.OrderStatusReply(state=None if state is None else self.ttypes.OrderState(**state))

    def livePrice(self, q):
        answer = self._call(self._configured().live_price, q.customer, q.sku, q.quantity, q.currency, q.date)
        if answer is None:
            return self.ttypes.LivePriceReply()
        return self.ttypes.LivePriceReply(unit_price=answer[0], currency=answer[1])


class _Api:
    def __init__(self, gen_py):
        if gen_py:
            sys.path.insert(0, gen_py)
        self.service = importlib.import_module("syncline_connector_api.ConnectorService")
        self.ttypes = importlib.import_module("syncline_connector_api.ttypes")


def _serve_connection(api, connector_class, client):
    from thrift.protocol import TBinaryProtocol
    from thrift.transport import TTransport
    transport = TTransport.TFramedTransport(client)
    protocol = TBinaryProtocol.TBinaryProtocolAccelerated(transport)
    processor = api.service.Processor(_Handler(api, connector_class))
    try:
        while True:
            processor.process(protocol, protocol)
    except TTransport.TTransportException:
        pass  # the client closed the connection: its connector and reads go with it
    finally:
        transport.close()


def serve(connector_class, argv=None):
    """Parse the command line, listen, and serve each connection on a thread of its own until killed."""
    parser = argparse.ArgumentParser(description="Syncline connector %s" % connector_class.KIND)
    parser.add_argument("--socket", default=os.environ.get("SYNCLINE_CONNECTOR_SOCKET"),
                        help="unix socket to listen on (default: $SYNCLINE_CONNECTOR_SOCKET)")
    parser.add_argument("--listen", help="HOST:PORT to listen on instead")
    parser.add_argument("--gen-py", help="folder holding the generated syncline_connector_api package")
    args = parser.parse_args(argv)
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s: %(message)s")
    api = _Api(args.gen_py)
    from thrift.transport import TSocket
    if args.listen:
        host, _, port = args.listen.rpartition(":")
        server = TSocket.TServerSocket(host=host, port=int(port))
    elif args.socket:
        server = TSocket.TServerSocket(unix_socket=args.socket)
    else:
        parser.error("give --socket or --listen (syncline sets SYNCLINE_CONNECTOR_SOCKET)")
    old_umask = os.umask(0o077)  # the socket file: for our user only
    server.listen()
    os.umask(old_umask)
    logging.info("%s %s serving on %s", connector_class.KIND, connector_class.VERSION, args.listen or args.socket)
    while True:
        client = server.accept()
        if client is not None:
            threading.Thread(target=_serve_connection, args=(api, connector_class, client), daemon=True).start()
