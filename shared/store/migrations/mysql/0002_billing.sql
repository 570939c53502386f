-- Billing: cost line items (FOCUS 1.2 semantics, money as BIGINT micro-units), their tags,
-- the daily roll-up dashboards read, and the record of every sync run.
-- Dates are calendar dates in the billing time zone (Asia/Shanghai).

CREATE TABLE cost_line_items (
  id                     BIGINT        NOT NULL AUTO_INCREMENT,
  account_id             BIGINT        NOT NULL,
  charge_date            DATE          NOT NULL,
  item_key               BINARY(16)    NOT NULL,
  billing_period         CHAR(7)       NOT NULL,
  week_start             DATE          NOT NULL,
  billing_account_id     VARCHAR(32)   NOT NULL DEFAULT '',
  billing_account_name   VARCHAR(200)  NOT NULL DEFAULT '',
  sub_account_id         VARCHAR(32)   NOT NULL DEFAULT '',
  sub_account_name       VARCHAR(200)  NOT NULL DEFAULT '',
  service_code           VARCHAR(64)   NOT NULL,
  service_name           VARCHAR(200)  NOT NULL DEFAULT '',
  service_category       VARCHAR(32)   NOT NULL DEFAULT '',
  product_type           VARCHAR(64)   NOT NULL DEFAULT '',
  charge_category        VARCHAR(16)   NOT NULL,
  charge_frequency       VARCHAR(16)   NOT NULL DEFAULT '',
  resource_id            VARCHAR(200)  NOT NULL DEFAULT '',
  resource_name          VARCHAR(255)  NOT NULL DEFAULT '',
  region_id              VARCHAR(32)   NOT NULL DEFAULT '',
  region_name            VARCHAR(64)   NOT NULL DEFAULT '',
  zone                   VARCHAR(64)   NOT NULL DEFAULT '',
  list_cost              BIGINT        NOT NULL DEFAULT 0,
  billed_cost            BIGINT        NOT NULL DEFAULT 0,
  effective_cost         BIGINT        NOT NULL DEFAULT 0,
  invoice_discount       BIGINT        NOT NULL DEFAULT 0,
  coupon_deduction       BIGINT        NOT NULL DEFAULT 0,
  cash_coupon_deduction  BIGINT        NOT NULL DEFAULT 0,
  prepaid_card_deduction BIGINT        NOT NULL DEFAULT 0,
  pricing_quantity       VARCHAR(40)   NOT NULL DEFAULT '',
  pricing_unit           VARCHAR(32)   NOT NULL DEFAULT '',
  subscription_type      VARCHAR(16)   NOT NULL DEFAULT '',
  billing_item           VARCHAR(64)   NOT NULL DEFAULT '',
  billing_item_name      VARCHAR(200)  NOT NULL DEFAULT '',
  resource_group         VARCHAR(200)  NOT NULL DEFAULT '',
  cost_unit              VARCHAR(200)  NOT NULL DEFAULT '',
  currency               CHAR(3)       NOT NULL,
  sync_id                BIGINT        NOT NULL DEFAULT 0,
  PRIMARY KEY (id),
  UNIQUE KEY cost_line_items_natural (account_id, charge_date, item_key),
  KEY cost_line_items_date (charge_date, account_id),
  KEY cost_line_items_resource (account_id, resource_id, charge_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Tags of a line item, one row per key, joined on the line item's natural key so a re-fetched
-- day replaces them without knowing row ids.
CREATE TABLE cost_line_item_tags (
  account_id  BIGINT       NOT NULL,
  charge_date DATE         NOT NULL,
  item_key    BINARY(16)   NOT NULL,
  tag_key     VARCHAR(128) NOT NULL,
  tag_value   VARCHAR(255) NOT NULL DEFAULT '',
  PRIMARY KEY (account_id, charge_date, item_key, tag_key),
  KEY cost_line_item_tags_key (tag_key, tag_value, charge_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Daily roll-up per account, day, product, region, subscription type, charge category and
-- currency; rebuilt for the days a sync touched. Dashboards and most explorer queries read it.
CREATE TABLE cost_daily (
  account_id            BIGINT       NOT NULL,
  charge_date           DATE         NOT NULL,
  billing_period        CHAR(7)      NOT NULL,
  week_start            DATE         NOT NULL,
  service_code          VARCHAR(64)  NOT NULL,
  service_name          VARCHAR(200) NOT NULL DEFAULT '',
  region_id             VARCHAR(32)  NOT NULL DEFAULT '',
  subscription_type     VARCHAR(16)  NOT NULL DEFAULT '',
  charge_category       VARCHAR(16)  NOT NULL DEFAULT '',
  currency              CHAR(3)      NOT NULL,
  list_cost             BIGINT       NOT NULL DEFAULT 0,
  billed_cost           BIGINT       NOT NULL DEFAULT 0,
  effective_cost        BIGINT       NOT NULL DEFAULT 0,
  invoice_discount      BIGINT       NOT NULL DEFAULT 0,
  coupon_deduction      BIGINT       NOT NULL DEFAULT 0,
  cash_coupon_deduction BIGINT       NOT NULL DEFAULT 0,
  line_items            BIGINT       NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, charge_date, service_code, region_id, subscription_type, charge_category, currency),
  KEY cost_daily_date (charge_date, account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per sync run of one account: what it fetched and how it ended.
CREATE TABLE sync_runs (
  id           BIGINT        NOT NULL AUTO_INCREMENT,
  account_id   BIGINT        NOT NULL,
  status       VARCHAR(16)   NOT NULL,
  trigger_kind VARCHAR(16)   NOT NULL DEFAULT '',
  window_start DATE          NULL,
  window_end   DATE          NULL,
  days         INT           NOT NULL DEFAULT 0,
  pages        INT           NOT NULL DEFAULT 0,
  requests     INT           NOT NULL DEFAULT 0,
  row_count    BIGINT        NOT NULL DEFAULT 0,
  deleted      BIGINT        NOT NULL DEFAULT 0,
  rejected     BIGINT        NOT NULL DEFAULT 0,
  started_at   DATETIME(6)   NOT NULL,
  finished_at  DATETIME(6)   NULL,
  error        VARCHAR(2000) NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  KEY sync_runs_account (account_id, started_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Days whose every page was fetched and stored, with when: a resumed or later run skips
-- final days already complete and re-fetches open ones.
CREATE TABLE sync_days (
  account_id  BIGINT      NOT NULL,
  charge_date DATE        NOT NULL,
  fetched_at  DATETIME(6) NOT NULL,
  row_count   BIGINT      NOT NULL DEFAULT 0,
  sync_id     BIGINT      NOT NULL DEFAULT 0,
  PRIMARY KEY (account_id, charge_date)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Items a sync could not ingest, with the reason, so nothing is dropped silently.
CREATE TABLE sync_rejects (
  id          BIGINT        NOT NULL AUTO_INCREMENT,
  sync_id     BIGINT        NOT NULL,
  account_id  BIGINT        NOT NULL,
  charge_date DATE          NOT NULL,
  reason      VARCHAR(500)  NOT NULL,
  raw         TEXT          NOT NULL,
  PRIMARY KEY (id),
  KEY sync_rejects_sync (sync_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
