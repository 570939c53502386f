-- Two more roll-ups, so that breakdowns by product and region, and by the dimensions only line
-- items carry, read narrow pre-summed rows. Both are rebuilt by RebuildDaily with the others.

-- Per account, day, product, region and currency: cost_daily without subscription type and
-- charge category, which product × region breakdowns and discounts by product or region do not
-- need. Accounts stay in the key because every query is limited to the caller's accounts.
-- The covering index follows the date with the grouped columns in CostRows' GROUP BY order, so
-- a daily product × region breakdown reads it in group order without a temporary table.
CREATE TABLE cost_daily_regions (
  account_id            INTEGER NOT NULL,
  charge_date           TEXT    NOT NULL,
  service_code          TEXT    NOT NULL,
  region_id             TEXT    NOT NULL DEFAULT '',
  currency              TEXT    NOT NULL,
  billing_period        TEXT    NOT NULL,
  week_start            TEXT    NOT NULL,
  list_cost             INTEGER NOT NULL DEFAULT 0,
  billed_cost           INTEGER NOT NULL DEFAULT 0,
  effective_cost        INTEGER NOT NULL DEFAULT 0,
  invoice_discount      INTEGER NOT NULL DEFAULT 0,
  coupon_deduction      INTEGER NOT NULL DEFAULT 0,
  cash_coupon_deduction INTEGER NOT NULL DEFAULT 0,
  line_items            INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, charge_date, service_code, region_id, currency)
) STRICT;
CREATE INDEX cost_daily_regions_cover ON cost_daily_regions (charge_date, currency, service_code, region_id, account_id,
  billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction);

-- Per line-item attribute (resourceGroup, costUnit, billingItem: the query model's names),
-- value, account, day and currency. Every item has exactly one value of each attribute ('' when
-- the bill leaves it empty), so unlike cost_daily_tags no remainder rows are needed.
CREATE TABLE cost_daily_attrs (
  attr           TEXT    NOT NULL,
  charge_date    TEXT    NOT NULL,
  account_id     INTEGER NOT NULL,
  attr_value     TEXT    NOT NULL,
  currency       TEXT    NOT NULL,
  billing_period TEXT    NOT NULL,
  week_start     TEXT    NOT NULL,
  list_cost      INTEGER NOT NULL DEFAULT 0,
  billed_cost    INTEGER NOT NULL DEFAULT 0,
  effective_cost INTEGER NOT NULL DEFAULT 0,
  line_items     INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (attr, charge_date, account_id, attr_value, currency)
) STRICT;
CREATE INDEX cost_daily_attrs_day ON cost_daily_attrs (account_id, charge_date);

-- Fill both from what earlier versions stored, so existing dashboards keep their history
-- without a re-sync. These are the INSERT … SELECTs of RebuildDaily over all accounts and days.
INSERT INTO cost_daily_regions (account_id, charge_date, service_code, region_id, currency, billing_period, week_start,
  list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction, line_items)
SELECT account_id, charge_date, service_code, region_id, currency, MAX(billing_period), MAX(week_start),
  SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(invoice_discount),
  SUM(coupon_deduction), SUM(cash_coupon_deduction), SUM(line_items)
FROM cost_daily
GROUP BY account_id, charge_date, service_code, region_id, currency;

INSERT INTO cost_daily_attrs (attr, charge_date, account_id, attr_value, currency,
  billing_period, week_start, list_cost, billed_cost, effective_cost, line_items)
SELECT 'resourceGroup', charge_date, account_id, resource_group, currency,
  MAX(billing_period), MAX(week_start), SUM(list_cost), SUM(billed_cost), SUM(effective_cost), COUNT(*)
FROM cost_line_items
GROUP BY charge_date, account_id, resource_group, currency;

INSERT INTO cost_daily_attrs (attr, charge_date, account_id, attr_value, currency,
  billing_period, week_start, list_cost, billed_cost, effective_cost, line_items)
SELECT 'costUnit', charge_date, account_id, cost_unit, currency,
  MAX(billing_period), MAX(week_start), SUM(list_cost), SUM(billed_cost), SUM(effective_cost), COUNT(*)
FROM cost_line_items
GROUP BY charge_date, account_id, cost_unit, currency;

INSERT INTO cost_daily_attrs (attr, charge_date, account_id, attr_value, currency,
  billing_period, week_start, list_cost, billed_cost, effective_cost, line_items)
SELECT 'billingItem', charge_date, account_id, billing_item, currency,
  MAX(billing_period), MAX(week_start), SUM(list_cost), SUM(billed_cost), SUM(effective_cost), COUNT(*)
FROM cost_line_items
GROUP BY charge_date, account_id, billing_item, currency;
