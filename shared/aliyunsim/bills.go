package aliyunsim

import (
	"strconv"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
)

// BillItem is one row of DescribeInstanceBill: the fields of the SDK's bssopenapi.Item that
// the operation fills. Amounts are micro-units of Currency (always whole cents, as the API
// has them) and render as JSON numbers with at most two decimals.
type BillItem struct {
	BillingDate       string // YYYY-MM-DD; empty in MONTHLY rows
	InstanceID        string
	InstanceConfig    string
	InstanceSpec      string
	InternetIP        string
	IntranetIP        string
	NickName          string
	Tag               string // "key:env value:prod; key:team value:data"
	ResourceGroup     string
	CostUnit          string
	ProductCode       string
	ProductName       string
	ProductType       string
	ProductDetail     string
	CommodityCode     string
	PipCode           string
	SubscriptionType  string // Subscription or PayAsYouGo
	Item              string // SubscriptionOrder or PayAsYouGoBill
	BillingType       string
	BizType           string
	BillingItem       string // empty in per-instance rows
	BillingItemCode   string
	ListPrice         string
	ListPriceUnit     string
	Usage             string
	UsageUnit         string
	ServicePeriod     string
	ServicePeriodUnit string
	Region            string
	Zone              string
	Currency          string
	OwnerID           string
	BillAccountID     string
	BillAccountName   string

	PretaxGrossAmount     int64
	InvoiceDiscount       int64
	AfterDiscountAmount   int64 // PretaxGrossAmount - InvoiceDiscount
	DeductedByCoupons     int64
	PretaxAmount          int64 // AfterDiscountAmount - DeductedByCoupons
	DeductedByCashCoupons int64
	DeductedByPrepaidCard int64
	PaymentAmount         int64 // PretaxAmount - cash coupons - prepaid card - outstanding
	CashAmount            int64
	OutstandingAmount     int64
	AdjustAmount          int64

	usageMilli int64
}

type dayCtx struct {
	day     int64
	date    string
	dim     int64 // days in the month
	week10k int64 // weekly seasonality of metered usage
}

// Weekly seasonality, Sunday first: business traffic dips at the weekend.
var week10k = [7]int64{7200, 10000, 10300, 10400, 10200, 9800, 7800}

func dayContext(day int64) dayCtx {
	t := dayTime(day)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, billing.Shanghai)
	dim := int64(first.AddDate(0, 1, 0).Sub(first).Hours() / 24)
	return dayCtx{day: day, date: t.Format("2006-01-02"), dim: dim, week10k: week10k[t.Weekday()]}
}

func roundCents(micros int64) int64 { return (micros + 5_000) / 10_000 * 10_000 }

func floorCents(micros int64) int64 { return micros / 10_000 * 10_000 }

