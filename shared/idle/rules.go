package idle

import (
	"fmt"
	"math"
	"time"

	"github.com/cloudlens/cloudlens/shared/money"
)

// Param is one tunable figure of a rule, with the range an administrator may set.
type Param struct {
	Name        string  `json:"name"`
	Default     float64 `json:"default"`
	Min         float64 `json:"min"`
	Max         float64 `json:"max"`
	Unit        string  `json:"unit"`
	Description string  `json:"description"`
}

// Params are a rule's parameter values by name.
type Params map[string]float64

// Rule is one check, as data: which resource types it reads, what it proposes, its
// parameters, and (check) the test itself, which reads only the Subject and the parameters.
type Rule struct {
	ID          string
	Types       []string
	Action      Action
	Title       string
	TitleZh     string
	Description string
	Params      []Param
	// Estimate says the figure is a price estimate, not from the bill: DescribePrice's quotes
	// for a resize or billing switch, the snapshot price table for a snapshot (Alibaba bills
	// snapshot storage per region, not per snapshot, so a snapshot has no bill of its own).
	Estimate bool
	// Exclusive rules give advice that replaces what the rules after them would say (a
	// release makes a downsize moot; a downsize changes the price a billing switch compares):
	// when one hits, the rules after it in Rules are not evaluated on that resource, so a
	// resource's savings are never counted twice.
	Exclusive bool
	check     func(c *checkCtx) (hit, bool)
}

// hit is what a rule's check found: the reason's figures in both languages, and for an
// estimate its money and the prices compared (a bill-based rule's money is the Subject's Cost).
type hit struct {
	en, zh  string
	figures map[string]float64
	savings money.Micros
	prices  *Comparison
}

// Param returns the definition of parameter name.
func (r *Rule) Param(name string) (Param, bool) {
	for _, p := range r.Params {
		if p.Name == name {
			return p, true
		}
	}
	return Param{}, false
}

// Defaults are the rule's parameters as shipped.
func (r *Rule) Defaults() Params {
	out := make(Params, len(r.Params))
	for _, p := range r.Params {
		out[p.Name] = p.Default
	}
	return out
}

// Lookup returns the rule with id.
func Lookup(id string) (*Rule, bool) {
	for i := range Rules {
		if Rules[i].ID == id {
			return &Rules[i], true
		}
	}
	return nil, false
}

// Shared parameter definitions: the window of metric days, and the least age before a state
// (stopped, unattached, unbound) counts.
func pDays(def float64) Param {
	return Param{Name: "days", Default: def, Min: 3, Max: 90, Unit: "days", Description: "days of metrics looked at"}
}

func pMinDays(def float64, what string) Param {
	return Param{Name: "minDays", Default: def, Min: 0, Max: 365, Unit: "days", Description: "least days " + what}
}

func pMaxCPU(def float64) Param {
	return Param{Name: "maxCpu", Default: def, Min: 0.1, Max: 100, Unit: "%", Description: "highest CPU utilisation over the window"}
}

