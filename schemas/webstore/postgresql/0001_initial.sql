-- Syncline webstore schema, version 1 (PostgreSQL).
-- Money and quantities are NUMERIC, never double precision.
-- Times are TIMESTAMPTZ, dates DATE.

-- The catalog as the storefront reads it.
CREATE TABLE products (
    sku           TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    unit          TEXT NOT NULL,
    list_price    NUMERIC(19,6) NOT NULL,
    currency      TEXT NOT NULL CHECK (char_length(currency) = 3),
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    erp_modified  TEXT,
    updated_at    TIMESTAMPTZ NOT NULL
);

CREATE TABLE stock_levels (
    sku           TEXT NOT NULL,
    warehouse     TEXT NOT NULL,
    quantity      NUMERIC(19,6) NOT NULL,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    erp_modified  TEXT,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (sku, warehouse)
);

CREATE TABLE customers (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    customer_group  TEXT NOT NULL DEFAULT '',
    price_list      TEXT NOT NULL DEFAULT '',
    currency        TEXT NOT NULL CHECK (char_length(currency) = 3),
    email           TEXT NOT NULL DEFAULT '',
    blocked         BOOLEAN NOT NULL DEFAULT FALSE,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    erp_modified    TEXT,
    updated_at      TIMESTAMPTZ NOT NULL
);

-- One row per price rule: an absolute unit price OR a percentage off the list price, for everyone,
-- a customer group, a price list or one customer, within a quantity range and a validity window.
CREATE TABLE price_rules (
    rule_id           TEXT PRIMARY KEY,
    sku               TEXT NOT NULL,
    scope             TEXT NOT NULL CHECK (scope IN ('everyone', 'customer_group', 'price_list', 'customer')),
    scope_key         TEXT NOT NULL DEFAULT '',
    min_quantity      NUMERIC(19,6) NOT NULL DEFAULT 0,
    max_quantity      NUMERIC(19,6),
    unit_price        NUMERIC(19,6),
    discount_percent  NUMERIC(19,6),
    currency          TEXT NOT NULL CHECK (char_length(currency) = 3),
    valid_from        DATE NOT NULL,
    valid_to          DATE,
    active            BOOLEAN NOT NULL DEFAULT TRUE,
    erp_modified      TEXT,
    updated_at        TIMESTAMPTZ NOT NULL,
    CHECK ((unit_price IS NULL) <> (discount_percent IS NULL)),
    CHECK ((scope = 'everyone') = (scope_key = ''))
);
CREATE INDEX price_rules_lookup ON price_rules (sku, scope, scope_key);

-- Orders written by the storefront (status 'placed'); the order-push job exports them to the ERP.
CREATE TABLE orders (
    order_id         TEXT PRIMARY KEY,
    customer_code    TEXT NOT NULL,
    currency         TEXT NOT NULL CHECK (char_length(currency) = 3),
    status           TEXT NOT NULL DEFAULT 'placed' CHECK (status IN ('placed', 'claimed', 'exported', 'confirmed',
                                       'shipped', 'invoiced', 'cancelled', 'needs_attention')),
    placed_at        TIMESTAMPTZ NOT NULL,
    note             TEXT NOT NULL DEFAULT '',
    erp_doc_number   TEXT,
    erp_status       TEXT,
    tracking_number  TEXT,
    invoice_number   TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_error       TEXT,
    next_attempt_at  TIMESTAMPTZ,
    claimed_by       TEXT,
    claimed_at       TIMESTAMPTZ,
    exported_at      TIMESTAMPTZ,
    updated_at       TIMESTAMPTZ NOT NULL
);
CREATE INDEX orders_status ON orders (status, next_attempt_at);

CREATE TABLE order_lines (
    order_id    TEXT NOT NULL REFERENCES orders (order_id) ON DELETE CASCADE,
    line_no     INTEGER NOT NULL CHECK (line_no > 0),
    sku         TEXT NOT NULL,
    quantity    NUMERIC(19,6) NOT NULL,
    unit_price  NUMERIC(19,6) NOT NULL,
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
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (entity, entity_key)
);

-- Per stream: where the next incremental pull starts.
CREATE TABLE sync_cursors (
    stream      TEXT PRIMARY KEY,
    cursor      TEXT NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);

CREATE TABLE job_runs (
    run_id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job            TEXT NOT NULL,
    triggered_by   TEXT NOT NULL CHECK (triggered_by IN ('schedule', 'manual', 'retry')),
    node           TEXT NOT NULL,
    mode           TEXT NOT NULL DEFAULT 'incremental' CHECK (mode IN ('incremental', 'full', 'dry_run')),
    status         TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'completed_with_rejects', 'failed',
                                                   'cancelled')),
    started_at     TIMESTAMPTZ NOT NULL,
    finished_at    TIMESTAMPTZ,
    rows_read      BIGINT NOT NULL DEFAULT 0,
    rows_applied   BIGINT NOT NULL DEFAULT 0,
    rows_unchanged BIGINT NOT NULL DEFAULT 0,
    rows_rejected  BIGINT NOT NULL DEFAULT 0,
    error_kind     TEXT,
    error          TEXT
);
CREATE INDEX job_runs_job ON job_runs (job, started_at);

-- Records that failed validation, kept for review with the raw values (JSON object as text).
CREATE TABLE rejects (
    reject_id    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       BIGINT NOT NULL REFERENCES job_runs (run_id),
    entity       TEXT NOT NULL,
    entity_key   TEXT NOT NULL DEFAULT '',
    field        TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL,
    raw          TEXT NOT NULL DEFAULT '{}',
    created_at   TIMESTAMPTZ NOT NULL,
    resolved_at  TIMESTAMPTZ
);
CREATE INDEX rejects_run ON rejects (run_id);

-- Fields changed on both sides since the last sync whose owner policy is 'manual'.
CREATE TABLE conflicts (
    conflict_id  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id       BIGINT REFERENCES job_runs (run_id),
    entity       TEXT NOT NULL,
    entity_key   TEXT NOT NULL,
    field        TEXT NOT NULL,
    base_value   TEXT,
    erp_value    TEXT,
    store_value  TEXT,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
    resolution   TEXT,
    resolved_by  TEXT,
    resolved_at  TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX conflicts_open ON conflicts (status, entity, entity_key);

-- Append-only, hash-chained: row_hash = H(prev_hash || canonical row).
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          TIMESTAMPTZ NOT NULL,
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
    token        BIGINT NOT NULL DEFAULT 0,
    acquired_at  TIMESTAMPTZ,
    expires_at   TIMESTAMPTZ
);
