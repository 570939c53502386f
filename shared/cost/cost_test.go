package cost

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/money"
)

func TestParseQuery(t *testing.T) {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, billing.Shanghai) // yesterday is in February
	tests := []struct {
		query   string
		start   string
		end     string
		rollup  bool
		wantErr string
	}{
		{"", "2025-02-01", "2025-02-28", true, ""},
		{"start=2025-01-01&end=2025-01-31&groupBy=account,region", "2025-01-01", "2025-01-31", true, ""},
		{"groupBy=tag.env", "2025-02-01", "2025-02-28", false, ""},
		{"filter=billingItem:notin:a,b", "2025-02-01", "2025-02-28", false, ""},
		{"filter=tag.a:b:in:x", "2025-02-01", "2025-02-28", false, ""},
		{"start=2024-02-01&end=2025-02-01", "", "", false, "367 days"},
		{"start=2024-02-02&end=2025-02-01", "2024-02-02", "2025-02-01", true, ""},
		{"start=2025-02-02&end=2025-02-01", "", "", false, "before start"},
		{"groupBy=cost", "", "", false, `groupBy: "cost" is not one of`},
		{"top=abc", "", "", false, "not a number"},
		{"accountId=0", "", "", false, "not a valid id"},
	}
	for _, tt := range tests {
		v, _ := url.ParseQuery(tt.query)
		q, err := ParseQuery(v, now)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: error %v, want %q", tt.query, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tt.query, err)
			continue
		}
		if q.Start != tt.start || q.End != tt.end || q.InRollup() != tt.rollup || q.Granularity != Day || q.Metric != Billed || q.Top != DefaultTop {
			t.Errorf("%q: %+v (rollup %v)", tt.query, q, q.InRollup())
		}
	}
}

func TestPeriods(t *testing.T) {
	tests := []struct {
		g    Granularity
		want string
	}{
		{Day, "2025-02-26,2025-02-27,2025-02-28,2025-03-01,2025-03-02,2025-03-03"},
		{Week, "2025-02-24,2025-03-03"},
		{Month, "2025-02,2025-03"},
	}
	for _, tt := range tests {
		if got := strings.Join(Periods("2025-02-26", "2025-03-03", tt.g), ","); got != tt.want {
			t.Errorf("%s: %s, want %s", tt.g, got, tt.want)
		}
	}
}

func TestShapeTopN(t *testing.T) {
	q := Query{Start: "2025-03-01", End: "2025-03-02", Granularity: Day, GroupBy: []Dim{{Kind: DimProduct}}, Top: 2}
	rows := []Row{
		{"CNY", "2025-03-01", []string{"ecs"}, 500}, {"CNY", "2025-03-02", []string{"ecs"}, 100},
		{"CNY", "2025-03-01", []string{"oss"}, 300}, {"CNY", "2025-03-01", []string{"rds"}, 200},
		{"CNY", "2025-03-02", []string{"cdn"}, 50}, {"USD", "2025-03-02", []string{"ecs"}, 7},
	}
	got := Shape(q, rows, func(d Dim, v string) string {
		if v == "ecs" {
			return "Elastic Compute Service"
		}
		return ""
	})
	if len(got) != 2 || got[0].Currency != "CNY" || got[0].Total != 1150 || got[1].Total != 7 {
		t.Fatalf("%+v", got)
	}
	g := got[0].Groups
	if len(g) != 3 || g[0].Label != "Elastic Compute Service" || g[0].Total != 600 || g[1].Key["product"] != "oss" ||
		!g[2].Other || g[2].Total != 250 || g[2].Points[0].Cost != 200 || g[2].Points[1].Cost != 50 {
		t.Fatalf("groups %+v", g)
	}
}

func TestForecastRecoversWeekdayPattern(t *testing.T) {
	// Eight weeks of a flat weekday pattern (weekends at half) must forecast exactly that pattern.
	last := time.Date(2025, 3, 16, 0, 0, 0, 0, billing.Shanghai) // a Sunday
	var hist []money.Micros
	for d := last.AddDate(0, 0, -55); !d.After(last); d = d.AddDate(0, 0, 1) {
		v := money.Micros(100_000_000)
		if d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			v = 50_000_000
		}
		hist = append(hist, v)
	}
	e := MonthEnd(hist, last, 1_000_000_000)
	// 17..31 March 2025: 11 weekdays and 4 weekend days.
	want := money.Micros(1_000_000_000 + 11*100_000_000 + 4*50_000_000)
	if d := e.Value - want; d > 10 || d < -10 || e.Low > e.Value || e.High < e.Value {
		t.Fatalf("month end %+v, want %s", e, want)
	}
	out := Outlook(hist, last, 3)
	if len(out) != 3 || out[0].Month != "2025-04" || out[2].Month != "2025-06" {
		t.Fatalf("outlook %+v", out)
	}
	// April 2025 has 22 weekdays and 8 weekend days.
	if d := out[0].Value - money.Micros(22*100_000_000+8*50_000_000); d > 100 || d < -100 {
		t.Fatalf("April %+v", out[0])
	}

	// Noise widens the interval, and the interval contains the value.
	noisy := append([]money.Micros(nil), hist...)
	for i := range noisy {
		if i%3 == 0 {
			noisy[i] += 20_000_000
		}
	}
	n := MonthEnd(noisy, last, 1_000_000_000)
	if !(n.Low < n.Value && n.Value < n.High) || n.High-n.Low <= e.High-e.Low {
		t.Fatalf("noisy %+v vs exact %+v", n, e)
	}
}

