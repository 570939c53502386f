package ai

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/functions/anomaly"
	"github.com/cloudlens/cloudlens/functions/resources"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/report"
)

// seedFindings stores n open findings of accountID under a few rules, as a resources run would.
func seedFindings(t *testing.T, d *app.Deps, accountID int64, n int) {
	t.Helper()
	rules := []struct{ rule, typ string }{{"ecs_idle", "ecs"}, {"disk_unattached", "disk"}, {"eip_unbound", "eip"}, {"snapshot_old", "snapshot"}}
	var fs []idle.Finding
	for i := range n {
		r := rules[i%len(rules)]
		fs = append(fs, idle.Finding{Rule: r.rule, Action: idle.ActionRelease, AccountID: accountID, ResourceID: fmt.Sprintf("%s-%d-%02d", r.typ, accountID, i),
			Type: r.typ, Region: "cn-hangzhou", Name: fmt.Sprintf("web-%d", i), Reason: "idle", ReasonZh: "闲置",
			MonthlySavings: money.Micros((i*7919%500 + 3) * 10_000 * (int(accountID) + 1)), Currency: "CNY", Basis: idle.BasisFor(now.AddDate(0, 0, -1))})
	}
	if _, err := d.Store.SaveFindings(t.Context(), []int64{accountID}, fs, now.Add(-2e9)); err != nil {
		t.Fatal(err)
	}
}

