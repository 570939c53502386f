package chatbot

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/cloudlens/cloudlens/functions/anomaly"
	"github.com/cloudlens/cloudlens/functions/anomalydetect"
	"github.com/cloudlens/cloudlens/functions/resources"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/llm/llmtest"
	"github.com/cloudlens/cloudlens/shared/savings/savingstest"
	"github.com/cloudlens/cloudlens/shared/store"
)

// findingsWorld is the simulator's bills with the anomalies detection finds in them and the
// idle findings of the simulated inventory: what the anomaly and resources APIs answer from.
type findingsWorld struct {
	fixture
	anomaly, resources *apptest.Client
	// An anomaly and a finding of the account the viewer may not see.
	hiddenAnomaly, hiddenFinding int64
}

func setupFindings(t *testing.T, d *app.Deps) findingsWorld {
	t.Helper()
	d.Now = func() time.Time { return now }
	o := costtest.Options{Seed: 4, Accounts: 2, Resources: 6, Now: now, Days: 120, Demo: []bool{true, true}}
	data := costtest.Load(t, d.Store, o)
	if _, err := anomalydetect.Run(t.Context(), d.Store, now, ""); err != nil {
		t.Fatal(err)
	}
	if n := savingstest.Findings(t, d.Store, o, data); n == 0 {
		t.Fatal("the idle rules found nothing in the simulated inventory")
	}
	w := findingsWorld{fixture: fixture{d: d, acc0: data.Accounts[0].ID, acc1: data.Accounts[1].ID},
		anomaly: apptest.Serve(t, anomaly.New(d)), resources: apptest.Serve(t, resources.New(d))}
	_, w.admin = apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
	var u auth.User
	u, w.viewer = apptest.User(t, d, "viewer@example.com", auth.RoleViewer, w.acc0)
	w.viewerID = u.ID
	hidden := account.Scope{IDs: []int64{w.acc1}}
	as, err := d.Store.ListAnomalies(t.Context(), hidden, store.AnomalyFilter{Limit: 1})
	if err != nil || len(as) == 0 {
		t.Fatalf("no anomaly in the second account (%v): the scope test needs one", err)
	}
	fs, err := d.Store.ListFindings(t.Context(), hidden, store.FindingFilter{Limit: 1}, now)
	if err != nil || len(fs) == 0 {
		t.Fatalf("no finding in the second account (%v): the scope test needs one", err)
	}
	w.hiddenAnomaly, w.hiddenFinding = as[0].ID, fs[0].ID
	return w
}

// toolResults are the results the model was sent, by the name of the tool called, in order.
func toolResults(req openai.ChatCompletionRequest) map[string][]string {
	names := map[string]string{}
	out := map[string][]string{}
	for _, m := range req.Messages {
		for _, tc := range m.ToolCalls {
			names[tc.ID] = tc.Function.Name
		}
		if m.Role == "tool" {
			out[names[m.ToolCallID]] = append(out[names[m.ToolCallID]], m.Content)
		}
	}
	return out
}

// toolError is the message of an error result.
func toolError(result string) string {
	var e struct{ Error string }
	_ = json.Unmarshal([]byte(result), &e)
	return e.Error
}

