package aliyunsim

// The inventory is what ECS, VPC, SLB, RDS, Tair and CloudMonitor say about the world's
// resources: the same ids, products, regions, tags, charge types, creation and release days
// as the bills, plus what bills do not carry (instance status, attachments, backends, NAT
// entries, expiry and auto-renewal, snapshots) and hourly metrics. Each resource gets a
// metric profile: busy ones follow a daily and weekly rhythm with a burst a day, idle ones
// stay under the thresholds of the idle rule they are labelled with (InventoryLabels), and
// hard cases sit just inside or just outside a threshold.
//
// Snapshots exist only in the inventory: the world's bills carry no snapshot line, so a
// snapshot finding has no billed cost to be worth.

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/cloudlens/cloudlens/shared/resource"
)

var allRegions = append(append([]region{}, chinaRegions...), internationalRegions...)

// Rule ids of the idle rules (shared/idle) the labels name, and the defaults of their
// thresholds the labels are computed with.
const (
	RuleRenewal         = "subscription_idle_renewal"
	RuleStoppedCharged  = "ecs_stopped_charged"
	RuleECSIdle         = "ecs_idle"
	RuleECSUnderused    = "ecs_underused"
	RuleDiskUnattached  = "disk_unattached"
	RuleDiskOnStopped   = "disk_on_stopped_instance"
	RuleSnapshotOrphan  = "snapshot_orphaned"
	RuleSnapshotOld     = "snapshot_old"
	RuleEIPUnbound      = "eip_unbound"
	RuleEIPOnStopped    = "eip_on_stopped_instance"
	RuleSLBNoBackends   = "slb_no_backends"
	RuleSLBUnhealthy    = "slb_no_healthy_backends"
	RuleSLBNoTraffic    = "slb_no_traffic"
	RuleNATNoEntries    = "nat_no_entries"
	RuleNATNoTraffic    = "nat_no_traffic"
	RuleRDSIdle         = "rds_no_connections"
	RuleRedisIdle       = "tair_idle"
	RulePaygToSub       = "payg_to_subscription"
	RuleBandwidthUnused = "bandwidth_underused"
)

// InventoryLabel says which idle rule should find a resource, with the rules' default
// parameters, evaluated on the day after the last billed day (the world's anchor day).
type InventoryLabel struct {
	AccountUID string
	ResourceID string
	Type       resource.Type
	Rule       string
	// Hard marks a case within a hair of a threshold: for a label, just inside; for an
	// entry of HardNegatives, just outside (the rule must not find it).
	Hard bool
}

// MetricWindowDays is how many days of hourly points CloudMonitor keeps in the simulator
// (Alibaba keeps Period=3600 points for 91 days).
const MetricWindowDays = 91

// invRes is one resource of the inventory.
type invRes struct {
	typ        resource.Type
	id, name   string
	region     string
	zone       string
	charge     resource.ChargeType
	spec       string
	tags       []Tag
	created    time.Time
	createdDay int64
	released   int64 // day number, 0 when it exists
	expires    time.Time
	autoRenew  bool
	stopped    int64 // ECS: day number it stopped (0: running)
	attachedTo string
	attachType string // API spelling: EcsInstance, SlbInstance, Nat, NetworkInterface
	sourceDisk string
	sizeGB     int
	category   string // disk category, snapshot source disk category
	bandwidth  int
	netCharge  string // PayByTraffic or PayByBandwidth
	backends   []resource.Backend
	snat, dnat int
	ip         string
	prof       profile
	labels     []string
	hardNeg    []string
	hard       bool
}

// series describes one metric of a resource: hourly averages in [level/2, level] shaped by
// the rhythm, two peak hours a day at exactly level (so the day's p95 of 24 hourly averages is
// level), and one hour whose maximum is exactly burst; every other maximum stays below burst.
type series struct {
	level, burst float64
	rhythm       bool // daily and weekly rhythm (busy resources); idle ones are flat noise
	integer      bool // counts: values rounded down
}

type profile map[string]series // CloudMonitor metric name → series

type invAccount struct {
	res  []*invRes
	byID map[string]*invRes
}

type inventoryCache struct {
	once sync.Once
	accs map[string]*invAccount
}

