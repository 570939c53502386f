package costs

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/money"
)

type valuesAnswer struct {
	Items []struct {
		Value    string       `json:"value"`
		Label    string       `json:"label"`
		Cost     money.Micros `json:"cost"`
		Currency string       `json:"currency"`
	} `json:"items"`
	NextCursor *string `json:"nextCursor"`
}

// TestDimensionValues checks the picker's values against sums computed from the line items:
// every value with costs in the range and scope, largest first, labelled in the caller's
// language, searchable, paged to the end, and 400 naming the parameter on hostile input.
func TestDimensionValues(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		const start, end = "2025-02-01", "2025-03-14"
		get := func(t *testing.T, token, dim string, v url.Values, lang string) valuesAnswer {
			t.Helper()
			if v == nil {
				v = url.Values{}
			}
			v.Set("start", start)
			v.Set("end", end)
			r := f.c.DoWith("GET", "/api/v1/costs/dimensions/"+url.PathEscape(dim)+"/values?"+v.Encode(), token, nil,
				http.Header{"Accept-Language": {lang}})
			if r.Status != 200 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var got valuesAnswer
			r.JSON(t, &got)
			return got
		}
		// want sums billed cost per value|currency over the line items kept by keep.
		want := func(dim string, keep func(*billing.LineItem) bool) map[string]money.Micros {
			out := map[string]money.Micros{}
			for i := range f.data.Items {
				li := &f.data.Items[i]
				if li.ChargeDate < start || li.ChargeDate > end || !keep(li) {
					continue
				}
				if dim == "tag" {
					for _, tg := range li.Tags {
						if tg.Value != "" {
							out[tg.Key+"|"+li.Currency] += li.BilledCost
						}
					}
					continue
				}
				out[dimValue(li, dim)+"|"+li.Currency] += li.BilledCost
			}
			return out
		}
		all := func(*billing.LineItem) bool { return true }
		check := func(t *testing.T, got valuesAnswer, w map[string]money.Micros) {
			t.Helper()
			if len(got.Items) != len(w) {
				t.Fatalf("%d values, want %d: %+v", len(got.Items), len(w), got.Items)
			}
			for i, it := range got.Items {
				if c := w[it.Value+"|"+it.Currency]; c != it.Cost {
					t.Errorf("%s %s: %s, want %s", it.Value, it.Currency, it.Cost, c)
				}
				if i > 0 && it.Cost > got.Items[i-1].Cost {
					t.Errorf("not largest first at %d: %s after %s", i, it.Cost, got.Items[i-1].Cost)
				}
			}
		}

		for _, dim := range []string{"product", "region", "account", "resourceGroup", "billingItem", "tag", "tag.env", "chargeCategory"} {
			t.Run(dim, func(t *testing.T) {
				got := get(t, f.admin, dim, url.Values{"limit": {"200"}}, "zh")
				check(t, got, want(dim, all))
				if got.NextCursor != nil {
					t.Errorf("next cursor on a complete list: %q", *got.NextCursor)
				}
			})
		}

		t.Run("labels follow Accept-Language", func(t *testing.T) {
			for _, tc := range []struct{ lang, product, region string }{
				{"zh-CN,zh;q=0.9", "云服务器 ECS", "华东1（杭州）"},
				{"en-US,en;q=0.9", "Elastic Compute Service", "China (Hangzhou)"},
				{"", "云服务器 ECS", "华东1（杭州）"},
			} {
				labels := map[string]string{}
				for _, dim := range []string{"product", "region"} {
					for _, it := range get(t, f.admin, dim, nil, tc.lang).Items {
						labels[it.Value] = it.Label
					}
				}
				if labels["ecs"] != tc.product || labels["cn-hangzhou"] != tc.region {
					t.Errorf("%q: ecs %q, cn-hangzhou %q", tc.lang, labels["ecs"], labels["cn-hangzhou"])
				}
			}
			acc := f.data.Accounts[0]
			for _, it := range get(t, f.admin, "account", nil, "en").Items {
				if it.Value == strconv.FormatInt(acc.ID, 10) && it.Label != acc.Name {
					t.Errorf("account %s labelled %q, want %q", it.Value, it.Label, acc.Name)
				}
			}
		})

		t.Run("search by value and by label", func(t *testing.T) {
			byLabel := get(t, f.admin, "product", url.Values{"q": {"compute"}}, "en")
			if len(byLabel.Items) == 0 {
				t.Fatal("no product found by its English name")
			}
			for _, it := range byLabel.Items {
				if !strings.Contains(strings.ToLower(it.Label), "compute") && !strings.Contains(it.Value, "compute") {
					t.Errorf("%s (%s) does not match", it.Value, it.Label)
				}
			}
			check(t, get(t, f.admin, "product", url.Values{"q": {"云服务器"}}, "zh"), want("product", func(li *billing.LineItem) bool { return li.ServiceCode == "ecs" }))
			check(t, get(t, f.admin, "region", url.Values{"q": {"CN-HANG"}}, "zh"), want("region", func(li *billing.LineItem) bool { return li.RegionID == "cn-hangzhou" }))
			if got := get(t, f.admin, "product", url.Values{"q": {"no such product"}}, "zh"); len(got.Items) != 0 {
				t.Errorf("nonsense search found %+v", got.Items)
			}
		})

		t.Run("paging walks the whole list once", func(t *testing.T) {
			full := get(t, f.admin, "billingItem", url.Values{"limit": {"200"}}, "zh")
			if len(full.Items) < 5 {
				t.Fatalf("only %d billing items to page through", len(full.Items))
			}
			var paged []string
			v := url.Values{"limit": {"2"}}
			for pages := 0; ; pages++ {
				got := get(t, f.admin, "billingItem", v, "zh")
				if len(got.Items) > 2 || pages > len(full.Items) {
					t.Fatalf("page %d has %d items", pages, len(got.Items))
				}
				for _, it := range got.Items {
					paged = append(paged, it.Value+"|"+it.Currency)
				}
				if got.NextCursor == nil {
					break
				}
				v.Set("cursor", *got.NextCursor)
			}
			var whole []string
			for _, it := range full.Items {
				whole = append(whole, it.Value+"|"+it.Currency)
			}
			if strings.Join(paged, ",") != strings.Join(whole, ",") {
				t.Errorf("pages %v\nwhole %v", paged, whole)
			}
		})

		t.Run("scope", func(t *testing.T) {
			acc := f.data.Accounts[0]
			mine := func(li *billing.LineItem) bool { return li.AccountID == acc.ID }
			for _, dim := range []string{"product", "account", "tag", "tag.app", "costUnit"} {
				check(t, get(t, f.viewer, dim, url.Values{"limit": {"200"}}, "zh"), want(dim, mine))
			}
			for _, dim := range []string{"product", "tag", "tag.app"} {
				if got := get(t, f.nobody, dim, nil, "zh"); len(got.Items) != 0 {
					t.Errorf("a user without accounts sees %s values %+v", dim, got.Items)
				}
			}
		})

		t.Run("hostile input names the parameter", func(t *testing.T) {
			for _, tc := range []struct{ path, field string }{
				{"/api/v1/costs/dimensions/nonsense/values", "dimension"},
				{"/api/v1/costs/dimensions/tag./values", "dimension"},
				{"/api/v1/costs/dimensions/tag." + url.PathEscape("a\x00b") + "/values", "dimension"},
				{"/api/v1/costs/dimensions/tag." + strings.Repeat("k", 200) + "/values", "dimension"},
				{"/api/v1/costs/dimensions/product/values?start=2025-13-01", "start"},
				{"/api/v1/costs/dimensions/product/values?start=2025-03-01&end=2025-02-01", "end"},
				{"/api/v1/costs/dimensions/product/values?start=2020-01-01&end=2025-01-01", "range"},
				{"/api/v1/costs/dimensions/product/values?limit=0", "limit"},
				{"/api/v1/costs/dimensions/product/values?limit=201", "limit"},
				{"/api/v1/costs/dimensions/product/values?limit=1e3", "limit"},
				{"/api/v1/costs/dimensions/product/values?cursor=%27%20OR%201%3D1", "cursor"},
				{"/api/v1/costs/dimensions/product/values?cursor=" + url.QueryEscape("bzotMQ"), "cursor"},
				{"/api/v1/costs/dimensions/product/values?cursor=" + strings.Repeat("A", 100), "cursor"},
				{"/api/v1/costs/dimensions/product/values?q=" + url.QueryEscape("a\x01b"), "q"},
				{"/api/v1/costs/dimensions/product/values?q=" + strings.Repeat("x", 201), "q"},
				{"/api/v1/costs/dimensions/product/values?q=%ff%fe", "q"},
			} {
				r := f.c.Do("GET", tc.path, f.admin, nil)
				if r.Status != 400 || r.ErrorCode(t) != "invalid" {
					t.Errorf("%s: status %d %s", tc.path, r.Status, r.Body)
					continue
				}
				if m := r.Map(t)["error"].(map[string]any)["message"].(string); !strings.Contains(m, tc.field) {
					t.Errorf("%s: message %q does not name %s", tc.path, m, tc.field)
				}
			}
			if r := f.c.Do("GET", "/api/v1/costs/dimensions/product/values", "", nil); r.Status != 401 {
				t.Errorf("without a token: %d", r.Status)
			}
		})
	})
}

