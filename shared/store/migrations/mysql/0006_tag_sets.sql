-- Tags are stored once per distinct tag set instead of once per line item and key. A
-- resource keeps the same tags for months, so a year of bills holds a few thousand distinct
-- sets against tens of millions of tag rows: writing 2.35 tag rows per item into an indexed
-- table was most of the cost of ingesting a bill. A line item now carries tag_set_id (0 for
-- no tags); cost_tag_set_tags holds each set's keys and values once.
--
-- A set is found by set_hash, the SHA-256 of its canonical text: for each tag in byte order
-- of its key, the byte length of the key, ':', the key, the byte length of the value, ':',
-- the value. Lengths make the text unambiguous whatever bytes the tags hold. The store
-- computes the same text in Go (shared/store/tagsets.go).
CREATE TABLE cost_tag_sets (
  id       BIGINT     NOT NULL AUTO_INCREMENT,
  set_hash BINARY(32) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY cost_tag_sets_hash (set_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE cost_tag_set_tags (
  tag_set_id BIGINT       NOT NULL,
  tag_key    VARCHAR(128) NOT NULL,
  tag_value  VARCHAR(256) NOT NULL DEFAULT '',
  PRIMARY KEY (tag_set_id, tag_key),
  KEY cost_tag_set_tags_key (tag_key, tag_value, tag_set_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Backfill from the per-item tag rows of earlier versions. Migrations run on one session,
-- so the longer GROUP_CONCAT limit holds for the statements below (MySQL's default is 1 KB,
-- shorter than a set of 20 long tags).
SET SESSION group_concat_max_len = 1048576;

CREATE TABLE cost_tag_backfill (
  account_id  BIGINT     NOT NULL,
  charge_date DATE       NOT NULL,
  item_key    BINARY(16) NOT NULL,
  set_hash    BINARY(32) NOT NULL,
  PRIMARY KEY (account_id, charge_date, item_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT INTO cost_tag_backfill (account_id, charge_date, item_key, set_hash)
SELECT account_id, charge_date, item_key,
  UNHEX(SHA2(GROUP_CONCAT(CONCAT(LENGTH(tag_key), ':', tag_key, LENGTH(tag_value), ':', tag_value) ORDER BY tag_key SEPARATOR ''), 256))
FROM cost_line_item_tags
GROUP BY account_id, charge_date, item_key;

INSERT INTO cost_tag_sets (set_hash) SELECT DISTINCT set_hash FROM cost_tag_backfill;

-- One item per set is enough to read the set's tags from.
CREATE TABLE cost_tag_backfill_sets (
  set_hash    BINARY(32) NOT NULL,
  account_id  BIGINT     NOT NULL,
  charge_date DATE       NOT NULL,
  item_key    BINARY(16) NOT NULL,
  PRIMARY KEY (set_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

INSERT IGNORE INTO cost_tag_backfill_sets (set_hash, account_id, charge_date, item_key)
SELECT set_hash, account_id, charge_date, item_key FROM cost_tag_backfill;

INSERT INTO cost_tag_set_tags (tag_set_id, tag_key, tag_value)
SELECT s.id, t.tag_key, t.tag_value
FROM cost_tag_backfill_sets r
JOIN cost_tag_sets s ON s.set_hash = r.set_hash
JOIN cost_line_item_tags t ON t.account_id = r.account_id AND t.charge_date = r.charge_date AND t.item_key = r.item_key;

-- The natural key becomes the primary key, led by the date: every read of line items is a
-- date range (the roll-up rebuild, the line-item path of the explorer, exports), and an
-- administrator's queries have no account condition. The surrogate id was never read. The
-- date and resource indexes go: the first is the primary key now, and resource series read
-- cost_daily_resources, which gains the index below. Each secondary index was a write on
-- every ingested item.
ALTER TABLE cost_line_items
  ADD COLUMN tag_set_id BIGINT NOT NULL DEFAULT 0,
  DROP PRIMARY KEY,
  DROP COLUMN id,
  DROP INDEX cost_line_items_natural,
  DROP INDEX cost_line_items_date,
  DROP INDEX cost_line_items_resource,
  ADD PRIMARY KEY (charge_date, account_id, item_key);

UPDATE cost_line_items li
JOIN cost_tag_backfill b ON b.account_id = li.account_id AND b.charge_date = li.charge_date AND b.item_key = li.item_key
JOIN cost_tag_sets s ON s.set_hash = b.set_hash
SET li.tag_set_id = s.id;

DROP TABLE cost_tag_backfill_sets;
DROP TABLE cost_tag_backfill;
DROP TABLE cost_line_item_tags;

CREATE INDEX cost_daily_resources_resource ON cost_daily_resources (resource_id, charge_date);
