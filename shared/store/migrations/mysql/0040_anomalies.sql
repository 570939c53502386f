-- Cost anomalies: the monitors that watch series (built in per account × product, account
-- and product; added by people on a tag, cost unit, resource group or region), the anomalies
-- detection found (one row per monitor, currency and start day, so a rerun updates instead of
-- adding), and the feedback people gave. The series around an anomaly and its contributors are
-- kept as JSON text the Go code reads; nothing queries inside them.

CREATE TABLE anomaly_monitors (
  id                 BIGINT        NOT NULL AUTO_INCREMENT,
  name               VARCHAR(100)  NOT NULL DEFAULT '',
  dimension          VARCHAR(32)   NOT NULL,
  account_id         BIGINT        NOT NULL DEFAULT 0,
  dim_key            VARCHAR(128)  NOT NULL DEFAULT '',
  dim_value          VARCHAR(200)  NOT NULL DEFAULT '',
  sensitivity        INT           NOT NULL,
  min_impact         BIGINT        NOT NULL DEFAULT 0,
  min_impact_pct     INT           NOT NULL DEFAULT 0,
  enabled            TINYINT(1)    NOT NULL DEFAULT 1,
  created_by         BIGINT        NOT NULL DEFAULT 0,
  created_at         DATETIME(6)   NOT NULL,
  updated_at         DATETIME(6)   NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY anomaly_monitors_what (dimension, account_id, dim_key, dim_value)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE anomalies (
  id           BIGINT        NOT NULL AUTO_INCREMENT,
  monitor_id   BIGINT        NOT NULL,
  account_id   BIGINT        NOT NULL DEFAULT 0,
  currency     CHAR(3)       NOT NULL,
  start_date   DATE          NOT NULL,
  end_date     DATE          NOT NULL,
  kind         VARCHAR(16)   NOT NULL,
  expected     BIGINT        NOT NULL,
  actual       BIGINT        NOT NULL,
  impact       BIGINT        NOT NULL,
  abs_impact   BIGINT        NOT NULL,
  score_centi  BIGINT        NOT NULL DEFAULT 0,
  severity     VARCHAR(16)   NOT NULL,
  status       VARCHAR(16)   NOT NULL,
  ongoing      TINYINT(1)    NOT NULL DEFAULT 0,
  detected_on  DATE          NOT NULL,
  demo         TINYINT(1)    NOT NULL DEFAULT 0,
  series       MEDIUMTEXT    NOT NULL,
  contributors MEDIUMTEXT    NOT NULL,
  verdict      VARCHAR(16)   NOT NULL DEFAULT '',
  note         VARCHAR(2000) NOT NULL DEFAULT '',
  feedback_by  BIGINT        NOT NULL DEFAULT 0,
  feedback_at  DATETIME(6)   NULL,
  created_at   DATETIME(6)   NOT NULL,
  updated_at   DATETIME(6)   NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY anomalies_natural (monitor_id, currency, start_date),
  KEY anomalies_impact (status, abs_impact),
  KEY anomalies_account (account_id, start_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Every verdict given, oldest first; the anomaly row holds the latest.
CREATE TABLE anomaly_feedback (
  id         BIGINT        NOT NULL AUTO_INCREMENT,
  anomaly_id BIGINT        NOT NULL,
  verdict    VARCHAR(16)   NOT NULL,
  note       VARCHAR(2000) NOT NULL DEFAULT '',
  user_id    BIGINT        NOT NULL DEFAULT 0,
  created_at DATETIME(6)   NOT NULL,
  PRIMARY KEY (id),
  KEY anomaly_feedback_anomaly (anomaly_id),
  CONSTRAINT anomaly_feedback_anomaly FOREIGN KEY (anomaly_id) REFERENCES anomalies (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
