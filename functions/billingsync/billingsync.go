// Package billingsync is the cloudlens-billingsync function: it pulls the daily,
// billing-item-level bills of every account from BSS, normalises them, stores them
// idempotently, removes what upstream no longer lists, rebuilds the daily roll-ups and
// records every run. Its timer syncs all accounts; its HTTP trigger runs one queued
// "sync now" run at a time.
package billingsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/logx"
	"github.com/cloudlens/cloudlens/shared/store"
)

// Tuning of one run.
// lockTTL is how long an account's lock outlives a killed holder; a live run extends it every
// lockTTL/3. Short, as job.LockTTL, so the next invocation resumes a killed run's work within
// it (syncTimer waits that long for the lock) instead of skipping the account until the next
// timer. A variable so tests can shorten it.
var lockTTL = 30 * time.Second

const (
	// dayWorkers fetch days of one account in parallel: while one stores a page, another is
	// waiting on the account's shared rate limiter, which keeps the request rate at the limit.
	dayWorkers = 3
	// flushRows is how many normalised items a day worker gathers before writing them.
	flushRows = 3000
	// throttleRounds bounds how often a page still throttled after the client's own retries is
	// tried again, after throttlePause: throttling slows a run down instead of failing it.
	throttleRounds = 20
	throttlePause  = 2 * time.Second
)

// Job returns the timer job: every account, SyncConcurrency at a time.
func Job(d *app.Deps) fcx.Job { return d.TimerJob(Name, syncAll(d, job.TriggerTimer)) }

// Name is the job's name in job_runs, the jobs API and CLOUDLENS_BILLINGSYNC_URL.
const Name = "billingsync"

// syncAll is the sync of every account as a job run (timer, or the jobs API's "run now"),
// recorded in job_runs beside each account's sync_runs. When it is done, budgets are checked
// against the new bills, even if some accounts failed: the others' figures moved.
func syncAll(d *app.Deps, trigger string) job.Func {
	return func(ctx context.Context, items func(int64)) (string, error) {
		err := SyncAll(ctx, d, trigger)
		if ctx.Err() == nil {
			d.Chain(ctx, "budgetcheck")
			d.Chain(ctx, "anomalydetect")
			reprice(ctx, d)
		}
		if err != nil {
			return "", err
		}
		return "every account synced", nil
	}
}

// reprice evaluates the idle rules again over the new bills: a finding is worth its resource's
// billed cost, so findings made before an account's bills arrived (its first resource sync can
// finish first) or before a correction would otherwise keep a stale figure until the next
// resource sync. It reads only stored data, no Alibaba API; a failure is logged, and the bills
// stay synced.
func reprice(ctx context.Context, d *app.Deps, accountIDs ...int64) {
	if len(accountIDs) == 0 {
		accs, err := d.Store.ListAccounts(ctx, account.AllAccounts)
		if err != nil {
			d.Log.WarnContext(ctx, "idle findings not repriced", "error", err.Error())
			return
		}
		for _, a := range accs {
			accountIDs = append(accountIDs, a.ID)
		}
	}
	if err := d.EvaluateIdle(ctx, accountIDs); err != nil {
		d.Log.WarnContext(ctx, "idle findings not repriced", "error", err.Error())
	}
}

// SyncAll syncs every account. One account's failure never stops the others; the error
// names every account that failed, so FC records the invocation as failed.
func SyncAll(ctx context.Context, d *app.Deps, trigger string) error {
	accs, err := d.Store.ListAccounts(ctx, account.AllAccounts)
	if err != nil {
		return fmt.Errorf("billingsync: list accounts: %w", err)
	}
	sem := make(chan struct{}, max(1, d.Config.SyncConcurrency))
	var mu sync.Mutex
	var failed []error
	var wg sync.WaitGroup
	for _, acc := range accs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			defer func() { <-sem }()
			err := syncTimer(ctx, d, acc, trigger)
			if err != nil {
				mu.Lock()
				failed = append(failed, fmt.Errorf("account %d (%s): %w", acc.ID, acc.Name, err))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		failed = append(failed, ctx.Err())
	}
	if len(failed) > 0 {
		return fmt.Errorf("billingsync: %d of %d accounts failed: %w", len(failed), len(accs), errors.Join(failed...))
	}
	return nil
}

