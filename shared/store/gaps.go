package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
)

// IncompleteAccount is an account whose bills are known to be incomplete on Dates
// (ascending, YYYY-MM-DD). Reason is the most recently noted reason among those dates.
type IncompleteAccount struct {
	AccountID int64
	Dates     []string
	Reason    string
}

// maxGapReason is the width of billing_day_gaps.reason, in characters.
const maxGapReason = 500

// MarkDayIncomplete notes that the bill of day (YYYY-MM-DD) is not complete in CloudLens,
// with a reason a person can act on: the day failed to sync, or items of it were rejected.
// The note stays until MarkDayComplete records a complete fetch, or it is replaced.
func (s *Store) MarkDayIncomplete(ctx context.Context, accountID int64, day, reason string, syncID int64, at time.Time) error {
	q := s.dialect.Upsert("billing_day_gaps", []string{"account_id", "charge_date", "reason", "sync_id", "noted_at"},
		[]string{"account_id", "charge_date"}, []string{"reason", "sync_id", "noted_at"}, 1)
	if _, err := s.db.ExecContext(ctx, q, accountID, day, truncate(reason, maxGapReason), syncID, s.ts(at)); err != nil {
		return fmt.Errorf("store: mark day %s incomplete: %w", day, Translate(err))
	}
	return nil
}

// IncompleteDays returns, per account in scope, the days within start..end (inclusive,
// YYYY-MM-DD) whose bills are incomplete, ordered by account id. Answers that cover those
// days must say so; an empty result means every synced day in the range is whole.
func (s *Store) IncompleteDays(ctx context.Context, scope account.Scope, start, end string) ([]IncompleteAccount, error) {
	cond, args, ok := scopeFilter("account_id", scope)
	if !ok {
		return []IncompleteAccount{}, nil
	}
	rows, err := s.db.QueryContext(ctx, "SELECT account_id, charge_date, reason, noted_at FROM billing_day_gaps WHERE "+cond+
		" AND charge_date >= ? AND charge_date <= ? ORDER BY account_id, charge_date", append(args, start, end)...)
	if err != nil {
		return nil, fmt.Errorf("store: incomplete days: %w", Translate(err))
	}
	defer rows.Close()
	out := []IncompleteAccount{}
	var latest time.Time
	for rows.Next() {
		var id int64
		var day, reason string
		var at time.Time
		if err := rows.Scan(&id, dateCol{&day}, &reason, timeCol{&at}); err != nil {
			return nil, fmt.Errorf("store: incomplete days: %w", Translate(err))
		}
		if len(out) == 0 || out[len(out)-1].AccountID != id {
			out = append(out, IncompleteAccount{AccountID: id})
			latest = time.Time{}
		}
		cur := &out[len(out)-1]
		cur.Dates = append(cur.Dates, day)
		if !at.Before(latest) {
			cur.Reason, latest = reason, at
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: incomplete days: %w", Translate(err))
	}
	return out, nil
}
