package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/money"
)

const findingColumns = "f.id, f.rule, f.account_id, f.resource_id, f.resource_type, f.region, f.name, f.action, f.reason, " +
	"f.reason_zh, f.monthly_savings, f.currency, f.estimate, f.details, f.basis_start, f.basis_end, f.basis_metric, f.state, " +
	"f.detected_at, f.evaluated_at, f.resolved_at, f.dismissed_at, f.dismissed_by, f.dismissed_until, f.dismiss_reason, " +
	"COALESCE(r.id, 0)"

// findingFrom joins each finding to its resource's inventory row, so a list links to the
// resource's page.
const findingFrom = " FROM idle_findings f LEFT JOIN resources r ON r.account_id = f.account_id AND r.resource_id = f.resource_id"

// findingDetails is what idle_findings.details holds. Prices are kept in micro-units
// (money.Micros marshals to two decimals, the API's format).
type findingDetails struct {
	Figures map[string]float64 `json:"figures,omitempty"`
	Prices  *storedComparison  `json:"prices,omitempty"`
}

type storedComparison struct {
	Current         string `json:"current"`
	Proposed        string `json:"proposed"`
	CurrentMonthly  int64  `json:"currentMonthly"`
	ProposedMonthly int64  `json:"proposedMonthly"`
	BreakEvenDays   int    `json:"breakEvenDays,omitempty"`
}

func storeComparison(c *idle.Comparison) *storedComparison {
	if c == nil {
		return nil
	}
	return &storedComparison{Current: c.Current, Proposed: c.Proposed, CurrentMonthly: int64(c.CurrentMonthly),
		ProposedMonthly: int64(c.ProposedMonthly), BreakEvenDays: c.BreakEvenDays}
}

func (c *storedComparison) comparison() *idle.Comparison {
	if c == nil {
		return nil
	}
	return &idle.Comparison{Current: c.Current, Proposed: c.Proposed, CurrentMonthly: money.Micros(c.CurrentMonthly),
		ProposedMonthly: money.Micros(c.ProposedMonthly), BreakEvenDays: c.BreakEvenDays}
}

func scanFinding(sc interface{ Scan(...any) error }) (idle.Record, error) {
	var r idle.Record
	var action, details, state string
	var dismissedAt, until *time.Time
	var dismissedBy sql.NullInt64
	var reason string
	var savings int64
	if err := sc.Scan(&r.ID, &r.Rule, &r.AccountID, &r.ResourceID, &r.Type, &r.Region, &r.Name, &action, &r.Reason,
		&r.ReasonZh, &savings, &r.Currency, &r.Estimate, &details, &r.Basis.Start, &r.Basis.End, &r.Basis.Metric, &state,
		timeCol{&r.DetectedAt}, timeCol{&r.EvaluatedAt}, nullTimeCol{&r.ResolvedAt}, nullTimeCol{&dismissedAt}, &dismissedBy,
		nullTimeCol{&until}, &reason, &r.InventoryID); err != nil {
		return r, err
	}
	r.Action, r.MonthlySavings, r.Resolved = idle.Action(action), money.Micros(savings), state == idle.StatusResolved
	r.Basis.Start, r.Basis.End = dayText(r.Basis.Start), dayText(r.Basis.End)
	var d findingDetails
	if err := json.Unmarshal([]byte(details), &d); err != nil {
		return r, fmt.Errorf("finding %d: details: %w", r.ID, err)
	}
	r.Figures, r.Prices = d.Figures, d.Prices.comparison()
	if dismissedAt != nil {
		r.Dismissal = &idle.Dismissal{At: *dismissedAt, By: dismissedBy.Int64, Until: until, Reason: reason}
	}
	return r, nil
}

// findingCols are the columns SaveFindings writes, in argument order.
var findingCols = []string{"rule", "account_id", "resource_id", "resource_type", "region", "name", "action", "reason", "reason_zh",
	"monthly_savings", "currency", "estimate", "details", "basis_start", "basis_end", "basis_metric", "state", "detected_at",
	"evaluated_at", "resolved_at"}

// findingUpdate are the columns a later run refreshes; the dismissal columns are never among
// them, so a dismissal outlives every run.
var findingUpdate = findingCols[3:]

type findingKey struct {
	rule     string
	account  int64
	resource string
}

