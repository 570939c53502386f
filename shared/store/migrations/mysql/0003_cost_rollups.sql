-- Smaller roll-ups for the dashboard queries, and a covering index on cost_daily, so that the
-- overview, explorer and drill-down read a few thousand narrow rows instead of line items.
-- All are rebuilt by RebuildDaily for the days a sync touched, in the transaction that
-- rebuilds cost_daily.

-- Date-range scans over every account (the common scope) read this index alone: it leads with
-- the range column and carries every grouped and summed column of the explorer and the
-- discount breakdown. Product names come from the second one, one probe per account and product.
ALTER TABLE cost_daily
  DROP KEY cost_daily_date,
  ADD KEY cost_daily_cover (charge_date, account_id, currency, service_code, region_id, subscription_type,
    charge_category, billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount,
    coupon_deduction, cash_coupon_deduction),
  ADD KEY cost_daily_products (account_id, service_code, service_name);

-- Per account, day and currency: overview totals, the forecast's history and per-account
-- breakdowns need nothing finer.
CREATE TABLE cost_daily_totals (
  account_id            BIGINT   NOT NULL,
  charge_date           DATE     NOT NULL,
  currency              CHAR(3)  NOT NULL,
  billing_period        CHAR(7)  NOT NULL,
  week_start            DATE     NOT NULL,
  list_cost             BIGINT   NOT NULL DEFAULT 0,
  billed_cost           BIGINT   NOT NULL DEFAULT 0,
  effective_cost        BIGINT   NOT NULL DEFAULT 0,
  invoice_discount      BIGINT   NOT NULL DEFAULT 0,
  coupon_deduction      BIGINT   NOT NULL DEFAULT 0,
  cash_coupon_deduction BIGINT   NOT NULL DEFAULT 0,
  line_items            BIGINT   NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, charge_date, currency),
  KEY cost_daily_totals_date (charge_date, account_id, currency, billing_period, week_start, list_cost, billed_cost, effective_cost)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Per tag key and value, account, day and currency. For every key present on an account's
-- day the row with tag_value '' holds the items without that key (or with an empty value), so
-- grouping by a tag needs no line items; days where the key never occurs are read from
-- cost_daily_totals.
CREATE TABLE cost_daily_tags (
  tag_key        VARCHAR(128) NOT NULL,
  charge_date    DATE         NOT NULL,
  account_id     BIGINT       NOT NULL,
  tag_value      VARCHAR(255) NOT NULL,
  currency       CHAR(3)      NOT NULL,
  billing_period CHAR(7)      NOT NULL,
  week_start     DATE         NOT NULL,
  list_cost      BIGINT       NOT NULL DEFAULT 0,
  billed_cost    BIGINT       NOT NULL DEFAULT 0,
  effective_cost BIGINT       NOT NULL DEFAULT 0,
  line_items     BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (tag_key, charge_date, account_id, tag_value, currency),
  KEY cost_daily_tags_day (account_id, charge_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Per resource, product, region, account, day and currency: drill-down's top resources over
-- a date range, without the line items' wide rows.
CREATE TABLE cost_daily_resources (
  charge_date    DATE         NOT NULL,
  account_id     BIGINT       NOT NULL,
  resource_id    VARCHAR(200) NOT NULL,
  service_code   VARCHAR(64)  NOT NULL,
  region_id      VARCHAR(32)  NOT NULL DEFAULT '',
  currency       CHAR(3)      NOT NULL,
  resource_name  VARCHAR(255) NOT NULL DEFAULT '',
  billing_period CHAR(7)      NOT NULL,
  week_start     DATE         NOT NULL,
  list_cost      BIGINT       NOT NULL DEFAULT 0,
  billed_cost    BIGINT       NOT NULL DEFAULT 0,
  effective_cost BIGINT       NOT NULL DEFAULT 0,
  line_items     BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (charge_date, account_id, resource_id, service_code, region_id, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Fill the new roll-ups from what earlier versions stored, so an existing installation's
-- dashboards keep their history without waiting for every day to be re-synced. These are the
-- INSERT … SELECTs of RebuildDaily (shared/store/rollups.go) over all accounts and days.
INSERT INTO cost_daily_totals (account_id, charge_date, currency, billing_period, week_start,
  list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction, line_items)
SELECT account_id, charge_date, currency, MAX(billing_period), MAX(week_start),
  SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(invoice_discount),
  SUM(coupon_deduction), SUM(cash_coupon_deduction), SUM(line_items)
FROM cost_daily
GROUP BY account_id, charge_date, currency;

INSERT INTO cost_daily_tags (tag_key, charge_date, account_id, tag_value, currency,
  billing_period, week_start, list_cost, billed_cost, effective_cost, line_items)
SELECT t.tag_key, li.charge_date, li.account_id, t.tag_value, li.currency,
  MAX(li.billing_period), MAX(li.week_start), SUM(li.list_cost), SUM(li.billed_cost), SUM(li.effective_cost), COUNT(*)
FROM cost_line_item_tags t
JOIN cost_line_items li ON li.account_id = t.account_id AND li.charge_date = t.charge_date AND li.item_key = t.item_key
WHERE t.tag_value <> ''
GROUP BY t.tag_key, li.charge_date, li.account_id, t.tag_value, li.currency;

INSERT INTO cost_daily_tags (tag_key, charge_date, account_id, tag_value, currency,
  billing_period, week_start, list_cost, billed_cost, effective_cost, line_items)
SELECT k.tag_key, d.charge_date, d.account_id, '', d.currency, d.billing_period, d.week_start,
  d.list_cost - k.list_cost, d.billed_cost - k.billed_cost, d.effective_cost - k.effective_cost, d.line_items - k.line_items
FROM cost_daily_totals d
JOIN (SELECT tag_key, charge_date, account_id, currency, SUM(list_cost) AS list_cost, SUM(billed_cost) AS billed_cost,
    SUM(effective_cost) AS effective_cost, SUM(line_items) AS line_items
  FROM cost_daily_tags
  GROUP BY tag_key, charge_date, account_id, currency) k
  ON k.account_id = d.account_id AND k.charge_date = d.charge_date AND k.currency = d.currency
WHERE d.line_items > k.line_items;

INSERT INTO cost_daily_resources (charge_date, account_id, resource_id, service_code, region_id, currency,
  resource_name, billing_period, week_start, list_cost, billed_cost, effective_cost, line_items)
SELECT charge_date, account_id, resource_id, service_code, region_id, currency,
  MAX(resource_name), MAX(billing_period), MAX(week_start), SUM(list_cost), SUM(billed_cost), SUM(effective_cost), COUNT(*)
FROM cost_line_items
WHERE resource_id <> ''
GROUP BY charge_date, account_id, resource_id, service_code, region_id, currency;
