-- Foundation: users, their account grants and API keys, cloud accounts, audit log.
-- Every statement ends with a semicolon at the end of a line (the migrator splits there).
-- utf8mb4_bin keeps comparisons and ORDER BY byte-wise, as SQLite does by default.

CREATE TABLE users (
  id            BIGINT       NOT NULL AUTO_INCREMENT,
  email         VARCHAR(254) NOT NULL,
  name          VARCHAR(200) NOT NULL DEFAULT '',
  role          VARCHAR(16)  NOT NULL,
  password_hash VARCHAR(255) NOT NULL DEFAULT '',
  disabled      TINYINT(1)   NOT NULL DEFAULT 0,
  created_at    DATETIME(6)  NOT NULL,
  updated_at    DATETIME(6)  NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE cloud_accounts (
  id             BIGINT         NOT NULL AUTO_INCREMENT,
  name           VARCHAR(100)   NOT NULL,
  account_uid    VARCHAR(32)    NOT NULL,
  site           VARCHAR(16)    NOT NULL,
  auth_type      VARCHAR(16)    NOT NULL,
  access_key_id  VARCHAR(64)    NOT NULL DEFAULT '',
  secret_enc     VARBINARY(1024) NULL,
  role_arn       VARCHAR(255)   NOT NULL DEFAULT '',
  regions        VARCHAR(2000)  NOT NULL DEFAULT '',
  demo           TINYINT(1)     NOT NULL DEFAULT 0,
  status         VARCHAR(16)    NOT NULL DEFAULT 'new',
  status_message VARCHAR(2000)  NOT NULL DEFAULT '',
  last_sync_at   DATETIME(6)    NULL,
  created_at     DATETIME(6)    NOT NULL,
  updated_at     DATETIME(6)    NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY cloud_accounts_uid_site (account_uid, site),
  KEY cloud_accounts_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE account_grants (
  user_id    BIGINT NOT NULL,
  account_id BIGINT NOT NULL,
  PRIMARY KEY (user_id, account_id),
  KEY account_grants_account (account_id),
  CONSTRAINT account_grants_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT account_grants_account FOREIGN KEY (account_id) REFERENCES cloud_accounts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE api_keys (
  id           BIGINT       NOT NULL AUTO_INCREMENT,
  user_id      BIGINT       NOT NULL,
  name         VARCHAR(100) NOT NULL DEFAULT '',
  prefix       VARCHAR(32)  NOT NULL,
  key_hash     CHAR(64)     NOT NULL,
  created_at   DATETIME(6)  NOT NULL,
  last_used_at DATETIME(6)  NULL,
  revoked_at   DATETIME(6)  NULL,
  PRIMARY KEY (id),
  UNIQUE KEY api_keys_hash (key_hash),
  KEY api_keys_user (user_id),
  CONSTRAINT api_keys_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- user_id has no foreign key: the record of what a user did outlives the user.
CREATE TABLE audit_log (
  id          BIGINT       NOT NULL AUTO_INCREMENT,
  at          DATETIME(6)  NOT NULL,
  user_id     BIGINT       NOT NULL DEFAULT 0,
  action      VARCHAR(64)  NOT NULL,
  target_type VARCHAR(64)  NOT NULL DEFAULT '',
  target_id   VARCHAR(128) NOT NULL DEFAULT '',
  detail      TEXT         NOT NULL,
  PRIMARY KEY (id),
  KEY audit_log_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
