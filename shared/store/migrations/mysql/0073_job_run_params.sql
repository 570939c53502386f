-- The parameters "run now" gave a run (a JSON object, e.g. {"month":"2025-02"} for reportgen),
-- kept with the run so that the job function reads them wherever it is started.
ALTER TABLE job_runs ADD COLUMN params VARCHAR(500) NOT NULL DEFAULT '';
