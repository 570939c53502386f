// Package chatbot is the cloudlens-chatbot function: conversations with the AI analyst. A
// question runs the tool-calling loop of shared/analyst over the caller's own figures and is
// answered as one JSON message or, with Accept: text/event-stream, as server-sent events: each
// tool call as it runs, then the text as it arrives, then the whole message.
package chatbot

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/aitools"
	"github.com/cloudlens/cloudlens/shared/analyst"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/chat"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/logx"
)

// Questions per user per window: each may cost several model calls.
const (
	rateLimit  = 20
	rateWindow = time.Minute
	listLimit  = 100
)

type api struct {
	d     *app.Deps
	agent *analyst.Agent
}

// New returns the function's HTTP handler.
func New(d *app.Deps) http.Handler {
	return NewWith(d, analyst.New(d))
}

// NewWith is New with a given agent (tests bound its rounds).
func NewWith(d *app.Deps, agent *analyst.Agent) http.Handler {
	a := &api{d: d, agent: agent}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/chatbot/conversations", d.AuthedFunc(a.list))
	mux.Handle("POST /api/v1/chatbot/conversations", d.AuthedFunc(a.create))
	mux.Handle("GET /api/v1/chatbot/conversations/{id}", d.AuthedFunc(a.get))
	mux.Handle("DELETE /api/v1/chatbot/conversations/{id}", d.AuthedFunc(a.delete))
	mux.Handle("POST /api/v1/chatbot/conversations/{id}/messages", d.AuthedFunc(a.ask))
	mux.Handle("/", httpx.NotFound(d.Log))
	return d.API(mux)
}

type conversationJSON struct {
	ID        int64         `json:"id"`
	Title     string        `json:"title"`
	CreatedAt time.Time     `json:"createdAt"`
	UpdatedAt time.Time     `json:"updatedAt"`
	Messages  []messageJSON `json:"messages,omitempty"`
}

type messageJSON struct {
	ID        int64           `json:"id"`
	Role      string          `json:"role"`
	Content   string          `json:"content"`
	ToolCalls []chat.ToolCall `json:"toolCalls"`
	CreatedAt time.Time       `json:"createdAt"`
}

func toMessage(m chat.Message) messageJSON {
	tc := m.ToolCalls
	if tc == nil {
		tc = []chat.ToolCall{}
	}
	return messageJSON{ID: m.ID, Role: m.Role, Content: m.Content, ToolCalls: tc, CreatedAt: m.CreatedAt}
}

func toConversation(c chat.Conversation) conversationJSON {
	return conversationJSON{ID: c.ID, Title: c.Title, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func (a *api) list(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	cs, err := a.d.Store.ListConversations(r.Context(), p.UserID, listLimit)
	if err != nil {
		return err
	}
	out := make([]conversationJSON, 0, len(cs))
	for _, c := range cs {
		out = append(out, toConversation(c))
	}
	return httpx.OK(w, httpx.Items(out))
}

type createInput struct {
	Title string `json:"title"`
}

func (a *api) create(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	var in createInput
	// The body is optional: {} or nothing starts an untitled conversation.
	if r.ContentLength != 0 {
		if err := httpx.Decode(r, &in); err != nil {
			return err
		}
	}
	c := chat.Conversation{UserID: p.UserID, Title: chat.Title(in.Title)}
	if err := a.d.Store.CreateConversation(r.Context(), &c); err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toConversation(c))
	return nil
}

// conversation is the caller's conversation of the path; another user's is not found.
func (a *api) conversation(r *http.Request) (auth.Principal, chat.Conversation, error) {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return p, chat.Conversation{}, err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return p, chat.Conversation{}, err
	}
	c, err := a.d.Store.GetConversation(r.Context(), p.UserID, id)
	return p, c, err
}

func (a *api) get(w http.ResponseWriter, r *http.Request) error {
	_, c, err := a.conversation(r)
	if err != nil {
		return err
	}
	ms, err := a.d.Store.Messages(r.Context(), c.ID, 500)
	if err != nil {
		return err
	}
	out := toConversation(c)
	out.Messages = make([]messageJSON, 0, len(ms))
	for _, m := range ms {
		out.Messages = append(out.Messages, toMessage(m))
	}
	return httpx.OK(w, out)
}