// syncTimer takes the account's lock, and only then records a run. A held lock is waited for
// a little longer than its TTL: a killed holder's lock expires by then and this run resumes
// its work (marking the killed run abandoned), while a live holder keeps extending it, and the
// account is skipped, not failed, since that run does the same work.
func syncTimer(ctx context.Context, d *app.Deps, acc account.Account, trigger string) error {
	lock, err := d.Cache.Lock(ctx, lockName(acc.ID), lockTTL)
	for wait := time.Now().Add(lockTTL + lockTTL/10); errs.Is(err, errs.KindConflict) && time.Now().Before(wait); {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(lockTTL / 10):
		}
		lock, err = d.Cache.Lock(ctx, lockName(acc.ID), lockTTL)
	}
	if errs.Is(err, errs.KindConflict) {
		d.Log.InfoContext(ctx, "account skipped: another sync holds its lock", "account_id", acc.ID)
		return nil
	}
	if err != nil {
		return err
	}
	run := store.SyncRun{AccountID: acc.ID, Status: store.SyncRunning, Trigger: trigger, StartedAt: d.Now()}
	if err := d.Store.CreateSyncRun(ctx, &run); err != nil {
		_ = lock.Unlock(context.WithoutCancel(ctx))
		return err
	}
	return runLocked(ctx, d, acc, &run, lock)
}

// Run performs the queued run syncID of account accountID ("sync now"). A run that is not
// queued any more (already started, finished or replayed) is refused as a conflict.
func Run(ctx context.Context, d *app.Deps, accountID, syncID int64) error {
	run, err := d.Store.GetSyncRun(ctx, accountID, syncID)
	if err != nil {
		return err
	}
	if run.Status != store.SyncQueued {
		return errs.Conflict("sync run %d is %s, not queued", syncID, run.Status)
	}
	acc, err := d.Store.GetAccount(ctx, account.AllAccounts, accountID)
	if err != nil {
		return err
	}
	lock, err := d.Cache.Lock(ctx, lockName(acc.ID), lockTTL)
	if err != nil {
		run.Status, run.Error = store.SyncFailed, errs.Message(err)
		if errs.Is(err, errs.KindConflict) {
			run.Error = "another sync of this account was running; it covers the same days"
		}
		fin := d.Now()
		run.FinishedAt = &fin
		if uerr := d.Store.UpdateSyncRun(context.WithoutCancel(ctx), run); uerr != nil {
			return errors.Join(err, uerr)
		}
		return err
	}
	run.Status, run.StartedAt = store.SyncRunning, d.Now()
	return runLocked(ctx, d, acc, &run, lock)
}

func lockName(accountID int64) string { return "billingsync:" + strconv.FormatInt(accountID, 10) }

// runLocked runs the sync while holding lock, keeping it extended, and releases it after.
func runLocked(ctx context.Context, d *app.Deps, acc account.Account, run *store.SyncRun, lock interface {
	Extend(context.Context, time.Duration) error
	Unlock(context.Context) error
}) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := make(chan struct{})
	var kept sync.WaitGroup
	kept.Add(1)
	go func() {
		defer kept.Done()
		t := time.NewTicker(lockTTL / 3)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				if err := lock.Extend(ctx, lockTTL); err != nil {
					// Someone else may work on this account now: stop rather than race them.
					cancel(fmt.Errorf("lost the account's sync lock: %w", err))
					return
				}
			}
		}
	}()
	err := syncAccount(ctx, d, acc, run)
	close(stop)
	kept.Wait()
	if uerr := lock.Unlock(context.WithoutCancel(ctx)); uerr != nil {
		d.Log.WarnContext(ctx, "unlock failed", "account_id", acc.ID, "error", uerr.Error())
	}
	return err
}

