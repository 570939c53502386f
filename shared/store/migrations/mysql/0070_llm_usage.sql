-- Tokens spent on the language model, per user and calendar day (Asia/Shanghai). The AI
-- features add to a row after every model call; the sum over all users of a day is what the
-- organisation's daily token budget (CLOUDLENS_LLM_DAILY_TOKENS) is checked against.
-- user_id 0 is work no person asked for (the monthly report).
CREATE TABLE llm_usage (
  user_id           BIGINT   NOT NULL,
  day               CHAR(10) NOT NULL,
  requests          BIGINT   NOT NULL DEFAULT 0,
  prompt_tokens     BIGINT   NOT NULL DEFAULT 0,
  completion_tokens BIGINT   NOT NULL DEFAULT 0,
  PRIMARY KEY (user_id, day),
  KEY llm_usage_day (day)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
