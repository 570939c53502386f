package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/cloudlens/cloudlens/shared/job"
)

const jobRunColumns = "id, job, run_trigger, status, message, items, requested_by, params, created_at, started_at, heartbeat_at, finished_at"

// maxJobMessage is the width of job_runs.message, in characters.
const maxJobMessage = 2000

func scanJobRun(sc interface{ Scan(...any) error }) (job.Run, error) {
	var r job.Run
	var by sql.NullInt64
	err := sc.Scan(&r.ID, &r.Job, &r.Trigger, &r.Status, &r.Message, &r.Items, &by, &r.Params, timeCol{&r.CreatedAt},
		nullTimeCol{&r.StartedAt}, nullTimeCol{&r.HeartbeatAt}, nullTimeCol{&r.FinishedAt})
	r.RequestedBy = by.Int64
	return r, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// CreateJobRun records r and sets its id.
func (s *Store) CreateJobRun(ctx context.Context, r *job.Run) error {
	res, err := s.db.ExecContext(ctx, "INSERT INTO job_runs (job, run_trigger, status, message, items, requested_by, params, created_at, "+
		"started_at, heartbeat_at, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		r.Job, r.Trigger, r.Status, truncate(r.Message, maxJobMessage), r.Items, nullID(r.RequestedBy), r.Params, s.ts(r.CreatedAt),
		s.nullTS(r.StartedAt), s.nullTS(r.HeartbeatAt), s.nullTS(r.FinishedAt))
	if err != nil {
		return fmt.Errorf("store: create job run: %w", Translate(err))
	}
	if r.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("store: create job run: %w", err)
	}
	return nil
}

// GetJobRun returns run id.
func (s *Store) GetJobRun(ctx context.Context, id int64) (job.Run, error) {
	r, err := scanJobRun(s.db.QueryRowContext(ctx, "SELECT "+jobRunColumns+" FROM job_runs WHERE id = ?", id))
	if err != nil {
		return r, fmt.Errorf("store: get job run %d: %w", id, notFound(err, "job run not found"))
	}
	return r, nil
}

// UpdateJobRun writes the state of r.
func (s *Store) UpdateJobRun(ctx context.Context, r job.Run) error {
	res, err := s.db.ExecContext(ctx, "UPDATE job_runs SET status = ?, message = ?, items = ?, started_at = ?, heartbeat_at = ?, "+
		"finished_at = ? WHERE id = ?", r.Status, truncate(r.Message, maxJobMessage), r.Items, s.nullTS(r.StartedAt),
		s.nullTS(r.HeartbeatAt), s.nullTS(r.FinishedAt), r.ID)
	if err != nil {
		return fmt.Errorf("store: update job run %d: %w", r.ID, Translate(err))
	}
	if err := rowsAffected(res, "job run not found"); err != nil {
		return fmt.Errorf("store: update job run %d: %w", r.ID, err)
	}
	return nil
}

// AbandonJobRuns marks the queued or running runs of jobName other than except whose last
// sign of life (heartbeat, else creation) is before stale as abandoned with msg.
func (s *Store) AbandonJobRuns(ctx context.Context, jobName string, stale time.Time, except int64, msg string) (int64, error) {
	t := now()
	res, err := s.db.ExecContext(ctx, "UPDATE job_runs SET status = ?, message = ?, finished_at = ? WHERE job = ? AND id <> ? "+
		"AND status IN (?, ?) AND COALESCE(heartbeat_at, created_at) < ?",
		job.Abandoned, truncate(msg, maxJobMessage), s.ts(t), jobName, except, job.Queued, job.Running, s.ts(stale))
	if err != nil {
		return 0, fmt.Errorf("store: abandon job runs: %w", Translate(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("store: abandon job runs: %w", Translate(err))
	}
	return n, nil
}

// ListJobRuns returns the latest runs of jobName, newest first.
func (s *Store) ListJobRuns(ctx context.Context, jobName string, limit int) ([]job.Run, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+jobRunColumns+" FROM job_runs WHERE job = ? ORDER BY id DESC LIMIT ?", jobName, limit)
	if err != nil {
		return nil, fmt.Errorf("store: list job runs: %w", Translate(err))
	}
	defer rows.Close()
	out := []job.Run{}
	for rows.Next() {
		r, err := scanJobRun(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list job runs: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list job runs: %w", Translate(err))
	}
	return out, nil
}
