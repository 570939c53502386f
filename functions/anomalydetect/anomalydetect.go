// Package anomalydetect is the cloudlens-anomalydetect function: it reads every monitor's
// daily cost from the roll-ups, judges it with shared/anomaly, keeps what it finds (rerun on the
// same bills it changes nothing; a series whose bills were corrected is judged again), explains
// new anomalies across regions, resources, billing items, tags and the rest, and raises one
// anomaly alert per new anomaly through the alert rules. Billing sync starts it after each
// completed sync; its timer runs it daily as a safety net.
package anomalydetect

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/cost"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/job"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
)

// Name is the job's name in job_runs, the jobs API and CLOUDLENS_ANOMALYDETECT_URL.
const Name = "anomalydetect"

// WindowDays is how much history one run reads per series: enough for the detector's weekly
// and monthly patterns and the minimum history, with the last ninety days judged.
const WindowDays = 120

// AlertWithinDays: anomalies that ended longer ago than this (found when an account's history
// is first synced) are kept but raise no alert.
const AlertWithinDays = 7

// contributorWorkers is how many anomalies' line items are read at once.
const contributorWorkers = 3

// contextDays is how many days before an anomaly its stored series shows, and its
// contributors' baseline reads.
const contextDays = 28

// Job is the timer entry point.
func Job(d *app.Deps) fcx.Job { return d.TimerJob(Name, Func(d)) }

// New is the HTTP trigger: a signed request runs a queued run ("run now", or after a sync).
func New(d *app.Deps) http.Handler { return d.JobHandler(Name, Func(d)) }

// Func is the job's work.
func Func(d *app.Deps) job.Func {
	return func(ctx context.Context, items func(int64)) (string, error) {
		r, err := Run(ctx, d.Store, d.Now(), d.Config.PublicURL)
		if err != nil {
			return "", err
		}
		items(int64(r.Series))
		if r.Raised > 0 {
			d.Chain(ctx, "alertdispatch")
		}
		msg := fmt.Sprintf("%d series judged, %d anomalies (%d new, %d updated, %d withdrawn), %d alerts raised",
			r.Series, r.Found, r.Inserted, r.Updated, r.Withdrawn, r.Raised)
		if len(r.Failed) > 0 {
			return msg, fmt.Errorf("%d series could not be saved: %w", len(r.Failed), errors.Join(r.Failed...))
		}
		return msg, nil
	}
}

// Report counts what one run did.
type Report struct {
	Series, Found                        int
	Inserted, Updated, Withdrawn, Raised int
	Failed                               []error
	Timings                              map[string]time.Duration
}

// series is one monitor's cost in one currency, being assembled.
type series struct {
	m        anomaly.Monitor
	currency string
	values   []money.Micros
	accounts map[int64]bool
}

