package resourcesync_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/resourcesync"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// TestInterruptedFirstRunContinues: a first run cancelled half-way through its metrics (a
// crash or a deadline) leaves its progress; the next run continues it, with fewer calls than a
// whole run, and ends with the same inventory and daily summaries as an uninterrupted first
// run of the same world. A run whose process died without recording its end is marked failed
// by the run that continues its work; the progress is cleared once a run completes.
func TestInterruptedFirstRunContinues(t *testing.T) {
	now := time.Date(2025, 6, 15, 6, 0, 0, 0, billing.Shanghai)
	const seed = 41

	// The truth: the same world synced in one go.
	ref := setup(t, storetest.SQLite(t), seed, now, now, nil)
	if _, err := ref.sync.Run(t.Context(), "manual", nil); err != nil {
		t.Fatal(err)
	}
	wholeCalls, wholeCMS := 0, ref.srv.Stats().Requests["cms.DescribeMetricList"]
	for _, a := range ref.accts {
		wholeCalls += lastRun(t, ref.s, a.ID).TotalCalls()
	}
	if wholeCMS < 20 {
		t.Fatalf("a whole run made %d CloudMonitor calls: too few to stop half-way", wholeCMS)
	}

	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e := setup(t, s, seed, now, now, nil)
		e.sync.Accounts = 3
		// A process killed before it could record its end: its run stays "running".
		dead := resource.SyncRun{AccountID: e.accts[0].ID, Trigger: "timer", Status: resource.SyncRunning, StartedAt: now.Add(-time.Hour)}
		if err := s.CreateResourceSyncRun(t.Context(), &dead); err != nil {
			t.Fatal(err)
		}

		// Cancel once half of a whole run's CloudMonitor calls were served.
		ctx, cancel := context.WithCancel(t.Context())
		stop := make(chan struct{})
		go func() {
			tick := time.NewTicker(2 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if e.srv.Stats().Requests["cms.DescribeMetricList"] >= wholeCMS/2 {
						cancel()
						return
					}
				}
			}
		}()
		_, err := e.sync.Run(ctx, "manual", nil)
		close(stop)
		cancel()
		if err == nil {
			t.Fatal("the cancelled run succeeded")
		}
		steps := 0
		for _, a := range e.accts {
			if n := len(stored(t, s, a.ID)); n != 0 {
				t.Errorf("account %d: the cancelled run wrote %d resources", a.ID, n)
			}
			done, err := s.SyncProgress(t.Context(), a.ID, yesterday(now))
			if err != nil {
				t.Fatal(err)
			}
			steps += len(done)
		}
		if steps == 0 {
			t.Fatal("the cancelled run recorded no progress")
		}

		before := e.srv.Stats().Requests
		if _, err := e.sync.Run(t.Context(), "manual", nil); err != nil {
			t.Fatal(err)
		}
		after := e.srv.Stats().Requests
		rerun := 0
		for _, a := range e.accts {
			run := lastRun(t, s, a.ID)
			if run.Status != resource.SyncSucceeded {
				t.Errorf("account %d: %s", a.ID, resourcesync.Describe(run))
			}
			rerun += run.TotalCalls()
		}
		t.Logf("stopped after %d steps; the continuing run made %d calls (%d CloudMonitor), a whole run %d (%d)", steps, rerun,
			after["cms.DescribeMetricList"]-before["cms.DescribeMetricList"], wholeCalls, wholeCMS)
		if rerun >= wholeCalls {
			t.Errorf("the continuing run made %d calls, a whole run %d: it started over", rerun, wholeCalls)
		}
		for _, api := range []string{"ecs.DescribeInstances", "slb.DescribeHealthStatus"} {
			if after[api] != before[api] {
				t.Errorf("%s called %d times again: the regions listed before were listed again", api, after[api]-before[api])
			}
		}
		if after["cms.DescribeMetricList"]-before["cms.DescribeMetricList"] >= wholeCMS {
			t.Errorf("the continuing run read every metric again (%d calls, a whole run %d)",
				after["cms.DescribeMetricList"]-before["cms.DescribeMetricList"], wholeCMS)
		}

		for i, a := range e.accts {
			if got, want := inventoryOf(t, s, a.ID), inventoryOf(t, ref.s, ref.accts[i].ID); got != want {
				t.Errorf("account %d: inventory after the continued run differs from one run's:\n%s", a.ID, firstDiff(got, want))
			}
			if got, want := summariesOf(t, s, a.ID), summariesOf(t, ref.s, ref.accts[i].ID); got != want {
				t.Errorf("account %d: summaries after the continued run differ from one run's:\n%s", a.ID, firstDiff(got, want))
			}
			done, err := s.SyncProgress(t.Context(), a.ID, yesterday(now))
			if err != nil || len(done) != 0 {
				t.Errorf("account %d: progress left after a complete run: %d steps, %v", a.ID, len(done), err)
			}
		}
		runs, err := s.ResourceSyncRuns(t.Context(), dead.AccountID, 10)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if r.ID == dead.ID && (r.Status != resource.SyncFailed || !strings.Contains(r.Error, "abandoned") || r.FinishedAt == nil) {
				t.Errorf("the dead process's run: %s", resourcesync.Describe(r))
			}
		}
	})
}

