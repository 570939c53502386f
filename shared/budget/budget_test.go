package budget

import (
	"github.com/cloudlens/cloudlens/shared/billing"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, s, billing.Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func units(n int64) money.Micros { return money.Micros(n * 1_000_000) }

func TestWindowAndLabel(t *testing.T) {
	tests := []struct {
		period     Period
		day        string
		start, end string
		label      string
	}{
		{Month, "2026-11-15", "2026-11-01", "2026-11-30", "2026-11"},
		{Month, "2024-02-29", "2024-02-01", "2024-02-29", "2024-02"},
		{Quarter, "2026-11-15", "2026-10-01", "2026-12-31", "2026-Q4"},
		{Quarter, "2026-01-01", "2026-01-01", "2026-03-31", "2026-Q1"},
		{Quarter, "2026-06-30", "2026-04-01", "2026-06-30", "2026-Q2"},
		{Year, "2026-07-04", "2026-01-01", "2026-12-31", "2026"},
	}
	for _, tt := range tests {
		t.Run(string(tt.period)+"/"+tt.day, func(t *testing.T) {
			s, e := Window(tt.period, day(tt.day))
			if got := s.Format(time.DateOnly); got != tt.start {
				t.Errorf("start = %s, want %s", got, tt.start)
			}
			if got := e.Format(time.DateOnly); got != tt.end {
				t.Errorf("end = %s, want %s", got, tt.end)
			}
			if got := Label(tt.period, s); got != tt.label {
				t.Errorf("label = %s, want %s", got, tt.label)
			}
		})
	}
	t.Run("a UTC instant late in the evening is the next billing day", func(t *testing.T) {
		s, _ := Window(Month, time.Date(2026, 10, 31, 17, 0, 0, 0, time.UTC))
		if s.Format(time.DateOnly) != "2026-11-01" {
			t.Errorf("start = %s, want 2026-11-01 (Asia/Shanghai)", s.Format(time.DateOnly))
		}
	})
}

func TestAmountFor(t *testing.T) {
	months := make([]money.Micros, 12)
	months[9], months[10] = units(500), units(700) // October, November; December falls back
	b := &Budget{Amount: units(1000), MonthAmounts: months}
	tests := []struct {
		period Period
		start  string
		want   money.Micros
	}{
		{Month, "2026-11-01", units(700)},
		{Month, "2026-12-01", units(1000)},
		{Quarter, "2026-10-01", units(500 + 700 + 1000)},
		{Year, "2026-01-01", units(9*1000 + 500 + 700 + 1000)},
	}
	for _, tt := range tests {
		t.Run(string(tt.period)+"/"+tt.start, func(t *testing.T) {
			b.Period = tt.period
			if got := b.AmountFor(day(tt.start)); got != tt.want {
				t.Errorf("AmountFor = %s, want %s", got, tt.want)
			}
		})
	}
	if got := (&Budget{Period: Quarter, Amount: units(3)}).AmountFor(day("2026-10-01")); got != units(3) {
		t.Errorf("without month amounts the period allows Amount, got %s", got)
	}
}

func TestValidate(t *testing.T) {
	valid := func() *Budget {
		return &Budget{Name: "ECS prod", Period: Month, Amount: units(1000), Currency: "CNY",
			Filters: []string{"product:in:ecs,rds", "tag.env:notin:dev"}, Thresholds: DefaultThresholds}
	}
	if err := valid().Validate(); err != nil {
		t.Fatalf("valid budget refused: %v", err)
	}
	tests := []struct {
		name  string
		edit  func(b *Budget)
		field string
	}{
		{"empty name", func(b *Budget) { b.Name = "  " }, "name:"},
		{"control character in name", func(b *Budget) { b.Name = "a\x00b" }, "name:"},
		{"long name", func(b *Budget) { b.Name = strings.Repeat("预", MaxNameLength+1) }, "name:"},
		{"unknown period", func(b *Budget) { b.Period = "week" }, "period:"},
		{"zero amount", func(b *Budget) { b.Amount = 0 }, "amount:"},
		{"negative amount", func(b *Budget) { b.Amount = -1 }, "amount:"},
		{"huge amount", func(b *Budget) { b.Amount = MaxAmount + 1 }, "amount:"},
		{"unknown currency", func(b *Budget) { b.Currency = "EUR" }, "currency:"},
		{"eleven month amounts", func(b *Budget) { b.MonthAmounts = make([]money.Micros, 11) }, "monthAmounts:"},
		{"bad account id", func(b *Budget) { b.AccountIDs = []int64{0} }, "accountIds:"},
		{"unknown dimension", func(b *Budget) { b.Filters = []string{"colour:in:red"} }, "filters:"},
		{"malformed filter", func(b *Budget) { b.Filters = []string{"product=ecs"} }, "filters:"},
		{"threshold 0 %", func(b *Budget) { b.Thresholds = []Threshold{{0, Actual}} }, "thresholds:"},
		{"threshold 1001 %", func(b *Budget) { b.Thresholds = []Threshold{{1001, Actual}} }, "thresholds:"},
		{"unknown basis", func(b *Budget) { b.Thresholds = []Threshold{{80, "guess"}} }, "thresholds:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := valid()
			tt.edit(b)
			err := b.Validate()
			if errs.KindOf(err) != errs.KindInvalid {
				t.Fatalf("Validate = %v, want an invalid-input error", err)
			}
			if !strings.HasPrefix(errs.Message(err), tt.field) {
				t.Errorf("message %q does not name the field %q", errs.Message(err), tt.field)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	b := &Budget{AccountIDs: []int64{3, 1, 3}}
	b.Normalize()
	if len(b.AccountIDs) != 2 || b.AccountIDs[0] != 1 || b.AccountIDs[1] != 3 {
		t.Errorf("account ids = %v, want [1 3]", b.AccountIDs)
	}
	if len(b.Thresholds) != len(DefaultThresholds) {
		t.Errorf("thresholds = %v, want the defaults", b.Thresholds)
	}
	b.Thresholds = []Threshold{{100, Actual}, {50, Actual}, {100, Actual}}
	b.Normalize()
	if len(b.Thresholds) != 2 || b.Thresholds[0].Percent != 50 {
		t.Errorf("thresholds = %v, want [50 100] once each", b.Thresholds)
	}
}

// flat returns n days of the same daily cost.
func flat(n int, per money.Micros) []money.Micros {
	h := make([]money.Micros, n)
	for i := range h {
		h[i] = per
	}
	return h
}

func TestEvaluate(t *testing.T) {
	b := &Budget{ID: 7, Period: Month, Amount: units(2000), Thresholds: DefaultThresholds}
	asOf := day("2026-11-15")
	history := flat(HistoryDays, units(100))
	st := Evaluate(b, day("2026-11-16"), asOf, history)

	if st.PeriodStart != day("2026-11-01") || st.PeriodEnd != day("2026-11-30") {
		t.Fatalf("period %s..%s, want November", st.PeriodStart, st.PeriodEnd)
	}
	if st.Spent != units(1500) {
		t.Errorf("spent = %s, want 1500.00 (15 days of 100)", st.Spent)
	}
	want := cost.MonthEnd(history, asOf, st.Spent).Value
	if st.Forecast != want {
		t.Errorf("forecast = %s, want the cost forecast of the scope %s", st.Forecast, want)
	}
	if st.Forecast < units(2990) || st.Forecast > units(3010) {
		t.Errorf("forecast = %s, want about 3000.00 for a flat 100 a day", st.Forecast)
	}
	if st.Remaining != units(500) || st.PercentSpent != 75 {
		t.Errorf("remaining %s, percent spent %v; want 500.00 and 75", st.Remaining, st.PercentSpent)
	}
	if got := st.BurnDown.Format(time.DateOnly); got != "2026-11-20" {
		t.Errorf("burn-down = %s, want 2026-11-20 (the 20th day of 100 reaches 2000)", got)
	}
	if len(st.Series) != 15 || st.Series[14].Cumulative != units(1500) || st.Series[0].Cumulative != units(100) {
		t.Errorf("series = %d points ending at %v, want 15 ending at 1500", len(st.Series), st.Series[len(st.Series)-1])
	}

	crossed := map[string]bool{}
	for _, c := range Crossings(b, st) {
		crossed[c.DedupKey] = c.Crossed
	}
	wantCrossed := map[string]bool{
		"budget:7:2026-11-01:actual:50":    true,
		"budget:7:2026-11-01:actual:80":    false,
		"budget:7:2026-11-01:actual:100":   false,
		"budget:7:2026-11-01:forecast:100": true,
	}
	for k, v := range wantCrossed {
		if crossed[k] != v {
			t.Errorf("%s crossed = %v, want %v", k, crossed[k], v)
		}
	}
}

func TestEvaluateEdges(t *testing.T) {
	t.Run("first day of the period: nothing spent, all forecast", func(t *testing.T) {
		b := &Budget{Period: Month, Amount: units(10000)}
		st := Evaluate(b, day("2026-12-01"), day("2026-11-30"), flat(HistoryDays, units(100)))
		if st.Spent != 0 || len(st.Series) != 0 {
			t.Errorf("spent %s with %d points, want nothing", st.Spent, len(st.Series))
		}
		if st.Forecast < units(3090) || st.Forecast > units(3110) {
			t.Errorf("forecast = %s, want about 3100.00", st.Forecast)
		}
		if !st.BurnDown.IsZero() {
			t.Errorf("burn-down = %s, want none: 3100 never reaches 10000", st.BurnDown)
		}
	})
	t.Run("already over: burn-down is the day it was crossed", func(t *testing.T) {
		b := &Budget{Period: Quarter, Amount: units(250)}
		st := Evaluate(b, day("2026-10-06"), day("2026-10-05"), flat(HistoryDays, units(100)))
		if st.Spent != units(500) || st.Remaining != units(-250) || st.PercentSpent != 200 {
			t.Errorf("spent %s remaining %s percent %v", st.Spent, st.Remaining, st.PercentSpent)
		}
		if got := st.BurnDown.Format(time.DateOnly); got != "2026-10-03" {
			t.Errorf("burn-down = %s, want 2026-10-03", got)
		}
	})
	t.Run("a whole past period is all actual", func(t *testing.T) {
		b := &Budget{Period: Month, Amount: units(5000)}
		// asOf after the period (today in the period's last day, bills of later days present).
		st := Evaluate(b, day("2026-11-30"), day("2026-12-02"), flat(HistoryDays, units(100)))
		if st.Spent != units(3000) || st.Forecast != st.Spent {
			t.Errorf("spent %s forecast %s, want 3000.00 both", st.Spent, st.Forecast)
		}
	})
	t.Run("exact threshold is crossed, one micro-unit below is not", func(t *testing.T) {
		b := &Budget{Period: Month, Amount: units(1000), Thresholds: []Threshold{{80, Actual}}}
		for _, tc := range []struct {
			spent money.Micros
			want  bool
		}{{units(800), true}, {units(800) - 1, false}} {
			c := Crossings(b, Status{Amount: b.Amount, Spent: tc.spent, PeriodStart: day("2026-11-01")})
			if c[0].Crossed != tc.want {
				t.Errorf("spent %s: crossed %v, want %v", tc.spent.Exact(), c[0].Crossed, tc.want)
			}
		}
	})
}

func TestForecastRangeMatchesMonthEnd(t *testing.T) {
	h := make([]money.Micros, HistoryDays)
	for i := range h {
		h[i] = units(int64(80 + i%7*10 + i/10))
	}
	last := day("2026-11-17")
	got := cost.ForecastRange(h, last, last.AddDate(0, 0, 1), day("2026-11-30"))
	want := cost.MonthEnd(h, last, 0)
	if got != want {
		t.Errorf("ForecastRange = %+v, MonthEnd = %+v", got, want)
	}
}

func TestPast(t *testing.T) {
	got := Past(Quarter, day("2026-11-15"), 3)
	want := []string{"2026-07-01", "2026-04-01", "2026-01-01"}
	for i, w := range want {
		if got[i][0].Format(time.DateOnly) != w {
			t.Errorf("period %d starts %s, want %s", i, got[i][0].Format(time.DateOnly), w)
		}
	}
	if got[0][1].Format(time.DateOnly) != "2026-09-30" {
		t.Errorf("last quarter ends %s", got[0][1].Format(time.DateOnly))
	}
}

func TestAlert(t *testing.T) {
	b := &Budget{ID: 7, Name: "ECS 生产", Period: Month, Amount: units(2000), Currency: "CNY", Thresholds: DefaultThresholds}
	st := Evaluate(b, day("2026-11-16"), day("2026-11-15"), flat(HistoryDays, units(100)))
	var fired []Crossing
	for _, c := range Crossings(b, st) {
		if c.Crossed {
			fired = append(fired, c)
		}
	}
	if len(fired) != 2 {
		t.Fatalf("crossed %v, want 50 %% actual and 100 %% forecast", fired)
	}
	a := Alert(b, st, fired[1], "https://cloudlens.example.com", time.Unix(0, 0))
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	if a.Severity != "warning" || a.BudgetID != 7 || a.DedupKey != "budget:7:2026-11-01:forecast:100" {
		t.Errorf("alert = %+v", a)
	}
	if a.URL != "https://cloudlens.example.com/budgets/detail/?id=7" {
		t.Errorf("url = %s", a.URL)
	}
	if !strings.Contains(a.Title, "forecast to reach 100%") || !strings.Contains(a.TitleZh, "预计将达到 100%") {
		t.Errorf("titles %q / %q", a.Title, a.TitleZh)
	}
	if a.Impact != st.Forecast-st.Amount || a.Impact <= 0 {
		t.Errorf("impact = %s, want the forecast overspend", a.Impact)
	}
	if !strings.Contains(a.Text, "Amount reached on: 2026-11-20") || !strings.Contains(a.TextZh, "1500.00 CNY") {
		t.Errorf("text:\n%s\n%s", a.Text, a.TextZh)
	}
}