// row computes one billing-item row of resource ri on day as the API shows it at asOf (both
// day numbers) and reports whether the row exists. Days one and two before asOf are
// provisional: metered usage is still accruing, some rows have not arrived yet and a few rows
// appear that the final bill will not keep. From day+3 on, the row is final.
func (w *World) row(a *simAccount, ri, ii int, day, asOf int64, dc *dayCtx, it *BillItem) bool {
	r := &a.resources[ri]
	si := &r.items[ii]
	lag := asOf - day
	h := w.hash(uint64(a.idx), uint64(ri), uint64(ii), uint64(day))
	var usage, gross int64
	switch {
	case si.subscription:
		usage = 1000
		gross = roundCents(si.monthlyMicros / dc.dim)
	case !si.metered:
		usage = si.baseMilli
		gross = roundCents(usage * si.priceMicros / 1000)
	default:
		p := h % 100
		if p < 2 && lag >= 3 {
			return false // reclassified by the final bill
		}
		if (lag == 1 && p >= 2 && p < 5) || (lag == 2 && p == 2) {
			return false // arrives late
		}
		u := si.baseMilli * dc.week10k / 10_000
		u = u * (10_000 + 2*(day-r.created)) / 10_000
		u = u * int64(8_800+h>>48%2_400) / 10_000
		for _, an := range r.anomalies {
			if an.day == day && an.item == ii {
				u = u * an.mult10k / 10_000
			}
		}
		switch lag {
		case 1:
			u = u * int64(8_500+h>>40%1_200) / 10_000
		case 2:
			u = u * int64(9_600+h>>40%400) / 10_000
		}
		if u <= 0 {
			return false
		}
		usage = u
		gross = roundCents(u * si.priceMicros / 1000)
	}

	invoice := floorCents(gross * a.invoice10k[r.prod] / 10_000)
	after := gross - invoice
	var coupon, cash, prepaid int64
	if h>>8%100 < 4 {
		coupon = floorCents(after * int64(1_000+h>>16%4_000) / 10_000)
	}
	pretax := after - coupon
	if a.cashCoupon && h>>24%100 < 6 {
		cash = floorCents(pretax * 3 / 10)
	}
	if si.prepaidEligible && h>>32%100 < 5 {
		prepaid = floorCents((pretax - cash) / 5)
	}
	payment := pretax - cash - prepaid

	p := &catalog[r.prod]
	*it = BillItem{
		BillingDate:       dc.date,
		InstanceID:        r.pub.ID,
		InstanceConfig:    r.config,
		InstanceSpec:      r.pub.Spec,
		InternetIP:        r.pub.InternetIP,
		IntranetIP:        r.pub.IntranetIP,
		NickName:          r.pub.Name,
		Tag:               r.tag,
		ResourceGroup:     r.pub.ResourceGroup,
		CostUnit:          a.costUnit,
		ProductCode:       p.code,
		ProductName:       r.pub.ProductName,
		ProductType:       p.productType,
		ProductDetail:     si.productDetail,
		CommodityCode:     p.commodityCode,
		PipCode:           p.pipCode,
		SubscriptionType:  "PayAsYouGo",
		Item:              "PayAsYouGoBill",
		BillingItem:       si.name,
		BillingItemCode:   si.code,
		ListPrice:         si.listPrice,
		ListPriceUnit:     si.listPriceUnit,
		UsageUnit:         si.usageUnit,
		ServicePeriod:     "86400",
		ServicePeriodUnit: "秒",
		Region:            r.pub.Region,
		Zone:              r.pub.Zone,
		Currency:          a.pub.Currency,
		OwnerID:           a.pub.UID,
		BillAccountID:     a.pub.UID,
		BillAccountName:   a.pub.Name,

		PretaxGrossAmount:     gross,
		InvoiceDiscount:       invoice,
		AfterDiscountAmount:   after,
		DeductedByCoupons:     coupon,
		PretaxAmount:          pretax,
		DeductedByCashCoupons: cash,
		DeductedByPrepaidCard: prepaid,
		PaymentAmount:         payment,
		CashAmount:            payment,
		usageMilli:            usage,
	}
	if si.subscription {
		it.SubscriptionType, it.Item = "Subscription", "SubscriptionOrder"
		it.ServicePeriod, it.ServicePeriodUnit = "1", "天"
		it.UsageUnit = "天"
	}
	if a.intl {
		it.ServicePeriodUnit = "Second"
		if si.subscription {
			it.ServicePeriodUnit, it.UsageUnit = "Day", "Day"
		}
	}
	if si.metered {
		var buf [24]byte
		it.Usage = string(appendDecimal(buf[:0], usage, 3, false))
	} else {
		it.Usage = si.usage
	}
	return true
}

