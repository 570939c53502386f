package resources_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/resources"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

var now = time.Date(2025, 12, 1, 10, 0, 0, 0, billing.Shanghai)

// world creates accounts with n resources each and one finding per fifth resource, saved
// as a run at t.
func world(t testing.TB, d *app.Deps, accounts, n int, at time.Time) []int64 {
	t.Helper()
	ctx := context.Background()
	var ids []int64
	for a := range accounts {
		acc := account.Account{Name: fmt.Sprintf("acc-%d", a), UID: fmt.Sprintf("10000000000%05d", a), Site: account.SiteChina,
			AuthType: account.AuthAccessKey, AccessKeyID: "LTAI" + fmt.Sprint(a), Demo: a == 0}
		if err := d.Store.CreateAccount(ctx, &acc); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, acc.ID)
		items := make([]resource.Resource, 0, n)
		var fs []idle.Finding
		for i := range n {
			typ := resource.Types[i%len(resource.Types)]
			rid := fmt.Sprintf("%s-%d-%06d", typ, a, i)
			items = append(items, resource.Resource{AccountID: acc.ID, ResourceID: rid, Type: typ, Region: []string{"cn-hangzhou", "cn-beijing", "cn-shanghai"}[i%3],
				Name: fmt.Sprintf("web-%d", i), Status: "Running", ChargeType: resource.PostPaid,
				Tags: map[string]string{"env": []string{"prod", "dev"}[i%2], "team": fmt.Sprint("t", i%7)}, CreatedAt: now.AddDate(0, -3, 0)})
			if i%5 == 0 {
				rule := map[resource.Type]string{resource.ECS: "ecs_idle", resource.Disk: "disk_unattached", resource.Snapshot: "snapshot_old",
					resource.EIP: "eip_unbound", resource.NAT: "nat_no_entries", resource.SLB: "slb_no_backends", resource.RDS: "rds_no_connections",
					resource.Redis: "tair_idle"}[typ]
				fs = append(fs, idle.Finding{Rule: rule, Action: idle.ActionRelease, AccountID: acc.ID, ResourceID: rid, Type: string(typ),
					Region: "cn-hangzhou", Name: "web", Reason: "idle", ReasonZh: "闲置", MonthlySavings: money.Micros((1_000_000 + i*1013%997_000_000) / 10_000 * 10_000),
					Currency: "CNY", Basis: idle.BasisFor(now.AddDate(0, 0, -1))})
			}
		}
		if _, err := d.Store.SyncInventory(ctx, acc.ID, resource.Types, items, at); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Store.SaveFindings(ctx, []int64{acc.ID}, fs, at); err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

func TestFindingsAPIScopeAndDismissal(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		d.Now = func() time.Time { return now }
		ids := world(t, d, 2, 40, now.Add(-time.Hour))
		api := apptest.Serve(t, resources.New(d))
		_, admin := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
		_, editor := apptest.User(t, d, "editor@example.com", auth.RoleEditor, ids[0])
		_, viewer := apptest.User(t, d, "viewer@example.com", auth.RoleViewer, ids[1])

		type list struct {
			Demo  bool
			Items []struct {
				ID             int64
				AccountID      int64
				MonthlySavings money.Micros
				Status         string
			}
			Totals []struct {
				Currency       string
				MonthlySavings money.Micros
				Count          int
			}
			NextCursor string
		}
		get := func(tok, path string) list {
			t.Helper()
			res := api.Do(http.MethodGet, path, tok, nil)
			if res.Status != 200 {
				t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
			}
			var l list
			res.JSON(t, &l)
			return l
		}
		all := get(admin, "/api/v1/resources/findings")
		if len(all.Items) != 16 || all.Totals[0].Count != 16 || !all.Demo {
			t.Fatalf("admin sees %d findings, totals %+v, demo %v", len(all.Items), all.Totals, all.Demo)
		}
		if !slices.IsSortedFunc(all.Items, func(a, b struct {
			ID             int64
			AccountID      int64
			MonthlySavings money.Micros
			Status         string
		}) int {
			return int(b.MonthlySavings - a.MonthlySavings)
		}) {
			t.Error("findings are not sorted by monthly savings, largest first")
		}
		var sum money.Micros
		for _, f := range all.Items {
			sum += f.MonthlySavings
		}
		if all.Totals[0].MonthlySavings != sum {
			t.Errorf("total %s, items add up to %s", all.Totals[0].MonthlySavings, sum)
		}
		// Paging keeps the order and the totals.
		p1 := get(admin, "/api/v1/resources/findings?limit=10")
		p2 := get(admin, "/api/v1/resources/findings?limit=10&cursor="+p1.NextCursor)
		if len(p1.Items) != 10 || len(p2.Items) != 6 || p2.NextCursor != "" || p2.Items[0].ID != all.Items[10].ID || p2.Totals[0].Count != 16 {
			t.Errorf("pages %d+%d next %q", len(p1.Items), len(p2.Items), p2.NextCursor)
		}

		// Viewers see their accounts only, everywhere.
		v := get(viewer, "/api/v1/resources/findings")
		for _, f := range v.Items {
			if f.AccountID != ids[1] {
				t.Errorf("viewer sees account %d", f.AccountID)
			}
		}
		if len(v.Items) != 8 || v.Demo {
			t.Errorf("viewer sees %d findings, demo %v", len(v.Items), v.Demo)
		}
		if res := api.Do(http.MethodGet, fmt.Sprintf("/api/v1/resources/findings?accountId=%d", ids[0]), viewer, nil); res.Status != 404 {
			t.Errorf("viewer asking for another account: %d", res.Status)
		}
		var invList struct {
			Items []struct{ ID, AccountID int64 }
		}
		api.Do(http.MethodGet, "/api/v1/resources?limit=1000", viewer, nil).JSON(t, &invList)
		if len(invList.Items) != 40 {
			t.Errorf("viewer inventory %d, want 40", len(invList.Items))
		}
		var adminList struct {
			Items []struct{ ID, AccountID int64 }
		}
		api.Do(http.MethodGet, fmt.Sprintf("/api/v1/resources?accountId=%d&limit=1", ids[0]), admin, nil).JSON(t, &adminList)
		other := adminList.Items[0].ID
		if res := api.Do(http.MethodGet, fmt.Sprintf("/api/v1/resources/%d", other), viewer, nil); res.Status != 404 {
			t.Errorf("viewer reading another account's resource: %d", res.Status)
		}
		if res := api.Do(http.MethodGet, fmt.Sprintf("/api/v1/resources/%d", invList.Items[0].ID), viewer, nil); res.Status != 200 {
			t.Errorf("viewer reading a granted resource: %d %s", res.Status, res.Body)
		}

		// An editor dismisses one of account 0's findings; a viewer may not; an editor may not
		// touch a finding of an account not granted.
		mine := get(editor, "/api/v1/resources/findings").Items[0]
		theirs := v.Items[0]
		body := map[string]any{"reason": "kept for the DR drill"}
		if res := api.Do(http.MethodPost, fmt.Sprintf("/api/v1/resources/findings/%d/dismiss", mine.ID), viewer, body); res.Status != 403 {
			t.Errorf("viewer dismiss: %d", res.Status)
		}
		if res := api.Do(http.MethodPost, fmt.Sprintf("/api/v1/resources/findings/%d/dismiss", theirs.ID), editor, body); res.Status != 404 {
			t.Errorf("editor dismissing another account's finding: %d", res.Status)
		}
		if res := api.Do(http.MethodPost, fmt.Sprintf("/api/v1/resources/findings/%d/dismiss", mine.ID), editor, body); res.Status != 200 {
			t.Fatalf("dismiss: %d %s", res.Status, res.Body)
		}
		// The next evaluation sees the same findings again: the dismissal survives it.
		var fs []idle.Finding
		open, err := d.Store.ListFindings(t.Context(), account.AllAccounts, store.FindingFilter{AccountIDs: ids[:1]}, now)
		if err != nil {
			t.Fatal(err)
		}
		dismissed, _ := d.Store.GetFinding(t.Context(), account.AllAccounts, mine.ID)
		for _, r := range append(open, dismissed) {
			fs = append(fs, r.Finding)
		}
		if _, err := d.Store.SaveFindings(t.Context(), ids[:1], fs, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		after := get(editor, "/api/v1/resources/findings?status=dismissed")
		if len(after.Items) != 1 || after.Items[0].ID != mine.ID || after.Items[0].Status != "dismissed" {
			t.Errorf("after a later run: %+v", after.Items)
		}
		if n := len(get(editor, "/api/v1/resources/findings").Items); n != 7 {
			t.Errorf("open after dismissal: %d, want 7", n)
		}

		// CSV export: the same findings, exact amounts, neutralised text.
		res := api.Do(http.MethodGet, "/api/v1/resources/findings/export?format=csv", editor, nil)
		if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("csv: %d %s", res.Status, res.Header)
		}
		lines := strings.Split(strings.TrimSpace(string(res.Body)), "\n")
		if len(lines) != 8 || !strings.HasPrefix(lines[0], "id,status,rule") {
			t.Errorf("csv has %d lines: %s", len(lines), lines[0])
		}
	})
}

