// Package llm is the adapter to an OpenAI-compatible chat model (DashScope's Qwen by default;
// DeepSeek, OpenAI and any server speaking the chat-completions protocol work too): one call
// or one stream at a time, bounded by a timeout, retried on 429 and 5xx, with the tokens it
// spent recorded per user and day and checked against the organisation's daily budget.
package llm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/logx"
)

// DefaultBaseURL is DashScope's OpenAI-compatible endpoint (Beijing), used when a key is
// configured without a base URL. The model defaults to qwen-plus (config).
const DefaultBaseURL = "https://dashscope.aliyuncs.com/compatible-mode/v1"

// The chat-completions types, as the tool loop and its tests use them.
type (
	Message  = openai.ChatCompletionMessage
	Tool     = openai.Tool
	ToolCall = openai.ToolCall
	Function = openai.FunctionDefinition
)

// Roles of messages.
const (
	RoleSystem    = openai.ChatMessageRoleSystem
	RoleUser      = openai.ChatMessageRoleUser
	RoleAssistant = openai.ChatMessageRoleAssistant
	RoleTool      = openai.ChatMessageRoleTool
)

// Usage is what one call spent.
type Usage struct {
	PromptTokens     int64
	CompletionTokens int64
}

// Total is every token of u.
func (u Usage) Total() int64 { return u.PromptTokens + u.CompletionTokens }

// Meter records usage and knows the day's total; shared/store implements it.
type Meter interface {
	// AddLLMUsage adds one request's tokens to user userID's row of day (YYYY-MM-DD).
	AddLLMUsage(ctx context.Context, userID int64, day string, promptTokens, completionTokens int64) error
	// LLMTokensOn is the tokens every user spent on day.
	LLMTokensOn(ctx context.Context, day string) (int64, error)
}

// Config configures a Client.
type Config struct {
	BaseURL string // empty: DefaultBaseURL
	APIKey  string
	Model   string
	Timeout time.Duration // one call, streaming included; zero: 60 s
	// Retries after the first attempt on 429, 5xx and transport errors; Backoff is the first
	// wait, doubled each time (with jitter).
	Retries int
	Backoff time.Duration
	// DailyTokens is the organisation's daily budget (0 = none).
	DailyTokens int64
}

// Client calls the model. A nil *Client is a valid client with no model configured.
type Client struct {
	api   *openai.Client
	cfg   Config
	meter Meter
	log   *slog.Logger
	now   func() time.Time
}

