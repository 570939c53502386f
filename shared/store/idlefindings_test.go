package store_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func finding(rule string, acc int64, res string, savings money.Micros, cur string) idle.Finding {
	return idle.Finding{Rule: rule, Action: idle.ActionRelease, AccountID: acc, ResourceID: res, Type: idle.TypeECS, Region: "cn-hangzhou",
		Name: "web-" + res, Reason: "max CPU 1.0 %", ReasonZh: "CPU 最高 1.0 %", MonthlySavings: savings, Currency: cur,
		Basis: idle.Basis{Start: "2025-11-01", End: "2025-11-30", Metric: "effective"}, Figures: map[string]float64{"maxCpu": 1}}
}

func ruleIDs(rs []idle.Record) string {
	out := ""
	for _, r := range rs {
		out += fmt.Sprintf("%s/%d/%s ", r.Rule, r.AccountID, r.ResourceID)
	}
	return out
}

func TestFindingsLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		t0 := time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC)
		run1 := []idle.Finding{
			finding("ecs_idle", 1, "i-a", 300_000_000, "CNY"),
			finding("ecs_idle", 1, "i-b", 100_000_000, "CNY"),
			finding("eip_unbound", 2, "eip-c", 20_000_000, "USD"),
		}
		run1[2].Estimate, run1[2].Prices = true, &idle.Comparison{Current: "a", Proposed: "b", CurrentMonthly: 2, ProposedMonthly: 1}
		fresh, err := s.SaveFindings(ctx, []int64{1, 2}, run1, t0)
		if err != nil {
			t.Fatal(err)
		}
		if len(fresh) != 3 {
			t.Fatalf("fresh %s", ruleIDs(fresh))
		}
		list, err := s.ListFindings(ctx, account.AllAccounts, store.FindingFilter{}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if ruleIDs(list) != "ecs_idle/1/i-a ecs_idle/1/i-b eip_unbound/2/eip-c " {
			t.Fatalf("list %s", ruleIDs(list))
		}
		if p := list[2].Prices; !list[2].Estimate || p == nil || p.CurrentMonthly != 2 || list[0].Figures["maxCpu"] != 1 {
			t.Errorf("details %+v %+v", list[2], list[0].Figures)
		}

		// Dismiss i-b for good and snooze i-a for a week.
		week := t0.Add(7 * 24 * time.Hour)
		if err := s.DismissFinding(ctx, account.AllAccounts, list[1].ID, &idle.Dismissal{At: t0, By: 7, Reason: "kept for DR"}); err != nil {
			t.Fatal(err)
		}
		if err := s.DismissFinding(ctx, account.AllAccounts, list[0].ID, &idle.Dismissal{At: t0, By: 7, Until: &week, Reason: "migrating"}); err != nil {
			t.Fatal(err)
		}
		// A viewer of account 2 cannot dismiss account 1's finding.
		if err := s.DismissFinding(ctx, account.Scope{IDs: []int64{2}}, list[1].ID, &idle.Dismissal{At: t0}); !errs.Is(err, errs.KindNotFound) {
			t.Errorf("out-of-scope dismiss: %v", err)
		}

		// The next run sees i-a and i-b again (new figures), no longer eip-c, and a new one.
		t1 := t0.Add(24 * time.Hour)
		run2 := []idle.Finding{
			finding("ecs_idle", 1, "i-a", 310_000_000, "CNY"),
			finding("ecs_idle", 1, "i-b", 90_000_000, "CNY"),
			finding("disk_unattached", 1, "d-d", 5_000_000, "CNY"),
		}
		fresh, err = s.SaveFindings(ctx, []int64{1, 2}, run2, t1)
		if err != nil {
			t.Fatal(err)
		}
		if ruleIDs(fresh) != "disk_unattached/1/d-d " {
			t.Errorf("fresh after run 2: %s", ruleIDs(fresh))
		}
		for _, tt := range []struct {
			status string
			at     time.Time
			want   string
		}{
			{idle.StatusOpen, t1, "disk_unattached/1/d-d "},
			{idle.StatusDismissed, t1, "ecs_idle/1/i-b "},
			{idle.StatusSnoozed, t1, "ecs_idle/1/i-a "},
			{idle.StatusResolved, t1, "eip_unbound/2/eip-c "},
			{idle.StatusOpen, week.Add(time.Second), "ecs_idle/1/i-a disk_unattached/1/d-d "}, // the snooze ran out
		} {
			got, err := s.ListFindings(ctx, account.AllAccounts, store.FindingFilter{Status: tt.status}, tt.at)
			if err != nil {
				t.Fatal(err)
			}
			if ruleIDs(got) != tt.want {
				t.Errorf("%s at %s: %s, want %s", tt.status, tt.at, ruleIDs(got), tt.want)
			}
		}
		got, _ := s.ListFindings(ctx, account.AllAccounts, store.FindingFilter{Status: idle.StatusDismissed}, t1)
		if d := got[0].Dismissal; d == nil || d.Reason != "kept for DR" || d.By != 7 || got[0].MonthlySavings != 90_000_000 ||
			!got[0].DetectedAt.Equal(t0) || !got[0].EvaluatedAt.Equal(t1) || got[0].Status(t1) != idle.StatusDismissed {
			t.Errorf("dismissed finding after a run: %+v %+v", got[0], d)
		}

		// eip-c comes back: new again; the same rule and resource keep their id.
		t2 := t1.Add(24 * time.Hour)
		fresh, err = s.SaveFindings(ctx, []int64{2}, run1[2:], t2)
		if err != nil || ruleIDs(fresh) != "eip_unbound/2/eip-c " {
			t.Fatalf("reopened: %s %v", ruleIDs(fresh), err)
		}
		back, _ := s.ListFindings(ctx, account.Scope{IDs: []int64{2}}, store.FindingFilter{}, t2)
		if len(back) != 1 || back[0].ID != list[2].ID || !back[0].DetectedAt.Equal(t2) || back[0].ResolvedAt != nil {
			t.Errorf("reopened %+v", back)
		}
		// Account 1 was not in that run: its findings are untouched.
		if open, _ := s.ListFindings(ctx, account.Scope{IDs: []int64{1}}, store.FindingFilter{}, t2); ruleIDs(open) != "disk_unattached/1/d-d " {
			t.Errorf("account 1 after account 2's run: %s", ruleIDs(open))
		}

		// Totals per rule and currency; scope and filters apply.
		tot, err := s.FindingTotals(ctx, account.AllAccounts, store.FindingFilter{}, t2)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(tot) != "[{disk_unattached CNY 5.00 1} {eip_unbound USD 20.00 1}]" {
			t.Errorf("totals %v", tot)
		}
		tot, _ = s.FindingTotals(ctx, account.Scope{IDs: []int64{1}}, store.FindingFilter{AccountIDs: []int64{2}}, t2)
		if len(tot) != 0 {
			t.Errorf("viewer asking for an account not granted: %v", tot)
		}

		// Paging by cursor, largest first.
		all, _ := s.ListFindings(ctx, account.AllAccounts, store.FindingFilter{Status: idle.StatusOpen}, week.Add(time.Hour))
		page, _ := s.ListFindings(ctx, account.AllAccounts, store.FindingFilter{Status: idle.StatusOpen, Limit: 1,
			After: &store.FindingCursor{Savings: all[0].MonthlySavings, ID: all[0].ID}}, week.Add(time.Hour))
		if len(all) != 3 || len(page) != 1 || page[0].ID != all[1].ID {
			t.Errorf("paging: all %s page %s", ruleIDs(all), ruleIDs(page))
		}

		// Taking a dismissal back.
		if err := s.DismissFinding(ctx, account.AllAccounts, list[1].ID, nil); err != nil {
			t.Fatal(err)
		}
		if f, _ := s.GetFinding(ctx, account.AllAccounts, list[1].ID); f.Dismissal != nil || f.Status(t2) != idle.StatusOpen {
			t.Errorf("undismissed %+v", f)
		}
	})
}

func TestIdleOverrides(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		at := time.Date(2025, 12, 1, 2, 0, 0, 0, time.UTC)
		off := false
		for _, o := range []idle.Override{
			{Rule: "ecs_idle", Params: idle.Params{"maxCpu": 10}},
			{Rule: "ecs_idle", AccountID: 4, Enabled: &off},
			{Rule: "eip_unbound", Params: idle.Params{"minDays": 1}},
		} {
			if err := s.SaveIdleOverride(ctx, o, 1, at); err != nil {
				t.Fatal(err)
			}
		}
		// Replacing and removing.
		if err := s.SaveIdleOverride(ctx, idle.Override{Rule: "ecs_idle", Params: idle.Params{"maxCpu": 8, "days": 7}}, 1, at); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveIdleOverride(ctx, idle.Override{Rule: "eip_unbound"}, 1, at); err != nil {
			t.Fatal(err)
		}
		got, err := s.IdleOverrides(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].Params["maxCpu"] != 8 || got[0].Params["days"] != 7 || got[0].Enabled != nil ||
			got[1].AccountID != 4 || got[1].Enabled == nil || *got[1].Enabled {
			t.Errorf("overrides %+v", got)
		}
	})
}
