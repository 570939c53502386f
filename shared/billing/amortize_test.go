package billing

import (
	"testing"

	"github.com/cloudlens/cloudlens/shared/money"
)

func TestTerm(t *testing.T) {
	for _, tc := range []struct {
		date, sub, cat, period, unit string
		want                         int
	}{
		{"2026-01-15", "Subscription", ChargePurchase, "1", "月", 31},
		{"2026-02-10", "Subscription", ChargePurchase, "1", "Month", 28},
		{"2026-01-31", "Subscription", ChargePurchase, "1", "月", 31}, // to 2 Mar (Go normalises 31 Feb)
		{"2026-01-20", "Subscription", ChargePurchase, "1", "年", 365},
		{"2027-06-01", "Subscription", ChargePurchase, "1", "Year", 366},
		{"2026-01-01", "Subscription", ChargePurchase, "3", "Years", 1096},
		{"2026-01-01", "subscription", ChargeCredit, "2", "周", 14},
		{"2026-01-01", "Subscription", ChargePurchase, "1", "天", 1},
		{"2026-01-01", "Subscription", ChargePurchase, "2592000", "秒", 30},
		{"2026-01-01", "PayAsYouGo", ChargeUsage, "86400", "秒", 1},
		{"2026-01-01", "Subscription", ChargeAdjustment, "1", "月", 1},
		{"2026-01-01", "Subscription", ChargePurchase, "", "月", 1},
		{"2026-01-01", "Subscription", ChargePurchase, "1", "fortnight", 1},
		{"2026-01-01", "Subscription", ChargePurchase, "10", "年", 1}, // beyond what is sold
	} {
		if got := Term(tc.date, tc.sub, tc.cat, tc.period, tc.unit); got != tc.want {
			t.Errorf("Term(%s, %s, %s, %s %s) = %d, want %d", tc.date, tc.sub, tc.cat, tc.period, tc.unit, got, tc.want)
		}
	}
}

func TestShareAddsUpExactly(t *testing.T) {
	for _, tc := range []struct {
		amount money.Micros
		n      int
	}{
		{1_000_000_000, 90}, {3_650_010_000, 365}, {-58_000_000, 28}, {1, 31}, {-1, 7},
		{9_000_000_000_000_000, 1827}, {-9_000_000_000_000_000, 1096}, {0, 30}, {12_340_000, 1},
	} {
		var sum money.Micros
		lo, hi := Share(tc.amount, tc.n, 0), Share(tc.amount, tc.n, 0)
		for k := range tc.n {
			s := Share(tc.amount, tc.n, k)
			sum += s
			lo, hi = min(lo, s), max(hi, s)
		}
		if sum != tc.amount {
			t.Errorf("shares of %d over %d days add up to %d", tc.amount, tc.n, sum)
		}
		if tc.n > 1 && hi-lo > 1 {
			t.Errorf("shares of %d over %d days differ by %d micro-units; at most 1", tc.amount, tc.n, hi-lo)
		}
	}
	days := Amortize("2026-12-30", 3_000_000, 3)
	if len(days) != 3 || days[2].Date != "2027-01-01" || days[2].BillingPeriod != "2027-01" || days[0].WeekStart != "2026-12-28" ||
		days[0].Amount+days[1].Amount+days[2].Amount != 3_000_000 {
		t.Fatalf("Amortize = %+v", days)
	}
	if Amortize("2026-01-01", 5, 1) != nil {
		t.Fatal("a one-day term needs no spreading")
	}
}
