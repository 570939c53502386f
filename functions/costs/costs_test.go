package costs

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/cloudlens/cloudlens/shared/apijson"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/money"
)

// now is the test's "today": bills exist up to 2025-03-14.
var now = time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)

type fixture struct {
	d      *app.Deps
	c      *apptest.Client
	data   costtest.Data
	admin  string
	viewer string // may see the first account only
	nobody string // may see no account
}

func setup(t *testing.T, d *app.Deps) fixture {
	t.Helper()
	d.Now = func() time.Time { return now }
	data := costtest.Load(t, d.Store, costtest.Options{Seed: 7, Accounts: 3, Resources: 10, Now: now, Days: 80, Demo: []bool{false, true, false}})
	f := fixture{d: d, c: apptest.Serve(t, New(d)), data: data}
	_, f.admin = apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
	_, f.viewer = apptest.User(t, d, "viewer@example.com", auth.RoleViewer, data.Accounts[0].ID)
	_, f.nobody = apptest.User(t, d, "nobody@example.com", auth.RoleViewer)
	return f
}

// dimValue is the value of dimension dim on li, computed here from the line item alone.
func dimValue(li *billing.LineItem, dim string) string {
	if k, ok := strings.CutPrefix(dim, "tag."); ok {
		return costtest.Tag(li, k)
	}
	switch dim {
	case "account":
		return strconv.FormatInt(li.AccountID, 10)
	case "product":
		return li.ServiceCode
	case "region":
		return li.RegionID
	case "resourceGroup":
		return li.ResourceGroup
	case "costUnit":
		return li.CostUnit
	case "subscriptionType":
		return li.SubscriptionType
	case "billingItem":
		return li.BillingItem
	case "chargeCategory":
		return li.ChargeCategory
	}
	panic(dim)
}

func metricOf(m string) func(*billing.LineItem) money.Micros {
	switch m {
	case "list":
		return func(li *billing.LineItem) money.Micros { return li.ListCost }
	case "effective":
		return func(li *billing.LineItem) money.Micros { return li.EffectiveCost }
	case "discount":
		return func(li *billing.LineItem) money.Micros { return li.ListCost - li.BilledCost }
	}
	return costtest.Billed
}

type exploreAnswer struct {
	Demo        bool     `json:"demo"`
	Start       string   `json:"start"`
	End         string   `json:"end"`
	Granularity string   `json:"granularity"`
	GroupBy     []string `json:"groupBy"`
	Items       []struct {
		Currency string       `json:"currency"`
		Total    money.Micros `json:"total"`
		Periods  []string     `json:"periods"`
		Groups   []struct {
			Key    map[string]string `json:"key"`
			Label  string            `json:"label"`
			Other  bool              `json:"other"`
			Total  money.Micros      `json:"total"`
			Points []cost.Point      `json:"points"`
		} `json:"groups"`
	} `json:"items"`
}

// filterSpec is a filter as the test applies it to line items.
type filterSpec struct {
	dim     string
	exclude bool
	values  []string
}

func (f filterSpec) param() string {
	op := ":in:"
	if f.exclude {
		op = ":notin:"
	}
	return f.dim + op + strings.Join(f.values, ",")
}

func (f filterSpec) keep(li *billing.LineItem) bool {
	v := dimValue(li, f.dim)
	in := false
	for _, x := range f.values {
		if x == v {
			in = true
		}
	}
	return in != f.exclude
}

