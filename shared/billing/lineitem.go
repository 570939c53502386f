package billing

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// FOCUS 1.2 ChargeCategory values.
const (
	ChargeUsage      = "Usage"
	ChargePurchase   = "Purchase"
	ChargeCredit     = "Credit"
	ChargeAdjustment = "Adjustment"
	ChargeTax        = "Tax"
)

// FOCUS 1.2 ChargeFrequency values.
const (
	FrequencyOneTime    = "One-Time"
	FrequencyRecurring  = "Recurring"
	FrequencyUsageBased = "Usage-Based"
)

// Key is the natural key of a line item: the first 16 bytes of a SHA-256 over the
// fields that identify an upstream item (see itemKey). It is the unique index the store
// upserts on, so re-fetching an open billing day replaces rows instead of adding them.
type Key [16]byte

// String is the key in lower-case hex (32 characters).
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// LineItem is one day of one charge with FOCUS 1.2 column semantics. Money is exact
// (micro-units) and in Currency.
type LineItem struct {
	Key                Key
	AccountID          int64  // CloudLens account id
	BillingAccountID   string // Alibaba uid of the account the bill belongs to (payer)
	BillingAccountName string
	SubAccountID       string // Alibaba uid owning the resource
	SubAccountName     string
	ChargeDate         string // YYYY-MM-DD in the billing time zone (Asia/Shanghai)
	BillingPeriod      string // YYYY-MM
	WeekStart          string // YYYY-MM-DD, the Monday of ChargeDate's week
	ServiceName        string
	ServiceCode        string // Alibaba product code
	ServiceCategory    string // FOCUS category: Compute, Storage, Databases, Networking…
	ProductType        string
	ChargeCategory     string // Usage, Purchase, Credit, Adjustment, Tax
	ChargeFrequency    string // One-Time, Recurring, Usage-Based
	ResourceID         string
	ResourceName       string
	RegionID           string // empty when the bill's region name is unknown
	RegionName         string // as the bill showed it
	Zone               string

	ListCost             money.Micros // PretaxGrossAmount: before discounts
	BilledCost           money.Micros // PretaxAmount: after discounts and coupons, before tax
	EffectiveCost        money.Micros
	InvoiceDiscount      money.Micros
	CouponDeduction      money.Micros
	CashCouponDeduction  money.Micros
	PrepaidCardDeduction money.Micros
	// DeductedByResourcePackage: what resource plans covered.
	ResourcePackageDeduction money.Micros
	AdjustAmount             money.Micros // credit refunds applied
	PaymentAmount            money.Micros // paid (cash and credit)
	CashAmount               money.Micros // paid in cash
	OutstandingAmount        money.Micros // not yet settled

	PricingQuantity  string // decimal as billed (Usage), kept as text to stay exact
	PricingUnit      string
	SubscriptionType string // Subscription or PayAsYouGo
	BillingItem      string // billing item code (BillingItemCode)
	BillingItemName  string // billing item display name (BillingItem)
	ResourceGroup    string
	CostUnit         string
	Currency         string
	Tags             []Tag

	ListPrice         string // unit list price as billed (text: the API sends a string)
	ListPriceUnit     string
	InstanceSpec      string // e.g. ecs.g7.large; may lag the bill by 48 hours
	InstanceConfig    string
	ServicePeriod     string // how long the charge pays for, in ServicePeriodUnit
	ServicePeriodUnit string

	// RoundedAmounts counts amounts of the item that had digits below the micro-unit.
	RoundedAmounts int
	// identity is the key before DayKeys tells apart items that share it.
	identity Key
}

