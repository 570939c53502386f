// Package savings runs the idle rules (shared/idle) over the stored inventory of accounts:
// it describes each resource as the rules see it (metric summaries, its own effective cost
// over the basis window from the cost roll-ups, DescribePrice quotes), keeps the findings
// (store.SaveFindings) and raises one idle alert digest for the new ones. resourcesync calls
// it at the end of each run; tests and benchmarks call it directly.
package savings

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/store"
)

// HoursPerMonth turns an hourly pay-as-you-go quote into a month: 30 days, the month the
// findings' basis window and Alibaba's monthly subscription both span.
const HoursPerMonth = 720

// Runner evaluates the rules for accounts.
type Runner struct {
	Store     *store.Store
	Log       *slog.Logger
	Now       func() time.Time
	PublicURL string
}

// Result is what one run did.
type Result struct {
	Accounts  int
	Resources int
	Findings  int
	New       int
	Raised    []alert.Alert // the digest, when one was raised (its deliveries are pending)
	Took      time.Duration
}

// Run evaluates every rule for each account of accountIDs and keeps the outcome. One account
// that cannot be evaluated does not stop the others; the error names each that failed.
func (r Runner) Run(ctx context.Context, accountIDs []int64) (Result, error) {
	start := time.Now()
	now := r.Now()
	asOf := cost.Yesterday(now)
	overrides, err := r.Store.IdleOverrides(ctx)
	if err != nil {
		return Result{}, err
	}
	e := idle.NewEvaluator(idle.Settings{Overrides: overrides}, asOf, now)
	var res Result
	var fresh []idle.Record
	var failed []error
	for _, acc := range accountIDs {
		if ctx.Err() != nil {
			failed = append(failed, ctx.Err())
			break
		}
		subjects, err := r.Subjects(ctx, acc, e, asOf)
		if err == nil {
			var fs []idle.Finding
			for i := range subjects {
				fs = e.Subject(&subjects[i], fs)
			}
			var nw []idle.Record
			nw, err = r.Store.SaveFindings(ctx, []int64{acc}, fs, now)
			res.Resources += len(subjects)
			res.Findings += len(fs)
			fresh = append(fresh, nw...)
		}
		if err != nil {
			failed = append(failed, fmt.Errorf("account %d: %w", acc, err))
			continue
		}
		res.Accounts++
	}
	res.New = len(fresh)
	if len(fresh) > 0 {
		raised, err := r.raise(ctx, fresh, now)
		if err != nil {
			failed = append(failed, err)
		}
		res.Raised = raised
	}
	res.Took = time.Since(start)
	if len(failed) > 0 {
		return res, fmt.Errorf("savings: %d of %d accounts not evaluated: %w", len(failed), len(accountIDs), joinErrs(failed))
	}
	return res, nil
}

func joinErrs(es []error) error {
	if len(es) == 1 {
		return es[0]
	}
	return fmt.Errorf("%w (and %d more)", es[0], len(es)-1)
}

// raise keeps the run's digest of new findings, routed by the idle alert rules.
func (r Runner) raise(ctx context.Context, fresh []idle.Record, now time.Time) ([]alert.Alert, error) {
	rules, err := r.Store.ListRules(ctx, alert.KindIdle)
	if err != nil {
		return nil, err
	}
	// The digest lists what the least demanding enabled rule wants; each rule then receives
	// it when its largest finding reaches that rule's own minimum.
	var minimum money.Micros
	first := true
	for _, rl := range rules {
		if rl.Enabled && (first || rl.MinImpact < minimum) {
			minimum, first = rl.MinImpact, false
		}
	}
	a, ok := idle.Digest(fresh, minimum, r.PublicURL, now)
	if !ok {
		return nil, nil
	}
	a.Deliveries = alert.Route(rules, a, now)
	return r.Store.RaiseAlerts(ctx, now, nil, a)
}

