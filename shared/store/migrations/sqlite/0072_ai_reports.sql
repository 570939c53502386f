-- Monthly cost reports; see the MySQL migration.
CREATE TABLE ai_reports (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  month        TEXT    NOT NULL,
  all_accounts INTEGER NOT NULL DEFAULT 0,
  account_ids  TEXT    NOT NULL DEFAULT '',
  status       TEXT    NOT NULL,
  object_key   TEXT    NOT NULL DEFAULT '',
  summary      TEXT    NOT NULL,
  error        TEXT    NOT NULL DEFAULT '',
  created_by   INTEGER NOT NULL DEFAULT 0,
  created_at   TEXT    NOT NULL
) STRICT;
CREATE INDEX ai_reports_month ON ai_reports (month);