// Run judges every enabled monitor over the WindowDays up to yesterday (as of now) and saves
// what it finds.
func Run(ctx context.Context, st *store.Store, now time.Time, publicURL string) (Report, error) {
	rep := Report{Timings: map[string]time.Duration{}}
	mark := time.Now()
	lap := func(name string) { rep.Timings[name] += time.Since(mark); mark = time.Now() }
	asOf := cost.Yesterday(now)
	start := asOf.AddDate(0, 0, 1-WindowDays)
	from, to := start.Format(time.DateOnly), asOf.Format(time.DateOnly)
	days := make([]string, WindowDays)
	index := make(map[string]int, WindowDays)
	for i := range days {
		days[i] = start.AddDate(0, 0, i).Format(time.DateOnly)
		index[days[i]] = i
	}
	accts, err := st.ListAccounts(ctx, account.AllAccounts)
	if err != nil {
		return rep, err
	}
	demo := map[int64]bool{}
	for _, a := range accts {
		demo[a.ID] = a.Demo
	}

	// Built-in series: every account × product, every account, every product.
	prodRows, err := st.AccountProductDaily(ctx, from, to)
	if err != nil {
		return rep, err
	}
	acctRows, err := st.AccountDaily(ctx, from, to)
	if err != nil {
		return rep, err
	}
	lap("read_rollups")
	var builtin []anomaly.Monitor
	seen := map[[3]string]bool{}
	addMon := func(dim anomaly.MonitorDim, acct int64, value string) {
		k := [3]string{string(dim), fmt.Sprint(acct), value}
		if !seen[k] {
			seen[k] = true
			builtin = append(builtin, anomaly.Monitor{Dim: dim, AccountID: acct, Value: value, Settings: anomaly.Defaults(), Enabled: true})
		}
	}
	for _, p := range prodRows {
		addMon(anomaly.MonAccountProduct, p.AccountID, p.Key)
		addMon(anomaly.MonProduct, 0, p.Key)
	}
	for _, p := range acctRows {
		addMon(anomaly.MonAccount, p.AccountID, "")
	}
	if err := st.EnsureMonitors(ctx, builtin); err != nil {
		return rep, err
	}
	monitors, err := st.AllMonitors(ctx)
	if err != nil {
		return rep, err
	}
	byWhat := map[[3]string]anomaly.Monitor{}
	for _, m := range monitors {
		byWhat[[3]string{string(m.Dim), fmt.Sprint(m.AccountID), m.Key + "\x00" + m.Value}] = m
	}
	all := map[[2]string]*series{}
	add := func(m anomaly.Monitor, p store.SeriesPoint) {
		if !m.Enabled {
			return
		}
		i, ok := index[p.Day]
		if !ok {
			return
		}
		k := [2]string{fmt.Sprint(m.ID), p.Currency}
		s := all[k]
		if s == nil {
			s = &series{m: m, currency: p.Currency, values: make([]money.Micros, WindowDays), accounts: map[int64]bool{}}
			all[k] = s
		}
		s.values[i] += p.Amount
		s.accounts[p.AccountID] = true
	}
	lookup := func(dim anomaly.MonitorDim, acct int64, value string) (anomaly.Monitor, bool) {
		m, ok := byWhat[[3]string{string(dim), fmt.Sprint(acct), "\x00" + value}]
		return m, ok
	}
	for _, p := range prodRows {
		if m, ok := lookup(anomaly.MonAccountProduct, p.AccountID, p.Key); ok {
			add(m, p)
		}
		if m, ok := lookup(anomaly.MonProduct, 0, p.Key); ok {
			add(m, p)
		}
	}
	for _, p := range acctRows {
		if m, ok := lookup(anomaly.MonAccount, p.AccountID, ""); ok {
			add(m, p)
		}
	}
	for _, m := range monitors {
		if m.Dim.BuiltIn() || !m.Enabled {
			continue
		}
		pts, err := st.MonitorDaily(ctx, m, from, to)
		if err != nil {
			return rep, err
		}
		for _, p := range pts {
			add(m, p)
		}
	}
	billed, err := st.BilledDays(ctx, from, to)
	if err != nil {
		return rep, err
	}
	stored, err := st.MonitorAnomalies(ctx, from)
	if err != nil {
		return rep, err
	}
	feedback := map[[2]string][]anomaly.Record{}
	for _, r := range stored {
		k := [2]string{fmt.Sprint(r.MonitorID), r.Currency}
		feedback[k] = append(feedback[k], r)
	}
	lap("assemble")

	// Judge every series; a few at a time, the detector being pure computation.
	keys := make([][2]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [2]string) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	type judged struct {
		s   *series
		in  *anomaly.Series
		res anomaly.Result
	}
	out := make([]judged, len(keys))
	var wg sync.WaitGroup
	work := make(chan int)
	for range max(1, min(4, runtime.GOMAXPROCS(0))) {
		wg.Go(func() {
			for i := range work {
				s := all[keys[i]]
				in := buildSeries(s, start, days, billed, feedback[keys[i]], index)
				out[i] = judged{s: s, in: in, res: anomaly.Detect(in, s.m.Settings)}
			}
		})
	}
	for i := range keys {
		work <- i
	}
	close(work)
	wg.Wait()
	rep.Series = len(keys)
	lap("detect")

	rules, err := st.ListRules(ctx, alert.KindAnomaly)
	if err != nil {
		return rep, err
	}
	alertFrom := asOf.AddDate(0, 0, -AlertWithinDays).Format(time.DateOnly)
	names := map[int64]string{}
	for _, a := range accts {
		names[a.ID] = a.Name
	}
	// Contributors of new or changed anomalies read line items: a few anomalies at a time.
	type task struct{ j, a int }
	var tasks []task
	for ji, j := range out {
		prev := feedback[[2]string{fmt.Sprint(j.s.m.ID), j.s.currency}]
		for ai, a := range j.res.Anomalies {
			if !unchanged(prev, record(j.s, j.in, &j.res, a, days, 0, false)) {
				tasks = append(tasks, task{ji, ai})
			}
		}
	}
	found := make([][]anomaly.Contributor, len(tasks))
	errs := make([]error, len(tasks))
	next := make(chan int)
	var cwg sync.WaitGroup
	for range contributorWorkers {
		cwg.Go(func() {
			for i := range next {
				j := out[tasks[i].j]
				found[i], errs[i] = contributors(ctx, st, j.s, j.in, &j.res, j.res.Anomalies[tasks[i].a], days, names)
			}
		})
	}
	for i := range tasks {
		next <- i
	}
	close(next)
	cwg.Wait()
	if err := errors.Join(errs...); err != nil {
		return rep, err
	}
	explained := map[task][]anomaly.Contributor{}
	for i, tk := range tasks {
		explained[tk] = found[i]
	}
	lap("contributors")

	for ji, j := range out {
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		first := slices.Index(j.res.Judged, true)
		if first < 0 && len(feedback[[2]string{fmt.Sprint(j.s.m.ID), j.s.currency}]) == 0 {
			continue
		}
		lastJudged := len(days) - 1 - j.s.m.Settings.Provisional
		det := store.Detection{MonitorID: j.s.m.ID, Currency: j.s.currency, From: days[max(first, 0)], To: days[max(lastJudged, 0)]}
		if first < 0 {
			det.From = days[len(days)-1]
		}
		isDemo := false
		for id := range j.s.accounts {
			isDemo = isDemo || demo[id]
		}
		prev := feedback[[2]string{fmt.Sprint(j.s.m.ID), j.s.currency}]
		for ai, a := range j.res.Anomalies {
			rec := record(j.s, j.in, &j.res, a, days, lastJudged, isDemo)
			if !unchanged(prev, rec) {
				rec.Contributors = explained[task{ji, ai}]
			}
			det.Found = append(det.Found, rec)
		}
		rep.Found += len(det.Found)
		t0 := time.Now()
		res, err := st.SaveDetection(ctx, det, now, func(r anomaly.Record) alert.Alert {
			a := r.Alert(publicURL, now)
			if r.EndDate < alertFrom || r.Status != anomaly.StatusOpen {
				a.Deliveries = nil
			} else {
				a.Deliveries = alert.Route(rules, a, now)
			}
			return a
		})
		rep.Timings["save"] += time.Since(t0)
		if err != nil {
			rep.Failed = append(rep.Failed, fmt.Errorf("monitor %d (%s): %w", j.s.m.ID, j.s.currency, err))
			continue
		}
		rep.Inserted += res.Inserted
		rep.Updated += res.Updated
		rep.Withdrawn += res.Withdrawn
		for _, a := range res.Raised {
			if len(a.Deliveries) > 0 {
				rep.Raised++
			}
		}
	}
	return rep, nil
}

