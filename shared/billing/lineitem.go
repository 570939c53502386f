package billing

import (
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

	PricingQuantity  string // decimal as billed (Usage), kept as text to stay exact
	PricingUnit      string
	SubscriptionType string // Subscription or PayAsYouGo
	BillingItem      string // billing item code (BillingItemCode)
	BillingItemName  string // billing item display name (BillingItem)
	ResourceGroup    string
	CostUnit         string
	Currency         string
	Tags             []Tag
}

// Normalize turns one raw item into a line item for the CloudLens account accountID.
// Problems with the item are errs.Invalid with the reason; the caller records the item
// as rejected and ingests the rest.
func Normalize(accountID int64, raw RawItem) (LineItem, error) {
	li := LineItem{
		AccountID:          accountID,
		BillingAccountID:   strings.TrimSpace(raw.BillAccountID),
		BillingAccountName: raw.BillAccountName,
		SubAccountID:       strings.TrimSpace(raw.OwnerID),
		SubAccountName:     raw.OwnerName,
		ServiceName:        raw.ProductName,
		ServiceCode:        strings.TrimSpace(raw.ProductCode),
		ProductType:        strings.TrimSpace(raw.ProductType),
		ResourceID:         strings.TrimSpace(raw.InstanceID),
		ResourceName:       raw.NickName,
		RegionName:         strings.TrimSpace(raw.Region),
		PricingUnit:        raw.UsageUnit,
		SubscriptionType:   strings.TrimSpace(raw.SubscriptionType),
		BillingItem:        strings.TrimSpace(raw.BillingItemCode),
		BillingItemName:    raw.BillingItem,
		ResourceGroup:      raw.ResourceGroup,
		CostUnit:           raw.CostUnit,
		Currency:           strings.ToUpper(strings.TrimSpace(raw.Currency)),
	}
	if li.ResourceID == "" {
		li.ResourceID = strings.TrimSpace(raw.InstanceId)
	}

	day, err := time.Parse(time.DateOnly, strings.TrimSpace(raw.BillingDate))
	if err != nil {
		return LineItem{}, errs.Invalid("billing date %q is not YYYY-MM-DD (daily granularity is required)", errs.Clip(raw.BillingDate, 40))
	}
	li.ChargeDate = day.Format(time.DateOnly)
	li.BillingPeriod = day.Format("2006-01")
	li.WeekStart = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7)).Format(time.DateOnly)

	if li.ServiceCode == "" {
		return LineItem{}, errs.Invalid("product code is missing")
	}
	if !isCurrency(li.Currency) {
		return LineItem{}, errs.Invalid("currency %q is not a three-letter code", errs.Clip(raw.Currency, 40))
	}

	for _, f := range []struct {
		name string
		in   json.Number
		out  *money.Micros
	}{
		{"PretaxGrossAmount", raw.PretaxGrossAmount, &li.ListCost},
		{"PretaxAmount", raw.PretaxAmount, &li.BilledCost},
		{"InvoiceDiscount", raw.InvoiceDiscount, &li.InvoiceDiscount},
		{"DeductedByCoupons", raw.DeductedByCoupons, &li.CouponDeduction},
		{"DeductedByCashCoupons", raw.DeductedByCashCoupons, &li.CashCouponDeduction},
		{"DeductedByPrepaidCard", raw.DeductedByPrepaidCard, &li.PrepaidCardDeduction},
	} {
		if f.in == "" {
			continue
		}
		v, err := money.Parse(string(f.in))
		if err != nil {
			return LineItem{}, errs.Wrap(errs.KindInvalid, err, "%s %q is not an exact amount", f.name, errs.Clip(string(f.in), 40))
		}
		*f.out = v
	}
	// Without amortisation data the effective cost of a day is what was billed for it.
	li.EffectiveCost = li.BilledCost

	if q := strings.TrimSpace(raw.Usage); q != "" {
		if !isDecimal(q) {
			return LineItem{}, errs.Invalid("usage %q is not a decimal quantity", errs.Clip(q, 40))
		}
		li.PricingQuantity = q
	}

	li.ChargeCategory, li.ChargeFrequency, err = chargeCategory(raw.Item, li.SubscriptionType, li.BilledCost)
	if err != nil {
		return LineItem{}, err
	}
	li.ServiceCategory = serviceCategory(li.ServiceCode, li.ProductType)

	if id, ok := RegionID(li.RegionName); ok {
		li.RegionID = id
	}
	li.Zone = zoneID(raw.Zone, li.RegionID)

	if li.Tags, err = ParseTags(raw.Tag); err != nil {
		return LineItem{}, err
	}
	li.Key = itemKey(accountID, li, raw)
	return li, nil
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

