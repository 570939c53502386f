// Package idle finds resources that can be switched off, released, resized or bought cheaper,
// and says what each finding is worth. The rules are data (Rules): each names the resource
// types it reads, its parameters with their defaults and allowed ranges, and how its reason
// reads in English and Chinese with the measured figures. Administrators change parameters per
// organisation and per account (Settings); a tag exempts a resource (ExemptTag).
//
// The package holds no SQL and no HTTP: callers describe each resource as a Subject (its
// inventory facts, daily metric summaries, its cost over the basis window and, for estimates,
// the prices DescribePrice gave) and Evaluate returns the findings.
package idle

import (
	"slices"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/money"
)

// Resource types the rules know, as the inventory names them.
const (
	TypeECS      = "ecs"
	TypeDisk     = "disk"
	TypeSnapshot = "snapshot"
	TypeEIP      = "eip"
	TypeSLB      = "slb"
	TypeNAT      = "nat"
	TypeRDS      = "rds"
	TypeTair     = "redis" // Tair (Redis)
)

// Types lists every resource type, in the order the API documents them.
var Types = []string{TypeECS, TypeDisk, TypeSnapshot, TypeEIP, TypeSLB, TypeNAT, TypeRDS, TypeTair}

// Charge types.
const (
	PayAsYouGo   = "PayAsYouGo"
	Subscription = "Subscription"
)

// Metric names of the daily summaries the rules read. Rates are per second as CloudMonitor
// gives them; the rules turn them into per-day volumes for their reasons.
const (
	MetricCPU         = "cpu"          // percent
	MetricNetOut      = "net_out"      // internet out, bytes per second
	MetricNetIn       = "net_in"       // internet in, bytes per second
	MetricConnections = "connections"  // active connections (RDS, Tair, SLB)
	MetricQPS         = "qps"          // queries or commands per second (RDS, Tair)
	MetricNewConns    = "new_conns"    // new connections per second (SLB)
	MetricTraffic     = "traffic"      // bytes per second through the resource (SLB, NAT, EIP)
	MetricSessions    = "nat_sessions" // SNAT connections (NAT)
)

// Day is one day's summary of one metric: CloudMonitor points are not kept, only these.
type Day struct {
	Date string // YYYY-MM-DD, Asia/Shanghai
	Max  float64
	P95  float64
	Mean float64
}

// Price is what DescribePrice answered for a resource's spec, per month, in the account's
// currency: pay-as-you-go (the hourly price × 730 hours … as the API states it), a month's
// subscription, and for a downsize the next smaller spec's pay-as-you-go and subscription.
type Price struct {
	Spec              string
	PayAsYouGoMonthly money.Micros
	SubscriptionMonth money.Micros
	Smaller           string // the next smaller spec of the same family; empty when there is none
	SmallerPayAsYouGo money.Micros
	SmallerMonth      money.Micros
}

// Subject is one resource as the rules see it. Callers fill what the inventory knows; a zero
// field means "not known", and a rule that needs it does not fire.
type Subject struct {
	AccountID    int64
	ResourceID   string
	Type         string
	Region, Name string
	Status       string // Running, Stopped, Available, In_use … as the inventory stores it
	ChargeType   string // PayAsYouGo or Subscription
	Spec         string
	Tags         map[string]string
	CreatedAt    time.Time
	ReleasedAt   *time.Time

	// StatusSince is when the resource entered its status (an instance stopped, a disk was
	// detached, an EIP unbound); zero when not known, then CreatedAt stands in for it.
	// StoppedCharging tells that an instance was stopped in the no-charge mode
	// ("StopCharging"), so only its disks still bill.
	StatusSince     time.Time
	StoppedCharging bool

	// Parent is the instance a disk or EIP is attached to, or the disk a snapshot was taken
	// of; ParentGone says that parent no longer exists (released upstream).
	Parent     *Subject
	ParentID   string
	ParentGone bool

	Backends        int // SLB: backend servers attached
	HealthyBackends int // SLB: of them, reported healthy (-1: unknown)
	Entries         int // NAT: SNAT plus DNAT entries (-1: unknown)
	BandwidthMbps   int // fixed public bandwidth bought (PayByBandwidth), 0 when by traffic
	// BandwidthMbpsMonth is DescribePrice's monthly price of one Mbps of fixed bandwidth.
	BandwidthMbpsMonth money.Micros

	ExpiresAt time.Time // subscription end
	AutoRenew bool

	// SizeGB is a disk's or snapshot's size; SnapshotGBMonth the price of a GB-month of
	// snapshot storage in the subject's region (SnapshotPrice), what a snapshot is valued at.
	SizeGB          int
	SnapshotGBMonth money.Micros

	Metrics map[string][]Day // daily summaries by metric name, oldest first

	// Cost is the resource's own effective cost (amortised) over the basis window, from the
	// line items, in Currency.
	Cost     money.Micros
	Currency string
	Price    *Price
}