// TestCoverage: the first and last billed day in the caller's scope, null without any.
func TestCoverage(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		span := func(keep func(*billing.LineItem) bool) (string, string) {
			lo, hi := "", ""
			for i := range f.data.Items {
				li := &f.data.Items[i]
				if !keep(li) {
					continue
				}
				if lo == "" || li.ChargeDate < lo {
					lo = li.ChargeDate
				}
				if li.ChargeDate > hi {
					hi = li.ChargeDate
				}
			}
			return lo, hi
		}
		acc := f.data.Accounts[0]
		for _, tc := range []struct {
			name, token string
			keep        func(*billing.LineItem) bool
		}{
			{"admin", f.admin, func(*billing.LineItem) bool { return true }},
			{"viewer", f.viewer, func(li *billing.LineItem) bool { return li.AccountID == acc.ID }},
			{"nobody", f.nobody, func(*billing.LineItem) bool { return false }},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := f.c.Do("GET", "/api/v1/costs/coverage", tc.token, nil)
				var got struct{ First, Last *string }
				r.JSON(t, &got)
				lo, hi := span(tc.keep)
				if lo == "" {
					if r.Status != 200 || got.First != nil || got.Last != nil {
						t.Fatalf("%d %s", r.Status, r.Body)
					}
					return
				}
				if r.Status != 200 || got.First == nil || *got.First != lo || *got.Last != hi {
					t.Fatalf("%d %s, want %s..%s", r.Status, r.Body, lo, hi)
				}
			})
		}
	})
}
