package insight

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// Saving is one way to spend less, with its estimated monthly saving.
type Saving struct {
	Kind string `json:"kind"` // "idle" (a finding of the idle rules) or "subscription" (a break-even from the bills)
	// Rule, Action and FindingID name the idle finding (kind idle); Estimate says the figure is
	// priced from DescribePrice rather than billed.
	Rule         string       `json:"rule,omitempty"`
	Action       string       `json:"action,omitempty"`
	FindingID    int64        `json:"findingId,omitempty"`
	Estimate     bool         `json:"estimate"`
	AccountID    int64        `json:"accountId"`
	ResourceID   string       `json:"resourceId"`
	ResourceName string       `json:"resourceName"`
	Product      string       `json:"product"`
	Region       string       `json:"region"`
	Currency     string       `json:"currency"`
	MonthlyCost  money.Micros `json:"monthlyCost"`
	Saving       money.Micros `json:"monthlySaving"`
	// DaysActive is how many of the window's days the resource was billed; BreakEvenDays is
	// how many days a month it must run for a subscription to cost less.
	DaysActive    int    `json:"daysActive,omitempty"`
	BreakEvenDays int    `json:"breakEvenDays,omitempty"`
	Detail        string `json:"detail"`
	DetailZh      string `json:"detailZh,omitempty"`
}

// Options tune the estimates.
type Options struct {
	// SubscriptionDiscount is the assumed price cut of a monthly subscription against
	// pay-as-you-go for the same month (0.05..0.8). Alibaba's prices vary by product, region
	// and term; the answer states the assumption.
	SubscriptionDiscount float64
}

// DefaultSubscriptionDiscount is assumed when none is given.
const DefaultSubscriptionDiscount = 0.3

// Source finds savings in scope as seen at now: the idle rules' findings (Findings) and
// subscription break-evens from the bills (Subscriptions). Collect gathers them.
type Source interface {
	Name() string
	Savings(ctx context.Context, scope account.Scope, now time.Time, o Options) ([]Saving, error)
}

// Window is how many days of bills the savings look at.
const Window = 30

// minActiveDays is how many days of Window a pay-as-you-go resource must be billed to count
// as always on.
const minActiveDays = 25

// candidates is how many of the largest pay-as-you-go resources are examined.
const candidates = 30

// Subscriptions finds pay-as-you-go resources that ran (nearly) every day of the window:
// on a subscription they would cost about SubscriptionDiscount less.
type Subscriptions struct{ Cost cost.Service }

// Name implements Source.
func (Subscriptions) Name() string { return "subscription" }

// WindowOf is the window of days ending yesterday as seen at now.
func WindowOf(now time.Time) Range {
	y := cost.Yesterday(now)
	return Range{cost.FormatDay(y.AddDate(0, 0, 1-Window)), cost.FormatDay(y)}
}

