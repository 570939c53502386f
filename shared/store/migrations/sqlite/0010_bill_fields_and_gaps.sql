-- Bill fields CloudLens used to drop, the counters a sync keeps about what it had to
-- decide, and which billing days are incomplete; see the MySQL migration of the same number.

ALTER TABLE cost_line_items ADD COLUMN resource_package_deduction INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_line_items ADD COLUMN adjust_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_line_items ADD COLUMN payment_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_line_items ADD COLUMN cash_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_line_items ADD COLUMN outstanding_amount INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_line_items ADD COLUMN list_price TEXT NOT NULL DEFAULT '';
ALTER TABLE cost_line_items ADD COLUMN list_price_unit TEXT NOT NULL DEFAULT '';
ALTER TABLE cost_line_items ADD COLUMN instance_spec TEXT NOT NULL DEFAULT '';
ALTER TABLE cost_line_items ADD COLUMN instance_config TEXT NOT NULL DEFAULT '';
ALTER TABLE cost_line_items ADD COLUMN service_period TEXT NOT NULL DEFAULT '';
ALTER TABLE cost_line_items ADD COLUMN service_period_unit TEXT NOT NULL DEFAULT '';

ALTER TABLE sync_runs ADD COLUMN twins INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN duplicates INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN rounded INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_runs ADD COLUMN failed_days INTEGER NOT NULL DEFAULT 0;

CREATE TABLE billing_day_gaps (
  account_id  INTEGER NOT NULL,
  charge_date TEXT    NOT NULL,
  reason      TEXT    NOT NULL,
  sync_id     INTEGER NOT NULL DEFAULT 0,
  noted_at    TEXT    NOT NULL,
  PRIMARY KEY (account_id, charge_date)
) STRICT;

CREATE INDEX billing_day_gaps_date ON billing_day_gaps (charge_date, account_id);
