package chatbot

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/anomalydetect"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aitools"
	"github.com/cloudlens/cloudlens/shared/analyst"
	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/savings/savingstest"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// evalCase is one question of the evaluation set, in Chinese and in English, and the figure
// (or name) a right answer must contain, computed with the code the API answers with.
type evalCase struct {
	zh, en string
	want   func(t *testing.T, f evalFacts) string
}

// evalFacts are the figures of the evaluation world.
type evalFacts struct {
	overview  cost.CurrencyOverview
	forecast  cost.CurrencyForecast
	feb, jan  cost.Series
	febList   cost.Series
	febDisc   cost.Series
	products  cost.Series // February by product
	regions   cost.Series // February by region
	resources cost.Resources
	// The anomalies (largest impact first) and the open idle findings (largest saving first)
	// with their totals, as the anomaly and resources APIs read them.
	anomalies []anomaly.Record
	findings  []idle.Record
	savings   store.FindingTotal // the open findings of the first currency, all rules
}

var evalSet = []evalCase{
	{"这个月到目前为止花了多少钱？", "How much have we spent so far this month?", func(t *testing.T, f evalFacts) string { return f.overview.MonthToDate.String() }},
	{"上个月总共花了多少？", "What was last month's total spend?", func(t *testing.T, f evalFacts) string { return f.overview.LastMonthTotal.String() }},
	{"本月至今比上月同期多花（或少花）了多少？", "How much more (or less) did we spend this month to date than in the same days last month?", func(t *testing.T, f evalFacts) string {
		return strings.TrimPrefix(f.overview.ChangeAmount.String(), "-")
	}},
	{"预计这个月月底总花费是多少？", "What is the forecast for this month's total?", func(t *testing.T, f evalFacts) string { return f.overview.Forecast.Value.String() }},
	{"这个月花费最多的产品是哪个？", "Which product costs the most this month?", func(t *testing.T, f evalFacts) string { return f.overview.TopProducts[0].Name }},
	{"这个月花费最多的产品花了多少？", "How much did the most expensive product cost this month?", func(t *testing.T, f evalFacts) string { return f.overview.TopProducts[0].Cost.String() }},
	{"这个月花费最多的账号是哪个？", "Which account spent the most this month?", func(t *testing.T, f evalFacts) string { return f.overview.TopAccounts[0].Name }},
	{"2025 年 2 月总共花了多少钱？", "What did we spend in February 2025 in total?", func(t *testing.T, f evalFacts) string { return f.feb.Total.String() }},
	{"2025 年 1 月总共花了多少钱？", "What did we spend in January 2025 in total?", func(t *testing.T, f evalFacts) string { return f.jan.Total.String() }},
	{"2025 年 2 月花费最多的产品花了多少？", "How much did the top product cost in February 2025?", func(t *testing.T, f evalFacts) string { return f.products.Groups[0].Total.String() }},
	{"2025 年 2 月最贵的资源是哪个（资源 ID）？", "Which resource (its id) was the most expensive in February 2025?", func(t *testing.T, f evalFacts) string { return f.resources.Items[0].ResourceID }},
	{"2025 年 2 月最贵的资源花了多少？", "How much did the most expensive resource cost in February 2025?", func(t *testing.T, f evalFacts) string { return f.resources.Items[0].Cost.String() }},
	{"2025 年 2 月花费最多的地域是哪个？", "Which region cost the most in February 2025?", func(t *testing.T, f evalFacts) string { return f.regions.Groups[0].Key[cost.DimRegion] }},
	{"2025 年 2 月的原价（折扣前）总额是多少？", "What was the list cost (before discounts) in February 2025?", func(t *testing.T, f evalFacts) string { return f.febList.Total.String() }},
	{"2025 年 2 月折扣和优惠券一共省了多少？", "How much did discounts and coupons save in February 2025?", func(t *testing.T, f evalFacts) string { return f.febDisc.Total.String() }},
	{"下个月的花费预测是多少？", "What is the spend forecast for next month?", func(t *testing.T, f evalFacts) string { return f.forecast.Months[0].Value.String() }},
	// Anomalies and idle findings.
	{"CloudLens 一共检测到多少个成本异常？", "How many cost anomalies has CloudLens detected?", func(t *testing.T, f evalFacts) string { return strconv.Itoa(len(f.anomalies)) }},
	{"影响最大的成本异常是哪天开始的？", "On which day did the cost anomaly with the largest impact start?", func(t *testing.T, f evalFacts) string { return f.anomalies[0].StartDate }},
	{"影响最大的成本异常比预期多花（或少花）了多少钱？", "By how much did the largest cost anomaly differ from the expected cost?", func(t *testing.T, f evalFacts) string {
		return strings.TrimPrefix(f.anomalies[0].Impact.String(), "-")
	}},
	{"影响最大的成本异常那几天实际花了多少？", "What was the actual cost during the largest cost anomaly?", func(t *testing.T, f evalFacts) string { return f.anomalies[0].Actual.String() }},
	{"清理闲置资源每月一共能省多少钱？", "How much could we save per month in total by acting on the idle-resource findings?", func(t *testing.T, f evalFacts) string { return f.savings.MonthlySavings.String() }},
	{"现在有多少条闲置资源的优化建议？", "How many open idle-resource findings are there?", func(t *testing.T, f evalFacts) string { return strconv.FormatInt(f.savings.Count, 10) }},
	{"哪个闲置资源每月能省的钱最多（资源 ID）？", "Which idle resource (its id) would save the most per month?", func(t *testing.T, f evalFacts) string { return f.findings[0].ResourceID }},
	{"每月能省钱最多的那个闲置资源能省多少？", "How much per month would the idle resource with the largest saving save?", func(t *testing.T, f evalFacts) string { return f.findings[0].MonthlySavings.String() }},
}

