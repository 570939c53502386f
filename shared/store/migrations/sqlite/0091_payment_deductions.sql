-- Prepaid-card and resource-package deductions in the discount roll-ups; see the MySQL
-- migration of the same number.
ALTER TABLE cost_daily ADD COLUMN prepaid_card_deduction INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_daily ADD COLUMN resource_package_deduction INTEGER NOT NULL DEFAULT 0;
DROP INDEX cost_daily_groups;
CREATE INDEX cost_daily_groups ON cost_daily (charge_date, currency, service_code, subscription_type, charge_category, region_id,
  account_id, billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount,
  coupon_deduction, cash_coupon_deduction, prepaid_card_deduction, resource_package_deduction);

ALTER TABLE cost_daily_regions ADD COLUMN prepaid_card_deduction INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_daily_regions ADD COLUMN resource_package_deduction INTEGER NOT NULL DEFAULT 0;
DROP INDEX cost_daily_regions_cover;
CREATE INDEX cost_daily_regions_cover ON cost_daily_regions (charge_date, currency, service_code, region_id, account_id,
  billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction,
  prepaid_card_deduction, resource_package_deduction);

ALTER TABLE cost_daily_subscriptions ADD COLUMN prepaid_card_deduction INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_daily_subscriptions ADD COLUMN resource_package_deduction INTEGER NOT NULL DEFAULT 0;
DROP INDEX cost_daily_subscriptions_cover;
CREATE INDEX cost_daily_subscriptions_cover ON cost_daily_subscriptions (charge_date, currency, subscription_type, charge_category,
  region_id, account_id, billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction,
  cash_coupon_deduction, prepaid_card_deduction, resource_package_deduction);

UPDATE cost_daily SET
  prepaid_card_deduction = x.prepaid, resource_package_deduction = x.package
FROM (SELECT account_id, charge_date, service_code, region_id, subscription_type, charge_category, currency,
    SUM(prepaid_card_deduction) AS prepaid, SUM(resource_package_deduction) AS package
  FROM cost_line_items
  WHERE prepaid_card_deduction <> 0 OR resource_package_deduction <> 0
  GROUP BY account_id, charge_date, service_code, region_id, subscription_type, charge_category, currency) AS x
WHERE x.account_id = cost_daily.account_id AND x.charge_date = cost_daily.charge_date AND x.service_code = cost_daily.service_code
  AND x.region_id = cost_daily.region_id AND x.subscription_type = cost_daily.subscription_type
  AND x.charge_category = cost_daily.charge_category AND x.currency = cost_daily.currency;

UPDATE cost_daily_regions SET
  prepaid_card_deduction = x.prepaid, resource_package_deduction = x.package
FROM (SELECT account_id, charge_date, service_code, region_id, currency,
    SUM(prepaid_card_deduction) AS prepaid, SUM(resource_package_deduction) AS package
  FROM cost_daily
  WHERE prepaid_card_deduction <> 0 OR resource_package_deduction <> 0
  GROUP BY account_id, charge_date, service_code, region_id, currency) AS x
WHERE x.account_id = cost_daily_regions.account_id AND x.charge_date = cost_daily_regions.charge_date
  AND x.service_code = cost_daily_regions.service_code AND x.region_id = cost_daily_regions.region_id
  AND x.currency = cost_daily_regions.currency;

UPDATE cost_daily_subscriptions SET
  prepaid_card_deduction = x.prepaid, resource_package_deduction = x.package
FROM (SELECT account_id, charge_date, subscription_type, charge_category, region_id, currency,
    SUM(prepaid_card_deduction) AS prepaid, SUM(resource_package_deduction) AS package
  FROM cost_daily
  WHERE prepaid_card_deduction <> 0 OR resource_package_deduction <> 0
  GROUP BY account_id, charge_date, subscription_type, charge_category, region_id, currency) AS x
WHERE x.account_id = cost_daily_subscriptions.account_id AND x.charge_date = cost_daily_subscriptions.charge_date
  AND x.subscription_type = cost_daily_subscriptions.subscription_type
  AND x.charge_category = cost_daily_subscriptions.charge_category AND x.region_id = cost_daily_subscriptions.region_id
  AND x.currency = cost_daily_subscriptions.currency;