// inventory returns the inventory of account uid (nil for an unknown uid).
func (w *World) inventory(uid string) *invAccount {
	w.inv.once.Do(func() {
		w.inv.accs = make(map[string]*invAccount, len(w.accounts))
		for _, a := range w.accounts {
			w.inv.accs[a.pub.UID] = w.buildInventory(a)
		}
	})
	return w.inv.accs[uid]
}

// InventoryLabels returns, for every account, the resources an idle rule should find, with
// the rule. A resource may carry several (a non-exclusive rule beside another). Released
// resources carry none. Every inventoried resource without a label is busy: no rule should
// find it.
func (w *World) InventoryLabels() []InventoryLabel {
	var out []InventoryLabel
	for _, a := range w.accounts {
		for _, r := range w.inventory(a.pub.UID).res {
			for _, rule := range r.labels {
				out = append(out, InventoryLabel{AccountUID: a.pub.UID, ResourceID: r.id, Type: r.typ, Rule: rule, Hard: r.hard})
			}
		}
	}
	return out
}

// HardNegatives returns resources placed just outside a rule's threshold: Rule names the
// rule that must not find them.
func (w *World) HardNegatives() []InventoryLabel {
	var out []InventoryLabel
	for _, a := range w.accounts {
		for _, r := range w.inventory(a.pub.UID).res {
			for _, rule := range r.hardNeg {
				out = append(out, InventoryLabel{AccountUID: a.pub.UID, ResourceID: r.id, Type: r.typ, Rule: rule, Hard: true})
			}
		}
	}
	return out
}

// InventoryResource is one resource as the inventory APIs describe it, for tests that
// compute their truth independently of the clients.
type InventoryResource struct {
	Type       resource.Type
	ID         string
	Region     string
	Status     string // the API's own spelling
	ChargeType resource.ChargeType
	Tags       []Tag
	Created    time.Time
	Released   time.Time // zero when it exists
	AttachedTo string
	SourceDisk string
	Backends   int
	Entries    int
	// AutoRenew: a subscription instance (ECS, RDS, Tair) that the auto-renewal APIs say
	// renews itself at Expires.
	AutoRenew bool
	Expires   time.Time
	SizeGB    int // disks and snapshots
}

// Inventory returns every resource of account uid the inventory APIs know, released ones
// included (the APIs no longer list those).
func (w *World) Inventory(uid string) []InventoryResource {
	inv := w.inventory(uid)
	if inv == nil {
		return nil
	}
	out := make([]InventoryResource, 0, len(inv.res))
	for _, r := range inv.res {
		x := InventoryResource{Type: r.typ, ID: r.id, Region: r.region, Status: r.apiStatus(w.anchor), ChargeType: r.charge,
			Tags: r.tags, Created: r.created, AttachedTo: r.attachedTo, SourceDisk: r.sourceDisk, Backends: len(r.backends),
			Entries: r.snat + r.dnat, AutoRenew: r.renews(), Expires: r.expires,
			SizeGB: r.sizeGB}
		if r.released != 0 {
			x.Released = dayTime(r.released)
		}
		out = append(out, x)
	}
	return out
}

// InventoryRegions are the regions DescribeRegions lists: those of both sites.
func InventoryRegions() []string {
	out := make([]string, len(allRegions))
	for i, r := range allRegions {
		out[i] = r.id
	}
	return out
}

// renews reports whether the auto-renewal APIs answer that r renews itself: a subscription
// instance of ECS, RDS or Tair with the flag on (only those products are asked).
func (r *invRes) renews() bool {
	return r.autoRenew && r.charge == resource.PrePaid && (r.typ == resource.ECS || r.typ == resource.RDS || r.typ == resource.Redis)
}

// existsOn reports whether r is listed by the APIs on day (not yet released).
func (r *invRes) existsOn(day int64) bool { return r.released == 0 || day < r.released }

// apiStatus is the status the product's API shows on day.
func (r *invRes) apiStatus(day int64) string {
	switch r.typ {
	case resource.ECS:
		if r.stopped != 0 && day >= r.stopped {
			return "Stopped"
		}
		return "Running"
	case resource.Disk:
		if r.attachedTo == "" {
			return "Available"
		}
		return "In_use"
	case resource.Snapshot:
		return "accomplished"
	case resource.EIP:
		if r.attachedTo == "" {
			return "Available"
		}
		return "InUse"
	case resource.SLB:
		return "active"
	case resource.NAT:
		return "Available"
	case resource.RDS:
		return "Running"
	case resource.Redis:
		return "Normal"
	}
	return ""
}

