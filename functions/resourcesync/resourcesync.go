// Package resourcesync is the cloudlens-resourcesync function: daily, and on demand through
// the jobs API, it reads every account's inventory (ECS, disks, snapshots, EIPs, NAT gateways,
// SLB, RDS, Tair) in every region, the CloudMonitor metrics of the days since the last
// complete run (kept as daily summaries) and the DescribePrice quotes the idle rules compare,
// then evaluates the idle rules for the accounts it refreshed.
//
// Each account's run is recorded (counts, calls per API, throttled calls, duration, error).
// A run records its progress per account as it goes (each region listed, each week of metric
// days read and saved, towards the day it reads up to), so a run that dies (a crash, its
// Deadline) is continued by the next one rather than redone; the next run also marks the dead
// run's record failed.
// One account's failure never stops the others. The inventory of an account is replaced only
// by a complete read: when a region or an API fails, the stored inventory stays as the last
// complete run left it and the run is marked failed with the reason.
package resourcesync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/store"
)

// Name is the job's name in job_runs, the jobs API and CLOUDLENS_RESOURCESYNC_URL.
const Name = "resourcesync"

// Evaluator evaluates the idle rules for the accounts whose inventory a run refreshed. It is
// called once, at the end of a run, with the ids of those accounts.
type Evaluator func(ctx context.Context, accountIDs []int64) error

// Job is the timer entry point.
func Job(d *app.Deps) fcx.Job { return d.TimerJob(Name, Func(d, job.TriggerTimer)) }

// New is the HTTP trigger: a signed request runs a queued run ("run now").
func New(d *app.Deps) http.Handler { return d.JobHandler(Name, Func(d, job.TriggerManual)) }

// Func is the job's work for runs started by trigger.
func Func(d *app.Deps, trigger string) job.Func {
	s := &Syncer{Store: d.Store, Log: d.Log, Now: d.Now, Inventory: inventoryOf(d), Evaluate: evaluateIdle(d)}
	return func(ctx context.Context, items func(int64)) (string, error) {
		return s.Run(ctx, trigger, items)
	}
}

// inventoryOf builds the inventory client of an account: demo accounts reach the simulator,
// the others Alibaba Cloud (or the configured endpoint).
func inventoryOf(d *app.Deps) func(a account.Account) (*aliyun.Inventory, error) {
	return func(a account.Account) (*aliyun.Inventory, error) {
		secret, err := d.OpenSecret(a)
		if err != nil {
			return nil, err
		}
		f := d.Aliyun
		if a.Demo {
			if d.Sim == nil {
				return nil, errs.E(errs.KindUnavailable, "account %d is a demo account, and the simulator runs only in local mode", a.ID)
			}
			f = d.Sim
		}
		creds := aliyun.Credentials{AccessKeyID: a.AccessKeyID, AccessKeySecret: secret, Account: a.ID}
		if a.AuthType == account.AuthRAMRole {
			creds.RoleARN = a.RoleARN
		}
		return f.Inventory(string(a.Site), creds)
	}
}

// Defaults of a Syncer.
const (
	// DefaultBackfillDays of metrics are read by an account's first run (and after a gap):
	// the longest window an idle rule looks at (30 days of steady running) with a margin, and
	// enough to tell an instance stopped for 30 days from one stopped for less.
	DefaultBackfillDays = 35
	defaultAccounts     = 2
	defaultRegions      = 4
	// DefaultDeadline is how long a run syncs before it stops and leaves the rest to the next
	// run: under the function's 60-minute timeout, so the run records its progress and its end
	// itself rather than being killed (the rules are still evaluated for what it refreshed).
	DefaultDeadline = 50 * time.Minute
	// metricSpanDays of metrics are read and saved as one step of a run's progress: a week
	// of 50 instances' hourly points fills whole 1,440-point pages, so splitting a first run's
	// 35 days costs no extra CloudMonitor calls.
	metricSpanDays = 7
)