// itemKey hashes what identifies an upstream item, each field length-prefixed so that
// no two field lists hash alike. Chosen so that:
//   - the same item always maps to the same key: only identifiers are hashed, never
//     amounts, quantities, names, tags, resource group or cost unit, which change while
//     a day is still open or when a resource is re-tagged or moved;
//   - two different items of one day never collide: DescribeInstanceBill with
//     IsBillingItem returns one row per (payer, owner, product, product type, commodity,
//     pip code, subscription type, bill type, instance, billing item, split item,
//     region, zone, currency) and day; orders, refunds and adjustments of the same
//     instance on the same day are told apart by their RecordID (the order number),
//     which pay-as-you-go rows do not use as an identity because it is regenerated
//     with the daily bill.
//
// The region is hashed as its id when known, so "杭州" and "华东1（杭州）" agree.
func itemKey(accountID int64, li LineItem, raw RawItem) Key {
	h := sha256.New()
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(accountID))
	h.Write(buf[:])
	region := li.RegionID
	if region == "" {
		region = li.RegionName
	}
	record := ""
	switch strings.ToLower(strings.TrimSpace(raw.Item)) {
	case "subscriptionorder", "refund", "adjustment":
		record = strings.TrimSpace(raw.RecordID)
	}
	for _, s := range []string{
		li.ChargeDate, li.BillingAccountID, li.SubAccountID, li.ServiceCode, li.ProductType,
		strings.TrimSpace(raw.CommodityCode), strings.TrimSpace(raw.PipCode), li.SubscriptionType,
		strings.ToLower(strings.TrimSpace(raw.Item)), li.ResourceID, li.BillingItem,
		strings.TrimSpace(raw.SplitItemID), region, li.Zone, li.Currency, record,
	} {
		binary.BigEndian.PutUint32(buf[:4], uint32(len(s)))
		h.Write(buf[:4])
		h.Write([]byte(s))
	}
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
	Items          []LineItem
	Rejected       []Rejection
	UnknownRegions map[string]int // region names with no known id, with their counts
	DuplicateKeys  int            // items whose key repeated an earlier item of the batch
}

// NormalizeAll normalises raws, keeping going past bad items, and counts what an
// operator should see: rejected items, unknown region names and repeated keys.
func NormalizeAll(accountID int64, raws []RawItem) Batch {
	b := Batch{Items: make([]LineItem, 0, len(raws))}
	seen := make(map[Key]struct{}, len(raws))
	for i, raw := range raws {
		li, err := Normalize(accountID, raw)
		if err != nil {
			b.Rejected = append(b.Rejected, Rejection{Index: i, Err: err})
			continue
		}
		if li.RegionID == "" && li.RegionName != "" {
			if b.UnknownRegions == nil {
				b.UnknownRegions = make(map[string]int)
			}
			b.UnknownRegions[li.RegionName]++
		}
		if _, dup := seen[li.Key]; dup {
			b.DuplicateKeys++
		}
		seen[li.Key] = struct{}{}
		b.Items = append(b.Items, li)
	}
	return b
}