// typeOf maps a billing product to an inventory type; ok is false for products the
// inventory does not cover (OSS, CDN, SLS).
func typeOf(code string) (resource.Type, bool) {
	switch code {
	case "ecs":
		return resource.ECS, true
	case "yundisk":
		return resource.Disk, true
	case "eip":
		return resource.EIP, true
	case "slb":
		return resource.SLB, true
	case "nat_gw":
		return resource.NAT, true
	case "rds":
		return resource.RDS, true
	case "redisa":
		return resource.Redis, true
	}
	return "", false
}

// releaseDay picks, for ReleasedPct of the inventoried resources, a day in the last 30
// on which the resource was released (0 for the others). It draws from its own hashes so
// that worlds without releases keep every other draw.
func (w *World) releaseDay(a *simAccount, ri int, r *simResource) int64 {
	if w.cfg.ReleasedPct <= 0 {
		return 0
	}
	if _, ok := typeOf(catalog[r.prod].code); !ok {
		return 0
	}
	h := w.hash(uint64(a.idx), uint64(ri), 0x7e1ea5e, 0)
	if int(h%100) >= w.cfg.ReleasedPct {
		return 0
	}
	day := w.anchor - 1 - int64(h>>8%28)
	if day <= r.created+1 {
		return 0
	}
	return day
}

// Threshold defaults of the idle rules, as shared/idle ships them.
const (
	idleMaxCPU          = 5.0  // ecs_idle, renewal: max CPU below
	idleMaxNetOutMB     = 10.0 // ecs_idle: mean MB/day out at most
	underP95CPU         = 20.0 // ecs_underused: p95 below
	underMaxCPU         = 50.0 // ecs_underused: max below
	stoppedMinDays      = 7    // ecs_stopped_charged, eip_on_stopped_instance
	diskStoppedMinDays  = 30   // disk_on_stopped_instance
	unattachedMinDays   = 7    // disk_unattached
	unboundMinDays      = 3    // eip_unbound
	orphanMinDays       = 7    // snapshot_orphaned
	snapshotMaxAgeDays  = 180  // snapshot_old
	slbMinDays          = 7    // slb rules on age
	slbMaxTrafficMB     = 50.0 // slb_no_traffic
	slbMaxConns         = 5.0  // slb_no_traffic
	natMinDays          = 7    // nat_no_entries
	natMaxTrafficMB     = 10.0 // nat_no_traffic
	dbMaxConns          = 1.0  // rds_no_connections, tair_idle, renewal
	dbMaxQPS            = 1.0  // tair_idle
	renewWithinDays     = 15   // renewal
	paygDays            = 30   // payg_to_subscription
	bandwidthMaxUsePct  = 20.0 // bandwidth_underused
	metricRuleDays      = 14   // the metric window of the idle rules
	bytesPerMBPerDay    = 1e6 / 86400
	smallestECSSpecName = "ecs.g7.large"
)

