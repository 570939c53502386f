package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/chat"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// AddLLMUsage adds one model request's tokens to userID's row of day.
func (s *Store) AddLLMUsage(ctx context.Context, userID int64, day string, promptTokens, completionTokens int64) error {
	q := "INSERT INTO llm_usage (user_id, day, requests, prompt_tokens, completion_tokens) VALUES (?, ?, 1, ?, ?) "
	if s.dialect == SQLite {
		q += "ON CONFLICT (user_id, day) DO UPDATE SET requests = requests + 1, " +
			"prompt_tokens = prompt_tokens + excluded.prompt_tokens, completion_tokens = completion_tokens + excluded.completion_tokens"
	} else {
		q += "ON DUPLICATE KEY UPDATE requests = requests + 1, " +
			"prompt_tokens = prompt_tokens + VALUES(prompt_tokens), completion_tokens = completion_tokens + VALUES(completion_tokens)"
	}
	if _, err := s.db.ExecContext(ctx, q, userID, day, promptTokens, completionTokens); err != nil {
		return fmt.Errorf("store: add model usage: %w", Translate(err))
	}
	return nil
}

// LLMTokensOn is every user's tokens of day.
func (s *Store) LLMTokensOn(ctx context.Context, day string) (int64, error) {
	var n sql.NullInt64
	err := s.db.QueryRowContext(ctx, "SELECT SUM(prompt_tokens + completion_tokens) FROM llm_usage WHERE day = ?", day).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: model usage: %w", Translate(err))
	}
	return n.Int64, nil
}

// LLMUsageRow is one user's usage of one day.
type LLMUsageRow struct {
	UserID           int64
	Day              string
	Requests         int64
	PromptTokens     int64
	CompletionTokens int64
}

// LLMUsage lists the usage rows of day, by user.
func (s *Store) LLMUsage(ctx context.Context, day string) ([]LLMUsageRow, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT user_id, day, requests, prompt_tokens, completion_tokens FROM llm_usage WHERE day = ? ORDER BY user_id", day)
	if err != nil {
		return nil, fmt.Errorf("store: model usage: %w", Translate(err))
	}
	defer rows.Close()
	var out []LLMUsageRow
	for rows.Next() {
		var r LLMUsageRow
		if err := rows.Scan(&r.UserID, &r.Day, &r.Requests, &r.PromptTokens, &r.CompletionTokens); err != nil {
			return nil, fmt.Errorf("store: model usage: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CreateConversation stores a new conversation of c.UserID.
func (s *Store) CreateConversation(ctx context.Context, c *chat.Conversation) error {
	t := now()
	res, err := s.db.ExecContext(ctx, "INSERT INTO ai_conversations (user_id, title, created_at, updated_at) VALUES (?, ?, ?, ?)",
		c.UserID, c.Title, s.ts(t), s.ts(t))
	if err != nil {
		return fmt.Errorf("store: create conversation: %w", Translate(err))
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("store: create conversation: %w", err)
	}
	c.CreatedAt, c.UpdatedAt = t, t
	return nil
}

const conversationColumns = "id, user_id, title, created_at, updated_at"

func scanConversation(sc interface{ Scan(...any) error }) (chat.Conversation, error) {
	var c chat.Conversation
	err := sc.Scan(&c.ID, &c.UserID, &c.Title, timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt})
	return c, err
}

// ListConversations lists userID's conversations, the latest first (at most limit).
func (s *Store) ListConversations(ctx context.Context, userID int64, limit int) ([]chat.Conversation, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+conversationColumns+" FROM ai_conversations WHERE user_id = ? ORDER BY updated_at DESC, id DESC LIMIT ?", userID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list conversations: %w", Translate(err))
	}
	defer rows.Close()
	out := []chat.Conversation{}
	for rows.Next() {
		c, err := scanConversation(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list conversations: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// GetConversation returns conversation id of userID; another user's is KindNotFound, the same
// as one that does not exist, so nobody can probe for others' conversations.
func (s *Store) GetConversation(ctx context.Context, userID, id int64) (chat.Conversation, error) {
	c, err := scanConversation(s.db.QueryRowContext(ctx, "SELECT "+conversationColumns+" FROM ai_conversations WHERE id = ? AND user_id = ?", id, userID))
	if errors.Is(err, sql.ErrNoRows) {
		return c, errs.NotFound("conversation %d not found", id)
	}
	if err != nil {
		return c, fmt.Errorf("store: get conversation: %w", Translate(err))
	}
	return c, nil
}

// DeleteConversation deletes conversation id of userID and its messages.
func (s *Store) DeleteConversation(ctx context.Context, userID, id int64) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "DELETE FROM ai_conversations WHERE id = ? AND user_id = ?", id, userID)
		if err != nil {
			return fmt.Errorf("store: delete conversation: %w", Translate(err))
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.NotFound("conversation %d not found", id)
		}
		// SQLite enforces the cascade only with foreign keys on; deleting explicitly works on both.
		if _, err := tx.ExecContext(ctx, "DELETE FROM ai_messages WHERE conversation_id = ?", id); err != nil {
			return fmt.Errorf("store: delete conversation: %w", Translate(err))
		}
		return nil
	})
}

// AddMessage appends m to its conversation and touches the conversation.
func (s *Store) AddMessage(ctx context.Context, m *chat.Message) error {
	calls := m.ToolCalls
	if calls == nil {
		calls = []chat.ToolCall{}
	}
	tc, err := json.Marshal(calls)
	if err != nil {
		return fmt.Errorf("store: add message: %w", err)
	}
	t := now()
	return s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO ai_messages (conversation_id, role, content, tool_calls, created_at) VALUES (?, ?, ?, ?, ?)",
			m.ConversationID, m.Role, m.Content, string(tc), s.ts(t))
		if err != nil {
			return fmt.Errorf("store: add message: %w", Translate(err))
		}
		if m.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("store: add message: %w", err)
		}
		m.CreatedAt = t
		if _, err := tx.ExecContext(ctx, "UPDATE ai_conversations SET updated_at = ? WHERE id = ?", s.ts(t), m.ConversationID); err != nil {
			return fmt.Errorf("store: add message: %w", Translate(err))
		}
		return nil
	})
}

