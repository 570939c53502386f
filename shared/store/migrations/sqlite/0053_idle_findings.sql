-- Idle and savings findings and rule overrides; see the MySQL migration for the reasoning.
CREATE TABLE idle_findings (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  rule            TEXT    NOT NULL,
  account_id      INTEGER NOT NULL,
  resource_id     TEXT    NOT NULL,
  resource_type   TEXT    NOT NULL,
  region          TEXT    NOT NULL DEFAULT '',
  name            TEXT    NOT NULL DEFAULT '',
  action          TEXT    NOT NULL,
  reason          TEXT    NOT NULL,
  reason_zh       TEXT    NOT NULL,
  monthly_savings INTEGER NOT NULL,
  currency        TEXT    NOT NULL,
  estimate        INTEGER NOT NULL DEFAULT 0,
  details         TEXT    NOT NULL,
  basis_start     TEXT    NOT NULL,
  basis_end       TEXT    NOT NULL,
  basis_metric    TEXT    NOT NULL,
  state           TEXT    NOT NULL,
  detected_at     TEXT    NOT NULL,
  evaluated_at    TEXT    NOT NULL,
  resolved_at     TEXT    NULL,
  dismissed_at    TEXT    NULL,
  dismissed_by    INTEGER NULL,
  dismissed_until TEXT    NULL,
  dismiss_reason  TEXT    NOT NULL DEFAULT ''
) STRICT;
CREATE UNIQUE INDEX idle_findings_key ON idle_findings (account_id, rule, resource_id);
CREATE INDEX idle_findings_list ON idle_findings (state, monthly_savings);
CREATE INDEX idle_findings_resource ON idle_findings (resource_id);

CREATE TABLE idle_rule_overrides (
  rule       TEXT    NOT NULL,
  account_id INTEGER NOT NULL,
  enabled    INTEGER NULL,
  params     TEXT    NOT NULL,
  updated_by INTEGER NOT NULL,
  updated_at TEXT    NOT NULL,
  PRIMARY KEY (rule, account_id)
) STRICT;
