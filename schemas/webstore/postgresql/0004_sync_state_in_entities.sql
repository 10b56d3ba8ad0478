-- The sync state of a record moves into its own row (docs/architecture.md, "The sync state lives in the entity's
-- row"): one row written per pulled record instead of two.
--   sync_hash  the content hash of the ERP record last applied, 'deactivated' after a full pull deactivated the
--              row, NULL for a row no pull manages (made by the shop or by hand)
--   sync_base  the values last applied of the fields the ERP does not own (JSON object), for three-way merges
ALTER TABLE products ADD COLUMN sync_hash TEXT;
ALTER TABLE products ADD COLUMN sync_base TEXT;
ALTER TABLE stock_levels ADD COLUMN sync_hash TEXT;
ALTER TABLE stock_levels ADD COLUMN sync_base TEXT;
ALTER TABLE customers ADD COLUMN sync_hash TEXT;
ALTER TABLE customers ADD COLUMN sync_base TEXT;
ALTER TABLE price_rules ADD COLUMN sync_hash TEXT;
ALTER TABLE price_rules ADD COLUMN sync_base TEXT;

UPDATE products SET sync_hash = s.erp_hash, sync_base = s.applied
  FROM sync_state s WHERE s.entity = 'product' AND s.entity_key = products.sku;
UPDATE stock_levels SET sync_hash = s.erp_hash, sync_base = s.applied
  FROM sync_state s WHERE s.entity = 'stock' AND s.entity_key = stock_levels.sku || chr(31) || stock_levels.warehouse;
UPDATE customers SET sync_hash = s.erp_hash, sync_base = s.applied
  FROM sync_state s WHERE s.entity = 'customer' AND s.entity_key = customers.code;
UPDATE price_rules SET sync_hash = s.erp_hash, sync_base = s.applied
  FROM sync_state s WHERE s.entity = 'price_rule' AND s.entity_key = price_rules.rule_id;

DROP TABLE sync_state;
