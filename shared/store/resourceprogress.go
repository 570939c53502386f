package store

import (
	"context"
	"fmt"
	"time"

	"github.com/cloudlens/cloudlens/shared/resource"
)

// SyncProgress returns the steps a resourcesync run of accountID finished towards asOf (the
// last billed day it reads up to): step name → its detail (see SaveSyncStep).
func (s *Store) SyncProgress(ctx context.Context, accountID int64, asOf time.Time) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT step, detail FROM resource_sync_progress WHERE account_id = ? AND as_of = ?",
		accountID, dayArg(asOf))
	if err != nil {
		return nil, fmt.Errorf("store: sync progress: %w", Translate(err))
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var step, detail string
		if err := rows.Scan(&step, &detail); err != nil {
			return nil, fmt.Errorf("store: sync progress: %w", Translate(err))
		}
		out[step] = detail
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: sync progress: %w", Translate(err))
	}
	return out, nil
}

// SaveSyncStep records that a resourcesync run of accountID finished step towards asOf, with
// what a later run needs to skip it (detail); saving a step again replaces it.
func (s *Store) SaveSyncStep(ctx context.Context, accountID int64, asOf time.Time, step, detail string, at time.Time) error {
	q := s.dialect.Upsert("resource_sync_progress", []string{"account_id", "as_of", "step", "detail", "done_at"},
		[]string{"account_id", "as_of", "step"}, []string{"detail", "done_at"}, 1)
	err := retryLocked(ctx, func() error {
		_, err := s.db.ExecContext(ctx, q, accountID, dayArg(asOf), step, detail, s.ts(at))
		return err
	})
	if err != nil {
		return fmt.Errorf("store: save sync step %s: %w", step, Translate(err))
	}
	return nil
}

// ClearSyncProgress drops the steps of accountID's runs towards any day but keep (zero: every
// day): a completed run clears them all, a run towards a new day those of older days.
func (s *Store) ClearSyncProgress(ctx context.Context, accountID int64, keep time.Time) error {
	q, args := "DELETE FROM resource_sync_progress WHERE account_id = ?", []any{accountID}
	if !keep.IsZero() {
		q, args = q+" AND as_of <> ?", append(args, dayArg(keep))
	}
	if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("store: clear sync progress: %w", Translate(err))
	}
	return nil
}

// DropSyncSteps drops the steps of accountID whose name starts with prefix (the regions listed,
// once the inventory they make up is written: a later run lists afresh).
func (s *Store) DropSyncSteps(ctx context.Context, accountID int64, prefix string) error {
	if _, err := s.db.ExecContext(ctx, "DELETE FROM resource_sync_progress WHERE account_id = ? AND step >= ? AND step < ?",
		accountID, prefix, prefix+"\U0010FFFF"); err != nil {
		return fmt.Errorf("store: drop sync steps: %w", Translate(err))
	}
	return nil
}

// AbandonResourceSyncRuns marks accountID's resource sync runs still running, other than
// except, failed with msg: their process stopped (a crash, a deadline) without recording an
// end. It returns how many it marked.
func (s *Store) AbandonResourceSyncRuns(ctx context.Context, accountID, except int64, msg string, at time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx, "UPDATE resource_sync_runs SET status = ?, error = ?, finished_at = ? "+
		"WHERE account_id = ? AND status = ? AND id <> ?",
		resource.SyncFailed, truncate(msg, maxSyncError), s.ts(at), accountID, resource.SyncRunning, except)
	if err != nil {
		return 0, fmt.Errorf("store: abandon resource sync runs: %w", Translate(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: abandon resource sync runs: %w", Translate(err))
	}
	return n, nil
}