// Subjects describes the inventory of accountID as the rules of e see it on asOf.
func (r Runner) Subjects(ctx context.Context, accountID int64, e *idle.Evaluator, asOf time.Time) ([]idle.Subject, error) {
	acc, err := r.Store.GetAccount(ctx, account.AllAccounts, accountID)
	if err != nil {
		return nil, err
	}
	rs, err := r.Store.AccountResources(ctx, accountID, true)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		// No inventory read yet (billingsync evaluates every account it synced): nothing to
		// describe, and no need to read the account's bills.
		return nil, nil
	}
	days, err := r.Store.MetricDays(ctx, store.MetricFilter{AccountID: accountID,
		From: asOf.AddDate(0, 0, -(e.Lookback(accountID) - 1)), To: asOf})
	if err != nil {
		return nil, err
	}
	prices, err := r.Store.Prices(ctx, accountID)
	if err != nil {
		return nil, err
	}
	b := e.Basis()
	costs, err := r.Store.TopResources(ctx, account.Scope{IDs: []int64{accountID}},
		cost.Query{Start: b.Start, End: b.End, Granularity: cost.Day, Metric: cost.Metric(b.Metric)}, 1<<30)
	if err != nil {
		return nil, err
	}
	return Describe(rs, days, prices, costs, acc.Site.Currency()), nil
}

type priceKey struct {
	typ          resource.Type
	region, spec string
	charge       resource.ChargeType
}

// Describe turns one account's stored inventory into subjects: resources with their metric
// summaries, their own cost over the basis window (costs, from the roll-ups) and the
// DescribePrice quotes of their spec and the next smaller one. currency is the account's,
// for resources without a cost in the window.
func Describe(rs []resource.Resource, days []resource.MetricDay, prices []resource.Price, costs []cost.ResourceCost, currency string) []idle.Subject {
	byID := make(map[string]*resource.Resource, len(rs))
	for i := range rs {
		byID[rs[i].ResourceID] = &rs[i]
	}
	metrics := map[string]map[string][]idle.Day{}
	for _, d := range days {
		m := metrics[d.ResourceID]
		if m == nil {
			m = map[string][]idle.Day{}
			metrics[d.ResourceID] = m
		}
		m[string(d.Metric)] = append(m[string(d.Metric)], idle.Day{Date: d.Day.Format(time.DateOnly), Max: d.Max, P95: d.P95, Mean: d.Mean})
	}
	quotes := map[priceKey]resource.Price{}
	for _, p := range prices {
		quotes[priceKey{p.Type, p.Region, p.Spec, p.ChargeType}] = p
	}
	type spent struct {
		cost     money.Micros
		currency string
	}
	spend := map[string]spent{}
	for _, c := range costs {
		// One account bills in one currency; should a resource show two, the larger wins.
		if prev, ok := spend[c.ResourceID]; !ok || c.Cost > prev.cost {
			spend[c.ResourceID] = spent{c.Cost, c.Currency}
		}
	}
	parents := map[string]*idle.Subject{}
	parent := func(id string) *idle.Subject {
		p := byID[id]
		if p == nil || p.Released() {
			return nil
		}
		if s, ok := parents[id]; ok {
			return s
		}
		s := &idle.Subject{AccountID: p.AccountID, ResourceID: p.ResourceID, Type: string(p.Type), Status: p.Status,
			StatusSince: p.StatusSince, CreatedAt: p.CreatedAt, StoppedCharging: stopCharging(p)}
		parents[id] = s
		return s
	}
	out := make([]idle.Subject, 0, len(rs))
	for i := range rs {
		r := &rs[i]
		if r.Released() {
			continue
		}
		s := idle.Subject{AccountID: r.AccountID, ResourceID: r.ResourceID, Type: string(r.Type), Region: r.Region, Name: r.Name,
			Status: r.Status, ChargeType: chargeType(r.ChargeType), Spec: r.Spec, Tags: r.Tags, CreatedAt: r.CreatedAt,
			StatusSince: r.StatusSince, StoppedCharging: stopCharging(r), AutoRenew: r.AutoRenew,
			Metrics: metrics[r.ResourceID], Currency: currency, HealthyBackends: -1, Entries: -1}
		if r.ExpiresAt != nil {
			s.ExpiresAt = *r.ExpiresAt
		}
		if sp, ok := spend[r.ResourceID]; ok {
			s.Cost, s.Currency = sp.cost, sp.currency
		}
		switch r.Type {
		case resource.Disk, resource.EIP:
			if r.AttachedTo != "" {
				s.Parent, s.ParentID = parent(r.AttachedTo), r.AttachedTo
			}
		case resource.Snapshot:
			// Snapshots have no bill of their own (storage is billed per region): valued at
			// their size and the region's list price, as an estimate.
			s.SizeGB, s.SnapshotGBMonth = r.SizeGB, idle.SnapshotPrice(r.Region, s.Currency)
			if r.SourceID != "" {
				src := byID[r.SourceID]
				s.ParentID, s.ParentGone = r.SourceID, src == nil || src.Released()
			}
		case resource.SLB:
			s.Backends = len(r.Backends)
			healthy, checked := 0, false
			for _, b := range r.Backends {
				if b.Health != "" {
					checked = true
				}
				if b.Health == resource.HealthNormal {
					healthy++
				}
			}
			if checked {
				s.HealthyBackends = healthy
			}
		case resource.NAT:
			s.Entries = r.SNATEntries + r.DNATEntries
		}
		if r.InternetChargeType == "PayByBandwidth" && r.BandwidthMbps > 0 {
			s.BandwidthMbps = r.BandwidthMbps
			// DescribePrice is ECS's API: the sync keeps the quote of a month of one Mbps under
			// the ECS type, for instances and EIPs alike.
			if q, ok := quotes[priceKey{resource.ECS, r.Region, "bandwidth", resource.PrePaid}]; ok {
				s.BandwidthMbpsMonth = monthly(q)
			}
		}
		s.Price = price(r, quotes)
		out = append(out, s)
	}
	return out
}

