package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// Sync run statuses.
const (
	SyncQueued    = "queued"
	SyncRunning   = "running"
	SyncSucceeded = "succeeded"
	SyncFailed    = "failed"
	SyncAbandoned = "abandoned" // its process died mid-run; a later run did its days
)

// maxSyncError is the width of sync_runs.error, in characters.
const maxSyncError = 2000

// SyncRun is one sync of one account: what it fetched and how it ended.
type SyncRun struct {
	ID          int64
	AccountID   int64
	Status      string
	Trigger     string // job.TriggerTimer or job.TriggerManual, as for job runs
	WindowStart string // YYYY-MM-DD, "" until the run has planned its window
	WindowEnd   string
	Days        int
	DaysDone    int // days of the window fetched so far (of Days)
	Pages       int
	Requests    int
	Rows        int64
	Deleted     int64
	Rejected    int64
	Twins       int64 // items kept apart from an earlier item of the day with the same identity
	Duplicates  int64 // items identical to an earlier item of the day: counted, stored once
	Rounded     int64 // amounts with digits below the micro-unit, rounded half to even
	FailedDays  int   // days that could not be synced completely this run (see IncompleteDays)
	StartedAt   time.Time
	FinishedAt  *time.Time
	Error       string
}

const syncRunColumns = "id, account_id, status, trigger_kind, window_start, window_end, days, days_done, pages, requests, " +
	"row_count, deleted, rejected, twins, duplicates, rounded, failed_days, started_at, finished_at, error"

func scanSyncRun(sc interface{ Scan(...any) error }) (SyncRun, error) {
	var r SyncRun
	err := sc.Scan(&r.ID, &r.AccountID, &r.Status, &r.Trigger, dateCol{&r.WindowStart}, dateCol{&r.WindowEnd},
		&r.Days, &r.DaysDone, &r.Pages, &r.Requests, &r.Rows, &r.Deleted, &r.Rejected, &r.Twins, &r.Duplicates, &r.Rounded, &r.FailedDays,
		timeCol{&r.StartedAt}, nullTimeCol{&r.FinishedAt}, &r.Error)
	return r, err
}

// dateCol scans a DATE (MySQL, as time.Time) or TEXT date (SQLite) column, NULL included,
// into "YYYY-MM-DD" ("" for NULL).
type dateCol struct{ s *string }

func (c dateCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.s = ""
	case time.Time:
		*c.s = v.Format(time.DateOnly)
	case string:
		*c.s = v
	case []byte:
		*c.s = string(v)
	default:
		return fmt.Errorf("store: cannot scan %T as a date", src)
	}
	return nil
}

