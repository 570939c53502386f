-- Monthly cost reports. One row per report: the month it covers, the accounts it covers
-- (all_accounts, or the ids in account_ids, comma-separated: a report made on demand covers
-- its requester's accounts), where its Markdown and HTML are stored in the object store, and a
-- short summary. A report is read only by someone who may see every account it covers.
CREATE TABLE ai_reports (
  id           BIGINT        NOT NULL AUTO_INCREMENT,
  month        CHAR(7)       NOT NULL,
  all_accounts TINYINT(1)    NOT NULL DEFAULT 0,
  account_ids  VARCHAR(2000) NOT NULL DEFAULT '',
  status       VARCHAR(16)   NOT NULL,
  object_key   VARCHAR(300)  NOT NULL DEFAULT '',
  summary      TEXT          NOT NULL,
  error        VARCHAR(500)  NOT NULL DEFAULT '',
  created_by   BIGINT        NOT NULL DEFAULT 0,
  created_at   DATETIME(6)   NOT NULL,
  PRIMARY KEY (id),
  KEY ai_reports_month (month)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