func yesterday(t time.Time) time.Time {
	n := t.In(billing.Shanghai)
	return time.Date(n.Year(), n.Month(), n.Day()-1, 0, 0, 0, 0, billing.Shanghai)
}

// inventoryOf is the account's stored inventory as text, one resource a line, without row ids.
func inventoryOf(t *testing.T, s *store.Store, accountID int64) string {
	t.Helper()
	var lines []string
	for _, r := range stored(t, s, accountID) {
		exp := ""
		if r.ExpiresAt != nil {
			exp = r.ExpiresAt.UTC().Format(time.RFC3339)
		}
		lines = append(lines, fmt.Sprintf("%s %s %s %s %s %s %s renew=%v exp=%s since=%s att=%s src=%s size=%d bw=%d backends=%v nat=%d/%d tags=%v attrs=%v released=%v",
			r.ResourceID, r.Type, r.Region, r.Name, r.Status, r.ChargeType, r.Spec, r.AutoRenew, exp,
			r.StatusSince.UTC().Format(time.RFC3339), r.AttachedTo, r.SourceID, r.SizeGB, r.BandwidthMbps, r.Backends,
			r.SNATEntries, r.DNATEntries, r.Tags, r.Attrs, r.Released()))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

// summariesOf is the account's stored daily metric summaries as text.
func summariesOf(t *testing.T, s *store.Store, accountID int64) string {
	t.Helper()
	days, err := s.MetricDays(t.Context(), store.MetricFilter{AccountID: accountID})
	if err != nil {
		t.Fatal(err)
	}
	if len(days) == 0 {
		t.Fatalf("account %d has no metric summaries", accountID)
	}
	var lines []string
	for _, d := range days {
		lines = append(lines, fmt.Sprintf("%s %s %s %.6g %.6g %.6g %d", d.ResourceID, d.Metric, d.Day.Format(time.DateOnly), d.Max, d.P95, d.Mean, d.Samples))
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return fmt.Sprintf("line %d of %d/%d:\n got  %s\n want %s", i+1, len(g), len(w), a, b)
		}
	}
	return "same"
}

// TestDeadlineStopsTheRun: a run that reaches its deadline stops, records why, keeps what it
// finished, and the next run completes the work.
func TestDeadlineStopsTheRun(t *testing.T) {
	s := storetest.SQLite(t)
	now := time.Date(2025, 6, 15, 6, 0, 0, 0, billing.Shanghai)
	e := setup(t, s, 43, now, now, nil)
	// CloudMonitor paced slowly: the metrics cannot all be read before the deadline.
	e.sync.Limits["cms.DescribeMetricList"] = 20
	e.sync.Deadline = 2 * time.Second
	msg, err := e.sync.Run(t.Context(), "timer", nil)
	if err == nil || !strings.Contains(err.Error(), "deadline") {
		t.Fatalf("a run past its deadline: %q, %v", msg, err)
	}
	steps := 0
	for _, a := range e.accts {
		runs, err := s.ResourceSyncRuns(t.Context(), a.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range runs {
			if r.Status != resource.SyncFailed || !strings.Contains(r.Error, "deadline") {
				t.Errorf("account %d: %s", a.ID, resourcesync.Describe(r))
			}
		}
		done, err := s.SyncProgress(t.Context(), a.ID, yesterday(now))
		if err != nil {
			t.Fatal(err)
		}
		steps += len(done)
	}
	if steps == 0 {
		t.Fatal("the run stopped at its deadline kept no progress")
	}
	e.sync.Deadline, e.sync.Limits["cms.DescribeMetricList"] = 0, 500
	if _, err := e.sync.Run(t.Context(), "timer", nil); err != nil {
		t.Fatal(err)
	}
	for _, a := range e.accts {
		if run := lastRun(t, s, a.ID); run.Status != resource.SyncSucceeded || run.Resources == 0 {
			t.Errorf("account %d: %s", a.ID, resourcesync.Describe(run))
		}
	}
}