// Normalize turns one raw item into a line item for the CloudLens account accountID.
// Problems with the item are errs.Invalid with the reason; the caller records the item
// as rejected and ingests the rest.
func Normalize(accountID int64, raw RawItem) (LineItem, error) {
	t := func(v Text) string { return strings.TrimSpace(string(v)) }
	li := LineItem{
		AccountID:          accountID,
		BillingAccountID:   t(raw.BillAccountID),
		BillingAccountName: string(raw.BillAccountName),
		SubAccountID:       t(raw.OwnerID),
		ServiceName:        string(raw.ProductName),
		ServiceCode:        t(raw.ProductCode),
		ProductType:        t(raw.ProductType),
		ResourceID:         t(raw.InstanceID),
		ResourceName:       string(raw.NickName),
		RegionName:         t(raw.Region),
		PricingUnit:        string(raw.UsageUnit),
		SubscriptionType:   t(raw.SubscriptionType),
		BillingItem:        t(raw.BillingItemCode),
		BillingItemName:    string(raw.BillingItem),
		ResourceGroup:      string(raw.ResourceGroup),
		CostUnit:           string(raw.CostUnit),
		Currency:           strings.ToUpper(t(raw.Currency)),
		ListPrice:          t(raw.ListPrice),
		ListPriceUnit:      t(raw.ListPriceUnit),
		InstanceSpec:       t(raw.InstanceSpec),
		InstanceConfig:     string(raw.InstanceConfig),
		ServicePeriod:      t(raw.ServicePeriod),
		ServicePeriodUnit:  t(raw.ServicePeriodUnit),
	}
	if li.ResourceID == "" {
		li.ResourceID = t(raw.InstanceId)
	}
	// DescribeInstanceBill documents no name for the resource owner (OwnerID), only for the
	// account the bill belongs to: the name is known when the two are the same account.
	if li.SubAccountID == "" || li.SubAccountID == li.BillingAccountID {
		li.SubAccountName = li.BillingAccountName
	}

	day, err := time.Parse(time.DateOnly, t(raw.BillingDate))
	if err != nil {
		return LineItem{}, errs.Invalid("billing date %q is not YYYY-MM-DD (daily granularity is required)", errs.Clip(string(raw.BillingDate), 40))
	}
	li.ChargeDate = day.Format(time.DateOnly)
	li.BillingPeriod = day.Format("2006-01")
	li.WeekStart = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)).Format(time.DateOnly)

	if li.ServiceCode == "" {
		return LineItem{}, errs.Invalid("product code is missing")
	}
	if !isCurrency(li.Currency) {
		return LineItem{}, errs.Invalid("currency %q is not a three-letter code", errs.Clip(string(raw.Currency), 40))
	}

	for _, f := range []struct {
		name string
		in   string
		out  *money.Micros
	}{
		{"PretaxGrossAmount", string(raw.PretaxGrossAmount), &li.ListCost},
		{"PretaxAmount", string(raw.PretaxAmount), &li.BilledCost},
		{"InvoiceDiscount", string(raw.InvoiceDiscount), &li.InvoiceDiscount},
		{"DeductedByCoupons", string(raw.DeductedByCoupons), &li.CouponDeduction},
		{"DeductedByCashCoupons", string(raw.DeductedByCashCoupons), &li.CashCouponDeduction},
		{"DeductedByPrepaidCard", string(raw.DeductedByPrepaidCard), &li.PrepaidCardDeduction},
		{"DeductedByResourcePackage", string(raw.DeductedByResourcePackage), &li.ResourcePackageDeduction},
		{"AdjustAmount", string(raw.AdjustAmount), &li.AdjustAmount},
		{"PaymentAmount", string(raw.PaymentAmount), &li.PaymentAmount},
		{"CashAmount", string(raw.CashAmount), &li.CashAmount},
		{"OutstandingAmount", string(raw.OutstandingAmount), &li.OutstandingAmount},
	} {
		v, rounded, err := parseAmount(f.in)
		if err != nil {
			return LineItem{}, errs.Wrap(errs.KindInvalid, err, "%s %q is not an amount", f.name, errs.Clip(f.in, 40))
		}
		*f.out = v
		if rounded {
			li.RoundedAmounts++
		}
	}

	if q := t(raw.Usage); q != "" {
		if !isDecimal(q) {
			return LineItem{}, errs.Invalid("usage %q is not a decimal quantity", errs.Clip(q, 40))
		}
		li.PricingQuantity = q
	}

	li.ChargeCategory, li.ChargeFrequency, err = chargeCategory(string(raw.Item), li.SubscriptionType, li.BilledCost)
	if err != nil {
		return LineItem{}, err
	}
	li.ServiceCategory = serviceCategory(li.ServiceCode, li.ProductType)
	// The effective cost of a charge spent on its day is what was billed; an upfront
	// purchase (or its refund) is spread over its term by the store (Amortize), so on its
	// billing day it is 0, as FOCUS has it for amortised purchases.
	li.EffectiveCost = li.BilledCost
	if li.AmortizationTerm() > 1 {
		li.EffectiveCost = 0
	}

	if id, ok := RegionID(li.RegionName); ok {
		li.RegionID = id
	}
	li.Zone = zoneID(string(raw.Zone), li.RegionID)

	if li.Tags, err = ParseTags(string(raw.Tag)); err != nil {
		return LineItem{}, err
	}
	li.identity = identityKey(accountID, li, raw)
	li.Key = li.identity
	return li, nil
}