func (a *api) delete(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.d.Store.DeleteConversation(r.Context(), p.UserID, id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type askInput struct {
	Content string `json:"content"`
}

func (a *api) ask(w http.ResponseWriter, r *http.Request) error {
	p, c, err := a.conversation(r)
	if err != nil {
		return err
	}
	var in askInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	question, err := chat.CheckQuestion(in.Content)
	if err != nil {
		return err
	}
	ctx := r.Context()
	ok, retry, err := a.d.Cache.Allow(ctx, "chatbot:user:"+strconv.FormatInt(p.UserID, 10), rateLimit, rateWindow)
	if err != nil {
		return err
	}
	if !ok {
		return &httpx.RetryAfterError{Seconds: int64(retry.Seconds()) + 1,
			Err: errs.E(errs.KindRateLimited, "at most %d questions a minute; try again shortly", rateLimit)}
	}
	history, err := a.d.Store.Messages(ctx, c.ID, chat.ContextMessages)
	if err != nil {
		return err
	}
	um := chat.Message{ConversationID: c.ID, Role: chat.RoleUser, Content: question}
	if err := a.d.Store.AddMessage(ctx, &um); err != nil {
		return err
	}
	if c.Title == "" {
		if err := a.d.Store.SetConversationTitle(ctx, c.ID, chat.Title(question)); err != nil {
			return err
		}
	}
	env := aitools.Env{Scope: p.Scope(), Now: a.d.Now()}

	stream := strings.Contains(r.Header.Get("Accept"), "text/event-stream")
	var sse *sseWriter
	emit := func(analyst.Event) {}
	if stream {
		sse = newSSE(w)
		emit = func(e analyst.Event) {
			if e.ToolCall != nil {
				sse.send("toolCall", e.ToolCall)
			} else if e.Text != "" {
				sse.send("text", map[string]string{"text": e.Text})
			}
		}
	}
	ans, err := a.agent.Ask(ctx, p.UserID, env, history, question, emit)
	if err != nil {
		if !stream {
			return err
		}
		a.d.Log.WarnContext(ctx, "question not answered", "error", err.Error())
		sse.send("error", httpx.ErrorBody{Error: httpx.ErrorDetail{Code: string(errs.KindOf(err)), Message: failureText(err, question),
			RequestID: logx.RequestID(ctx)}})
		return nil
	}
	am := chat.Message{ConversationID: c.ID, Role: chat.RoleAssistant, Content: ans.Content, ToolCalls: ans.ToolCalls}
	if err := a.d.Store.AddMessage(ctx, &am); err != nil {
		if stream {
			sse.send("error", httpx.ErrorBody{Error: httpx.ErrorDetail{Code: string(errs.KindInternal), Message: "the answer could not be saved", RequestID: logx.RequestID(ctx)}})
			return nil
		}
		return err
	}
	if stream {
		sse.send("message", toMessage(am))
		return nil
	}
	return httpx.OK(w, toMessage(am))
}

// failureText says why a question got no answer, in the question's language, without detail
// of CloudLens's internals.
func failureText(err error, question string) string {
	zh := analyst.Chinese(question)
	switch errs.KindOf(err) {
	case errs.KindRateLimited:
		return errs.Message(err)
	case errs.KindUnavailable:
		if zh {
			return "大语言模型暂时没有应答（已重试），请稍后再试。"
		}
		return "The language model did not answer (after retries); try again shortly."
	}
	if zh {
		return "出错了，请稍后再试。"
	}
	return "Something went wrong; try again shortly."
}

// sseWriter writes server-sent events.
type sseWriter struct {
	w http.ResponseWriter
	f http.Flusher
}

func newSSE(w http.ResponseWriter) *sseWriter {
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	f, _ := w.(http.Flusher)
	return &sseWriter{w: w, f: f}
}

func (s *sseWriter) send(event string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	fmt.Fprintf(s.w, "event: %s\ndata: %s\n\n", event, b)
	if s.f != nil {
		s.f.Flush()
	}
}
