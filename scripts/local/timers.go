package main

import (
	"context"
	"sync"
	"time"

	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/logx"
)

// startTimers fires every timer function on its s.yaml schedule, as FC's timer triggers do,
// and once at start when the schedule asks for it (billing sync, so a fresh install has data).
// A run still going when its next tick comes is not started twice. The returned function
// stops the timers and waits for running jobs until ctx ends.
func (r *runner) startTimers(ctx context.Context) func(context.Context) {
	if r.d.Config.DisableTimers || len(r.jobs) == 0 {
		return func(context.Context) {}
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for _, j := range r.jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var running sync.Mutex
			fire := func(at time.Time) {
				if !running.TryLock() {
					r.d.Log.WarnContext(logx.WithFunction(ctx, j.fn.Name), "timer skipped: previous run still going", "trigger_name", j.timer.Name)
					return
				}
				go func() {
					defer running.Unlock()
					r.invoke(ctx, j, at)
				}()
			}
			if r.d.Config.SyncOnStart && (j.fn.Dir == "billingsync" || j.fn.Dir == "resourcesync") {
				fire(time.Now())
			}
			for {
				next := j.timer.Schedule.Next(time.Now())
				select {
				case <-ctx.Done():
					running.Lock() // wait for a run in progress
					running.Unlock()
					return
				case <-time.After(time.Until(next)):
					fire(next)
				}
			}
		}()
	}
	return func(wait context.Context) {
		cancel()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-wait.Done():
		}
	}
}

// invoke runs one job as FC would deliver a timer event to it.
func (r *runner) invoke(ctx context.Context, j job, at time.Time) {
	ev := fcx.TimerEvent{TriggerTime: at.UTC(), TriggerName: j.timer.Name, Payload: j.timer.Payload}
	ctx = logx.WithFunction(logx.WithRequestID(ctx, logx.NewRequestID()), j.fn.Name)
	log := r.d.Log.With("trigger_name", j.timer.Name)
	start := time.Now()
	log.InfoContext(ctx, "job started")
	if err := j.run(ctx, ev); err != nil {
		log.ErrorContext(ctx, "job failed", "error", err.Error(), "duration_ms", time.Since(start).Milliseconds())
		return
	}
	log.InfoContext(ctx, "job succeeded", "duration_ms", time.Since(start).Milliseconds())
}