func TestAnomalyAndFindingToolsAnswerWithTheAPIsFigures(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		w := setupFindings(t, d)
		type anomalies struct {
			Items []struct {
				ID                            int64
				What, AccountName, Impact     string
				Currency, StartDate, Severity string
			}
			Total, More int
		}
		type detail struct {
			ID           int64
			Currency     string
			Contributors []struct{ Label, Delta string }
		}
		type findings struct {
			Totals []struct {
				Currency, MonthlySavings string
				Count                    int
			}
			Items []struct{ ResourceID, AccountName string }
		}
		type inventory struct {
			Items []struct{ ResourceID, Region, RegionID, MonthlyCost, Currency string }
		}
		model := llmtest.Start(t, nil,
			llmtest.Fixed(llmtest.Step{Calls: []llmtest.Call{
				{Name: "list_anomalies", Args: `{"limit":3}`},
				{Name: "idle_findings", Args: `{}`},
				{Name: "find_resources", Args: `{"type":"ecs"}`},
			}}),
			// The model asks for the detail of each anomaly listed …
			func(req openai.ChatCompletionRequest) llmtest.Step {
				var l anomalies
				if err := json.Unmarshal([]byte(toolResults(req)["list_anomalies"][0]), &l); err != nil || len(l.Items) == 0 {
					return llmtest.Step{Text: fmt.Sprint("no anomalies: ", toolResults(req)["list_anomalies"])}
				}
				var calls []llmtest.Call
				for _, a := range l.Items {
					calls = append(calls, llmtest.Call{Name: "anomaly_detail", Args: fmt.Sprintf(`{"id":%d}`, a.ID)})
				}
				return llmtest.Step{Calls: calls}
			},
			// … and words the largest, its first contributor (of the first anomaly that has
			// contributors), the savings and the first instance.
			func(req openai.ChatCompletionRequest) llmtest.Step {
				res := toolResults(req)
				var l anomalies
				var f findings
				var inv inventory
				for name, v := range map[string]any{"list_anomalies": &l, "idle_findings": &f, "find_resources": &inv} {
					if err := json.Unmarshal([]byte(res[name][0]), v); err != nil {
						return llmtest.Step{Text: name + " unreadable: " + res[name][0]}
					}
				}
				var dt detail
				for i, text := range res["anomaly_detail"] {
					if err := json.Unmarshal([]byte(text), &dt); err != nil {
						return llmtest.Step{Text: "anomaly_detail unreadable: " + text}
					}
					if len(dt.Contributors) > 0 {
						dt.ID, dt.Currency = l.Items[i].ID, l.Items[i].Currency
						break
					}
				}
				if len(l.Items) == 0 || len(dt.Contributors) == 0 || len(f.Totals) == 0 || len(inv.Items) == 0 {
					return llmtest.Step{Text: fmt.Sprintf("missing figures: %+v %+v %+v %+v", l, dt, f, inv)}
				}
				a, c, tot, r := l.Items[0], dt.Contributors[0], f.Totals[0], inv.Items[0]
				return llmtest.Step{Text: fmt.Sprintf("最大的异常 #%d（%s）影响 %s %s，主要来自 %s（%s %s）。闲置资源每月可省 %s %s，共 %d 项。ECS %s 位于 %s，近 30 天 %s %s。",
					a.ID, a.What, a.Currency, a.Impact, c.Label, dt.Currency, c.Delta, tot.Currency, tot.MonthlySavings, tot.Count,
					r.ResourceID, r.Region, r.Currency, r.MonthlyCost)}
			})
		ans := ask(t, withModel(t, d, model.URL, 5), w.viewer, "最近有什么异常？有哪些闲置资源？")
		var names []string
		for _, tc := range ans.ToolCalls {
			names = append(names, tc.Name)
			if tc.Error {
				t.Errorf("%s failed: %s", tc.Name, tc.Result)
			}
		}
		if len(names) < 4 || !slices.Equal(names[:4], []string{"list_anomalies", "idle_findings", "find_resources", "anomaly_detail"}) {
			t.Fatalf("tool calls %v", names)
		}
		var offered []string
		for _, tl := range model.Requests()[0].Tools {
			offered = append(offered, tl.Function.Name)
		}
		for _, want := range []string{"list_anomalies", "anomaly_detail", "idle_findings", "find_resources"} {
			if !slices.Contains(offered, want) {
				t.Fatalf("the model was offered %v, without %s", offered, want)
			}
		}

		// Every figure of the answer is the API's for the same viewer.
		var apiList struct {
			Items []struct {
				ID               int64
				Impact, Currency string
				AccountID        int64
			}
		}
		w.anomaly.Do("GET", "/api/v1/anomaly", w.viewer, nil).JSON(t, &apiList)
		if len(apiList.Items) == 0 {
			t.Fatal("the anomaly API shows the viewer no anomaly")
		}
		top := apiList.Items[0]
		var apiDetail struct {
			Currency     string
			Contributors []struct{ Label, Delta string }
		}
		for _, a := range apiList.Items[:min(3, len(apiList.Items))] {
			w.anomaly.Do("GET", fmt.Sprintf("/api/v1/anomaly/%d", a.ID), w.viewer, nil).JSON(t, &apiDetail)
			if len(apiDetail.Contributors) > 0 {
				break
			}
		}
		var apiFindings struct {
			Totals []struct {
				Currency, MonthlySavings string
				Count                    int
			}
			Items []struct{ AccountID int64 }
		}
		w.resources.Do("GET", "/api/v1/resources/findings", w.viewer, nil).JSON(t, &apiFindings)
		var apiInventory struct {
			Items []struct{ ResourceID, Region, MonthlyCost, Currency string }
		}
		w.resources.Do("GET", "/api/v1/resources?type=ecs", w.viewer, nil).JSON(t, &apiInventory)
		if len(apiDetail.Contributors) == 0 || len(apiFindings.Totals) == 0 || len(apiInventory.Items) == 0 {
			t.Fatalf("API answers: %+v %+v %+v", apiDetail, apiFindings, apiInventory)
		}
		for _, want := range []string{
			fmt.Sprintf("#%d", top.ID),
			fmt.Sprintf("影响 %s %s", top.Currency, top.Impact),
			fmt.Sprintf("（%s %s）", apiDetail.Currency, apiDetail.Contributors[0].Delta),
			fmt.Sprintf("每月可省 %s %s，共 %d 项", apiFindings.Totals[0].Currency, apiFindings.Totals[0].MonthlySavings, apiFindings.Totals[0].Count),
			fmt.Sprintf("ECS %s", apiInventory.Items[0].ResourceID),
			fmt.Sprintf("近 30 天 %s %s", apiInventory.Items[0].Currency, apiInventory.Items[0].MonthlyCost),
		} {
			if !strings.Contains(ans.Content, want) {
				t.Errorf("answer %q lacks %q", ans.Content, want)
			}
		}
		// Names, not codes: the account by its name, the region by its name.
		acc, err := d.Store.GetAccount(t.Context(), account.AllAccounts, w.acc0)
		if err != nil {
			t.Fatal(err)
		}
		var l anomalies
		_ = json.Unmarshal([]byte(ans.ToolCalls[0].Result), &l)
		var inv inventory
		_ = json.Unmarshal([]byte(ans.ToolCalls[2].Result), &inv)
		if len(l.Items) != min(3, len(apiList.Items)) || l.Total != len(apiList.Items) || l.More != l.Total-len(l.Items) ||
			l.Items[0].AccountName != acc.Name || !strings.Contains(l.Items[0].What, acc.Name) {
			t.Errorf("list_anomalies: %+v (the API lists %d, account %q)", l, len(apiList.Items), acc.Name)
		}
		for _, tc := range ans.ToolCalls[3:] {
			var dt struct {
				Contributors []struct{ Dimension, Key, Label string }
			}
			_ = json.Unmarshal([]byte(tc.Result), &dt)
			for _, c := range dt.Contributors {
				if c.Dimension == "region" && c.Label == c.Key {
					t.Errorf("anomaly_detail contributor %+v: want the region's name", c)
				}
			}
		}
		if r := inv.Items[0]; r.Region == r.RegionID || r.Region == "" || strings.Contains(ans.Content, "位于 "+r.RegionID) {
			t.Errorf("find_resources region %q (id %q): want its name", r.Region, r.RegionID)
		}
	})
}