// Action is what a finding proposes.
type Action string

const (
	ActionRelease         Action = "release"
	ActionDelete          Action = "delete"
	ActionDownsize        Action = "downsize"
	ActionSwitchBilling   Action = "switch_billing"
	ActionDisableRenewal  Action = "disable_auto_renew"
	ActionReduceBandwidth Action = "reduce_bandwidth"
	ActionFix             Action = "fix_or_release"
)

// Basis says where a finding's figure comes from, so it can be checked against
// /api/v1/costs/resources/{resourceId} for the same range and metric.
type Basis struct {
	Start  string `json:"start"`
	End    string `json:"end"`
	Metric string `json:"metric"`
}

// Comparison is the pair of monthly prices an estimate compares.
type Comparison struct {
	Current         string       `json:"current"` // what is paid now: the spec or charge type
	Proposed        string       `json:"proposed"`
	CurrentMonthly  money.Micros `json:"currentMonthly"`
	ProposedMonthly money.Micros `json:"proposedMonthly"`
	// BreakEvenDays is, for a switch to subscription, after how many days of running a
	// month bought up front costs less than pay-as-you-go (0 when not a billing switch).
	BreakEvenDays int `json:"breakEvenDays,omitempty"`
}

// Finding is one rule hitting one resource.
type Finding struct {
	Rule           string
	Action         Action
	AccountID      int64
	ResourceID     string
	Type           string
	Region, Name   string
	Reason         string // English
	ReasonZh       string
	MonthlySavings money.Micros
	Currency       string
	Estimate       bool
	Prices         *Comparison
	Basis          Basis
	Figures        map[string]float64 // the measured values the reason names
}

// Key identifies a finding across runs: one rule on one resource of one account.
func (f Finding) Key() (rule string, accountID int64, resourceID string) {
	return f.Rule, f.AccountID, f.ResourceID
}

// Statuses of a stored finding, as the API names them.
const (
	StatusOpen      = "open"
	StatusDismissed = "dismissed"
	StatusSnoozed   = "snoozed"
	StatusResolved  = "resolved"
)

// Statuses lists the statuses a findings list may ask for.
var Statuses = []string{StatusOpen, StatusDismissed, StatusSnoozed, StatusResolved}

// Dismissal is someone's decision to set a finding aside: for good (no Until) or until then.
type Dismissal struct {
	At     time.Time
	By     int64
	Until  *time.Time
	Reason string
}

// Record is a finding as kept between runs: its identity, when it was first and last seen,
// and whether it was resolved (the last run no longer saw it) or dismissed.
type Record struct {
	ID int64
	Finding
	InventoryID int64 // the resource's row in the inventory (0 when it is not there)
	Resolved    bool
	DetectedAt  time.Time
	EvaluatedAt time.Time
	ResolvedAt  *time.Time
	Dismissal   *Dismissal
}

// Status is the record's status at now: a snooze that has run out is open again.
func (r Record) Status(now time.Time) string {
	switch {
	case r.Resolved:
		return StatusResolved
	case r.Dismissal == nil:
		return StatusOpen
	case r.Dismissal.Until == nil:
		return StatusDismissed
	case r.Dismissal.Until.After(now):
		return StatusSnoozed
	}
	return StatusOpen
}

// ecsSizes are ECS instance sizes within a family, smallest first.
var ecsSizes = []string{"small", "medium", "large", "xlarge", "2xlarge", "3xlarge", "4xlarge", "6xlarge", "8xlarge",
	"12xlarge", "16xlarge", "24xlarge", "32xlarge"}

// Smaller returns the next smaller spec of an ECS instance type's family
// ("ecs.g7.xlarge" → "ecs.g7.large"), or "" when there is none or the spec is not of the
// family.size form.
func Smaller(spec string) string {
	i := strings.LastIndexByte(spec, '.')
	if i < 0 {
		return ""
	}
	at := slices.Index(ecsSizes, spec[i+1:])
	if at <= 0 {
		return ""
	}
	return spec[:i+1] + ecsSizes[at-1]
}
