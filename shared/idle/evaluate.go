package idle

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// ExemptTag is the tag that exempts a resource: any value but "false", "no" or "0" exempts it
// from every rule, and a comma-separated list of rule ids (ecs_idle,eip_unbound) from those.
const ExemptTag = "cloudlens:keep"

// exempt reports whether tags exempt a resource from rule.
func exempt(tags map[string]string, rule string) bool {
	v, ok := tags[ExemptTag]
	if !ok {
		return false
	}
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "false", "no", "0":
		return false
	case "", "true", "yes", "1", "all":
		return true
	}
	for _, part := range strings.Split(v, ",") {
		if strings.TrimSpace(part) == rule {
			return true
		}
	}
	return false
}

// BasisDays is the length of the window a release's money is read over: the 30 days before
// the evaluation.
const BasisDays = 30

// BasisMetric is the cost metric of a release's money: effective (amortised) cost.
const BasisMetric = "effective"

// BasisFor is the basis window ending on asOf, the last billed day.
func BasisFor(asOf time.Time) Basis {
	return Basis{Start: asOf.AddDate(0, 0, -(BasisDays - 1)).Format(time.DateOnly), End: asOf.Format(time.DateOnly), Metric: BasisMetric}
}

// Override is an administrator's change to a rule: for the organisation (AccountID 0) or one
// account, which wins over the organisation's. Nil Enabled and absent params keep what the
// level below says.
type Override struct {
	Rule      string
	AccountID int64
	Enabled   *bool
	Params    Params
}

// Validate checks an override names a known rule and its parameters are within range; the
// error names the field.
func (o Override) Validate() error {
	r, ok := Lookup(o.Rule)
	if !ok {
		return errs.UnknownValue("rule", o.Rule)
	}
	names := make([]string, 0, len(o.Params))
	for n := range o.Params {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		v := o.Params[n]
		p, ok := r.Param(n)
		if !ok {
			return errs.InvalidField("params."+errs.Clip(n, 60), errs.ReasonNoSuch, "rule %s has no such parameter", r.ID)
		}
		if math.IsNaN(v) || v < p.Min || v > p.Max {
			return errs.OutOfRange("params."+n, p.Min, p.Max)
		}
	}
	return nil
}

// Settings are every override in force.
type Settings struct {
	Overrides []Override
}

// Effective is whether rule runs on accountID and with which parameters: the defaults, then
// the organisation's override, then the account's.
func (st Settings) Effective(r *Rule, accountID int64) (bool, Params) {
	enabled, p := true, r.Defaults()
	apply := func(level int64) {
		for _, o := range st.Overrides {
			if o.Rule != r.ID || o.AccountID != level {
				continue
			}
			if o.Enabled != nil {
				enabled = *o.Enabled
			}
			for k, v := range o.Params {
				if _, ok := p[k]; ok {
					p[k] = v
				}
			}
		}
	}
	apply(0)
	if accountID != 0 {
		apply(accountID)
	}
	return enabled, p
}

// Evaluator runs the rules over many subjects. Settings are resolved once per rule and
// account, so a run over 100,000 resources spends its time in the checks.
type Evaluator struct {
	settings Settings
	asOf     time.Time
	now      time.Time
	basis    Basis
	byType   map[string][]*Rule
	resolved map[resolvedKey]resolved
}

type resolvedKey struct {
	rule    *Rule
	account int64
}

type resolved struct {
	enabled bool
	params  Params
}

// NewEvaluator prepares an evaluation at now, over bills up to asOf (the last billed day,
// midnight in the billing time zone).
func NewEvaluator(st Settings, asOf, now time.Time) *Evaluator {
	e := &Evaluator{settings: st, asOf: asOf, now: now, basis: BasisFor(asOf),
		byType: map[string][]*Rule{}, resolved: map[resolvedKey]resolved{}}
	for i := range Rules {
		r := &Rules[i]
		for _, t := range r.Types {
			e.byType[t] = append(e.byType[t], r)
		}
	}
	return e
}

// Basis is the window every finding of this evaluation is valued over.
func (e *Evaluator) Basis() Basis { return e.basis }

func (e *Evaluator) rule(r *Rule, account int64) resolved {
	k := resolvedKey{r, account}
	if v, ok := e.resolved[k]; ok {
		return v
	}
	en, p := e.settings.Effective(r, account)
	v := resolved{en, p}
	e.resolved[k] = v
	return v
}

// Subject appends the findings of s to out. A released resource has none.
func (e *Evaluator) Subject(s *Subject, out []Finding) []Finding {
	if s.ReleasedAt != nil {
		return out
	}
	c := checkCtx{s: s, asOf: e.asOf, now: e.now}
	for _, r := range e.byType[s.Type] {
		rs := e.rule(r, s.AccountID)
		if !rs.enabled || exempt(s.Tags, r.ID) {
			continue
		}
		c.p = rs.params
		h, ok := r.check(&c)
		if !ok {
			continue
		}
		f := Finding{Rule: r.ID, Action: r.Action, AccountID: s.AccountID, ResourceID: s.ResourceID, Type: s.Type,
			Region: s.Region, Name: s.Name, Reason: h.en, ReasonZh: h.zh, Currency: s.Currency, Estimate: r.Estimate,
			Prices: h.prices, Basis: e.basis, Figures: h.figures}
		if r.Estimate {
			f.MonthlySavings = h.savings
		} else {
			f.MonthlySavings = s.Cost
		}
		out = append(out, f)
		if r.Exclusive {
			break
		}
	}
	return out
}

// Evaluate runs every rule over subjects.
func Evaluate(st Settings, subjects []Subject, asOf, now time.Time) []Finding {
	e := NewEvaluator(st, asOf, now)
	var out []Finding
	for i := range subjects {
		out = e.Subject(&subjects[i], out)
	}
	return out
}

// RuleIDs lists the ids of every rule.
func RuleIDs() []string {
	out := make([]string, len(Rules))
	for i, r := range Rules {
		out[i] = r.ID
	}
	return out
}

// ValidType reports whether t is a known resource type; the error names the field.
func ValidType(field, t string) error {
	if !slices.Contains(Types, t) {
		return errs.UnknownValue(field, t, Types...)
	}
	return nil
}

// String is the rule's id, for logs.
func (r *Rule) String() string { return fmt.Sprintf("idle rule %s", r.ID) }

// Lookback is how many days of metrics the rules enabled for accountID read at most, so a
// caller loads no more summaries than the rules look at.
func (e *Evaluator) Lookback(accountID int64) int {
	days := 1
	for i := range Rules {
		rs := e.rule(&Rules[i], accountID)
		if v, ok := rs.params["days"]; ok && rs.enabled {
			days = max(days, int(v))
		}
	}
	return days
}
