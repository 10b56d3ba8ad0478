-- Syncline webstore schema, version 1 (SQLite).
-- Money and quantities are exact decimal strings ('12.50', '-2.5'): TEXT, never REAL. The CHECKs accept
-- only plain decimals with at most 6 places, so a float written by mistake ('0.30000000000000004') is refused.
-- Times are UTC ISO-8601 text ('2026-11-27T20:42:55Z'); dates are 'YYYY-MM-DD'.

-- The catalog as the storefront reads it.
CREATE TABLE products (
    sku           TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    unit          TEXT NOT NULL,
    list_price    TEXT NOT NULL CHECK (list_price NOT GLOB '*[^0-9.-]*' AND list_price GLOB '*[0-9]*' AND substr(list_price, 2) NOT GLOB '*-*' AND list_price NOT GLOB '*.*.*' AND (instr(list_price, '.') = 0 OR length(list_price) - instr(list_price, '.') BETWEEN 1 AND 6)),
    currency      TEXT NOT NULL CHECK (length(currency) = 3),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    erp_modified  TEXT,
    updated_at    TEXT NOT NULL
);

CREATE TABLE stock_levels (
    sku           TEXT NOT NULL,
    warehouse     TEXT NOT NULL,
    quantity      TEXT NOT NULL CHECK (quantity NOT GLOB '*[^0-9.-]*' AND quantity GLOB '*[0-9]*' AND substr(quantity, 2) NOT GLOB '*-*' AND quantity NOT GLOB '*.*.*' AND (instr(quantity, '.') = 0 OR length(quantity) - instr(quantity, '.') BETWEEN 1 AND 6)),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    erp_modified  TEXT,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (sku, warehouse)
);

CREATE TABLE customers (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    customer_group  TEXT NOT NULL DEFAULT '',
    price_list      TEXT NOT NULL DEFAULT '',
    currency        TEXT NOT NULL CHECK (length(currency) = 3),
    email           TEXT NOT NULL DEFAULT '',
    blocked         INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    erp_modified    TEXT,
    updated_at      TEXT NOT NULL
);

-- One row per price rule: an absolute unit price OR a percentage off the list price, for everyone,
-- a customer group, a price list or one customer, within a quantity range and a validity window.
CREATE TABLE price_rules (
    rule_id           TEXT PRIMARY KEY,
    sku               TEXT NOT NULL,
    scope             TEXT NOT NULL CHECK (scope IN ('everyone', 'customer_group', 'price_list', 'customer')),
    scope_key         TEXT NOT NULL DEFAULT '',
    min_quantity      TEXT NOT NULL DEFAULT '0' CHECK (min_quantity NOT GLOB '*[^0-9.-]*' AND min_quantity GLOB '*[0-9]*' AND substr(min_quantity, 2) NOT GLOB '*-*' AND min_quantity NOT GLOB '*.*.*' AND (instr(min_quantity, '.') = 0 OR length(min_quantity) - instr(min_quantity, '.') BETWEEN 1 AND 6)),
    max_quantity      TEXT CHECK (max_quantity NOT GLOB '*[^0-9.-]*' AND max_quantity GLOB '*[0-9]*' AND substr(max_quantity, 2) NOT GLOB '*-*' AND max_quantity NOT GLOB '*.*.*' AND (instr(max_quantity, '.') = 0 OR length(max_quantity) - instr(max_quantity, '.') BETWEEN 1 AND 6)),
    unit_price        TEXT CHECK (unit_price NOT GLOB '*[^0-9.-]*' AND unit_price GLOB '*[0-9]*' AND substr(unit_price, 2) NOT GLOB '*-*' AND unit_price NOT GLOB '*.*.*' AND (instr(unit_price, '.') = 0 OR length(unit_price) - instr(unit_price, '.') BETWEEN 1 AND 6)),
    discount_percent  TEXT CHECK (discount_percent NOT GLOB '*[^0-9.-]*' AND discount_percent GLOB '*[0-9]*' AND substr(discount_percent, 2) NOT GLOB '*-*' AND discount_percent NOT GLOB '*.*.*' AND (instr(discount_percent, '.') = 0 OR length(discount_percent) - instr(discount_percent, '.') BETWEEN 1 AND 6)),
    currency          TEXT NOT NULL CHECK (length(currency) = 3),
    valid_from        TEXT NOT NULL,
    valid_to          TEXT,
    active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    erp_modified      TEXT,
    updated_at        TEXT NOT NULL,
    CHECK ((unit_price IS NULL) <> (discount_percent IS NULL)),
    CHECK ((scope = 'everyone') = (scope_key = ''))
);
CREATE INDEX price_rules_lookup ON price_rules (sku, scope, scope_key);