// SetConversationTitle sets the title of conversation id.
func (s *Store) SetConversationTitle(ctx context.Context, id int64, title string) error {
	if _, err := s.db.ExecContext(ctx, "UPDATE ai_conversations SET title = ? WHERE id = ?", title, id); err != nil {
		return fmt.Errorf("store: conversation title: %w", Translate(err))
	}
	return nil
}

// Messages returns the latest limit messages of conversation id, oldest first.
func (s *Store) Messages(ctx context.Context, conversationID int64, limit int) ([]chat.Message, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, conversation_id, role, content, tool_calls, created_at FROM ai_messages "+
		"WHERE conversation_id = ? ORDER BY id DESC LIMIT ?", conversationID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: messages: %w", Translate(err))
	}
	defer rows.Close()
	out := []chat.Message{}
	for rows.Next() {
		var m chat.Message
		var tc string
		if err := rows.Scan(&m.ID, &m.ConversationID, &m.Role, &m.Content, &tc, timeCol{&m.CreatedAt}); err != nil {
			return nil, fmt.Errorf("store: messages: %w", err)
		}
		if err := json.Unmarshal([]byte(tc), &m.ToolCalls); err != nil {
			return nil, fmt.Errorf("store: message %d tool calls: %w", m.ID, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.Reverse(out)
	return out, nil
}

// Report is a stored monthly report.
type Report struct {
	ID          int64
	Month       string // YYYY-MM
	AllAccounts bool
	AccountIDs  []int64
	Status      string // ready | failed
	ObjectKey   string // the Markdown object; the HTML one is the same key with .html
	Summary     string
	Error       string
	CreatedBy   int64
	CreatedAt   time.Time
}

// Scope is the accounts the report covers.
func (r Report) Scope() account.Scope { return account.Scope{All: r.AllAccounts, IDs: r.AccountIDs} }

// VisibleTo reports whether scope may see every account the report covers.
func (r Report) VisibleTo(scope account.Scope) bool {
	if scope.All {
		return true
	}
	if r.AllAccounts {
		return false
	}
	for _, id := range r.AccountIDs {
		if !scope.Contains(id) {
			return false
		}
	}
	return true
}

func joinIDs(ids []int64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// CreateReport stores r.
func (s *Store) CreateReport(ctx context.Context, r *Report) error {
	t := now()
	res, err := s.db.ExecContext(ctx, "INSERT INTO ai_reports (month, all_accounts, account_ids, status, object_key, summary, error, created_by, created_at) "+
		"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", r.Month, r.AllAccounts, joinIDs(r.AccountIDs), r.Status, r.ObjectKey, r.Summary,
		errs.Clip(r.Error, 500), r.CreatedBy, s.ts(t))
	if err != nil {
		return fmt.Errorf("store: create report: %w", Translate(err))
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("store: create report: %w", err)
	}
	r.CreatedAt = t
	return nil
}

// ListReports lists the reports scope may see, the newest first (at most limit).
func (s *Store) ListReports(ctx context.Context, scope account.Scope, limit int) ([]Report, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT id, month, all_accounts, account_ids, status, object_key, summary, error, created_by, created_at "+
		"FROM ai_reports ORDER BY id DESC LIMIT ?", 10*limit)
	if err != nil {
		return nil, fmt.Errorf("store: list reports: %w", Translate(err))
	}
	defer rows.Close()
	out := []Report{}
	for rows.Next() {
		r, err := scanReport(rows)
		if err != nil {
			return nil, err
		}
		if r.VisibleTo(scope) && len(out) < limit {
			out = append(out, r)
		}
	}
	return out, rows.Err()
}

// GetReport returns report id when scope may see it; KindNotFound otherwise.
func (s *Store) GetReport(ctx context.Context, scope account.Scope, id int64) (Report, error) {
	r, err := scanReport(s.db.QueryRowContext(ctx, "SELECT id, month, all_accounts, account_ids, status, object_key, summary, error, created_by, created_at "+
		"FROM ai_reports WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !r.VisibleTo(scope)) {
		return Report{}, errs.NotFound("report %d not found", id)
	}
	return r, err
}

func scanReport(sc interface{ Scan(...any) error }) (Report, error) {
	var r Report
	var ids string
	if err := sc.Scan(&r.ID, &r.Month, &r.AllAccounts, &ids, &r.Status, &r.ObjectKey, &r.Summary, &r.Error, &r.CreatedBy, timeCol{&r.CreatedAt}); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return r, err
		}
		return r, fmt.Errorf("store: report: %w", Translate(err))
	}
	for _, p := range strings.Split(ids, ",") {
		if p == "" {
			continue
		}
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return r, fmt.Errorf("store: report %d accounts: %w", r.ID, err)
		}
		r.AccountIDs = append(r.AccountIDs, id)
	}
	return r, nil
}
