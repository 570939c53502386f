-- Foundation: users, their account grants and API keys, cloud accounts, audit log.
-- Every statement ends with a semicolon at the end of a line (the migrator splits there).
-- STRICT tables reject values of the wrong type, as MySQL would. AUTOINCREMENT keeps ids
-- of deleted rows from being reused, as InnoDB does. Timestamps are TEXT
-- '2006-01-02T15:04:05.000000Z' (UTC, fixed width, so text order is time order).

CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  email         TEXT    NOT NULL,
  name          TEXT    NOT NULL DEFAULT '',
  role          TEXT    NOT NULL,
  password_hash TEXT    NOT NULL DEFAULT '',
  disabled      INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT    NOT NULL,
  updated_at    TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX users_email ON users (email);

CREATE TABLE cloud_accounts (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  name           TEXT    NOT NULL,
  account_uid    TEXT    NOT NULL,
  site           TEXT    NOT NULL,
  auth_type      TEXT    NOT NULL,
  access_key_id  TEXT    NOT NULL DEFAULT '',
  secret_enc     BLOB    NULL,
  role_arn       TEXT    NOT NULL DEFAULT '',
  regions        TEXT    NOT NULL DEFAULT '',
  demo           INTEGER NOT NULL DEFAULT 0,
  status         TEXT    NOT NULL DEFAULT 'new',
  status_message TEXT    NOT NULL DEFAULT '',
  last_sync_at   TEXT    NULL,
  created_at     TEXT    NOT NULL,
  updated_at     TEXT    NOT NULL
) STRICT;
CREATE UNIQUE INDEX cloud_accounts_uid_site ON cloud_accounts (account_uid, site);
CREATE INDEX cloud_accounts_name ON cloud_accounts (name);

CREATE TABLE account_grants (
  user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  account_id INTEGER NOT NULL REFERENCES cloud_accounts (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, account_id)
) STRICT;
CREATE INDEX account_grants_account ON account_grants (account_id);

CREATE TABLE api_keys (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         TEXT    NOT NULL DEFAULT '',
  prefix       TEXT    NOT NULL,
  key_hash     TEXT    NOT NULL,
  created_at   TEXT    NOT NULL,
  last_used_at TEXT    NULL,
  revoked_at   TEXT    NULL
) STRICT;
CREATE UNIQUE INDEX api_keys_hash ON api_keys (key_hash);
CREATE INDEX api_keys_user ON api_keys (user_id);

-- user_id has no foreign key: the record of what a user did outlives the user.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          TEXT    NOT NULL,
  user_id     INTEGER NOT NULL DEFAULT 0,
  action      TEXT    NOT NULL,
  target_type TEXT    NOT NULL DEFAULT '',
  target_id   TEXT    NOT NULL DEFAULT '',
  detail      TEXT    NOT NULL
) STRICT;
CREATE INDEX audit_log_at ON audit_log (at);
