-- The audit chain's tamper evidence (issue 19, D8; docs/architecture.md "Anchors and a keyed audit chain").
-- key_id names the secret key (audit.hmac_key_file / _env, never stored here) that made a row's hash a keyed
-- BLAKE2b-256; NULL: the plain BLAKE2b-256 of every row written before the key was configured. The head carries
-- the key of its row, so an appender sees which key the chain goes on with.
ALTER TABLE audit_log ADD COLUMN key_id TEXT;
ALTER TABLE audit_head ADD COLUMN key_id TEXT;

-- The head exists from here on, also for an empty log: a missing head means it was deleted.
INSERT INTO audit_head (id, seq, row_hash)
SELECT 1, 0, '0000000000000000000000000000000000000000000000000000000000000000'
WHERE NOT EXISTS (SELECT 1 FROM audit_head) AND NOT EXISTS (SELECT 1 FROM audit_log);