// Savings implements Source.
func (s Subscriptions) Savings(ctx context.Context, scope account.Scope, now time.Time, o Options) ([]Saving, error) {
	d := o.SubscriptionDiscount
	if d == 0 {
		d = DefaultSubscriptionDiscount
	}
	if d < 0.05 || d > 0.8 {
		return nil, errs.OutOfRange("subscriptionDiscount", 0.05, 0.8)
	}
	w := WindowOf(now)
	f, err := cost.ParseFilter(cost.DimSubscriptionType + ":in:PayAsYouGo")
	if err != nil {
		return nil, err
	}
	q := cost.Query{Start: w.Start, End: w.End, Granularity: cost.Day, Metric: cost.Billed, Filters: []cost.Filter{f}}
	if err := q.Validate(); err != nil {
		return nil, err
	}
	top, err := s.Cost.DrillDown(ctx, scope, q, candidates)
	if err != nil {
		return nil, err
	}
	breakEven := int(math.Ceil(float64(Window) * (1 - d)))
	var out []Saving
	for _, r := range top.Items {
		if r.ResourceID == "" || r.Cost <= 0 {
			continue
		}
		h, err := s.Cost.Resource(ctx, scope, r.ResourceID, q)
		if errs.Is(err, errs.KindNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, ser := range h.Series {
			if ser.AccountID != r.AccountID || ser.Currency != r.Currency {
				continue
			}
			active := 0
			for _, p := range ser.Points {
				if p.Cost > 0 {
					active++
				}
			}
			if active < minActiveDays {
				continue
			}
			// The pay-as-you-go part of the resource's cost (the filter) over the window is its month.
			saving := money.Micros(math.Round(float64(r.Cost) * d))
			out = append(out, Saving{Kind: "subscription", AccountID: r.AccountID, ResourceID: r.ResourceID, ResourceName: r.ResourceName,
				Product: r.Product, Region: r.Region, Currency: r.Currency, MonthlyCost: r.Cost, Saving: saving, DaysActive: active,
				BreakEvenDays: breakEven, Estimate: true,
				Detail: fmt.Sprintf("billed pay-as-you-go on %d of the last %d days; a monthly subscription pays off above %d days a month at the assumed %.0f%% discount",
					active, Window, breakEven, d*100)})
		}
	}
	return out, nil
}

// Rank orders savings largest first (per currency amounts are compared as numbers; a mixed
// list keeps each currency's order) and cuts to n.
func Rank(s []Saving, n int) []Saving {
	slices.SortStableFunc(s, func(a, b Saving) int {
		if c := cmp.Compare(b.Saving, a.Saving); c != 0 {
			return c
		}
		return strings.Compare(a.ResourceID, b.ResourceID)
	})
	if len(s) > n {
		s = s[:n]
	}
	if s == nil {
		s = []Saving{}
	}
	return s
}

// Total is a currency's monthly saving.
type Total struct {
	Currency string       `json:"currency"`
	Saving   money.Micros `json:"monthlySaving"`
	Count    int          `json:"count"`
}

// Totals adds the savings per currency.
func Totals(s []Saving) []Total {
	by := map[string]*Total{}
	for _, x := range s {
		t := by[x.Currency]
		if t == nil {
			t = &Total{Currency: x.Currency}
			by[x.Currency] = t
		}
		t.Saving += x.Saving
		t.Count++
	}
	out := []Total{}
	for _, t := range by {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b Total) int { return strings.Compare(a.Currency, b.Currency) })
	return out
}

// SavingsSummary is the template text of a list of savings.
func SavingsSummary(s []Saving, totals []Total, zh bool) string {
	if len(s) == 0 {
		if zh {
			return "没有找到可节省的项目：没有未处理的闲置资源发现，最近 30 天也没有长期按量付费运行的资源。"
		}
		return "No savings found: no open idle-resource finding, and no resource ran pay-as-you-go all of the last 30 days."
	}
	var b strings.Builder
	for i, t := range totals {
		if i > 0 {
			b.WriteString(" ")
		}
		if zh {
			fmt.Fprintf(&b, "共 %d 项，预计每月可节省 %s %s。", t.Count, t.Currency, t.Saving)
		} else {
			fmt.Fprintf(&b, "%d item(s) could save about %s %s a month.", t.Count, t.Currency, t.Saving)
		}
	}
	top := s[0]
	if top.Kind == "idle" {
		if zh {
			fmt.Fprintf(&b, "节省最多的是 %s（%s，%s），每月约 %s %s：%s", top.ResourceID, top.ResourceName, top.Product, top.Currency, top.Saving, top.DetailZh)
		} else {
			fmt.Fprintf(&b, " The largest is %s (%s, %s), about %s %s a month: %s", top.ResourceID, top.ResourceName, top.Product, top.Currency, top.Saving, top.Detail)
		}
		return b.String()
	}
	if zh {
		fmt.Fprintf(&b, "节省最多的是 %s（%s），按量付费每月 %s %s，改为包年包月约可省 %s %s。", top.ResourceID, top.Product, top.Currency, top.MonthlyCost, top.Currency, top.Saving)
	} else {
		fmt.Fprintf(&b, " The largest is %s (%s): %s %s a month pay-as-you-go, about %s %s less on a subscription.", top.ResourceID, top.Product, top.Currency, top.MonthlyCost, top.Currency, top.Saving)
	}
	return b.String()
}