// syncAccount is one run for one account, the lock held. It records the run's progress and
// outcome and sets the account's status.
func syncAccount(ctx context.Context, d *app.Deps, acc account.Account, run *store.SyncRun) (err error) {
	// Every line of the run, the store's and the clients' included, carries its run_id.
	ctx = logx.WithRunID(ctx, run.ID)
	log := d.Log.With("account_id", acc.ID)
	started := time.Now()
	// Records are written even when ctx is cancelled: the run must not stay "running".
	bg := context.WithoutCancel(ctx)
	st := &state{d: d, acc: acc, run: run, log: log}
	defer func() {
		fin := d.Now()
		run.FinishedAt = &fin
		run.Status = store.SyncSucceeded
		if err != nil {
			run.Status = store.SyncFailed
			run.Error = runMessage(err)
			if ctx.Err() != nil {
				run.Error = "interrupted: " + context.Cause(ctx).Error()
			}
		}
		if uerr := d.Store.UpdateSyncRun(bg, *run); uerr != nil {
			log.ErrorContext(bg, "record sync run failed", "error", uerr.Error())
		}
		// An account whose last sync failed is failing, with the run's reason, whatever
		// failed: a person looking at it must see that its figures are not current.
		status, msg, at := account.StatusOK, "", &fin
		if err != nil {
			status, msg, at = account.StatusFailing, run.Error, nil
		}
		if serr := d.Store.SetAccountStatus(bg, acc.ID, status, msg, at); serr != nil {
			log.ErrorContext(bg, "set account status failed", "error", serr.Error())
		}
		log.InfoContext(bg, "sync finished", "status", run.Status, "days", run.Days, "failed_days", run.FailedDays,
			"pages", run.Pages, "rows", run.Rows, "deleted", run.Deleted, "rejected", run.Rejected, "twins", run.Twins,
			"duplicates", run.Duplicates, "rounded", run.Rounded, "duration_ms", time.Since(started).Milliseconds(),
			"error", run.Error)
		if d.Metrics != nil {
			d.Metrics.SyncRun(run.Status, run.Rows, time.Since(started))
		}
	}()

	if n, err := d.Store.AbandonUnfinishedSyncRuns(ctx, acc.ID, run.ID, "abandoned: the process running it stopped; a later run completed its days", d.Now()); err != nil {
		return err
	} else if n > 0 {
		log.WarnContext(ctx, "marked runs of stopped processes abandoned; resuming their days", "runs", n)
	}
	client, err := d.Billing(acc)
	if err != nil {
		return err
	}
	months := d.Config.BackfillMonths
	plan := billing.Plan(d.Now(), months, nil)
	complete, err := d.Store.CompleteDays(ctx, acc.ID, plan.Start, plan.End)
	if err != nil {
		return err
	}
	plan = billing.Plan(d.Now(), months, complete)
	run.WindowStart, run.WindowEnd, run.Days = plan.Start, plan.End, len(plan.Fetch)
	if plan.Start > plan.End {
		run.WindowStart, run.WindowEnd = "", ""
	}
	if err := d.Store.UpdateSyncRun(ctx, *run); err != nil {
		return err
	}
	st.client = client

	fetched, failed, fetchErr := st.fetchDays(ctx, plan.Fetch)
	if len(fetched) > 0 {
		days := make([]string, len(fetched))
		for i, f := range fetched {
			days[i] = f.day
		}
		if err := d.Store.RebuildDaily(bg, acc.ID, days); err != nil {
			return errors.Join(fetchErr, err)
		}
		// A day counts as complete only once its roll-ups are rebuilt too: were it marked when
		// its pages were stored, a crash (or a cancel whose error hides a committed write)
		// before the rebuild would leave a day that later runs skip and dashboards never see.
		for _, f := range fetched {
			if err := d.Store.MarkDayComplete(bg, acc.ID, f.day, f.rows, run.ID, f.fetchedAt); err != nil {
				return errors.Join(fetchErr, err)
			}
			if f.rejected > 0 {
				// Fetched in full, yet short of what it rejected: a gap until a sync stores it all.
				reason := fmt.Sprintf("%d item(s) of the bill could not be read and were rejected (sync run %d lists them)", f.rejected, run.ID)
				if err := d.Store.MarkDayIncomplete(bg, acc.ID, f.day, reason, run.ID, f.fetchedAt); err != nil {
					return errors.Join(fetchErr, err)
				}
			}
		}
		if _, err := d.Cache.Bump(bg, cost.CacheNamespace); err != nil {
			// Cached answers expire by TTL anyway; a failed bump delays fresh figures, it loses none.
			log.WarnContext(bg, "cache version bump failed", "error", err.Error())
		}
	}
	for _, f := range failed {
		if err := d.Store.MarkDayIncomplete(bg, acc.ID, f.day, f.reason, run.ID, d.Now()); err != nil {
			return errors.Join(fetchErr, err)
		}
	}
	if fetchErr == nil && len(failed) > 0 {
		fetchErr = failedDaysError(failed, len(plan.Fetch))
	}
	return fetchErr
}