// AmortizationTerm is the number of days the charge pays for (Term).
func (li *LineItem) AmortizationTerm() int {
	return Term(li.ChargeDate, li.SubscriptionType, li.ChargeCategory, li.ServicePeriod, li.ServicePeriodUnit)
}

// parseAmount reads an amount field: "" (and the "NULL" BSS writes for an empty string
// amount) is zero; thousands separators are dropped; digits below the micro-unit are
// rounded half to even, and rounded says so.
func parseAmount(s string) (money.Micros, bool, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	if s == "" || strings.EqualFold(s, "null") {
		return 0, false, nil
	}
	return money.ParseRounded(s)
}

// chargeCategory derives the FOCUS category from Alibaba's bill type (Item) and, when
// that is absent or new, from the subscription type. Subscription orders are paid up
// front for a period, so they are one-time purchases; pay-as-you-go bills are usage.
func chargeCategory(item, subscription string, billed money.Micros) (category, frequency string, err error) {
	switch strings.ToLower(strings.TrimSpace(item)) {
	case "refund":
		return ChargeCredit, FrequencyOneTime, nil
	case "adjustment":
		return ChargeAdjustment, FrequencyOneTime, nil
	case "tax":
		return ChargeTax, FrequencyOneTime, nil
	case "subscriptionorder":
		return ChargePurchase, FrequencyOneTime, nil
	case "payasyougobill":
		return ChargeUsage, FrequencyUsageBased, nil
	}
	// A negative amount with no bill type can only be money given back.
	if billed < 0 {
		return ChargeCredit, FrequencyOneTime, nil
	}
	switch strings.ToLower(subscription) {
	case "subscription":
		return ChargePurchase, FrequencyOneTime, nil
	case "payasyougo":
		return ChargeUsage, FrequencyUsageBased, nil
	}
	return "", "", errs.Invalid("cannot tell the charge category: bill type %q, subscription type %q", errs.Clip(item, 40), errs.Clip(subscription, 40))
}

// identityKey hashes what identifies an upstream item, each field length-prefixed so
// that no two field lists hash alike. Chosen so that the same item always maps to the
// same key: only identifiers are hashed, never amounts, quantities, names, tags, spec,
// service period, resource group or cost unit, which change while a day is still open,
// when a resource is re-tagged or moved, or (spec and config) up to 48 hours late.
//
// DescribeInstanceBill with IsBillingItem returns one row per (payer, owner, product,
// product type, commodity, pip code, subscription type, bill type, instance, billing
// item, split item, region, zone, currency) and day, with one exception: it has no order
// number (RecordID is a field of other BSS operations, hashed when present), so two
// subscription orders of one instance on one day (a renewal and an upgrade) share every
// identifying field. Those differ only in what is not an identity (amounts, service
// period, spec); DayKeys tells them apart by their order within the day's answer.
//
// The region is hashed as its id when known, so "杭州" and "华东1（杭州）" agree.
func identityKey(accountID int64, li LineItem, raw RawItem) Key {
	h := sha256.New()
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(accountID))
	h.Write(buf[:])
	region := li.RegionID
	if region == "" {
		region = li.RegionName
	}
	record := ""
	switch strings.ToLower(strings.TrimSpace(string(raw.Item))) {
	case "subscriptionorder", "refund", "adjustment":
		record = strings.TrimSpace(string(raw.RecordID))
	}
	for _, s := range []string{
		li.ChargeDate, li.BillingAccountID, li.SubAccountID, li.ServiceCode, li.ProductType,
		strings.TrimSpace(string(raw.CommodityCode)), strings.TrimSpace(string(raw.PipCode)), li.SubscriptionType,
		strings.ToLower(strings.TrimSpace(string(raw.Item))), li.ResourceID, li.BillingItem,
		strings.TrimSpace(string(raw.SplitItemID)), region, li.Zone, li.Currency, record,
	} {
		binary.BigEndian.PutUint32(buf[:4], uint32(len(s)))
		h.Write(buf[:4])
		h.Write([]byte(s))
	}
	var k Key
	copy(k[:], h.Sum(nil))
	return k
}

