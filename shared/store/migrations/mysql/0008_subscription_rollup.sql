-- Per account, day, subscription type, charge category, region and currency: cost_daily
-- without the product. Breakdowns by subscription type or charge category that do not need
-- the product read it instead of cost_daily: over 90 days at 10 M line items, 9,000 rows
-- instead of 63,000 (subscription type x region took 107 ms on cost_daily). Like the other
-- roll-ups, its covering index follows the date and currency with the grouped columns in
-- CostRows' GROUP BY order.
CREATE TABLE cost_daily_subscriptions (
  account_id            BIGINT      NOT NULL,
  charge_date           DATE        NOT NULL,
  subscription_type     VARCHAR(16) NOT NULL DEFAULT '',
  charge_category       VARCHAR(16) NOT NULL DEFAULT '',
  region_id             VARCHAR(32) NOT NULL DEFAULT '',
  currency              CHAR(3)     NOT NULL,
  billing_period        CHAR(7)     NOT NULL,
  week_start            DATE        NOT NULL,
  list_cost             BIGINT      NOT NULL DEFAULT 0,
  billed_cost           BIGINT      NOT NULL DEFAULT 0,
  effective_cost        BIGINT      NOT NULL DEFAULT 0,
  invoice_discount      BIGINT      NOT NULL DEFAULT 0,
  coupon_deduction      BIGINT      NOT NULL DEFAULT 0,
  cash_coupon_deduction BIGINT      NOT NULL DEFAULT 0,
  line_items            BIGINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, charge_date, subscription_type, charge_category, region_id, currency),
  KEY cost_daily_subscriptions_cover (charge_date, currency, subscription_type, charge_category, region_id, account_id,
    billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Filled from cost_daily, as RebuildDaily does for the days it touches.
INSERT INTO cost_daily_subscriptions (account_id, charge_date, subscription_type, charge_category, region_id, currency,
  billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction,
  cash_coupon_deduction, line_items)
SELECT account_id, charge_date, subscription_type, charge_category, region_id, currency, MAX(billing_period), MAX(week_start),
  SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(invoice_discount), SUM(coupon_deduction),
  SUM(cash_coupon_deduction), SUM(line_items)
FROM cost_daily
GROUP BY account_id, charge_date, subscription_type, charge_category, region_id, currency;
