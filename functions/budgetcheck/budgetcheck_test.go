package budgetcheck_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/cloudlens/cloudlens/shared/billing"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/budgetcheck"
	"github.com/cloudlens/cloudlens/functions/jobs"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/budget"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/notify"
	"github.com/cloudlens/cloudlens/shared/store"
)

var now = time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)

// recorder is a webhook receiver that keeps every body it accepted.
type recorder struct {
	mu     sync.Mutex
	bodies []map[string]any
}

func (rc *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	rc.mu.Lock()
	rc.bodies = append(rc.bodies, m)
	rc.mu.Unlock()
}

func (rc *recorder) keys() map[string]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	out := map[string]int{}
	for _, b := range rc.bodies {
		data, _ := b["data"].(map[string]any)
		out[fmt.Sprintf("%v:%v", data["basis"], data["percent"])]++
	}
	return out
}

// dispatch delivers what is pending, as the alertdispatch job does.
func dispatch(t *testing.T, s *store.Store) {
	t.Helper()
	d := notify.Dispatcher{Outbox: s, Sender: notify.NewNotifier(notify.Guard{Local: true}, 5*time.Second, nil)}
	if _, err := d.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
}

// waitRun waits for run id to finish.
func waitRun(t *testing.T, s *store.Store, id int64) job.Run {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r, err := s.GetJobRun(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.FinishedAt != nil {
			return r
		}
		if time.Now().After(deadline) {
			t.Fatalf("run %d still %s", id, r.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestBudgetBelowSpendAlertsOncePerThreshold(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		ctx := t.Context()
		d.Now = func() time.Time { return now }
		d.Invoke = apptest.Invoker(t, d, map[string]http.Handler{app.FunctionName(budgetcheck.Name): budgetcheck.New(d)})
		data := costtest.Load(t, d.Store, costtest.Options{Seed: 4, Accounts: 1, Resources: 6, Now: now, Days: 90})
		_, admin := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
		api := apptest.Serve(t, jobs.New(d))

		rec := &recorder{}
		srv := httptest.NewServer(rec)
		t.Cleanup(srv.Close)
		ch := alert.Channel{Type: alert.ChannelWebhook, Name: "hook", URL: srv.URL + "/hook", Language: alert.LanguageEn}
		if err := d.Store.CreateChannel(ctx, &ch); err != nil {
			t.Fatal(err)
		}
		if err := d.Store.CreateRule(ctx, &alert.Rule{Name: "budgets", Kind: alert.KindBudget, Enabled: true, ChannelIDs: []int64{ch.ID}}); err != nil {
			t.Fatal(err)
		}

		// Month to date (14 days) spent S; the budget allows S × 0.9: 50, 80 and 100 % actual
		// are crossed, 120 % actual is not, and the forecast crosses 100 %.
		var spent money.Micros
		for _, li := range data.Items {
			if li.ChargeDate >= "2025-03-01" && li.ChargeDate <= "2025-03-14" && li.Currency == "CNY" {
				spent += li.BilledCost
			}
		}
		b := budget.Budget{Name: "all", Period: budget.Month, Amount: spent * 9 / 10, Currency: "CNY", AllAccounts: true,
			Thresholds: []budget.Threshold{{Percent: 50, Basis: budget.Actual}, {Percent: 80, Basis: budget.Actual},
				{Percent: 100, Basis: budget.Actual}, {Percent: 120, Basis: budget.Actual}, {Percent: 100, Basis: budget.Forecast}}}
		if err := d.Store.CreateBudget(ctx, &b); err != nil {
			t.Fatal(err)
		}

		runNow := func() job.Run {
			res := api.Do(http.MethodPost, "/api/v1/jobs/budgetcheck/run", admin, nil)
			if res.Status != http.StatusAccepted {
				t.Fatalf("run now: %d %s", res.Status, res.Body)
			}
			var out struct{ RunID int64 }
			res.JSON(t, &out)
			return waitRun(t, d.Store, out.RunID)
		}
		for i := range 3 { // reruns neither raise nor deliver again
			r := runNow()
			if r.Status != job.Succeeded || r.Items != 1 {
				t.Fatalf("run %d: %+v", i, r)
			}
			dispatch(t, d.Store)
		}
		want := map[string]int{"actual:50": 1, "actual:80": 1, "actual:100": 1, "forecast:100": 1}
		if got := rec.keys(); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("delivered %v, want %v", got, want)
		}
		alerts, err := d.Store.ListAlerts(ctx, store.AlertFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(alerts) != 4 {
			t.Fatalf("%d alerts, want 4", len(alerts))
		}
		for _, a := range alerts {
			if a.State != alert.StateFiring || len(a.Deliveries) != 1 || a.Deliveries[0].Status != alert.DeliverySent {
				t.Errorf("alert %s: state %s deliveries %+v", a.DedupKey, a.State, a.Deliveries)
			}
		}
		kept, _ := d.Store.GetBudget(ctx, account.AllAccounts, b.ID)
		if kept.Last == nil || kept.Last.Spent != spent {
			t.Errorf("kept status %+v, want spent %s", kept.Last, spent)
		}

		// Spend falls back under the thresholds (here: the amount is raised, as after a
		// refund the spend would fall): the alerts resolve and nothing more is sent.
		b.Amount = spent * 10
		if err := d.Store.UpdateBudget(ctx, &b); err != nil {
			t.Fatal(err)
		}
		if r := runNow(); r.Status != job.Succeeded {
			t.Fatalf("run after raise: %+v", r)
		}
		alerts, _ = d.Store.ListAlerts(ctx, store.AlertFilter{})
		for _, a := range alerts {
			if a.State != alert.StateResolved || a.ResolvedAt == nil {
				t.Errorf("alert %s: state %s, want resolved", a.DedupKey, a.State)
			}
		}

		// The jobs API shows the runs.
		res := api.Do(http.MethodGet, "/api/v1/jobs/budgetcheck/runs", admin, nil)
		var runs struct {
			Items []struct{ Status, Trigger string }
		}
		res.JSON(t, &runs)
		if len(runs.Items) != 4 || runs.Items[0].Status != job.Succeeded || runs.Items[0].Trigger != job.TriggerManual {
			t.Errorf("runs = %s", res.Body)
		}
		res = api.Do(http.MethodGet, "/api/v1/jobs", admin, nil)
		var list struct {
			Items []struct {
				Name, Schedule string
				LastRun        *struct{ Status string }
			}
		}
		res.JSON(t, &list)
		found := false
		for _, j := range list.Items {
			if j.Name == "budgetcheck" && j.Schedule != "" && j.LastRun != nil && j.LastRun.Status == job.Succeeded {
				found = true
			}
		}
		if !found {
			t.Errorf("jobs list = %s", res.Body)
		}
	})
}

func TestJobsAPIRefusals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		api := apptest.Serve(t, jobs.New(d))
		_, admin := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
		_, editor := apptest.User(t, d, "editor@example.com", auth.RoleEditor)
		tests := []struct {
			name, method, path, token string
			code                      int
		}{
			{"editor may not list", http.MethodGet, "/api/v1/jobs", editor, 403},
			{"editor may not run", http.MethodPost, "/api/v1/jobs/budgetcheck/run", editor, 403},
			{"unknown job", http.MethodPost, "/api/v1/jobs/nosuch/run", admin, 404},
			{"job not startable here", http.MethodPost, "/api/v1/jobs/budgetcheck/run", admin, 503},
			{"bad limit", http.MethodGet, "/api/v1/jobs/budgetcheck/runs?limit=0", admin, 400},
			{"anonymous", http.MethodGet, "/api/v1/jobs", "", 401},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if res := api.Do(tt.method, tt.path, tt.token, nil); res.Status != tt.code {
					t.Errorf("%s %s: %d, want %d: %s", tt.method, tt.path, res.Status, tt.code, res.Body)
				}
			})
		}
		// The run that could not start is recorded as failed, not left queued.
		runs, err := d.Store.ListJobRuns(t.Context(), "budgetcheck", 5)
		if err != nil || len(runs) != 1 || runs[0].Status != job.Failed {
			t.Errorf("runs after a failed start = %+v %v", runs, err)
		}
	})
}
