package billingsync

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cache/cachetest"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/metrics"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// clock is a movable simulated "now" shared by the world, the server and the sync.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type env struct {
	d     *app.Deps
	clock *clock
	world *aliyunsim.World
	sim   *aliyunsim.Server
	addr  string
	accs  []account.Account // CloudLens accounts, in world order
	uids  map[int64]string  // CloudLens id → simulator uid
}

type envOptions struct {
	accounts, resources int
	now                 string // Asia/Shanghai "2006-01-02 15:04"
	months              int
	simQPS              float64
	clientQPS           float64
	proxy               func(target string) string // optional: returns the address the client uses
}

func newEnv(t *testing.T, d *app.Deps, o envOptions) *env { return newEnvTB(t, d, o) }

func newEnvTB(t testing.TB, d *app.Deps, o envOptions) *env {
	t.Helper()
	start, err := time.ParseInLocation("2006-01-02 15:04", o.now, billing.Shanghai)
	if err != nil {
		t.Fatal(err)
	}
	c := &clock{t: start}
	w := aliyunsim.NewWorld(aliyunsim.Config{Seed: 7, Accounts: o.accounts, Resources: o.resources, Now: c.Now})
	sim := aliyunsim.NewServer(w, aliyunsim.ServerOptions{QPS: o.simQPS, Now: c.Now})
	addr, err := sim.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	target := addr
	if o.proxy != nil {
		target = o.proxy(addr)
	}
	if o.clientQPS == 0 {
		o.clientQPS = 1000
	}
	d.Sim = aliyun.NewFactory(aliyun.Options{Endpoint: target, Insecure: true, QPS: o.clientQPS,
		Backoff: func(int) time.Duration { return 5 * time.Millisecond }}, d.Log)
	d.Now = c.Now
	d.Config.BackfillMonths = o.months
	e := &env{d: d, clock: c, world: w, sim: sim, addr: addr, uids: map[int64]string{}}
	for _, sa := range w.Accounts() {
		e.addAccount(t, sa, sa.AccessKeySecret)
	}
	return e
}

func (e *env) addAccount(t testing.TB, sa aliyunsim.Account, secret string) account.Account {
	t.Helper()
	a := account.Account{Name: "Demo · " + sa.Name, UID: sa.UID, Site: account.Site(sa.Site), AuthType: account.AuthAccessKey,
		AccessKeyID: sa.AccessKeyID, Demo: true, Status: account.StatusNew}
	if err := e.d.SealSecret(&a, secret); err != nil {
		t.Fatal(err)
	}
	if err := e.d.Store.CreateAccount(context.Background(), &a); err != nil {
		t.Fatal(err)
	}
	e.accs = append(e.accs, a)
	e.uids[a.ID] = sa.UID
	return a
}

// key of a stored or expected total.
type key struct {
	account int64
	day     string
	product string
}

func dateString(v any) string {
	switch x := v.(type) {
	case time.Time:
		return x.Format(time.DateOnly)
	case []byte:
		return string(x)
	case string:
		return x
	}
	return fmt.Sprint(v)
}