// buildInventory derives the inventory of a from its billed resources.
func (w *World) buildInventory(a *simAccount) *invAccount {
	inv := &invAccount{byID: map[string]*invRes{}}
	asOf := w.anchor - 1 // the last billed day, the day the rules are evaluated on
	byRegion := map[string][]*invRes{}
	for ri := range a.resources {
		sr := &a.resources[ri]
		typ, ok := typeOf(sr.pub.ProductCode)
		if !ok {
			continue
		}
		p := sr.pub
		r := &invRes{typ: typ, id: p.ID, name: p.Name, region: p.RegionID, zone: p.ZoneID, spec: p.Spec, tags: p.Tags,
			created: p.Created, createdDay: sr.created, released: sr.released, ip: p.InternetIP}
		r.charge = resource.PostPaid
		if p.SubscriptionType == "Subscription" {
			r.charge = resource.PrePaid
		}
		inv.res = append(inv.res, r)
		inv.byID[r.id] = r
		byRegion[r.region] = append(byRegion[r.region], r)
	}
	hash := func(r *invRes, salt uint64) uint64 {
		return w.hash(uint64(a.idx), strHash(r.id), salt, 0x1bf)
	}
	// Expiry of subscriptions: most a while away, a few about to renew.
	for _, r := range inv.res {
		if r.charge != resource.PrePaid {
			continue
		}
		h := hash(r, 1)
		r.autoRenew = h%2 == 0
		r.expires = dayTime(w.anchor + 20 + int64(h>>8%300))
	}
	// ECS: profiles and stops.
	for _, r := range inv.res {
		if r.typ != resource.ECS {
			continue
		}
		sr := w.simByID(a, r.id)
		h := hash(r, 2)
		age := asOf - r.createdDay
		switch {
		case sr.pub.Idle == IdleECS:
			r.prof = idleECSProfile(h)
			if h>>20%5 == 0 {
				r.prof["CPUUtilization"] = series{level: 3.5, burst: 4.8} // hard: just under 5 %
				r.hard = true
			}
			if r.charge == resource.PrePaid && h>>24%3 == 0 {
				r.expires, r.hardNeg = w.renewalCase(r, h>>28, r.hardNeg)
			}
		case h%100 < 7 && age > 10:
			// Stopped (in the normal, charging mode): some for a few days only.
			days := []int64{3, 5, 8, 12, 20, 28, 32, 45, 90}[h>>8%9]
			days = min(days, age-1)
			r.stopped = w.anchor - days
			r.prof = busyECSProfile(h)
		case h%100 < 20:
			r.prof = underusedECSProfile(h)
			if h>>20%4 == 0 {
				r.prof["CPUUtilization"] = series{level: 19, burst: 49, rhythm: true} // hard: just under both
				r.hard = true
			}
		case h%100 < 24:
			// Just above the idle CPU threshold: not idle, under-used.
			r.prof = idleECSProfile(h)
			r.prof["CPUUtilization"] = series{level: 3, burst: 5.4}
			r.hardNeg = append(r.hardNeg, RuleECSIdle)
			r.hard = true
		case h%100 < 27:
			// Idle CPU but more than 10 MB a day out: not idle, under-used.
			r.prof = idleECSProfile(h)
			r.prof["InternetOutRate"] = series{level: 8 * 13 * bytesPerMBPerDay / 0.5, burst: 8 * 40 * bytesPerMBPerDay}
			r.hardNeg = append(r.hardNeg, RuleECSIdle)
			r.hard = true
		default:
			r.prof = busyECSProfile(h)
		}
		r.netCharge, r.bandwidth = "PayByTraffic", 100
	}
	ecsIn := func(region, zone string, h uint64) *invRes {
		var cands []*invRes
		for _, x := range byRegion[region] {
			if x.typ == resource.ECS && x.existsOn(w.anchor) && (zone == "" || x.zone == zone) {
				cands = append(cands, x)
			}
		}
		if len(cands) == 0 && zone != "" {
			for _, x := range byRegion[region] {
				if x.typ == resource.ECS && x.existsOn(w.anchor) {
					cands = append(cands, x)
				}
			}
		}
		if len(cands) == 0 {
			return nil
		}
		return cands[h%uint64(len(cands))]
	}
	// Disks: attached to an instance of their zone unless the world says unattached.
	for _, r := range inv.res {
		if r.typ != resource.Disk {
			continue
		}
		parts := strings.Fields(r.spec) // "cloud_essd PL1 200GB"
		r.category = parts[0]
		r.sizeGB, _ = strconv.Atoi(strings.TrimSuffix(parts[len(parts)-1], "GB"))
		if w.simByID(a, r.id).pub.Idle == IdleUnattachedDisk {
			continue
		}
		if e := ecsIn(r.region, r.zone, hash(r, 3)); e != nil {
			r.attachedTo, r.attachType = e.id, "EcsInstance"
		}
	}
	// EIPs: bound to an instance of their region unless the world says unbound.
	for _, r := range inv.res {
		if r.typ != resource.EIP {
			continue
		}
		h := hash(r, 4)
		r.netCharge, r.bandwidth = "PayByTraffic", 5
		r.prof = profile{"net_tx.rate": {level: 8 * 2e5, burst: 8 * 1e6, rhythm: true}, "net_rx.rate": {level: 8 * 5e4, burst: 8 * 2e5, rhythm: true}}
		if w.simByID(a, r.id).pub.Idle == IdleUnboundEIP {
			r.prof = profile{"net_tx.rate": {level: 0, burst: 0}, "net_rx.rate": {level: 0, burst: 0}}
			continue
		}
		if e := ecsIn(r.region, "", h); e != nil && h>>8%4 != 0 {
			r.attachedTo, r.attachType = e.id, "EcsInstance"
		} else {
			for _, x := range byRegion[r.region] {
				if (x.typ == resource.SLB || x.typ == resource.NAT) && x.existsOn(w.anchor) {
					r.attachedTo, r.attachType = x.id, map[resource.Type]string{resource.SLB: "SlbInstance", resource.NAT: "Nat"}[x.typ]
					break
				}
			}
			if r.attachedTo == "" {
				r.attachedTo, r.attachType = "eni-"+strings.ToLower(alnum(h, h>>7, 20)), "NetworkInterface"
			}
		}
		// Some bound EIPs have fixed bandwidth: mostly unused, just under or over 20 % used, or busy.
		if h>>16%100 < 20 {
			r.netCharge = "PayByBandwidth"
			r.bandwidth = []int{10, 20, 50, 100}[h>>24%4]
			mbps := float64(r.bandwidth)
			use := []float64{0.05, 0.18, 0.23, 0.6}[h>>28%4] // share of the bandwidth at the day's p95
			r.prof["net_tx.rate"] = series{level: use * mbps * 1e6, burst: min(mbps*1e6, use*mbps*1e6*1.6), rhythm: true}
			switch use {
			case 0.18:
				r.hard = true
			case 0.23:
				r.hardNeg = append(r.hardNeg, RuleBandwidthUnused)
			}
		}
	}
	// SLB: backends with health; the world's idle ones carry almost no traffic.
	for _, r := range inv.res {
		if r.typ != resource.SLB {
			continue
		}
		h := hash(r, 5)
		r.bandwidth, r.netCharge = 5120, "PayByTraffic"
		r.prof = profile{"TrafficTXNew": {level: 8 * 4e5, burst: 8 * 2e6, rhythm: true}, "TrafficRXNew": {level: 8 * 1e5, burst: 8 * 5e5, rhythm: true},
			"ActiveConnection": {level: 400, burst: 1500, rhythm: true, integer: true}, "NewConnection": {level: 30, burst: 120, rhythm: true}}
		idle := w.simByID(a, r.id).pub.Idle == IdleSLB
		n := int(1 + h>>8%4)
		switch {
		case !idle && h%100 < 6:
			n = 0
		}
		for i := 0; i < n; i++ {
			e := ecsIn(r.region, "", h>>uint(12+i*5))
			if e == nil {
				break
			}
			r.backends = append(r.backends, resource.Backend{ServerID: e.id, Port: 80, Weight: 100, Health: resource.HealthNormal, Listener: 80})
		}
		if !idle && len(r.backends) > 0 && h%100 >= 6 && h%100 < 12 {
			for i := range r.backends {
				r.backends[i].Health = resource.HealthAbnormal
			}
		}
		if idle || len(r.backends) == 0 {
			r.prof = profile{"TrafficTXNew": {level: 8 * 150, burst: 8 * 2000}, "TrafficRXNew": {level: 8 * 100, burst: 8 * 1000},
				"ActiveConnection": {level: 1, burst: 3, integer: true}, "NewConnection": {level: 0.01, burst: 0.2}}
			if idle && h>>40%4 == 0 {
				// Hard: 4 connections at most, or 6 (over the 5 allowed).
				b := []float64{5, 6}[h>>44%2]
				r.prof["ActiveConnection"] = series{level: 2, burst: b, integer: true}
				r.hard = true
				if b > slbMaxConns {
					r.hardNeg = append(r.hardNeg, RuleSLBNoTraffic)
				}
			}
		}
	}
	// NAT gateways: SNAT and DNAT entries; some without, some without traffic.
	for _, r := range inv.res {
		if r.typ != resource.NAT {
			continue
		}
		h := hash(r, 6)
		r.spec = []string{"Small", "Middle", "Large"}[h%3]
		r.snat, r.dnat = int(1+h>>8%6), int(h>>12%4)
		r.prof = profile{"net_tx.rate": {level: 8 * 3e5, burst: 8 * 1e6, rhythm: true}, "net_rx.rate": {level: 8 * 3e5, burst: 8 * 1e6, rhythm: true},
			"SessionActiveConnection": {level: 2000, burst: 8000, rhythm: true, integer: true}}
		switch p := h >> 16 % 100; {
		case p < 10:
			r.snat, r.dnat = 0, 0
			r.prof = profile{"net_tx.rate": {}, "net_rx.rate": {}, "SessionActiveConnection": {integer: true}}
		case p < 22:
			mb := 3.0 // MB a day, in and out together
			if p >= 19 {
				mb = 9.5 // hard: just under 10
				r.hard = true
			}
			rate := mb * bytesPerMBPerDay * 8 / 2
			r.prof = profile{"net_tx.rate": {level: rate, burst: rate * 4}, "net_rx.rate": {level: rate, burst: rate * 4},
				"SessionActiveConnection": {level: 1, burst: 2, integer: true}}
		case p < 25:
			// Hard negative: at least 11 MB a day.
			rate := 11.0 * bytesPerMBPerDay * 8 / 2 / 0.5
			r.prof = profile{"net_tx.rate": {level: rate, burst: rate * 2}, "net_rx.rate": {level: rate, burst: rate * 2},
				"SessionActiveConnection": {level: 3, burst: 9, integer: true}}
			r.hardNeg = append(r.hardNeg, RuleNATNoTraffic)
		}
	}
	// Databases: busy, or without connections (and commands).
	for _, r := range inv.res {
		if r.typ != resource.RDS && r.typ != resource.Redis {
			continue
		}
		h := hash(r, 7)
		cpu, conns, qps := "CpuUsage", "MySQL_ActiveSessions", "MySQL_QPS"
		if r.typ == resource.Redis {
			cpu, conns, qps = "StandardCpuUsage", "StandardUsedConnection", "StandardUsedQPS"
		}
		r.prof = profile{cpu: {level: 35, burst: 80, rhythm: true}, conns: {level: 60, burst: 200, rhythm: true, integer: true},
			qps: {level: 800, burst: 4000, rhythm: true}}
		if h%100 < 14 {
			r.prof = profile{cpu: {level: 1.5, burst: 3}, conns: {level: 1, burst: 1, integer: true}, qps: {level: 0.2, burst: 0.8}}
			switch h >> 8 % 6 {
			case 0:
				r.prof[conns] = series{level: 1, burst: 2, integer: true} // two connections once a day: busy enough
				r.hardNeg = append(r.hardNeg, map[resource.Type]string{resource.RDS: RuleRDSIdle, resource.Redis: RuleRedisIdle}[r.typ])
				r.hard = true
			case 1:
				if r.typ == resource.Redis {
					r.prof[qps] = series{level: 0.5, burst: 1.4} // commands over 1/s once a day
					r.hardNeg = append(r.hardNeg, RuleRedisIdle)
					r.hard = true
				}
			}
			if r.charge == resource.PrePaid && h>>16%3 == 0 {
				r.expires, r.hardNeg = w.renewalCase(r, h>>20, r.hardNeg)
			}
		}
	}
	// Snapshots of data disks, and of disks long gone.
	var snaps []*invRes
	for _, r := range inv.res {
		if r.typ != resource.Disk {
			continue
		}
		h := hash(r, 8)
		for k := 0; k < int(h%3); k++ {
			hk := w.hash(h, uint64(k), 0x5a9, 0)
			ageMax := max(asOf-r.createdDay, 1)
			age := int64(hk % uint64(min(ageMax, 400)))
			s := &invRes{typ: resource.Snapshot, id: "s-" + strings.ToLower(alnum(hk, hk>>9, 20)), region: r.region,
				name: r.name + "-snap-" + strconv.Itoa(k+1), sourceDisk: r.id, sizeGB: r.sizeGB, category: r.category,
				createdDay: asOf - age, charge: resource.PostPaid, tags: r.tags}
			s.created = dayTime(s.createdDay).Add(time.Duration(hk>>30%86400) * time.Second)
			snaps = append(snaps, s)
		}
	}
	for k := 0; k < len(inv.res)/40; k++ {
		hk := w.hash(uint64(a.idx), uint64(k), 0x0b5a9, 0)
		rg := allRegions[hk%uint64(len(allRegions))]
		if !w.cfg.AllRegions {
			regions := chinaRegions
			if a.intl {
				regions = internationalRegions
			}
			rg = regions[hk%uint64(len(regions))]
		}
		age := int64(1 + hk>>8%400)
		s := &invRes{typ: resource.Snapshot, id: "s-" + strings.ToLower(alnum(hk, hk>>9, 20)), region: rg.id,
			name: "backup-" + strconv.Itoa(k+1), sourceDisk: "d-" + strings.ToLower(alnum(hk>>3, hk>>11, 20)),
			sizeGB: 40 * int(1+hk>>20%5), category: "cloud_essd", createdDay: asOf - age, charge: resource.PostPaid}
		s.created = dayTime(s.createdDay).Add(time.Duration(hk>>30%86400) * time.Second)
		snaps = append(snaps, s)
	}
	for _, s := range snaps {
		inv.res = append(inv.res, s)
		inv.byID[s.id] = s
	}
	for _, r := range inv.res {
		w.label(inv, r, asOf)
	}
	return inv
}

