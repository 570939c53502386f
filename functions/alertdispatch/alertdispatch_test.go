package alertdispatch

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/alerts"
	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/job"
)

// receiver is a webhook endpoint on loopback that answers with a fixed status and keeps what
// it was sent.
type receiver struct {
	mu     sync.Mutex
	bodies [][]byte
	heads  []http.Header
	url    string
}

func receive(t *testing.T, status int, answer string) *receiver {
	t.Helper()
	rc := &receiver{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.bodies, rc.heads = append(rc.bodies, b), append(rc.heads, r.Header.Clone())
		rc.mu.Unlock()
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	t.Cleanup(srv.Close)
	rc.url = srv.URL
	return rc
}

func (rc *receiver) count() int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return len(rc.bodies)
}

type fixture struct {
	d      *app.Deps
	api    *apptest.Client
	user   auth.User
	editor string
	now    time.Time
}

func (f *fixture) channel(t *testing.T, body map[string]any) int64 {
	t.Helper()
	res := f.api.Do(http.MethodPost, "/api/v1/alerts/channels", f.editor, body)
	if res.Status != http.StatusCreated {
		t.Fatalf("channel %v: %d %s", body, res.Status, res.Body)
	}
	var out struct{ ID int64 }
	res.JSON(t, &out)
	return out.ID
}

// raise raises a budget alert routed by the stored rules, as budgetcheck does.
func (f *fixture) raise(t *testing.T, key string) alert.Alert {
	t.Helper()
	ctx := context.Background()
	rules, err := f.d.Store.ListRules(ctx, alert.KindBudget)
	if err != nil {
		t.Fatal(err)
	}
	a := alert.Alert{Kind: alert.KindBudget, Severity: alert.SeverityCritical, Title: "Budget exceeded", TitleZh: "预算已超支",
		Text: "Spent 1200.00 of 1000.00", DedupKey: key, BudgetID: 7, Data: json.RawMessage(`{"budgetId":7}`)}
	a.Deliveries = alert.Route(rules, a, f.now)
	raised, err := f.d.Store.RaiseAlerts(ctx, f.now, nil, a)
	if err != nil || len(raised) != 1 {
		t.Fatalf("raise: %v %v", raised, err)
	}
	return raised[0]
}

type historyItem struct {
	ID         int64
	State      string
	Deliveries []struct {
		ChannelID int64
		Status    string
		Attempts  int
		LastError string
		SentAt    *time.Time
	}
}

func (f *fixture) history(t *testing.T, id int64) historyItem {
	t.Helper()
	// The test's clock moves past the access token's life: sign in again.
	in, err := f.d.StartSession(t.Context(), f.user)
	if err != nil {
		t.Fatal(err)
	}
	res := f.api.Do(http.MethodGet, fmt.Sprintf("/api/v1/alerts/%d", id), in.AccessToken, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("history: %d %s", res.Status, res.Body)
	}
	var it historyItem
	res.JSON(t, &it)
	return it
}

func setup(t *testing.T, d *app.Deps) *fixture {
	f := &fixture{d: d, api: apptest.Serve(t, alerts.New(d)), now: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)}
	d.Now = func() time.Time { return f.now }
	f.user, f.editor = apptest.User(t, d, "editor@example.com", auth.RoleEditor)
	return f
}