// Rules is every rule, in priority order (see Rule.Exclusive).
var Rules = []Rule{
	{
		ID: "subscription_idle_renewal", Types: []string{TypeECS, TypeRDS, TypeTair}, Action: ActionDisableRenewal, Exclusive: true,
		Title: "Idle subscription about to auto-renew", TitleZh: "即将自动续费的闲置包年包月资源",
		Description: "A subscription with auto-renewal on, ending soon, on a resource that did no work: turn renewal off and let it lapse.",
		Params: []Param{
			{Name: "renewWithinDays", Default: 15, Min: 1, Max: 90, Unit: "days", Description: "subscription ends within"},
			pDays(14), pMaxCPU(5),
			{Name: "maxConnections", Default: 1, Min: 0, Max: 1000, Unit: "connections", Description: "highest active connections (RDS, Tair)"},
		},
		check: checkRenewal,
	},
	{
		ID: "ecs_stopped_charged", Types: []string{TypeECS}, Action: ActionRelease, Exclusive: true,
		Title: "ECS stopped but still charged", TitleZh: "已停止但仍在计费的 ECS",
		Description: "An instance stopped for a while in the normal stop mode keeps billing its compute: release it (or stop it in no-charge mode).",
		Params:      []Param{pMinDays(7, "stopped")},
		check:       checkStoppedCharged,
	},
	{
		ID: "ecs_idle", Types: []string{TypeECS}, Action: ActionRelease, Exclusive: true,
		Title: "Idle ECS instance", TitleZh: "闲置 ECS 实例",
		Description: "A running instance whose CPU never rose above the threshold and that sent almost nothing out.",
		Params: []Param{pDays(14), pMaxCPU(5),
			{Name: "maxNetOutMB", Default: 10, Min: 0, Max: 1_000_000, Unit: "MB/day", Description: "average internet traffic out per day"}},
		check: checkECSIdle,
	},
	{
		ID: "ecs_underused", Types: []string{TypeECS}, Action: ActionDownsize, Estimate: true, Exclusive: true,
		Title: "Under-used ECS instance (downsize)", TitleZh: "利用率偏低的 ECS（降配）",
		Description: "A running instance whose busy hours stay well below its size: the next smaller spec of the family would do.",
		Params: []Param{pDays(14),
			{Name: "maxP95Cpu", Default: 20, Min: 1, Max: 100, Unit: "%", Description: "highest daily p95 CPU utilisation"},
			pMaxCPU(50)},
		check: checkUnderused,
	},
	{
		ID: "disk_unattached", Types: []string{TypeDisk}, Action: ActionDelete, Exclusive: true,
		Title: "Unattached disk", TitleZh: "未挂载的云盘",
		Description: "A cloud disk attached to nothing: snapshot it if needed and delete it.",
		Params:      []Param{pMinDays(7, "unattached")},
		check:       checkDiskUnattached,
	},
	{
		ID: "disk_on_stopped_instance", Types: []string{TypeDisk}, Action: ActionDelete, Exclusive: true,
		Title: "Disk of a long-stopped instance", TitleZh: "长期停机实例上的云盘",
		Description: "Disks keep billing while their instance is stopped: release the instance or its disks.",
		Params:      []Param{pMinDays(30, "the instance has been stopped")},
		check:       checkDiskOnStopped,
	},
	{
		ID: "snapshot_orphaned", Types: []string{TypeSnapshot}, Action: ActionDelete, Estimate: true, Exclusive: true,
		Title: "Snapshot of a deleted disk", TitleZh: "源盘已删除的快照",
		Description: "A snapshot whose source disk no longer exists.",
		Params:      []Param{pMinDays(7, "since the snapshot was taken")},
		check:       checkSnapshotOrphaned,
	},
	{
		ID: "snapshot_old", Types: []string{TypeSnapshot}, Action: ActionDelete, Estimate: true, Exclusive: true,
		Title: "Old snapshot", TitleZh: "过旧的快照",
		Description: "A snapshot older than the retention you keep.",
		Params:      []Param{{Name: "maxAgeDays", Default: 180, Min: 7, Max: 3650, Unit: "days", Description: "oldest snapshot kept"}},
		check:       checkSnapshotOld,
	},
	{
		ID: "eip_unbound", Types: []string{TypeEIP}, Action: ActionRelease, Exclusive: true,
		Title: "Unbound EIP", TitleZh: "未绑定的弹性公网 IP",
		Description: "An elastic IP bound to nothing still pays its retention fee.",
		Params:      []Param{pMinDays(3, "unbound")},
		check:       checkEIPUnbound,
	},
	{
		ID: "eip_on_stopped_instance", Types: []string{TypeEIP}, Action: ActionRelease, Exclusive: true,
		Title: "EIP on a stopped instance", TitleZh: "绑定在停机实例上的弹性公网 IP",
		Description: "An elastic IP whose instance has been stopped for a while.",
		Params:      []Param{pMinDays(7, "the instance has been stopped")},
		check:       checkEIPOnStopped,
	},
	{
		ID: "slb_no_backends", Types: []string{TypeSLB}, Action: ActionRelease, Exclusive: true,
		Title: "SLB without backends", TitleZh: "没有后端服务器的负载均衡",
		Description: "A load balancer with no backend server attached.",
		Params:      []Param{pMinDays(7, "since it was created")},
		check:       checkSLBNoBackends,
	},
	{
		ID: "slb_no_healthy_backends", Types: []string{TypeSLB}, Action: ActionFix, Exclusive: true,
		Title: "SLB without healthy backends", TitleZh: "没有健康后端的负载均衡",
		Description: "Every backend server of the load balancer fails its health check: it serves nothing.",
		Params:      []Param{pMinDays(7, "since it was created")},
		check:       checkSLBUnhealthy,
	},
	{
		ID: "slb_no_traffic", Types: []string{TypeSLB}, Action: ActionRelease, Exclusive: true,
		Title: "SLB without traffic", TitleZh: "没有流量的负载均衡",
		Description: "A load balancer that carried almost no traffic and connections.",
		Params: []Param{pDays(14),
			{Name: "maxTrafficMB", Default: 50, Min: 0, Max: 1_000_000, Unit: "MB/day", Description: "average traffic per day"},
			{Name: "maxConnections", Default: 5, Min: 0, Max: 100_000, Unit: "connections", Description: "highest active connections"}},
		check: checkSLBNoTraffic,
	},
	{
		ID: "nat_no_entries", Types: []string{TypeNAT}, Action: ActionRelease, Exclusive: true,
		Title: "NAT gateway without entries", TitleZh: "没有转发条目的 NAT 网关",
		Description: "A NAT gateway with neither SNAT nor DNAT entries forwards nothing.",
		Params:      []Param{pMinDays(7, "since it was created")},
		check:       checkNATNoEntries,
	},
	{
		ID: "nat_no_traffic", Types: []string{TypeNAT}, Action: ActionRelease, Exclusive: true,
		Title: "NAT gateway without traffic", TitleZh: "没有流量的 NAT 网关",
		Description: "A NAT gateway that forwarded almost no traffic.",
		Params: []Param{pDays(14),
			{Name: "maxTrafficMB", Default: 10, Min: 0, Max: 1_000_000, Unit: "MB/day", Description: "average traffic per day"}},
		check: checkNATNoTraffic,
	},
	{
		ID: "rds_no_connections", Types: []string{TypeRDS}, Action: ActionRelease, Exclusive: true,
		Title: "RDS without connections", TitleZh: "没有连接的 RDS",
		Description: "A database instance nobody connected to.",
		Params: []Param{pDays(14),
			{Name: "maxConnections", Default: 1, Min: 0, Max: 1000, Unit: "connections", Description: "highest active connections"}},
		check: checkRDSIdle,
	},
	{
		ID: "tair_idle", Types: []string{TypeTair}, Action: ActionRelease, Exclusive: true,
		Title: "Tair without connections or commands", TitleZh: "没有连接或命令的 Tair",
		Description: "A Tair (Redis) instance with almost no connections and commands.",
		Params: []Param{pDays(14),
			{Name: "maxConnections", Default: 1, Min: 0, Max: 1000, Unit: "connections", Description: "highest active connections"},
			{Name: "maxQps", Default: 1, Min: 0, Max: 100_000, Unit: "commands/s", Description: "highest commands per second"}},
		check: checkTairIdle,
	},
	{
		ID: "payg_to_subscription", Types: []string{TypeECS, TypeRDS, TypeTair}, Action: ActionSwitchBilling, Estimate: true,
		Title: "Steady pay-as-you-go cheaper as subscription", TitleZh: "长期稳定运行的按量付费改包年包月更便宜",
		Description: "Running every day for the whole window on pay-as-you-go, where a month's subscription costs less.",
		Params: []Param{{Name: "days", Default: 30, Min: 7, Max: 90, Unit: "days", Description: "days it must have run"},
			{Name: "minSavingPct", Default: 10, Min: 0, Max: 90, Unit: "%", Description: "least saving of the subscription price"}},
		check: checkPaygSteady,
	},
	{
		ID: "bandwidth_underused", Types: []string{TypeECS, TypeEIP}, Action: ActionReduceBandwidth, Estimate: true,
		Title: "Fixed public bandwidth mostly unused", TitleZh: "固定公网带宽大部分闲置",
		Description: "Bandwidth bought by the Mbps whose busiest hours use a small part of it.",
		Params: []Param{pDays(14),
			{Name: "maxUsePct", Default: 20, Min: 1, Max: 100, Unit: "%", Description: "highest daily p95 use of the bandwidth bought"}},
		check: checkBandwidth,
	},
}

