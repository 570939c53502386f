package aliyunsim

import (
	"math/big"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
)

// amortizationAction is the BSS operation that answers amortised cost per instance and day
// range: DescribeInstanceAmortizedCostByAmortizationPeriodDate. For every charge it gives
// the amount billed (PretaxAmount) and the parts of it amortised before the range, within it
// and after it. The simulator spreads each charge as Alibaba's amortisation does: over the
// calendar days its service period covers from its billing day, evenly to the micro-unit,
// a charge of one day (pay-as-you-go, a daily subscription) staying on its day.
const amortizationAction = "DescribeInstanceAmortizedCostByAmortizationPeriodDate"

// simTermDays is the number of days a charge pays for, as the simulated service reads
// ServicePeriod and ServicePeriodUnit.
func simTermDays(it *BillItem) int64 {
	if it.SubscriptionType != "Subscription" || (it.Item != "SubscriptionOrder" && it.Item != "Refund") {
		return 1
	}
	n, err := strconv.Atoi(it.ServicePeriod)
	if err != nil || n <= 0 {
		return 1
	}
	start, err := time.ParseInLocation("2006-01-02", it.BillingDate, billing.Shanghai)
	if err != nil {
		return 1
	}
	var end time.Time
	switch it.ServicePeriodUnit {
	case "年", "Year":
		end = start.AddDate(n, 0, 0)
	case "月", "Month":
		end = start.AddDate(0, n, 0)
	case "天", "Day":
		end = start.AddDate(0, 0, n)
	default:
		return 1
	}
	return dayNumber(end) - dayNumber(start)
}

// simShare is the part of amount (micro-units) amortised on day k (0-based) of n:
// amount·(k+1)/n − amount·k/n, each truncated toward zero, in exact arithmetic.
func simShare(amount, n, k int64) int64 {
	part := func(i int64) int64 {
		v := new(big.Int).Mul(big.NewInt(amount), big.NewInt(i))
		return v.Quo(v, big.NewInt(n)).Int64()
	}
	return part(k+1) - part(k)
}

type amortizedRow struct {
	it                           BillItem
	consumeDay                   int64
	total, before, within, after int64
}