// SaveFindings records one evaluation of accounts at time at: fs are every finding the run
// made for those accounts. A finding seen before keeps its id, its first detection and its
// dismissal; one not seen before (or seen again after it was resolved) is new; the accounts'
// findings this run no longer makes are marked resolved. It returns the new findings that
// are not dismissed, for the idle alert digest.
func (s *Store) SaveFindings(ctx context.Context, accounts []int64, fs []idle.Finding, at time.Time) ([]idle.Record, error) {
	at = at.UTC().Truncate(time.Microsecond)
	accounts = uniqueIDs(accounts)
	fresh := []idle.Record{}
	if len(accounts) == 0 {
		return fresh, nil
	}
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		type prior struct {
			resolved  bool
			detected  time.Time
			dismissed bool
			until     *time.Time
		}
		known := map[findingKey]prior{}
		for chunk := range chunks(accounts, 500) {
			rows, err := tx.QueryContext(ctx, "SELECT rule, account_id, resource_id, state, detected_at, dismissed_at, dismissed_until "+
				"FROM idle_findings WHERE account_id IN ("+placeholders(len(chunk))+")", int64Args(chunk)...)
			if err != nil {
				return err
			}
			for rows.Next() {
				var k findingKey
				var p prior
				var state string
				var dismissedAt *time.Time
				if err := rows.Scan(&k.rule, &k.account, &k.resource, &state, timeCol{&p.detected}, nullTimeCol{&dismissedAt},
					nullTimeCol{&p.until}); err != nil {
					rows.Close()
					return err
				}
				p.resolved, p.dismissed = state == idle.StatusResolved, dismissedAt != nil
				known[k] = p
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		// Every open finding of the accounts is resolved, then the upsert below reopens those
		// this run made: in one transaction, so readers see the run's outcome whole.
		for chunk := range chunks(accounts, 500) {
			args := append([]any{idle.StatusResolved, s.ts(at), idle.StatusOpen}, int64Args(chunk)...)
			if _, err := tx.ExecContext(ctx, "UPDATE idle_findings SET state = ?, resolved_at = ? WHERE state = ? "+
				"AND account_id IN ("+placeholders(len(chunk))+")", args...); err != nil {
				return err
			}
		}
		per := s.dialect.MaxParams() / len(findingCols)
		per = min(per, 500)
		for start := 0; start < len(fs); start += per {
			batch := fs[start:min(start+per, len(fs))]
			args := make([]any, 0, len(batch)*len(findingCols))
			for _, f := range batch {
				d, err := json.Marshal(findingDetails{Figures: f.Figures, Prices: storeComparison(f.Prices)})
				if err != nil {
					return err
				}
				detected := at
				p, seen := known[findingKey{f.Rule, f.AccountID, f.ResourceID}]
				if seen && !p.resolved {
					detected = p.detected
				} else if !p.dismissed || (p.until != nil && !p.until.After(at)) {
					fresh = append(fresh, idle.Record{Finding: f, DetectedAt: at, EvaluatedAt: at})
				}
				args = append(args, f.Rule, f.AccountID, f.ResourceID, f.Type, truncate(f.Region, 64), truncate(f.Name, 255),
					string(f.Action), truncate(f.Reason, 1000), truncate(f.ReasonZh, 1000), int64(f.MonthlySavings), f.Currency,
					f.Estimate, string(d), f.Basis.Start, f.Basis.End, f.Basis.Metric, idle.StatusOpen, s.ts(detected), s.ts(at), nil)
			}
			q := s.dialect.Upsert("idle_findings", findingCols, []string{"account_id", "rule", "resource_id"}, findingUpdate, len(batch))
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: save findings: %w", Translate(err))
	}
	return fresh, nil
}

// chunks yields ids a chunk of at most n at a time.
func chunks(ids []int64, n int) func(func([]int64) bool) {
	return func(yield func([]int64) bool) {
		for i := 0; i < len(ids); i += n {
			if !yield(ids[i:min(i+n, len(ids))]) {
				return
			}
		}
	}
}

// FindingFilter narrows a findings list. Zero fields do not filter; Status empty means open.
type FindingFilter struct {
	Status     string
	Rule       string
	AccountIDs []int64
	ResourceID string
	Type       string
	// After continues a list after the finding with these savings and id (keyset paging,
	// largest savings first).
	After *FindingCursor
	Limit int
}

// FindingCursor is where a page of findings ended.
type FindingCursor struct {
	Savings money.Micros
	ID      int64
}

// findingWhere returns the conditions of f within scope at now; ok is false when nothing can match.
func (s *Store) findingWhere(scope account.Scope, f FindingFilter, now time.Time) (string, []any, bool) {
	// Narrow keeps the asked accounts the caller may see; none of them leaves nothing to match.
	cond, args, ok := scopeFilter("f.account_id", scope.Narrow(f.AccountIDs))
	if !ok {
		return "", nil, false
	}
	where := []string{cond}
	t := s.ts(now)
	switch f.Status {
	case "", idle.StatusOpen:
		where = append(where, "f.state = 'open' AND (f.dismissed_at IS NULL OR (f.dismissed_until IS NOT NULL AND f.dismissed_until <= ?))")
		args = append(args, t)
	case idle.StatusDismissed:
		where = append(where, "f.state = 'open' AND f.dismissed_at IS NOT NULL AND f.dismissed_until IS NULL")
	case idle.StatusSnoozed:
		where = append(where, "f.state = 'open' AND f.dismissed_at IS NOT NULL AND f.dismissed_until > ?")
		args = append(args, t)
	case idle.StatusResolved:
		where = append(where, "f.state = 'resolved'")
	}
	if f.Rule != "" {
		where = append(where, "f.rule = ?")
		args = append(args, f.Rule)
	}
	if f.ResourceID != "" {
		where = append(where, "f.resource_id = ?")
		args = append(args, f.ResourceID)
	}
	if f.Type != "" {
		where = append(where, "f.resource_type = ?")
		args = append(args, f.Type)
	}
	return strings.Join(where, " AND "), args, true
}

// ListFindings lists the findings of f within scope at now, largest monthly savings first.
func (s *Store) ListFindings(ctx context.Context, scope account.Scope, f FindingFilter, now time.Time) ([]idle.Record, error) {
	out := []idle.Record{}
	where, args, ok := s.findingWhere(scope, f, now)
	if !ok {
		return out, nil
	}
	if f.After != nil {
		where += " AND (f.monthly_savings < ? OR (f.monthly_savings = ? AND f.id < ?))"
		args = append(args, int64(f.After.Savings), int64(f.After.Savings), f.After.ID)
	}
	q := "SELECT " + findingColumns + findingFrom + " WHERE " + where + " ORDER BY f.monthly_savings DESC, f.id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: list findings: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanFinding(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list findings: %w", Translate(err))
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list findings: %w", Translate(err))
	}
	return out, nil
}