-- Orders written by the storefront (status 'placed'); the order-push job exports them to the ERP.
CREATE TABLE orders (
    order_id         TEXT PRIMARY KEY,
    customer_code    TEXT NOT NULL,
    currency         TEXT NOT NULL CHECK (length(currency) = 3),
    status           TEXT NOT NULL DEFAULT 'placed' CHECK (status IN ('placed', 'claimed', 'exported', 'confirmed',
                                       'shipped', 'invoiced', 'cancelled', 'needs_attention')),
    placed_at        TEXT NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    erp_doc_number   TEXT,
    erp_status       TEXT,
    tracking_number  TEXT,
    invoice_number   TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    next_attempt_at  TEXT,
    claimed_by       TEXT,
    claimed_at       TEXT,
    exported_at      TEXT,
    updated_at       TEXT NOT NULL
);
CREATE INDEX orders_status ON orders (status, next_attempt_at);

CREATE TABLE order_lines (
    order_id    TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
    line_no     INTEGER NOT NULL CHECK (line_no > 0),
    sku         TEXT NOT NULL,
    quantity    TEXT NOT NULL CHECK (quantity NOT GLOB '*[^0-9.-]*' AND quantity GLOB '*[0-9]*' AND substr(quantity, 2) NOT GLOB '*-*' AND quantity NOT GLOB '*.*.*' AND (instr(quantity, '.') = 0 OR length(quantity) - instr(quantity, '.') BETWEEN 1 AND 6)),
    unit_price  TEXT NOT NULL CHECK (unit_price NOT GLOB '*[^0-9.-]*' AND unit_price GLOB '*[0-9]*' AND substr(unit_price, 2) NOT GLOB '*-*' AND unit_price NOT GLOB '*.*.*' AND (instr(unit_price, '.') = 0 OR length(unit_price) - instr(unit_price, '.') BETWEEN 1 AND 6)),
    note        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (order_id, line_no)
);

-- Engine tables.

-- Per record: the content hash last seen in the ERP and the one last applied to the webstore.
CREATE TABLE sync_state (
    entity        TEXT NOT NULL,
    entity_key    TEXT NOT NULL,
    erp_hash      TEXT NOT NULL,
    applied_hash  TEXT NOT NULL,
    erp_version   TEXT,
    applied       TEXT,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (entity, entity_key)
);

-- Per stream: where the next incremental pull starts.
CREATE TABLE sync_cursors (
    stream      TEXT PRIMARY KEY,
    cursor      TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE job_runs (
    run_id         INTEGER PRIMARY KEY AUTOINCREMENT,
    job            TEXT NOT NULL,
    triggered_by   TEXT NOT NULL CHECK (triggered_by IN ('schedule', 'manual', 'retry')),
    node           TEXT NOT NULL,
    mode           TEXT NOT NULL DEFAULT 'incremental' CHECK (mode IN ('incremental', 'full', 'dry_run')),
    status         TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'completed_with_rejects', 'failed',
                                                   'cancelled')),
    started_at     TEXT NOT NULL,
    finished_at    TEXT,
    rows_read      INTEGER NOT NULL DEFAULT 0,
    rows_applied   INTEGER NOT NULL DEFAULT 0,
    rows_unchanged INTEGER NOT NULL DEFAULT 0,
    rows_rejected  INTEGER NOT NULL DEFAULT 0,
    error_kind     TEXT,
    error          TEXT
);
CREATE INDEX job_runs_job ON job_runs (job, started_at);

-- Records that failed validation, kept for review with the raw values (JSON object as text).
CREATE TABLE rejects (
    reject_id    INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id       INTEGER NOT NULL REFERENCES job_runs (run_id),
    entity       TEXT NOT NULL,
    entity_key   TEXT NOT NULL DEFAULT '',
    field        TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL,
    raw          TEXT NOT NULL DEFAULT '{}',
    created_at   TEXT NOT NULL,
    resolved_at  TEXT
);
CREATE INDEX rejects_run ON rejects (run_id);

-- Fields changed on both sides since the last sync whose owner policy is 'manual'.
CREATE TABLE conflicts (
    conflict_id  INTEGER PRIMARY KEY AUTOINCREMENT,
    run_id       INTEGER REFERENCES job_runs (run_id),
    entity       TEXT NOT NULL,
    entity_key   TEXT NOT NULL,
    field        TEXT NOT NULL,
    base_value   TEXT,
    erp_value    TEXT,
    store_value  TEXT,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolution   TEXT,
    resolved_by  TEXT,
    resolved_at  TEXT,
    created_at   TEXT NOT NULL
);
CREATE INDEX conflicts_open ON conflicts (status, entity, entity_key);

-- Append-only, hash-chained: row_hash = H(prev_hash || canonical row).
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    entity      TEXT NOT NULL,
    entity_key  TEXT NOT NULL,
    action      TEXT NOT NULL,
    changes     TEXT NOT NULL DEFAULT '{}',
    prev_hash   TEXT NOT NULL,
    row_hash    TEXT NOT NULL
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_key, seq);

-- Job leases for several engine nodes; token is the fencing token, incremented on every claim.
CREATE TABLE leases (
    name         TEXT PRIMARY KEY,
    holder       TEXT,
    token        INTEGER NOT NULL DEFAULT 0,
    acquired_at  TEXT,
    expires_at   TEXT
);
