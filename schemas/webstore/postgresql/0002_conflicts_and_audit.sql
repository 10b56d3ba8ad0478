-- Conflict resolution and the audit chain (issue 4).

-- Fields a run held for an admin (policy manual), per run.
ALTER TABLE job_runs ADD COLUMN rows_conflicted BIGINT NOT NULL DEFAULT 0;

-- At most one open conflict per field of a record: a later run updates it instead of adding another.
CREATE UNIQUE INDEX conflicts_one_open ON conflicts (entity, entity_key, field) WHERE status = 'open';

-- The newest audit row's sequence number and hash, written in the same transaction as the rows. A
-- chain that ends before this head was truncated.
CREATE TABLE audit_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    seq       BIGINT NOT NULL,
    row_hash  TEXT NOT NULL
);

-- Secondary indexes a first full load of an empty table dropped, to build each once at the end instead of
-- row by row (engine/store/deferred_indexes.h). Recreated by that run, or by the next start after a crash.
CREATE TABLE deferred_indexes (
    name        TEXT PRIMARY KEY,
    table_name  TEXT NOT NULL,
    ddl         TEXT NOT NULL
);
