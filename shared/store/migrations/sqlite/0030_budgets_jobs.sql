-- Budgets and the runs of scheduled jobs; see the MySQL migration for the reasoning.
CREATE TABLE budgets (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  name              TEXT    NOT NULL,
  period            TEXT    NOT NULL,
  amount            INTEGER NOT NULL,
  currency          TEXT    NOT NULL,
  month_amounts     TEXT    NOT NULL DEFAULT '',
  all_accounts      INTEGER NOT NULL DEFAULT 0,
  filters           TEXT    NOT NULL,
  thresholds        TEXT    NOT NULL,
  created_by        INTEGER NOT NULL,
  created_at        TEXT    NOT NULL,
  updated_at        TEXT    NOT NULL,
  status_period     TEXT    NOT NULL DEFAULT '',
  status_as_of      TEXT    NOT NULL DEFAULT '',
  status_amount     INTEGER NOT NULL DEFAULT 0,
  status_spent      INTEGER NOT NULL DEFAULT 0,
  status_forecast   INTEGER NOT NULL DEFAULT 0,
  status_burn_down  TEXT    NOT NULL DEFAULT '',
  evaluated_at      TEXT    NULL
) STRICT;
CREATE INDEX budgets_name ON budgets (name);

CREATE TABLE budget_accounts (
  budget_id  INTEGER NOT NULL REFERENCES budgets (id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL,
  PRIMARY KEY (budget_id, account_id)
) STRICT;
CREATE INDEX budget_accounts_account ON budget_accounts (account_id);

CREATE TABLE job_runs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  job          TEXT    NOT NULL,
  run_trigger  TEXT    NOT NULL,
  status       TEXT    NOT NULL,
  message      TEXT    NOT NULL DEFAULT '',
  items        INTEGER NOT NULL DEFAULT 0,
  requested_by INTEGER NULL,
  created_at   TEXT    NOT NULL,
  started_at   TEXT    NULL,
  heartbeat_at TEXT    NULL,
  finished_at  TEXT    NULL
) STRICT;
CREATE INDEX job_runs_job ON job_runs (job, id);
