package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"github.com/cloudlens/cloudlens/shared/billing"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/budget"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

const budgetColumns = "b.id, b.name, b.period, b.amount, b.currency, b.month_amounts, b.all_accounts, b.filters, b.thresholds, " +
	"b.created_by, b.created_at, b.updated_at, b.status_period, b.status_as_of, b.status_amount, b.status_spent, " +
	"b.status_forecast, b.status_burn_down, b.evaluated_at"

// storedThreshold is a threshold as its JSON text in budgets.thresholds.
type storedThreshold struct {
	Percent int    `json:"percent"`
	Basis   string `json:"basis"`
}

func encodeBudget(b *budget.Budget) (months, filters, thresholds string, err error) {
	if len(b.MonthAmounts) > 0 {
		parts := make([]string, len(b.MonthAmounts))
		for i, m := range b.MonthAmounts {
			parts[i] = strconv.FormatInt(int64(m), 10)
		}
		months = strings.Join(parts, ",")
	}
	fs := b.Filters
	if fs == nil {
		fs = []string{}
	}
	f, err := json.Marshal(fs)
	if err != nil {
		return "", "", "", err
	}
	ts := make([]storedThreshold, len(b.Thresholds))
	for i, t := range b.Thresholds {
		ts[i] = storedThreshold{Percent: t.Percent, Basis: string(t.Basis)}
	}
	t, err := json.Marshal(ts)
	return months, string(f), string(t), err
}

func scanBudget(sc interface{ Scan(...any) error }) (budget.Budget, error) {
	var b budget.Budget
	var period, months, filters, thresholds, stPeriod, stAsOf, stBurn string
	var stAmount, stSpent, stForecast int64
	var evaluated *time.Time
	if err := sc.Scan(&b.ID, &b.Name, &period, &b.Amount, &b.Currency, &months, &b.AllAccounts, &filters, &thresholds,
		&b.CreatedBy, timeCol{&b.CreatedAt}, timeCol{&b.UpdatedAt}, &stPeriod, &stAsOf, &stAmount, &stSpent,
		&stForecast, &stBurn, nullTimeCol{&evaluated}); err != nil {
		return b, err
	}
	b.Period = budget.Period(period)
	if months != "" {
		for _, p := range strings.Split(months, ",") {
			v, err := strconv.ParseInt(p, 10, 64)
			if err != nil {
				return b, fmt.Errorf("budget %d: month amounts: %w", b.ID, err)
			}
			b.MonthAmounts = append(b.MonthAmounts, money.Micros(v))
		}
	}
	if err := json.Unmarshal([]byte(filters), &b.Filters); err != nil {
		return b, fmt.Errorf("budget %d: filters: %w", b.ID, err)
	}
	var ts []storedThreshold
	if err := json.Unmarshal([]byte(thresholds), &ts); err != nil {
		return b, fmt.Errorf("budget %d: thresholds: %w", b.ID, err)
	}
	for _, t := range ts {
		b.Thresholds = append(b.Thresholds, budget.Threshold{Percent: t.Percent, Basis: budget.Basis(t.Basis)})
	}
	if evaluated != nil {
		b.Last = &budget.Snapshot{
			PeriodStart: parseDay(stPeriod), AsOf: parseDay(stAsOf), Amount: money.Micros(stAmount),
			Spent: money.Micros(stSpent), Forecast: money.Micros(stForecast), BurnDown: parseDay(stBurn),
			EvaluatedAt: *evaluated,
		}
	}
	return b, nil
}

// parseDay reads a YYYY-MM-DD billing day kept as text; empty is the zero time.
func parseDay(s string) time.Time {
	t, err := time.ParseInLocation(time.DateOnly, dayText(s), billing.Shanghai)
	if err != nil {
		return time.Time{}
	}
	return t
}

func dayArg(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(billing.Shanghai).Format(time.DateOnly)
}