// FindingTotal is the sum of the findings of one rule in one currency.
type FindingTotal struct {
	Rule           string
	Currency       string
	MonthlySavings money.Micros
	Count          int64
}

// FindingTotals sums the findings of f (paging ignored) within scope per rule and currency.
func (s *Store) FindingTotals(ctx context.Context, scope account.Scope, f FindingFilter, now time.Time) ([]FindingTotal, error) {
	out := []FindingTotal{}
	where, args, ok := s.findingWhere(scope, f, now)
	if !ok {
		return out, nil
	}
	rows, err := s.db.QueryContext(ctx, "SELECT f.rule, f.currency, SUM(f.monthly_savings), COUNT(*) FROM idle_findings f WHERE "+
		where+" GROUP BY f.rule, f.currency ORDER BY f.rule, f.currency", args...)
	if err != nil {
		return nil, fmt.Errorf("store: finding totals: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var t FindingTotal
		var sum int64
		if err := rows.Scan(&t.Rule, &t.Currency, &sum, &t.Count); err != nil {
			return nil, fmt.Errorf("store: finding totals: %w", Translate(err))
		}
		t.MonthlySavings = money.Micros(sum)
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: finding totals: %w", Translate(err))
	}
	return out, nil
}

// GetFinding returns finding id when its account is in scope (KindNotFound otherwise).
func (s *Store) GetFinding(ctx context.Context, scope account.Scope, id int64) (idle.Record, error) {
	cond, args, ok := scopeFilter("f.account_id", scope)
	if !ok {
		return idle.Record{}, errs.NotFound("finding %d not found", id)
	}
	r, err := scanFinding(s.db.QueryRowContext(ctx, "SELECT "+findingColumns+findingFrom+" WHERE f.id = ? AND "+cond,
		append([]any{id}, args...)...))
	if err != nil {
		if errs.Is(Translate(err), errs.KindNotFound) {
			return r, errs.NotFound("finding %d not found", id)
		}
		return r, fmt.Errorf("store: get finding: %w", Translate(err))
	}
	return r, nil
}

// DismissFinding sets finding id aside (d.Until nil: for good), or, with d nil, takes a
// dismissal back. The finding must be in scope.
func (s *Store) DismissFinding(ctx context.Context, scope account.Scope, id int64, d *idle.Dismissal) error {
	if _, err := s.GetFinding(ctx, scope, id); err != nil {
		return err
	}
	var res sql.Result
	var err error
	if d == nil {
		res, err = s.db.ExecContext(ctx, "UPDATE idle_findings SET dismissed_at = NULL, dismissed_by = NULL, dismissed_until = NULL, "+
			"dismiss_reason = '' WHERE id = ?", id)
	} else {
		res, err = s.db.ExecContext(ctx, "UPDATE idle_findings SET dismissed_at = ?, dismissed_by = ?, dismissed_until = ?, "+
			"dismiss_reason = ? WHERE id = ?", s.ts(d.At), d.By, s.nullTS(d.Until), truncate(d.Reason, 500), id)
	}
	if err != nil {
		return fmt.Errorf("store: dismiss finding: %w", Translate(err))
	}
	return rowsAffected(res, fmt.Sprintf("finding %d not found", id))
}

// IdleOverrides returns every rule override.
func (s *Store) IdleOverrides(ctx context.Context) ([]idle.Override, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT rule, account_id, enabled, params FROM idle_rule_overrides ORDER BY rule, account_id")
	if err != nil {
		return nil, fmt.Errorf("store: idle overrides: %w", Translate(err))
	}
	defer rows.Close()
	out := []idle.Override{}
	for rows.Next() {
		var o idle.Override
		var enabled sql.NullBool
		var params string
		if err := rows.Scan(&o.Rule, &o.AccountID, &enabled, &params); err != nil {
			return nil, fmt.Errorf("store: idle overrides: %w", Translate(err))
		}
		if enabled.Valid {
			o.Enabled = &enabled.Bool
		}
		if err := json.Unmarshal([]byte(params), &o.Params); err != nil {
			return nil, fmt.Errorf("store: idle override %s/%d: %w", o.Rule, o.AccountID, err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: idle overrides: %w", Translate(err))
	}
	return out, nil
}

// SaveIdleOverride keeps o (replacing the rule's override at its level), or removes it
// when it changes nothing (no Enabled, no params).
func (s *Store) SaveIdleOverride(ctx context.Context, o idle.Override, by int64, at time.Time) error {
	if o.Enabled == nil && len(o.Params) == 0 {
		if _, err := s.db.ExecContext(ctx, "DELETE FROM idle_rule_overrides WHERE rule = ? AND account_id = ?", o.Rule, o.AccountID); err != nil {
			return fmt.Errorf("store: save idle override: %w", Translate(err))
		}
		return nil
	}
	params := o.Params
	if params == nil {
		params = idle.Params{}
	}
	p, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("store: save idle override: %w", err)
	}
	var enabled any
	if o.Enabled != nil {
		enabled = *o.Enabled
	}
	q := s.dialect.Upsert("idle_rule_overrides", []string{"rule", "account_id", "enabled", "params", "updated_by", "updated_at"},
		[]string{"rule", "account_id"}, []string{"enabled", "params", "updated_by", "updated_at"}, 1)
	if _, err := s.db.ExecContext(ctx, q, o.Rule, o.AccountID, enabled, string(p), by, s.ts(at)); err != nil {
		return fmt.Errorf("store: save idle override: %w", Translate(err))
	}
	return nil
}

// ResourceCost is one resource's cost over a range in one currency.
type ResourceCost struct {
	AccountID  int64
	ResourceID string
	Currency   string
	Cost       money.Micros
}

// ResourceCosts sums metric from start to end (inclusive days) for each of the resources of
// ids (provider ids) within scope, from the daily resource roll-up and its
// (resource_id, charge_date) index: what a page of the inventory shows as monthly cost.
func (s *Store) ResourceCosts(ctx context.Context, scope account.Scope, ids []string, start, end string, metric cost.Metric) ([]ResourceCost, error) {
	out := []ResourceCost{}
	cond, args, ok := scopeFilter("c.account_id", scope)
	if !ok || len(ids) == 0 {
		return out, nil
	}
	q := "SELECT c.account_id, c.resource_id, c.currency, " + metricExpr(metric) + " FROM cost_daily_resources c WHERE c.resource_id IN (" +
		placeholders(len(ids)) + ") AND c.charge_date >= ? AND c.charge_date <= ? AND " + cond +
		" GROUP BY c.account_id, c.resource_id, c.currency"
	all := append(append(stringArgs(ids), start, end), args...)
	rows, err := s.db.QueryContext(ctx, q, all...)
	if err != nil {
		return nil, fmt.Errorf("store: resource costs: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var c ResourceCost
		var sum int64
		if err := rows.Scan(&c.AccountID, &c.ResourceID, &c.Currency, &sum); err != nil {
			return nil, fmt.Errorf("store: resource costs: %w", Translate(err))
		}
		c.Cost = money.Micros(sum)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: resource costs: %w", Translate(err))
	}
	return out, nil
}

// OpenFindings lists the open findings within scope at now, largest monthly savings first, at
// most limit (the savings source of the AI analyst and the monthly report).
func (s *Store) OpenFindings(ctx context.Context, scope account.Scope, now time.Time, limit int) ([]idle.Record, error) {
	return s.ListFindings(ctx, scope, FindingFilter{Status: idle.StatusOpen, Limit: limit}, now)
}
