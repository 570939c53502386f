-- Prepaid-card and resource-package deductions in the roll-ups the discount analysis reads
-- (cost_daily, cost_daily_regions, cost_daily_subscriptions), in their covering indexes so the
-- discount queries still read the index alone, and filled from the stored line items.
ALTER TABLE cost_daily
  ADD COLUMN prepaid_card_deduction     BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN resource_package_deduction BIGINT NOT NULL DEFAULT 0,
  DROP KEY cost_daily_groups,
  ADD KEY cost_daily_groups (charge_date, currency, service_code, subscription_type, charge_category, region_id,
    account_id, billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount,
    coupon_deduction, cash_coupon_deduction, prepaid_card_deduction, resource_package_deduction);

ALTER TABLE cost_daily_regions
  ADD COLUMN prepaid_card_deduction     BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN resource_package_deduction BIGINT NOT NULL DEFAULT 0,
  DROP KEY cost_daily_regions_cover,
  ADD KEY cost_daily_regions_cover (charge_date, currency, service_code, region_id, account_id, billing_period, week_start,
    list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction,
    prepaid_card_deduction, resource_package_deduction);

ALTER TABLE cost_daily_subscriptions
  ADD COLUMN prepaid_card_deduction     BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN resource_package_deduction BIGINT NOT NULL DEFAULT 0,
  DROP KEY cost_daily_subscriptions_cover,
  ADD KEY cost_daily_subscriptions_cover (charge_date, currency, subscription_type, charge_category, region_id, account_id,
    billing_period, week_start, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction, cash_coupon_deduction,
    prepaid_card_deduction, resource_package_deduction);

-- Only groups with a deduction are written: most items have none.
UPDATE cost_daily d
JOIN (SELECT account_id, charge_date, service_code, region_id, subscription_type, charge_category, currency,
    SUM(prepaid_card_deduction) AS prepaid, SUM(resource_package_deduction) AS package
  FROM cost_line_items
  WHERE prepaid_card_deduction <> 0 OR resource_package_deduction <> 0
  GROUP BY account_id, charge_date, service_code, region_id, subscription_type, charge_category, currency) x
  ON x.account_id = d.account_id AND x.charge_date = d.charge_date AND x.service_code = d.service_code
  AND x.region_id = d.region_id AND x.subscription_type = d.subscription_type AND x.charge_category = d.charge_category
  AND x.currency = d.currency
SET d.prepaid_card_deduction = x.prepaid, d.resource_package_deduction = x.package;

UPDATE cost_daily_regions r
JOIN (SELECT account_id, charge_date, service_code, region_id, currency,
    SUM(prepaid_card_deduction) AS prepaid, SUM(resource_package_deduction) AS package
  FROM cost_daily
  WHERE prepaid_card_deduction <> 0 OR resource_package_deduction <> 0
  GROUP BY account_id, charge_date, service_code, region_id, currency) x
  ON x.account_id = r.account_id AND x.charge_date = r.charge_date AND x.service_code = r.service_code
  AND x.region_id = r.region_id AND x.currency = r.currency
SET r.prepaid_card_deduction = x.prepaid, r.resource_package_deduction = x.package;

UPDATE cost_daily_subscriptions s
JOIN (SELECT account_id, charge_date, subscription_type, charge_category, region_id, currency,
    SUM(prepaid_card_deduction) AS prepaid, SUM(resource_package_deduction) AS package
  FROM cost_daily
  WHERE prepaid_card_deduction <> 0 OR resource_package_deduction <> 0
  GROUP BY account_id, charge_date, subscription_type, charge_category, region_id, currency) x
  ON x.account_id = s.account_id AND x.charge_date = s.charge_date AND x.subscription_type = s.subscription_type
  AND x.charge_category = s.charge_category AND x.region_id = s.region_id AND x.currency = s.currency
SET s.prepaid_card_deduction = x.prepaid, s.resource_package_deduction = x.package;