// budgetScope returns the condition that keeps the budgets a scope may see: every account of
// the budget's scope must be granted. Only a scope of all accounts sees budgets over all.
func budgetScope(scope account.Scope) (string, []any) {
	if scope.All {
		return "1 = 1", nil
	}
	ids := uniqueIDs(scope.IDs)
	if len(ids) == 0 {
		return "1 = 0", nil
	}
	return "b.all_accounts = 0 AND NOT EXISTS (SELECT 1 FROM budget_accounts x WHERE x.budget_id = b.id AND x.account_id NOT IN (" +
		placeholders(len(ids)) + "))", int64Args(ids)
}

// CreateBudget inserts b with its accounts and sets its id and timestamps.
func (s *Store) CreateBudget(ctx context.Context, b *budget.Budget) error {
	months, filters, thresholds, err := encodeBudget(b)
	if err != nil {
		return fmt.Errorf("store: create budget: %w", err)
	}
	t := now()
	return s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO budgets (name, period, amount, currency, month_amounts, all_accounts, "+
			"filters, thresholds, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			b.Name, string(b.Period), int64(b.Amount), b.Currency, months, b.AllAccounts, filters, thresholds,
			b.CreatedBy, s.ts(t), s.ts(t))
		if err != nil {
			return fmt.Errorf("store: create budget: %w", Translate(err))
		}
		if b.ID, err = res.LastInsertId(); err != nil {
			return fmt.Errorf("store: create budget: %w", err)
		}
		b.CreatedAt, b.UpdatedAt = t, t
		return setBudgetAccounts(ctx, tx, b)
	})
}

func setBudgetAccounts(ctx context.Context, tx *sql.Tx, b *budget.Budget) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM budget_accounts WHERE budget_id = ?", b.ID); err != nil {
		return fmt.Errorf("store: budget accounts: %w", Translate(err))
	}
	if b.AllAccounts {
		return nil
	}
	for _, id := range uniqueIDs(b.AccountIDs) {
		if _, err := tx.ExecContext(ctx, "INSERT INTO budget_accounts (budget_id, account_id) VALUES (?, ?)", b.ID, id); err != nil {
			return fmt.Errorf("store: budget accounts: %w", Translate(err))
		}
	}
	return nil
}

// GetBudget returns budget id when scope may see it; KindNotFound otherwise, so callers cannot
// probe for budgets over accounts they are not granted.
func (s *Store) GetBudget(ctx context.Context, scope account.Scope, id int64) (budget.Budget, error) {
	bs, err := s.listBudgets(ctx, scope, "b.id = ?", id)
	if err != nil {
		return budget.Budget{}, fmt.Errorf("store: get budget %d: %w", id, err)
	}
	if len(bs) == 0 {
		return budget.Budget{}, fmt.Errorf("store: get budget %d: %w", id, errs.NotFound("budget not found"))
	}
	return bs[0], nil
}

// ListBudgets returns the budgets scope may see, by name.
func (s *Store) ListBudgets(ctx context.Context, scope account.Scope) ([]budget.Budget, error) {
	bs, err := s.listBudgets(ctx, scope, "1 = 1")
	if err != nil {
		return nil, fmt.Errorf("store: list budgets: %w", err)
	}
	return bs, nil
}