// eachRow streams the billing-item rows of account a for the days [from, to] as seen at
// asOf (day numbers), in a stable order: day, resource, billing item. fn gets a pointer to a
// reused row; it returns false to stop, and eachRow then returns false.
func (w *World) eachRow(a *simAccount, from, to, asOf int64, fn func(*BillItem) bool) bool {
	if to >= asOf {
		to = asOf - 1 // bills exist up to yesterday
	}
	var it BillItem
	for day := from; day <= to; day++ {
		dc := dayContext(day)
		for ri := range a.resources {
			r := &a.resources[ri]
			if day < r.created || (r.released != 0 && day >= r.released) {
				continue
			}
			for ii := range r.items {
				if w.row(a, ri, ii, day, asOf, &dc, &it) && !fn(&it) {
					return false
				}
			}
		}
	}
	return true
}

// EachBillItem streams the billing-item rows of account uid for the calendar days from..to
// (inclusive, Asia/Shanghai) as the API would return them at asOf. It stops when fn returns
// false. Days on or after asOf's day have no bill yet. Unknown accounts yield nothing.
func (w *World) EachBillItem(uid string, from, to, asOf time.Time, fn func(BillItem) bool) {
	a := w.account(uid)
	if a == nil {
		return
	}
	w.eachRow(a, dayNumber(from), dayNumber(to), dayNumber(asOf), func(it *BillItem) bool { return fn(*it) })
}

// BillItems is the ground truth: the billing-item-level bill of account uid for one day as
// the API returns it when asked at asOf (provisional values included when asOf is within two
// days of day).
func (w *World) BillItems(uid string, day time.Time, asOf time.Time) []BillItem {
	var out []BillItem
	w.EachBillItem(uid, day, day, asOf, func(it BillItem) bool {
		out = append(out, it)
		return true
	})
	return out
}

// DayTotals sums PretaxAmount per product code for account uid on day, as seen at asOf.
func (w *World) DayTotals(uid string, day time.Time, asOf time.Time) map[string]int64 {
	out := make(map[string]int64)
	a := w.account(uid)
	if a == nil {
		return out
	}
	d := dayNumber(day)
	w.eachRow(a, d, d, dayNumber(asOf), func(it *BillItem) bool {
		out[it.ProductCode] += it.PretaxAmount
		return true
	})
	return out
}

// appendDecimal appends v / 10^scale in decimal. Trailing fractional zeros are trimmed
// unless keep is set; money (scale 6, whole cents) thus renders as "12.34", "12.3" or "12".
func appendDecimal(dst []byte, v int64, scale int, keep bool) []byte {
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	var pow int64 = 1
	for i := 0; i < scale; i++ {
		pow *= 10
	}
	dst = strconv.AppendInt(dst, v/pow, 10)
	frac := v % pow
	if frac == 0 && !keep {
		return dst
	}
	var buf [18]byte
	n := scale
	for i := scale - 1; i >= 0; i-- {
		buf[i] = byte('0' + frac%10)
		frac /= 10
	}
	if !keep {
		for n > 0 && buf[n-1] == '0' {
			n--
		}
	}
	dst = append(dst, '.')
	return append(dst, buf[:n]...)
}

// appendJSONString appends s as a JSON string. Only quotes, backslashes and control
// characters need escaping; everything else, Chinese included, passes as UTF-8.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

func appendStr(dst []byte, name, v string) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	return appendJSONString(dst, v)
}

