-- Conversations with the AI analyst; see the MySQL migration.
CREATE TABLE ai_conversations (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id    INTEGER NOT NULL,
  title      TEXT    NOT NULL DEFAULT '',
  created_at TEXT    NOT NULL,
  updated_at TEXT    NOT NULL
) STRICT;
CREATE INDEX ai_conversations_user ON ai_conversations (user_id, updated_at);

CREATE TABLE ai_messages (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id INTEGER NOT NULL REFERENCES ai_conversations (id) ON DELETE CASCADE,
  role            TEXT    NOT NULL,
  content         TEXT    NOT NULL,
  tool_calls      TEXT    NOT NULL,
  created_at      TEXT    NOT NULL
) STRICT;
CREATE INDEX ai_messages_conversation ON ai_messages (conversation_id, id);