// New returns a client, or nil when neither an API key nor a base URL is configured: the AI
// features then answer with their deterministic analysis and say that no model is configured.
// (A base URL without a key is a local model server that needs none.)
func New(cfg Config, meter Meter, log *slog.Logger, now func() time.Time) *Client {
	if cfg.APIKey == "" && cfg.BaseURL == "" {
		return nil
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	if cfg.Model == "" {
		cfg.Model = "qwen-plus"
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = 500 * time.Millisecond
	}
	if now == nil {
		now = time.Now
	}
	oc := openai.DefaultConfig(cfg.APIKey)
	oc.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	// The per-call context carries the timeout; the client itself must not cut a long stream.
	oc.HTTPClient = &http.Client{}
	return &Client{api: openai.NewClientWithConfig(oc), cfg: cfg, meter: meter, log: logx.OrDiscard(log), now: now}
}

// Configured reports whether a model is configured.
func (c *Client) Configured() bool { return c != nil }

// Model is the configured model's name ("" when none).
func (c *Client) Model() string {
	if c == nil {
		return ""
	}
	return c.cfg.Model
}

// NotConfigured is the plain sentence the AI features show when no model is configured.
const NotConfigured = "No language model is configured, so this answer comes from CloudLens's own analysis only. " +
	"To configure one, set CLOUDLENS_LLM_API_KEY (and, for a provider other than DashScope, " +
	"CLOUDLENS_LLM_BASE_URL and CLOUDLENS_LLM_MODEL) and restart CloudLens; see docs/ai.md."

// NotConfiguredZh is NotConfigured in Chinese.
const NotConfiguredZh = "尚未配置大语言模型，以下内容仅来自 CloudLens 自身的分析。配置方法：设置 CLOUDLENS_LLM_API_KEY" +
	"（使用 DashScope 以外的服务时还需设置 CLOUDLENS_LLM_BASE_URL 与 CLOUDLENS_LLM_MODEL）并重启 CloudLens，详见 docs/ai.md。"

// Request is one chat completion.
type Request struct {
	UserID   int64 // whose usage this is (0: no person)
	Messages []Message
	Tools    []Tool
}

// Reply is the model's message and what it cost.
type Reply struct {
	Message Message
	Usage   Usage
}

// Day is the usage day of t (Asia/Shanghai, like bills).
func Day(t time.Time) string { return t.In(billing.Shanghai).Format(time.DateOnly) }

// checkBudget refuses a call once the organisation has spent its tokens of the day.
func (c *Client) checkBudget(ctx context.Context) error {
	if c.cfg.DailyTokens <= 0 || c.meter == nil {
		return nil
	}
	used, err := c.meter.LLMTokensOn(ctx, Day(c.now()))
	if err != nil {
		return err
	}
	if used >= c.cfg.DailyTokens {
		return errs.E(errs.KindRateLimited, "the organisation's daily budget of %d model tokens is used up; it renews at midnight (Asia/Shanghai)", c.cfg.DailyTokens)
	}
	return nil
}

func (c *Client) record(ctx context.Context, userID int64, u Usage) {
	if c.meter == nil {
		return
	}
	if err := c.meter.AddLLMUsage(ctx, userID, Day(c.now()), u.PromptTokens, u.CompletionTokens); err != nil {
		c.log.WarnContext(ctx, "model usage not recorded", "user_id", userID, "error", err.Error())
	}
}

func (c *Client) request(req Request, stream bool) openai.ChatCompletionRequest {
	r := openai.ChatCompletionRequest{Model: c.cfg.Model, Messages: req.Messages, Tools: req.Tools, Stream: stream}
	if stream {
		r.StreamOptions = &openai.StreamOptions{IncludeUsage: true}
	}
	return r
}

// Complete asks for one reply without streaming.
func (c *Client) Complete(ctx context.Context, req Request) (Reply, error) {
	if c == nil {
		return Reply{}, errs.E(errs.KindUnavailable, "no language model is configured")
	}
	if err := c.checkBudget(ctx); err != nil {
		return Reply{}, err
	}
	var out Reply
	err := c.retry(ctx, func(ctx context.Context) error {
		resp, err := c.api.CreateChatCompletion(ctx, c.request(req, false))
		if err != nil {
			return err
		}
		if len(resp.Choices) == 0 {
			return errors.New("llm: the answer has no choices")
		}
		out = Reply{Message: resp.Choices[0].Message,
			Usage: Usage{PromptTokens: int64(resp.Usage.PromptTokens), CompletionTokens: int64(resp.Usage.CompletionTokens)}}
		return nil
	})
	if err != nil {
		return Reply{}, err
	}
	out.Usage = estimate(out.Usage, req, out.Message)
	c.record(ctx, req.UserID, out.Usage)
	return out, nil
}

// Stream asks for one reply, calling onText with each piece of text as it arrives. A failure
// before anything arrived is retried like Complete; one after is returned (what was shown
// cannot be taken back).
func (c *Client) Stream(ctx context.Context, req Request, onText func(string)) (Reply, error) {
	if c == nil {
		return Reply{}, errs.E(errs.KindUnavailable, "no language model is configured")
	}
	if err := c.checkBudget(ctx); err != nil {
		return Reply{}, err
	}
	var out Reply
	err := c.retry(ctx, func(ctx context.Context) error {
		st, err := c.api.CreateChatCompletionStream(ctx, c.request(req, true))
		if err != nil {
			return err
		}
		defer st.Close()
		msg := Message{Role: RoleAssistant}
		var text strings.Builder
		var u Usage
		started := false
		for {
			chunk, err := st.Recv()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				if started {
					return permanent{err}
				}
				return err
			}
			if chunk.Usage != nil {
				u = Usage{PromptTokens: int64(chunk.Usage.PromptTokens), CompletionTokens: int64(chunk.Usage.CompletionTokens)}
			}
			for _, ch := range chunk.Choices {
				if d := ch.Delta.Content; d != "" {
					started = true
					text.WriteString(d)
					if onText != nil {
						onText(d)
					}
				}
				for _, tc := range ch.Delta.ToolCalls {
					started = true
					msg.ToolCalls = mergeToolCall(msg.ToolCalls, tc)
				}
			}
		}
		msg.Content = text.String()
		out = Reply{Message: msg, Usage: u}
		return nil
	})
	if err != nil {
		return Reply{}, err
	}
	out.Usage = estimate(out.Usage, req, out.Message)
	c.record(ctx, req.UserID, out.Usage)
	return out, nil
}