// TestEvaluationSet asks a real model every question of the set, in both languages, and
// counts the answers that carry the expected figure. It runs only when CLOUDLENS_LLM_API_KEY
// is set (with CLOUDLENS_LLM_BASE_URL and CLOUDLENS_LLM_MODEL for a provider other than
// DashScope), on SQLite; see docs/ai.md. EVAL_MIN_SCORE (default 0) fails it below a share.
func TestEvaluationSet(t *testing.T) {
	key := os.Getenv("CLOUDLENS_LLM_API_KEY")
	if key == "" {
		t.Skip("CLOUDLENS_LLM_API_KEY is not set: the evaluation set needs a real model")
	}
	d, facts := evalWorld(t)
	d.Config.LLMAPIKey, d.Config.LLMBaseURL = key, os.Getenv("CLOUDLENS_LLM_BASE_URL")
	if m := os.Getenv("CLOUDLENS_LLM_MODEL"); m != "" {
		d.Config.LLMModel = m
	}
	agent := analyst.New(d)
	env := aitools.Env{Scope: account.AllAccounts, Now: now}
	passed, total := 0, 0
	for i, c := range evalSet {
		want := c.want(t, facts)
		for _, q := range []string{c.zh, c.en} {
			total++
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			ans, err := agent.Ask(ctx, 1, env, nil, q, nil)
			cancel()
			ok := err == nil && strings.Contains(normalise(ans.Content), normalise(want))
			if ok {
				passed++
			}
			t.Logf("%2d %-5v want %q — %q (tools %d, err %v)", i+1, ok, want, clipText(ans.Content, 160), len(ans.ToolCalls), err)
		}
	}
	t.Logf("evaluation: %d of %d answers carry the expected figure (%s)", passed, total, d.Config.LLMModel)
	var min float64
	if v := os.Getenv("EVAL_MIN_SCORE"); v != "" {
		_, _ = fmt.Sscan(v, &min)
	}
	if float64(passed) < min*float64(total) {
		t.Fatalf("score %d/%d is below %.2f", passed, total, min)
	}
}