// buildSeries turns an assembled series into the detector's input: days whose bills are
// incomplete for any of its accounts are missing, and feedback marks accepted days and breaks.
func buildSeries(s *series, start time.Time, days []string, billed map[int64]map[string]bool, prev []anomaly.Record, index map[string]int) *anomaly.Series {
	in := &anomaly.Series{Start: start, Values: s.values, Missing: make([]bool, len(days)), Accepted: make([]bool, len(days))}
	for id := range s.accounts {
		complete, synced := billed[id]
		if !synced {
			continue
		}
		for i, d := range days {
			if !complete[d] {
				in.Missing[i] = true
			}
		}
	}
	// Before the first day any account of the series has bills for, nothing is known.
	for i := range days {
		if s.values[i] != 0 {
			break
		}
		in.Missing[i] = true
	}
	for i := range days {
		if in.Missing[i] {
			in.Values[i] = 0
		}
	}
	for _, r := range prev {
		if r.Verdict != anomaly.Expected && r.Verdict != anomaly.NotAnomaly {
			continue
		}
		a, okA := index[r.StartDate]
		if !okA {
			a = 0
		}
		b, okB := index[r.EndDate]
		if !okB {
			if r.EndDate < days[0] {
				continue
			}
			b = len(days) - 1
		}
		for i := a; i <= b; i++ {
			in.Accepted[i] = true
		}
		if r.Verdict == anomaly.Expected {
			in.Breaks = append(in.Breaks, a)
			// An expected change goes on: its level is the new normal from then on.
			for i := b + 1; i < len(days) && i <= b+anomaly.LevelShiftDays; i++ {
				in.Accepted[i] = true
			}
		}
	}
	return in
}