// failedDay is a day that could not be synced completely, and why.
type failedDay struct {
	day    string
	reason string
}

// dayError fails one day: the other days of the run go on.
type dayError struct{ reason string }

func (e *dayError) Error() string { return e.reason }

// failedDaysError says which days failed and why, in words a person can act on.
func failedDaysError(failed []failedDay, of int) error {
	slices.SortFunc(failed, func(a, b failedDay) int { return strings.Compare(a.day, b.day) })
	var b strings.Builder
	fmt.Fprintf(&b, "%d of %d days could not be synced and are shown as incomplete: ", len(failed), of)
	for i, f := range failed {
		if i == 5 {
			fmt.Fprintf(&b, "; and %d more", len(failed)-5)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.day + ": " + f.reason)
	}
	return errs.E(errs.KindUnavailable, "%s", b.String())
}

// runMessage is what a failed run records and its account shows: the classified message
// whatever its kind (these are CloudLens's own sentences), never a bare "internal error".
func runMessage(err error) string {
	var e *errs.Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "CloudLens could not store the bills (a database error); the billingsync log of this run has the cause"
}

// state is what the day workers of one run share.
type state struct {
	d      *app.Deps
	acc    account.Account
	run    *store.SyncRun
	log    *slog.Logger
	client *aliyun.Billing

	mu        sync.Mutex
	lastSaved time.Time
}

// progressEvery is how often a running sync writes its counters, so "sync now" can show
// pages and rows as they grow without a write per page.
const progressEvery = time.Second

// saveProgress records the run's counters when the last save is older than progressEvery.
// A failed save is logged: progress is informative, the final record is what counts.
func (st *state) saveProgress(ctx context.Context) {
	st.mu.Lock()
	if time.Since(st.lastSaved) < progressEvery {
		st.mu.Unlock()
		return
	}
	st.lastSaved = time.Now()
	run := *st.run
	st.mu.Unlock()
	if err := st.d.Store.UpdateSyncRun(ctx, run); err != nil {
		st.log.WarnContext(ctx, "record sync progress failed", "error", err.Error())
	}
}

func (st *state) add(pages int, rows, deleted, rejected int64) {
	st.mu.Lock()
	st.run.Pages += pages
	st.run.Requests += pages
	st.run.Rows += rows
	st.run.Deleted += deleted
	st.run.Rejected += rejected
	st.mu.Unlock()
}

// addBatch counts what normalising one page had to decide.
func (st *state) addBatch(b billing.Batch) {
	st.mu.Lock()
	st.run.Twins += int64(b.Twins)
	st.run.Duplicates += int64(len(b.Duplicates))
	st.run.Rounded += int64(b.Rounded)
	st.mu.Unlock()
}