// checkCtx is one rule's look at one subject.
type checkCtx struct {
	s    *Subject
	p    Params
	asOf time.Time // the last billed day (midnight, Asia/Shanghai)
	now  time.Time
}

// window are the summaries of metric over the rule's "days" ending on asOf.
type window struct {
	days           int
	n              int
	max, p95, mean float64
}

// stats summarises metric over the last days days: the highest max, the highest daily p95,
// the mean of the daily means. ok is false when the resource is younger than the window or
// fewer than four days in five have data: nothing is judged on a partial picture.
func (c *checkCtx) stats(metric string, days int) (window, bool) {
	w := window{days: days}
	from := c.asOf.AddDate(0, 0, -(days - 1))
	if !c.s.CreatedAt.IsZero() && c.s.CreatedAt.After(from) {
		return w, false
	}
	lo, hi := from.Format(time.DateOnly), c.asOf.Format(time.DateOnly)
	sum := 0.0
	for _, d := range c.s.Metrics[metric] {
		if d.Date < lo || d.Date > hi {
			continue
		}
		if w.n == 0 || d.Max > w.max {
			w.max = d.Max
		}
		if w.n == 0 || d.P95 > w.p95 {
			w.p95 = d.P95
		}
		sum += d.Mean
		w.n++
	}
	if w.n*5 < days*4 {
		return w, false
	}
	w.mean = sum / float64(w.n)
	return w, true
}

