-- What a resourcesync run of an account has finished towards one target day (as_of, the last
-- billed day it reads up to), so that a run that dies (a crash, the function's deadline) is
-- continued by the next run instead of redone: a region listed (step "list:<region>", detail
-- the resources it listed, as JSON) or a span of metric days read and saved (step
-- "metrics:<type>:<first day>", detail the last CloudMonitor point per resource, as JSON).
-- The run that completes clears its account's steps; steps towards another day are stale.
CREATE TABLE resource_sync_progress (
  account_id INTEGER NOT NULL,
  as_of      TEXT    NOT NULL,
  step       TEXT    NOT NULL,
  detail     TEXT    NOT NULL,
  done_at    TEXT    NOT NULL,
  PRIMARY KEY (account_id, as_of, step)
) STRICT;
