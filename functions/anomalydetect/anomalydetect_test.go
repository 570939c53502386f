package anomalydetect_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/anomalydetect"
	"github.com/cloudlens/cloudlens/functions/jobs"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
)

var now = time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)

const (
	seed      = 4
	accounts  = 2
	resources = 14
)

func load(t *testing.T, d *app.Deps) costtest.Data {
	t.Helper()
	return costtest.Load(t, d.Store, costtest.Options{Seed: seed, Accounts: accounts, Resources: resources, Now: now,
		Days: anomalydetect.WindowDays, Demo: []bool{true, true}})
}

// byMonitor returns the stored anomalies of the account × product monitors, keyed by account,
// product and start day.
func stored(t *testing.T, s *store.Store) []anomaly.Record {
	t.Helper()
	rs, err := s.ListAnomalies(t.Context(), account.AllAccounts, store.AnomalyFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]anomaly.Record, len(rs))
	for i, r := range rs {
		full, err := s.GetAnomaly(t.Context(), account.AllAccounts, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = full
	}
	return out
}

func TestDetectsSimulatorAnomaliesAndReconciles(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		ctx := t.Context()
		data := load(t, d)
		uid := map[string]int64{}
		for _, a := range data.Accounts {
			uid[a.UID] = a.ID
		}
		rep, err := anomalydetect.Run(ctx, d.Store, now, "")
		if err != nil {
			t.Fatal(err)
		}
		if rep.Found == 0 || rep.Inserted != rep.Found {
			t.Fatalf("first run: %+v", rep)
		}
		all := stored(t, d.Store)

		// Figures reconcile: each anomaly's actual is the sum of its line items; every
		// dimension's contributors add up to its impact.
		for _, r := range all {
			var want money.Micros
			for _, li := range data.Items {
				if li.ChargeDate < r.StartDate || li.ChargeDate > r.EndDate || li.Currency != r.Currency {
					continue
				}
				if r.Monitor.AccountID != 0 && li.AccountID != r.Monitor.AccountID {
					continue
				}
				if (r.Monitor.Dim == anomaly.MonAccountProduct || r.Monitor.Dim == anomaly.MonProduct) && li.ServiceCode != r.Monitor.Value {
					continue
				}
				want += li.BilledCost
			}
			if r.Actual != want || r.Impact != r.Actual-r.Expected {
				t.Errorf("anomaly %d (%s %s): actual %v impact %v, line items say %v", r.ID, r.Monitor.Describe(), r.StartDate, r.Actual, r.Impact, want)
			}
			sums := map[string]money.Micros{}
			for _, c := range r.Contributors {
				sums[c.Dimension] += c.Delta
			}
			for dim, sum := range sums {
				if sum != r.Impact {
					t.Errorf("anomaly %d: %s deltas add up to %v, impact %v", r.ID, dim, sum, r.Impact)
				}
			}
			if !r.Demo {
				t.Errorf("anomaly %d of demo accounts is not labelled demo", r.ID)
			}
		}

		// Every spike the simulator injected that is large against its product's day is found
		// on that account × product, and its resource and billing item lead the contributors.
		w := aliyunsim.NewWorld(aliyunsim.Config{Seed: seed, Accounts: accounts, Resources: resources, Now: func() time.Time { return now }})
		checked := 0
		for _, l := range w.Anomalies() {
			day := l.Day.Format(time.DateOnly)
			var dayTotal money.Micros
			for _, li := range data.Items {
				if li.AccountID == uid[l.AccountUID] && li.ServiceCode == l.ProductCode && li.ChargeDate == day {
					dayTotal += li.BilledCost
				}
			}
			if l.ExtraMicros < int64(dayTotal)/2 || l.ExtraMicros < int64(anomaly.Defaults().MinImpact) || day > now.AddDate(0, 0, -3).Format(time.DateOnly) {
				continue
			}
			checked++
			var hit *anomaly.Record
			for i, r := range all {
				if r.Monitor.Dim == anomaly.MonAccountProduct && r.AccountID == uid[l.AccountUID] && r.Monitor.Value == l.ProductCode &&
					r.StartDate <= day && r.EndDate >= day {
					hit = &all[i]
				}
			}
			if hit == nil {
				t.Errorf("injected spike %+v (day total %v) not found", l, dayTotal)
				continue
			}
			top := map[string]string{}
			for _, c := range hit.Contributors {
				if _, ok := top[c.Dimension]; !ok {
					top[c.Dimension] = c.Key
				}
			}
			if top[anomaly.DimResource] != l.ResourceID || top[anomaly.DimBillingItem] != l.BillingItemCode {
				t.Errorf("spike on %s/%s: top resource %q, billing item %q", l.ResourceID, l.BillingItemCode, top[anomaly.DimResource], top[anomaly.DimBillingItem])
			}
		}
		if checked == 0 {
			t.Fatal("no injected spike was large enough to check")
		}

		// A rerun on the same bills changes nothing.
		again, err := anomalydetect.Run(ctx, d.Store, now, "")
		if err != nil {
			t.Fatal(err)
		}
		if again.Inserted != 0 || again.Updated != 0 || again.Withdrawn != 0 || again.Found != rep.Found {
			t.Fatalf("rerun changed things: %+v (first %+v)", again, rep)
		}
		if after := stored(t, d.Store); len(after) != len(all) {
			t.Fatalf("rerun: %d anomalies, was %d", len(after), len(all))
		}
	})
}