// record is anomaly a of series s as stored, with the series around it.
func record(s *series, in *anomaly.Series, res *anomaly.Result, a anomaly.Anomaly, days []string, lastJudged int, isDemo bool) anomaly.Record {
	r := anomaly.Record{MonitorID: s.m.ID, Monitor: s.m, AccountID: s.m.AccountID, Currency: s.currency,
		StartDate: days[a.Start], EndDate: days[a.End], Kind: a.Kind, Expected: a.Expected, Actual: a.Actual,
		Impact: a.Impact, Score: a.Score, Severity: a.Severity, Status: anomaly.StatusOpen, Ongoing: a.Ongoing,
		DetectedOn: days[max(a.DetectedOn, a.Start)], Demo: isDemo}
	if !a.Ongoing && lastJudged-a.End >= anomaly.ResolveAfterDays {
		r.Status = anomaly.StatusResolved
	}
	for i := max(0, a.Start-contextDays); i < len(days) && i <= a.End+contextDays/2; i++ {
		p := anomaly.Point{Date: days[i]}
		if !in.Missing[i] {
			v := in.Values[i]
			p.Actual = &v
		}
		if e := res.Expected[i]; !math.IsNaN(e) {
			p.Expected, p.Lower, p.Upper = micros(e), micros(res.Lower[i]), micros(res.Upper[i])
		}
		r.Series = append(r.Series, p)
	}
	return r
}

func micros(v float64) *money.Micros {
	m := money.Micros(math.Round(v))
	return &m
}

// unchanged reports whether a stored anomaly has the same days and figures as rec, so its
// contributors need not be read again.
func unchanged(prev []anomaly.Record, rec anomaly.Record) bool {
	for _, p := range prev {
		if p.StartDate == rec.StartDate && p.EndDate == rec.EndDate && p.Actual == rec.Actual && p.Expected == rec.Expected {
			return true
		}
	}
	return false
}