// mergeToolCall adds a streamed piece of a tool call: the first piece of an index carries its
// id and name, later ones more of its arguments.
func mergeToolCall(calls []ToolCall, d ToolCall) []ToolCall {
	i := len(calls)
	if d.Index != nil {
		i = *d.Index
	} else if d.ID == "" && len(calls) > 0 {
		i = len(calls) - 1
	}
	for len(calls) <= i {
		calls = append(calls, ToolCall{Type: openai.ToolTypeFunction})
	}
	c := &calls[i]
	if d.ID != "" {
		c.ID = d.ID
	}
	if d.Function.Name != "" {
		c.Function.Name += d.Function.Name
	}
	c.Function.Arguments += d.Function.Arguments
	c.Index = nil
	return calls
}

// estimate fills usage a server did not report (some compatible servers omit it when
// streaming) at about four characters a token, so the daily budget still counts the call.
func estimate(u Usage, req Request, reply Message) Usage {
	if u.Total() > 0 {
		return u
	}
	var in int
	for _, m := range req.Messages {
		in += len(m.Content)
	}
	out := len(reply.Content)
	for _, tc := range reply.ToolCalls {
		out += len(tc.Function.Name) + len(tc.Function.Arguments)
	}
	return Usage{PromptTokens: int64(in/4 + 1), CompletionTokens: int64(out/4 + 1)}
}

// permanent marks an error that must not be retried.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// retry runs call with the per-call timeout, again on 429, 5xx and transport errors, and
// classifies the final error for the user: 429 → rate_limited, the rest → unavailable.
func (c *Client) retry(ctx context.Context, call func(ctx context.Context) error) error {
	wait := c.cfg.Backoff
	var err error
	for attempt := 0; ; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
		err = call(cctx)
		cancel()
		if err == nil {
			return nil
		}
		status := statusOf(err)
		var p permanent
		retryable := !errors.As(err, &p) && (status == http.StatusTooManyRequests || status >= 500 || status == 0) && ctx.Err() == nil
		if !retryable || attempt >= c.cfg.Retries {
			break
		}
		c.log.WarnContext(ctx, "model call failed; retrying", "attempt", attempt+1, "status", status, "error", err.Error())
		d := wait/2 + time.Duration(rand.Int64N(int64(wait)))
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
		wait *= 2
	}
	status := statusOf(err)
	switch {
	case status == http.StatusTooManyRequests:
		return errs.Wrap(errs.KindRateLimited, err, "the language model is busy (it answered 429 after %d tries); try again in a minute", c.cfg.Retries+1)
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return errs.Wrap(errs.KindUnavailable, err, "the language model refused CloudLens's key (%d)", status)
	case status >= 400 && status < 500:
		return errs.Wrap(errs.KindUnavailable, err, "the language model rejected the request (%d)", status)
	}
	return errs.Wrap(errs.KindUnavailable, err, "the language model did not answer after %d tries", c.cfg.Retries+1)
}

// statusOf is the HTTP status of a model error, 0 for transport errors and timeouts.
func statusOf(err error) int {
	var api *openai.APIError
	if errors.As(err, &api) {
		return api.HTTPStatusCode
	}
	var re *openai.RequestError
	if errors.As(err, &re) {
		return re.HTTPStatusCode
	}
	return 0
}

// String describes the client for logs, without the key.
func (c *Client) String() string {
	if c == nil {
		return "llm(none)"
	}
	return fmt.Sprintf("llm(%s at %s)", c.cfg.Model, c.cfg.BaseURL)
}
