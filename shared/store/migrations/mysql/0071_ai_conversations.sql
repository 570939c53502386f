-- Conversations with the AI analyst. A conversation belongs to the user who started it;
-- nobody else reads it. tool_calls holds the JSON list of the tools an assistant message
-- ran, with their arguments and (trimmed) results, so an answer can always show what it
-- rests on.
CREATE TABLE ai_conversations (
  id         BIGINT       NOT NULL AUTO_INCREMENT,
  user_id    BIGINT       NOT NULL,
  title      VARCHAR(200) NOT NULL DEFAULT '',
  created_at DATETIME(6)  NOT NULL,
  updated_at DATETIME(6)  NOT NULL,
  PRIMARY KEY (id),
  KEY ai_conversations_user (user_id, updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE ai_messages (
  id              BIGINT      NOT NULL AUTO_INCREMENT,
  conversation_id BIGINT      NOT NULL,
  role            VARCHAR(16) NOT NULL,
  content         MEDIUMTEXT  NOT NULL,
  tool_calls      MEDIUMTEXT  NOT NULL,
  created_at      DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ai_messages_conversation (conversation_id, id),
  CONSTRAINT ai_messages_conversation FOREIGN KEY (conversation_id) REFERENCES ai_conversations (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