func (s *Store) listBudgets(ctx context.Context, scope account.Scope, where string, args ...any) ([]budget.Budget, error) {
	cond, scopeArgs := budgetScope(scope)
	rows, err := s.db.QueryContext(ctx, "SELECT "+budgetColumns+" FROM budgets b WHERE "+where+" AND "+cond+
		" ORDER BY b.name, b.id", append(args, scopeArgs...)...)
	if err != nil {
		return nil, Translate(err)
	}
	out := []budget.Budget{}
	byID := map[int64]int{}
	for rows.Next() {
		b, err := scanBudget(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		byID[b.ID] = len(out)
		out = append(out, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, Translate(err)
	}
	if len(out) == 0 {
		return out, nil
	}
	// The accounts of the budgets found, in one query.
	ids := make([]int64, len(out))
	for i, b := range out {
		ids[i] = b.ID
	}
	rows, err = s.db.QueryContext(ctx, "SELECT budget_id, account_id FROM budget_accounts WHERE budget_id IN ("+
		placeholders(len(ids))+") ORDER BY budget_id, account_id", int64Args(ids)...)
	if err != nil {
		return nil, Translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var bid, aid int64
		if err := rows.Scan(&bid, &aid); err != nil {
			return nil, Translate(err)
		}
		b := &out[byID[bid]]
		b.AccountIDs = append(b.AccountIDs, aid)
	}
	return out, Translate(rows.Err())
}

// UpdateBudget replaces the definition of b (not its kept status, which the next evaluation
// writes).
func (s *Store) UpdateBudget(ctx context.Context, b *budget.Budget) error {
	months, filters, thresholds, err := encodeBudget(b)
	if err != nil {
		return fmt.Errorf("store: update budget: %w", err)
	}
	t := now()
	return s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE budgets SET name = ?, period = ?, amount = ?, currency = ?, month_amounts = ?, "+
			"all_accounts = ?, filters = ?, thresholds = ?, updated_at = ? WHERE id = ?",
			b.Name, string(b.Period), int64(b.Amount), b.Currency, months, b.AllAccounts, filters, thresholds, s.ts(t), b.ID)
		if err != nil {
			return fmt.Errorf("store: update budget: %w", Translate(err))
		}
		if err := rowsAffected(res, "budget not found"); err != nil {
			return fmt.Errorf("store: update budget %d: %w", b.ID, err)
		}
		b.UpdatedAt = t
		return setBudgetAccounts(ctx, tx, b)
	})
}

// DeleteBudget removes budget id and its accounts.
func (s *Store) DeleteBudget(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM budget_accounts WHERE budget_id = ?", id); err != nil {
			return fmt.Errorf("store: delete budget: %w", Translate(err))
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM budgets WHERE id = ?", id)
		if err != nil {
			return fmt.Errorf("store: delete budget: %w", Translate(err))
		}
		if err := rowsAffected(res, "budget not found"); err != nil {
			return fmt.Errorf("store: delete budget %d: %w", id, err)
		}
		return nil
	})
}

// SaveBudgetSnapshot keeps the latest evaluation of budget id.
func (s *Store) SaveBudgetSnapshot(ctx context.Context, id int64, sn budget.Snapshot) error {
	return s.InTx(ctx, func(tx *sql.Tx) error { return s.saveBudgetSnapshot(ctx, tx, id, sn) })
}

func (s *Store) saveBudgetSnapshot(ctx context.Context, tx *sql.Tx, id int64, sn budget.Snapshot) error {
	_, err := tx.ExecContext(ctx, "UPDATE budgets SET status_period = ?, status_as_of = ?, status_amount = ?, status_spent = ?, "+
		"status_forecast = ?, status_burn_down = ?, evaluated_at = ? WHERE id = ?",
		dayArg(sn.PeriodStart), dayArg(sn.AsOf), int64(sn.Amount), int64(sn.Spent), int64(sn.Forecast),
		dayArg(sn.BurnDown), s.ts(sn.EvaluatedAt), id)
	if err != nil {
		return fmt.Errorf("store: save budget %d status: %w", id, Translate(err))
	}
	return nil
}

// AllBudgets returns every budget, for the job that evaluates them.
func (s *Store) AllBudgets(ctx context.Context) ([]budget.Budget, error) {
	return s.ListBudgets(ctx, account.Scope{All: true})
}

// SaveBudgetEvaluation keeps the evaluation sn of budget id and, in the same transaction,
// raises the alerts of thresholds it crossed and resolves those of thresholds it no longer
// crosses (spend fell back after a refund): the outbox of deliveries changes together with the
// state that caused it, so a crash can neither lose an alert nor raise one twice. It returns
// the alerts newly raised.
func (s *Store) SaveBudgetEvaluation(ctx context.Context, id int64, sn budget.Snapshot, raise []alert.Alert, resolve []string) ([]alert.Alert, error) {
	var raised []alert.Alert
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		if err := s.saveBudgetSnapshot(ctx, tx, id, sn); err != nil {
			return err
		}
		var err error
		if raised, err = s.RaiseAlertsTx(ctx, tx, sn.EvaluatedAt, raise...); err != nil {
			return err
		}
		_, err = s.ResolveAlertsTx(ctx, tx, sn.EvaluatedAt, resolve...)
		return err
	})
	return raised, err
}