func appendMoney(dst []byte, name string, micros int64) []byte {
	dst = append(dst, ',', '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	return appendDecimal(dst, micros, 6, false)
}

// AppendJSON appends the row as the API renders one element of Data.Items.
func (it *BillItem) AppendJSON(dst []byte) []byte {
	dst = append(dst, `{"BillingDate":`...)
	dst = appendJSONString(dst, it.BillingDate)
	dst = appendStr(dst, "InstanceID", it.InstanceID)
	dst = appendStr(dst, "InstanceConfig", it.InstanceConfig)
	dst = appendStr(dst, "InstanceSpec", it.InstanceSpec)
	dst = appendStr(dst, "InternetIP", it.InternetIP)
	dst = appendStr(dst, "IntranetIP", it.IntranetIP)
	dst = appendStr(dst, "NickName", it.NickName)
	dst = appendStr(dst, "Tag", it.Tag)
	dst = appendStr(dst, "ResourceGroup", it.ResourceGroup)
	dst = appendStr(dst, "CostUnit", it.CostUnit)
	dst = appendStr(dst, "ProductCode", it.ProductCode)
	dst = appendStr(dst, "ProductName", it.ProductName)
	dst = appendStr(dst, "ProductType", it.ProductType)
	dst = appendStr(dst, "ProductDetail", it.ProductDetail)
	dst = appendStr(dst, "CommodityCode", it.CommodityCode)
	dst = appendStr(dst, "PipCode", it.PipCode)
	dst = appendStr(dst, "SubscriptionType", it.SubscriptionType)
	dst = appendStr(dst, "Item", it.Item)
	dst = appendStr(dst, "BillingType", it.BillingType)
	dst = appendStr(dst, "BizType", it.BizType)
	dst = appendStr(dst, "BillingItem", it.BillingItem)
	dst = appendStr(dst, "BillingItemCode", it.BillingItemCode)
	dst = appendStr(dst, "ListPrice", it.ListPrice)
	dst = appendStr(dst, "ListPriceUnit", it.ListPriceUnit)
	dst = appendStr(dst, "Usage", it.Usage)
	dst = appendStr(dst, "UsageUnit", it.UsageUnit)
	dst = appendStr(dst, "ServicePeriod", it.ServicePeriod)
	dst = appendStr(dst, "ServicePeriodUnit", it.ServicePeriodUnit)
	dst = appendStr(dst, "Region", it.Region)
	dst = appendStr(dst, "Zone", it.Zone)
	dst = appendStr(dst, "Currency", it.Currency)
	dst = appendStr(dst, "OwnerID", it.OwnerID)
	dst = appendStr(dst, "BillAccountID", it.BillAccountID)
	dst = appendStr(dst, "BillAccountName", it.BillAccountName)
	dst = appendStr(dst, "DeductedByResourcePackage", "0")
	dst = appendMoney(dst, "PretaxGrossAmount", it.PretaxGrossAmount)
	dst = appendMoney(dst, "InvoiceDiscount", it.InvoiceDiscount)
	dst = appendMoney(dst, "AfterDiscountAmount", it.AfterDiscountAmount)
	dst = appendMoney(dst, "DeductedByCoupons", it.DeductedByCoupons)
	dst = appendMoney(dst, "PretaxAmount", it.PretaxAmount)
	dst = appendMoney(dst, "DeductedByCashCoupons", it.DeductedByCashCoupons)
	dst = appendMoney(dst, "DeductedByPrepaidCard", it.DeductedByPrepaidCard)
	dst = appendMoney(dst, "PaymentAmount", it.PaymentAmount)
	dst = appendMoney(dst, "CashAmount", it.CashAmount)
	dst = appendMoney(dst, "OutstandingAmount", it.OutstandingAmount)
	dst = appendMoney(dst, "AdjustAmount", it.AdjustAmount)
	return append(dst, '}')
}

// addAmounts adds the amounts and usage of o into it (for per-instance and monthly rows).
func (it *BillItem) addAmounts(o *BillItem) {
	it.PretaxGrossAmount += o.PretaxGrossAmount
	it.InvoiceDiscount += o.InvoiceDiscount
	it.AfterDiscountAmount += o.AfterDiscountAmount
	it.DeductedByCoupons += o.DeductedByCoupons
	it.PretaxAmount += o.PretaxAmount
	it.DeductedByCashCoupons += o.DeductedByCashCoupons
	it.DeductedByPrepaidCard += o.DeductedByPrepaidCard
	it.PaymentAmount += o.PaymentAmount
	it.CashAmount += o.CashAmount
	it.OutstandingAmount += o.OutstandingAmount
	it.AdjustAmount += o.AdjustAmount
	it.usageMilli += o.usageMilli
}