func TestDeliveredOnceRetriedThenFailed(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		ctx := context.Background()
		const secret = "whsec-3f9a0c"
		hook := receive(t, http.StatusOK, "received")
		down := receive(t, http.StatusBadGateway, "upstream robot gateway unavailable")
		hookID := f.channel(t, map[string]any{"type": "webhook", "name": "hook", "url": hook.url + "/cloudlens", "secret": secret, "language": "en"})
		downID := f.channel(t, map[string]any{"type": "wecom", "name": "wecom", "url": down.url + "/cgi-bin/webhook/send?key=k1"})
		res := f.api.Do(http.MethodPost, "/api/v1/alerts/rules", f.editor, map[string]any{"name": "all budgets", "kind": "budget", "channelIds": []int64{hookID, downID}})
		if res.Status != http.StatusCreated {
			t.Fatalf("rule: %d %s", res.Status, res.Body)
		}
		a := f.raise(t, "budget:7:2026-12-01:actual:100")
		if len(a.Deliveries) != 2 {
			t.Fatalf("routed to %d channels, want 2", len(a.Deliveries))
		}

		timer := Job(d)
		run := func() {
			t.Helper()
			if err := timer(ctx, fcx.TimerEvent{}); err != nil {
				t.Fatalf("run at %s: %v", f.now, err)
			}
		}
		run()
		run() // nothing is due: the second run sends nothing again
		if hook.count() != 1 || down.count() != 1 {
			t.Fatalf("after two runs: hook got %d, down got %d; want 1 and 1", hook.count(), down.count())
		}

		// The webhook request follows the pinned contract and is signed.
		body, head := hook.bodies[0], hook.heads[0]
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte(head.Get("X-CloudLens-Timestamp") + "."))
		mac.Write(body)
		if want := "sha256=" + hex.EncodeToString(mac.Sum(nil)); head.Get("X-CloudLens-Signature") != want {
			t.Errorf("signature %q, want %q", head.Get("X-CloudLens-Signature"), want)
		}
		var got struct {
			ID              int64
			Kind, State     string
			Severity, Title string
			Data            map[string]int
		}
		if err := json.Unmarshal(body, &got); err != nil || got.ID != a.ID || got.Kind != "budget" || got.State != "firing" ||
			got.Severity != "critical" || got.Title != "Budget exceeded" || got.Data["budgetId"] != 7 {
			t.Errorf("webhook body = %s (%v)", body, err)
		}

		it := f.history(t, a.ID)
		byChannel := map[int64]int{}
		for i, dl := range it.Deliveries {
			byChannel[dl.ChannelID] = i
		}
		sent, failing := it.Deliveries[byChannel[hookID]], it.Deliveries[byChannel[downID]]
		if sent.Status != "sent" || sent.Attempts != 1 || sent.SentAt == nil || !sent.SentAt.Equal(f.now) || sent.LastError != "" {
			t.Errorf("hook delivery = %+v", sent)
		}
		if failing.Status != "pending" || failing.Attempts != 1 || !strings.Contains(failing.LastError, "HTTP 502") ||
			!strings.Contains(failing.LastError, "upstream robot gateway unavailable") {
			t.Errorf("down delivery after one attempt = %+v", failing)
		}

		// Retried after 1, 5 and 30 minutes, then failed for good with the reason kept.
		for i, wait := range alert.RetrySchedule {
			f.now = f.now.Add(wait - time.Second)
			run()
			if down.count() != i+1 {
				t.Fatalf("retry %d sent %s early", i+1, time.Second)
			}
			f.now = f.now.Add(time.Second)
			run()
			if down.count() != i+2 {
				t.Fatalf("after waiting %s: down got %d requests, want %d", wait, down.count(), i+2)
			}
		}
		f.now = f.now.Add(24 * time.Hour)
		run()
		it = f.history(t, a.ID)
		failing = it.Deliveries[byChannel[downID]]
		if down.count() != 4 || failing.Status != "failed" || failing.Attempts != 4 || !strings.Contains(failing.LastError, "upstream robot gateway unavailable") {
			t.Errorf("down delivery at the end = %+v after %d requests", failing, down.count())
		}
		if hook.count() != 1 || it.Deliveries[byChannel[hookID]].Status != "sent" {
			t.Errorf("hook got %d requests, want exactly 1", hook.count())
		}

		runs, err := d.Store.ListJobRuns(ctx, Name, 20)
		if err != nil || len(runs) != 9 {
			t.Fatalf("runs = %d %v", len(runs), err)
		}
		if r := runs[len(runs)-1]; r.Status != job.Succeeded || r.Items != 2 || r.Message != "1 delivered, 1 to be retried, 0 failed" {
			t.Errorf("first run = %+v", r)
		}
	})
}

func TestStartedAfterAlertsAreRaised(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		ctx := context.Background()
		hook := receive(t, http.StatusOK, "ok")
		id := f.channel(t, map[string]any{"type": "webhook", "name": "hook", "url": hook.url})
		if res := f.api.Do(http.MethodPost, "/api/v1/alerts/rules", f.editor, map[string]any{"name": "r", "kind": "budget", "channelIds": []int64{id}}); res.Status != http.StatusCreated {
			t.Fatalf("rule: %d %s", res.Status, res.Body)
		}

		// On Function Compute: a signed invocation of the function's HTTP trigger.
		d.Config.JWTSecret = "internal-invocation-secret-0123456789"
		trigger := httptest.NewServer(New(d))
		t.Cleanup(trigger.Close)
		// On Function Compute: a signed asynchronous invocation of the trigger URL.
		d.Invoke = func(ctx context.Context, function string, payload any) error {
			if function != app.FunctionName(Name) {
				t.Errorf("invoked %s", function)
			}
			return fcx.InvokeAsync(ctx, nil, trigger.URL, d.InvocationKey, payload)
		}
		unsigned, err := http.Post(trigger.URL, "application/json", strings.NewReader(`{"job":"alertdispatch","runId":1}`))
		if err != nil {
			t.Fatal(err)
		}
		unsigned.Body.Close()
		if unsigned.StatusCode != http.StatusUnauthorized {
			t.Errorf("unsigned trigger = %d", unsigned.StatusCode)
		}
		f.raise(t, "budget:7:2026-12-01:actual:80")
		d.Chain(ctx, Name) // the test server answers when the run is done
		if hook.count() != 1 {
			t.Fatalf("after the signed start: hook got %d, want 1", hook.count())
		}

		// Locally: in process, without waiting for the run.
		d.Invoke = apptest.Invoker(t, d, map[string]http.Handler{app.FunctionName(Name): New(d)})
		f.raise(t, "budget:7:2026-12-01:actual:100")
		d.Chain(ctx, Name)
		deadline := time.Now().Add(10 * time.Second)
		for hook.count() < 2 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		if hook.count() != 2 {
			t.Fatalf("after the local start: hook got %d, want 2", hook.count())
		}
		// Wait for the run's record, so the test's database outlives it.
		for time.Now().Before(deadline) {
			runs, err := d.Store.ListJobRuns(ctx, Name, 10)
			if err == nil && len(runs) == 2 && runs[0].Status == job.Succeeded {
				if runs[0].Trigger != job.TriggerManual && runs[0].Trigger != job.TriggerChain {
					t.Errorf("local run trigger = %q", runs[0].Trigger)
				}
				return
			}
			time.Sleep(20 * time.Millisecond)
		}
		t.Fatal("the local run was not recorded as succeeded")
	})
}