// fetchedDay is a day whose every page was stored and whose vanished rows were removed.
type fetchedDay struct {
	day       string
	rows      int64
	rejected  int64
	fetchedAt time.Time
}

// fetchDays fetches days with a few workers and returns the days fetched in full and the
// days that failed on their own (a paging loop, throttling past every retry, an answer
// that does not add up): those do not stop the others. Any other error (credentials,
// the database, cancellation) stops the other workers; days they fetched in full are
// still returned.
func (st *state) fetchDays(ctx context.Context, days []string) ([]fetchedDay, []failedDay, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan string)
	var mu sync.Mutex
	var done []fetchedDay
	var failed []failedDay
	var firstErr error
	var wg sync.WaitGroup
	for range min(dayWorkers, max(1, len(days))) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for day := range next {
				f, err := st.fetchDay(ctx, day)
				// Done either way: fetched, or failed on its own and shown as incomplete.
				st.mu.Lock()
				st.run.DaysDone++
				st.mu.Unlock()
				if err == nil {
					st.saveProgress(ctx)
				}
				var de *dayError
				mu.Lock()
				switch {
				case err == nil:
					done = append(done, f)
				case errors.As(err, &de) && ctx.Err() == nil:
					failed = append(failed, failedDay{day: day, reason: de.reason})
					st.mu.Lock()
					st.run.FailedDays++
					st.mu.Unlock()
					st.log.WarnContext(ctx, "day failed; the others go on", "day", day, "reason", de.reason)
				case firstErr == nil:
					firstErr = fmt.Errorf("day %s: %w", day, err)
					cancel()
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for _, day := range days {
		select {
		case next <- day:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if firstErr == nil && ctx.Err() != nil {
		firstErr = ctx.Err()
	}
	return done, failed, firstErr
}

// fetchDay fetches every page of day, stores the items and removes what upstream no longer
// lists (only now that every page is in). A failure of the day alone is a *dayError.
func (st *state) fetchDay(ctx context.Context, day string) (fetchedDay, error) {
	d, acc := st.d, st.acc
	fetchedAt := d.Now()
	var keep []billing.Key
	var pending []billing.LineItem
	var rejects []store.SyncReject
	var rejected int64
	flush := func() error {
		if len(pending) > 0 {
			n, err := d.Store.UpsertLineItems(ctx, st.run.ID, pending)
			if err != nil {
				return err
			}
			st.add(0, n, 0, 0)
			pending = pending[:0]
		}
		if len(rejects) > 0 {
			if err := d.Store.AddSyncRejects(ctx, rejects); err != nil {
				return err
			}
			st.add(0, 0, 0, int64(len(rejects)))
			rejects = rejects[:0]
		}
		return nil
	}
	keys := billing.NewDayKeys()
	// tokens seen in this day's answer: a token that comes back means the server is
	// paging in a loop (the same page again, or the last page pointing to the first).
	tokens := map[string]int{"": 1}
	token := ""
	received, total, hasTotal, pages := 0, 0, false, 0
	for {
		page, err := st.page(ctx, day, token)
		if err != nil {
			if ctx.Err() != nil || errs.Is(err, errs.KindUnauthorized) || errs.Is(err, errs.KindForbidden) {
				return fetchedDay{}, err
			}
			return fetchedDay{}, &dayError{reason: runMessage(err)}
		}
		pages++
		st.add(1, 0, 0, 0)
		received += len(page.Items) + len(page.Unreadable)
		if page.HasTotalCount {
			if hasTotal && page.TotalCount != total {
				return fetchedDay{}, &dayError{reason: fmt.Sprintf("the answer changed while it was read: page %d announced %d items, page 1 announced %d; the next sync reads the day again", pages, page.TotalCount, total)}
			}
			total, hasTotal = page.TotalCount, true
		}
		for _, u := range page.Unreadable {
			rejects = append(rejects, reject(st.run.ID, acc.ID, day, errs.Message(u.Err), u.Body))
		}
		b := billing.NormalizePage(acc.ID, page.Items, page.Bodies, keys)
		st.addBatch(b)
		for _, r := range b.Rejected {
			rejects = append(rejects, reject(st.run.ID, acc.ID, day, errs.Message(r.Err), page.Bodies[r.Index]))
		}
		if len(b.Duplicates) > 0 {
			st.log.WarnContext(ctx, "the same charge was delivered twice; stored once", "day", day, "page", pages, "duplicates", len(b.Duplicates))
		}
		for i, li := range b.Items {
			if li.ChargeDate != day {
				// Stored under its own date it would escape this day's DeleteMissing and be counted twice.
				rejects = append(rejects, reject(st.run.ID, acc.ID, day, "billing date "+li.ChargeDate+" outside the requested day", page.Bodies[b.Positions[i]]))
				rejected++
				continue
			}
			keep = append(keep, li.Key)
			pending = append(pending, li)
		}
		rejected += int64(len(page.Unreadable) + len(b.Rejected))
		if len(b.UnknownRegions) > 0 {
			st.log.WarnContext(ctx, "unknown region names kept as named", "day", day, "regions", b.UnknownRegions)
		}
		if len(pending) >= flushRows {
			if err := flush(); err != nil {
				return fetchedDay{}, err
			}
		}
		if page.NextToken == "" {
			break
		}
		if n, seen := tokens[page.NextToken]; seen {
			return fetchedDay{}, &dayError{reason: fmt.Sprintf("paging loop: page %d pointed back to page %d (NextToken %q repeated); the day was not completed",
				pages, n, errs.Clip(page.NextToken, 40))}
		}
		if hasTotal {
			size := max(1, page.MaxResults)
			if allowed := max(1, (total+size-1)/size); pages >= allowed {
				return fetchedDay{}, &dayError{reason: fmt.Sprintf("paging does not end: %d items in pages of %d allow %d page(s), yet page %d asks for another; the day was not completed",
					total, size, allowed, pages)}
			}
		}
		tokens[page.NextToken] = pages + 1
		token = page.NextToken
	}
	if err := flush(); err != nil {
		return fetchedDay{}, err
	}
	if hasTotal && received != total {
		// What was received is stored; the day stays incomplete and is read again next time.
		return fetchedDay{}, &dayError{reason: fmt.Sprintf("the answer announced %d items but %d arrived; the next sync reads the day again", total, received)}
	}
	deleted, err := d.Store.DeleteMissing(ctx, acc.ID, day, keep)
	if err != nil {
		return fetchedDay{}, err
	}
	st.add(0, 0, deleted, 0)
	return fetchedDay{day: day, rows: int64(len(keep)), rejected: rejected, fetchedAt: fetchedAt}, nil
}

// page fetches one page, waiting out throttling that outlasts the client's own retries.
func (st *state) page(ctx context.Context, day, token string) (aliyun.BillPage, error) {
	q := aliyun.BillQuery{BillingCycle: day[:7], BillingDate: day, Granularity: "DAILY", IsBillingItem: true,
		MaxResults: 300, NextToken: token}
	for round := 0; ; round++ {
		p, err := st.client.DescribeInstanceBill(ctx, q)
		if err == nil || !errs.Is(err, errs.KindRateLimited) || round >= throttleRounds {
			return p, err
		}
		st.log.WarnContext(ctx, "still throttled; slowing down", "day", day, "round", round+1)
		t := time.NewTimer(throttlePause)
		select {
		case <-ctx.Done():
			t.Stop()
			return p, ctx.Err()
		case <-t.C:
		}
	}
}

// reject records an item as it arrived: its JSON bytes, not a re-encoding of what was read.
func reject(syncID, accountID int64, day, reason string, body json.RawMessage) store.SyncReject {
	return store.SyncReject{SyncID: syncID, AccountID: accountID, ChargeDate: day, Reason: reason, Raw: string(body)}
}
