-- How many days of a run's window are fetched so far, written with the other counters as the
-- run goes, so a running sync can show its progress as a share of its days.
ALTER TABLE sync_runs ADD COLUMN days_done INT NOT NULL DEFAULT 0;