// Syncer syncs inventories. Zero fields take their defaults; Store, Inventory and Now are
// required.
type Syncer struct {
	Store     *store.Store
	Log       *slog.Logger
	Now       func() time.Time
	Inventory func(a account.Account) (*aliyun.Inventory, error)
	// Evaluate is called once at the end of a run with the accounts refreshed; nil skips it.
	Evaluate Evaluator
	// BackfillDays of metrics a first run reads; default DefaultBackfillDays.
	BackfillDays int
	// Deadline of a run's syncing; default DefaultDeadline.
	Deadline time.Duration
	// Accounts synced at once, and regions of one account read at once.
	Accounts, Regions int
	// PageSize and Limits, when set, are passed to the clients (tests read many pages of
	// small worlds, and pace faster than production).
	PageSize int
	Limits   map[string]float64
}

func (s *Syncer) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// Run syncs every account, then evaluates the idle rules for the accounts refreshed. It
// fails, naming them, when an account failed; the other accounts are synced all the same.
func (s *Syncer) Run(ctx context.Context, trigger string, items func(int64)) (string, error) {
	accounts, err := s.Store.ListAccounts(ctx, account.AllAccounts)
	if err != nil {
		return "", err
	}
	var (
		mu        sync.Mutex
		failed    []error
		refreshed []int64
		resources int
		done      int64
	)
	// The sync stops at its deadline; what it finished is kept for the next run, and the
	// rules are evaluated (with the caller's context) for the accounts it refreshed.
	deadline := s.Deadline
	if deadline <= 0 {
		deadline = DefaultDeadline
	}
	evalCtx := ctx
	ctx, cancel := context.WithTimeoutCause(ctx, deadline, fmt.Errorf("the run's deadline (%s) passed; the next run continues", deadline))
	defer cancel()
	sem := make(chan struct{}, max(s.Accounts, defaultAccounts))
	var wg sync.WaitGroup
	for _, a := range accounts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if ctx.Err() != nil {
				mu.Lock()
				failed = append(failed, scoped{fmt.Sprintf("account %d (%s)", a.ID, a.Name), fmt.Errorf("not started: %w", ctx.Err())})
				mu.Unlock()
				return
			}
			run, applied, err := s.SyncAccount(ctx, a, trigger)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				failed = append(failed, scoped{fmt.Sprintf("account %d (%s)", a.ID, a.Name), err})
			}
			if applied {
				refreshed = append(refreshed, a.ID)
				resources += run.Resources
			}
			done++
			if items != nil {
				items(done)
			}
		}()
	}
	wg.Wait()
	slices.Sort(refreshed)
	// The idle rules read what the run refreshed; an account whose read failed keeps its
	// last complete inventory, so its findings stay as they were.
	if s.Evaluate != nil && len(refreshed) > 0 {
		if err := s.Evaluate(evalCtx, refreshed); err != nil {
			failed = append(failed, scoped{"idle rules", err})
		}
	}
	msg := fmt.Sprintf("%d of %d accounts synced, %d resources", len(refreshed), len(accounts), resources)
	if len(failed) > 0 {
		sort.Slice(failed, func(i, j int) bool { return failed[i].Error() < failed[j].Error() })
		return msg, errors.New(reason(errors.Join(failed...)))
	}
	return msg, nil
}

