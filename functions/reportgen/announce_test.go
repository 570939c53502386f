package reportgen_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/alertdispatch"
	"github.com/cloudlens/cloudlens/functions/alerts"
	"github.com/cloudlens/cloudlens/functions/jobs"
	"github.com/cloudlens/cloudlens/functions/reportgen"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/job"
)

// hook is a webhook endpoint on loopback that keeps what it was sent.
type hook struct {
	mu     sync.Mutex
	bodies []string
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	h.bodies = append(h.bodies, string(b))
	h.mu.Unlock()
}

func (h *hook) received() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...)
}

// waitRun waits for run id to end and returns it.
func waitRun(t *testing.T, d *app.Deps, id int64) job.Run {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		r, err := d.Store.GetJobRun(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if r.Status != job.Queued && r.Status != job.Running {
			return r
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("run %d did not end", id)
	return job.Run{}
}

func TestRunNowForAMonthAnnouncesItThroughTheAlertChannels(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		now := time.Date(2025, 3, 10, 9, 0, 0, 0, billing.Shanghai)
		d.Now = func() time.Time { return now }
		d.Config.PublicURL = "https://cloudlens.example.com"
		costtest.Load(t, d.Store, costtest.Options{Seed: 5, Accounts: 2, Resources: 4, Now: now, Days: 75})
		d.Invoke = apptest.Invoker(t, d, map[string]http.Handler{
			app.FunctionName(reportgen.Name): reportgen.New(d), app.FunctionName("alertdispatch"): alertdispatch.New(d)})
		_, admin := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)

		// A webhook channel and a rule of the report kind route the announcement.
		rec := &hook{}
		srv := httptest.NewServer(rec)
		t.Cleanup(srv.Close)
		al := apptest.Serve(t, alerts.New(d))
		res := al.Do("POST", "/api/v1/alerts/channels", admin, map[string]any{"type": "webhook", "name": "finance", "url": srv.URL + "/hook", "language": "en"})
		if res.Status != http.StatusCreated {
			t.Fatalf("channel: %d %s", res.Status, res.Body)
		}
		var ch struct{ ID int64 }
		res.JSON(t, &ch)
		if res := al.Do("POST", "/api/v1/alerts/rules", admin, map[string]any{"name": "monthly reports", "kind": "report", "channelIds": []int64{ch.ID}}); res.Status != http.StatusCreated {
			t.Fatalf("rule: %d %s", res.Status, res.Body)
		}

		api := apptest.Serve(t, jobs.New(d))
		for _, bad := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"month": "2025-13"}, "month"},
			{map[string]any{"month": "2031-01"}, "month"},
			{map[string]any{"month": 202501}, "month"},
			{map[string]any{"monthh": "2025-01"}, "monthh"},
		} {
			res := api.Do("POST", "/api/v1/jobs/reportgen/run", admin, bad.body)
			if res.Status != http.StatusBadRequest || !strings.Contains(string(res.Body), bad.field) {
				t.Errorf("%v: %d %s", bad.body, res.Status, res.Body)
			}
		}
		if res := api.Do("POST", "/api/v1/jobs/budgetcheck/run", admin, map[string]any{"month": "2025-01"}); res.Status != http.StatusBadRequest {
			t.Errorf("a job without parameters took one: %d %s", res.Status, res.Body)
		}

		runNow := func(month string) job.Run {
			t.Helper()
			res := api.Do("POST", "/api/v1/jobs/reportgen/run", admin, map[string]any{"month": month})
			if res.Status != http.StatusAccepted {
				t.Fatalf("run now %s: %d %s", month, res.Status, res.Body)
			}
			var out struct{ RunID int64 }
			res.JSON(t, &out)
			return waitRun(t, d, out.RunID)
		}
		run := runNow("2025-01")
		if run.Status != job.Succeeded || !strings.Contains(run.Message, "of 2025-01 made, summary queued for 1 channels") || run.Params != `{"month":"2025-01"}` {
			t.Fatalf("%+v", run)
		}
		reports, err := d.Store.ListReports(t.Context(), account.AllAccounts, 10)
		if err != nil || len(reports) != 1 || reports[0].Month != "2025-01" {
			t.Fatalf("%+v %v", reports, err)
		}
		link := "https://cloudlens.example.com/reports/?download=" + jsonInt(reports[0].ID)
		deadline := time.Now().Add(30 * time.Second)
		for len(rec.received()) == 0 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		got := rec.received()
		if len(got) != 1 {
			t.Fatalf("the webhook got %d messages", len(got))
		}
		var msg struct {
			Kind, Title, Text, URL string
			Data                   struct {
				ReportID int64
				Month    string
			}
		}
		if err := json.Unmarshal([]byte(got[0]), &msg); err != nil {
			t.Fatal(err)
		}
		_, en, _ := strings.Cut(reports[0].Summary, "\n")
		if msg.Kind != "report" || msg.Title != "CloudLens cost report 2025-01 is ready" || msg.URL != link ||
			!strings.Contains(msg.Text, en) || !strings.Contains(msg.Text, link) || msg.Data.ReportID != reports[0].ID || msg.Data.Month != "2025-01" {
			t.Fatalf("webhook message %s", got[0])
		}

		// The same month again makes nothing and sends nothing.
		run = runNow("2025-01")
		if run.Status != job.Succeeded || !strings.Contains(run.Message, "exists") {
			t.Fatalf("%+v", run)
		}
		// The monthly timer makes last month's, announced once more, separately.
		if err := reportgen.Job(d)(t.Context(), fcx.TimerEvent{}); err != nil {
			t.Fatal(err)
		}
		reports, _ = d.Store.ListReports(t.Context(), account.AllAccounts, 10)
		if len(reports) != 2 || reports[0].Month != "2025-02" {
			t.Fatalf("%+v", reports)
		}
		deadline = time.Now().Add(30 * time.Second)
		for len(rec.received()) < 2 && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond)
		if got := rec.received(); len(got) != 2 || !strings.Contains(got[1], "2025-02") {
			t.Fatalf("after the timer the webhook got %d messages: %v", len(got), got)
		}
	})
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