func TestFeedbackExpectedIsNotFlaggedAgain(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		ctx := t.Context()
		data := load(t, d)
		acct := data.Accounts[0].ID
		// A planned change: from 20 days ago the account's cost doubles and stays doubled.
		shift := now.AddDate(0, 0, -20).Format(time.DateOnly)
		var extra []billing.LineItem
		for _, li := range data.Items {
			if li.AccountID == acct && li.ChargeDate >= shift && li.ServiceCode == "ecs" {
				li.Key[0] ^= 0xff
				li.ResourceID += "-new"
				extra = append(extra, li)
			}
		}
		if len(extra) == 0 {
			t.Fatal("no ECS items to double")
		}
		if _, err := d.Store.UpsertLineItems(ctx, 2, extra); err != nil {
			t.Fatal(err)
		}
		var days []string
		for day := now.AddDate(0, 0, -20); day.Before(now); day = day.AddDate(0, 0, 1) {
			days = append(days, day.Format(time.DateOnly))
		}
		if err := d.Store.RebuildDaily(ctx, acct, days); err != nil {
			t.Fatal(err)
		}
		if _, err := anomalydetect.Run(ctx, d.Store, now.AddDate(0, 0, -8), ""); err != nil {
			t.Fatal(err)
		}
		// The simulator's own labelled spikes on this account's ECS are not part of the change.
		w := aliyunsim.NewWorld(aliyunsim.Config{Seed: seed, Accounts: accounts, Resources: resources, Now: func() time.Time { return now }})
		labelled := map[string]bool{}
		for _, l := range w.Anomalies() {
			if l.AccountUID == data.Accounts[0].UID && l.ProductCode == "ecs" {
				labelled[l.Day.Format(time.DateOnly)] = true
			}
		}
		find := func() []anomaly.Record {
			var out []anomaly.Record
			for _, r := range stored(t, d.Store) {
				if r.Monitor.Dim == anomaly.MonAccountProduct && r.AccountID == acct && r.Monitor.Value == "ecs" && r.EndDate >= shift &&
					r.Impact > 0 && !(r.StartDate == r.EndDate && labelled[r.StartDate]) {
					out = append(out, r)
				}
			}
			return out
		}
		first := find()
		if len(first) != 1 || first[0].StartDate != shift {
			t.Fatalf("after the change: %+v, want one anomaly from %s", first, shift)
		}
		if err := d.Store.SetFeedback(ctx, account.AllAccounts, first[0].ID, anomaly.Expected, "new cluster", 1, now); err != nil {
			t.Fatal(err)
		}
		// Eight days later the change goes on: nothing new is flagged, and the marked anomaly stays.
		if _, err := anomalydetect.Run(ctx, d.Store, now, ""); err != nil {
			t.Fatal(err)
		}
		later := find()
		if len(later) != 1 || later[0].ID != first[0].ID || later[0].Status != anomaly.StatusDismissed || later[0].Verdict != anomaly.Expected {
			t.Fatalf("after feedback: %+v", later)
		}
	})
}

func TestMissingDaysAreNotDrops(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		ctx := t.Context()
		data := load(t, d)
		acct := data.Accounts[1].ID
		// The account's last six days failed to sync: no figures, and noted incomplete.
		for day := now.AddDate(0, 0, -anomalydetect.WindowDays); day.Before(now); day = day.AddDate(0, 0, 1) {
			ds := day.Format(time.DateOnly)
			if day.After(now.AddDate(0, 0, -7)) {
				if err := d.Store.MarkDayIncomplete(ctx, acct, ds, "sync failed", 1, now); err != nil {
					t.Fatal(err)
				}
				if _, err := d.Store.DB().ExecContext(ctx, "DELETE FROM cost_line_items WHERE account_id = ? AND charge_date = ?", acct, ds); err != nil {
					t.Fatal(err)
				}
				if err := d.Store.RebuildDaily(ctx, acct, []string{ds}); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if err := d.Store.MarkDayComplete(ctx, acct, ds, 1, 1, now); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := anomalydetect.Run(ctx, d.Store, now, ""); err != nil {
			t.Fatal(err)
		}
		gapFrom := now.AddDate(0, 0, -6).Format(time.DateOnly)
		for _, r := range stored(t, d.Store) {
			if (r.AccountID == acct || r.AccountID == 0) && r.Impact < 0 && r.EndDate >= gapFrom {
				t.Errorf("days without bills read as a drop: %+v", r)
			}
		}
	})
}

