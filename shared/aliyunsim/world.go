// Package aliyunsim simulates the Alibaba Cloud billing OpenAPI (BSS) for tests, benchmarks
// and local mode: a deterministic world of accounts, resources and daily bills derived from a
// seed, with labelled anomalies and idle resources, and an HTTP server the real SDK clients call.
package aliyunsim

import (
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
)

// Sites and currencies.
const (
	SiteChina         = "china"
	SiteInternational = "international"
)

// Config describes the world to generate. Zero fields take their defaults.
type Config struct {
	Seed      int64
	Accounts  int // default 3
	Resources int // resources per account, default 60
	// Now is the simulated current time; default time.Now. It is read once, by NewWorld, to
	// anchor resource creation dates and anomalies; bills exist up to the day before.
	Now func() time.Time
	// AllRegions spreads resources over the regions of both sites (ten) instead of the
	// account's own site (five); ReleasedPct releases that share (percent) of the inventoried
	// resources upstream during the last 30 days, their bills ending the day before. Both are
	// off by default so that existing worlds keep their bills (inventory.go).
	AllRegions  bool
	ReleasedPct int
}

// Account is one simulated Alibaba Cloud account with its AccessKey pair.
type Account struct {
	UID             string
	Name            string
	Site            string // SiteChina or SiteInternational
	Currency        string // CNY on the China site, USD on the international site
	AccessKeyID     string
	AccessKeySecret string
}

// Tag is one resource tag.
type Tag struct{ Key, Value string }

// BillingItemInfo describes one billing item of a resource.
type BillingItemInfo struct {
	Code, Name string
	UsageUnit  string
	ListPrice  string // per unit, in the account's currency
	Metered    bool   // usage varies by day
}

// Resource is one cloud resource of an account, as an inventory would show it.
type Resource struct {
	ID               string
	Name             string
	ProductCode      string
	ProductName      string
	ProductType      string
	RegionID         string // e.g. cn-hangzhou
	Region           string // display name as the billing API returns it, e.g. 华东1（杭州）
	ZoneID           string // e.g. cn-hangzhou-h; empty for regional products
	Zone             string // display name, e.g. 杭州 可用区H
	Tags             []Tag
	ResourceGroup    string
	SubscriptionType string // Subscription or PayAsYouGo
	Spec             string
	Status           string // e.g. Running, In_use, Available (unattached disk, unbound EIP)
	InternetIP       string
	IntranetIP       string
	BillingItems     []BillingItemInfo
	Created          time.Time // first billed day, midnight Asia/Shanghai
	Released         time.Time // day it was released upstream (no bill from then on); zero when it exists
	Idle             string    // one of the Idle* kinds, empty when in use
}

// AnomalyLabel marks an injected cost spike: on Day, the metered billing item of one resource
// cost ExtraMicros more (final PretaxAmount) than it would have without the spike.
type AnomalyLabel struct {
	AccountUID      string
	Day             time.Time
	ProductCode     string
	ResourceID      string
	BillingItemCode string
	Multiplier      float64 // usage factor applied on the day
	ExtraMicros     int64
	Currency        string
}

// IdleLabel marks a resource that is billed but does no useful work.
type IdleLabel struct {
	AccountUID  string
	ResourceID  string
	ProductCode string
	Kind        string // one of the Idle* kinds
}

// World is a deterministic simulated cloud: the same Config always yields the same accounts,
// resources and bills. It is read-only after NewWorld and safe for concurrent use.
type World struct {
	seed      uint64
	anchor    int64 // day number of "today" at construction
	now       func() time.Time
	accounts  []*simAccount
	byUID     map[string]*simAccount
	byKey     map[string]*simAccount
	anomalies []AnomalyLabel
	idle      []IdleLabel
	cfg       Config
	inv       inventoryCache
}

type simAccount struct {
	pub        Account
	idx        int
	intl       bool
	resources  []simResource
	invoice10k []int64 // invoice discount rate per catalog product, in 1/10000
	cashCoupon bool
	costUnit   string
}

