package ai

import (
	"net/http"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/money"
)

type optimization struct {
	Items []struct {
		Kind, Rule, Action, ResourceID, Currency, Detail string
		AccountID, FindingID                             int64
		Estimate                                         bool
		MonthlyCost, MonthlySaving                       money.Micros
	}
	Totals []struct {
		Currency      string
		MonthlySaving money.Micros
		Count         int
	}
	Sources   []string
	Narrative string
}

// The idle rules' findings are ranked with the break-evens; a resource with both keeps only the
// larger proposal; a viewer sees only granted accounts' findings.
func TestOptimizeRanksIdleFindingsWithBreakEvens(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		c := apptest.Serve(t, New(d))
		var before optimization
		c.Do("POST", "/api/v1/ai/optimize", f.admin, map[string]any{"language": "en"}).JSON(t, &before)
		var target *struct {
			Kind, Rule, Action, ResourceID, Currency, Detail string
			AccountID, FindingID                             int64
			Estimate                                         bool
			MonthlyCost, MonthlySaving                       money.Micros
		}
		for i := range before.Items {
			if before.Items[i].AccountID == f.acc0 && before.Items[i].Kind == "subscription" {
				target = &before.Items[i]
				break
			}
		}
		if target == nil {
			t.Fatalf("no break-even of account %d to compete with: %+v", f.acc0, before.Items)
		}
		// A release of that resource saves its whole cost, more than the subscription would.
		release := idle.Finding{Rule: "ecs_idle", Action: idle.ActionRelease, AccountID: f.acc0, ResourceID: target.ResourceID,
			Type: idle.TypeECS, Region: "cn-hangzhou", Name: "idle-box", Reason: "max CPU 1.2 % over 14 days", ReasonZh: "14 天内 CPU 最高 1.2 %",
			MonthlySavings: target.MonthlyCost, Currency: target.Currency, Basis: idle.Basis{Start: "2025-02-12", End: "2025-03-13", Metric: "effective"}}
		other := idle.Finding{Rule: "eip_unbound", Action: idle.ActionRelease, AccountID: f.acc1, ResourceID: "eip-ungranted",
			Type: idle.TypeEIP, Region: "cn-shanghai", Name: "spare-ip", Reason: "unbound for 20 days", ReasonZh: "未绑定 20 天",
			MonthlySavings: 123_450_000, Currency: target.Currency, Basis: idle.Basis{Start: "2025-02-12", End: "2025-03-13", Metric: "effective"}}
		if _, err := d.Store.SaveFindings(t.Context(), []int64{f.acc0}, []idle.Finding{release}, now); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Store.SaveFindings(t.Context(), []int64{f.acc1}, []idle.Finding{other}, now); err != nil {
			t.Fatal(err)
		}

		for _, tc := range []struct {
			name        string
			token       string
			wantOther   bool
			wantSources string
		}{
			{"admin", f.admin, true, "idle,subscription"},
			{"viewer of one account", f.viewer, false, "idle,subscription"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := c.Do("POST", "/api/v1/ai/optimize", tc.token, map[string]any{"language": "en"})
				if res.Status != http.StatusOK {
					t.Fatalf("%d %s", res.Status, res.Body)
				}
				var o optimization
				res.JSON(t, &o)
				if strings.Join(o.Sources, ",") != tc.wantSources {
					t.Fatalf("sources %v", o.Sources)
				}
				var sawRelease, sawOther bool
				var sum money.Micros
				for _, it := range o.Items {
					sum += it.MonthlySaving
					switch {
					case it.ResourceID == target.ResourceID && it.AccountID == f.acc0:
						if sawRelease || it.Kind != "idle" || it.Rule != "ecs_idle" || it.Action != "release" || it.Estimate ||
							it.MonthlySaving != target.MonthlyCost || it.FindingID == 0 || it.Detail != release.Reason {
							t.Fatalf("the resource's proposals were not merged into its release: %+v", it)
						}
						sawRelease = true
					case it.ResourceID == "eip-ungranted":
						sawOther = true
						if it.MonthlySaving != 123_450_000 {
							t.Fatalf("%+v", it)
						}
					case it.Kind == "subscription" && !it.Estimate:
						t.Fatalf("a break-even from an assumed discount is an estimate: %+v", it)
					}
				}
				if !sawRelease || sawOther != tc.wantOther {
					t.Fatalf("release seen %v, ungranted finding seen %v: %+v", sawRelease, sawOther, o.Items)
				}
				var total money.Micros
				for _, tt := range o.Totals {
					total += tt.MonthlySaving
				}
				// The answer shows each figure in cents, rounded on its own.
				if diff := total - sum; diff > money.Micros(len(o.Items))*5_000 || -diff > money.Micros(len(o.Items))*5_000 {
					t.Fatalf("totals %s, items add up to %s", total, sum)
				}
			})
		}
	})
}