func (c *checkCtx) days() int { return int(c.p["days"]) }

// Whether a threshold is itself allowed: "max CPU below 5 %" excludes 5, "at most 1
// connection" allows 1.
const (
	below  = true
	atMost = false
)

// Figures of a window that rules hold against their thresholds.
func maxOf(w window) float64    { return w.max }
func p95Of(w window) float64    { return w.p95 }
func mbOfMean(w window) float64 { return mbPerDay(w.mean) }

// quiet is every metric threshold of the rules: it reads metric over the rule's window and
// reports the window's summary when the window is complete and the figure of it stays under
// limit (strictly when strict is below).
func (c *checkCtx) quiet(metric string, figure func(window) float64, limit float64, strict bool) (window, bool) {
	w, ok := c.stats(metric, c.days())
	if !ok {
		return w, false
	}
	v := figure(w)
	return w, v < limit || !strict && v == limit
}

// lasted is every "least days" threshold of the rules: whether d whole days (-1 when not
// known) reach the rule's minDays.
func (c *checkCtx) lasted(d int) bool { return d >= 0 && d >= int(c.p["minDays"]) }

// since is how many whole days the subject has been in its status on asOf (StatusSince,
// else its creation); -1 when neither is known.
func since(s *Subject, asOf time.Time) int {
	t := s.StatusSince
	if t.IsZero() {
		t = s.CreatedAt
	}
	if t.IsZero() {
		return -1
	}
	return int(asOf.Sub(t).Hours() / 24)
}

// mbPerDay turns a mean rate in bytes per second into megabytes per day.
func mbPerDay(bytesPerSecond float64) float64 { return bytesPerSecond * 86400 / 1e6 }

// round1 keeps one decimal, as reasons show figures.
func round1(v float64) float64 { return math.Round(v*10) / 10 }

func stopped(s *Subject) bool { return s.Status == "Stopped" }

func checkStoppedCharged(c *checkCtx) (hit, bool) {
	s := c.s
	if !stopped(s) || s.StoppedCharging {
		return hit{}, false
	}
	d := since(s, c.asOf)
	if !c.lasted(d) {
		return hit{}, false
	}
	return hit{
		en:      fmt.Sprintf("stopped for %d days in the normal stop mode, so its compute is still charged", d),
		zh:      fmt.Sprintf("已停机 %d 天且为普通停机模式，计算资源仍在计费", d),
		figures: map[string]float64{"stoppedDays": float64(d)},
	}, true
}

