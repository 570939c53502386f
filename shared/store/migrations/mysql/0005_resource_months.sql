-- Per calendar month, account, resource, product, region and currency: cost_daily_resources
-- summed over the month, so that drill-down to resources over whole months reads one row per
-- resource-month instead of one per resource-day (a month of the daily table is about 30 times
-- as many rows). TopResources reads whole months here and the edge days from the daily table.
-- A bill's billing period is the month of its charge date, so billing_period is that month.
CREATE TABLE cost_monthly_resources (
  billing_period CHAR(7)      NOT NULL,
  account_id     BIGINT       NOT NULL,
  resource_id    VARCHAR(200) NOT NULL,
  service_code   VARCHAR(64)  NOT NULL,
  region_id      VARCHAR(32)  NOT NULL DEFAULT '',
  currency       CHAR(3)      NOT NULL,
  resource_name  VARCHAR(255) NOT NULL DEFAULT '',
  list_cost      BIGINT       NOT NULL DEFAULT 0,
  billed_cost    BIGINT       NOT NULL DEFAULT 0,
  effective_cost BIGINT       NOT NULL DEFAULT 0,
  line_items     BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (billing_period, account_id, resource_id, service_code, region_id, currency)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Fill it from what earlier versions stored, so drill-down keeps its history without a
-- re-sync. This is the INSERT … SELECT of RebuildDaily over all accounts and months.
INSERT INTO cost_monthly_resources (billing_period, account_id, resource_id, service_code, region_id, currency,
  resource_name, list_cost, billed_cost, effective_cost, line_items)
SELECT billing_period, account_id, resource_id, service_code, region_id, currency,
  MAX(resource_name), SUM(list_cost), SUM(billed_cost), SUM(effective_cost), SUM(line_items)
FROM cost_daily_resources
GROUP BY billing_period, account_id, resource_id, service_code, region_id, currency;
