-- Alerts: channels (secrets encrypted, write-only), rules that route alert kinds to
-- channels, alerts (one per dedup key) and their deliveries (the outbox a dispatcher works
-- through, with a lease so two dispatchers never hold the same delivery).

CREATE TABLE alert_channels (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  type       TEXT    NOT NULL,
  name       TEXT    NOT NULL,
  url        TEXT    NOT NULL DEFAULT '',
  recipients TEXT    NOT NULL DEFAULT '',
  language   TEXT    NOT NULL,
  secret_enc BLOB    NULL,
  secret_ref TEXT    NOT NULL,
  created_at TEXT    NOT NULL,
  updated_at TEXT    NOT NULL
) STRICT;
CREATE INDEX alert_channels_name ON alert_channels (name);

CREATE TABLE alert_rules (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  name         TEXT    NOT NULL,
  kind         TEXT    NOT NULL,
  enabled      INTEGER NOT NULL DEFAULT 1,
  budget_ids   TEXT    NOT NULL DEFAULT '',
  min_severity TEXT    NOT NULL DEFAULT '',
  min_impact   INTEGER NOT NULL DEFAULT 0,
  quiet_start  TEXT    NOT NULL DEFAULT '',
  quiet_end    TEXT    NOT NULL DEFAULT '',
  quiet_tz     TEXT    NOT NULL DEFAULT '',
  created_at   TEXT    NOT NULL,
  updated_at   TEXT    NOT NULL
) STRICT;
CREATE INDEX alert_rules_kind ON alert_rules (kind);

-- Deleting a channel takes it out of every rule.
CREATE TABLE alert_rule_channels (
  rule_id    INTEGER NOT NULL REFERENCES alert_rules (id) ON DELETE CASCADE,
  channel_id INTEGER NOT NULL REFERENCES alert_channels (id) ON DELETE CASCADE,
  PRIMARY KEY (rule_id, channel_id)
) STRICT;
CREATE INDEX alert_rule_channels_channel ON alert_rule_channels (channel_id);

CREATE TABLE alerts (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  kind            TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  severity        TEXT    NOT NULL,
  title           TEXT    NOT NULL,
  body            TEXT    NOT NULL,
  title_zh        TEXT    NOT NULL DEFAULT '',
  body_zh         TEXT    NOT NULL,
  url             TEXT    NOT NULL DEFAULT '',
  dedup_key       TEXT    NOT NULL,
  data            TEXT    NOT NULL,
  budget_id       INTEGER NOT NULL DEFAULT 0,
  impact          INTEGER NOT NULL DEFAULT 0,
  created_at      TEXT    NOT NULL,
  fired_at        TEXT    NOT NULL,
  acknowledged_at TEXT    NULL,
  acknowledged_by INTEGER NOT NULL DEFAULT 0,
  snoozed_until   TEXT    NULL,
  resolved_at     TEXT    NULL
) STRICT;
CREATE UNIQUE INDEX alerts_dedup_key ON alerts (dedup_key);
CREATE INDEX alerts_state_created ON alerts (state, created_at);
CREATE INDEX alerts_created ON alerts (created_at);

-- channel_id has no foreign key: a delivery's history outlives a deleted channel.
CREATE TABLE alert_deliveries (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id        INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  channel_id      INTEGER NOT NULL,
  status          TEXT    NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  last_error      TEXT    NOT NULL DEFAULT '',
  next_attempt_at TEXT    NOT NULL,
  lease_token     TEXT    NOT NULL DEFAULT '',
  lease_until     TEXT    NULL,
  sent_at         TEXT    NULL,
  created_at      TEXT    NOT NULL
) STRICT;
CREATE INDEX alert_deliveries_alert ON alert_deliveries (alert_id);
CREATE INDEX alert_deliveries_due ON alert_deliveries (status, next_attempt_at);
