package job_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/cache/cachetest"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func locker(c *cache.Cache) job.Locker {
	return func(ctx context.Context, name string, ttl time.Duration) (job.Lock, error) {
		l, err := c.Lock(ctx, name, ttl)
		if err != nil {
			return nil, err
		}
		return l, nil
	}
}

func TestExecute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, b := range cachetest.Backends(t) {
			t.Run(b.Name, func(t *testing.T) {
				ctx := t.Context()
				rn := &job.Runner{Store: s, Lock: locker(b.Cache), Log: slog.New(slog.DiscardHandler), Now: time.Now, Beat: 20 * time.Millisecond}
				name := "test-" + b.Name

				t.Run("a timer run succeeds with its progress and heartbeat", func(t *testing.T) {
					r, err := rn.Execute(ctx, name, job.TriggerTimer, 0, func(ctx context.Context, items func(int64)) (string, error) {
						items(3)
						time.Sleep(120 * time.Millisecond)
						items(7)
						return "7 budgets checked", nil
					})
					if err != nil {
						t.Fatal(err)
					}
					got, err := s.GetJobRun(ctx, r.ID)
					if err != nil {
						t.Fatal(err)
					}
					if got.Status != job.Succeeded || got.Items != 7 || got.Message != "7 budgets checked" || got.FinishedAt == nil {
						t.Errorf("run = %+v", got)
					}
					if got.HeartbeatAt == nil || !got.HeartbeatAt.After(*got.StartedAt) {
						t.Errorf("heartbeat %v not after start %v", got.HeartbeatAt, got.StartedAt)
					}
				})

				t.Run("a failing run keeps its reason", func(t *testing.T) {
					r, err := rn.Execute(ctx, name, job.TriggerTimer, 0, func(context.Context, func(int64)) (string, error) {
						return "2 of 5 budgets checked", errs.Invalid("budget 9 has an unknown filter")
					})
					if err == nil {
						t.Fatal("want the job's error")
					}
					got, _ := s.GetJobRun(ctx, r.ID)
					if got.Status != job.Failed || got.Message != "2 of 5 budgets checked: budget 9 has an unknown filter" {
						t.Errorf("run = %+v", got)
					}
				})

				t.Run("a queued run starts once", func(t *testing.T) {
					q, err := rn.Queue(ctx, name, job.TriggerManual, 42)
					if err != nil {
						t.Fatal(err)
					}
					ok := func(context.Context, func(int64)) (string, error) { return "", nil }
					if _, err := rn.Execute(ctx, name, job.TriggerManual, q.ID, ok); err != nil {
						t.Fatal(err)
					}
					if _, err := rn.Execute(ctx, name, job.TriggerManual, q.ID, ok); errs.KindOf(err) != errs.KindConflict {
						t.Errorf("replayed run: %v, want a conflict", err)
					}
					if _, err := rn.Execute(ctx, "other-job", job.TriggerManual, q.ID, ok); errs.KindOf(err) != errs.KindNotFound {
						t.Errorf("run of another job: %v, want not found", err)
					}
					got, _ := s.GetJobRun(ctx, q.ID)
					if got.RequestedBy != 42 || got.Trigger != job.TriggerManual || got.Status != job.Succeeded {
						t.Errorf("queued run = %+v", got)
					}
				})

				if b.Name != "miniredis" {
					return // the cases below let locks lapse: instant on miniredis's clock, 30 s of waiting on a real Redis
				}
				t.Run("a killed run is abandoned and its work resumed once its lock lapses", func(t *testing.T) {
					// A process took the lock, recorded a running run and was killed: neither
					// the lock nor the run is ever released by it.
					if _, err := b.Cache.Lock(ctx, "job:"+name, job.LockTTL); err != nil {
						t.Fatal(err)
					}
					old := time.Now().Add(-2 * job.StaleAfter)
					dead := job.Run{Job: name, Trigger: job.TriggerTimer, Status: job.Running, CreatedAt: old, StartedAt: &old, HeartbeatAt: &old}
					if err := s.CreateJobRun(ctx, &dead); err != nil {
						t.Fatal(err)
					}
					worked := 0
					work := func(context.Context, func(int64)) (string, error) { worked++; return "", nil }
					r, err := rn.Execute(ctx, name, job.TriggerTimer, 0, work)
					if err != nil {
						t.Fatal(err)
					}
					if r.Status != job.Skipped || worked != 0 {
						t.Fatalf("while the lock lives: status %s, worked %d; want skipped without work", r.Status, worked)
					}
					b.Advance(job.LockTTL + time.Second)
					if r, err = rn.Execute(ctx, name, job.TriggerTimer, 0, work); err != nil || r.Status != job.Succeeded || worked != 1 {
						t.Fatalf("after the lock lapsed: %+v %v, worked %d", r, err, worked)
					}
					got, _ := s.GetJobRun(ctx, dead.ID)
					if got.Status != job.Abandoned || got.FinishedAt == nil {
						t.Errorf("the killed run = %+v, want abandoned", got)
					}
				})

				t.Run("a run that loses its lock stops", func(t *testing.T) {
					r, err := rn.Execute(ctx, name, job.TriggerTimer, 0, func(ctx context.Context, _ func(int64)) (string, error) {
						b.Advance(job.LockTTL + time.Second) // the lock lapses under the run
						// Another holder takes it before the next heartbeat.
						if _, err := b.Cache.Lock(context.Background(), "job:"+name, job.LockTTL); err != nil {
							return "", err
						}
						<-ctx.Done()
						return "", ctx.Err()
					})
					if !errors.Is(err, cache.ErrNotHeld) {
						t.Errorf("err = %v, want the lost lock named", err)
					}
					if got, _ := s.GetJobRun(ctx, r.ID); got.Status != job.Failed {
						t.Errorf("run = %+v, want failed", got)
					}
					b.Advance(job.LockTTL + time.Second)
				})
			})
		}
	})
}
