// Package anomaly finds what changed in daily cost series and why: a robust, weekday-aware
// baseline that copes with growth and recurring month-day charges, spikes, drops and level
// shifts judged as whole multi-day anomalies with an impact in money, and the contributors
// that explain each one. It knows nothing of storage or HTTP: callers hand it series.
package anomaly

import (
	"math"
	"slices"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// Kind is the shape of an anomaly.
type Kind string

const (
	Spike      Kind = "spike"       // a rise that returns to the old level
	Drop       Kind = "drop"        // a fall that returns to the old level
	LevelShift Kind = "level_shift" // a change that lasted long enough to become the new level
)

// Severity orders anomalies by how much attention they deserve.
type Severity string

const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// Settings tune detection for one monitor. The zero value is not usable: start from Defaults.
type Settings struct {
	// Sensitivity 1 (only the clearest changes) to 10 (the faintest); see Threshold.
	Sensitivity int
	// MinImpact is the smallest |actual − expected| over an anomaly's days worth reporting.
	MinImpact money.Micros
	// MinImpactPercent is the smallest |impact| as a percentage of the expected cost.
	MinImpactPercent float64
	// Provisional trailing days are not judged: Alibaba still corrects the last two days'
	// bills, and judging them raised alerts that the corrected bill withdrew.
	Provisional int
	// MinHistory is how many days with bills a series needs before its first judgement.
	MinHistory int
	// MinDaily: a series whose median day costs less is too small to judge.
	MinDaily money.Micros
}

// Sensitivity range and default.
const (
	MinSensitivity     = 1
	MaxSensitivity     = 10
	DefaultSensitivity = 5
)

// LevelShiftDays is how long a change lasts before the monitor takes it as the new level: it
// is then reported once, as a level shift, instead of being flagged every day from then on.
const LevelShiftDays = 7

// Defaults are the settings of the built-in monitors.
func Defaults() Settings {
	return Settings{Sensitivity: DefaultSensitivity, MinImpact: 50 * 1_000_000, MinImpactPercent: 20,
		Provisional: 2, MinHistory: 35, MinDaily: 10 * 1_000_000}
}

// Validate checks settings as a user gives them for a monitor, naming the bad field.
func (s Settings) Validate() error {
	if s.Sensitivity < MinSensitivity || s.Sensitivity > MaxSensitivity {
		return errs.OutOfRange("sensitivity", MinSensitivity, MaxSensitivity)
	}
	if s.MinImpact < 0 {
		return errs.InvalidField("minImpact", errs.ReasonNegative, "must not be negative")
	}
	if s.MinImpactPercent < 0 || s.MinImpactPercent > 1000 || math.IsNaN(s.MinImpactPercent) {
		return errs.OutOfRange("minImpactPercent", 0, 1000)
	}
	return nil
}

// Threshold is the score (robust standard deviations from the expected cost) a day must
// reach to be anomalous at sensitivity s: 4 at the default, lower when more sensitive.
func Threshold(s int) float64 {
	s = min(max(s, MinSensitivity), MaxSensitivity)
	return max(1.5, 4.0+float64(DefaultSensitivity-s)*0.6)
}

// Series is one monitor's daily cost, day i being Start plus i days (billing time zone).
type Series struct {
	Start  time.Time
	Values []money.Micros
	// Missing marks days whose bills are incomplete or not synced: they are never judged and
	// never read as a drop, and the baseline fills them with what it expected.
	Missing []bool
	// Accepted marks days people said are not anomalous (feedback "expected" or
	// "not_anomaly"): they are never flagged and count as normal history.
	Accepted []bool
	// Breaks are days from which the monitor learns a new level (the start of a change marked
	// expected): the level is read only from days on or after the latest break.
	Breaks []int
}

// Anomaly is one contiguous change, Start..End being indexes into the series (inclusive).
type Anomaly struct {
	Start, End         int
	StartDate, EndDate time.Time
	Kind               Kind
	Expected, Actual   money.Micros // summed over the anomaly's days with bills
	Impact             money.Micros // Actual − Expected
	Score              float64      // the largest |score| of its days
	Severity           Severity
	DetectedOn         int  // the day whose bill first made it reportable
	Ongoing            bool // still anomalous on the last judged day
}

// Result is the detector's reading of one series: per day the expected cost and its band
// (NaN where it had no baseline), which days it judged, and the anomalies.
type Result struct {
	Expected, Lower, Upper []float64
	Judged                 []bool
	Anomalies              []Anomaly
	// Recurring is the part of Expected owed to a charge recurring on that day of the month.
	Recurring []float64
}

const (
	weekWindow   = 8  // weeks of history for the weekday factors
	scaleWindow  = 42 // days of residuals for the noise scale
	weakFactor   = 0.55
	weakRun      = 3 // days in a row of weak evidence that make an anomaly
	minRelScale  = 0.02
	maxTrendPart = 0.15
)

// detector holds the working arrays of one Detect call.
type detector struct {
	set              Settings
	thr              float64
	s                *Series
	n                int
	x, clean, exp    []float64
	base, sig, ratio []float64
	rel              []float64 // relative residual of normal judged days (NaN otherwise)
	anom             []bool
	wd0              int
	buf, recent, old []float64
	wdBuf            [7][]float64
	breaks           []int
	prev             [][3]int // per day: the same day of the 1–3 previous months (-1 when none)
	dom              []int    // per day: its day of the month
}

// Detect judges series s under settings set.
func Detect(s *Series, set Settings) Result {
	n := len(s.Values)
	d := &detector{set: set, thr: Threshold(set.Sensitivity), s: s, n: n, wd0: int(s.Start.Weekday())}
	// One allocation for every per-day array: a detection run judges thousands of series.
	slab := make([]float64, 10*n)
	next := func(nan bool) []float64 {
		v := slab[:n:n]
		slab = slab[n:]
		if nan {
			for i := range v {
				v[i] = math.NaN()
			}
		}
		return v
	}
	d.x = next(false)
	for i, v := range s.Values {
		d.x[i] = float64(v)
	}
	d.clean = next(false)
	copy(d.clean, d.x)
	d.exp, d.base, d.sig, d.ratio, d.rel = next(true), next(true), next(true), next(true), next(true)
	d.anom = make([]bool, n)
	d.breaks = slices.Clone(s.Breaks)
	d.prev, d.dom = make([][3]int, n), make([]int, n)
	for i := range n {
		day := d.day(i)
		d.dom[i] = day.Day()
		for k := range 3 {
			d.prev[i][k] = -1
			if p := day.AddDate(0, -k-1, 0); p.Day() == day.Day() {
				d.prev[i][k] = int(math.Round(p.Sub(s.Start).Hours() / 24))
			}
		}
	}
	res := Result{Expected: d.exp, Lower: next(false), Upper: next(false), Judged: make([]bool, n)}
	last := n - 1 - set.Provisional
	if !d.judgeable() {
		last = -1
	}
	d.run(last, &res)
	res.Recurring = next(false)
	for i := range n {
		if d.exp[i] > d.base[i] {
			res.Recurring[i] = d.exp[i] - d.base[i]
		}
		res.Lower[i], res.Upper[i] = math.NaN(), math.NaN()
		if !math.IsNaN(d.exp[i]) {
			res.Lower[i] = math.Max(0, d.exp[i]-d.thr*d.sig[i])
			res.Upper[i] = d.exp[i] + d.thr*d.sig[i]
		}
	}
	return res
}

func (d *detector) missing(i int) bool {
	return d.s.Missing != nil && i < len(d.s.Missing) && d.s.Missing[i]
}
func (d *detector) accepted(i int) bool {
	return d.s.Accepted != nil && i < len(d.s.Accepted) && d.s.Accepted[i]
}

// judgeable says whether the series is old and large enough to judge at all.
func (d *detector) judgeable() bool {
	have := d.buf[:0]
	for i := range d.n - d.set.Provisional {
		if !d.missing(i) {
			have = append(have, d.x[i])
		}
	}
	if len(have) < d.set.MinHistory {
		return false
	}
	return median(have) >= float64(d.set.MinDaily)
}

// segment is the anomaly being followed.
type segment struct {
	open       bool
	sign       float64
	start      int
	days       []int
	score      float64
	detectedOn int
	reportable bool
	strong     []bool // per day: whether it alone crossed the threshold
}

func (d *detector) run(last int, res *Result) {
	var seg segment
	var weak []int
	var weakSign float64
	firstJudged := -1
	valid := 0
	for t := 0; t <= last; t++ {
		d.updateRatio(t - 4)
		ok := d.baseline(t)
		if d.missing(t) {
			if ok {
				d.clean[t] = d.exp[t]
			}
			continue
		}
		valid++
		if !ok {
			continue
		}
		res.Judged[t] = valid > d.set.MinHistory
		if res.Judged[t] && firstJudged < 0 {
			firstJudged = t
		}
		z := d.score(t)
		if extra := d.exp[t] - d.base[t]; extra > 0 && d.x[t] >= d.base[t] {
			d.clean[t] = math.Max(d.base[t], d.x[t]-extra)
		}
		if d.accepted(t) {
			z = 0
		}
		strong := math.Abs(z) >= d.thr
		isWeak := math.Abs(z) >= d.thr*weakFactor
		sign := math.Copysign(1, z)
		switch {
		case seg.open && isWeak && sign == seg.sign:
			d.extend(&seg, t, z)
		case strong:
			if seg.open {
				d.close(&seg, res, false)
			}
			seg = segment{open: true, sign: sign, start: t, detectedOn: -1}
			weak = weak[:0]
			d.extend(&seg, t, z)
		case isWeak:
			if seg.open {
				d.close(&seg, res, false)
			}
			if len(weak) > 0 && sign != weakSign {
				weak = weak[:0]
			}
			weak = append(weak, t)
			weakSign = sign
			if len(weak) >= weakRun {
				seg = segment{open: true, sign: sign, start: weak[0], detectedOn: -1}
				for _, i := range weak {
					d.extend(&seg, i, d.score(i))
				}
				weak = weak[:0]
			}
		default:
			if seg.open {
				d.close(&seg, res, false)
			}
			weak = weak[:0]
		}
		if !d.anom[t] && d.exp[t] > 0 {
			d.rel[t] = (d.x[t] - d.exp[t]) / d.exp[t]
		}
		if seg.open && len(seg.days) >= LevelShiftDays {
			// A change becomes the new level only while it is still clearly there; a tail of
			// faint days after a spike is the spike ending, not a new level.
			k := len(seg.strong)
			recent := 0
			for _, st := range seg.strong[k-4:] {
				if st {
					recent++
				}
			}
			switch {
			case recent >= 3:
				d.close(&seg, res, true)
			case !slices.Contains(seg.strong[k-3:], true):
				d.close(&seg, res, false)
			}
		}
	}
	if seg.open {
		end := seg.days[len(seg.days)-1]
		d.close(&seg, res, false)
		if n := len(res.Anomalies); n > 0 && res.Anomalies[n-1].End == end {
			res.Anomalies[n-1].Ongoing = true
		}
	}
	// Days before the first judgement only trained the baseline: nothing there is reported.
	out := res.Anomalies[:0]
	for _, a := range res.Anomalies {
		if firstJudged >= 0 && a.Start >= firstJudged {
			out = append(out, a)
		}
	}
	res.Anomalies = out
}

// extend adds day t to the segment, cleans it out of the history the baseline reads, and
// notes when the segment first becomes worth reporting.
func (d *detector) extend(seg *segment, t int, z float64) {
	seg.days = append(seg.days, t)
	seg.strong = append(seg.strong, math.Abs(z) >= d.thr)
	seg.score = math.Max(seg.score, math.Abs(z))
	d.anom[t] = true
	d.clean[t] = d.exp[t]
	d.rel[t] = math.NaN()
	if !seg.reportable {
		e, a := d.sums(seg.days)
		if d.worth(a-e, e) {
			seg.reportable, seg.detectedOn = true, t
		}
	}
}

func (d *detector) sums(days []int) (e, a float64) {
	for _, i := range days {
		e += d.exp[i]
		a += d.x[i]
	}
	return e, a
}

func (d *detector) worth(impact, expected float64) bool {
	if math.Abs(impact) < float64(d.set.MinImpact) || impact == 0 {
		return false
	}
	if expected <= 0 {
		return true
	}
	return math.Abs(impact)/expected*100 >= d.set.MinImpactPercent
}

// close ends the segment; a level shift also becomes the new level the baseline reads.
func (d *detector) close(seg *segment, res *Result, shift bool) {
	defer func() { *seg = segment{} }()
	// Faint days after the last clear one are not part of the anomaly: they go back to the
	// history as they were.
	if last := slices.Index(seg.strong, true); last >= 0 && !shift {
		for j := len(seg.strong) - 1; j > 0 && !seg.strong[j]; j-- {
			i := seg.days[j]
			d.anom[i], d.clean[i] = false, d.x[i]
			if d.exp[i] > 0 {
				d.rel[i] = (d.x[i] - d.exp[i]) / d.exp[i]
			}
			seg.days, seg.strong = seg.days[:j], seg.strong[:j]
		}
		seg.reportable = false
		e, a := d.sums(seg.days)
		if d.worth(a-e, e) {
			seg.reportable = true
			seg.detectedOn = max(seg.detectedOn, seg.days[0])
			if seg.detectedOn > seg.days[len(seg.days)-1] || seg.detectedOn < 0 {
				seg.detectedOn = seg.days[len(seg.days)-1]
			}
		}
	}
	if shift {
		for _, i := range seg.days {
			d.clean[i] = d.x[i]
		}
		d.breaks = append(d.breaks, seg.start)
	}
	if !seg.reportable {
		return
	}
	var e float64
	var a money.Micros
	for _, i := range seg.days {
		e += d.exp[i]
		a += d.s.Values[i]
	}
	exp := money.Micros(math.Round(e))
	kind := Spike
	switch {
	case shift:
		kind = LevelShift
	case seg.sign < 0:
		kind = Drop
	}
	first, lastDay := seg.days[0], seg.days[len(seg.days)-1]
	an := Anomaly{Start: first, End: lastDay, StartDate: d.day(first), EndDate: d.day(lastDay), Kind: kind,
		Expected: exp, Actual: a, Impact: a - exp, Score: round2(seg.score * seg.sign), DetectedOn: seg.detectedOn}
	an.Severity = d.severity(an)
	res.Anomalies = append(res.Anomalies, an)
}

func (d *detector) severity(a Anomaly) Severity {
	rel := math.Inf(1)
	if a.Expected > 0 {
		rel = math.Abs(float64(a.Impact)) / float64(a.Expected)
	}
	switch {
	case rel >= 1 || math.Abs(a.Score) >= 3*d.thr:
		return SeverityCritical
	case rel >= 0.3 || a.Kind == LevelShift:
		return SeverityWarning
	}
	return SeverityInfo
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

func (d *detector) day(i int) time.Time { return d.s.Start.AddDate(0, 0, i) }

func (d *detector) wd(i int) int { return (d.wd0 + i%7 + 7) % 7 }

// updateRatio fixes day i's weekday ratio (its cost against the mean of the week centred on
// it) once the days after it are known.
func (d *detector) updateRatio(i int) {
	if i < 3 || i+3 >= d.n {
		return
	}
	var sum float64
	for j := i - 3; j <= i+3; j++ {
		sum += d.clean[j]
	}
	// The day's own cost is read as billed (less a recurring charge), not cleaned: a weekend
	// that looked anomalous before the weekly pattern was known must still teach it.
	own := d.x[i]
	if extra := d.exp[i] - d.base[i]; extra > 0 {
		own = math.Max(d.base[i], own-extra)
	}
	if mean := sum / 7; mean > 0 && !d.missing(i) {
		d.ratio[i] = own / mean
	}
}

// lastBreak is the latest break at or before t (-1 for none).
func (d *detector) lastBreak(t int) int {
	b := -1
	for _, v := range d.breaks {
		if v <= t && v > b {
			b = v
		}
	}
	return b
}

// baseline sets exp, base and sig for day t from the days before it, reporting whether it
// had enough history.
func (d *detector) baseline(t int) bool {
	var factor [7]float64
	for w := range 7 {
		d.wdBuf[w] = d.wdBuf[w][:0]
	}
	for i := max(0, t-7*weekWindow); i < t; i++ {
		if !math.IsNaN(d.ratio[i]) {
			d.wdBuf[d.wd(i)] = append(d.wdBuf[d.wd(i)], d.ratio[i])
		}
	}
	var fsum float64
	for w := range 7 {
		factor[w] = 1
		if len(d.wdBuf[w]) >= 2 {
			factor[w] = median(d.wdBuf[w])
		}
		fsum += factor[w]
	}
	for w := range 7 {
		factor[w] = factor[w] * 7 / fsum
		if factor[w] <= 0 {
			factor[w] = 1
		}
	}
	lo := max(0, d.lastBreak(t))
	recent := d.deseason(d.recent[:0], max(lo, t-7), t, &factor)
	d.recent = recent
	if len(recent) == 0 {
		return false
	}
	if lo == 0 && len(recent) < 3 {
		return false
	}
	level := median(recent)
	if t-14 >= lo {
		older := d.deseason(d.old[:0], t-14, t-7, &factor)
		d.old = older
		if len(older) >= 4 {
			trend := (level - median(older)) / 7 * 4
			lim := maxTrendPart * level
			level += math.Max(-lim, math.Min(lim, trend))
		}
	}
	base := math.Max(0, level*factor[d.wd(t)])
	d.base[t] = base
	d.exp[t] = base + d.recurring(t)
	// Noise scale: the robust spread of recent relative residuals on normal days.
	d.buf = d.buf[:0]
	for i := max(0, t-scaleWindow); i < t; i++ {
		if !math.IsNaN(d.rel[i]) {
			d.buf = append(d.buf, math.Abs(d.rel[i]))
		}
	}
	scale := 0.1
	if len(d.buf) >= 7 {
		scale = 1.4826 * median(d.buf)
	}
	scale = math.Max(scale, minRelScale)
	d.sig[t] = math.Max(scale*d.exp[t], math.Max(float64(d.set.MinDaily)*0.05, 1e4))
	return true
}

// deseason appends to out the cost of the normal days in [from, to) divided by their weekday
// factor.
func (d *detector) deseason(out []float64, from, to int, f *[7]float64) []float64 {
	for i := max(0, from); i < to; i++ {
		if !d.missing(i) {
			out = append(out, d.clean[i]/f[d.wd(i)])
		}
	}
	return out
}

// recurring is the extra cost expected on day t because the same day of earlier months
// carried it too (subscriptions renew on a day of the month). A month's first day needs one
// earlier month to agree; any other day two.
func (d *detector) recurring(t int) float64 {
	var ex [3]float64
	found, seen := 0, 0
	for _, j := range d.prev[t] {
		if j < 0 || j >= t || d.missing(j) || math.IsNaN(d.base[j]) {
			continue
		}
		seen++
		if r := d.x[j] - d.base[j]; r > 4*d.sig[j] {
			ex[found] = r
			found++
		}
	}
	need := 2
	if d.dom[t] == 1 || seen == 1 {
		need = 1
	}
	if seen == 0 || found < need || (d.dom[t] != 1 && found < 2) {
		return 0
	}
	return median(ex[:found])
}

// score is day t's distance from what was expected in robust standard deviations. On a day
// with a recurring charge both the charge and its absence are normal.
func (d *detector) score(t int) float64 {
	if math.IsNaN(d.exp[t]) || d.sig[t] <= 0 {
		return 0
	}
	lo, hi := d.base[t], d.exp[t]
	switch {
	case d.x[t] > hi:
		return (d.x[t] - hi) / d.sig[t]
	case d.x[t] < lo:
		return (d.x[t] - lo) / d.sig[t]
	}
	return 0
}

// median of v, reordering v: insertion sort for the short windows, selection otherwise.
func median(v []float64) float64 {
	n := len(v)
	if n == 0 {
		return math.NaN()
	}
	if n <= 12 {
		for i := 1; i < n; i++ {
			for j := i; j > 0 && v[j] < v[j-1]; j-- {
				v[j], v[j-1] = v[j-1], v[j]
			}
		}
		if n%2 == 1 {
			return v[n/2]
		}
		return (v[n/2-1] + v[n/2]) / 2
	}
	hi := selectK(v, n/2)
	if n%2 == 1 {
		return hi
	}
	// The lower middle is the largest of the values left of position n/2.
	lo := v[0]
	for _, x := range v[1 : n/2] {
		lo = math.Max(lo, x)
	}
	return (lo + hi) / 2
}

// selectK reorders v so that v[k] is the k-th smallest (Hoare's selection) and returns it.
func selectK(v []float64, k int) float64 {
	l, r := 0, len(v)-1
	for l < r {
		p := v[(l+r)/2]
		i, j := l, r
		for i <= j {
			for v[i] < p {
				i++
			}
			for v[j] > p {
				j--
			}
			if i <= j {
				v[i], v[j] = v[j], v[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			r = j
		case k >= i:
			l = i
		default:
			return v[k]
		}
	}
	return v[k]
}