// stored sums billed cost per account, day and product from table (cost_line_items or cost_daily).
func stored(t *testing.T, s *store.Store, table string) map[key]int64 {
	t.Helper()
	rows, err := s.DB().Query("SELECT account_id, charge_date, service_code, SUM(billed_cost) FROM " + table +
		" GROUP BY account_id, charge_date, service_code")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[key]int64{}
	for rows.Next() {
		var k key
		var day any
		var sum int64
		if err := rows.Scan(&k.account, &day, &k.product, &sum); err != nil {
			t.Fatal(err)
		}
		k.day = dateString(day)
		out[k] = sum
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// truth is the simulator's DayTotals for every account and day of the window, as of now.
func (e *env) truth(t *testing.T) map[key]int64 {
	t.Helper()
	w := billing.Plan(e.clock.Now(), e.d.Config.BackfillMonths, nil)
	out := map[key]int64{}
	for _, a := range e.accs {
		for _, day := range w.Fetch {
			d, _ := time.ParseInLocation(time.DateOnly, day, billing.Shanghai)
			for product, sum := range e.world.DayTotals(e.uids[a.ID], d, e.clock.Now()) {
				out[key{a.ID, day, product}] = sum
			}
		}
	}
	return out
}

func compare(t *testing.T, what string, got, want map[key]int64) {
	t.Helper()
	if len(want) == 0 {
		t.Fatalf("%s: the simulator has no bills in the window", what)
	}
	bad := 0
	for k, v := range want {
		if got[k] != v {
			bad++
			if bad <= 5 {
				t.Errorf("%s: %+v = %d, want %d", what, k, got[k], v)
			}
		}
	}
	for k, v := range got {
		if _, ok := want[k]; !ok && v != 0 {
			bad++
			if bad <= 5 {
				t.Errorf("%s: %+v = %d, not in the bill", what, k, v)
			}
		}
	}
	if bad > 0 {
		t.Fatalf("%s: %d of %d totals differ", what, bad, len(want))
	}
}

type counts struct{ items, tagged, tags, tagSets, daily, days int64 }

func count(t *testing.T, s *store.Store) counts {
	t.Helper()
	var c counts
	for _, q := range []struct {
		sql string
		dst *int64
	}{
		{"SELECT COUNT(*) FROM cost_line_items", &c.items},
		{"SELECT COUNT(*) FROM cost_line_items WHERE tag_set_id <> 0", &c.tagged},
		{"SELECT COUNT(*) FROM cost_tag_set_tags", &c.tags},
		{"SELECT COUNT(*) FROM cost_tag_sets", &c.tagSets},
		{"SELECT COUNT(*) FROM cost_daily", &c.daily},
		{"SELECT COUNT(*) FROM sync_days", &c.days},
	} {
		if err := s.DB().QueryRow(q.sql).Scan(q.dst); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func runs(t *testing.T, d *app.Deps, accountID int64) []store.SyncRun {
	t.Helper()
	rs, err := d.Store.ListSyncRuns(context.Background(), accountID, 100)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestSyncMatchesSimulatorAndIsIdempotent(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		e := newEnv(t, d, envOptions{accounts: 3, resources: 6, now: "2026-03-12 10:00", months: 1})
		ctx := t.Context()
		if err := Job(d)(ctx, fcxEvent()); err != nil {
			t.Fatal(err)
		}
		compare(t, "line items", stored(t, d.Store, "cost_line_items"), e.truth(t))
		compare(t, "daily roll-up", stored(t, d.Store, "cost_daily"), e.truth(t))
		first := count(t, d.Store)
		if first.items == 0 || first.tagged == 0 || first.tags == 0 || first.days != 3*(28+11) {
			t.Fatalf("after the first run: %+v", first)
		}
		for _, a := range e.accs {
			acc, _ := d.Store.GetAccount(ctx, account.AllAccounts, a.ID)
			if acc.Status != account.StatusOK || acc.LastSyncAt == nil {
				t.Fatalf("account %d after sync: %s %q", a.ID, acc.Status, acc.StatusMessage)
			}
			r := runs(t, d, a.ID)
			if len(r) != 1 || r[0].Status != store.SyncSucceeded || r[0].WindowStart != "2026-02-01" || r[0].WindowEnd != "2026-03-11" ||
				r[0].Days != 39 || r[0].Pages < 39 || r[0].Rows == 0 || r[0].FinishedAt == nil || r[0].Trigger != job.TriggerTimer {
				t.Fatalf("run of account %d: %+v", a.ID, r)
			}
		}
		ver, err := d.Cache.Version(ctx, cost.CacheNamespace)
		if err != nil || ver == 0 {
			t.Fatalf("costs cache version = %d, %v", ver, err)
		}

		// A second run the same day re-fetches only the open month and changes nothing.
		if err := Job(d)(ctx, fcxEvent()); err != nil {
			t.Fatal(err)
		}
		if again := count(t, d.Store); again != first {
			t.Fatalf("second run changed the tables: %+v, was %+v", again, first)
		}
		compare(t, "line items after a second run", stored(t, d.Store, "cost_line_items"), e.truth(t))
		if r := runs(t, d, e.accs[0].ID); len(r) != 2 || r[0].Days != 11 || r[0].Rows == 0 || r[0].Deleted != 0 {
			t.Fatalf("second run: %+v", r[0])
		}

		// Three days later the provisional figures of recent days have been corrected upstream.
		before := stored(t, d.Store, "cost_line_items")
		e.clock.Add(72 * time.Hour)
		if err := Job(d)(ctx, fcxEvent()); err != nil {
			t.Fatal(err)
		}
		after := stored(t, d.Store, "cost_line_items")
		compare(t, "line items after corrections", after, e.truth(t))
		compare(t, "daily roll-up after corrections", stored(t, d.Store, "cost_daily"), e.truth(t))
		changed := 0
		for k, v := range before {
			if after[k] != v {
				changed++
			}
		}
		if changed == 0 {
			t.Fatal("no figure changed three days later: corrections were not exercised")
		}
	})
}

func TestResumeAfterCancelGivesSameTotals(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		e := newEnv(t, d, envOptions{accounts: 1, resources: 40, now: "2026-03-12 10:00", months: 1, clientQPS: 200})
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			for ctx.Err() == nil {
				if e.sim.Stats().Requests["DescribeInstanceBill"] >= 20 {
					cancel()
					return
				}
				time.Sleep(time.Millisecond)
			}
		}()
		if err := Job(d)(ctx, fcxEvent()); err == nil {
			t.Fatal("a cancelled run reported success")
		}
		cancel()
		partial := count(t, d.Store)
		if partial.days >= 39 {
			t.Fatalf("the run was not cut short: %+v", partial)
		}
		if err := Job(d)(t.Context(), fcxEvent()); err != nil {
			t.Fatal(err)
		}
		compare(t, "line items after resume", stored(t, d.Store, "cost_line_items"), e.truth(t))
		compare(t, "daily roll-up after resume", stored(t, d.Store, "cost_daily"), e.truth(t))
		r := runs(t, d, e.accs[0].ID)
		if len(r) != 2 || r[0].Status != store.SyncSucceeded || r[1].Status != store.SyncFailed || !strings.HasPrefix(r[1].Error, "interrupted") {
			t.Fatalf("runs after resume: %+v", r)
		}
		if c := count(t, d.Store); c.days != 39 {
			t.Fatalf("days complete after resume: %d", c.days)
		}
	})
}

