-- Saved explorer views: a name and the explorer's query string, owned by a user, shared with
-- everyone in this CloudLens (the organisation) when shared is set. pinned puts the view on
-- the dashboard: the owner's own dashboard, or everyone's when the view is shared.
CREATE TABLE cost_views (
  id         BIGINT       NOT NULL AUTO_INCREMENT,
  owner_id   BIGINT       NOT NULL,
  name       VARCHAR(200) NOT NULL,
  query      TEXT         NOT NULL,
  shared     TINYINT(1)   NOT NULL DEFAULT 0,
  pinned     TINYINT(1)   NOT NULL DEFAULT 0,
  created_at DATETIME(6)  NOT NULL,
  updated_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (id),
  KEY cost_views_owner (owner_id),
  KEY cost_views_shared (shared)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
