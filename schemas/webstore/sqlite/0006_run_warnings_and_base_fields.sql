-- What an admin should look at in a run that went on (docs/reliability.md): rows dated beyond the watermark cap, a
-- stored watermark in the future, a watermark that does not move while changes arrive. NULL = nothing.
ALTER TABLE job_runs ADD COLUMN warning TEXT;

-- The fields the ERP did not own (ownership other than erp) when a stream's watermark row was last written. A field
-- that joins them since makes the next pull read in full, so that every record gets that field's base.
ALTER TABLE sync_cursors ADD COLUMN base_fields TEXT;