// idleECS is the test ecs_idle and the renewal rule share.
func (c *checkCtx) idleECS(maxCPU, maxNetOutMB float64) (en, zh string, figures map[string]float64, ok bool) {
	if c.s.Status != "Running" {
		return "", "", nil, false
	}
	days := c.days()
	cpu, ok := c.quiet(MetricCPU, maxOf, maxCPU, below)
	if !ok {
		return "", "", nil, false
	}
	out, ok := c.quiet(MetricNetOut, mbOfMean, maxNetOutMB, atMost)
	if !ok {
		return "", "", nil, false
	}
	mb := mbPerDay(out.mean)
	figures = map[string]float64{"maxCpu": round1(cpu.max), "netOutMBPerDay": round1(mb), "days": float64(days)}
	return fmt.Sprintf("max CPU %.1f %% and %.1f MB/day out over %d days", cpu.max, mb, days),
		fmt.Sprintf("%d 天内 CPU 最高 %.1f %%，公网流出 %.1f MB/天", days, cpu.max, mb), figures, true
}

func checkECSIdle(c *checkCtx) (hit, bool) {
	en, zh, f, ok := c.idleECS(c.p["maxCpu"], c.p["maxNetOutMB"])
	return hit{en: en, zh: zh, figures: f}, ok
}

// idleDB is the test of a database without connections (and, for Tair, commands).
func (c *checkCtx) idleDB(maxConns, maxQPS float64, withQPS bool) (en, zh string, figures map[string]float64, ok bool) {
	// RDS says Running, Tair Normal; a stopped or locked database is another matter.
	if st := c.s.Status; st != "Running" && st != "Normal" {
		return "", "", nil, false
	}
	days := c.days()
	conns, ok := c.quiet(MetricConnections, maxOf, maxConns, atMost)
	if !ok {
		return "", "", nil, false
	}
	figures = map[string]float64{"maxConnections": round1(conns.max), "days": float64(days)}
	en = fmt.Sprintf("at most %.0f connections over %d days", conns.max, days)
	zh = fmt.Sprintf("%d 天内最多 %.0f 个连接", days, conns.max)
	if withQPS {
		qps, ok := c.quiet(MetricQPS, maxOf, maxQPS, atMost)
		if !ok {
			return "", "", nil, false
		}
		figures["maxQps"] = round1(qps.max)
		en = fmt.Sprintf("at most %.0f connections and %.1f commands/s over %d days", conns.max, qps.max, days)
		zh = fmt.Sprintf("%d 天内最多 %.0f 个连接、每秒 %.1f 条命令", days, conns.max, qps.max)
	}
	return en, zh, figures, true
}

func checkRDSIdle(c *checkCtx) (hit, bool) {
	en, zh, f, ok := c.idleDB(c.p["maxConnections"], 0, false)
	return hit{en: en, zh: zh, figures: f}, ok
}

func checkTairIdle(c *checkCtx) (hit, bool) {
	en, zh, f, ok := c.idleDB(c.p["maxConnections"], c.p["maxQps"], true)
	return hit{en: en, zh: zh, figures: f}, ok
}

func checkRenewal(c *checkCtx) (hit, bool) {
	s := c.s
	if s.ChargeType != Subscription || !s.AutoRenew || s.ExpiresAt.IsZero() {
		return hit{}, false
	}
	left := s.ExpiresAt.Sub(c.now).Hours() / 24
	if left < 0 || left > c.p["renewWithinDays"] {
		return hit{}, false
	}
	var en, zh string
	var f map[string]float64
	var ok bool
	if s.Type == TypeECS {
		en, zh, f, ok = c.idleECS(c.p["maxCpu"], math.Inf(1))
	} else {
		en, zh, f, ok = c.idleDB(c.p["maxConnections"], math.Inf(1), false)
	}
	if !ok {
		return hit{}, false
	}
	end := s.ExpiresAt.In(c.asOf.Location()).Format(time.DateOnly)
	f["daysToRenewal"] = math.Floor(left)
	return hit{
		en: fmt.Sprintf("auto-renews on %s though idle: %s", end, en),
		zh: fmt.Sprintf("将于 %s 自动续费，但资源闲置：%s", end, zh), figures: f,
	}, true
}