// renewalCase places the end of an idle subscription near the renewal rule's window: 3–14
// days away, so that with auto-renewal on the rule must find it; without auto-renewal (a hard
// negative: it will lapse by itself) or, one in four with it on, 16 days away (just outside
// the 15), the rule must not.
func (w *World) renewalCase(r *invRes, h uint64, hardNeg []string) (time.Time, []string) {
	left := int64(3 + h%12)
	switch {
	case !r.autoRenew:
		hardNeg = append(hardNeg, RuleRenewal)
	case h>>4%4 == 0:
		left = renewWithinDays + 1
		hardNeg = append(hardNeg, RuleRenewal)
	}
	return dayTime(w.anchor + left), hardNeg
}

// simByID finds the billed resource with id.
func (w *World) simByID(a *simAccount, id string) *simResource {
	for i := range a.resources {
		if a.resources[i].pub.ID == id {
			return &a.resources[i]
		}
	}
	return nil
}

func strHash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func idleECSProfile(h uint64) profile {
	return profile{
		"CPUUtilization":  {level: 0.5 + float64(h>>40%15)/10, burst: 3},
		"InternetOutRate": {level: 8 * 2 * bytesPerMBPerDay, burst: 8 * 20 * bytesPerMBPerDay},
		"InternetInRate":  {level: 8 * 1 * bytesPerMBPerDay, burst: 8 * 10 * bytesPerMBPerDay},
	}
}

