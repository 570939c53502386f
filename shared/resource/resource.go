// Package resource is the inventory model: the cloud resources of an account as the
// provider's APIs describe them, their daily metric summaries, list prices and the record of
// each inventory sync. Pure types; the store keeps them and the aliyun clients fill them.
package resource

import (
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/money"
)

// Type is the kind of a resource.
type Type string

// Resource types. Their values appear in the API (`type=` filter) and in the database.
const (
	ECS      Type = "ecs"      // ECS instance
	Disk     Type = "disk"     // ECS block storage (cloud disk), system or data
	Snapshot Type = "snapshot" // ECS disk snapshot
	EIP      Type = "eip"      // elastic IP address
	NAT      Type = "nat"      // NAT gateway
	SLB      Type = "slb"      // classic load balancer
	RDS      Type = "rds"      // ApsaraDB RDS instance
	Redis    Type = "redis"    // Tair / ApsaraDB for Redis instance
)

// Types lists every type in a stable order.
var Types = []Type{ECS, Disk, Snapshot, EIP, NAT, SLB, RDS, Redis}

// Valid reports whether t is a known type.
func (t Type) Valid() bool { return slices.Contains(Types, t) }

// ChargeType is how a resource is billed.
type ChargeType string

// Charge types, in Alibaba's API spelling (ECS, EIP, SLB, NAT, RDS and Redis all accept it;
// responses that spell it otherwise are normalised by the clients).
const (
	PrePaid  ChargeType = "PrePaid"  // subscription, paid up front
	PostPaid ChargeType = "PostPaid" // pay-as-you-go
)

// Statuses the model itself gives. Other statuses are kept as the API returns them
// (Running, Stopped, Available, In_use, …; see below for the spellings the clients unify).
const (
	// StatusReleased marks a resource that vanished from the provider's answers: the row is
	// kept with ReleasedAt set, never deleted, so its bills and findings keep their subject.
	StatusReleased = "Released"
)

// Common upstream statuses the rules test for.
const (
	// The clients spell a working SLB ("active"), NAT gateway ("Available") and Tair
	// instance ("Normal") as Running, and a bound EIP ("InUse") as In_use, so that one status
	// means one thing across types; the API's own word is kept in Attrs["apiStatus"].
	StatusRunning   = "Running"
	StatusStopped   = "Stopped"   // ECS
	StatusAvailable = "Available" // disk not attached, EIP not bound, snapshot ready
	StatusInUse     = "In_use"    // disk attached, EIP bound
)

// Backend is one backend server of a load balancer with its health as the health check
// last saw it.
type Backend struct {
	ServerID string `json:"serverId"`           // usually an ECS instance id
	Port     int    `json:"port,omitempty"`     // backend port, 0 when the listener is unknown
	Weight   int    `json:"weight"`             // 0 takes no traffic
	Health   string `json:"health,omitempty"`   // Health* value; empty when not checked
	Listener int    `json:"listener,omitempty"` // frontend port of the listener the status is for
}

// Backend health, as SLB DescribeHealthStatus spells it.
const (
	HealthNormal      = "normal"
	HealthAbnormal    = "abnormal"
	HealthUnavailable = "unavailable"
)

// Resource is one cloud resource of an account. Fields that only some types have are zero
// for the others; what the model has no field for goes to Attrs.
type Resource struct {
	ID         int64 // row id; 0 until stored
	AccountID  int64
	ResourceID string // the provider's id, e.g. i-bp1…, d-bp1…, eip-…
	Type       Type
	Region     string // region id, e.g. cn-hangzhou
	Zone       string // zone id; empty for regional resources
	Name       string
	Status     string // as the API returns it, or StatusReleased
	ChargeType ChargeType
	Tags       map[string]string // never nil once read from the store
	Spec       string            // instance type or class (ecs.g7.large, mysql.n2.medium.1), disk category, SLB spec, NAT spec

	CreatedAt  time.Time  // creation time as the provider reports it
	ReleasedAt *time.Time // set when the resource vanished upstream (or the provider says released)
	ExpiresAt  *time.Time // end of the paid period of a subscription
	AutoRenew  bool       // subscription renews itself at ExpiresAt

	// StatusSince is when the resource entered its status: what the provider tells (a
	// disk's DetachedTime, an instance's last CloudMonitor point before it stopped) when a
	// client sets it; else, on first sight, CreatedAt; later, the sync that saw the change.
	StatusSince time.Time

	// Relations.
	AttachedTo   string // disk → ECS instance; EIP → the instance it is bound to; snapshot: empty
	AttachedType Type   // the type of AttachedTo (ECS, SLB, NAT, …); empty when unknown
	SourceID     string // snapshot → its source disk id; disk → the snapshot it was made from
	SizeGB       int    // disk and snapshot size
	// BandwidthMbps is the fixed public bandwidth bought (EIP, SLB, ECS InternetMaxBandwidthOut,
	// NAT's bound bandwidth package): what the "mostly unused bandwidth" rule compares
	// traffic with. 0 when not applicable.
	BandwidthMbps      int
	InternetChargeType string    // PayByBandwidth or PayByTraffic (EIP, SLB, ECS); empty otherwise
	Backends           []Backend // SLB backends with health
	SNATEntries        int       // NAT gateway SNAT entries
	DNATEntries        int       // NAT gateway DNAT (forward) entries

	// Attrs carries what the API returned beyond the fields above, as a JSON object
	// (e.g. engine and version of RDS, disk category and device, snapshot retention).
	Attrs map[string]any

	FirstSeenAt time.Time // first sync that saw it
	LastSeenAt  time.Time // last sync that saw it
	UpdatedAt   time.Time // last change of any field
}