// SyncAccount syncs one account and records the run. applied says whether the inventory was
// replaced by this run's complete read (metrics or prices may still have failed, and then the
// run is failed with the reason).
func (s *Syncer) SyncAccount(ctx context.Context, a account.Account, trigger string) (run resource.SyncRun, applied bool, err error) {
	start, began := s.Now(), time.Now()
	run = resource.SyncRun{AccountID: a.ID, Trigger: trigger, Status: resource.SyncRunning, StartedAt: start}
	if err := s.Store.CreateResourceSyncRun(ctx, &run); err != nil {
		return run, false, err
	}
	var inv *aliyun.Inventory
	defer func() {
		end := s.Now()
		run.FinishedAt, run.Duration = &end, time.Since(began)
		if inv != nil {
			run.Calls, run.Throttled = inv.Calls()
		}
		run.Status = resource.SyncSucceeded
		if err != nil {
			run.Status, run.Error = resource.SyncFailed, reason(err)
			if ctx.Err() != nil {
				// Stopped by a cancel or the deadline: what it finished is kept for the next run.
				run.Error = "interrupted (" + context.Cause(ctx).Error() + "): " + run.Error
			}
		}
		// The record is written even when the caller's context is gone.
		wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if uerr := s.Store.UpdateResourceSyncRun(wctx, run); uerr != nil {
			err = errors.Join(err, uerr)
		}
		log := s.log().With("account_id", a.ID, "resources", run.Resources, "added", run.Added, "released", run.Released,
			"calls", run.TotalCalls(), "throttled", run.Throttled, "duration_ms", run.Duration.Milliseconds())
		if err != nil {
			log.WarnContext(ctx, "resource sync failed", "error", err.Error())
		} else {
			log.InfoContext(ctx, "resource sync done")
		}
	}()
	// Runs whose process stopped without recording their end (a crash, a kill at the
	// timeout) are failed now; this run continues their work from the progress they recorded.
	asOf := yesterday(start)
	if n, err := s.Store.AbandonResourceSyncRuns(ctx, a.ID, run.ID, "abandoned: the process running it stopped; a later run continued its work", start); err != nil {
		return run, false, err
	} else if n > 0 {
		s.log().WarnContext(ctx, "resource sync runs of stopped processes marked failed; continuing their work", "account_id", a.ID, "runs", n)
	}
	p, err := s.progress(ctx, a.ID, asOf)
	if err != nil {
		return run, false, err
	}
	if inv, err = s.Inventory(a); err != nil {
		return run, false, err
	}
	inv.PageSize, inv.Limits = s.PageSize, s.Limits
	regions := a.Regions
	if len(regions) == 0 {
		if regions, err = inv.Regions(ctx); err != nil {
			return run, false, scoped{"regions", err}
		}
	}
	run.Regions = len(regions)
	items, err := s.read(ctx, inv, a.ID, regions, p)
	if err != nil {
		return run, false, err
	}
	run.Resources = len(items)

	// Metrics before the inventory is written: an instance's last point before it stopped
	// says since when it is stopped. Each span of days is saved as it is read.
	from, err := s.metricsFrom(ctx, a.ID, asOf)
	if err != nil {
		return run, false, err
	}
	var partial []error
	if !from.After(asOf) {
		var lastPoint map[string]time.Time
		run.MetricDays, lastPoint, err = s.metrics(ctx, inv, a.ID, items, from, asOf, p)
		if err != nil {
			partial = append(partial, scoped{"metrics", err})
		}
		backfill := !from.After(asOf.AddDate(0, 0, 1-s.backfillDays()))
		for i := range items {
			r := &items[i]
			if r.Type != resource.ECS || r.Status != resource.StatusStopped || err != nil {
				continue
			}
			if t, ok := lastPoint[r.ResourceID]; ok {
				r.StatusSince = t
			} else if backfill && r.CreatedAt.Before(from) {
				// No point in the whole window: stopped at least since it began.
				r.StatusSince = from
			}
		}
	}
	ch, err := s.Store.SyncInventory(ctx, a.ID, resource.Types, items, start)
	if err != nil {
		return run, false, err
	}
	applied = true
	run.Added, run.Updated, run.Released = ch.Added, ch.Updated, ch.Released
	// The regions listed are written: a run after this one lists afresh.
	p.forget(ctx, stepList)
	if err := s.prices(ctx, inv, a.ID, items); err != nil {
		partial = append(partial, scoped{"prices", err})
	}
	if len(partial) == 0 {
		p.forget(ctx, "")
	}
	return run, applied, errors.Join(partial...)
}