func busyECSProfile(h uint64) profile {
	return profile{
		"CPUUtilization":  {level: 40 + float64(h>>40%40), burst: 92, rhythm: true},
		"InternetOutRate": {level: 8 * 2e5 * float64(1+h>>48%10), burst: 8 * 4e6, rhythm: true},
		"InternetInRate":  {level: 8 * 5e4 * float64(1+h>>48%10), burst: 8 * 1e6, rhythm: true},
	}
}

func underusedECSProfile(h uint64) profile {
	p := busyECSProfile(h)
	p["CPUUtilization"] = series{level: 8 + float64(h>>40%8), burst: 35, rhythm: true}
	return p
}

// label computes which rules should find r on asOf with the rules' default parameters, in
// their order (an exclusive rule that hits stops the rules after it).
func (w *World) label(inv *invAccount, r *invRes, asOf int64) {
	if r.released != 0 {
		r.labels, r.hardNeg, r.hard = nil, nil, false
		return
	}
	// Whole days from creation to the evaluation day, as the rules count them.
	age := int64(dayTime(asOf).Sub(r.created).Hours() / 24)
	metricsCover := age >= metricRuleDays // the rules judge only a full window
	add := func(rule string) { r.labels = append(r.labels, rule) }
	switch r.typ {
	case resource.ECS:
		stopped := r.stopped != 0
		cpu := r.prof["CPUUtilization"]
		out := r.prof["InternetOutRate"]
		idleCPU := cpu.burst < idleMaxCPU
		left := r.expires.Sub(w.now()).Hours() / 24
		switch {
		case !stopped && metricsCover && r.charge == resource.PrePaid && r.autoRenew && left >= 0 && left <= renewWithinDays && idleCPU:
			add(RuleRenewal)
		case stopped && asOf-r.stopped >= stoppedMinDays:
			add(RuleStoppedCharged)
		case stopped:
			if asOf-r.stopped >= stoppedMinDays-3 {
				r.hardNeg = append(r.hardNeg, RuleStoppedCharged)
			}
		case metricsCover && idleCPU && out.level/8/bytesPerMBPerDay <= idleMaxNetOutMB:
			add(RuleECSIdle)
		case metricsCover && cpu.level < underP95CPU && cpu.burst < underMaxCPU && r.spec != smallestECSSpecName:
			add(RuleECSUnderused)
		case !stopped && r.charge == resource.PostPaid && age >= paygDays:
			add(RulePaygToSub)
		}
	case resource.Disk:
		switch {
		case r.attachedTo == "" && age >= unattachedMinDays:
			add(RuleDiskUnattached)
		case r.attachedTo != "":
			if e := inv.byID[r.attachedTo]; e != nil && e.stopped != 0 {
				if asOf-e.stopped >= diskStoppedMinDays {
					add(RuleDiskOnStopped)
				} else {
					r.hardNeg = append(r.hardNeg, RuleDiskOnStopped)
				}
			}
		}
	case resource.Snapshot:
		src := inv.byID[r.sourceDisk]
		gone := src == nil || src.released != 0
		switch {
		case gone && age >= orphanMinDays:
			add(RuleSnapshotOrphan)
		case !gone && age > snapshotMaxAgeDays:
			add(RuleSnapshotOld)
		}
	case resource.EIP:
		switch {
		case r.attachedTo == "" && age >= unboundMinDays:
			add(RuleEIPUnbound)
		case r.attachedTo != "":
			if e := inv.byID[r.attachedTo]; e != nil && e.stopped != 0 && asOf-e.stopped >= stoppedMinDays {
				add(RuleEIPOnStopped)
				return
			}
			tx := r.prof["net_tx.rate"]
			if r.netCharge == "PayByBandwidth" && metricsCover && tx.level/1e6/float64(r.bandwidth)*100 < bandwidthMaxUsePct {
				keep := max(1, int(math.Ceil(tx.level/1e6*2)))
				if keep < r.bandwidth {
					add(RuleBandwidthUnused)
				}
			}
		}
	case resource.SLB:
		tx, rx, conns := r.prof["TrafficTXNew"], r.prof["TrafficRXNew"], r.prof["ActiveConnection"]
		switch {
		case len(r.backends) == 0 && age >= slbMinDays:
			add(RuleSLBNoBackends)
		case len(r.backends) > 0 && r.backends[0].Health != resource.HealthNormal && age >= slbMinDays:
			add(RuleSLBUnhealthy)
		case metricsCover && (tx.level+rx.level)/8/bytesPerMBPerDay <= slbMaxTrafficMB && conns.burst <= slbMaxConns:
			add(RuleSLBNoTraffic)
		}
	case resource.NAT:
		tx, rx := r.prof["net_tx.rate"], r.prof["net_rx.rate"]
		switch {
		case r.snat+r.dnat == 0 && age >= natMinDays:
			add(RuleNATNoEntries)
		case metricsCover && (tx.level+rx.level)/8/bytesPerMBPerDay <= natMaxTrafficMB:
			add(RuleNATNoTraffic)
		}
	case resource.RDS, resource.Redis:
		conns, qps := r.prof["MySQL_ActiveSessions"], r.prof["MySQL_QPS"]
		rule := RuleRDSIdle
		if r.typ == resource.Redis {
			conns, qps, rule = r.prof["StandardUsedConnection"], r.prof["StandardUsedQPS"], RuleRedisIdle
		}
		left := r.expires.Sub(w.now()).Hours() / 24
		idleConns := conns.burst <= dbMaxConns
		switch {
		case metricsCover && r.charge == resource.PrePaid && r.autoRenew && left >= 0 && left <= renewWithinDays && idleConns:
			add(RuleRenewal)
		case metricsCover && idleConns && (r.typ == resource.RDS || qps.burst <= dbMaxQPS):
			add(rule)
		}
	}
}