func TestRunNowRaisesOneAlertPerAnomaly(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		ctx := t.Context()
		d.Now = func() time.Time { return now }
		d.Invoke = apptest.Invoker(t, d, map[string]http.Handler{app.FunctionName(anomalydetect.Name): anomalydetect.New(d)})
		load(t, d)
		_, admin := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
		api := apptest.Serve(t, jobs.New(d))
		ch := alert.Channel{Type: alert.ChannelWebhook, Name: "hook", URL: "http://127.0.0.1:9/hook", Language: alert.LanguageEn}
		if err := d.Store.CreateChannel(ctx, &ch); err != nil {
			t.Fatal(err)
		}
		if err := d.Store.CreateRule(ctx, &alert.Rule{Name: "anomalies", Kind: alert.KindAnomaly, Enabled: true, ChannelIDs: []int64{ch.ID}}); err != nil {
			t.Fatal(err)
		}
		for i := range 2 {
			res := api.Do(http.MethodPost, "/api/v1/jobs/anomalydetect/run", admin, nil)
			if res.Status != http.StatusAccepted {
				t.Fatalf("run now: %d %s", res.Status, res.Body)
			}
			var out struct{ RunID int64 }
			res.JSON(t, &out)
			r := waitRun(t, d.Store, out.RunID)
			if r.Status != job.Succeeded || r.Items == 0 {
				t.Fatalf("run %d: %+v", i, r)
			}
		}
		alerts, err := d.Store.ListAlerts(ctx, store.AlertFilter{})
		if err != nil {
			t.Fatal(err)
		}
		recs := stored(t, d.Store)
		if len(alerts) != len(recs) {
			t.Fatalf("%d alerts for %d anomalies", len(alerts), len(recs))
		}
		recent := now.AddDate(0, 0, -1-anomalydetect.AlertWithinDays).Format(time.DateOnly)
		keys := map[string]bool{}
		for _, r := range recs {
			keys[r.DedupKey()] = r.EndDate >= recent && r.Status == anomaly.StatusOpen
		}
		for _, a := range alerts {
			want, ok := keys[a.DedupKey]
			if !ok || a.Kind != alert.KindAnomaly {
				t.Errorf("alert %s is not one anomaly's", a.DedupKey)
			}
			if (len(a.Deliveries) > 0) != want {
				t.Errorf("alert %s: %d deliveries, recent and open %v", a.DedupKey, len(a.Deliveries), want)
			}
		}
	})
}

func waitRun(t *testing.T, s *store.Store, id int64) job.Run {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		r, err := s.GetJobRun(t.Context(), id)
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

// A spike whose bill Alibaba corrects (the extra charge withdrawn) is judged again: the
// anomaly is withdrawn with its alert.
func TestCorrectedBillsAreJudgedAgain(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		ctx := t.Context()
		data := load(t, d)
		uid := map[string]int64{}
		for _, a := range data.Accounts {
			uid[a.UID] = a.ID
		}
		if _, err := anomalydetect.Run(ctx, d.Store, now, ""); err != nil {
			t.Fatal(err)
		}
		w := aliyunsim.NewWorld(aliyunsim.Config{Seed: seed, Accounts: accounts, Resources: resources, Now: func() time.Time { return now }})
		for _, l := range w.Anomalies() {
			day := l.Day.Format(time.DateOnly)
			var hit *anomaly.Record
			all := stored(t, d.Store)
			for i, r := range all {
				if r.Monitor.Dim == anomaly.MonAccountProduct && r.AccountID == uid[l.AccountUID] && r.Monitor.Value == l.ProductCode &&
					r.StartDate == day && r.EndDate == day {
					hit = &all[i]
				}
			}
			if hit == nil {
				continue
			}
			res, err := d.Store.DB().ExecContext(ctx, "UPDATE cost_line_items SET billed_cost = billed_cost - ? WHERE account_id = ? AND charge_date = ? "+
				"AND resource_id = ? AND billing_item = ?", l.ExtraMicros, uid[l.AccountUID], day, l.ResourceID, l.BillingItemCode)
			if err != nil {
				t.Fatal(err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				t.Fatalf("corrected %d items", n)
			}
			if err := d.Store.RebuildDaily(ctx, uid[l.AccountUID], []string{day}); err != nil {
				t.Fatal(err)
			}
			rep, err := anomalydetect.Run(ctx, d.Store, now, "")
			if err != nil {
				t.Fatal(err)
			}
			if rep.Withdrawn == 0 {
				t.Fatalf("nothing withdrawn after the correction: %+v", rep)
			}
			if _, err := d.Store.GetAnomaly(ctx, account.AllAccounts, hit.ID); err == nil {
				t.Fatalf("anomaly %d of the corrected day is still there", hit.ID)
			}
			return
		}
		t.Fatal("no single-day spike of the simulator was found to correct")
	})
}
