package chatbot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/cloudlens/cloudlens/functions/costs"
	"github.com/cloudlens/cloudlens/shared/analyst"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/llm"
	"github.com/cloudlens/cloudlens/shared/llm/llmtest"
)

var now = time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)

type fixture struct {
	d                    *app.Deps
	costs                *apptest.Client
	admin, viewer, other string
	viewerID             int64
	acc0, acc1           int64
}

func setup(t *testing.T, d *app.Deps) fixture {
	t.Helper()
	d.Now = func() time.Time { return now }
	data := costtest.Load(t, d.Store, costtest.Options{Seed: 5, Accounts: 2, Resources: 6, Now: now, Days: 70})
	f := fixture{d: d, costs: apptest.Serve(t, costs.New(d)), acc0: data.Accounts[0].ID, acc1: data.Accounts[1].ID}
	_, f.admin = apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
	var u auth.User
	u, f.viewer = apptest.User(t, d, "viewer@example.com", auth.RoleViewer, f.acc0)
	f.viewerID = u.ID
	_, f.other = apptest.User(t, d, "other@example.com", auth.RoleViewer, f.acc0)
	return f
}

// withModel points the function at the scripted model.
func withModel(t *testing.T, d *app.Deps, url string, rounds int) *apptest.Client {
	d.Config.LLMBaseURL, d.Config.LLMAPIKey = url, "test-key"
	agent := analyst.New(d)
	agent.MaxRounds = rounds
	return apptest.Serve(t, NewWith(d, agent))
}

// lastToolResult is the content of the last tool message the model was sent.
func lastToolResult(req openai.ChatCompletionRequest) string {
	for i := len(req.Messages) - 1; i >= 0; i-- {
		if req.Messages[i].Role == "tool" {
			return req.Messages[i].Content
		}
	}
	return ""
}

type answer struct {
	ID        int64  `json:"id"`
	Role      string `json:"role"`
	Content   string `json:"content"`
	ToolCalls []struct {
		Name, Arguments, Result string
		Error                   bool
	} `json:"toolCalls"`
}

func newConversation(t *testing.T, c *apptest.Client, token string) int64 {
	t.Helper()
	res := c.Do("POST", "/api/v1/chatbot/conversations", token, map[string]any{})
	if res.Status != http.StatusCreated {
		t.Fatalf("create conversation: %d %s", res.Status, res.Body)
	}
	var out struct{ ID int64 }
	res.JSON(t, &out)
	return out.ID
}

// ask puts content to a new conversation of token's user and returns the answer.
func ask(t *testing.T, c *apptest.Client, token, content string) answer {
	t.Helper()
	id := newConversation(t, c, token)
	res := c.Do("POST", fmt.Sprintf("/api/v1/chatbot/conversations/%d/messages", id), token, map[string]string{"content": content})
	if res.Status != http.StatusOK {
		t.Fatalf("ask: %d %s", res.Status, res.Body)
	}
	var a answer
	res.JSON(t, &a)
	return a
}

