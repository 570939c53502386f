-- Saved explorer views; see the MySQL migration for the reasoning.
CREATE TABLE cost_views (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  owner_id   INTEGER NOT NULL,
  name       TEXT    NOT NULL,
  query      TEXT    NOT NULL,
  shared     INTEGER NOT NULL DEFAULT 0,
  pinned     INTEGER NOT NULL DEFAULT 0,
  created_at TEXT    NOT NULL,
  updated_at TEXT    NOT NULL
) STRICT;
CREATE INDEX cost_views_owner ON cost_views (owner_id);
CREATE INDEX cost_views_shared ON cost_views (shared);