// stopCharging reports whether an instance was stopped in the no-charge mode, as
// DescribeInstances' StoppedMode says.
func stopCharging(r *resource.Resource) bool {
	for _, k := range []string{"stoppedMode", "StoppedMode"} {
		if v, ok := r.Attrs[k].(string); ok {
			return v == "StopCharging"
		}
	}
	return false
}

func chargeType(c resource.ChargeType) string {
	switch c {
	case resource.PrePaid:
		return idle.Subscription
	case resource.PostPaid:
		return idle.PayAsYouGo
	}
	return string(c)
}

// monthly is a quote's price of a month: a month's subscription as quoted, an hourly price
// times HoursPerMonth.
func monthly(p resource.Price) money.Micros {
	if p.Unit == resource.PerHour {
		return p.Trade * HoursPerMonth
	}
	return p.Trade
}

// price gathers the quotes of r's spec and of the next smaller spec that has them.
func price(r *resource.Resource, quotes map[priceKey]resource.Price) *idle.Price {
	if r.Spec == "" {
		return nil
	}
	get := func(spec string, c resource.ChargeType) money.Micros {
		if q, ok := quotes[priceKey{r.Type, r.Region, spec, c}]; ok {
			return monthly(q)
		}
		return 0
	}
	p := idle.Price{Spec: r.Spec, PayAsYouGoMonthly: get(r.Spec, resource.PostPaid), SubscriptionMonth: get(r.Spec, resource.PrePaid)}
	if p.PayAsYouGoMonthly == 0 && p.SubscriptionMonth == 0 {
		return nil
	}
	for sm := idle.Smaller(r.Spec); sm != ""; sm = idle.Smaller(sm) {
		payg, sub := get(sm, resource.PostPaid), get(sm, resource.PrePaid)
		if payg > 0 || sub > 0 {
			p.Smaller, p.SmallerPayAsYouGo, p.SmallerMonth = sm, payg, sub
			break
		}
	}
	return &p
}

// Sort orders findings as the API lists them: largest monthly savings first.
func Sort(fs []idle.Finding) {
	slices.SortStableFunc(fs, func(a, b idle.Finding) int { return cmp.Compare(b.MonthlySavings, a.MonthlySavings) })
}