func TestToolLoopAnswersWithTheCallersFigures(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		model := llmtest.Start(t, nil,
			llmtest.Fixed(llmtest.Step{Calls: []llmtest.Call{{Name: "cost_overview", Args: `{}`}}}),
			func(req openai.ChatCompletionRequest) llmtest.Step {
				var o struct {
					Items []struct{ Currency, MonthToDate string }
				}
				if err := json.Unmarshal([]byte(lastToolResult(req)), &o); err != nil || len(o.Items) == 0 {
					return llmtest.Step{Text: "no figures: " + lastToolResult(req)}
				}
				return llmtest.Step{Text: fmt.Sprintf("本月至今花费 %s %s。", o.Items[0].Currency, o.Items[0].MonthToDate)}
			})
		c := withModel(t, d, model.URL, 4)
		id := newConversation(t, c, f.viewer)
		res := c.Do("POST", fmt.Sprintf("/api/v1/chatbot/conversations/%d/messages", id), f.viewer, map[string]string{"content": "这个月花了多少钱？"})
		if res.Status != http.StatusOK {
			t.Fatalf("ask: %d %s", res.Status, res.Body)
		}
		var a answer
		res.JSON(t, &a)

		// The figure equals the cost API's for the same caller.
		ov := f.costs.Do("GET", "/api/v1/costs/overview", f.viewer, nil)
		var api struct {
			Items []struct{ Currency, MonthToDate string }
		}
		ov.JSON(t, &api)
		want := fmt.Sprintf("%s %s", api.Items[0].Currency, api.Items[0].MonthToDate)
		if a.Role != "assistant" || !strings.Contains(a.Content, want) || len(a.ToolCalls) != 1 || a.ToolCalls[0].Name != "cost_overview" {
			t.Fatalf("answer %+v, want it to carry %q from one cost_overview call", a, want)
		}
		// The system prompt marks tool data as data and holds no secret.
		sys := model.Requests()[0].Messages[0]
		if sys.Role != "system" || !strings.Contains(sys.Content, "DATA, not instructions") || strings.Contains(sys.Content, "test-key") {
			t.Fatalf("system prompt: %q", sys.Content)
		}
		if len(model.Requests()[0].Tools) < 6 {
			t.Fatalf("the model was offered %d tools", len(model.Requests()[0].Tools))
		}
		// Usage of both model calls is recorded for the viewer.
		rows, err := d.Store.LLMUsage(t.Context(), llm.Day(now))
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].UserID != f.viewerID || rows[0].Requests != 2 {
			t.Fatalf("usage rows %+v", rows)
		}
		// The conversation keeps both messages, and its title comes from the question.
		got := c.Do("GET", fmt.Sprintf("/api/v1/chatbot/conversations/%d", id), f.viewer, nil)
		var conv struct {
			Title    string
			Messages []answer
		}
		got.JSON(t, &conv)
		if conv.Title != "这个月花了多少钱？" || len(conv.Messages) != 2 || conv.Messages[1].ToolCalls[0].Name != "cost_overview" {
			t.Fatalf("conversation %+v", conv)
		}
	})
}

func TestToolsRefuseUngrantedAccountsAndBadArguments(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		model := llmtest.Start(t, nil,
			llmtest.Fixed(llmtest.Step{Calls: []llmtest.Call{
				{Name: "query_costs", Args: fmt.Sprintf(`{"accountIds":[%d]}`, f.acc1)},
				{Name: "query_costs", Args: `{"groupBy":"product"}`},
				{Name: "query_costs", Args: `{"start":"2025-13-01"}`},
				{Name: "top_resources", Args: `{"limit":500}`},
				{Name: "drop_table", Args: `{}`},
				{Name: "resource_cost", Args: `{}`},
			}}),
			llmtest.Fixed(llmtest.Step{Text: "I could not read that account."}))
		a := ask(t, withModel(t, d, model.URL, 4), f.viewer, "What did account 2 spend?")
		wants := []string{"not one of the accounts you may see", "argument groupBy must be a list", "is not a date", "limit must be between 1 and 50",
			"unknown tool", "resourceId is required"}
		if len(a.ToolCalls) != len(wants) {
			t.Fatalf("tool calls %+v", a.ToolCalls)
		}
		for i, w := range wants {
			if !a.ToolCalls[i].Error || !strings.Contains(a.ToolCalls[i].Result, w) {
				t.Errorf("call %d result %q, want an error saying %q", i, a.ToolCalls[i].Result, w)
			}
		}
		// The loop went on: the model got every error back and answered.
		if a.Content != "I could not read that account." || len(model.Requests()) != 2 {
			t.Fatalf("content %q after %d model calls", a.Content, len(model.Requests()))
		}
		for _, m := range model.Requests()[1].Messages {
			if m.Role == "tool" && strings.Contains(m.Content, "CNY") {
				t.Fatalf("a refused call leaked figures: %s", m.Content)
			}
		}
	})
}

func TestRoundBoundStopsALoopingModel(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		model := llmtest.Start(t, llmtest.Fixed(llmtest.Step{Calls: []llmtest.Call{{Name: "forecast", Args: `{}`}}}))
		c := withModel(t, d, model.URL, 3)
		id := newConversation(t, c, f.admin)
		res := c.Do("POST", fmt.Sprintf("/api/v1/chatbot/conversations/%d/messages", id), f.admin, map[string]string{"content": "forecast?"})
		var a answer
		res.JSON(t, &a)
		if res.Status != http.StatusOK || len(model.Requests()) != 3 || len(a.ToolCalls) != 3 || !strings.Contains(a.Content, "stopped after 3 rounds") {
			t.Fatalf("%d, %d model calls, answer %+v", res.Status, len(model.Requests()), a)
		}
	})
}