func TestAnomalyAndFindingToolsKeepToTheCallersAccounts(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		w := setupFindings(t, d)
		calls := []struct{ name, args, want string }{
			// An account the viewer may not see: not found, whatever the way in.
			{"anomaly_detail", fmt.Sprintf(`{"id":%d}`, w.hiddenAnomaly), fmt.Sprintf("anomaly %d not found", w.hiddenAnomaly)},
			{"list_anomalies", fmt.Sprintf(`{"accountIds":[%d]}`, w.acc1), fmt.Sprintf("account %d not found", w.acc1)},
			{"idle_findings", fmt.Sprintf(`{"accountIds":[%d]}`, w.acc1), fmt.Sprintf("account %d not found", w.acc1)},
			{"find_resources", fmt.Sprintf(`{"accountIds":[%d]}`, w.acc1), fmt.Sprintf("account %d not found", w.acc1)},
			// Bad arguments: an error naming what is wrong.
			{"list_anomalies", `{"start":"2025-02-30"}`, `start "2025-02-30" is not a date`},
			{"list_anomalies", `{"start":"2025-03-10","end":"2025-03-01"}`, "end 2025-03-01 is before start 2025-03-10"},
			{"list_anomalies", `{"status":"closed"}`, `status "closed" is not one of open, acknowledged, resolved, dismissed`},
			{"list_anomalies", `{"limit":50}`, "limit must be between 1 and 20"},
			{"list_anomalies", `{"minImpact":"-3"}`, `minImpact "-3" is not a non-negative amount`},
			{"anomaly_detail", `{}`, "id is required"},
			{"anomaly_detail", `{"id":"seven"}`, "argument id must be a number"},
			{"idle_findings", `{"rule":"nosuch"}`, `rule "nosuch" is not a rule`},
			{"idle_findings", `{"status":"gone"}`, `status "gone" is not one of open, dismissed, snoozed, resolved`},
			{"idle_findings", `{"colour":"red"}`, `unknown argument "colour"`},
			{"find_resources", `{"type":"vm"}`, `type "vm" is not one of ecs`},
			{"find_resources", `{"tag":"=prod"}`, "tag must be key or key=value"},
			{"find_resources", `{"limit":0.5}`, "argument limit must be a number"},
		}
		var script []llmtest.Call
		for _, c := range calls {
			script = append(script, llmtest.Call{Name: c.name, Args: c.args})
		}
		// Then the viewer's own lists: nothing of the other account in them.
		script = append(script, llmtest.Call{Name: "list_anomalies", Args: `{"limit":20}`}, llmtest.Call{Name: "idle_findings", Args: `{"limit":20}`},
			llmtest.Call{Name: "find_resources", Args: `{"limit":20}`})
		model := llmtest.Start(t, nil, llmtest.Fixed(llmtest.Step{Calls: script}), llmtest.Fixed(llmtest.Step{Text: "That account is not one I can read."}))
		ans := ask(t, withModel(t, d, model.URL, 4), w.viewer, "What about the other account's anomalies?")
		if len(ans.ToolCalls) != len(script) {
			t.Fatalf("%d tool calls, want %d", len(ans.ToolCalls), len(script))
		}
		for i, c := range calls {
			got := ans.ToolCalls[i]
			if !got.Error || !strings.Contains(toolError(got.Result), c.want) {
				t.Errorf("%s %s: %s, want an error saying %q", c.name, c.args, got.Result, c.want)
			}
		}
		own := ans.ToolCalls[len(calls):]
		var l struct {
			Items []struct {
				ID        int64
				AccountID int64
			}
		}
		var f, r struct {
			Items []struct{ ID, AccountID int64 }
		}
		for i, v := range []any{&l, &f, &r} {
			if own[i].Error {
				t.Fatalf("%s: %s", own[i].Name, own[i].Result)
			}
			if err := json.Unmarshal([]byte(own[i].Result), v); err != nil {
				t.Fatal(err)
			}
		}
		if len(l.Items) == 0 || len(f.Items) == 0 || len(r.Items) == 0 {
			t.Fatalf("the viewer's own lists are empty: %d anomalies, %d findings, %d resources", len(l.Items), len(f.Items), len(r.Items))
		}
		for _, x := range append(append(l.Items, f.Items...), r.Items...) {
			if x.AccountID != w.acc0 || x.ID == w.hiddenAnomaly && x.AccountID == w.acc1 {
				t.Errorf("the viewer saw %+v of account %d", x, x.AccountID)
			}
		}
		// The loop went on after every error: the model answered.
		if ans.Content != "That account is not one I can read." || len(model.Requests()) != 2 {
			t.Fatalf("content %q after %d model calls", ans.Content, len(model.Requests()))
		}
	})
}
