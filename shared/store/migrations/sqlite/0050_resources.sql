-- The resource inventory; see the MySQL migration for the reasoning.
CREATE TABLE resources (
  id                   INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id           INTEGER NOT NULL,
  resource_id          TEXT    NOT NULL,
  type                 TEXT    NOT NULL,
  region               TEXT    NOT NULL,
  zone                 TEXT    NOT NULL DEFAULT '',
  name                 TEXT    NOT NULL DEFAULT '',
  status               TEXT    NOT NULL DEFAULT '',
  charge_type          TEXT    NOT NULL DEFAULT '',
  spec                 TEXT    NOT NULL DEFAULT '',
  tags                 TEXT    NOT NULL,
  created_at           TEXT    NOT NULL,
  released_at          TEXT    NULL,
  expires_at           TEXT    NULL,
  auto_renew           INTEGER NOT NULL DEFAULT 0,
  status_since         TEXT    NOT NULL,
  attached_to          TEXT    NOT NULL DEFAULT '',
  attached_type        TEXT    NOT NULL DEFAULT '',
  source_id            TEXT    NOT NULL DEFAULT '',
  size_gb              INTEGER NOT NULL DEFAULT 0,
  bandwidth_mbps       INTEGER NOT NULL DEFAULT 0,
  internet_charge_type TEXT    NOT NULL DEFAULT '',
  backends             TEXT    NOT NULL,
  snat_entries         INTEGER NOT NULL DEFAULT 0,
  dnat_entries         INTEGER NOT NULL DEFAULT 0,
  attrs                TEXT    NOT NULL,
  content_hash         TEXT    NOT NULL DEFAULT '',
  first_seen_at        TEXT    NOT NULL,
  last_seen_at         TEXT    NOT NULL,
  updated_at           TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX resources_account_resource ON resources (account_id, resource_id);
CREATE INDEX resources_type ON resources (type, id);
CREATE INDEX resources_region ON resources (region, id);
CREATE INDEX resources_status ON resources (status, id);
CREATE INDEX resources_account_type ON resources (account_id, type, id);
CREATE INDEX resources_name ON resources (name);
CREATE INDEX resources_attached ON resources (account_id, attached_to);

CREATE TABLE resource_tags (
  resource_row INTEGER NOT NULL REFERENCES resources (id) ON DELETE CASCADE,
  tag_key      TEXT    NOT NULL,
  tag_value    TEXT    NOT NULL,
  PRIMARY KEY (resource_row, tag_key)
) STRICT;
CREATE INDEX resource_tags_kv ON resource_tags (tag_key, tag_value, resource_row);

CREATE TABLE resource_metric_days (
  account_id  INTEGER NOT NULL,
  resource_id TEXT    NOT NULL,
  metric      TEXT    NOT NULL,
  day         TEXT    NOT NULL,
  max_value   REAL    NOT NULL,
  p95_value   REAL    NOT NULL,
  mean_value  REAL    NOT NULL,
  samples     INTEGER NOT NULL,
  PRIMARY KEY (account_id, resource_id, metric, day)
) STRICT;
CREATE INDEX resource_metric_days_day ON resource_metric_days (account_id, day);

CREATE TABLE resource_prices (
  account_id     INTEGER NOT NULL,
  type           TEXT    NOT NULL,
  region         TEXT    NOT NULL,
  spec           TEXT    NOT NULL,
  charge_type    TEXT    NOT NULL,
  unit           TEXT    NOT NULL,
  original_price INTEGER NOT NULL,
  discount_price INTEGER NOT NULL,
  trade_price    INTEGER NOT NULL,
  currency       TEXT    NOT NULL,
  fetched_at     TEXT    NOT NULL,
  PRIMARY KEY (account_id, type, region, spec, charge_type)
) STRICT;

CREATE TABLE resource_sync_runs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id   INTEGER NOT NULL,
  job_run_id   INTEGER NULL,
  trigger_kind TEXT    NOT NULL,
  status       TEXT    NOT NULL,
  regions      INTEGER NOT NULL DEFAULT 0,
  resources    INTEGER NOT NULL DEFAULT 0,
  added        INTEGER NOT NULL DEFAULT 0,
  updated      INTEGER NOT NULL DEFAULT 0,
  released     INTEGER NOT NULL DEFAULT 0,
  metric_days  INTEGER NOT NULL DEFAULT 0,
  calls        TEXT    NOT NULL,
  throttled    INTEGER NOT NULL DEFAULT 0,
  started_at   TEXT    NOT NULL,
  finished_at  TEXT    NULL,
  duration_ms  INTEGER NOT NULL DEFAULT 0,
  error        TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX resource_sync_runs_account ON resource_sync_runs (account_id, id);
