-- How many days of a run's window are fetched so far; see the MySQL migration.
ALTER TABLE sync_runs ADD COLUMN days_done INTEGER NOT NULL DEFAULT 0;
