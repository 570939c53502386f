-- Amortised (effective) cost: each upfront charge (a Subscription purchase or its refund
-- with a service period of more than a day) spread over the days it pays for, one row per
-- charge and day, with the charge's dimensions so that every roll-up can add its share to
-- the day it falls on. The charge itself has effective_cost 0 (billing.Normalize). Days
-- whose shares changed wait in cost_rollup_dirty until RebuildDaily has rebuilt them, so a
-- rebuild that fails half-way is finished by the next one.
CREATE TABLE cost_amortized_daily (
  account_id        BIGINT       NOT NULL,
  source_date       DATE         NOT NULL,
  item_key          BINARY(16)   NOT NULL,
  charge_date       DATE         NOT NULL,
  billing_period    CHAR(7)      NOT NULL,
  week_start        DATE         NOT NULL,
  service_code      VARCHAR(64)  NOT NULL,
  service_name      VARCHAR(200) NOT NULL DEFAULT '',
  region_id         VARCHAR(32)  NOT NULL DEFAULT '',
  subscription_type VARCHAR(16)  NOT NULL DEFAULT '',
  charge_category   VARCHAR(16)  NOT NULL DEFAULT '',
  currency          CHAR(3)      NOT NULL,
  resource_id       VARCHAR(200) NOT NULL DEFAULT '',
  resource_name     VARCHAR(255) NOT NULL DEFAULT '',
  tag_set_id        BIGINT       NOT NULL DEFAULT 0,
  resource_group    VARCHAR(200) NOT NULL DEFAULT '',
  cost_unit         VARCHAR(200) NOT NULL DEFAULT '',
  billing_item      VARCHAR(64)  NOT NULL DEFAULT '',
  effective_cost    BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, source_date, item_key, charge_date),
  KEY cost_amortized_daily_day (account_id, charge_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE cost_rollup_dirty (
  account_id  BIGINT NOT NULL,
  charge_date DATE   NOT NULL,
  PRIMARY KEY (account_id, charge_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