// contributors explains anomaly a across every dimension its line items vary in.
func contributors(ctx context.Context, st *store.Store, s *series, in *anomaly.Series, res *anomaly.Result, a anomaly.Anomaly,
	days []string, names map[int64]string) ([]anomaly.Contributor, error) {
	// The anomaly's days and those its keys' baselines read: the same weekday of the four
	// weeks before each, and the same day of the previous month on a recurring charge's day.
	need := map[int]bool{}
	for i := a.Start; i <= a.End; i++ {
		need[i] = true
		for w := 1; w <= 4; w++ {
			if j := i - 7*w; j >= 0 && j < a.Start {
				need[j] = true
			}
		}
		if res.Recurring[i] > 0 {
			day := in.Start.AddDate(0, 0, i)
			if p := day.AddDate(0, -1, 0); p.Day() == day.Day() {
				if j := int(p.Sub(in.Start).Hours()/24 + 0.5); j >= 0 {
					need[j] = true
				}
			}
		}
	}
	var want []string
	for i := range need {
		want = append(want, days[i])
	}
	slices.Sort(want)
	rows, err := st.ContributorRows(ctx, s.m, s.currency, want)
	if err != nil {
		return nil, err
	}
	var tagIDs []int64
	for _, r := range rows {
		if r.TagSetID != 0 {
			tagIDs = append(tagIDs, r.TagSetID)
		}
	}
	tags, err := st.TagSets(ctx, tagIDs)
	if err != nil {
		return nil, err
	}
	// The tag key explaining the most cost among the anomaly's rows is the tag dimension.
	keyCost := map[string]money.Micros{}
	for _, r := range rows {
		for k := range tags[r.TagSetID] {
			keyCost[k] += abs(r.Amount)
		}
	}
	tagKey := ""
	for k, c := range keyCost {
		if tagKey == "" || c > keyCost[tagKey] || (c == keyCost[tagKey] && k < tagKey) {
			tagKey = k
		}
	}
	index := map[string]int{}
	for i, d := range days {
		index[d] = i
	}
	type dimDef struct {
		name  string
		key   func(r store.ContributorRow) (string, string)
		skip  bool
		parts map[string]*anomaly.Part
		order []string
	}
	defs := []*dimDef{
		{name: anomaly.DimRegion, key: func(r store.ContributorRow) (string, string) { return r.Region, r.Region }},
		{name: anomaly.DimResource, key: func(r store.ContributorRow) (string, string) {
			return r.Resource, firstNonEmpty(r.ResourceName, r.Resource)
		}},
		{name: anomaly.DimBillingItem, key: func(r store.ContributorRow) (string, string) {
			return r.BillingItem, firstNonEmpty(r.BillingItemName, r.BillingItem)
		}},
		{name: anomaly.DimTag, skip: tagKey == "", key: func(r store.ContributorRow) (string, string) {
			v := tags[r.TagSetID][tagKey]
			return tagKey + ":" + v, tagKey + "=" + firstNonEmpty(v, "(none)")
		}},
		{name: anomaly.DimResourceGroup, key: func(r store.ContributorRow) (string, string) { return r.ResGroup, r.ResGroup }},
		{name: anomaly.DimSubscriptionType, key: func(r store.ContributorRow) (string, string) { return r.SubscriptionType, r.SubscriptionType }},
		{name: anomaly.DimAccount, skip: s.m.AccountID != 0, key: func(r store.ContributorRow) (string, string) {
			return fmt.Sprint(r.AccountID), firstNonEmpty(names[r.AccountID], fmt.Sprint(r.AccountID))
		}},
		{name: anomaly.DimProduct, skip: s.m.Dim == anomaly.MonAccountProduct || s.m.Dim == anomaly.MonProduct,
			key: func(r store.ContributorRow) (string, string) { return r.Product, r.Product }},
	}
	for _, d := range defs {
		d.parts = map[string]*anomaly.Part{}
	}
	for _, r := range rows {
		i, ok := index[r.Day]
		if !ok || in.Missing[i] {
			continue
		}
		for _, d := range defs {
			if d.skip {
				continue
			}
			k, label := d.key(r)
			p := d.parts[k]
			if p == nil {
				p = &anomaly.Part{Key: k, Label: label, Values: make([]money.Micros, len(days))}
				d.parts[k] = p
				d.order = append(d.order, k)
			}
			p.Values[i] += r.Amount
		}
	}
	var out []anomaly.Contributor
	for _, d := range defs {
		if d.skip || len(d.parts) < 2 {
			continue
		}
		slices.Sort(d.order)
		parts := make([]anomaly.Part, len(d.order))
		for i, k := range d.order {
			parts[i] = *d.parts[k]
		}
		out = append(out, anomaly.Contributors(d.name, parts, a, in, res, 5)...)
	}
	if out == nil {
		out = []anomaly.Contributor{}
	}
	return out, nil
}

func abs(m money.Micros) money.Micros {
	if m < 0 {
		return -m
	}
	return m
}

func firstNonEmpty(v ...string) string {
	for _, s := range v {
		if s != "" {
			return s
		}
	}
	return ""
}
