-- Budgets and the runs of scheduled jobs.
-- A budget's accounts are rows of budget_accounts unless all_accounts is set (created by someone
-- who may see every account, with no account chosen: the budget then follows new accounts too).
-- Filters and thresholds are kept as JSON text the Go code reads; nothing queries inside them.
-- The status columns hold the last evaluation (by budgetcheck, or on create and edit), so
-- the list of budgets reads one table however many budgets there are.
CREATE TABLE budgets (
  id                BIGINT       NOT NULL AUTO_INCREMENT,
  name              VARCHAR(200) NOT NULL,
  period            VARCHAR(16)  NOT NULL,
  amount            BIGINT       NOT NULL,
  currency          CHAR(3)      NOT NULL,
  month_amounts     VARCHAR(400) NOT NULL DEFAULT '',
  all_accounts      TINYINT(1)   NOT NULL DEFAULT 0,
  filters           TEXT         NOT NULL,
  thresholds        TEXT         NOT NULL,
  created_by        BIGINT       NOT NULL,
  created_at        DATETIME(6)  NOT NULL,
  updated_at        DATETIME(6)  NOT NULL,
  status_period     CHAR(10)    NOT NULL DEFAULT '',
  status_as_of      CHAR(10)    NOT NULL DEFAULT '',
  status_amount     BIGINT       NOT NULL DEFAULT 0,
  status_spent      BIGINT       NOT NULL DEFAULT 0,
  status_forecast   BIGINT       NOT NULL DEFAULT 0,
  status_burn_down  CHAR(10)    NOT NULL DEFAULT '',
  evaluated_at      DATETIME(6)  NULL,
  PRIMARY KEY (id),
  KEY budgets_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE budget_accounts (
  budget_id  BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  PRIMARY KEY (budget_id, account_id),
  KEY budget_accounts_account (account_id),
  CONSTRAINT budget_accounts_budget FOREIGN KEY (budget_id) REFERENCES budgets (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per run of a scheduled job (billing sync keeps its own per-account runs as well).
-- heartbeat_at is renewed while the run works; a running row whose heartbeat is old belongs
-- to a holder that is gone, and the next run marks it abandoned.
CREATE TABLE job_runs (
  id           BIGINT        NOT NULL AUTO_INCREMENT,
  job          VARCHAR(64)   NOT NULL,
  run_trigger  VARCHAR(16)   NOT NULL,
  status       VARCHAR(16)   NOT NULL,
  message      VARCHAR(2000) NOT NULL DEFAULT '',
  items        BIGINT        NOT NULL DEFAULT 0,
  requested_by BIGINT        NULL,
  created_at   DATETIME(6)   NOT NULL,
  started_at   DATETIME(6)   NULL,
  heartbeat_at DATETIME(6)   NULL,
  finished_at  DATETIME(6)   NULL,
  PRIMARY KEY (id),
  KEY job_runs_job (job, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
