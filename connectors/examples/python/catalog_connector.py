#!/usr/bin/env python3
"""catalog_csv: a Syncline connector in Python that serves a catalog kept as CSV files in a folder.

The "any language" template (README.md): copy this file and syncline_connector.py, keep the plumbing, replace the
reading. Each stream is one file, <folder>/<stream>.csv (products.csv, stock.csv, customers.csv, price_rules.csv),
UTF-8, a header row of canonical field names (docs/connectors/authoring.md), then one row per record; an empty cell is
NULL. Values are passed on as text, exactly as written: decimals stay strings ("12.50"), never floats. A file with an
erp_modified column is read incrementally: the cursor is the highest erp_modified seen.
"""

import csv
import datetime
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from syncline_connector import CONFIG, DATA, TRANSIENT, Batch, Connector, ConnectorError, serve  # noqa: E402

# The canonical fields of each stream (engine/connector/streams.cpp); the required ones first.
FIELDS = {
    "products": (["sku", "name", "unit", "list_price", "currency"], ["description", "active", "erp_modified"]),
    "stock": (["sku", "warehouse", "quantity"], ["erp_modified"]),
    "customers": (["code", "name", "currency"],
                  ["customer_group", "price_list", "email", "blocked", "erp_modified"]),
    "price_rules": (["rule_id", "sku", "scope", "valid_from"],
                    ["scope_key", "min_quantity", "max_quantity", "unit_price", "discount_percent", "currency",
                     "valid_to", "erp_modified"]),
}


def _header(path):
    with open(path, newline="", encoding="utf-8") as f:
        return next(csv.reader(f), [])


def _minus_seconds(timestamp, seconds):
    """'YYYY-MM-DD HH:MM:SS[.f]' minus `seconds`; text that is no timestamp is returned as it is."""
    for form in ("%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"):
        try:
            moment = datetime.datetime.strptime(timestamp, form)
        except ValueError:
            continue
        return (moment - datetime.timedelta(seconds=seconds)).strftime("%Y-%m-%d %H:%M:%S")
    return timestamp


