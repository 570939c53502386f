package cost

import (
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/money"
)

func TestNewCalendar(t *testing.T) {
	tests := []struct {
		name                                                     string
		now                                                      time.Time
		yesterday, monthStart, lastStart, lastEnd, sameEnd, hist string
		mtd                                                      bool
	}{
		{"mid-month", time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai),
			"2025-03-14", "2025-03-01", "2025-02-01", "2025-02-28", "2025-02-14", "2024-12-21", true},
		// On the first of a month no day of it is billed: the month is the new one, empty.
		{"first of the month", time.Date(2025, 3, 1, 10, 0, 0, 0, billing.Shanghai),
			"2025-02-28", "2025-03-01", "2025-02-01", "2025-02-28", "2025-02-28", "2024-12-07", false},
		{"first of a month after a 31-day one", time.Date(2025, 6, 1, 0, 30, 0, 0, billing.Shanghai),
			"2025-05-31", "2025-06-01", "2025-05-01", "2025-05-31", "2025-05-31", "2025-03-09", false},
		// The 30th of March has no match in February: the same period ends on its last day.
		{"same period clamped", time.Date(2025, 3, 31, 12, 0, 0, 0, billing.Shanghai),
			"2025-03-30", "2025-03-01", "2025-02-01", "2025-02-28", "2025-02-28", "2025-01-06", true},
		// Late evening UTC is already the next day in Shanghai.
		{"UTC evening", time.Date(2025, 3, 15, 20, 0, 0, 0, time.UTC),
			"2025-03-15", "2025-03-01", "2025-02-01", "2025-02-28", "2025-02-15", "2024-12-22", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewCalendar(tt.now)
			got := []string{FormatDay(c.Yesterday), FormatDay(c.MonthStart), FormatDay(c.LastStart), FormatDay(c.LastEnd), FormatDay(c.SameEnd), FormatDay(c.HistStart)}
			want := []string{tt.yesterday, tt.monthStart, tt.lastStart, tt.lastEnd, tt.sameEnd, tt.hist}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("calendar %v, want %v", got, want)
					break
				}
			}
			if c.MonthToDate != tt.mtd {
				t.Errorf("month to date %t, want %t", c.MonthToDate, tt.mtd)
			}
		})
	}
}

func TestSumRange(t *testing.T) {
	start := time.Date(2025, 3, 1, 0, 0, 0, 0, billing.Shanghai)
	s := []money.Micros{1, 2, 4, 8, 16}
	day := func(d int) time.Time { return start.AddDate(0, 0, d) }
	tests := []struct {
		name     string
		from, to time.Time
		want     money.Micros
	}{
		{"all", day(0), day(4), 31},
		{"inside", day(1), day(2), 6},
		{"one day", day(3), day(3), 8},
		{"before the series", day(-3), day(0), 1},
		{"past the series", day(4), day(9), 16},
		{"empty range", day(2), day(1), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SumRange(s, start, tt.from, tt.to); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestParseDiscountGroup(t *testing.T) {
	tests := []struct{ by, want, err string }{
		{"", DimProduct, ""},
		{DimProduct, DimProduct, ""},
		{DimRegion, DimRegion, ""},
		{DimSubscriptionType, DimSubscriptionType, ""},
		{ByMonth, ByMonth, ""},
		{DimAccount, "", "\"account\" is not one of"},
		{DimChargeCategory, "", "\"chargeCategory\" is not one of"},
		{"tag.env", "", "\"tag.env\" is not one of"},
	}
	for _, tt := range tests {
		t.Run(tt.by, func(t *testing.T) {
			got, err := ParseDiscountGroup(tt.by)
			if got != tt.want || (err == nil) != (tt.err == "") || (err != nil && !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("ParseDiscountGroup(%q) = %q, %v; want %q, %q", tt.by, got, err, tt.want, tt.err)
			}
		})
	}
}