func TestExploreMatchesLineItems(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		firstAcc := strconv.FormatInt(f.data.Accounts[0].ID, 10)
		cases := []struct {
			name        string
			start, end  string
			granularity string
			groupBy     []string
			metric      string
			filters     []filterSpec
		}{
			{"product by day", "2025-03-01", "2025-03-14", "day", []string{"product"}, "", nil},
			{"account and region by month", "2025-01-01", "2025-03-14", "month", []string{"account", "region"}, "list", nil},
			{"tag env by week", "2025-02-01", "2025-03-14", "week", []string{"tag.env"}, "billed", nil},
			{"resource group, discount", "2025-02-01", "2025-02-28", "month", []string{"resourceGroup"}, "discount", nil},
			{"billing item filtered to one account", "2025-02-10", "2025-03-02", "day", []string{"billingItem"}, "effective",
				[]filterSpec{{dim: "account", values: []string{firstAcc}}}},
			{"subscription type without ECS", "2025-01-15", "2025-03-14", "week", []string{"subscriptionType", "chargeCategory"}, "",
				[]filterSpec{{dim: "product", exclude: true, values: []string{"ecs"}}}},
			{"cost unit with a tag filter", "2025-01-01", "2025-03-14", "month", []string{"costUnit"}, "",
				[]filterSpec{{dim: "tag.env", values: []string{"prod", ""}}}},
			{"no grouping", "2025-03-01", "2025-03-14", "day", nil, "", nil},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				v := url.Values{"start": {tc.start}, "end": {tc.end}, "granularity": {tc.granularity}, "top": {"100"}}
				if len(tc.groupBy) > 0 {
					v.Set("groupBy", strings.Join(tc.groupBy, ","))
				}
				if tc.metric != "" {
					v.Set("metric", tc.metric)
				}
				for _, fl := range tc.filters {
					v.Add("filter", fl.param())
				}
				r := f.c.Do("GET", "/api/v1/costs/explore?"+v.Encode(), f.admin, nil)
				if r.Status != 200 {
					t.Fatalf("status %d: %s", r.Status, r.Body)
				}
				var got exploreAnswer
				r.JSON(t, &got)

				keep := func(li *billing.LineItem) bool {
					if li.ChargeDate < tc.start || li.ChargeDate > tc.end {
						return false
					}
					for _, fl := range tc.filters {
						if !fl.keep(li) {
							return false
						}
					}
					return true
				}
				want := map[string]map[string]money.Micros{}
				wantTotal := f.data.Sum(keep, metricOf(tc.metric))
				for i := range f.data.Items {
					li := &f.data.Items[i]
					if !keep(li) {
						continue
					}
					var parts []string
					for _, g := range tc.groupBy {
						parts = append(parts, dimValue(li, g))
					}
					if want[li.Currency] == nil {
						want[li.Currency] = map[string]money.Micros{}
					}
					want[li.Currency][strings.Join(parts, "|")] += metricOf(tc.metric)(li)
				}
				if len(got.Items) != len(wantTotal) {
					t.Fatalf("%d currencies, want %d", len(got.Items), len(wantTotal))
				}
				for _, s := range got.Items {
					if s.Total != wantTotal[s.Currency] {
						t.Errorf("%s total %s, want %s", s.Currency, s.Total, wantTotal[s.Currency])
					}
					if len(s.Groups) != len(want[s.Currency]) {
						t.Errorf("%s: %d groups, want %d", s.Currency, len(s.Groups), len(want[s.Currency]))
					}
					for _, g := range s.Groups {
						var parts []string
						for _, dim := range tc.groupBy {
							parts = append(parts, g.Key[dim])
						}
						if w := want[s.Currency][strings.Join(parts, "|")]; g.Total != w {
							t.Errorf("%s %v: %s, want %s", s.Currency, g.Key, g.Total, w)
						}
						var sum money.Micros
						for _, p := range g.Points {
							sum += p.Cost
						}
						if sum != g.Total || len(g.Points) != len(s.Periods) {
							t.Errorf("%s %v: points add to %s over %d periods, total %s over %d", s.Currency, g.Key, sum, len(g.Points), g.Total, len(s.Periods))
						}
					}
				}
			})
		}

		t.Run("top N folds the rest into others", func(t *testing.T) {
			r := f.c.Do("GET", "/api/v1/costs/explore?start=2025-02-01&end=2025-02-28&granularity=month&groupBy=billingItem&top=2", f.admin, nil)
			var got exploreAnswer
			r.JSON(t, &got)
			wantTotal := f.data.Sum(costtest.Between("2025-02-01", "2025-02-28"), costtest.Billed)
			for _, s := range got.Items {
				if len(s.Groups) != 3 || !s.Groups[2].Other || s.Groups[2].Label != "others" {
					t.Fatalf("%s: groups %+v", s.Currency, s.Groups)
				}
				sum := s.Groups[0].Total + s.Groups[1].Total + s.Groups[2].Total
				if sum != wantTotal[s.Currency] || s.Total != sum || s.Groups[0].Total < s.Groups[1].Total {
					t.Errorf("%s: groups add to %s, total %s, want %s", s.Currency, sum, s.Total, wantTotal[s.Currency])
				}
			}
		})

		t.Run("scope", func(t *testing.T) {
			acc := f.data.Accounts[0]
			r := f.c.Do("GET", "/api/v1/costs/explore?start=2025-01-01&end=2025-03-14&granularity=month&groupBy=account", f.viewer, nil)
			if r.Status != 200 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var got exploreAnswer
			r.JSON(t, &got)
			want := f.data.Sum(func(li *billing.LineItem) bool {
				return li.AccountID == acc.ID && li.ChargeDate >= "2025-01-01" && li.ChargeDate <= "2025-03-14"
			}, costtest.Billed)
			if len(got.Items) != 1 || got.Items[0].Total != want[got.Items[0].Currency] || len(got.Items[0].Groups) != 1 ||
				got.Items[0].Groups[0].Key["account"] != strconv.FormatInt(acc.ID, 10) || got.Items[0].Groups[0].Label != acc.Name {
				t.Fatalf("viewer sees %s", r.Body)
			}
			if got.Demo {
				t.Error("viewer's answer rests on a real account only, yet says demo")
			}
			// Asking for an account outside the scope yields nothing, not its costs.
			other := strconv.FormatInt(f.data.Accounts[1].ID, 10)
			r = f.c.Do("GET", "/api/v1/costs/explore?accountId="+other, f.viewer, nil)
			r.JSON(t, &got)
			if r.Status != 200 || len(got.Items) != 0 {
				t.Fatalf("out-of-scope account: %d %s", r.Status, r.Body)
			}
			r = f.c.Do("GET", "/api/v1/costs/explore?start=2025-01-01&end=2025-03-14", f.nobody, nil)
			r.JSON(t, &got)
			if r.Status != 200 || len(got.Items) != 0 {
				t.Fatalf("user without grants: %d %s", r.Status, r.Body)
			}
			r = f.c.Do("GET", "/api/v1/costs/explore?start=2025-01-01&end=2025-03-14", f.admin, nil)
			r.JSON(t, &got)
			if !got.Demo {
				t.Error("admin's answer includes a demo account, yet demo is false")
			}
		})

		t.Run("bad input", func(t *testing.T) {
			bad := []struct{ query, mention string }{
				{"groupBy=colour", "is not one of"},
				{"groupBy=product,region,account", "at most 2"},
				{"groupBy=product,product", "twice"},
				{"start=2025-03-10&end=2025-03-01", "before start"},
				{"start=2024-01-01&end=2025-03-01", "at most 366"},
				{"start=2025-13-01&end=2025-03-01", "not a date"},
				{"granularity=hour", "granularity"},
				{"metric=profit", "metric"},
				{"top=0", "top"},
				{"top=101", "top"},
				{"groupBy=tag.", "needs a key"},
				{"groupBy=tag." + strings.Repeat("k", 129), "longer than 128"},
				{"groupBy=tag.a%01b", "control character"},
				{"filter=product:like:ecs", "dimension:in:"},
				{"filter=account:in:abc", "not a valid id"},
				{"filter=zone:in:a", "is not one of"},
				{"filter=product:in:" + strings.Repeat("x", 1001), "longer than 1000"},
				{"format=pdf", "format"},
			}
			for _, b := range bad {
				r := f.c.Do("GET", "/api/v1/costs/explore?"+b.query, f.admin, nil)
				if r.Status != 400 || r.ErrorCode(t) != "invalid" || !strings.Contains(string(r.Body), b.mention) {
					t.Errorf("%s: %d %s", b.query, r.Status, r.Body)
				}
			}
		})

		t.Run("filter values are data, not SQL", func(t *testing.T) {
			for _, v := range []string{"' OR '1'='1", "%", "_", "ecs%", "杭州", `"; DROP TABLE cost_daily; --`, strings.Repeat("é", 400), `\`} {
				for _, dim := range []string{"product", "tag.env", "billingItem"} {
					q := url.Values{"start": {"2025-01-01"}, "end": {"2025-03-14"}, "filter": {dim + ":in:" + v}}
					r := f.c.Do("GET", "/api/v1/costs/explore?"+q.Encode(), f.admin, nil)
					var got exploreAnswer
					r.JSON(t, &got)
					if r.Status != 200 || len(got.Items) != 0 {
						t.Errorf("%s = %q: %d %s", dim, v, r.Status, r.Body)
					}
				}
			}
			// The tables are intact and still answer.
			r := f.c.Do("GET", "/api/v1/costs/explore?start=2025-03-01&end=2025-03-14&groupBy=tag.%27%25", f.admin, nil)
			var got exploreAnswer
			r.JSON(t, &got)
			want := f.data.Sum(costtest.Between("2025-03-01", "2025-03-14"), costtest.Billed)
			for _, s := range got.Items {
				if s.Total != want[s.Currency] || len(s.Groups) != 1 || s.Groups[0].Key["tag.'%"] != "" {
					t.Errorf("odd tag key: %s", r.Body)
				}
			}
		})

		t.Run("authentication", func(t *testing.T) {
			for _, p := range []string{"overview", "explore", "explore?format=csv", "resources", "resources/i-1", "discounts", "forecast"} {
				if r := f.c.Do("GET", "/api/v1/costs/"+p, "", nil); r.Status != 401 {
					t.Errorf("%s without a token: %d", p, r.Status)
				}
			}
		})
	})
}

// overviewAnswer is the overview as the web app and the AI tools read it.
type overviewAnswer = apijson.Overview

func TestOverviewForecastAndDiscounts(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		mtd := f.data.Sum(costtest.Between("2025-03-01", "2025-03-14"), costtest.Billed)
		same := f.data.Sum(costtest.Between("2025-02-01", "2025-02-14"), costtest.Billed)
		last := f.data.Sum(costtest.Between("2025-02-01", "2025-02-28"), costtest.Billed)

		t.Run("overview", func(t *testing.T) {
			r := f.c.Do("GET", "/api/v1/costs/overview", f.admin, nil)
			if r.Status != 200 {
				t.Fatalf("status %d: %s", r.Status, r.Body)
			}
			var got overviewAnswer
			r.JSON(t, &got)
			if got.AsOf != "2025-03-14" || !got.Demo || len(got.Items) != len(mtd) {
				t.Fatalf("overview %s", r.Body)
			}
			for _, it := range got.Items {
				c := it.Currency
				if it.MonthToDate != mtd[c] || it.LastMonthSamePeriod != same[c] || it.LastMonthTotal != last[c] || it.ChangeAmount != mtd[c]-same[c] {
					t.Errorf("%s: %+v; want mtd %s same %s last %s", c, it, mtd[c], same[c], last[c])
				}
				if it.ChangePercent == nil {
					t.Errorf("%s: no change percent", c)
				}
				if !(it.Forecast.Low <= it.Forecast.Value && it.Forecast.Value <= it.Forecast.High && it.Forecast.Low >= it.MonthToDate) {
					t.Errorf("%s: forecast %+v below month to date %s", c, it.Forecast, it.MonthToDate)
				}
				if len(it.TopProducts) == 0 || len(it.TopProducts) > 5 || len(it.TopAccounts) == 0 {
					t.Fatalf("%s: top lists %+v %+v", c, it.TopProducts, it.TopAccounts)
				}
				p := it.TopProducts[0]
				want := f.data.Sum(func(li *billing.LineItem) bool {
					return li.ChargeDate >= "2025-03-01" && li.ChargeDate <= "2025-03-14" && li.ServiceCode == p.Key
				}, costtest.Billed)
				if p.Cost != want[c] || p.Name == "" {
					t.Errorf("%s top product %+v, want %s", c, p, want[c])
				}
				for _, a := range it.TopAccounts {
					id, _ := strconv.ParseInt(a.Key, 10, 64)
					want := f.data.Sum(func(li *billing.LineItem) bool {
						return li.ChargeDate >= "2025-03-01" && li.ChargeDate <= "2025-03-14" && li.AccountID == id
					}, costtest.Billed)
					if a.Cost != want[c] {
						t.Errorf("%s account %s: %s, want %s", c, a.Key, a.Cost, want[c])
					}
				}
			}
			// A cached second answer is the same answer.
			if r2 := f.c.Do("GET", "/api/v1/costs/overview", f.admin, nil); !bytes.Equal(r.Body, r2.Body) {
				t.Errorf("cached overview differs")
			}
			if st := f.d.Cache.Stats(); st.Hits == 0 {
				t.Errorf("second overview was not served from the cache: %+v", st)
			}
			// The viewer's overview holds the granted account only.
			var mine overviewAnswer
			f.c.Do("GET", "/api/v1/costs/overview", f.viewer, nil).JSON(t, &mine)
			acc := f.data.Accounts[0].ID
			wantMine := f.data.Sum(func(li *billing.LineItem) bool {
				return li.AccountID == acc && li.ChargeDate >= "2025-03-01" && li.ChargeDate <= "2025-03-14"
			}, costtest.Billed)
			if len(mine.Items) != 1 || mine.Items[0].MonthToDate != wantMine[mine.Items[0].Currency] || mine.Demo {
				t.Errorf("viewer overview %+v, want %v", mine, wantMine)
			}
			var none overviewAnswer
			f.c.Do("GET", "/api/v1/costs/overview", f.nobody, nil).JSON(t, &none)
			if len(none.Items) != 0 {
				t.Errorf("user without grants sees %+v", none)
			}
			// accountId narrows the admin's overview to that account: the same figures the viewer got.
			var one overviewAnswer
			f.c.Do("GET", "/api/v1/costs/overview?accountId="+strconv.FormatInt(acc, 10), f.admin, nil).JSON(t, &one)
			if len(one.Items) != 1 || one.Items[0].MonthToDate != wantMine[one.Items[0].Currency] {
				t.Errorf("admin overview of account %d: %+v, want %v", acc, one, wantMine)
			}
			// A viewer asking for an ungranted account gets nothing of it, not an error.
			var other overviewAnswer
			f.c.Do("GET", "/api/v1/costs/overview?accountId="+strconv.FormatInt(f.data.Accounts[1].ID, 10), f.viewer, nil).JSON(t, &other)
			if len(other.Items) != 0 {
				t.Errorf("viewer sees an ungranted account through accountId: %+v", other)
			}
			if r := f.c.Do("GET", "/api/v1/costs/overview?accountId=1%27%20OR%201=1", f.admin, nil); r.Status != 400 {
				t.Errorf("bad accountId: %d %s", r.Status, r.Body)
			}
		})

		t.Run("forecast", func(t *testing.T) {
			r := f.c.Do("GET", "/api/v1/costs/forecast", f.admin, nil)
			var got struct {
				Month string `json:"month"`
				Items []struct {
					Currency    string               `json:"currency"`
					MonthToDate money.Micros         `json:"monthToDate"`
					MonthEnd    cost.Estimate        `json:"monthEnd"`
					Months      []cost.MonthForecast `json:"months"`
				} `json:"items"`
			}
			r.JSON(t, &got)
			if r.Status != 200 || got.Month != "2025-03" || len(got.Items) != len(mtd) {
				t.Fatalf("forecast %d %s", r.Status, r.Body)
			}
			for _, it := range got.Items {
				if it.MonthToDate != mtd[it.Currency] || len(it.Months) != 3 || it.Months[0].Month != "2025-04" || it.Months[2].Month != "2025-06" {
					t.Errorf("%s: %+v", it.Currency, it)
				}
				// A month ahead is within a factor of two of last month: the model extrapolates, it does not explode.
				if v := it.Months[0].Value; v < last[it.Currency]/2 || v > last[it.Currency]*2 {
					t.Errorf("%s: April forecast %s against February %s", it.Currency, v, last[it.Currency])
				}
			}
		})

		t.Run("discounts", func(t *testing.T) {
			for _, by := range []string{"product", "region", "subscriptionType", "month"} {
				r := f.c.Do("GET", "/api/v1/costs/discounts?start=2025-01-01&end=2025-03-14&groupBy="+by, f.admin, nil)
				var got struct {
					Items []struct {
						Currency     string       `json:"currency"`
						ListCost     money.Micros `json:"listCost"`
						BilledCost   money.Micros `json:"billedCost"`
						Discount     money.Micros `json:"discount"`
						DiscountRate float64      `json:"discountRate"`
						Coupons      money.Micros `json:"coupons"`
						CashCoupons  money.Micros `json:"cashCoupons"`
						PrepaidCard  money.Micros `json:"prepaidCard"`
						Package      money.Micros `json:"resourcePackage"`
						Groups       []struct {
							Key      string       `json:"key"`
							ListCost money.Micros `json:"listCost"`
							Discount money.Micros `json:"discount"`
						} `json:"groups"`
					} `json:"items"`
				}
				r.JSON(t, &got)
				keep := costtest.Between("2025-01-01", "2025-03-14")
				list := f.data.Sum(keep, func(li *billing.LineItem) money.Micros { return li.ListCost })
				billed := f.data.Sum(keep, costtest.Billed)
				coupons := f.data.Sum(keep, func(li *billing.LineItem) money.Micros { return li.CouponDeduction })
				cash := f.data.Sum(keep, func(li *billing.LineItem) money.Micros { return li.CashCouponDeduction })
				prepaid := f.data.Sum(keep, func(li *billing.LineItem) money.Micros { return li.PrepaidCardDeduction })
				pkg := f.data.Sum(keep, func(li *billing.LineItem) money.Micros { return li.ResourcePackageDeduction })
				if r.Status != 200 || len(got.Items) != len(list) {
					t.Fatalf("%s: %d %s", by, r.Status, r.Body)
				}
				if prepaid["CNY"] == 0 {
					t.Fatal("the test bills have no prepaid-card deduction to show")
				}
				for _, it := range got.Items {
					c := it.Currency
					if it.ListCost != list[c] || it.BilledCost != billed[c] || it.Discount != list[c]-billed[c] || it.Coupons != coupons[c] || it.CashCoupons != cash[c] {
						t.Errorf("%s %s: %+v", by, c, it)
					}
					if it.PrepaidCard != prepaid[c] || it.Package != pkg[c] {
						t.Errorf("%s %s: prepaid cards %s (bills %s), resource packages %s (bills %s)", by, c, it.PrepaidCard, prepaid[c], it.Package, pkg[c])
					}
					if it.Discount <= 0 || it.DiscountRate <= 0 || it.DiscountRate >= 1 {
						t.Errorf("%s %s: discount %s rate %v", by, c, it.Discount, it.DiscountRate)
					}
					var sum money.Micros
					for _, g := range it.Groups {
						sum += g.Discount
						dim := by
						want := f.data.Sum(func(li *billing.LineItem) bool {
							if !keep(li) {
								return false
							}
							if dim == "month" {
								return li.BillingPeriod == g.Key
							}
							return dimValue(li, dim) == g.Key
						}, func(li *billing.LineItem) money.Micros { return li.ListCost })
						if g.ListCost != want[c] {
							t.Errorf("%s %s %s: list %s, want %s", by, c, g.Key, g.ListCost, want[c])
						}
					}
					if sum != it.Discount {
						t.Errorf("%s %s: groups' discounts add to %s, not %s", by, c, sum, it.Discount)
					}
				}
			}
			if r := f.c.Do("GET", "/api/v1/costs/discounts?groupBy=tag.env", f.admin, nil); r.Status != 400 {
				t.Errorf("discounts by tag: %d", r.Status)
			}
		})

		t.Run("drill-down", func(t *testing.T) {
			r := f.c.Do("GET", "/api/v1/costs/resources?start=2025-02-01&end=2025-02-28&limit=5", f.admin, nil)
			var got struct {
				Items []struct {
					AccountID  int64        `json:"accountId"`
					ResourceID string       `json:"resourceId"`
					Currency   string       `json:"currency"`
					Cost       money.Micros `json:"cost"`
				} `json:"items"`
			}
			r.JSON(t, &got)
			if r.Status != 200 || len(got.Items) != 5 {
				t.Fatalf("resources %d %s", r.Status, r.Body)
			}
			for i, it := range got.Items {
				want := f.data.Sum(func(li *billing.LineItem) bool {
					return li.ChargeDate >= "2025-02-01" && li.ChargeDate <= "2025-02-28" && li.AccountID == it.AccountID && li.ResourceID == it.ResourceID
				}, costtest.Billed)
				if it.Cost != want[it.Currency] || (i > 0 && it.Cost > got.Items[i-1].Cost) {
					t.Errorf("resource %s: %s, want %s", it.ResourceID, it.Cost, want[it.Currency])
				}
			}
			top := got.Items[0]
			r = f.c.Do("GET", "/api/v1/costs/resources/"+url.PathEscape(top.ResourceID)+"?start=2025-02-01&end=2025-02-28", f.admin, nil)
			var series struct {
				ResourceID string       `json:"resourceId"`
				Total      money.Micros `json:"total"`
				Points     []cost.Point `json:"points"`
			}
			r.JSON(t, &series)
			if r.Status != 200 || series.ResourceID != top.ResourceID || series.Total != top.Cost || len(series.Points) != 28 {
				t.Fatalf("series %d %s", r.Status, r.Body)
			}
			day := series.Points[9]
			want := f.data.Sum(func(li *billing.LineItem) bool {
				return li.ChargeDate == day.Period && li.AccountID == top.AccountID && li.ResourceID == top.ResourceID
			}, costtest.Billed)
			if day.Cost != want[top.Currency] {
				t.Errorf("%s on %s: %s, want %s", top.ResourceID, day.Period, day.Cost, want[top.Currency])
			}
			// Another user's resource is "not found", as is an unknown one.
			if top.AccountID != f.data.Accounts[0].ID {
				if r := f.c.Do("GET", "/api/v1/costs/resources/"+url.PathEscape(top.ResourceID)+"?start=2025-02-01&end=2025-02-28", f.viewer, nil); r.Status != 404 {
					t.Errorf("viewer reads another account's resource: %d", r.Status)
				}
			}
			if r := f.c.Do("GET", "/api/v1/costs/resources/i-nope", f.admin, nil); r.Status != 404 {
				t.Errorf("unknown resource: %d", r.Status)
			}
		})
	})
}

func TestExports(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		const q = "start=2025-02-01&end=2025-03-14&granularity=week&groupBy=product,region&top=100"
		want := f.data.Sum(costtest.Between("2025-02-01", "2025-03-14"), costtest.Billed)
		// The JSON answer's totals, to the cent, which every export must meet.
		var answer struct {
			Items []struct {
				Currency string
				Total    string
			}
		}
		if r := f.c.Do("GET", "/api/v1/costs/explore?"+q, f.admin, nil); r.Status != 200 || json.Unmarshal(r.Body, &answer) != nil {
			t.Fatalf("explore %d %s", r.Status, r.Body)
		}
		apiTotal := map[string]string{}
		for _, s := range answer.Items {
			apiTotal[s.Currency] = s.Total
		}
		// A day of the range is known to be incomplete for the first account.
		gapAccount := f.data.Accounts[0].ID
		if err := d.Store.MarkDayIncomplete(t.Context(), gapAccount, "2025-02-11", "throttled past every retry", 1, time.Now()); err != nil {
			t.Fatal(err)
		}

		readCSV := func(t *testing.T, path string, header http.Header) (notes []string, recs [][]string) {
			t.Helper()
			r := f.c.DoWith("GET", path, f.admin, nil, header)
			if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") {
				t.Fatalf("csv %d %s", r.Status, r.Body)
			}
			body, ok := bytes.CutPrefix(r.Body, []byte("\xef\xbb\xbf"))
			if !ok {
				t.Fatalf("csv does not start with a UTF-8 BOM: % x", r.Body[:min(8, len(r.Body))])
			}
			cr := csv.NewReader(bytes.NewReader(body))
			cr.FieldsPerRecord = -1
			all, err := cr.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			for len(all) > 0 && strings.HasPrefix(all[0][0], "# ") {
				notes, all = append(notes, all[0][0]), all[1:]
			}
			return notes, all
		}
		checkNotes := func(t *testing.T, notes []string, words ...string) {
			t.Helper()
			if len(notes) != 1 {
				t.Fatalf("notes %q; want one for account %d", notes, gapAccount)
			}
			for _, w := range append(words, "2025-02-11", "throttled past every retry", strconv.FormatInt(gapAccount, 10)) {
				if !strings.Contains(notes[0], w) {
					t.Errorf("note %q does not say %q", notes[0], w)
				}
			}
		}

		t.Run("csv", func(t *testing.T) {
			notes, recs := readCSV(t, "/api/v1/costs/explore?format=csv&lang=en&"+q, nil)
			checkNotes(t, notes, "Incomplete")
			if strings.Join(recs[0], ",") != "Currency,Product,Region,Name,Period,Billed cost" {
				t.Fatalf("header %v", recs[0])
			}
			got, totals := map[string]money.Micros{}, map[string]money.Micros{}
			for _, rec := range recs[1:] {
				v, err := money.Parse(rec[5])
				if err != nil {
					t.Fatal(err)
				}
				if rec[3] == "Total" {
					totals[rec[0]] = v
					continue
				}
				got[rec[0]] += v
			}
			for c, w := range want {
				// Full precision: the rows add up to the bills exactly, and so does the total row.
				if got[c] != w || totals[c] != w || totals[c].String() != apiTotal[c] {
					t.Errorf("%s: rows add to %s, total row %s, bills %s, API total %s", c, got[c].Exact(), totals[c].Exact(), w.Exact(), apiTotal[c])
				}
			}
		})

		t.Run("csv in Chinese from Accept-Language", func(t *testing.T) {
			notes, recs := readCSV(t, "/api/v1/costs/explore?format=csv&"+q, http.Header{"Accept-Language": {"zh-CN,zh;q=0.9,en;q=0.8"}})
			checkNotes(t, notes, "账单不完整")
			if strings.Join(recs[0], ",") != "币种,产品,地域,名称,期间,应付金额" {
				t.Fatalf("header %v", recs[0])
			}
			if _, recs := readCSV(t, "/api/v1/costs/explore?format=csv&"+q, http.Header{"Accept-Language": {"en-US,en;q=0.9"}}); recs[0][0] != "Currency" {
				t.Fatalf("English Accept-Language: header %v", recs[0])
			}
		})

		t.Run("csv wide", func(t *testing.T) {
			_, recs := readCSV(t, "/api/v1/costs/explore?format=csv&layout=wide&lang=en&"+q, nil)
			h := recs[0]
			// Currency, product, region, name, one column per week, the total.
			if len(h) < 6 || h[3] != "Name" || h[4] != "2025-01-27" || h[len(h)-1] != "Total (Billed cost)" {
				t.Fatalf("wide header %v", h)
			}
			got, totals := map[string]money.Micros{}, map[string]money.Micros{}
			for _, rec := range recs[1:] {
				var rowSum money.Micros
				for _, cell := range rec[4 : len(rec)-1] {
					v, err := money.Parse(cell)
					if err != nil {
						t.Fatal(err)
					}
					rowSum += v
				}
				total, err := money.Parse(rec[len(rec)-1])
				if err != nil || total != rowSum {
					t.Fatalf("row %v: periods add to %s, total cell %s", rec, rowSum.Exact(), rec[len(rec)-1])
				}
				if rec[3] == "Total" {
					totals[rec[0]] = total
				} else {
					got[rec[0]] += total
				}
			}
			for c, w := range want {
				if got[c] != w || totals[c] != w {
					t.Errorf("%s: wide rows add to %s, total row %s, want %s", c, got[c].Exact(), totals[c].Exact(), w.Exact())
				}
			}
		})

		if r := f.c.Do("GET", "/api/v1/costs/explore?format=csv&layout=tall&"+q, f.admin, nil); r.Status != 400 || !strings.Contains(string(r.Body), "layout") {
			t.Errorf("unknown layout: %d %s", r.Status, r.Body)
		}

		t.Run("xlsx", func(t *testing.T) {
			r := f.c.Do("GET", "/api/v1/costs/explore?format=xlsx&lang=en&"+q, f.admin, nil)
			if r.Status != 200 {
				t.Fatalf("xlsx %d %s", r.Status, r.Body)
			}
			x, err := excelize.OpenReader(bytes.NewReader(r.Body))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			rows, err := x.GetRows("Costs", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(rows[0], ",") != "Currency,Product,Region,Name,Period,Billed cost" {
				t.Fatalf("header %v", rows[0])
			}
			got, totals := map[string]float64{}, map[string]float64{}
			for _, row := range rows[1:] {
				v, err := strconv.ParseFloat(row[5], 64)
				if err != nil {
					t.Fatalf("cell %q: %v", row[5], err)
				}
				if row[3] == "Total" {
					totals[row[0]] = v
				} else {
					got[row[0]] += v
				}
			}
			for c, w := range want {
				if g, tot := money.Micros(got[c]*1e6+0.5), money.Micros(totals[c]*1e6+0.5); g.String() != w.String() || tot != w || tot.String() != apiTotal[c] {
					t.Errorf("%s: xlsx rows add to %s, total row %s, want %s", c, g, tot.Exact(), w.Exact())
				}
			}
			notes, err := x.GetRows("Notes")
			if err != nil || len(notes) != 1 || !strings.Contains(notes[0][0], "2025-02-11") {
				t.Fatalf("notes sheet %v, %v", notes, err)
			}
		})
	})
}