type simResource struct {
	pub       Resource
	prod      int
	created   int64
	released  int64 // day number of the release, 0 when not released
	items     []simItem
	anomalies []anomaly
	tag       string
	config    string
}

type simItem struct {
	code, name      string
	usageUnit       string
	listPrice       string
	usage           string // daily usage of items that do not vary by day
	listPriceUnit   string
	productDetail   string
	priceMicros     int64 // per unit, account currency
	baseMilli       int64 // daily usage in thousandths of a unit, size and idleness applied
	monthlyMicros   int64 // subscription price of a month
	metered         bool
	subscription    bool
	prepaidEligible bool
}

type anomaly struct {
	day     int64
	item    int
	mult10k int64
}

// NewWorld generates the accounts and resources of cfg. Bills are computed on demand.
func NewWorld(cfg Config) *World {
	if cfg.Accounts <= 0 {
		cfg.Accounts = 3
	}
	if cfg.Resources <= 0 {
		cfg.Resources = 60
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	w := &World{
		seed:   mix(uint64(cfg.Seed) ^ 0x5eed_c10d_1e45_0001),
		now:    cfg.Now,
		byUID:  make(map[string]*simAccount, cfg.Accounts),
		byKey:  make(map[string]*simAccount, cfg.Accounts),
		anchor: dayNumber(cfg.Now()),
		cfg:    cfg,
	}
	for i := 0; i < cfg.Accounts; i++ {
		a := w.newAccount(i, cfg.Resources)
		w.accounts = append(w.accounts, a)
		w.byUID[a.pub.UID] = a
		w.byKey[a.pub.AccessKeyID] = a
	}
	for _, a := range w.accounts {
		w.placeAnomalies(a)
		for ri := range a.resources {
			r := &a.resources[ri]
			if r.pub.Idle != "" {
				w.idle = append(w.idle, IdleLabel{AccountUID: a.pub.UID, ResourceID: r.pub.ID, ProductCode: r.pub.ProductCode, Kind: r.pub.Idle})
			}
		}
	}
	return w
}

// Now returns the simulated current time the world was configured with.
func (w *World) Now() time.Time { return w.now() }

// Accounts returns the simulated accounts in a stable order.
func (w *World) Accounts() []Account {
	out := make([]Account, len(w.accounts))
	for i, a := range w.accounts {
		out[i] = a.pub
	}
	return out
}

// Resources returns the resources of the account uid (nil for an unknown uid). The slices
// inside each Resource are shared with the world and must not be modified.
func (w *World) Resources(uid string) []Resource {
	a := w.byUID[uid]
	if a == nil {
		return nil
	}
	out := make([]Resource, len(a.resources))
	for i := range a.resources {
		out[i] = a.resources[i].pub
	}
	return out
}

// Anomalies returns the injected cost spikes of every account.
func (w *World) Anomalies() []AnomalyLabel { return append([]AnomalyLabel(nil), w.anomalies...) }

// IdleResources returns the idle resources of every account.
func (w *World) IdleResources() []IdleLabel { return append([]IdleLabel(nil), w.idle...) }

func (w *World) account(uid string) *simAccount { return w.byUID[uid] }

func (w *World) accountByKey(ak string) *simAccount { return w.byKey[ak] }

func (w *World) newAccount(i, resources int) *simAccount {
	h := w.hash(uint64(i), 0xacc0, 0, 0)
	intl := i%3 == 2
	a := &simAccount{idx: i, intl: intl}
	a.pub.UID = "1" + pad(strconv.FormatUint(h%1_000_000_000_000_000, 10), 15)
	a.pub.AccessKeyID = "LTAI5t" + alnum(w.hash(uint64(i), 0xacc1, 0, 0), w.hash(uint64(i), 0xacc2, 0, 0), 18)
	a.pub.AccessKeySecret = alnum(w.hash(uint64(i), 0xacc3, 0, 0), w.hash(uint64(i), 0xacc4, 0, 0), 30)
	if intl {
		a.pub.Site, a.pub.Currency = SiteInternational, "USD"
		a.pub.Name = "cloudlens-demo-intl-" + strconv.Itoa(i+1)
		a.costUnit = "Not allocated"
	} else {
		a.pub.Site, a.pub.Currency = SiteChina, "CNY"
		a.pub.Name = "cloudlens-demo-cn-" + strconv.Itoa(i+1)
		a.costUnit = "未分配"
	}
	a.cashCoupon = h>>20%2 == 0
	a.invoice10k = make([]int64, len(catalog))
	for p := range catalog {
		hp := w.hash(uint64(i), 0xd15c, uint64(p), 0)
		if hp%10 >= 4 {
			a.invoice10k[p] = 500 + int64(hp>>8%1500)
		}
	}
	a.resources = make([]simResource, resources)
	for ri := range a.resources {
		w.newResource(a, ri, &a.resources[ri])
	}
	return a
}

var totalWeight = func() int {
	t := 0
	for _, p := range catalog {
		t += p.weight
	}
	return t
}()

func (w *World) newResource(a *simAccount, ri int, r *simResource) {
	h := func(salt uint64) uint64 { return w.hash(uint64(a.idx), uint64(ri), 0x7e50+salt, 0) }
	pick := int(h(1) % uint64(totalWeight))
	for pi, p := range catalog {
		if pick < p.weight {
			r.prod = pi
			break
		}
		pick -= p.weight
	}
	p := &catalog[r.prod]
	regions := chinaRegions
	groups := resourceGroupsChina
	if a.intl {
		regions, groups = internationalRegions, resourceGroupsIntl
	}
	if w.cfg.AllRegions {
		regions = allRegions
	}
	rg := regions[weighted(h(2), regions)]

	pub := &r.pub
	pub.ProductCode, pub.ProductType = p.code, p.productType
	lang := "zh"
	if a.intl {
		lang = "en"
	}
	pub.ProductName, _ = billing.ProductName(p.code, lang)
	pub.RegionID, pub.Region = rg.id, rg.name
	if p.zonal {
		z := rg.zones[h(3)%uint64(len(rg.zones))]
		pub.ZoneID = rg.id + "-" + z
		pub.Zone = rg.zonePrefix + " 可用区" + strings.ToUpper(z)
	}
	app := tagApps[h(4)%uint64(len(tagApps))]
	env := tagEnvs[h(5)%uint64(len(tagEnvs))]
	team := tagTeams[h(6)%uint64(len(tagTeams))]
	if h(7)%100 >= 15 {
		pub.Tags = []Tag{{"env", env}, {"team", team}, {"app", app}}
		if h(7)%100 < 35 {
			pub.Tags = pub.Tags[:2]
		}
		parts := make([]string, len(pub.Tags))
		for i, t := range pub.Tags {
			parts[i] = "key:" + t.Key + " value:" + t.Value
		}
		r.tag = strings.Join(parts, "; ")
	}
	pub.ResourceGroup = groups[h(8)%uint64(len(groups))]

	suffix := strings.ToLower(alnum(h(9), h(10), 20))
	switch p.code {
	case "ecs":
		pub.ID = "i-" + suffix
	case "yundisk":
		pub.ID = "d-" + suffix
	case "rds":
		pub.ID = "rm-" + suffix
	case "redisa":
		pub.ID = "r-" + suffix
	case "slb":
		pub.ID = "lb-" + suffix
	case "eip":
		pub.ID = "eip-" + suffix
	case "nat_gw":
		pub.ID = "ngw-" + suffix
	case "oss":
		pub.ID = "cloudlens-" + app + "-" + suffix[:8]
	case "cdn":
		pub.ID = app + "-" + suffix[:6] + ".example.com"
	case "sls":
		pub.ID = app + "-logs-" + suffix[:8]
	default:
		pub.ID = p.code + "-" + suffix
	}
	pub.Name = env + "-" + app + "-" + p.code + "-" + strconv.Itoa(ri+1)

	size := int64(1)
	if p.sized {
		s := h(11) % 10 // sizes 1,2,4,8 with falling frequency
		switch {
		case s < 4:
			size = 1
		case s < 7:
			size = 2
		case s < 9:
			size = 4
		default:
			size = 8
		}
		pub.Spec = p.specs[map[int64]int{1: 0, 2: 1, 4: 2, 8: 3}[size]]
		if a.intl {
			r.config = "Specification:" + pub.Spec
		} else {
			r.config = "规格:" + pub.Spec
		}
	}

	pub.SubscriptionType = "PayAsYouGo"
	if int(h(12)%100) < p.subscriptionPct {
		pub.SubscriptionType = "Subscription"
	}
	if p.idleKind != "" && int(h(13)%100) < p.idlePct {
		pub.Idle = p.idleKind
	}
	pub.Status = "Running"
	switch {
	case pub.Idle == IdleUnattachedDisk || pub.Idle == IdleUnboundEIP:
		pub.Status = "Available"
	case p.code == "yundisk" || p.code == "eip":
		pub.Status = "In_use"
	case p.code == "oss" || p.code == "cdn" || p.code == "sls":
		pub.Status = "Normal"
	}
	ip := h(14)
	switch p.code {
	case "ecs", "slb", "eip":
		if pub.Idle != IdleECS {
			pub.InternetIP = "47." + strconv.Itoa(int(96+ip%30)) + "." + strconv.Itoa(int(ip>>8%256)) + "." + strconv.Itoa(int(1+ip>>16%254))
		}
	}
	switch p.code {
	case "ecs", "slb", "rds", "redisa":
		pub.IntranetIP = "172.16." + strconv.Itoa(int(ip>>24%256)) + "." + strconv.Itoa(int(1+ip>>32%254))
	}

	// Most resources have existed for a while; a sixth arrived in the last quarter, which
	// gives the account its slow growth.
	age := int64(90 + h(15)%630)
	if h(16)%6 == 0 {
		age = int64(h(15) % 90)
	}
	r.created = w.anchor - age
	pub.Created = dayTime(r.created)
	if day := w.releaseDay(a, ri, r); day != 0 {
		r.released = day
		pub.Released = dayTime(day)
	}

	r.items = make([]simItem, len(p.items))
	pub.BillingItems = make([]BillingItemInfo, len(p.items))
	for ii := range p.items {
		d := &p.items[ii]
		si := &r.items[ii]
		si.code, si.metered = d.code, d.metered
		si.priceMicros = d.priceMicros
		si.name, si.usageUnit = d.nameZh, d.unitZh
		currencyUnit := "元"
		if a.intl {
			si.name, si.usageUnit = d.nameEn, d.unitEn
			si.priceMicros = d.priceMicros * usdPer10kCNY / 10_000
			currencyUnit = "USD"
		}
		// An instance bills 24 hours a day whatever its size, at a price that grows with the
		// spec; capacity items (GB, LCU, traffic) grow in usage instead.
		si.baseMilli = d.baseMilli * size
		if d.unitEn == "Hour" {
			si.baseMilli = d.baseMilli
			si.priceMicros *= size
		}
		if si.metered {
			si.baseMilli = si.baseMilli * idleUsage10k(pub.Idle) / 10_000
		}
		si.subscription = !d.metered && pub.SubscriptionType == "Subscription"
		si.usage = string(appendDecimal(nil, si.baseMilli, 3, false))
		if si.subscription {
			si.usage = "1"
		}
		si.prepaidEligible = p.code == "ecs" || p.code == "rds"
		if si.subscription {
			// A month bought up front costs 30 days of pay-as-you-go at a 30 % discount.
			si.monthlyMicros = si.baseMilli * si.priceMicros / 1000 * 30 * 7 / 10
			si.listPrice = formatPrice(si.monthlyMicros)
			if a.intl {
				si.listPriceUnit = "USD/Month"
				si.productDetail = pub.ProductName + "-Subscription"
			} else {
				si.listPriceUnit = "元/月"
				si.productDetail = pub.ProductName + "-包年包月"
			}
		} else {
			si.listPrice = formatPrice(si.priceMicros)
			si.listPriceUnit = currencyUnit + "/" + si.usageUnit
			if a.intl {
				si.productDetail = pub.ProductName + "-Pay-As-You-Go"
			} else {
				si.productDetail = pub.ProductName + "-按量付费"
			}
		}
		pub.BillingItems[ii] = BillingItemInfo{Code: si.code, Name: si.name, UsageUnit: si.usageUnit, ListPrice: si.listPrice, Metered: si.metered}
	}
}

// idleUsage10k scales the metered usage of idle resources: an idle ECS or SLB still moves a
// trickle of traffic, an unbound EIP moves none (and so has no traffic line at all).
func idleUsage10k(kind string) int64 {
	switch kind {
	case IdleECS:
		return 100
	case IdleSLB:
		return 200
	case IdleUnboundEIP:
		return 0
	}
	return 10_000
}

// placeAnomalies injects three spikes per account into the 50 days before the anchor, each
// on a metered item of an in-use resource that has a fortnight of history before the spike.
func (w *World) placeAnomalies(a *simAccount) {
	n := len(a.resources)
	for k := uint64(0); k < 3; k++ {
		for try := uint64(0); try < 64; try++ {
			h := w.hash(uint64(a.idx), 0xa40a, k, try)
			day := w.anchor - 4 - int64(h%50)
			ri := int(h >> 8 % uint64(n))
			r := &a.resources[ri]
			if r.pub.Idle != "" || r.created > day-14 || len(r.anomalies) > 0 || (r.released != 0 && r.released <= day) {
				continue
			}
			item := -1
			for ii := range r.items {
				if r.items[ii].metered && r.items[ii].baseMilli > 0 {
					item = ii
					break
				}
			}
			if item < 0 {
				continue
			}
			mult := int64(50_000 + h>>16%70_000)
			dc := dayContext(day)
			var normal BillItem
			if !w.row(a, ri, item, day, day+10, &dc, &normal) {
				continue
			}
			r.anomalies = append(r.anomalies, anomaly{day: day, item: item, mult10k: mult})
			var spiked BillItem
			w.row(a, ri, item, day, day+10, &dc, &spiked)
			w.anomalies = append(w.anomalies, AnomalyLabel{
				AccountUID: a.pub.UID, Day: dayTime(day), ProductCode: r.pub.ProductCode,
				ResourceID: r.pub.ID, BillingItemCode: r.items[item].code,
				Multiplier: float64(mult) / 10_000, ExtraMicros: spiked.PretaxAmount - normal.PretaxAmount,
				Currency: a.pub.Currency,
			})
			break
		}
	}
}

// weighted picks an index of regions by weight.
func weighted(h uint64, regions []region) int {
	t := 0
	for _, r := range regions {
		t += r.weight
	}
	p := int(h % uint64(t))
	for i, r := range regions {
		if p < r.weight {
			return i
		}
		p -= r.weight
	}
	return 0
}

// mix is the splitmix64 finaliser: every bit of the output depends on every bit of the input,
// which makes chained hashes of (seed, account, resource, item, day) independent draws.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func (w *World) hash(a, b, c, d uint64) uint64 {
	return mix(mix(mix(mix(w.seed^a)^b)^c) ^ d)
}

const alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

// alnum derives n characters from two hashes (about 10 characters of entropy each).
func alnum(h1, h2 uint64, n int) string {
	b := make([]byte, n)
	for i := range b {
		if i == n/2 {
			h1 = h2
		}
		b[i] = alphabet[h1%62]
		h1 /= 62
		if h1 == 0 {
			h1 = mix(h2 + uint64(i))
		}
	}
	return string(b)
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return strings.Repeat("0", n-len(s)) + s
}

// dayNumber is the count of Asia/Shanghai calendar days since 1970-01-01.
func dayNumber(t time.Time) int64 {
	s := t.Unix() + 8*3600
	if s < 0 {
		return (s - 86399) / 86400
	}
	return s / 86400
}

// dayTime is midnight of day n in Asia/Shanghai.
func dayTime(n int64) time.Time { return time.Unix(n*86400-8*3600, 0).In(billing.Shanghai) }

// formatPrice renders a list price with six decimals, the API's style ("0.520000").
func formatPrice(micros int64) string { return string(appendDecimal(nil, micros, 6, true)) }
