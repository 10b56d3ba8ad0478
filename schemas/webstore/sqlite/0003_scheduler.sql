-- The scheduler (issue 6): leases so a job never runs twice at once, on one node or on several, and
-- firings so each scheduled firing runs on exactly one node.

-- job_leases replaces the generic 'leases' table of version 1, which nothing used: a lease now also names the
-- run in flight under it and the firing it belongs to.
DROP TABLE leases;

-- One row per job that has ever been leased. A holder ('node:pid') owns the job until expires_at (database
-- time), renewing it by heartbeat. token grows by one at every acquisition: it is the fencing token each
-- commit of the run checks, so a holder that was paused past its lease cannot commit after another took over.
CREATE TABLE job_leases (
    job            TEXT PRIMARY KEY,
    holder         TEXT,
    token          INTEGER NOT NULL DEFAULT 0,
    acquired_at    TEXT,
    expires_at     TEXT,
    run_id         INTEGER,
    firing         TEXT
);

-- One row per firing that a node took: the schedule time ('2026-11-28T03:30:00Z') or, for a job that runs
-- after another, 'after:<job>:<run_id>'. The primary key makes the claim exclusive.
CREATE TABLE job_firings (
    job         TEXT NOT NULL,
    firing      TEXT NOT NULL,
    node        TEXT NOT NULL,
    outcome     TEXT NOT NULL CHECK (outcome IN ('ran', 'skipped')),
    run_id      INTEGER,
    claimed_at  TEXT NOT NULL,
    PRIMARY KEY (job, firing)
);

-- Which firing a scheduled run belongs to (NULL for manual runs).
ALTER TABLE job_runs ADD COLUMN firing TEXT;