func checkUnderused(c *checkCtx) (hit, bool) {
	s := c.s
	if s.Status != "Running" || s.Price == nil || s.Price.Smaller == "" {
		return hit{}, false
	}
	days := c.days()
	cpu, ok := c.quiet(MetricCPU, p95Of, c.p["maxP95Cpu"], below)
	if _, busy := c.quiet(MetricCPU, maxOf, c.p["maxCpu"], below); !ok || !busy {
		return hit{}, false
	}
	cur, next := s.Price.PayAsYouGoMonthly, s.Price.SmallerPayAsYouGo
	basis := "pay-as-you-go"
	if s.ChargeType == Subscription {
		cur, next, basis = s.Price.SubscriptionMonth, s.Price.SmallerMonth, "subscription"
	}
	if cur <= 0 || next <= 0 || next >= cur {
		return hit{}, false
	}
	return hit{
		en: fmt.Sprintf("p95 CPU %.1f %% and max CPU %.1f %% over %d days: %s → %s saves %s %s a month (%s prices)",
			cpu.p95, cpu.max, days, s.Spec, s.Price.Smaller, cur-next, s.Currency, basis),
		zh: fmt.Sprintf("%d 天内 CPU p95 %.1f %%、最高 %.1f %%：%s 降为 %s 每月可省 %s %s", days, cpu.p95, cpu.max,
			s.Spec, s.Price.Smaller, cur-next, s.Currency),
		figures: map[string]float64{"p95Cpu": round1(cpu.p95), "maxCpu": round1(cpu.max), "days": float64(days)},
		savings: cur - next,
		prices:  &Comparison{Current: s.Spec, Proposed: s.Price.Smaller, CurrentMonthly: cur, ProposedMonthly: next},
	}, true
}

func checkDiskUnattached(c *checkCtx) (hit, bool) {
	s := c.s
	if s.Status != "Available" {
		return hit{}, false
	}
	d := since(s, c.asOf)
	if !c.lasted(d) {
		return hit{}, false
	}
	return hit{en: fmt.Sprintf("attached to nothing for %d days", d), zh: fmt.Sprintf("已 %d 天未挂载到任何实例", d),
		figures: map[string]float64{"unattachedDays": float64(d)}}, true
}

// parentStopped is how long the subject's instance has been stopped, or ok=false.
func (c *checkCtx) parentStopped() (int, bool) {
	p := c.s.Parent
	if p == nil || !stopped(p) {
		return 0, false
	}
	d := since(p, c.asOf)
	return d, c.lasted(d)
}

func checkDiskOnStopped(c *checkCtx) (hit, bool) {
	d, ok := c.parentStopped()
	if !ok {
		return hit{}, false
	}
	return hit{en: fmt.Sprintf("its instance %s has been stopped for %d days", c.s.Parent.ResourceID, d),
		zh: fmt.Sprintf("所挂载的实例 %s 已停机 %d 天", c.s.Parent.ResourceID, d), figures: map[string]float64{"stoppedDays": float64(d)}}, true
}

func checkEIPOnStopped(c *checkCtx) (hit, bool) {
	d, ok := c.parentStopped()
	if !ok {
		return hit{}, false
	}
	return hit{en: fmt.Sprintf("bound to %s, stopped for %d days", c.s.Parent.ResourceID, d),
		zh: fmt.Sprintf("绑定的实例 %s 已停机 %d 天", c.s.Parent.ResourceID, d), figures: map[string]float64{"stoppedDays": float64(d)}}, true
}

func age(s *Subject, asOf time.Time) int {
	if s.CreatedAt.IsZero() {
		return -1
	}
	return int(asOf.Sub(s.CreatedAt).Hours() / 24)
}

func checkSnapshotOrphaned(c *checkCtx) (hit, bool) {
	s := c.s
	if !s.ParentGone {
		return hit{}, false
	}
	a := age(s, c.asOf)
	if !c.lasted(a) {
		return hit{}, false
	}
	return snapshotHit(s, fmt.Sprintf("its source disk %s no longer exists; taken %d days ago", s.ParentID, a),
		fmt.Sprintf("源盘 %s 已不存在；快照创建于 %d 天前", s.ParentID, a), a), true
}

