-- Bill fields CloudLens used to drop, the counters a sync keeps about what it had to
-- decide (twin charges, repeated items, rounded amounts, failed days), and which billing
-- days of an account are known to be incomplete, with why.

-- Added at the end of the row, which MySQL 8.0 and MariaDB 10.3+ do in place (INSTANT).
ALTER TABLE cost_line_items
  ADD COLUMN resource_package_deduction BIGINT       NOT NULL DEFAULT 0,
  ADD COLUMN adjust_amount              BIGINT       NOT NULL DEFAULT 0,
  ADD COLUMN payment_amount             BIGINT       NOT NULL DEFAULT 0,
  ADD COLUMN cash_amount                BIGINT       NOT NULL DEFAULT 0,
  ADD COLUMN outstanding_amount         BIGINT       NOT NULL DEFAULT 0,
  ADD COLUMN list_price                 VARCHAR(40)  NOT NULL DEFAULT '',
  ADD COLUMN list_price_unit            VARCHAR(64)  NOT NULL DEFAULT '',
  ADD COLUMN instance_spec              VARCHAR(128) NOT NULL DEFAULT '',
  ADD COLUMN instance_config            VARCHAR(1000) NOT NULL DEFAULT '',
  ADD COLUMN service_period             VARCHAR(32)  NOT NULL DEFAULT '',
  ADD COLUMN service_period_unit        VARCHAR(16)  NOT NULL DEFAULT '';

ALTER TABLE sync_runs
  ADD COLUMN twins       BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN duplicates  BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN rounded     BIGINT NOT NULL DEFAULT 0,
  ADD COLUMN failed_days INT    NOT NULL DEFAULT 0;

-- A row per account and billing day whose bill is not complete in CloudLens: the day
-- failed to sync, or items of it were rejected. A later sync that completes the day
-- deletes the row; answers that cover the day say so.
CREATE TABLE billing_day_gaps (
  account_id  BIGINT       NOT NULL,
  charge_date DATE         NOT NULL,
  reason      VARCHAR(500) NOT NULL,
  sync_id     BIGINT       NOT NULL DEFAULT 0,
  noted_at    DATETIME(6)  NOT NULL,
  PRIMARY KEY (account_id, charge_date),
  KEY billing_day_gaps_date (charge_date, account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