// A run killed mid-sync (kill -9: its row says running, its lock stays in Redis until the TTL)
// is marked abandoned by the next invocation, which waits out the dead holder's lock instead
// of skipping the account, and completes the days.
func TestKilledRunResumedByNextInvocation(t *testing.T) {
	if os.Getenv(cachetest.EnvRedisAddr) == "" {
		// miniredis's clock is frozen, so a lock never expires by itself there.
		t.Skipf("%s not set: needs a Redis whose locks expire in real time", cachetest.EnvRedisAddr)
	}
	defer func(ttl time.Duration) { lockTTL = ttl }(lockTTL)
	lockTTL = time.Second
	d := apptest.Deps(t, storetest.SQLite(t))
	d.Metrics = metrics.New()
	e := newEnv(t, d, envOptions{accounts: 1, resources: 3, now: "2026-03-03 10:00", months: 0})
	acc := e.accs[0].ID
	killed := store.SyncRun{AccountID: acc, Status: store.SyncRunning, Trigger: job.TriggerTimer}
	if err := d.Store.CreateSyncRun(t.Context(), &killed); err != nil {
		t.Fatal(err)
	}
	// The killed process's lock, never released nor extended.
	if _, err := d.Cache.Lock(t.Context(), lockName(acc), lockTTL); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := Job(d)(t.Context(), fcxEvent()); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 5*lockTTL+5*time.Second {
		t.Errorf("resuming took %s with a lock TTL of %s", took, lockTTL)
	}
	got, err := d.Store.GetSyncRun(t.Context(), acc, killed.ID)
	if err != nil || got.Status != store.SyncAbandoned || !strings.HasPrefix(got.Error, "abandoned") || got.FinishedAt == nil {
		t.Fatalf("killed run = %+v, %v", got, err)
	}
	r := runs(t, d, acc)
	if len(r) != 2 {
		t.Fatalf("runs: %+v, want the killed one and the one resuming it", r)
	}
	for _, run := range r {
		if run.ID != killed.ID && run.Status != store.SyncSucceeded {
			t.Fatalf("resuming run: %+v", run)
		}
	}
	compare(t, "line items after resume", stored(t, d.Store, "cost_line_items"), e.truth(t))

	// The resuming run and the billingsync job run are counted for /metrics.
	rec := httptest.NewRecorder()
	d.Metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	for _, want := range []string{`cloudlens_sync_runs_total{status="succeeded"} 1`, "cloudlens_sync_rows_total 9",
		`cloudlens_job_runs_total{job="billingsync",status="succeeded"} 1`} {
		if !strings.Contains(rec.Body.String(), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestThrottledRunCompletes(t *testing.T) {
	d := apptest.Deps(t, storetest.SQLite(t))
	// The simulator allows 20 requests/s, the client sends up to 50: many requests are throttled.
	e := newEnv(t, d, envOptions{accounts: 1, resources: 4, now: "2026-03-08 10:00", months: 0, simQPS: 20, clientQPS: 50})
	e.sim.FailNext(e.uids[e.accs[0].ID], 8, "Throttling.User", 400) // more than one call's retries
	if err := Job(d)(t.Context(), fcxEvent()); err != nil {
		t.Fatal(err)
	}
	compare(t, "line items", stored(t, d.Store, "cost_line_items"), e.truth(t))
	st := e.sim.Stats()
	if st.Throttled+st.Injected < 8 {
		t.Fatalf("throttling was not exercised: %+v", st)
	}
	if r := runs(t, d, e.accs[0].ID); r[0].Status != store.SyncSucceeded {
		t.Fatalf("run: %+v", r[0])
	}
}

func TestPagingThousandsOfItems(t *testing.T) {
	d := apptest.Deps(t, storetest.SQLite(t))
	e := newEnv(t, d, envOptions{accounts: 1, resources: 700, now: "2026-03-03 10:00", months: 0})
	if err := Job(d)(t.Context(), fcxEvent()); err != nil {
		t.Fatal(err)
	}
	compare(t, "line items", stored(t, d.Store, "cost_line_items"), e.truth(t))
	r := runs(t, d, e.accs[0].ID)[0]
	if r.Rows < 2000 || r.Pages < 2*int(r.Rows/600) {
		t.Fatalf("run: %d rows in %d pages; want thousands of rows over several pages a day", r.Rows, r.Pages)
	}
	if c := count(t, d.Store); c.items != r.Rows {
		t.Fatalf("stored %d items, run wrote %d", c.items, r.Rows)
	}
}

func TestBadCredentialsMarkAccountFailing(t *testing.T) {
	d := apptest.Deps(t, storetest.SQLite(t))
	e := newEnv(t, d, envOptions{accounts: 2, resources: 3, now: "2026-03-03 10:00", months: 0})
	// Account 2 gets the wrong secret; account 1 must sync regardless.
	bad := e.accs[1]
	if err := d.SealSecret(&bad, "WrongSecretWrongSecretWrongSecret"); err != nil {
		t.Fatal(err)
	}
	if err := d.Store.UpdateAccount(t.Context(), bad); err != nil {
		t.Fatal(err)
	}
	err := Job(d)(t.Context(), fcxEvent())
	if err == nil || !strings.Contains(err.Error(), "1 of 2 accounts failed") {
		t.Fatalf("job error = %v", err)
	}
	got, _ := d.Store.GetAccount(t.Context(), account.AllAccounts, bad.ID)
	if got.Status != account.StatusFailing || !strings.Contains(got.StatusMessage, "SignatureDoesNotMatch") {
		t.Fatalf("bad account: %s %q", got.Status, got.StatusMessage)
	}
	if r := runs(t, d, bad.ID); r[0].Status != store.SyncFailed || !strings.Contains(r[0].Error, "SignatureDoesNotMatch") {
		t.Fatalf("bad account run: %+v", r[0])
	}
	good, _ := d.Store.GetAccount(t.Context(), account.AllAccounts, e.accs[0].ID)
	if good.Status != account.StatusOK {
		t.Fatalf("good account: %s %q", good.Status, good.StatusMessage)
	}
}

// corrupt is a proxy in front of the simulator that breaks the first item of every
// DescribeInstanceBill page for day: its currency is no currency code any more.
func corrupt(t testing.TB, day string, broken *atomic.Int64) func(string) string {
	return func(target string) string {
		u, _ := url.Parse("http://" + target)
		p := httputil.NewSingleHostReverseProxy(u)
		p.ModifyResponse = func(resp *http.Response) error {
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				return err
			}
			var m map[string]any
			if json.Unmarshal(body, &m) == nil {
				if data, ok := m["Data"].(map[string]any); ok {
					if items, ok := data["Items"].([]any); ok && len(items) > 0 {
						it := items[0].(map[string]any)
						if it["BillingDate"] == day {
							it["Currency"] = "C1Y"
							broken.Add(1)
							body, _ = json.Marshal(m)
						}
					}
				}
			}
			resp.Body = io.NopCloser(bytes.NewReader(body))
			resp.ContentLength = int64(len(body))
			resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
			return nil
		}
		srv := httptest.NewServer(p)
		t.Cleanup(srv.Close)
		return strings.TrimPrefix(srv.URL, "http://")
	}
}

func TestMalformedItemRejectedRestIngested(t *testing.T) {
	d := apptest.Deps(t, storetest.SQLite(t))
	var broken atomic.Int64
	e := newEnv(t, d, envOptions{accounts: 1, resources: 5, now: "2026-03-04 10:00", months: 0,
		proxy: corrupt(t, "2026-03-02", &broken)})
	if err := Job(d)(t.Context(), fcxEvent()); err != nil {
		t.Fatal(err)
	}
	if broken.Load() != 1 {
		t.Fatalf("%d pages corrupted, want 1", broken.Load())
	}
	r := runs(t, d, e.accs[0].ID)[0]
	if r.Status != store.SyncSucceeded || r.Rejected != 1 {
		t.Fatalf("run: %+v", r)
	}
	rej, err := d.Store.ListSyncRejects(t.Context(), e.accs[0].ID, r.ID, 10)
	if err != nil || len(rej) != 1 || rej[0].ChargeDate != "2026-03-02" || !strings.Contains(rej[0].Reason, "currency") ||
		!strings.Contains(rej[0].Raw, `"C1Y"`) {
		t.Fatalf("rejects = %+v, %v", rej, err)
	}
	// Every other item of the day is stored: the day is short of exactly the rejected item.
	want := e.truth(t)
	got := stored(t, d.Store, "cost_line_items")
	var wantDay, gotDay int64
	var items int64
	for k, v := range want {
		if k.day == "2026-03-02" {
			wantDay += v
		}
	}
	for k, v := range got {
		if k.day == "2026-03-02" {
			gotDay += v
		}
	}
	if err := d.Store.DB().QueryRow("SELECT COUNT(*) FROM cost_line_items WHERE charge_date = ?", "2026-03-02").Scan(&items); err != nil {
		t.Fatal(err)
	}
	day, _ := time.ParseInLocation(time.DateOnly, "2026-03-02", billing.Shanghai)
	all := e.world.BillItems(e.uids[e.accs[0].ID], day, e.clock.Now())
	if items != int64(len(all)-1) || gotDay != wantDay-all[0].PretaxAmount {
		t.Fatalf("day 2026-03-02: %d items, billed %d; want %d items, billed %d", items, gotDay, len(all)-1, wantDay-all[0].PretaxAmount)
	}
}

// queuedRun gives a test its own database, simulated account, trigger server and queued run.
func queuedRun(t *testing.T) (*app.Deps, *apptest.Client, account.Account, store.SyncRun) {
	t.Helper()
	d := apptest.Deps(t, storetest.SQLite(t))
	e := newEnv(t, d, envOptions{accounts: 1, resources: 3, now: "2026-03-03 10:00", months: 0})
	acc := e.accs[0]
	run := store.SyncRun{AccountID: acc.ID, Status: store.SyncQueued, Trigger: job.TriggerManual}
	if err := d.Store.CreateSyncRun(t.Context(), &run); err != nil {
		t.Fatal(err)
	}
	return d, apptest.Serve(t, New(d)), acc, run
}

// TestSyncNowHandler covers the signed HTTP trigger. Each case builds its own database,
// simulator and queued run, so any case runs alone (-run 'TestSyncNowHandler/<name>') and in any
// order (-shuffle=on).
func TestSyncNowHandler(t *testing.T) {
	// sign returns the signature of a case's body; d is that case's dependencies.
	type sign func(d *app.Deps, body []byte) string
	cases := []struct {
		name     string
		sign     sign
		replayed bool   // the run was already performed once
		status   int    // the trigger's answer
		run      string // the run's status afterwards
	}{
		{name: "unsigned", sign: func(*app.Deps, []byte) string { return "" }, status: 401, run: store.SyncQueued},
		{name: "signed with another secret", sign: func(_ *app.Deps, b []byte) string {
			return fcx.Sign([]byte("another-secret-another-secret-0123"), b)
		}, status: 401, run: store.SyncQueued},
		// The JWT secret signs access tokens only: invocations take the key derived from it.
		{name: "signed with the JWT signing secret", sign: func(d *app.Deps, b []byte) string {
			return fcx.Sign([]byte(d.Config.JWTSecret), b)
		}, status: 401, run: store.SyncQueued},
		{name: "signed", sign: func(d *app.Deps, b []byte) string { return fcx.Sign(d.InvocationKey, b) }, status: 200, run: store.SyncSucceeded},
		{name: "replayed", sign: func(d *app.Deps, b []byte) string { return fcx.Sign(d.InvocationKey, b) },
			replayed: true, status: 409, run: store.SyncSucceeded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, c, acc, run := queuedRun(t)
			if tc.replayed {
				if err := Run(t.Context(), d, acc.ID, run.ID); err != nil {
					t.Fatal(err)
				}
			}
			body := []byte(fmt.Sprintf(`{"accountId":%d,"syncId":%d}`, acc.ID, run.ID))
			req, _ := http.NewRequest("POST", c.URL()+"/", bytes.NewReader(body))
			if sig := tc.sign(d, body); sig != "" {
				req.Header.Set(fcx.HeaderSignature, sig)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			got, err := d.Store.GetSyncRun(t.Context(), acc.ID, run.ID)
			if err != nil || got.Status != tc.run || (tc.run == store.SyncSucceeded && got.Rows == 0) {
				t.Fatalf("run = %+v, %v; want %s", got, err, tc.run)
			}
		})
	}

	// fcx.InvokeAsync, as the accounts function's d.Invoke calls it, sends what the handler accepts.
	t.Run("InvokeAsync", func(t *testing.T) {
		d, c, acc, run := queuedRun(t)
		if err := fcx.InvokeAsync(t.Context(), nil, c.URL()+"/", d.InvocationKey, billing.SyncRequest{AccountID: acc.ID, SyncID: run.ID}); err != nil {
			t.Fatal(err)
		}
		if got, _ := d.Store.GetSyncRun(t.Context(), acc.ID, run.ID); got.Status != store.SyncSucceeded {
			t.Fatalf("invoked run = %+v", got)
		}
	})
}

func fcxEvent() fcx.TimerEvent { return fcx.TimerEvent{TriggerName: "billingsync", Payload: "{}"} }