// snapshotHit values a snapshot finding: its size times the region's price of a GB-month of
// snapshot storage, an upper bound (a snapshot is stored as the blocks it changed since the
// one before, often less than its disk's size), never presented as billed.
func snapshotHit(s *Subject, en, zh string, ageDays int) hit {
	h := hit{en: en, zh: zh, figures: map[string]float64{"ageDays": float64(ageDays)}}
	if s.SizeGB <= 0 || s.SnapshotGBMonth <= 0 {
		return h
	}
	cur := s.SnapshotGBMonth * money.Micros(s.SizeGB)
	h.figures["sizeGB"] = float64(s.SizeGB)
	// The unit price in full: at two decimals USD 0.0173 would read 0.02.
	unit := s.SnapshotGBMonth.Exact()
	h.en += fmt.Sprintf("; up to %s %s a month (%d GB at %s %s per GB-month, estimated: snapshot storage is billed per region)",
		cur, s.Currency, s.SizeGB, unit, s.Currency)
	h.zh += fmt.Sprintf("；每月最多约 %s %s（%d GB × %s %s/GB/月，估算：快照存储按地域计费）", cur, s.Currency, s.SizeGB, unit, s.Currency)
	h.savings = cur
	h.prices = &Comparison{Current: fmt.Sprintf("%d GB snapshot", s.SizeGB), Proposed: "deleted", CurrentMonthly: cur}
	return h
}

func checkSnapshotOld(c *checkCtx) (hit, bool) {
	a := age(c.s, c.asOf)
	if a < 0 || float64(a) <= c.p["maxAgeDays"] {
		return hit{}, false
	}
	return snapshotHit(c.s, fmt.Sprintf("taken %d days ago, older than the %.0f days kept", a, c.p["maxAgeDays"]),
		fmt.Sprintf("创建于 %d 天前，超过保留期 %.0f 天", a, c.p["maxAgeDays"]), a), true
}

func checkEIPUnbound(c *checkCtx) (hit, bool) {
	s := c.s
	if s.Status != "Available" {
		return hit{}, false
	}
	d := since(s, c.asOf)
	if !c.lasted(d) {
		return hit{}, false
	}
	return hit{en: fmt.Sprintf("bound to nothing for %d days", d), zh: fmt.Sprintf("已 %d 天未绑定任何实例", d),
		figures: map[string]float64{"unboundDays": float64(d)}}, true
}

func checkSLBNoBackends(c *checkCtx) (hit, bool) {
	s := c.s
	if s.Backends != 0 || !c.lasted(age(s, c.asOf)) {
		return hit{}, false
	}
	return hit{en: "no backend server attached", zh: "没有挂载任何后端服务器", figures: map[string]float64{"backends": 0}}, true
}

func checkSLBUnhealthy(c *checkCtx) (hit, bool) {
	s := c.s
	if s.Backends <= 0 || s.HealthyBackends != 0 || !c.lasted(age(s, c.asOf)) {
		return hit{}, false
	}
	return hit{en: fmt.Sprintf("none of its %d backend servers is healthy", s.Backends),
		zh: fmt.Sprintf("%d 台后端服务器全部不健康", s.Backends), figures: map[string]float64{"backends": float64(s.Backends), "healthy": 0}}, true
}

func checkSLBNoTraffic(c *checkCtx) (hit, bool) {
	days := c.days()
	tr, ok := c.quiet(MetricTraffic, mbOfMean, c.p["maxTrafficMB"], atMost)
	if !ok {
		return hit{}, false
	}
	conns, ok := c.quiet(MetricConnections, maxOf, c.p["maxConnections"], atMost)
	if !ok {
		return hit{}, false
	}
	mb := mbPerDay(tr.mean)
	return hit{en: fmt.Sprintf("%.1f MB/day of traffic and at most %.0f connections over %d days", mb, conns.max, days),
		zh:      fmt.Sprintf("%d 天内流量 %.1f MB/天，最多 %.0f 个连接", days, mb, conns.max),
		figures: map[string]float64{"trafficMBPerDay": round1(mb), "maxConnections": conns.max, "days": float64(days)}}, true
}

func checkNATNoEntries(c *checkCtx) (hit, bool) {
	s := c.s
	if s.Entries != 0 || !c.lasted(age(s, c.asOf)) {
		return hit{}, false
	}
	return hit{en: "no SNAT or DNAT entry", zh: "没有任何 SNAT 或 DNAT 条目", figures: map[string]float64{"entries": 0}}, true
}