// nthKey is the key of the n-th (0-based) item of one day sharing identity id. The first
// keeps id itself, so keys stored before twins were told apart stay the same.
func nthKey(id Key, n int) Key {
	if n == 0 {
		return id
	}
	h := sha256.New()
	h.Write(id[:])
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(n))
	h.Write(buf[:])
	var k Key
	copy(k[:], h.Sum(nil))
	return k
}

func isCurrency(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// isDecimal accepts what strconv.ParseFloat would, minus NaN/Inf and hex, without
// converting: quantities keep their text.
func isDecimal(s string) bool {
	if len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return false
		}
	}
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
}

// Rejection is a raw item Normalize refused, with why.
type Rejection struct {
	Index int // position in the input slice
	Err   error
}

// Batch is the outcome of normalising one page of items.
type Batch struct {
	Items []LineItem
	// Positions[i] is the position of Items[i] in the input slice.
	Positions      []int
	Rejected       []Rejection
	UnknownRegions map[string]int // region names with no known id, with their counts
	// Twins counts items kept under an ordinal key: they share every identifying field
	// with an earlier item of the day but are a different charge (see DayKeys).
	Twins int
	// Duplicates are the positions of items identical to an earlier item of the day: the
	// same charge delivered twice, counted and left out rather than stored twice.
	Duplicates []int
	// Rounded counts amounts that had digits below the micro-unit.
	Rounded int
}

// DayKeys gives the items of one day's answer their final keys across its pages. Items
// with the same identity are told apart by their order within the answer, which stays the
// same when the day is fetched again, so re-syncs keep updating the same rows. An item
// identical to an earlier one of the same identity is the same charge twice, not a twin.
// The zero value is not ready: use NewDayKeys.
type DayKeys struct {
	seen map[Key][]*dayEntry // identity → the items kept under it, in answer order
}

// dayEntry is one kept item; its fingerprint is taken only if its identity repeats.
type dayEntry struct {
	fp   []byte
	take func() []byte
}

func (e *dayEntry) fingerprint() []byte {
	if e.take != nil {
		e.fp, e.take = e.take(), nil
	}
	return e.fp
}

// NewDayKeys starts the keys of one day.
func NewDayKeys() *DayKeys { return &DayKeys{seen: make(map[Key][]*dayEntry)} }

// assign sets li.Key from its identity and the items of the day before it. fingerprint
// returns what makes the item itself (its bytes as received). dup reports the same charge
// repeated; twin an item kept under an ordinal key.
func (d *DayKeys) assign(li *LineItem, fingerprint func() []byte) (twin, dup bool) {
	prev := d.seen[li.identity]
	e := &dayEntry{take: fingerprint}
	if len(prev) > 0 {
		fp := e.fingerprint()
		for _, p := range prev {
			if bytes.Equal(p.fingerprint(), fp) {
				return false, true
			}
		}
	}
	d.seen[li.identity] = append(prev, e)
	li.Key = nthKey(li.identity, len(prev))
	return len(prev) > 0, false
}

// NormalizeAll normalises raws as one day's whole answer; see NormalizePage.
func NormalizeAll(accountID int64, raws []RawItem) Batch {
	return NormalizePage(accountID, raws, nil, NewDayKeys())
}

// NormalizePage normalises one page of a day's answer, keeping going past bad items, and
// counts what an operator should see: rejected items, unknown region names, twins,
// duplicates and rounded amounts. bodies, when not nil, are the items' JSON as received
// (bodies[i] is raws[i]); keys carries the day's keys from page to page.
func NormalizePage(accountID int64, raws []RawItem, bodies []json.RawMessage, keys *DayKeys) Batch {
	b := Batch{Items: make([]LineItem, 0, len(raws))}
	for i := range raws {
		li, err := Normalize(accountID, raws[i])
		if err != nil {
			b.Rejected = append(b.Rejected, Rejection{Index: i, Err: err})
			continue
		}
		fingerprint := func() []byte {
			if bodies != nil {
				return bodies[i]
			}
			fp, _ := json.Marshal(&raws[i])
			return fp
		}
		twin, dup := keys.assign(&li, fingerprint)
		if dup {
			b.Duplicates = append(b.Duplicates, i)
			continue
		}
		if twin {
			b.Twins++
		}
		if li.RegionID == "" && li.RegionName != "" {
			if b.UnknownRegions == nil {
				b.UnknownRegions = make(map[string]int)
			}
			b.UnknownRegions[li.RegionName]++
		}
		b.Rounded += li.RoundedAmounts
		b.Items = append(b.Items, li)
		b.Positions = append(b.Positions, i)
	}
	return b
}