// nullDate stores "" as NULL.
func nullDate(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateSyncRun records a new run and sets r.ID. A zero StartedAt means now.
func (s *Store) CreateSyncRun(ctx context.Context, r *SyncRun) error {
	if r.StartedAt.IsZero() {
		r.StartedAt = now()
	}
	if r.Status == "" {
		r.Status = SyncQueued
	}
	res, err := s.db.ExecContext(ctx,
		`INSERT INTO sync_runs (account_id, status, trigger_kind, window_start, window_end, days, pages, requests,
  row_count, deleted, rejected, twins, duplicates, rounded, failed_days, started_at, finished_at, error)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.AccountID, r.Status, r.Trigger, nullDate(r.WindowStart), nullDate(r.WindowEnd), r.Days, r.Pages, r.Requests,
		r.Rows, r.Deleted, r.Rejected, r.Twins, r.Duplicates, r.Rounded, r.FailedDays, s.ts(r.StartedAt), s.nullTS(r.FinishedAt), truncate(r.Error, maxSyncError))
	if err != nil {
		return fmt.Errorf("store: create sync run: %w", Translate(err))
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("store: create sync run: %w", Translate(err))
	}
	return nil
}

// UpdateSyncRun saves the progress or outcome of r (all fields but id, account and trigger).
func (s *Store) UpdateSyncRun(ctx context.Context, r SyncRun) error {
	res, err := s.db.ExecContext(ctx,
		`UPDATE sync_runs SET status = ?, window_start = ?, window_end = ?, days = ?, days_done = ?, pages = ?, requests = ?,
  row_count = ?, deleted = ?, rejected = ?, twins = ?, duplicates = ?, rounded = ?, failed_days = ?,
  started_at = ?, finished_at = ?, error = ? WHERE id = ?`,
		r.Status, nullDate(r.WindowStart), nullDate(r.WindowEnd), r.Days, r.DaysDone, r.Pages, r.Requests,
		r.Rows, r.Deleted, r.Rejected, r.Twins, r.Duplicates, r.Rounded, r.FailedDays, s.ts(r.StartedAt), s.nullTS(r.FinishedAt), truncate(r.Error, maxSyncError), r.ID)
	if err != nil {
		return fmt.Errorf("store: update sync run %d: %w", r.ID, Translate(err))
	}
	if err := rowsAffected(res, "sync run not found"); err != nil {
		return fmt.Errorf("store: update sync run %d: %w", r.ID, err)
	}
	return nil
}

// GetSyncRun returns run id of account accountID.
func (s *Store) GetSyncRun(ctx context.Context, accountID, id int64) (SyncRun, error) {
	row := s.db.QueryRowContext(ctx, "SELECT "+syncRunColumns+" FROM sync_runs WHERE id = ? AND account_id = ?", id, accountID)
	r, err := scanSyncRun(row)
	if err != nil {
		err = Translate(err)
		if errs.Is(err, errs.KindNotFound) {
			return SyncRun{}, errs.NotFound("sync run %d not found", id)
		}
		return SyncRun{}, fmt.Errorf("store: get sync run %d: %w", id, err)
	}
	return r, nil
}

// ListSyncRuns returns the latest limit runs of an account, newest first.
func (s *Store) ListSyncRuns(ctx context.Context, accountID int64, limit int) ([]SyncRun, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+syncRunColumns+
		" FROM sync_runs WHERE account_id = ? ORDER BY started_at DESC, id DESC LIMIT ?", accountID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list sync runs: %w", Translate(err))
	}
	defer rows.Close()
	out := []SyncRun{}
	for rows.Next() {
		r, err := scanSyncRun(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list sync runs: %w", Translate(err))
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list sync runs: %w", Translate(err))
	}
	return out, nil
}

// AbandonUnfinishedSyncRuns marks the account's runs still "running" (other than except) as
// abandoned with msg. Call it while holding the account's sync lock: any other run that still
// says running lost its process (kill -9, an instance reclaimed, a timeout) and will never
// finish by itself; the caller's run does its remaining days.
func (s *Store) AbandonUnfinishedSyncRuns(ctx context.Context, accountID, except int64, msg string, at time.Time) (int64, error) {
	res, err := s.db.ExecContext(ctx,
		"UPDATE sync_runs SET status = ?, error = ?, finished_at = ? WHERE account_id = ? AND status = ? AND id <> ?",
		SyncAbandoned, truncate(msg, maxSyncError), s.ts(at), accountID, SyncRunning, except)
	if err != nil {
		return 0, fmt.Errorf("store: abandon unfinished sync runs: %w", Translate(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: abandon unfinished sync runs: %w", Translate(err))
	}
	return n, nil
}

// CompleteDays returns, for account accountID, when each day within from..to (inclusive)
// was last fetched completely.
func (s *Store) CompleteDays(ctx context.Context, accountID int64, from, to string) (map[string]time.Time, error) {
	rows, err := s.db.QueryContext(ctx,
		"SELECT charge_date, fetched_at FROM sync_days WHERE account_id = ? AND charge_date >= ? AND charge_date <= ?",
		accountID, from, to)
	if err != nil {
		return nil, fmt.Errorf("store: complete days: %w", Translate(err))
	}
	defer rows.Close()
	out := make(map[string]time.Time)
	for rows.Next() {
		var day string
		var at time.Time
		if err := rows.Scan(dateCol{&day}, timeCol{&at}); err != nil {
			return nil, fmt.Errorf("store: complete days: %w", Translate(err))
		}
		out[day] = at
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: complete days: %w", Translate(err))
	}
	return out, nil
}

// MarkDayComplete records that every page of day was fetched and stored at at, and that
// the day is no longer a gap (see MarkDayIncomplete).
func (s *Store) MarkDayComplete(ctx context.Context, accountID int64, day string, rowCount, syncID int64, at time.Time) error {
	q := s.dialect.Upsert("sync_days", []string{"account_id", "charge_date", "fetched_at", "row_count", "sync_id"},
		[]string{"account_id", "charge_date"}, []string{"fetched_at", "row_count", "sync_id"}, 1)
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, q, accountID, day, s.ts(at), rowCount, syncID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "DELETE FROM billing_day_gaps WHERE account_id = ? AND charge_date = ?", accountID, day)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: mark day %s complete: %w", day, Translate(err))
	}
	return nil
}

// SyncReject is an item a sync could not ingest, with why.
type SyncReject struct {
	ID         int64
	SyncID     int64
	AccountID  int64
	ChargeDate string
	Reason     string
	Raw        string // the item as received (JSON)
}

// maxRejectReason is the width of sync_rejects.reason, in characters.
const maxRejectReason = 500

// AddSyncRejects records rejected items.
func (s *Store) AddSyncRejects(ctx context.Context, rejects []SyncReject) error {
	cols := []string{"sync_id", "account_id", "charge_date", "reason", "raw"}
	per := s.dialect.batchRows(len(cols))
	for start := 0; start < len(rejects); start += per {
		batch := rejects[start:min(start+per, len(rejects))]
		args := make([]any, 0, len(batch)*len(cols))
		for _, r := range batch {
			args = append(args, r.SyncID, r.AccountID, r.ChargeDate, truncate(r.Reason, maxRejectReason), r.Raw)
		}
		q := "INSERT INTO sync_rejects (sync_id, account_id, charge_date, reason, raw) VALUES " +
			repeatTuple("("+placeholders(len(cols))+")", len(batch))
		if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("store: add sync rejects: %w", Translate(err))
		}
	}
	return nil
}

// ListSyncRejects returns the rejects of run syncID of account accountID, oldest first.
func (s *Store) ListSyncRejects(ctx context.Context, accountID, syncID int64, limit int) ([]SyncReject, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx,
		"SELECT id, sync_id, account_id, charge_date, reason, raw FROM sync_rejects WHERE account_id = ? AND sync_id = ? ORDER BY id LIMIT ?",
		accountID, syncID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list sync rejects: %w", Translate(err))
	}
	defer rows.Close()
	out := []SyncReject{}
	for rows.Next() {
		var r SyncReject
		if err := rows.Scan(&r.ID, &r.SyncID, &r.AccountID, dateCol{&r.ChargeDate}, &r.Reason, &r.Raw); err != nil {
			return nil, fmt.Errorf("store: list sync rejects: %w", Translate(err))
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list sync rejects: %w", Translate(err))
	}
	return out, nil
}