func checkNATNoTraffic(c *checkCtx) (hit, bool) {
	days := c.days()
	tr, ok := c.quiet(MetricTraffic, mbOfMean, c.p["maxTrafficMB"], atMost)
	if !ok {
		return hit{}, false
	}
	mb := mbPerDay(tr.mean)
	return hit{en: fmt.Sprintf("%.1f MB/day of traffic over %d days", mb, days), zh: fmt.Sprintf("%d 天内流量 %.1f MB/天", days, mb),
		figures: map[string]float64{"trafficMBPerDay": round1(mb), "days": float64(days)}}, true
}

func checkPaygSteady(c *checkCtx) (hit, bool) {
	s := c.s
	if s.ChargeType != PayAsYouGo || s.Status != "Running" || s.Price == nil {
		return hit{}, false
	}
	days := int(c.p["days"])
	if a := age(s, c.asOf); a < days {
		return hit{}, false
	}
	// Running every day of the window: CPU data on each of them (an instance that was off
	// reports nothing).
	if w, ok := c.stats(MetricCPU, days); !ok || w.n < days {
		return hit{}, false
	}
	payg, sub := s.Price.PayAsYouGoMonthly, s.Price.SubscriptionMonth
	if payg <= 0 || sub <= 0 || float64(sub) > float64(payg)*(1-c.p["minSavingPct"]/100) {
		return hit{}, false
	}
	// A month bought up front is paid back after the days of pay-as-you-go it costs.
	breakEven := int(math.Ceil(float64(sub) / (float64(payg) / 30)))
	return hit{
		en: fmt.Sprintf("ran every day for %d days on pay-as-you-go (%s %s a month); a month's subscription costs %s %s and pays for itself after %d days",
			days, payg, s.Currency, sub, s.Currency, breakEven),
		zh:      fmt.Sprintf("按量付费连续运行 %d 天（每月 %s %s）；包月价 %s %s，运行 %d 天即回本", days, payg, s.Currency, sub, s.Currency, breakEven),
		figures: map[string]float64{"days": float64(days), "breakEvenDays": float64(breakEven)},
		savings: payg - sub,
		prices: &Comparison{Current: PayAsYouGo, Proposed: Subscription, CurrentMonthly: payg, ProposedMonthly: sub,
			BreakEvenDays: breakEven},
	}, true
}

func checkBandwidth(c *checkCtx) (hit, bool) {
	s := c.s
	if s.BandwidthMbps <= 1 || s.BandwidthMbpsMonth <= 0 {
		return hit{}, false
	}
	days := c.days()
	out, ok := c.stats(MetricNetOut, days)
	if !ok {
		return hit{}, false
	}
	usedMbps := out.p95 * 8 / 1e6
	pct := usedMbps / float64(s.BandwidthMbps) * 100
	if pct >= c.p["maxUsePct"] {
		return hit{}, false
	}
	// Keep twice the busiest p95 (at least 1 Mbps) as headroom.
	keep := max(1, int(math.Ceil(usedMbps*2)))
	if keep >= s.BandwidthMbps {
		return hit{}, false
	}
	cur := s.BandwidthMbpsMonth * money.Micros(s.BandwidthMbps)
	next := s.BandwidthMbpsMonth * money.Micros(keep)
	return hit{
		en: fmt.Sprintf("p95 use %.1f %% of %d Mbps over %d days: %d Mbps would do", pct, s.BandwidthMbps, days, keep),
		zh: fmt.Sprintf("%d 天内 p95 仅用 %d Mbps 带宽的 %.1f %%：%d Mbps 足够", days, s.BandwidthMbps, pct, keep),
		figures: map[string]float64{"p95UsePct": round1(pct), "bandwidthMbps": float64(s.BandwidthMbps),
			"proposedMbps": float64(keep), "days": float64(days)},
		savings: cur - next,
		prices: &Comparison{Current: fmt.Sprintf("%d Mbps", s.BandwidthMbps), Proposed: fmt.Sprintf("%d Mbps", keep),
			CurrentMonthly: cur, ProposedMonthly: next},
	}, true
}