// Released reports whether the resource no longer exists upstream.
func (r Resource) Released() bool { return r.ReleasedAt != nil }

// Metric names a daily summarised series. Units are fixed per metric so that rules need no
// per-product conversion: the clients convert what CloudMonitor returns.
type Metric string

const (
	CPU         Metric = "cpu"         // CPU utilisation, percent 0–100 (ECS, RDS, Redis)
	Memory      Metric = "memory"      // memory utilisation, percent 0–100 (RDS, Redis)
	NetIn       Metric = "net_in"      // public inbound traffic rate, bytes per second (ECS, EIP, SLB, NAT)
	NetOut      Metric = "net_out"     // public outbound traffic rate, bytes per second (ECS, EIP, SLB, NAT)
	DiskIO      Metric = "disk"        // disk read+write rate, bytes per second (ECS, disk)
	Connections Metric = "connections" // active connections or sessions, count (SLB, NAT, RDS, Redis)
	QPS         Metric = "qps"         // queries or commands per second (RDS, Redis)
	// Traffic is inbound plus outbound, summed point by point before the day is summarised
	// (so its max is the busiest moment of both directions together), bytes per second.
	Traffic  Metric = "traffic"      // SLB, NAT, EIP
	NewConns Metric = "new_conns"    // new connections per second (SLB)
	Sessions Metric = "nat_sessions" // active SNAT sessions, count (NAT)
)

// Metrics lists every metric in a stable order.
var Metrics = []Metric{CPU, Memory, NetIn, NetOut, DiskIO, Connections, QPS, Traffic, NewConns, Sessions}

// Valid reports whether m is a known metric.
func (m Metric) Valid() bool { return slices.Contains(Metrics, m) }

// MetricsOf returns the metrics a sync keeps for a resource type: what the idle rules read,
// and no more, because every CloudMonitor call counts against a monthly quota.
func MetricsOf(t Type) []Metric {
	switch t {
	case ECS:
		return []Metric{CPU, NetIn, NetOut}
	case EIP, SLB, NAT:
		m := []Metric{NetIn, NetOut, Traffic}
		switch t {
		case SLB:
			m = append(m, Connections, NewConns)
		case NAT:
			m = append(m, Sessions)
		}
		return m
	case RDS, Redis:
		return []Metric{CPU, Connections, QPS}
	}
	return nil
}

// MetricDay summarises one metric of one resource over one calendar day (Asia/Shanghai,
// the billing day). Raw points are not kept: the summary is what rules read.
type MetricDay struct {
	AccountID  int64
	ResourceID string // the provider's id
	Metric     Metric
	Day        time.Time // midnight Asia/Shanghai
	Max        float64
	P95        float64
	Mean       float64
	Samples    int // points the summary is made of; 0 points are never stored
}

// Unit of a price from DescribePrice.
const (
	PerHour  = "Hour"
	PerMonth = "Month"
)

// Price is what the provider quotes for one spec in one region and charge type, from
// ECS DescribePrice (and the like for other products).
type Price struct {
	AccountID  int64
	Type       Type
	Region     string
	Spec       string // instance type
	ChargeType ChargeType
	Unit       string       // PerHour for PostPaid, PerMonth for PrePaid
	Original   money.Micros // list price of one Unit
	Discount   money.Micros // discount the account gets
	Trade      money.Micros // what the account pays for one Unit: Original − Discount
	Currency   string
	FetchedAt  time.Time
}

// Sync run statuses.
const (
	SyncRunning   = "running"
	SyncSucceeded = "succeeded"
	SyncFailed    = "failed"
)

// SyncRun is one inventory sync of one account: what it read, what changed, how many calls
// each API took and how it ended. A failed run changed nothing in the inventory.
type SyncRun struct {
	ID         int64
	AccountID  int64
	JobRunID   int64  // the job run it belonged to; 0 when run outside the job runner
	Trigger    string // job.TriggerTimer or job.TriggerManual
	Status     string
	Regions    int
	Resources  int // resources seen upstream
	Added      int
	Updated    int
	Released   int
	MetricDays int            // daily summaries written
	Calls      map[string]int // API name (e.g. "ecs.DescribeInstances") → calls made, retries included
	Throttled  int            // calls answered with a throttling code (and retried)
	StartedAt  time.Time
	FinishedAt *time.Time
	Duration   time.Duration
	Error      string
}

// TotalCalls is the sum of the calls of every API.
func (r SyncRun) TotalCalls() int {
	n := 0
	for _, c := range r.Calls {
		n += c
	}
	return n
}

// AttrsJSON encodes attrs as the store keeps them ("{}" for none).
func AttrsJSON(attrs map[string]any) (string, error) {
	if len(attrs) == 0 {
		return "{}", nil
	}
	b, err := json.Marshal(attrs)
	return string(b), err
}

// sizes are the ECS instance sizes of a family, smallest first (ecs.g7.large, ecs.g7.xlarge, …).
var sizes = []string{"large", "xlarge", "2xlarge", "3xlarge", "4xlarge", "6xlarge", "8xlarge", "12xlarge", "16xlarge"}

// SmallerSpec is the next smaller ECS instance type of the same family ("ecs.g7.2xlarge" →
// "ecs.g7.xlarge"), or "" for the smallest or an unknown spec.
func SmallerSpec(spec string) string {
	i := strings.LastIndexByte(spec, '.')
	if i < 0 {
		return ""
	}
	at := slices.Index(sizes, spec[i+1:])
	if at <= 0 {
		return ""
	}
	return spec[:i+1] + sizes[at-1]
}