class CatalogCsv(Connector):
    KIND = "catalog_csv"
    VERSION = "1.0.0"
    SUMMARY = "a catalog kept as CSV files in a folder (the Python template)"
    STREAMS = list(FIELDS)
    CAPABILITIES = dict(full=True, incremental=True, push_orders=True, order_status=True, live_price=True,
                        discover=True)
    SETTINGS = [
        dict(path="folder", kind="path", required=True,
             help="the folder with one <stream>.csv per stream: a header row of field names, then the records"),
        dict(path="batch_size", kind="integer", min=1, max=100000, default=1000, help="rows per batch"),
        dict(path="orders_folder", kind="path",
             help="where pushed orders are written, one JSON file per order; set: orders are pushed"),
        dict(path="live_prices", kind="boolean", default=False,
             help="answer live price questions with the list_price of products.csv"),
    ]

    @classmethod
    def _files(cls, settings):
        folder = settings["folder"]
        return {s: os.path.join(folder, s + ".csv") for s in FIELDS if os.path.isfile(os.path.join(folder, s + ".csv"))}

    @classmethod
    def check_settings(cls, settings, secrets):
        folder = settings.get("folder", "")
        if not os.path.isdir(folder):
            return [("folder", "'%s' is no folder" % folder)]
        files = cls._files(settings)
        if not files:
            return [("folder", "'%s' holds none of %s" % (folder, ", ".join(s + ".csv" for s in FIELDS)))]
        issues = []
        for stream, path in files.items():
            header = _header(path)
            required, optional = FIELDS[stream]
            unknown = [h for h in header if h not in required + optional]
            missing = [r for r in required if r not in header]
            if unknown or missing or len(set(header)) != len(header):
                issues.append(("folder", "%s: the header must name each field once; %s" % (
                    os.path.basename(path), "unknown: " + ", ".join(unknown) if unknown else
                    "missing: " + ", ".join(missing) if missing else "a field comes twice")))
        return issues

    @classmethod
    def features(cls, settings):
        files = cls._files(settings)
        return dict(streams=[s for s in FIELDS if s in files],
                    incremental=[s for s, p in files.items() if "erp_modified" in _header(p)],
                    push_orders="orders_folder" in settings, order_status="orders_folder" in settings,
                    live_price=bool(settings.get("live_prices")))

    def check(self):
        files = self._files(self.settings)
        return "%d CSV files in %s" % (len(files), self.settings["folder"])

    def open(self, stream, mode, cursor, overlap_seconds, cursor_limit):
        path = self._files(self.settings).get(stream)
        if path is None:
            raise ConnectorError(CONFIG, "no-file", "%s.csv is not in %s" % (stream, self.settings["folder"]))
        header = _header(path)
        modified = header.index("erp_modified") if "erp_modified" in header else None
        since = _minus_seconds(cursor, overlap_seconds) if mode == "incremental" and cursor and modified is not None \
            else None
        return header, self._read(path, modified, since, cursor, cursor_limit)

    def _read(self, path, modified, since, cursor, cursor_limit):
        size = self.settings.get("batch_size", 1000)
        position = cursor  # the cursor never moves back from the one handed in
        try:
            f = open(path, newline="", encoding="utf-8")
        except OSError as e:
            raise ConnectorError(TRANSIENT, "unreadable", "cannot read %s: %s" % (path, e.strerror))
        with f:
            reader = csv.reader(f)
            next(reader, None)
            rows, beyond = [], []
            for line in reader:
                row = [value if value != "" else None for value in line]
                stamp = row[modified] if modified is not None and modified < len(row) else None
                if since is not None and stamp is not None and stamp < since:
                    continue
                if stamp is not None:
                    if cursor_limit is not None and stamp > cursor_limit:
                        beyond.append((len(rows), stamp))
                    elif position is None or stamp > position:
                        position = stamp
                rows.append(row)
                if len(rows) == size:
                    yield Batch(rows, position, beyond_limit=beyond)
                    rows, beyond = [], []
            if rows:
                yield Batch(rows, position, beyond_limit=beyond)

    def discover(self, stream, columns, count_rows):
        resources = []
        for name, path in self._files(self.settings).items():
            if stream is not None and name != stream:
                continue
            rows = None
            if count_rows:
                with open(path, newline="", encoding="utf-8") as f:
                    rows = max(0, sum(1 for _ in csv.reader(f)) - 1)
            resources.append((os.path.basename(path), [(c, "text", True) for c in _header(path)] if columns else [],
                              rows))
        return resources, []

    def _order_file(self, key):
        if not key or "/" in key or key.startswith("."):
            raise ConnectorError(DATA, "bad-key", "'%s' cannot name an order file" % key)
        return os.path.join(self.settings["orders_folder"], key + ".json")

    def find_order(self, key):
        try:
            with open(self._order_file(key), encoding="utf-8") as f:
                return json.load(f)["document_number"]
        except FileNotFoundError:
            return None

    def push_order(self, order, key):
        document = "CSV-" + key
        path = self._order_file(key)
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(dict(order, document_number=document, status="open"), f)
        os.replace(path + ".tmp", path)  # whole or not at all: a crash leaves no half order
        return document

    def order_status(self, key):
        try:
            with open(self._order_file(key), encoding="utf-8") as f:
                order = json.load(f)
        except FileNotFoundError:
            return None
        return dict(status=order.get("status", "open"), tracking_number=order.get("tracking_number"),
                    invoice_number=order.get("invoice_number"))

    def live_price(self, customer, sku, quantity, currency, date):
        path = self._files(self.settings).get("products")
        with open(path, newline="", encoding="utf-8") as f:
            for record in csv.DictReader(f):
                if record.get("sku") == sku:
                    return record.get("list_price"), record.get("currency") or None
        return None


if __name__ == "__main__":
    serve(CatalogCsv)