func (s *Syncer) backfillDays() int {
	if s.BackfillDays > 0 {
		return s.BackfillDays
	}
	return DefaultBackfillDays
}

// yesterday is the last complete billing day before t.
func yesterday(t time.Time) time.Time {
	n := t.In(billing.Shanghai)
	return time.Date(n.Year(), n.Month(), n.Day()-1, 0, 0, 0, 0, billing.Shanghai)
}

// metricsFrom is the first day whose metrics a run reads: the day after the last complete
// day of the account's last successful run (that day again, since its last hours may have
// been late), else the start of the backfill.
func (s *Syncer) metricsFrom(ctx context.Context, accountID int64, asOf time.Time) (time.Time, error) {
	from := asOf.AddDate(0, 0, 1-s.backfillDays())
	runs, err := s.Store.ResourceSyncRuns(ctx, accountID, 50)
	if err != nil {
		return from, err
	}
	for _, r := range runs {
		if r.Status == resource.SyncSucceeded {
			if last := yesterday(r.StartedAt); !last.Before(from) {
				from = last
			}
			break
		}
	}
	return from, nil
}

// listers are the reads of one region, by API group.
var listers = []struct {
	name string
	list func(inv *aliyun.Inventory) func(context.Context, int64, string) ([]resource.Resource, error)
}{
	{"ecs instances", func(inv *aliyun.Inventory) func(context.Context, int64, string) ([]resource.Resource, error) {
		return inv.ECSInstances
	}},
	{"disks", func(inv *aliyun.Inventory) func(context.Context, int64, string) ([]resource.Resource, error) {
		return inv.Disks
	}},
	{"snapshots", func(inv *aliyun.Inventory) func(context.Context, int64, string) ([]resource.Resource, error) {
		return inv.Snapshots
	}},
	{"eips", func(inv *aliyun.Inventory) func(context.Context, int64, string) ([]resource.Resource, error) {
		return inv.EIPs
	}},
	{"nat gateways", func(inv *aliyun.Inventory) func(context.Context, int64, string) ([]resource.Resource, error) {
		return inv.NATGateways
	}},
	{"load balancers", func(inv *aliyun.Inventory) func(context.Context, int64, string) ([]resource.Resource, error) {
		return inv.LoadBalancers
	}},
	{"rds", func(inv *aliyun.Inventory) func(context.Context, int64, string) ([]resource.Resource, error) {
		return inv.DBInstances
	}},
	{"tair", func(inv *aliyun.Inventory) func(context.Context, int64, string) ([]resource.Resource, error) {
		return inv.RedisInstances
	}},
}