func TestBadInputNamesTheField(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		d.Now = func() time.Time { return now }
		world(t, d, 1, 10, now.Add(-time.Hour))
		api := apptest.Serve(t, resources.New(d))
		_, admin := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
		for _, tt := range []struct {
			method, path string
			body         any
			field        string
		}{
			{http.MethodGet, "/api/v1/resources?type=vm", nil, "type:"},
			{http.MethodGet, "/api/v1/resources?limit=0", nil, "limit:"},
			{http.MethodGet, "/api/v1/resources?cursor=-4", nil, "cursor:"},
			{http.MethodGet, "/api/v1/resources/findings?rule=nosuch", nil, "rule:"},
			{http.MethodGet, "/api/v1/resources/findings?type=vm", nil, "type:"},
			{http.MethodGet, "/api/v1/resources/findings?limit=5000", nil, "limit:"},
			{http.MethodGet, "/api/v1/resources/findings?cursor=x.y", nil, "cursor:"},
			{http.MethodGet, "/api/v1/resources/findings?status=all", nil, "status:"},
			{http.MethodPatch, "/api/v1/resources/rules/nosuch", map[string]any{"enabled": true}, "rule:"},
			{http.MethodPatch, "/api/v1/resources/rules/ecs_idle", map[string]any{"params": map[string]any{"maxCpu": -1}}, "params.maxCpu:"},
			{http.MethodPatch, "/api/v1/resources/rules/ecs_idle", map[string]any{"params": map[string]any{"days": 400}}, "params.days:"},
			{http.MethodPatch, "/api/v1/resources/rules/ecs_idle", map[string]any{"params": map[string]any{"colour": 1}}, "params.colour:"},
			{http.MethodPatch, "/api/v1/resources/rules/ecs_idle", map[string]any{"params": map[string]any{"maxCpu": "high"}}, "params.maxCpu:"},
		} {
			res := api.Do(tt.method, tt.path, admin, tt.body)
			if res.Status != 400 || !strings.Contains(string(res.Body), tt.field) {
				t.Errorf("%s %s: %d %s, want 400 naming %s", tt.method, tt.path, res.Status, res.Body, tt.field)
			}
		}
		// A rule change applies: organisation, then account.
		res := api.Do(http.MethodPatch, "/api/v1/resources/rules/ecs_idle", admin, map[string]any{"params": map[string]any{"maxCpu": 7.5}})
		if res.Status != 200 || !strings.Contains(string(res.Body), `"value":7.5`) {
			t.Errorf("patch: %d %s", res.Status, res.Body)
		}
	})
}

