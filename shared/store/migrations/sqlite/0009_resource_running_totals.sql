-- Running totals per resource series for drill-down over ranges of any length; see the MySQL
-- migration of the same number. SQLite has no BIT_COUNT: the days of a month are counted from
-- the 31 bits of days_present.
ALTER TABLE cost_monthly_resources ADD COLUMN prior_list INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN prior_billed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN prior_effective INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cost_monthly_resources ADD COLUMN prior_days INTEGER NOT NULL DEFAULT 0;

CREATE INDEX cost_monthly_resources_series ON cost_monthly_resources (account_id, resource_id, service_code, region_id, currency,
  billing_period, list_cost, billed_cost, effective_cost, days_present);

CREATE INDEX cost_monthly_resources_empty ON cost_monthly_resources (account_id, line_items);

CREATE TABLE cost_resource_lifetimes (
  account_id     INTEGER NOT NULL,
  resource_id    TEXT    NOT NULL,
  service_code   TEXT    NOT NULL,
  region_id      TEXT    NOT NULL DEFAULT '',
  currency       TEXT    NOT NULL,
  first_period   TEXT    NOT NULL,
  last_period    TEXT    NOT NULL,
  resource_name  TEXT    NOT NULL DEFAULT '',
  list_cost      INTEGER NOT NULL DEFAULT 0,
  billed_cost    INTEGER NOT NULL DEFAULT 0,
  effective_cost INTEGER NOT NULL DEFAULT 0,
  days           INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, resource_id, service_code, region_id, currency)
) STRICT;

CREATE INDEX cost_resource_lifetimes_last ON cost_resource_lifetimes (last_period, account_id);

INSERT INTO cost_monthly_resources (billing_period, account_id, resource_id, service_code, region_id, currency, resource_name)
WITH RECURSIVE spans AS (
  SELECT account_id, resource_id, service_code, region_id, currency, MIN(billing_period) AS period,
    MAX(billing_period) AS last_period, MAX(resource_name) AS resource_name
  FROM cost_monthly_resources
  GROUP BY account_id, resource_id, service_code, region_id, currency
  UNION ALL
  SELECT account_id, resource_id, service_code, region_id, currency,
    strftime('%Y-%m', period || '-01', '+1 month'), last_period, resource_name
  FROM spans WHERE period < last_period
)
SELECT s.period, s.account_id, s.resource_id, s.service_code, s.region_id, s.currency, s.resource_name
FROM spans s LEFT JOIN cost_monthly_resources c ON c.billing_period = s.period AND c.account_id = s.account_id
  AND c.resource_id = s.resource_id AND c.service_code = s.service_code AND c.region_id = s.region_id AND c.currency = s.currency
WHERE c.account_id IS NULL;

UPDATE cost_monthly_resources SET prior_list = r.prior_list, prior_billed = r.prior_billed,
  prior_effective = r.prior_effective, prior_days = r.prior_days
FROM (
  SELECT billing_period, account_id, resource_id, service_code, region_id, currency,
    SUM(list_cost) OVER w - list_cost AS prior_list,
    SUM(billed_cost) OVER w - billed_cost AS prior_billed,
    SUM(effective_cost) OVER w - effective_cost AS prior_effective,
    SUM(((days_present >> 0) & 1) + ((days_present >> 1) & 1) + ((days_present >> 2) & 1) + ((days_present >> 3) & 1) + ((days_present >> 4) & 1) + ((days_present >> 5) & 1) + ((days_present >> 6) & 1) + ((days_present >> 7) & 1) + ((days_present >> 8) & 1) + ((days_present >> 9) & 1) + ((days_present >> 10) & 1) + ((days_present >> 11) & 1) + ((days_present >> 12) & 1) + ((days_present >> 13) & 1) + ((days_present >> 14) & 1) + ((days_present >> 15) & 1) + ((days_present >> 16) & 1) + ((days_present >> 17) & 1) + ((days_present >> 18) & 1) + ((days_present >> 19) & 1) + ((days_present >> 20) & 1) + ((days_present >> 21) & 1) + ((days_present >> 22) & 1) + ((days_present >> 23) & 1) + ((days_present >> 24) & 1) + ((days_present >> 25) & 1) + ((days_present >> 26) & 1) + ((days_present >> 27) & 1) + ((days_present >> 28) & 1) + ((days_present >> 29) & 1) + ((days_present >> 30) & 1)) OVER w - (((days_present >> 0) & 1) + ((days_present >> 1) & 1) + ((days_present >> 2) & 1) + ((days_present >> 3) & 1) + ((days_present >> 4) & 1) + ((days_present >> 5) & 1) + ((days_present >> 6) & 1) + ((days_present >> 7) & 1) + ((days_present >> 8) & 1) + ((days_present >> 9) & 1) + ((days_present >> 10) & 1) + ((days_present >> 11) & 1) + ((days_present >> 12) & 1) + ((days_present >> 13) & 1) + ((days_present >> 14) & 1) + ((days_present >> 15) & 1) + ((days_present >> 16) & 1) + ((days_present >> 17) & 1) + ((days_present >> 18) & 1) + ((days_present >> 19) & 1) + ((days_present >> 20) & 1) + ((days_present >> 21) & 1) + ((days_present >> 22) & 1) + ((days_present >> 23) & 1) + ((days_present >> 24) & 1) + ((days_present >> 25) & 1) + ((days_present >> 26) & 1) + ((days_present >> 27) & 1) + ((days_present >> 28) & 1) + ((days_present >> 29) & 1) + ((days_present >> 30) & 1)) AS prior_days
  FROM cost_monthly_resources
  WINDOW w AS (PARTITION BY account_id, resource_id, service_code, region_id, currency ORDER BY billing_period)
) AS r
WHERE cost_monthly_resources.billing_period = r.billing_period AND cost_monthly_resources.account_id = r.account_id
  AND cost_monthly_resources.resource_id = r.resource_id AND cost_monthly_resources.service_code = r.service_code
  AND cost_monthly_resources.region_id = r.region_id AND cost_monthly_resources.currency = r.currency;

INSERT INTO cost_resource_lifetimes (account_id, resource_id, service_code, region_id, currency, first_period, last_period,
  resource_name, list_cost, billed_cost, effective_cost, days)
SELECT account_id, resource_id, service_code, region_id, currency, MIN(billing_period), MAX(billing_period),
  MAX(resource_name), SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(((days_present >> 0) & 1) + ((days_present >> 1) & 1) + ((days_present >> 2) & 1) + ((days_present >> 3) & 1) + ((days_present >> 4) & 1) + ((days_present >> 5) & 1) + ((days_present >> 6) & 1) + ((days_present >> 7) & 1) + ((days_present >> 8) & 1) + ((days_present >> 9) & 1) + ((days_present >> 10) & 1) + ((days_present >> 11) & 1) + ((days_present >> 12) & 1) + ((days_present >> 13) & 1) + ((days_present >> 14) & 1) + ((days_present >> 15) & 1) + ((days_present >> 16) & 1) + ((days_present >> 17) & 1) + ((days_present >> 18) & 1) + ((days_present >> 19) & 1) + ((days_present >> 20) & 1) + ((days_present >> 21) & 1) + ((days_present >> 22) & 1) + ((days_present >> 23) & 1) + ((days_present >> 24) & 1) + ((days_present >> 25) & 1) + ((days_present >> 26) & 1) + ((days_present >> 27) & 1) + ((days_present >> 28) & 1) + ((days_present >> 29) & 1) + ((days_present >> 30) & 1))
FROM cost_monthly_resources
GROUP BY account_id, resource_id, service_code, region_id, currency;
