-- Cost anomalies, their monitors and feedback; see the MySQL migration for the reasoning.
CREATE TABLE anomaly_monitors (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  name               TEXT    NOT NULL DEFAULT '',
  dimension          TEXT    NOT NULL,
  account_id         INTEGER NOT NULL DEFAULT 0,
  dim_key            TEXT    NOT NULL DEFAULT '',
  dim_value          TEXT    NOT NULL DEFAULT '',
  sensitivity        INTEGER NOT NULL,
  min_impact         INTEGER NOT NULL DEFAULT 0,
  min_impact_pct     INTEGER NOT NULL DEFAULT 0,
  enabled            INTEGER NOT NULL DEFAULT 1,
  created_by         INTEGER NOT NULL DEFAULT 0,
  created_at         TEXT    NOT NULL,
  updated_at         TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX anomaly_monitors_what ON anomaly_monitors (dimension, account_id, dim_key, dim_value);

CREATE TABLE anomalies (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  monitor_id   INTEGER NOT NULL,
  account_id   INTEGER NOT NULL DEFAULT 0,
  currency     TEXT    NOT NULL,
  start_date   TEXT    NOT NULL,
  end_date     TEXT    NOT NULL,
  kind         TEXT    NOT NULL,
  expected     INTEGER NOT NULL,
  actual       INTEGER NOT NULL,
  impact       INTEGER NOT NULL,
  abs_impact   INTEGER NOT NULL,
  score_centi  INTEGER NOT NULL DEFAULT 0,
  severity     TEXT    NOT NULL,
  status       TEXT    NOT NULL,
  ongoing      INTEGER NOT NULL DEFAULT 0,
  detected_on  TEXT    NOT NULL,
  demo         INTEGER NOT NULL DEFAULT 0,
  series       TEXT    NOT NULL,
  contributors TEXT    NOT NULL,
  verdict      TEXT    NOT NULL DEFAULT '',
  note         TEXT    NOT NULL DEFAULT '',
  feedback_by  INTEGER NOT NULL DEFAULT 0,
  feedback_at  TEXT    NULL,
  created_at   TEXT    NOT NULL,
  updated_at   TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX anomalies_natural ON anomalies (monitor_id, currency, start_date);
CREATE INDEX anomalies_impact ON anomalies (status, abs_impact);
CREATE INDEX anomalies_account ON anomalies (account_id, start_date);

CREATE TABLE anomaly_feedback (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  anomaly_id INTEGER NOT NULL REFERENCES anomalies (id) ON DELETE CASCADE,
  verdict    TEXT    NOT NULL,
  note       TEXT    NOT NULL DEFAULT '',
  user_id    INTEGER NOT NULL DEFAULT 0,
  created_at TEXT    NOT NULL
) STRICT;
CREATE INDEX anomaly_feedback_anomaly ON anomaly_feedback (anomaly_id);
