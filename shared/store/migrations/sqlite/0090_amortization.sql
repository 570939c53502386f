-- Amortised (effective) cost; see the MySQL migration of the same number.
CREATE TABLE cost_amortized_daily (
  account_id        INTEGER NOT NULL,
  source_date       TEXT    NOT NULL,
  item_key          BLOB    NOT NULL,
  charge_date       TEXT    NOT NULL,
  billing_period    TEXT    NOT NULL,
  week_start        TEXT    NOT NULL,
  service_code      TEXT    NOT NULL,
  service_name      TEXT    NOT NULL DEFAULT '',
  region_id         TEXT    NOT NULL DEFAULT '',
  subscription_type TEXT    NOT NULL DEFAULT '',
  charge_category   TEXT    NOT NULL DEFAULT '',
  currency          TEXT    NOT NULL,
  resource_id       TEXT    NOT NULL DEFAULT '',
  resource_name     TEXT    NOT NULL DEFAULT '',
  tag_set_id        INTEGER NOT NULL DEFAULT 0,
  resource_group    TEXT    NOT NULL DEFAULT '',
  cost_unit         TEXT    NOT NULL DEFAULT '',
  billing_item      TEXT    NOT NULL DEFAULT '',
  effective_cost    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, source_date, item_key, charge_date)
) STRICT;

CREATE INDEX cost_amortized_daily_day ON cost_amortized_daily (account_id, charge_date);

CREATE TABLE cost_rollup_dirty (
  account_id  INTEGER NOT NULL,
  charge_date TEXT    NOT NULL,
  PRIMARY KEY (account_id, charge_date)
) STRICT;