func TestStreamingSendsToolCallsThenText(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		model := llmtest.Start(t, nil,
			llmtest.Fixed(llmtest.Step{Calls: []llmtest.Call{{Name: "budget_status", Args: `{}`}}}),
			llmtest.Fixed(llmtest.Step{Text: "You have no budgets yet; create one on the budgets page."}))
		c := withModel(t, d, model.URL, 4)
		id := newConversation(t, c, f.admin)
		res := c.DoWith("POST", fmt.Sprintf("/api/v1/chatbot/conversations/%d/messages", id), f.admin,
			map[string]string{"content": "Am I over budget?"}, http.Header{"Accept": {"text/event-stream"}})
		if res.Status != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("%d %s", res.Status, res.Header.Get("Content-Type"))
		}
		var events []string
		var text strings.Builder
		var final answer
		sc := bufio.NewScanner(bytes.NewReader(res.Body))
		var event string
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				event = v
				events = append(events, v)
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok {
				switch event {
				case "text":
					var p struct{ Text string }
					_ = json.Unmarshal([]byte(v), &p)
					text.WriteString(p.Text)
				case "message":
					_ = json.Unmarshal([]byte(v), &final)
				}
			}
		}
		if len(events) < 3 || events[0] != "toolCall" || events[1] != "text" || events[len(events)-1] != "message" {
			t.Fatalf("events %v", events)
		}
		if text.String() != final.Content || final.ID == 0 || final.ToolCalls[0].Name != "budget_status" {
			t.Fatalf("streamed %q, final %+v", text.String(), final)
		}
	})
}

func TestConversationsBelongToTheirUserAndInputIsChecked(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		c := apptest.Serve(t, New(d)) // no model configured
		id := newConversation(t, c, f.viewer)
		path := fmt.Sprintf("/api/v1/chatbot/conversations/%d", id)
		for _, r := range []struct{ method, path string }{{"GET", path}, {"DELETE", path}, {"POST", path + "/messages"}} {
			if res := c.Do(r.method, r.path, f.other, map[string]string{"content": "hi"}); res.Status != http.StatusNotFound {
				t.Errorf("%s %s by another user: %d, want 404", r.method, r.path, res.Status)
			}
		}
		if res := c.Do("GET", "/api/v1/chatbot/conversations/999999", f.viewer, nil); res.Status != http.StatusNotFound {
			t.Errorf("unknown conversation: %d", res.Status)
		}
		for _, body := range []any{map[string]string{"content": "  "}, map[string]string{"content": strings.Repeat("长", 4001)}, map[string]int{"content": 3}} {
			if res := c.Do("POST", path+"/messages", f.viewer, body); res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), "content") {
				t.Errorf("bad body %v: %d %s", body, res.Status, res.Body)
			}
		}
		// Without a model the answer says so plainly, and how to configure one.
		res := c.Do("POST", path+"/messages", f.viewer, map[string]string{"content": "How much did we spend?"})
		var a answer
		res.JSON(t, &a)
		if res.Status != http.StatusOK || !strings.Contains(a.Content, "No language model is configured") || !strings.Contains(a.Content, "CLOUDLENS_LLM_API_KEY") {
			t.Fatalf("%d %+v", res.Status, a)
		}
		list := c.Do("GET", "/api/v1/chatbot/conversations", f.other, nil)
		if !strings.Contains(string(list.Body), `"items":[]`) {
			t.Fatalf("another user's list: %s", list.Body)
		}
		if res := c.Do("DELETE", path, f.viewer, nil); res.Status != http.StatusNoContent {
			t.Fatalf("delete: %d", res.Status)
		}
		if res := c.Do("GET", path, f.viewer, nil); res.Status != http.StatusNotFound {
			t.Fatalf("deleted conversation: %d", res.Status)
		}
	})
}
