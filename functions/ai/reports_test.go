package ai

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/functions/budgets"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/report"
)

func TestReportFiguresEqualTheAPIs(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		b := apptest.Serve(t, budgets.New(d))
		if res := b.Do("POST", "/api/v1/budgets", f.admin, map[string]any{"name": "All <b>clouds</b>", "period": "month", "amount": "50000.00", "currency": "CNY"}); res.Status != 201 {
			t.Fatalf("budget: %d %s", res.Status, res.Body)
		}
		for _, who := range []struct{ name, token string }{{"admin", f.admin}, {"viewer", f.viewer}} {
			t.Run(who.name, func(t *testing.T) {
				scope := adminOrViewerScope(t, f, who.token)
				data, err := report.Gather(t.Context(), d.Store, scope, "2025-02", d.Now())
				if err != nil {
					t.Fatal(err)
				}
				byAccount := explorerTotal(t, f, who.token, "2025-02-01", "2025-02-28", "account")
				byProduct := explorerTotal(t, f, who.token, "2025-02-01", "2025-02-28", "product")
				prevProduct := explorerTotal(t, f, who.token, "2025-01-01", "2025-01-31", "product")
				if len(data.Currencies) == 0 {
					t.Fatal("no currencies")
				}
				for _, c := range data.Currencies {
					if c.Spend != byAccount[c.Currency] || c.Spend != byProduct[c.Currency] || c.Previous != prevProduct[c.Currency] {
						t.Fatalf("%s spend %s/%s, explorer %s/%s", c.Currency, c.Spend, c.Previous, byAccount[c.Currency], prevProduct[c.Currency])
					}
					for _, l := range c.ByAccount {
						if l.Spend != byAccount[c.Currency+"|"+l.Key] {
							t.Fatalf("account %s: %s, explorer %s", l.Key, l.Spend, byAccount[c.Currency+"|"+l.Key])
						}
					}
					for _, l := range c.ByProduct {
						if l.Spend != byProduct[c.Currency+"|"+l.Key] || l.Previous != prevProduct[c.Currency+"|"+l.Key] {
							t.Fatalf("product %s: %s, explorer %s", l.Key, l.Spend, byProduct[c.Currency+"|"+l.Key])
						}
					}
				}
				var fc struct {
					Items []struct {
						Currency, MonthToDate string
						MonthEnd              struct{ Value string }
					}
				}
				f.costs.Do("GET", "/api/v1/costs/forecast", who.token, nil).JSON(t, &fc)
				for i, it := range data.Forecast.Items {
					if it.MonthToDate.String() != fc.Items[i].MonthToDate || it.MonthEnd.Value.String() != fc.Items[i].MonthEnd.Value {
						t.Fatalf("forecast %v, API %v", it, fc.Items[i])
					}
				}
				if who.name == "admin" {
					var bud struct {
						Items []struct {
							ID      int64
							History []struct{ Period, Spent string }
						}
					}
					b.Do("GET", "/api/v1/budgets", f.admin, nil).JSON(t, &bud)
					got := b.Do("GET", fmt.Sprintf("/api/v1/budgets/%d", bud.Items[0].ID), f.admin, nil)
					var one struct {
						History []struct{ Period, Spent string }
					}
					got.JSON(t, &one)
					found := false
					for _, h := range one.History {
						if h.Period == "2025-02" {
							found = true
							if len(data.Budgets) != 1 || data.Budgets[0].Spent.String() != h.Spent {
								t.Fatalf("budget spent %v, API %s", data.Budgets, h.Spent)
							}
						}
					}
					if !found {
						t.Fatalf("the budgets API has no 2025-02 period: %s", got.Body)
					}
				}
			})
		}
	})
}

func TestReportOnDemandDownloadsThroughASignedLink(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		c := apptest.Serve(t, New(d))
		res := c.Do("POST", "/api/v1/ai/reports", f.viewer, map[string]string{"month": "2025-02"})
		if res.Status != http.StatusCreated {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		var rep struct {
			ID      int64
			Month   string
			Summary string
		}
		res.JSON(t, &rep)
		if rep.Month != "2025-02" || !strings.Contains(rep.Summary, "2025-02") {
			t.Fatalf("%+v", rep)
		}
		for _, bad := range []map[string]string{{"month": "2025-13"}, {"month": "2031-01"}, {}} {
			if res := c.Do("POST", "/api/v1/ai/reports", f.viewer, bad); res.Status != http.StatusBadRequest {
				t.Errorf("month %v: %d", bad, res.Status)
			}
		}
		// The viewer's report is not the admin's to hide, but an admin report is not the viewer's.
		if res := c.Do("POST", "/api/v1/ai/reports", f.admin, map[string]string{"month": "2025-02"}); res.Status != http.StatusCreated {
			t.Fatal(res.Status)
		}
		var list struct{ Items []struct{ ID int64 } }
		c.Do("GET", "/api/v1/ai/reports", f.viewer, nil).JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != rep.ID {
			t.Fatalf("viewer's list %+v", list)
		}
		c.Do("GET", "/api/v1/ai/reports", f.admin, nil).JSON(t, &list)
		if len(list.Items) != 2 {
			t.Fatalf("admin's list %+v", list)
		}
		if res := c.Do("GET", fmt.Sprintf("/api/v1/ai/reports/%d/download", list.Items[0].ID), f.viewer, nil); res.Status != http.StatusNotFound {
			t.Fatalf("the admin's report reached the viewer: %d", res.Status)
		}
		for _, format := range []string{"html", "md"} {
			var link struct{ URL string }
			res := c.Do("GET", fmt.Sprintf("/api/v1/ai/reports/%d/download?format=%s", rep.ID, format), f.viewer, nil)
			res.JSON(t, &link)
			if res.Status != 200 || !strings.HasPrefix(link.URL, "/api/v1/ai/report-files?") {
				t.Fatalf("%d %s", res.Status, res.Body)
			}
			// The link alone, without a credential, downloads the report.
			resp, err := http.Get(c.URL() + link.URL)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || !strings.Contains(string(body), "CloudLens cost report 2025-02") {
				t.Fatalf("%s download: %d %.200s", format, resp.StatusCode, body)
			}
			if format == "html" && !strings.Contains(string(body), "<svg") {
				t.Fatal("the HTML report has no chart")
			}
			// A link changed by hand is refused.
			resp, _ = http.Get(c.URL() + strings.Replace(link.URL, "signature=", "signature=0", 1))
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("tampered link: %d", resp.StatusCode)
			}
			resp.Body.Close()
		}
	})
}

// adminOrViewerScope is the scope of the fixture's user behind token.
func adminOrViewerScope(t *testing.T, f *fixture, token string) account.Scope {
	if token == f.admin {
		return account.Scope{All: true}
	}
	return account.Scope{IDs: []int64{f.acc0}}
}
