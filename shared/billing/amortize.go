package billing

import (
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/money"
)

// MaxTermDays bounds an amortisation term: Alibaba sells subscriptions of up to five years.
// A longer service period is read as a mistake and the charge stays on its billing day.
const MaxTermDays = 5*366 + 1

// Term is the number of days, from its billing day on, that an upfront charge pays for:
// a Subscription purchase (SubscriptionOrder) or its refund with a service period of more
// than one day. Everything else (pay-as-you-go, adjustments, a subscription billed day by
// day) is spent on its billing day and has term 1.
//
// ServicePeriodUnit is Chinese on the China site and English on the international site;
// months and years are calendar months from the billing day (bought on 15 Jan for one
// month pays for 15 Jan to 14 Feb), as Alibaba's own amortisation counts them.
func Term(chargeDate, subscriptionType, chargeCategory, servicePeriod, unit string) int {
	if !strings.EqualFold(subscriptionType, "Subscription") {
		return 1
	}
	if chargeCategory != ChargePurchase && chargeCategory != ChargeCredit {
		return 1
	}
	n, err := strconv.ParseFloat(strings.TrimSpace(servicePeriod), 64)
	if err != nil || n <= 0 || n > 1e9 {
		return 1
	}
	start, err := time.Parse(time.DateOnly, chargeDate)
	if err != nil {
		return 1
	}
	var days int
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "年", "year", "years":
		days = daysBetween(start, start.AddDate(int(n), 0, 0))
	case "月", "month", "months":
		days = daysBetween(start, start.AddDate(0, int(n), 0))
	case "周", "week", "weeks":
		days = int(n) * 7
	case "天", "日", "day", "days":
		days = int(n)
	case "小时", "hour", "hours":
		days = int((n + 23) / 24)
	case "秒", "second", "seconds":
		days = int((n + 86399) / 86400)
	default:
		return 1
	}
	if days < 1 || days > MaxTermDays {
		return 1
	}
	return days
}

func daysBetween(a, b time.Time) int { return int(b.Sub(a).Hours()/24 + 0.5) }

// Share is the part of an upfront amount that falls on day k (0-based) of a term of n
// days: the amount spread evenly to the micro-unit, the micro-units that do not divide
// evenly going one each to the days where the running total crosses them. The shares of
// days 0..n-1 add up to the amount exactly, for refunds (negative amounts) too.
func Share(amount money.Micros, n, k int) money.Micros {
	if n <= 1 {
		return amount
	}
	return cumulative(amount, n, k+1) - cumulative(amount, n, k)
}

// cumulative is amount·k/n truncated toward zero, computed without overflow: the quotient
// and remainder of amount/n are scaled apart (the remainder times k stays below n²).
func cumulative(amount money.Micros, n, k int) money.Micros {
	q, r := int64(amount)/int64(n), int64(amount)%int64(n)
	return money.Micros(q*int64(k) + r*int64(k)/int64(n))
}

// AmortizedDay is one day of an upfront charge's term with the charge's share.
type AmortizedDay struct {
	Date          string // YYYY-MM-DD
	BillingPeriod string // YYYY-MM
	WeekStart     string // Monday of Date's week
	Amount        money.Micros
}

// Amortize spreads amount billed on chargeDate over a term of n days (Term). With n ≤ 1
// it returns nil: the charge is spent on its billing day and needs no spreading.
func Amortize(chargeDate string, amount money.Micros, n int) []AmortizedDay {
	if n <= 1 {
		return nil
	}
	start, err := time.Parse(time.DateOnly, chargeDate)
	if err != nil {
		return nil
	}
	out := make([]AmortizedDay, n)
	for k := range out {
		d := start.AddDate(0, 0, k)
		out[k] = AmortizedDay{
			Date:          d.Format(time.DateOnly),
			BillingPeriod: d.Format("2006-01"),
			WeekStart:     d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7)).Format(time.DateOnly),
			Amount:        Share(amount, n, k),
		}
	}
	return out
}
