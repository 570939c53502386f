-- Tokens spent on the language model per user and day; see the MySQL migration.
CREATE TABLE llm_usage (
  user_id           INTEGER NOT NULL,
  day               TEXT    NOT NULL,
  requests          INTEGER NOT NULL DEFAULT 0,
  prompt_tokens     INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, day)
) STRICT;
CREATE INDEX llm_usage_day ON llm_usage (day);