// evalWorld is the evaluation's world on SQLite: simulated bills of two accounts, the
// anomalies detection finds in them, the idle findings of their simulated inventory; and
// its figures.
func evalWorld(t *testing.T) (*app.Deps, evalFacts) {
	s := storetest.SQLite(t)
	d := apptest.Deps(t, s)
	d.Now = func() time.Time { return now }
	o := costtest.Options{Seed: 5, Accounts: 2, Resources: 6, Now: now, Days: 120}
	data := costtest.Load(t, d.Store, o)
	if _, err := anomalydetect.Run(t.Context(), d.Store, now, ""); err != nil {
		t.Fatal(err)
	}
	savingstest.Findings(t, d.Store, o, data)
	return d, evalFactsOf(t, d)
}

// TestEvaluationFacts checks, without a model, that every question of the set has its
// expected figure in the evaluation world.
func TestEvaluationFacts(t *testing.T) {
	_, facts := evalWorld(t)
	if len(evalSet) < 15 {
		t.Fatalf("the set has %d questions in each language", len(evalSet))
	}
	for i, c := range evalSet {
		if want := c.want(t, facts); want == "" || want == "0" || want == "0.00" {
			t.Errorf("question %d (%s) expects %q", i+1, c.en, want)
		}
	}
}

// normalise drops thousands separators and spaces, so "¥1,234.56" contains "1234.56".
func normalise(s string) string {
	return strings.NewReplacer(",", "", "，", "", " ", "", "\u00a0", "").Replace(s)
}

func clipText(s string, n int) string {
	r := []rune(strings.ReplaceAll(s, "\n", " "))
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return string(r)
}

func evalFactsOf(t *testing.T, d *app.Deps) evalFacts {
	ctx := context.Background()
	svc := cost.Service{Store: d.Store}
	all := account.AllAccounts
	var f evalFacts
	o, err := svc.Overview(ctx, all, now)
	if err != nil || len(o.Items) == 0 {
		t.Fatalf("overview: %v", err)
	}
	f.overview = o.Items[0]
	fc, err := svc.Forecast(ctx, all, now)
	if err != nil {
		t.Fatal(err)
	}
	f.forecast = fc.Items[0]
	one := func(start, end string, metric cost.Metric, dim string) cost.Series {
		q := cost.Query{Start: start, End: end, Granularity: cost.Month, Metric: metric, Top: 10}
		if dim != "" {
			q.GroupBy = []cost.Dim{{Kind: dim}}
		}
		if err := q.Validate(); err != nil {
			t.Fatal(err)
		}
		e, err := svc.Explore(ctx, all, q)
		if err != nil || len(e.Series) == 0 {
			t.Fatalf("explore: %v", err)
		}
		return e.Series[0]
	}
	f.feb = one("2025-02-01", "2025-02-28", cost.Billed, "")
	f.jan = one("2025-01-01", "2025-01-31", cost.Billed, "")
	f.febList = one("2025-02-01", "2025-02-28", cost.List, "")
	f.febDisc = one("2025-02-01", "2025-02-28", cost.Discount, "")
	f.products = one("2025-02-01", "2025-02-28", cost.Billed, cost.DimProduct)
	f.regions = one("2025-02-01", "2025-02-28", cost.Billed, cost.DimRegion)
	q := cost.Query{Start: "2025-02-01", End: "2025-02-28"}
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	if f.resources, err = svc.DrillDown(ctx, all, q, 1); err != nil || len(f.resources.Items) == 0 {
		t.Fatalf("resources: %v", err)
	}
	if f.anomalies, err = d.Store.ListAnomalies(ctx, all, store.AnomalyFilter{}); err != nil || len(f.anomalies) == 0 {
		t.Fatalf("anomalies: %d, %v", len(f.anomalies), err)
	}
	open := store.FindingFilter{Status: idle.StatusOpen}
	if f.findings, err = d.Store.ListFindings(ctx, all, open, now); err != nil || len(f.findings) == 0 {
		t.Fatalf("findings: %d, %v", len(f.findings), err)
	}
	totals, err := d.Store.FindingTotals(ctx, all, open, now)
	if err != nil {
		t.Fatal(err)
	}
	for _, tot := range totals {
		if tot.Currency == f.findings[0].Currency {
			f.savings.Currency = tot.Currency
			f.savings.MonthlySavings += tot.MonthlySavings
			f.savings.Count += tot.Count
		}
	}
	return f
}