// read lists every type in every region, a few regions at a time. Any failure fails the read:
// a partial inventory would release what it failed to list.
func (s *Syncer) read(ctx context.Context, inv *aliyun.Inventory, accountID int64, regions []string, p *progress) ([]resource.Resource, error) {
	var (
		mu     sync.Mutex
		out    []resource.Resource
		failed []error
	)
	sem := make(chan struct{}, max(s.Regions, defaultRegions))
	var wg sync.WaitGroup
	for _, region := range regions {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			var got []resource.Resource
			if p.load(stepList+region, &got) {
				mu.Lock()
				out = append(out, got...)
				mu.Unlock()
				return
			}
			for _, l := range listers {
				rs, err := l.list(inv)(ctx, accountID, region)
				if err != nil {
					mu.Lock()
					failed = append(failed, scoped{region + ": " + l.name, err})
					mu.Unlock()
					return
				}
				got = append(got, rs...)
			}
			// Whether subscriptions renew themselves is not in the lists: asked of the
			// subscriptions only, in batches.
			if err := inv.AutoRenew(ctx, region, got); err != nil {
				mu.Lock()
				failed = append(failed, scoped{region + ": auto-renewal", err})
				mu.Unlock()
				return
			}
			p.save(ctx, stepList+region, got)
			mu.Lock()
			out = append(out, got...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(failed) > 0 {
		sort.Slice(failed, func(i, j int) bool { return failed[i].Error() < failed[j].Error() })
		return nil, errors.Join(failed...)
	}
	// A resource listed twice (an API answering the same page twice) is kept once.
	seen := make(map[string]bool, len(out))
	uniq := out[:0]
	for _, r := range out {
		if !seen[r.ResourceID] {
			seen[r.ResourceID] = true
			uniq = append(uniq, r)
		}
	}
	return uniq, nil
}

// metrics reads the daily summaries of every resource type that has metrics, a span of
// metricSpanDays at a time, and saves each span as it is read (a span a dead run saved is not
// read again). It returns how many summaries it wrote and, per resource, the time after its
// last point.
func (s *Syncer) metrics(ctx context.Context, inv *aliyun.Inventory, accountID int64, items []resource.Resource, from, to time.Time,
	p *progress) (int, map[string]time.Time, error) {
	byType := map[resource.Type][]string{}
	for _, r := range items {
		if len(resource.MetricsOf(r.Type)) > 0 {
			byType[r.Type] = append(byType[r.Type], r.ResourceID)
		}
	}
	written := 0
	last := map[string]time.Time{}
	keep := func(points map[string]time.Time) {
		for id, at := range points {
			if at.After(last[id]) {
				last[id] = at
			}
		}
	}
	for _, t := range resource.Types {
		ids := byType[t]
		if len(ids) == 0 {
			continue
		}
		for start := from; !start.After(to); start = start.AddDate(0, 0, metricSpanDays) {
			end := start.AddDate(0, 0, metricSpanDays-1)
			if end.After(to) {
				end = to
			}
			step := stepMetrics + string(t) + ":" + start.Format(time.DateOnly)
			var points map[string]time.Time
			if p.load(step, &points) {
				keep(points)
				continue
			}
			sum, err := inv.Metrics(ctx, accountID, t, ids, start, end)
			if err != nil {
				return written, nil, scoped{string(t), err}
			}
			if len(sum.Days) > 0 {
				n, err := s.Store.SaveMetricDays(ctx, sum.Days)
				if err != nil {
					return written, nil, scoped{string(t), err}
				}
				written += n
			}
			keep(sum.LastPoint)
			p.save(ctx, step, sum.LastPoint)
		}
	}
	return written, last, nil
}

// Steps of a run's progress (store.SaveSyncStep): a region listed, and a span of metric days
// of one type read and saved.
const (
	stepList    = "list:"    // + region; detail: the resources listed
	stepMetrics = "metrics:" // + type + ":" + first day; detail: the time after each resource's last point
)

// progress is what runs of one account finished towards one day (asOf). Saving is best
// effort: a step that could not be recorded is only done again by a later run.
type progress struct {
	s         *Syncer
	accountID int64
	asOf      time.Time
	done      map[string]string
}

// progress loads what earlier runs of accountID finished towards asOf, dropping what they
// recorded towards other days (a new day lists and reads afresh).
func (s *Syncer) progress(ctx context.Context, accountID int64, asOf time.Time) (*progress, error) {
	if err := s.Store.ClearSyncProgress(ctx, accountID, asOf); err != nil {
		return nil, err
	}
	done, err := s.Store.SyncProgress(ctx, accountID, asOf)
	if err != nil {
		return nil, err
	}
	if len(done) > 0 {
		s.log().InfoContext(ctx, "resource sync continues an earlier run", "account_id", accountID, "steps_done", len(done))
	}
	return &progress{s: s, accountID: accountID, asOf: asOf, done: done}, nil
}

// load decodes the detail of step into v when an earlier run finished it.
func (p *progress) load(step string, v any) bool {
	d, ok := p.done[step]
	return ok && json.Unmarshal([]byte(d), v) == nil
}

func (p *progress) save(ctx context.Context, step string, v any) {
	b, err := json.Marshal(v)
	if err == nil {
		err = p.s.Store.SaveSyncStep(ctx, p.accountID, p.asOf, step, string(b), p.s.Now())
	}
	if err != nil {
		p.s.log().WarnContext(ctx, "record resource sync progress failed", "account_id", p.accountID, "step", step, "error", err.Error())
	}
}

// forget drops the steps whose name starts with prefix ("" for all).
func (p *progress) forget(ctx context.Context, prefix string) {
	var err error
	if prefix == "" {
		err = p.s.Store.ClearSyncProgress(ctx, p.accountID, time.Time{})
	} else {
		err = p.s.Store.DropSyncSteps(ctx, p.accountID, prefix)
	}
	if err != nil {
		p.s.log().WarnContext(ctx, "clear resource sync progress failed", "account_id", p.accountID, "error", err.Error())
	}
}

// prices asks DescribePrice for the instance types in use, by region, pay-as-you-go and
// subscription, with the next smaller type of each (what a downsize would cost), and for one
// Mbps of fixed bandwidth where fixed bandwidth is bought.
func (s *Syncer) prices(ctx context.Context, inv *aliyun.Inventory, accountID int64, items []resource.Resource) error {
	type key struct{ region, spec string }
	want := map[key]bool{}
	for _, r := range items {
		if r.Released() {
			continue
		}
		if r.Type == resource.ECS && r.Spec != "" {
			want[key{r.Region, r.Spec}] = true
			if sm := resource.SmallerSpec(r.Spec); sm != "" {
				want[key{r.Region, sm}] = true
			}
		}
		if (r.Type == resource.ECS || r.Type == resource.EIP) && r.InternetChargeType == "PayByBandwidth" {
			want[key{r.Region, aliyun.PriceBandwidth}] = true
		}
	}
	keys := make([]key, 0, len(want))
	for k := range want {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].region+keys[i].spec < keys[j].region+keys[j].spec })
	var out []resource.Price
	for _, k := range keys {
		for _, charge := range []resource.ChargeType{resource.PostPaid, resource.PrePaid} {
			p, err := inv.Price(ctx, accountID, k.region, k.spec, charge)
			if errs.KindOf(err) == errs.KindNotFound || errs.KindOf(err) == errs.KindInvalid {
				// A type not sold in the region (or no such smaller size): nothing to compare.
				continue
			}
			if err != nil {
				return scoped{k.region + " " + k.spec, err}
			}
			p.FetchedAt = s.Now()
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return s.Store.SavePrices(ctx, out)
}

// Describe says what a run did, for logs and tests.
func Describe(r resource.SyncRun) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d resources in %d regions (+%d ~%d -%d), %d metric days, %d calls (%d throttled) in %s",
		r.Status, r.Resources, r.Regions, r.Added, r.Updated, r.Released, r.MetricDays, r.TotalCalls(), r.Throttled, r.Duration.Round(time.Millisecond))
	if r.Error != "" {
		b.WriteString(": " + r.Error)
	}
	return b.String()
}

// scoped says where an error happened (a region and API, "metrics", an account).
type scoped struct {
	where string
	err   error
}

func (e scoped) Error() string { return e.where + ": " + e.err.Error() }
func (e scoped) Unwrap() error { return e.err }

// reason is the text a run records for err: where it happened and the classified message of
// each failure, without the SDK's dump of the answer (request ids and headers are in the logs).
func reason(err error) string {
	var lines []string
	var walk func(prefix string, err error)
	walk = func(prefix string, err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(prefix, e)
			}
			return
		}
		if sc, ok := err.(scoped); ok {
			walk(prefix+sc.where+": ", sc.err)
			return
		}
		var e *errs.Error
		if errors.As(err, &e) && e.Message != "" {
			lines = append(lines, prefix+e.Message)
			return
		}
		lines = append(lines, prefix+errs.Clip(err.Error(), 300))
	}
	walk("", err)
	return strings.Join(lines, "; ")
}
