package llm_test

import (
	"context"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/llm"
	"github.com/cloudlens/cloudlens/shared/llm/llmtest"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

var day = time.Date(2025, 3, 15, 10, 0, 0, 0, time.UTC)

func client(url string, s *store.Store, budget int64) *llm.Client {
	return llm.New(llm.Config{BaseURL: url, APIKey: "test-key", Model: "test-model", Timeout: 5 * time.Second,
		Retries: 2, Backoff: time.Millisecond, DailyTokens: budget}, s, nil, func() time.Time { return day })
}

func TestNotConfigured(t *testing.T) {
	var c *llm.Client = llm.New(llm.Config{}, nil, nil, nil)
	if c.Configured() {
		t.Fatal("a client without key or base URL must not be configured")
	}
	if _, err := c.Complete(context.Background(), llm.Request{}); !errs.Is(err, errs.KindUnavailable) {
		t.Fatalf("Complete without a model = %v, want unavailable", err)
	}
	if c := llm.New(llm.Config{APIKey: "k"}, nil, nil, nil); c.Model() != "qwen-plus" || !strings.Contains(c.String(), llm.DefaultBaseURL) {
		t.Fatalf("a key alone should mean DashScope qwen-plus, got %s", c)
	}
}

func TestRetriesAndUsage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := llmtest.Start(t, nil,
			llmtest.Fixed(llmtest.Step{Status: 429}),
			llmtest.Fixed(llmtest.Step{Status: 503}),
			llmtest.Fixed(llmtest.Step{Text: "本月花费 ¥1,234.56"}))
		c := client(srv.URL, s, 0)
		r, err := c.Complete(ctx, llm.Request{UserID: 7, Messages: []llm.Message{{Role: llm.RoleUser, Content: "hi"}}})
		if err != nil {
			t.Fatal(err)
		}
		if r.Message.Content != "本月花费 ¥1,234.56" || len(srv.Requests()) != 3 {
			t.Fatalf("got %q after %d requests, want the third answer", r.Message.Content, len(srv.Requests()))
		}
		rows, err := s.LLMUsage(ctx, "2025-03-15")
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].UserID != 7 || rows[0].Requests != 1 || rows[0].PromptTokens != 100 || rows[0].CompletionTokens != 20 {
			t.Fatalf("usage rows = %+v", rows)
		}

		// Still 429 after every retry: a clear rate-limit error.
		busy := llmtest.Start(t, llmtest.Fixed(llmtest.Step{Status: 429}))
		_, err = client(busy.URL, s, 0).Complete(ctx, llm.Request{UserID: 7})
		if !errs.Is(err, errs.KindRateLimited) || len(busy.Requests()) != 3 {
			t.Fatalf("err = %v after %d requests, want rate_limited after 3", err, len(busy.Requests()))
		}
		// A 400 is not retried.
		bad := llmtest.Start(t, llmtest.Fixed(llmtest.Step{Status: 400}))
		if _, err = client(bad.URL, s, 0).Complete(ctx, llm.Request{UserID: 7}); err == nil || len(bad.Requests()) != 1 {
			t.Fatalf("err = %v after %d requests, want one failed request", err, len(bad.Requests()))
		}
	})
}

func TestStreamMergesToolCallsAndText(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := llmtest.Start(t, nil,
			llmtest.Fixed(llmtest.Step{Calls: []llmtest.Call{{Name: "cost_overview", Args: `{}`}, {Name: "forecast", Args: `{"accountIds":[1,2]}`}}}),
			llmtest.Fixed(llmtest.Step{Text: "The month will end near ¥9,876.54, according to the forecast tool."}))
		c := client(srv.URL, s, 0)
		r, err := c.Stream(ctx, llm.Request{UserID: 3}, nil)
		if err != nil {
			t.Fatal(err)
		}
		tc := r.Message.ToolCalls
		if len(tc) != 2 || tc[0].Function.Name != "cost_overview" || tc[1].Function.Arguments != `{"accountIds":[1,2]}` || tc[1].ID == "" {
			t.Fatalf("tool calls = %+v", tc)
		}
		var pieces []string
		r, err = c.Stream(ctx, llm.Request{UserID: 3}, func(s string) { pieces = append(pieces, s) })
		if err != nil {
			t.Fatal(err)
		}
		if len(pieces) < 2 || strings.Join(pieces, "") != r.Message.Content || !strings.Contains(r.Message.Content, "¥9,876.54") {
			t.Fatalf("pieces %q, content %q", pieces, r.Message.Content)
		}
		if !srv.Requests()[0].Stream || srv.Requests()[0].StreamOptions == nil || !srv.Requests()[0].StreamOptions.IncludeUsage {
			t.Fatal("a stream must ask for usage")
		}
		rows, _ := s.LLMUsage(ctx, "2025-03-15")
		if len(rows) != 1 || rows[0].Requests != 2 || rows[0].PromptTokens != 200 {
			t.Fatalf("usage rows = %+v", rows)
		}
	})
}

func TestDailyBudget(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		srv := llmtest.Start(t, llmtest.Fixed(llmtest.Step{Text: "ok"}))
		c := client(srv.URL, s, 200) // each scripted call spends 120 tokens
		for i, want := range []bool{true, true, false} {
			_, err := c.Complete(ctx, llm.Request{UserID: int64(i + 1), Messages: []llm.Message{{Role: openai.ChatMessageRoleUser, Content: "x"}}})
			if (err == nil) != want {
				t.Fatalf("call %d: err = %v, want allowed=%v", i, err, want)
			}
			if !want && !errs.Is(err, errs.KindRateLimited) {
				t.Fatalf("over budget: %v, want rate_limited", err)
			}
		}
		if n, _ := s.LLMTokensOn(ctx, "2025-03-15"); n != 240 {
			t.Fatalf("tokens of the day = %d, want 240", n)
		}
	})
}