func (s *Server) describeAmortizedCost(a *simAccount, form url.Values, asOf int64, reqID string) ([]byte, *apiError) {
	cycle := form.Get("BillingCycle")
	first, err := time.ParseInLocation("2006-01", cycle, billing.Shanghai)
	if err != nil {
		return nil, &apiError{400, "MissingParameter", "The input parameter \"BillingCycle\" that is mandatory for processing this request is not supplied."}
	}
	from, to := dayNumber(first), dayNumber(first.AddDate(0, 1, -1))
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"AmortizationDateStart", &from}, {"AmortizationDateEnd", &to}} {
		if v := form.Get(p.name); v != "" {
			d, err := time.ParseInLocation("2006-01-02", v, billing.Shanghai)
			if err != nil || d.Format("2006-01") != cycle {
				return nil, invalidParameter("The %s %q is not a day of the billing cycle.", p.name, v)
			}
			*p.dst = dayNumber(d)
		}
	}
	if to < from {
		return nil, invalidParameter("The AmortizationDateEnd is before the AmortizationDateStart.")
	}
	instances := map[string]bool{}
	for k, vs := range form {
		if strings.HasPrefix(k, "InstanceIdList.") && len(vs) > 0 {
			instances[vs[0]] = true
		}
	}
	maxResults := 20
	if m := form.Get("MaxResults"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > 300 {
			return nil, invalidParameter("The MaxResults %q is not valid; it must be between 1 and 300.", m)
		}
		maxResults = n
	}

	// Charges that can fall in the range: the world's rows of the range (a day each) and
	// every extra charge of the account up to the range's end.
	var charges []BillItem
	s.w.eachRow(a, from, to, asOf, func(it *BillItem) bool {
		charges = append(charges, *it)
		return true
	})
	s.mu.Lock()
	for k, q := range s.quirks {
		uid, day, _ := strings.Cut(k, "|")
		d, err := time.ParseInLocation("2006-01-02", day, billing.Shanghai)
		if uid != a.pub.UID || err != nil || dayNumber(d) > to || dayNumber(d) >= asOf {
			continue
		}
		charges = append(charges, q.Extra...)
	}
	s.mu.Unlock()

	index := map[string]int{}
	var out []amortizedRow
	for i := range charges {
		it := &charges[i]
		if len(instances) > 0 && !instances[it.InstanceID] {
			continue
		}
		d, err := time.ParseInLocation("2006-01-02", it.BillingDate, billing.Shanghai)
		if err != nil {
			continue
		}
		start, n := dayNumber(d), simTermDays(it)
		if start+n-1 < from || start > to {
			continue
		}
		var before, within, after int64
		for k := int64(0); k < n; k++ {
			share := simShare(it.PretaxAmount, n, k)
			switch day := start + k; {
			case day < from:
				before += share
			case day > to:
				after += share
			default:
				within += share
			}
		}
		key := it.InstanceID + "\x00" + it.ProductCode + "\x00" + it.SubscriptionType + "\x00" + it.BillingDate
		if j, ok := index[key]; ok {
			r := &out[j]
			r.total, r.before, r.within, r.after = r.total+it.PretaxAmount, r.before+before, r.within+within, r.after+after
			continue
		}
		index[key] = len(out)
		out = append(out, amortizedRow{it: *it, consumeDay: start, total: it.PretaxAmount, before: before, within: within, after: after})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].consumeDay != out[j].consumeDay {
			return out[i].consumeDay < out[j].consumeDay
		}
		return out[i].it.InstanceID < out[j].it.InstanceID
	})

	fp := amortizationAction + "|" + a.pub.UID + "|" + strconv.FormatInt(from, 10) + "|" + strconv.FormatInt(to, 10)
	offset := 0
	if tok := form.Get("NextToken"); tok != "" {
		var ok bool
		if offset, ok = parsePageToken(tok, fp); !ok || offset > len(out) {
			return nil, invalidParameter("The NextToken is not valid.")
		}
	}
	end := min(offset+maxResults, len(out))
	next := ""
	if end < len(out) {
		next = pageToken(end, fp)
	}
	period := dayTime(from).Format("2006-01")
	amount := func(dst []byte, name string, v int64) []byte {
		return appendStr(dst, name, string(appendDecimal(nil, v, 6, false)))
	}
	b := append([]byte(nil), `{"Code":"Success","Message":"Successful!","RequestId":`...)
	b = appendJSONString(b, reqID)
	b = append(b, `,"Success":true,"Data":{"AccountID":`...)
	b = appendJSONString(b, a.pub.UID)
	b = appendStr(b, "AccountName", a.pub.Name)
	b = append(b, `,"TotalCount":`...)
	b = strconv.AppendInt(b, int64(len(out)), 10)
	b = appendStr(b, "NextToken", next)
	b = append(b, `,"MaxResults":`...)
	b = strconv.AppendInt(b, int64(maxResults), 10)
	b = append(b, `,"Items":[`...)
	for i := offset; i < end; i++ {
		r := &out[i]
		if i > offset {
			b = append(b, ',')
		}
		status := "Amortizing"
		if r.after == 0 {
			status = "Amortized"
		}
		b = append(b, `{"BillAccountID":`...)
		b = append(b, r.it.BillAccountID...)
		b = appendStr(b, "BillAccountName", r.it.BillAccountName)
		b = append(b, `,"BillOwnerID":`...)
		b = append(b, r.it.OwnerID...)
		b = appendStr(b, "InstanceID", r.it.InstanceID)
		b = appendStr(b, "ProductCode", r.it.ProductCode)
		b = appendStr(b, "ProductName", r.it.ProductName)
		b = appendStr(b, "SubscriptionType", r.it.SubscriptionType)
		b = appendStr(b, "Region", r.it.Region)
		b = appendStr(b, "Zone", r.it.Zone)
		b = appendStr(b, "ResourceGroup", r.it.ResourceGroup)
		b = appendStr(b, "Tag", r.it.Tag)
		b = appendStr(b, "ConsumePeriod", r.it.BillingDate[:7])
		b = appendStr(b, "ConsumePeriodDay", r.it.BillingDate)
		b = appendStr(b, "AmortizationPeriod", period)
		b = appendStr(b, "AmortizationPeriodDay", dayTime(from).Format("2006-01-02"))
		b = appendStr(b, "AmortizationStatus", status)
		b = amount(b, "PretaxAmount", r.total)
		b = amount(b, "PreviouslyAmortizedPretaxAmount", r.before)
		b = amount(b, "CurrentAmortizationPretaxAmount", r.within)
		b = amount(b, "RemainingAmortizationPretaxAmount", r.after)
		b = append(b, '}')
	}
	return append(b, "]}}"...), nil
}
