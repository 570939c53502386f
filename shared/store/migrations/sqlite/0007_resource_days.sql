-- Drill-down to resources over any range, not only whole months. A range of a few days read
-- one cost_daily_resources row per resource and day and grouped them (1 s for 7 days at 10 M
-- line items). cost_monthly_resources now also holds each resource-month's cost per day of
-- the month, for each metric (list_d01 … effective_d31), and days_present, a bit per day of
-- the month on which the resource had cost (bit 0 for the 1st). TopResources reads one row per
-- resource and month for any range: whole months from the month totals, the first and last
-- month of the range from the sum of their days' columns. The table is derived from
-- cost_daily_resources, so it is emptied and rebuilt from it.
ALTER TABLE cost_monthly_resources ADD COLUMN days_present INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d01 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d02 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d03 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d04 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d05 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d06 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d07 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d08 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d09 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d10 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d11 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d12 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d13 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d14 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d15 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d16 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d17 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d18 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d19 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d20 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d21 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d22 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d23 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d24 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d25 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d26 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d27 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d28 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d29 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d30 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN list_d31 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d01 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d02 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d03 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d04 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d05 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d06 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d07 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d08 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d09 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d10 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d11 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d12 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d13 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d14 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d15 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d16 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d17 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d18 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d19 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d20 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d21 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d22 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d23 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d24 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d25 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d26 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d27 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d28 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d29 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d30 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN billed_d31 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d01 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d02 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d03 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d04 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d05 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d06 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d07 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d08 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d09 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d10 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d11 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d12 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d13 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d14 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d15 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d16 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d17 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d18 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d19 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d20 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d21 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d22 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d23 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d24 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d25 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d26 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d27 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d28 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d29 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d30 INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN effective_d31 INTEGER NOT NULL DEFAULT 0;

DELETE FROM cost_monthly_resources;

INSERT INTO cost_monthly_resources (billing_period, account_id, resource_id, service_code, region_id, currency,
  resource_name, list_cost, billed_cost, effective_cost, line_items, days_present,
  list_d01, list_d02, list_d03, list_d04, list_d05, list_d06, list_d07, list_d08, list_d09, list_d10, list_d11, list_d12, list_d13, list_d14, list_d15, list_d16, list_d17, list_d18, list_d19, list_d20, list_d21, list_d22, list_d23, list_d24, list_d25, list_d26, list_d27, list_d28, list_d29, list_d30, list_d31, billed_d01, billed_d02, billed_d03, billed_d04, billed_d05, billed_d06, billed_d07, billed_d08, billed_d09, billed_d10, billed_d11, billed_d12, billed_d13, billed_d14, billed_d15, billed_d16, billed_d17, billed_d18, billed_d19, billed_d20, billed_d21, billed_d22, billed_d23, billed_d24, billed_d25, billed_d26, billed_d27, billed_d28, billed_d29, billed_d30, billed_d31, effective_d01, effective_d02, effective_d03, effective_d04, effective_d05, effective_d06, effective_d07, effective_d08, effective_d09, effective_d10, effective_d11, effective_d12, effective_d13, effective_d14, effective_d15, effective_d16, effective_d17, effective_d18, effective_d19, effective_d20, effective_d21, effective_d22, effective_d23, effective_d24, effective_d25, effective_d26, effective_d27, effective_d28, effective_d29, effective_d30, effective_d31)
SELECT billing_period, account_id, resource_id, service_code, region_id, currency,
  MAX(resource_name), SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(line_items),
  SUM(1 << (CAST(substr(charge_date, 9, 2) AS INTEGER) - 1)),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 1 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 2 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 3 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 4 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 5 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 6 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 7 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 8 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 9 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 10 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 11 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 12 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 13 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 14 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 15 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 16 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 17 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 18 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 19 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 20 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 21 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 22 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 23 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 24 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 25 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 26 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 27 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 28 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 29 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 30 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 31 THEN list_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 1 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 2 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 3 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 4 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 5 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 6 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 7 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 8 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 9 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 10 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 11 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 12 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 13 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 14 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 15 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 16 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 17 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 18 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 19 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 20 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 21 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 22 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 23 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 24 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 25 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 26 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 27 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 28 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 29 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 30 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 31 THEN billed_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 1 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 2 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 3 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 4 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 5 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 6 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 7 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 8 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 9 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 10 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 11 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 12 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 13 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 14 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 15 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 16 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 17 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 18 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 19 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 20 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 21 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 22 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 23 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 24 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 25 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 26 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 27 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 28 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 29 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 30 THEN effective_cost ELSE 0 END),
  SUM(CASE CAST(substr(charge_date, 9, 2) AS INTEGER) WHEN 31 THEN effective_cost ELSE 0 END)
FROM cost_daily_resources
GROUP BY billing_period, account_id, resource_id, service_code, region_id, currency;

-- See the MySQL migration: the covering index of cost_daily in the order CostRows groups by.
DROP INDEX cost_daily_cover;
CREATE INDEX cost_daily_groups ON cost_daily (charge_date, currency, service_code, subscription_type, charge_category, region_id,
  account_id, billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount,
  coupon_deduction, cash_coupon_deduction);
