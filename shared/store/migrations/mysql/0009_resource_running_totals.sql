-- Drill-down over ranges of any length reads two months of cost_monthly_resources, not every
-- month of the range. A series is one (account, resource, product, region, currency); its cost
-- from the range's start s to its end e is R(e) - R(s - 1), where R(t) is the series' cost up
-- to and including day t. R(t) is read from the series' row of t's month: the cost of its
-- earlier months (the prior_* columns below) plus the month's day columns up to t. A series
-- that ended before e's month has no row there, and R(e) is its lifetime total, kept in
-- cost_resource_lifetimes with its first and last month. For R(t) to be read from t's month,
-- every series has a row in each month from its first to its last: a month without cost gets
-- a row of zeros (line_items = 0) and carries the prior totals forward.
ALTER TABLE cost_monthly_resources
  ADD COLUMN prior_list      BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN prior_billed    BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN prior_effective BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN prior_days      BIGINT NOT NULL DEFAULT 0,
  -- The rebuild of one account's series reads its rows in series order, and finds its
  -- empty months, without scanning every account's rows.
  ADD KEY cost_monthly_resources_series (account_id, resource_id, service_code, region_id, currency, billing_period,
    list_cost, billed_cost, effective_cost, days_present),
  ADD KEY cost_monthly_resources_empty (account_id, line_items);

CREATE TABLE cost_resource_lifetimes (
  account_id     BIGINT       NOT NULL,
  resource_id    VARCHAR(200) NOT NULL,
  service_code   VARCHAR(64)  NOT NULL,
  region_id      VARCHAR(32)  NOT NULL DEFAULT '',
  currency       CHAR(3)      NOT NULL,
  first_period   CHAR(7)      NOT NULL,
  last_period    CHAR(7)      NOT NULL,
  resource_name  VARCHAR(255) NOT NULL DEFAULT '',
  list_cost      BIGINT       NOT NULL DEFAULT 0,
  billed_cost    BIGINT       NOT NULL DEFAULT 0,
  effective_cost BIGINT       NOT NULL DEFAULT 0,
  days           BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, resource_id, service_code, region_id, currency),
  KEY cost_resource_lifetimes_last (last_period, account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- The backfill is RebuildDaily's resource series step over all accounts at once.
INSERT INTO cost_monthly_resources (billing_period, account_id, resource_id, service_code, region_id, currency, resource_name)
WITH RECURSIVE spans AS (
  SELECT account_id, resource_id, service_code, region_id, currency, MIN(billing_period) AS period,
    MAX(billing_period) AS last_period, MAX(resource_name) AS resource_name
  FROM cost_monthly_resources
  GROUP BY account_id, resource_id, service_code, region_id, currency
  UNION ALL
  SELECT account_id, resource_id, service_code, region_id, currency,
    DATE_FORMAT(CONCAT(period, '-01') + INTERVAL 1 MONTH, '%Y-%m'), last_period, resource_name
  FROM spans WHERE period < last_period
)
SELECT s.period, s.account_id, s.resource_id, s.service_code, s.region_id, s.currency, s.resource_name
FROM spans s LEFT JOIN cost_monthly_resources c ON c.billing_period = s.period AND c.account_id = s.account_id
  AND c.resource_id = s.resource_id AND c.service_code = s.service_code AND c.region_id = s.region_id AND c.currency = s.currency
WHERE c.account_id IS NULL;

UPDATE cost_monthly_resources c JOIN (
  SELECT billing_period, account_id, resource_id, service_code, region_id, currency,
    SUM(list_cost) OVER w - list_cost AS prior_list,
    SUM(billed_cost) OVER w - billed_cost AS prior_billed,
    SUM(effective_cost) OVER w - effective_cost AS prior_effective,
    SUM(BIT_COUNT(days_present)) OVER w - BIT_COUNT(days_present) AS prior_days
  FROM cost_monthly_resources
  WINDOW w AS (PARTITION BY account_id, resource_id, service_code, region_id, currency ORDER BY billing_period)
) r ON c.billing_period = r.billing_period AND c.account_id = r.account_id AND c.resource_id = r.resource_id
  AND c.service_code = r.service_code AND c.region_id = r.region_id AND c.currency = r.currency
SET c.prior_list = r.prior_list, c.prior_billed = r.prior_billed, c.prior_effective = r.prior_effective,
  c.prior_days = r.prior_days;

INSERT INTO cost_resource_lifetimes (account_id, resource_id, service_code, region_id, currency, first_period, last_period,
  resource_name, list_cost, billed_cost, effective_cost, days)
SELECT account_id, resource_id, service_code, region_id, currency, MIN(billing_period), MAX(billing_period),
  MAX(resource_name), SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(BIT_COUNT(days_present))
FROM cost_monthly_resources
GROUP BY account_id, resource_id, service_code, region_id, currency;