func TestReportAnomalyAndSavingsSectionsEqualTheAPIs(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		byAccount := detectAnomalies(t, d)
		seedFindings(t, d, f.acc0, 14)
		seedFindings(t, d, f.acc1, 6)
		anomalies := apptest.Serve(t, anomaly.New(d))
		res := apptest.Serve(t, resources.New(d))
		// One anomaly of the month is judged not an anomaly: the report leaves it out.
		var feb struct{ Items []anomalyAPI }
		anomalies.Do("GET", "/api/v1/anomaly?start=2025-02-01&end=2025-02-28&accountId="+fmt.Sprint(f.acc0), f.admin, nil).JSON(t, &feb)
		if len(feb.Items) < 2 || len(byAccount[f.acc1]) == 0 {
			t.Fatalf("the fixture has too few anomalies in February: %+v", feb.Items)
		}
		dismissed := feb.Items[len(feb.Items)-1].ID
		if r := anomalies.Do("POST", fmt.Sprintf("/api/v1/anomaly/%d/feedback", dismissed), f.admin, map[string]string{"verdict": "not_anomaly"}); r.Status != 200 {
			t.Fatalf("feedback: %d %s", r.Status, r.Body)
		}

		for _, who := range []struct{ name, token string }{{"admin", f.admin}, {"viewer", f.viewer}} {
			t.Run(who.name, func(t *testing.T) {
				data, err := report.Gather(t.Context(), d.Store, adminOrViewerScope(t, f, who.token), "2025-02", d.Now())
				if err != nil {
					t.Fatal(err)
				}
				// Anomalies: the anomaly API's list of the month, less the dismissed one.
				var list struct {
					Items []struct {
						anomalyAPI
						Status string
					}
				}
				anomalies.Do("GET", "/api/v1/anomaly?start=2025-02-01&end=2025-02-28", who.token, nil).JSON(t, &list)
				var want []anomalyAPI
				count := map[string]int{}
				for _, it := range list.Items {
					if it.Status != "dismissed" {
						want = append(want, it.anomalyAPI)
						count[it.Currency]++
					}
				}
				if data.AnomalyCount != len(want) || len(want) == 0 || len(data.Anomalies) != min(len(want), 10) {
					t.Fatalf("report counts %d anomalies (%d listed), the API %d", data.AnomalyCount, len(data.Anomalies), len(want))
				}
				for _, tot := range data.AnomalyTotals {
					if tot.Count != count[tot.Currency] {
						t.Fatalf("%s: %d anomalies, API %d", tot.Currency, tot.Count, count[tot.Currency])
					}
				}
				for i, l := range data.Anomalies {
					w := want[i]
					// Figures are compared as the API writes them, in cents.
					if l.ID != w.ID || l.Impact.String() != w.Impact.String() || l.Expected.String() != w.Expected.String() ||
						l.Actual.String() != w.Actual.String() || l.StartDate != w.StartDate || l.EndDate != w.EndDate {
						t.Fatalf("anomaly %d: report %+v, API %+v", i, l, w)
					}
					if l.ID == dismissed {
						t.Fatal("the dismissed anomaly is in the report")
					}
					var detail anomalyAPI
					anomalies.Do("GET", fmt.Sprintf("/api/v1/anomaly/%d", l.ID), who.token, nil).JSON(t, &detail)
					for _, c := range l.Top {
						var asAPI contributorAPI
						b, _ := json.Marshal(c)
						if err := json.Unmarshal(b, &asAPI); err != nil {
							t.Fatal(err)
						}
						found := false
						for _, dc := range detail.Contributors {
							found = found || dc == asAPI
						}
						if !found {
							t.Fatalf("contributor %+v is not among the API's %+v", c, detail.Contributors)
						}
					}
				}
				// Findings: the findings API's totals, totals by rule and largest findings.
				var fl struct {
					Items []struct {
						ID             int64
						Rule           string
						MonthlySavings money.Micros
						Currency       string
					}
					Totals []struct {
						Currency       string
						MonthlySavings money.Micros
						Count          int64
					}
					ByRule []struct {
						Rule, Currency string
						MonthlySavings money.Micros
						Count          int64
					}
				}
				res.Do("GET", "/api/v1/resources/findings?limit=10", who.token, nil).JSON(t, &fl)
				if len(fl.Totals) != len(data.FindingTotals) || len(fl.ByRule) != len(data.FindingsByRule) || len(fl.Items) != len(data.Findings) || len(fl.Items) != 10 {
					t.Fatalf("report %+v / %+v / %d, API %+v / %+v / %d", data.FindingTotals, data.FindingsByRule, len(data.Findings), fl.Totals, fl.ByRule, len(fl.Items))
				}
				for i, tot := range fl.Totals {
					got := data.FindingTotals[i]
					if got.Currency != tot.Currency || got.MonthlySavings != tot.MonthlySavings || got.Count != tot.Count {
						t.Fatalf("total %+v, API %+v", got, tot)
					}
				}
				for _, br := range fl.ByRule {
					found := false
					for _, got := range data.FindingsByRule {
						found = found || got.Rule == br.Rule && got.Currency == br.Currency && got.MonthlySavings == br.MonthlySavings && got.Count == br.Count
					}
					if !found {
						t.Fatalf("rule total %+v is not in the report's %+v", br, data.FindingsByRule)
					}
				}
				for i, it := range fl.Items {
					if got := data.Findings[i]; got.ID != it.ID || got.MonthlySavings != it.MonthlySavings || got.Rule != it.Rule {
						t.Fatalf("finding %d: report %+v, API %+v", i, got, it)
					}
				}

				// Both renderings carry the sections and their figures.
				md := data.Markdown()
				html, err := data.HTML()
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range []string{"## Anomalies", "## Idle resources and savings findings", "### By rule", data.Anomalies[0].Impact.String(),
					data.FindingTotals[0].MonthlySavings.String(), data.Findings[0].ResourceID} {
					if !strings.Contains(md, s) {
						t.Errorf("Markdown lacks %q", s)
					}
				}
				for _, s := range []string{"<h2>Anomalies</h2>", "<h2>Idle resources and savings findings</h2>", fmt.Sprintf(`data-anomaly="%d"`, data.Anomalies[0].ID),
					fmt.Sprintf(`data-finding="%d"`, data.Findings[0].ID), `fill="#0d9488"`} {
					if !strings.Contains(html, s) {
						t.Errorf("HTML lacks %q", s)
					}
				}
				if strings.Contains(md+html, "once those features are deployed") {
					t.Error("the placeholder sentence is still there")
				}
				if !strings.Contains(data.Summary(false), fmt.Sprintf("%d cost anomal", data.AnomalyCount)) {
					t.Errorf("summary %q", data.Summary(false))
				}
			})
		}
	})
}
