// Package chat holds the conversations people have with the AI analyst: their messages, the
// tool calls an answer rests on, and the limits on what a message may be.
package chat

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// Roles of stored messages.
const (
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Limits of a conversation.
const (
	MaxMessageRunes = 4000 // one question
	MaxTitleRunes   = 80
	// ContextMessages is how many of the latest messages go to the model with a new question.
	ContextMessages = 12
)

// Conversation is one thread of questions and answers; it belongs to UserID alone.
type Conversation struct {
	ID        int64
	UserID    int64
	Title     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ToolCall is one tool an answer ran: its name, the arguments the model gave and the
// (trimmed) result it got back, shown to the user as "how I got this".
type ToolCall struct {
	Name      string `json:"name"`
	Arguments string `json:"arguments"`
	Result    string `json:"result"`
	Error     bool   `json:"error,omitempty"`
}

// Message is one message of a conversation.
type Message struct {
	ID             int64
	ConversationID int64
	Role           string
	Content        string
	ToolCalls      []ToolCall
	CreatedAt      time.Time
}

// CheckQuestion validates a user's message and returns it trimmed.
func CheckQuestion(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errs.Required("content")
	case !utf8.ValidString(s):
		return "", errs.InvalidField("content", errs.ReasonUTF8, "the message is not valid UTF-8")
	case utf8.RuneCountInString(s) > MaxMessageRunes:
		return "", errs.TooLong("content", MaxMessageRunes)
	}
	return s, nil
}

// Title is a conversation title taken from its first question.
func Title(question string) string {
	q := strings.Join(strings.Fields(question), " ")
	if utf8.RuneCountInString(q) <= MaxTitleRunes {
		return q
	}
	r := []rune(q)
	return string(r[:MaxTitleRunes-1]) + "…"
}
