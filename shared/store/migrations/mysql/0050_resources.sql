-- The resource inventory (resourcesync) and what the idle rules read from it.
-- A resource is one row per account and provider id for ever: when it vanishes upstream the
-- row gets released_at and status 'Released', so its bills and findings keep their subject.
-- Tags are kept twice: as JSON for reading the row, and as rows of resource_tags so that a
-- tag filter over 100,000 resources is an index lookup. content_hash lets a sync skip rows
-- whose fields did not change.
CREATE TABLE resources (
  id                   BIGINT        NOT NULL AUTO_INCREMENT,
  account_id           BIGINT        NOT NULL,
  resource_id          VARCHAR(128)  NOT NULL,
  type                 VARCHAR(16)   NOT NULL,
  region               VARCHAR(32)   NOT NULL,
  zone                 VARCHAR(48)   NOT NULL DEFAULT '',
  name                 VARCHAR(256)  NOT NULL DEFAULT '',
  status               VARCHAR(32)   NOT NULL DEFAULT '',
  charge_type          VARCHAR(16)   NOT NULL DEFAULT '',
  spec                 VARCHAR(128)  NOT NULL DEFAULT '',
  tags                 TEXT          NOT NULL,
  created_at           DATETIME(6)   NOT NULL,
  released_at          DATETIME(6)   NULL,
  expires_at           DATETIME(6)   NULL,
  auto_renew           TINYINT(1)    NOT NULL DEFAULT 0,
  status_since         DATETIME(6)   NOT NULL,
  attached_to          VARCHAR(128)  NOT NULL DEFAULT '',
  attached_type        VARCHAR(16)   NOT NULL DEFAULT '',
  source_id            VARCHAR(128)  NOT NULL DEFAULT '',
  size_gb              INT           NOT NULL DEFAULT 0,
  bandwidth_mbps       INT           NOT NULL DEFAULT 0,
  internet_charge_type VARCHAR(32)   NOT NULL DEFAULT '',
  backends             TEXT          NOT NULL,
  snat_entries         INT           NOT NULL DEFAULT 0,
  dnat_entries         INT           NOT NULL DEFAULT 0,
  attrs                TEXT          NOT NULL,
  content_hash         CHAR(16)      NOT NULL DEFAULT '',
  first_seen_at        DATETIME(6)   NOT NULL,
  last_seen_at         DATETIME(6)   NOT NULL,
  updated_at           DATETIME(6)   NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY resources_account_resource (account_id, resource_id),
  KEY resources_type (type, id),
  KEY resources_region (region, id),
  KEY resources_status (status, id),
  KEY resources_account_type (account_id, type, id),
  KEY resources_name (name(64)),
  KEY resources_attached (account_id, attached_to)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE resource_tags (
  resource_row BIGINT       NOT NULL,
  tag_key      VARCHAR(128) NOT NULL,
  tag_value    VARCHAR(256) NOT NULL,
  PRIMARY KEY (resource_row, tag_key),
  KEY resource_tags_kv (tag_key, tag_value(128), resource_row),
  CONSTRAINT resource_tags_resource FOREIGN KEY (resource_row) REFERENCES resources (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per resource, metric and Asia/Shanghai day: the day's max, p95 and mean of the
-- CloudMonitor points (raw points are not kept).
CREATE TABLE resource_metric_days (
  account_id  BIGINT       NOT NULL,
  resource_id VARCHAR(128) NOT NULL,
  metric      VARCHAR(16)  NOT NULL,
  day         DATE         NOT NULL,
  max_value   DOUBLE       NOT NULL,
  p95_value   DOUBLE       NOT NULL,
  mean_value  DOUBLE       NOT NULL,
  samples     INT          NOT NULL,
  PRIMARY KEY (account_id, resource_id, metric, day),
  KEY resource_metric_days_day (account_id, day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Prices quoted by DescribePrice, the latest per account, type, region, spec and charge type.
CREATE TABLE resource_prices (
  account_id     BIGINT       NOT NULL,
  type           VARCHAR(16)  NOT NULL,
  region         VARCHAR(32)  NOT NULL,
  spec           VARCHAR(128) NOT NULL,
  charge_type    VARCHAR(16)  NOT NULL,
  unit           VARCHAR(8)   NOT NULL,
  original_price BIGINT       NOT NULL,
  discount_price BIGINT       NOT NULL,
  trade_price    BIGINT       NOT NULL,
  currency       CHAR(3)      NOT NULL,
  fetched_at     DATETIME(6)  NOT NULL,
  PRIMARY KEY (account_id, type, region, spec, charge_type)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per inventory sync of one account. calls is a JSON object: API name → calls.
CREATE TABLE resource_sync_runs (
  id           BIGINT        NOT NULL AUTO_INCREMENT,
  account_id   BIGINT        NOT NULL,
  job_run_id   BIGINT        NULL,
  trigger_kind VARCHAR(16)   NOT NULL,
  status       VARCHAR(16)   NOT NULL,
  regions      INT           NOT NULL DEFAULT 0,
  resources    INT           NOT NULL DEFAULT 0,
  added        INT           NOT NULL DEFAULT 0,
  updated      INT           NOT NULL DEFAULT 0,
  released     INT           NOT NULL DEFAULT 0,
  metric_days  INT           NOT NULL DEFAULT 0,
  calls        TEXT          NOT NULL,
  throttled    INT           NOT NULL DEFAULT 0,
  started_at   DATETIME(6)   NOT NULL,
  finished_at  DATETIME(6)   NULL,
  duration_ms  BIGINT        NOT NULL DEFAULT 0,
  error        VARCHAR(2000) NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY resource_sync_runs_account (account_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
