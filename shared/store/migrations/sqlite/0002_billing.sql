-- Billing: cost line items (FOCUS 1.2 semantics, money as INTEGER micro-units), their tags,
-- the daily roll-up dashboards read, and the record of every sync run.
-- Dates are TEXT 'YYYY-MM-DD' in the billing time zone (Asia/Shanghai): text order is date order.
CREATE TABLE cost_line_items (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT,
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
  sync_id                INTEGER NOT NULL DEFAULT 0
) STRICT;

CREATE UNIQUE INDEX cost_line_items_natural ON cost_line_items (account_id, charge_date, item_key);
CREATE INDEX cost_line_items_date ON cost_line_items (charge_date, account_id);
CREATE INDEX cost_line_items_resource ON cost_line_items (account_id, resource_id, charge_date);

-- Tags of a line item, one row per key, joined on the line item's natural key so a re-fetched
-- day replaces them without knowing row ids.
CREATE TABLE cost_line_item_tags (
  account_id             INTEGER NOT NULL,
  charge_date            TEXT    NOT NULL,
  item_key               BLOB    NOT NULL,
  tag_key                TEXT    NOT NULL,
  tag_value              TEXT    NOT NULL DEFAULT '',
  PRIMARY KEY (account_id, charge_date, item_key, tag_key)
) STRICT;

CREATE INDEX cost_line_item_tags_key ON cost_line_item_tags (tag_key, tag_value, charge_date);

-- Daily roll-up per account, day, product, region, subscription type, charge category and
-- currency; rebuilt for the days a sync touched. Dashboards and most explorer queries read it.
CREATE TABLE cost_daily (
  account_id             INTEGER NOT NULL,
  charge_date            TEXT    NOT NULL,
  billing_period         TEXT    NOT NULL,
  week_start             TEXT    NOT NULL,
  service_code           TEXT    NOT NULL,
  service_name           TEXT    NOT NULL DEFAULT '',
  region_id              TEXT    NOT NULL DEFAULT '',
  subscription_type      TEXT    NOT NULL DEFAULT '',
  charge_category        TEXT    NOT NULL DEFAULT '',
  currency               TEXT    NOT NULL,
  list_cost              INTEGER NOT NULL DEFAULT 0,
  billed_cost            INTEGER NOT NULL DEFAULT 0,
  effective_cost         INTEGER NOT NULL DEFAULT 0,
  invoice_discount       INTEGER NOT NULL DEFAULT 0,
  coupon_deduction       INTEGER NOT NULL DEFAULT 0,
  cash_coupon_deduction  INTEGER NOT NULL DEFAULT 0,
  line_items             INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, charge_date, service_code, region_id, subscription_type, charge_category, currency)
) STRICT;

CREATE INDEX cost_daily_date ON cost_daily (charge_date, account_id);

-- One row per sync run of one account: what it fetched and how it ended.
CREATE TABLE sync_runs (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id             INTEGER NOT NULL,
  status                 TEXT    NOT NULL,
  trigger_kind           TEXT    NOT NULL DEFAULT '',
  window_start           TEXT    NULL,
  window_end             TEXT    NULL,
  days                   INTEGER NOT NULL DEFAULT 0,
  pages                  INTEGER NOT NULL DEFAULT 0,
  requests               INTEGER NOT NULL DEFAULT 0,
  row_count              INTEGER NOT NULL DEFAULT 0,
  deleted                INTEGER NOT NULL DEFAULT 0,
  rejected               INTEGER NOT NULL DEFAULT 0,
  started_at             TEXT    NOT NULL,
  finished_at            TEXT    NULL,
  error                  TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX sync_runs_account ON sync_runs (account_id, started_at);

-- Days whose every page was fetched and stored, with when: a resumed or later run skips
-- final days already complete and re-fetches open ones.
CREATE TABLE sync_days (
  account_id             INTEGER NOT NULL,
  charge_date            TEXT    NOT NULL,
  fetched_at             TEXT    NOT NULL,
  row_count              INTEGER NOT NULL DEFAULT 0,
  sync_id                INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, charge_date)
) STRICT;

-- Items a sync could not ingest, with the reason, so nothing is dropped silently.
CREATE TABLE sync_rejects (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT,
  sync_id                INTEGER NOT NULL,
  account_id             INTEGER NOT NULL,
  charge_date            TEXT    NOT NULL,
  reason                 TEXT    NOT NULL,
  raw                    TEXT    NOT NULL
) STRICT;
CREATE INDEX sync_rejects_sync ON sync_rejects (sync_id);
