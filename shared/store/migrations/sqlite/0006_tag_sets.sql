-- Tags are stored once per distinct tag set instead of once per line item and key; see the
-- MySQL migration of the same number for why and for the canonical text that set_hash is the
-- SHA-256 of. cl_sha256 is registered by the store (shared/store/tagsets.go).
CREATE TABLE cost_tag_sets (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  set_hash BLOB    NOT NULL
) STRICT;

CREATE UNIQUE INDEX cost_tag_sets_hash ON cost_tag_sets (set_hash);

CREATE TABLE cost_tag_set_tags (
  tag_set_id INTEGER NOT NULL,
  tag_key    TEXT    NOT NULL,
  tag_value  TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (tag_set_id, tag_key)
) STRICT;

CREATE INDEX cost_tag_set_tags_key ON cost_tag_set_tags (tag_key, tag_value, tag_set_id);

CREATE TABLE cost_tag_backfill (
  account_id  INTEGER NOT NULL,
  charge_date TEXT    NOT NULL,
  item_key    BLOB    NOT NULL,
  set_hash    BLOB    NOT NULL,
  PRIMARY KEY (account_id, charge_date, item_key)
) STRICT;

INSERT INTO cost_tag_backfill (account_id, charge_date, item_key, set_hash)
SELECT account_id, charge_date, item_key,
  cl_sha256(group_concat(length(CAST(tag_key AS BLOB)) || ':' || tag_key || length(CAST(tag_value AS BLOB)) || ':' || tag_value, '' ORDER BY tag_key))
FROM cost_line_item_tags
GROUP BY account_id, charge_date, item_key;

INSERT INTO cost_tag_sets (set_hash) SELECT DISTINCT set_hash FROM cost_tag_backfill;

CREATE TABLE cost_tag_backfill_sets (
  set_hash    BLOB    NOT NULL PRIMARY KEY,
  account_id  INTEGER NOT NULL,
  charge_date TEXT    NOT NULL,
  item_key    BLOB    NOT NULL
) STRICT;

INSERT OR IGNORE INTO cost_tag_backfill_sets (set_hash, account_id, charge_date, item_key)
SELECT set_hash, account_id, charge_date, item_key FROM cost_tag_backfill;

INSERT INTO cost_tag_set_tags (tag_set_id, tag_key, tag_value)
SELECT s.id, t.tag_key, t.tag_value
FROM cost_tag_backfill_sets r
JOIN cost_tag_sets s ON s.set_hash = r.set_hash
JOIN cost_line_item_tags t ON t.account_id = r.account_id AND t.charge_date = r.charge_date AND t.item_key = r.item_key;

-- SQLite cannot change a primary key in place: the table is rebuilt, clustered on the
-- natural key led by the date (WITHOUT ROWID), with the tag set of each item.
CREATE TABLE cost_line_items_new (
  account_id             INTEGER NOT NULL,
  charge_date            TEXT    NOT NULL,
  item_key               BLOB    NOT NULL,
  billing_period         TEXT    NOT NULL,
  week_start             TEXT    NOT NULL,
  billing_account_id     TEXT    NOT NULL DEFAULT '',
  billing_account_name   TEXT    NOT NULL DEFAULT '',
  sub_account_id         TEXT    NOT NULL DEFAULT '',
  sub_account_name       TEXT    NOT NULL DEFAULT '',
  service_code           TEXT    NOT NULL,
  service_name           TEXT    NOT NULL DEFAULT '',
  service_category       TEXT    NOT NULL DEFAULT '',
  product_type           TEXT    NOT NULL DEFAULT '',
  charge_category        TEXT    NOT NULL,
  charge_frequency       TEXT    NOT NULL DEFAULT '',
  resource_id            TEXT    NOT NULL DEFAULT '',
  resource_name          TEXT    NOT NULL DEFAULT '',
  region_id              TEXT    NOT NULL DEFAULT '',
  region_name            TEXT    NOT NULL DEFAULT '',
  zone                   TEXT    NOT NULL DEFAULT '',
  list_cost              INTEGER NOT NULL DEFAULT 0,
  billed_cost            INTEGER NOT NULL DEFAULT 0,
  effective_cost         INTEGER NOT NULL DEFAULT 0,
  invoice_discount       INTEGER NOT NULL DEFAULT 0,
  coupon_deduction       INTEGER NOT NULL DEFAULT 0,
  cash_coupon_deduction  INTEGER NOT NULL DEFAULT 0,
  prepaid_card_deduction INTEGER NOT NULL DEFAULT 0,
  pricing_quantity       TEXT    NOT NULL DEFAULT '',
  pricing_unit           TEXT    NOT NULL DEFAULT '',
  subscription_type      TEXT    NOT NULL DEFAULT '',
  billing_item           TEXT    NOT NULL DEFAULT '',
  billing_item_name      TEXT    NOT NULL DEFAULT '',
  resource_group         TEXT    NOT NULL DEFAULT '',
  cost_unit              TEXT    NOT NULL DEFAULT '',
  currency               TEXT    NOT NULL,
  sync_id                INTEGER NOT NULL DEFAULT 0,
  tag_set_id             INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (charge_date, account_id, item_key)
) STRICT, WITHOUT ROWID;

INSERT INTO cost_line_items_new (account_id, charge_date, item_key, billing_period, week_start, billing_account_id, billing_account_name, sub_account_id, sub_account_name, service_code, service_name, service_category, product_type, charge_category, charge_frequency, resource_id, resource_name, region_id, region_name, zone, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction, prepaid_card_deduction, pricing_quantity, pricing_unit, subscription_type, billing_item, billing_item_name, resource_group, cost_unit, currency, sync_id, tag_set_id)
SELECT li.account_id, li.charge_date, li.item_key, li.billing_period, li.week_start, li.billing_account_id, li.billing_account_name, li.sub_account_id, li.sub_account_name, li.service_code, li.service_name, li.service_category, li.product_type, li.charge_category, li.charge_frequency, li.resource_id, li.resource_name, li.region_id, li.region_name, li.zone, li.list_cost, li.billed_cost, li.effective_cost, li.invoice_discount, li.coupon_deduction, li.cash_coupon_deduction, li.prepaid_card_deduction, li.pricing_quantity, li.pricing_unit, li.subscription_type, li.billing_item, li.billing_item_name, li.resource_group, li.cost_unit, li.currency, li.sync_id, COALESCE(s.id, 0)
FROM cost_line_items li
LEFT JOIN cost_tag_backfill b ON b.account_id = li.account_id AND b.charge_date = li.charge_date AND b.item_key = li.item_key
LEFT JOIN cost_tag_sets s ON s.set_hash = b.set_hash;

DROP TABLE cost_line_items;
ALTER TABLE cost_line_items_new RENAME TO cost_line_items;
DROP TABLE cost_tag_backfill_sets;
DROP TABLE cost_tag_backfill;
DROP TABLE cost_line_item_tags;

CREATE INDEX cost_daily_resources_resource ON cost_daily_resources (resource_id, charge_date);
