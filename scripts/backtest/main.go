// Command backtest measures the month-end cost forecast of shared/cost against a seasonal-naive
// baseline on the simulator's daily totals: for every cut-off day whose month is complete, it
// forecasts the month's total from the history up to that day and compares it with the actual
// total. It reports MAPE, bias and the coverage of the 80 % interval.
//
//	go run ./scripts/backtest -accounts 3 -resources 60 -days 300
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"time"

	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/money"
)

type score struct {
	n               int
	absPct, sgnPct  float64
	covered, withPI int
}

func (s *score) add(forecast, actual float64, low, high float64, hasPI bool) {
	if actual == 0 {
		return
	}
	e := (forecast - actual) / actual
	s.n++
	s.absPct += math.Abs(e)
	s.sgnPct += e
	if hasPI {
		s.withPI++
		if actual >= low && actual <= high {
			s.covered++
		}
	}
}

func (s score) String() string {
	if s.n == 0 {
		return "no cases"
	}
	out := fmt.Sprintf("MAPE %5.2f %%  bias %+5.2f %%", 100*s.absPct/float64(s.n), 100*s.sgnPct/float64(s.n))
	if s.withPI > 0 {
		out += fmt.Sprintf("  80 %% interval coverage %5.1f %%", 100*float64(s.covered)/float64(s.withPI))
	}
	return out
}

// seasonalNaive forecasts each remaining day as the same weekday of the last observed week.
func seasonalNaive(hist []money.Micros, days int) float64 {
	var sum float64
	n := len(hist)
	for h := 1; h <= days; h++ {
		sum += float64(hist[n-7+(h-1)%7])
	}
	return sum
}

func main() {
	seed := flag.Int64("seed", 1, "simulator seed")
	accounts := flag.Int("accounts", 3, "simulated accounts")
	resources := flag.Int("resources", 60, "resources per account")
	days := flag.Int("days", 300, "days of history per account")
	today := flag.String("today", "2025-12-01", "the simulated today (YYYY-MM-DD); bills end the day before")
	flag.Parse()

	now, err := time.ParseInLocation(time.DateOnly, *today, billing.Shanghai)
	if err != nil {
		fmt.Fprintln(os.Stderr, "backtest: -today:", err)
		os.Exit(2)
	}
	now = now.Add(10 * time.Hour)
	w := aliyunsim.NewWorld(aliyunsim.Config{Seed: *seed, Accounts: *accounts, Resources: *resources, Now: func() time.Time { return now }})
	last := cost.Yesterday(now)
	first := last.AddDate(0, 0, -(*days - 1))

	var model, naive score
	var byHorizon [4]score // days left in the month: 1-7, 8-14, 15-21, 22+
	for _, acc := range w.Accounts() {
		series := make([]money.Micros, *days)
		w.EachBillItem(acc.UID, first, last, now, func(it aliyunsim.BillItem) bool {
			d, err := time.ParseInLocation(time.DateOnly, it.BillingDate, billing.Shanghai)
			if err == nil {
				series[int(d.Sub(first).Hours()/24+0.5)] += money.Micros(it.PretaxAmount)
			}
			return true
		})
		dayAt := func(i int) time.Time { return first.AddDate(0, 0, i) }
		for c := 56; c < *days; c++ {
			cut := dayAt(c)
			next := cut.AddDate(0, 0, 1)
			monthStart := time.Date(next.Year(), next.Month(), 1, 0, 0, 0, 0, billing.Shanghai)
			monthEnd := monthStart.AddDate(0, 1, -1)
			endIdx := int(monthEnd.Sub(first).Hours()/24 + 0.5)
			startIdx := int(monthStart.Sub(first).Hours()/24 + 0.5)
			if endIdx >= *days || startIdx < 0 {
				continue // the month is not complete in the history
			}
			var actual, mtd money.Micros
			for i := startIdx; i <= endIdx; i++ {
				actual += series[i]
				if i <= c {
					mtd += series[i]
				}
			}
			hist := series[max(0, c+1-84) : c+1]
			e := cost.MonthEnd(hist, cut, mtd)
			left := endIdx - c
			model.add(float64(e.Value), float64(actual), float64(e.Low), float64(e.High), true)
			byHorizon[min(3, (left-1)/7)].add(float64(e.Value), float64(actual), float64(e.Low), float64(e.High), true)
			naive.add(float64(mtd)+seasonalNaive(hist, left), float64(actual), 0, 0, false)
		}
	}
	fmt.Printf("month-end forecast, %d accounts × %d resources, %d days of history ending %s, %d cut-offs\n",
		*accounts, *resources, *days, last.Format(time.DateOnly), model.n)
	fmt.Printf("  weekday-aware trend (shared/cost): %s\n", model)
	fmt.Printf("  seasonal-naive baseline:          %s\n", naive)
	for i, name := range []string{"1-7", "8-14", "15-21", "22-31"} {
		fmt.Printf("  model, %5s days left:           %s\n", name, byHorizon[i])
	}
}
