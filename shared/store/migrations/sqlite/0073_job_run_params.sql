-- The parameters "run now" gave a run; see the MySQL migration.
ALTER TABLE job_runs ADD COLUMN params TEXT NOT NULL DEFAULT '';