func TestFocusConformance(t *testing.T) {
	li := billing.LineItem{BillingAccountID: "1234", ChargeDate: "2025-03-01", ServiceName: "Elastic Compute Service",
		ServiceCode: "ecs", ServiceCategory: "Compute", ChargeCategory: "Usage", Currency: "CNY",
		ListCost: 2_000_000, BilledCost: 1_500_000, EffectiveCost: 1_500_000, InvoiceDiscount: 300_000,
		Tags: []billing.Tag{{Key: "env", Value: "prod"}}, PrepaidCardDeduction: 250_000, ResourcePackageDeduction: 120_000,
		AdjustAmount: -10_000, PaymentAmount: 1_250_000, CashAmount: 1_000_000, OutstandingAmount: 250_000,
		ListPrice: "0.520000", ListPriceUnit: "元/小时", InstanceSpec: "ecs.g7.large", ServicePeriod: "1", ServicePeriodUnit: "Month"}
	r, err := ToFocus(&li)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckFocusHeader(FocusColumns); err != nil {
		t.Fatal(err)
	}
	row := r.Row()
	if err := CheckFocusRow(row); err != nil {
		t.Fatal(err)
	}
	if row["ChargePeriodStart"] != "2025-02-28T16:00:00Z" || row["BillingPeriodEnd"] != "2025-03-31T16:00:00Z" ||
		row["ContractedCost"] != "1.7" || row["Tags"] != `{"env":"prod"}` {
		t.Fatalf("row %v", row)
	}
	// The deductions and settlement amounts the bill carries are shown, exactly.
	for col, want := range map[string]string{
		"x_PrepaidCardDeduction": "0.25", "x_ResourcePackageDeduction": "0.12", "x_AdjustAmount": "-0.01",
		"x_PaymentAmount": "1.25", "x_CashAmount": "1", "x_OutstandingAmount": "0.25", "x_ListPrice": "0.520000",
		"x_ListPriceUnit": "元/小时", "x_InstanceSpec": "ecs.g7.large", "x_ServicePeriod": "1", "x_ServicePeriodUnit": "Month",
	} {
		if row[col] != want {
			t.Errorf("%s = %q, want %q", col, row[col], want)
		}
	}
	if len(r.Values()) != len(FocusColumns) {
		t.Fatalf("%d values for %d columns", len(r.Values()), len(FocusColumns))
	}
	if err := CheckFocusHeader([]string{"BilledCost"}); err == nil || !strings.Contains(err.Error(), "ServiceName") {
		t.Fatalf("missing columns: %v", err)
	}
	bad := []struct{ col, value, want string }{
		{"BillingAccountId", "", "BillingAccountId is null"},
		{"ChargeCategory", "Fee", "ChargeCategory"},
		{"ServiceCategory", "Stuff", "ServiceCategory"},
		{"BilledCost", "1,5", "not a decimal"},
		{"ChargePeriodEnd", "2025-02-28T15:00:00Z", "ends before"},
		{"ChargePeriodStart", "2025-03-01", "UTC datetime"},
		{"BillingCurrency", "cny", "ISO 4217"},
	}
	for _, b := range bad {
		m := r.Row()
		m[b.col] = b.value
		if err := CheckFocusRow(m); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s=%q: %v", b.col, b.value, err)
		}
	}
}

// TestForecastIntervalCoversJumps: after a calm month, the residuals of the fit are near zero,
// but the history shows the spend jumping by 30 % now and then. The month-end interval must
// reflect the errors those jumps caused at earlier cut-offs instead of collapsing to a point.
func TestForecastIntervalCoversJumps(t *testing.T) {
	last := time.Date(2026, 10, 31, 0, 0, 0, 0, billing.Shanghai)
	var hist []money.Micros
	for i := 0; i < 150; i++ {
		v := money.Micros(100_000_000)
		if i < 120 && (i/15)%2 == 1 { // 15 days high, 15 days low, then a calm last month
			v = 130_000_000
		}
		hist = append(hist, v)
	}
	parametric := Fit(hist, last).Sum(last.AddDate(0, 0, 1), last.AddDate(0, 0, 30))
	e := MonthEnd(hist, last, 0)
	if e.Value != parametric.Value {
		t.Fatalf("calibration changed the point forecast: %v vs %v", e.Value, parametric.Value)
	}
	width, pwidth := e.High-e.Low, parametric.High-parametric.Low
	if width < 10*pwidth || width < e.Value/10 {
		t.Fatalf("interval not widened by past errors: calibrated [%v, %v], parametric [%v, %v]", e.Low, e.High, parametric.Low, parametric.High)
	}
	if e.Low > e.Value || e.High < e.Value {
		t.Fatalf("interval [%v, %v] does not contain its forecast %v", e.Low, e.High, e.Value)
	}
}