// TestListLatency100k measures the findings and inventory lists over 100,000 resources (10
// accounts × 10,000, one finding per five resources) on MySQL: p50 and p95 of 40 calls each.
// It runs when CLOUDLENS_BENCH_LISTS=1 (it takes minutes to load); BENCHMARKS.md has the figures.
func TestListLatency100k(t *testing.T) {
	if os.Getenv("CLOUDLENS_BENCH_LISTS") != "1" {
		t.Skip("CLOUDLENS_BENCH_LISTS is not 1")
	}
	s := storetest.MySQL(t)
	d := apptest.Deps(t, s)
	d.Now = func() time.Time { return now }
	start := time.Now()
	ids := world(t, d, 10, 10_000, now.Add(-time.Hour))
	t.Logf("loaded 100,000 resources and 20,000 findings in %s", time.Since(start).Round(time.Second))
	api := apptest.Serve(t, resources.New(d))
	_, admin := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
	_, viewer := apptest.User(t, d, "viewer@example.com", auth.RoleViewer, ids[:3]...)
	for _, tt := range []struct{ name, tok, path string }{
		{"findings (admin, first 200, totals)", admin, "/api/v1/resources/findings"},
		{"findings of one rule", admin, "/api/v1/resources/findings?rule=ecs_idle"},
		{"findings (viewer of 3 accounts)", viewer, "/api/v1/resources/findings"},
		{"inventory first page", admin, "/api/v1/resources"},
		{"inventory by type and region", admin, "/api/v1/resources?type=ecs&region=cn-beijing"},
		{"inventory by tag", admin, "/api/v1/resources?tag=team=t3"},
		{"inventory search", viewer, "/api/v1/resources?q=web-99"},
	} {
		var took []time.Duration
		for range 40 {
			t0 := time.Now()
			res := api.Do(http.MethodGet, tt.path, tt.tok, nil)
			took = append(took, time.Since(t0))
			if res.Status != 200 {
				t.Fatalf("%s: %d %s", tt.path, res.Status, res.Body)
			}
		}
		slices.Sort(took)
		t.Logf("%-40s p50 %6.1f ms  p95 %6.1f ms", tt.name, ms(took[19]), ms(took[37]))
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
