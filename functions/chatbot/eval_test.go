package chatbot

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aitools"
	"github.com/cloudlens/cloudlens/shared/analyst"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
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
	s := storetest.SQLite(t)
	d := apptest.Deps(t, s)
	d.Now = func() time.Time { return now }
	data := costtest.Load(t, d.Store, costtest.Options{Seed: 5, Accounts: 2, Resources: 6, Now: now, Days: 100})
	d.Config.LLMAPIKey, d.Config.LLMBaseURL = key, os.Getenv("CLOUDLENS_LLM_BASE_URL")
	if m := os.Getenv("CLOUDLENS_LLM_MODEL"); m != "" {
		d.Config.LLMModel = m
	}
	facts := evalFactsOf(t, d, data)
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

func evalFactsOf(t *testing.T, d *app.Deps, _ costtest.Data) evalFacts {
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
	return f
}
