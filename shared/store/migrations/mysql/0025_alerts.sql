-- Alerts: channels (secrets encrypted, write-only), rules that route alert kinds to
-- channels, alerts (one per dedup key) and their deliveries (the outbox a dispatcher works
-- through, with a lease so two dispatchers never hold the same delivery).

CREATE TABLE alert_channels (
  id         BIGINT          NOT NULL AUTO_INCREMENT,
  type       VARCHAR(16)     NOT NULL,
  name       VARCHAR(100)    NOT NULL,
  url        VARCHAR(2000)   NOT NULL DEFAULT '',
  recipients VARCHAR(8000)   NOT NULL DEFAULT '',
  language   VARCHAR(8)      NOT NULL,
  secret_enc VARBINARY(1024) NULL,
  secret_ref VARCHAR(64)     NOT NULL,
  created_at DATETIME(6)     NOT NULL,
  updated_at DATETIME(6)     NOT NULL,
  PRIMARY KEY (id),
  KEY alert_channels_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE alert_rules (
  id           BIGINT        NOT NULL AUTO_INCREMENT,
  name         VARCHAR(100)  NOT NULL,
  kind         VARCHAR(16)   NOT NULL,
  enabled      TINYINT(1)    NOT NULL DEFAULT 1,
  budget_ids   VARCHAR(4000) NOT NULL DEFAULT '',
  min_severity VARCHAR(16)   NOT NULL DEFAULT '',
  min_impact   BIGINT        NOT NULL DEFAULT 0,
  quiet_start  VARCHAR(5)    NOT NULL DEFAULT '',
  quiet_end    VARCHAR(5)    NOT NULL DEFAULT '',
  quiet_tz     VARCHAR(64)   NOT NULL DEFAULT '',
  created_at   DATETIME(6)   NOT NULL,
  updated_at   DATETIME(6)   NOT NULL,
  PRIMARY KEY (id),
  KEY alert_rules_kind (kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Deleting a channel takes it out of every rule.
CREATE TABLE alert_rule_channels (
  rule_id    BIGINT NOT NULL,
  channel_id BIGINT NOT NULL,
  PRIMARY KEY (rule_id, channel_id),
  KEY alert_rule_channels_channel (channel_id),
  CONSTRAINT alert_rule_channels_rule FOREIGN KEY (rule_id) REFERENCES alert_rules (id) ON DELETE CASCADE,
  CONSTRAINT alert_rule_channels_channel FOREIGN KEY (channel_id) REFERENCES alert_channels (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE alerts (
  id              BIGINT        NOT NULL AUTO_INCREMENT,
  kind            VARCHAR(16)   NOT NULL,
  state           VARCHAR(16)   NOT NULL,
  severity        VARCHAR(16)   NOT NULL,
  title           VARCHAR(500)  NOT NULL,
  body            TEXT          NOT NULL,
  title_zh        VARCHAR(500)  NOT NULL DEFAULT '',
  body_zh         TEXT          NOT NULL,
  url             VARCHAR(2000) NOT NULL DEFAULT '',
  dedup_key       VARCHAR(255)  NOT NULL,
  data            MEDIUMTEXT    NOT NULL,
  budget_id       BIGINT        NOT NULL DEFAULT 0,
  impact          BIGINT        NOT NULL DEFAULT 0,
  created_at      DATETIME(6)   NOT NULL,
  fired_at        DATETIME(6)   NOT NULL,
  acknowledged_at DATETIME(6)   NULL,
  acknowledged_by BIGINT        NOT NULL DEFAULT 0,
  snoozed_until   DATETIME(6)   NULL,
  resolved_at     DATETIME(6)   NULL,
  PRIMARY KEY (id),
  UNIQUE KEY alerts_dedup_key (dedup_key),
  KEY alerts_state_created (state, created_at),
  KEY alerts_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- channel_id has no foreign key: a delivery's history outlives a deleted channel.
CREATE TABLE alert_deliveries (
  id              BIGINT        NOT NULL AUTO_INCREMENT,
  alert_id        BIGINT        NOT NULL,
  channel_id      BIGINT        NOT NULL,
  status          VARCHAR(16)   NOT NULL,
  attempts        INT           NOT NULL DEFAULT 0,
  last_error      VARCHAR(2000) NOT NULL DEFAULT '',
  next_attempt_at DATETIME(6)   NOT NULL,
  lease_token     VARCHAR(64)   NOT NULL DEFAULT '',
  lease_until     DATETIME(6)   NULL,
  sent_at         DATETIME(6)   NULL,
  created_at      DATETIME(6)   NOT NULL,
  PRIMARY KEY (id),
  KEY alert_deliveries_alert (alert_id),
  KEY alert_deliveries_due (status, next_attempt_at),
  CONSTRAINT alert_deliveries_alert FOREIGN KEY (alert_id) REFERENCES alerts (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
