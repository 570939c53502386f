-- Idle and savings findings, and the administrators' changes to the rules that make them.
-- A finding is one rule on one resource of one account (the unique key), so it keeps its id
-- and its dismissal across evaluations: each run updates the figures of the findings it sees
-- again, inserts the new ones and marks those it no longer sees resolved; it never deletes.
-- state is open or resolved (whether the last run saw it); a dismissal (dismissed_at set) is
-- kept beside it: permanent when dismissed_until is NULL, a snooze until then otherwise.
-- details holds the figures the reason names and the prices an estimate compares, as JSON
-- text the Go code reads; nothing queries inside it.
CREATE TABLE idle_findings (
  id              BIGINT        NOT NULL AUTO_INCREMENT,
  rule            VARCHAR(64)   NOT NULL,
  account_id      BIGINT        NOT NULL,
  resource_id     VARCHAR(200)  NOT NULL,
  resource_type   VARCHAR(32)   NOT NULL,
  region          VARCHAR(64)   NOT NULL DEFAULT '',
  name            VARCHAR(255)  NOT NULL DEFAULT '',
  action          VARCHAR(32)   NOT NULL,
  reason          VARCHAR(1000) NOT NULL,
  reason_zh       VARCHAR(1000) NOT NULL,
  monthly_savings BIGINT        NOT NULL,
  currency        CHAR(3)       NOT NULL,
  estimate        TINYINT(1)    NOT NULL DEFAULT 0,
  details         TEXT          NOT NULL,
  basis_start     CHAR(10)      NOT NULL,
  basis_end       CHAR(10)      NOT NULL,
  basis_metric    VARCHAR(16)   NOT NULL,
  state           VARCHAR(16)   NOT NULL,
  detected_at     DATETIME(6)   NOT NULL,
  evaluated_at    DATETIME(6)   NOT NULL,
  resolved_at     DATETIME(6)   NULL,
  dismissed_at    DATETIME(6)   NULL,
  dismissed_by    BIGINT        NULL,
  dismissed_until DATETIME(6)   NULL,
  dismiss_reason  VARCHAR(500)  NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  UNIQUE KEY idle_findings_key (account_id, rule, resource_id),
  KEY idle_findings_list (state, monthly_savings),
  KEY idle_findings_resource (resource_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Account 0 is the organisation's change; another account's row wins over it for that
-- account. enabled NULL and absent params keep what the level below says.
CREATE TABLE idle_rule_overrides (
  rule       VARCHAR(64) NOT NULL,
  account_id BIGINT      NOT NULL,
  enabled    TINYINT(1)  NULL,
  params     TEXT        NOT NULL,
  updated_by BIGINT      NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (rule, account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
