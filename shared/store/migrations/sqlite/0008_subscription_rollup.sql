-- cost_daily without the product, for breakdowns by subscription type or charge category;
-- see the MySQL migration of the same number.
CREATE TABLE cost_daily_subscriptions (
  account_id            INTEGER NOT NULL,
  charge_date           TEXT    NOT NULL,
  subscription_type     TEXT    NOT NULL DEFAULT '',
  charge_category       TEXT    NOT NULL DEFAULT '',
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
  PRIMARY KEY (account_id, charge_date, subscription_type, charge_category, region_id, currency)
) STRICT;

CREATE INDEX cost_daily_subscriptions_cover ON cost_daily_subscriptions (charge_date, currency, subscription_type, charge_category,
  region_id, account_id, billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction,
  cash_coupon_deduction);

INSERT INTO cost_daily_subscriptions (account_id, charge_date, subscription_type, charge_category, region_id, currency,
  billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction,
  cash_coupon_deduction, line_items)
SELECT account_id, charge_date, subscription_type, charge_category, region_id, currency, MAX(billing_period), MAX(week_start),
  SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(invoice_discount), SUM(coupon_deduction),
  SUM(cash_coupon_deduction), SUM(line_items)
FROM cost_daily
GROUP BY account_id, charge_date, subscription_type, charge_category, region_id, currency;
