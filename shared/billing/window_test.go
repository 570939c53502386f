package billing

import (
	"testing"
	"time"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, Shanghai)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPlan(t *testing.T) {
	for _, c := range []struct {
		name           string
		now            string
		months         int
		complete       map[string]time.Time
		start, end     string
		fetch          int
		first, last    string
		mustNotInclude []string
	}{
		{name: "first run backfills whole months", now: "2026-03-10 09:00", months: 2,
			start: "2026-01-01", end: "2026-03-09", fetch: 31 + 28 + 9, first: "2026-01-01", last: "2026-03-09"},
		{name: "no backfill: this month only", now: "2026-03-10 09:00", months: 0,
			start: "2026-03-01", end: "2026-03-09", fetch: 9, first: "2026-03-01", last: "2026-03-09"},
		{name: "final months fetched after finalisation are skipped", now: "2026-03-10 09:00", months: 1,
			complete: days("2026-02-01", "2026-02-28", at("2026-03-05 00:00")),
			start:    "2026-02-01", end: "2026-03-09", fetch: 9, first: "2026-03-01", last: "2026-03-09",
			mustNotInclude: []string{"2026-02-01", "2026-02-28"}},
		{name: "previous month stays open until 12:00 on the 3rd", now: "2026-03-03 11:00", months: 1,
			complete: days("2026-02-01", "2026-02-28", at("2026-03-02 00:00")),
			start:    "2026-02-01", end: "2026-03-02", fetch: 28 + 2, first: "2026-02-01", last: "2026-03-02"},
		{name: "fetched before final is fetched again after", now: "2026-03-04 09:00", months: 1,
			complete: days("2026-02-01", "2026-02-28", at("2026-03-03 11:59")),
			start:    "2026-02-01", end: "2026-03-03", fetch: 28 + 3, first: "2026-02-01", last: "2026-03-03"},
		{name: "the open month is fetched every run", now: "2026-03-10 09:00", months: 0,
			complete: days("2026-03-01", "2026-03-09", at("2026-03-10 08:00")),
			start:    "2026-03-01", end: "2026-03-09", fetch: 9, first: "2026-03-01", last: "2026-03-09"},
		{name: "first day of a month has nothing yet", now: "2026-03-01 09:00", months: 0,
			start: "2026-03-01", end: "2026-02-28", fetch: 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			w := Plan(at(c.now), c.months, c.complete)
			if w.Start != c.start || w.End != c.end || len(w.Fetch) != c.fetch {
				t.Fatalf("Plan = %s..%s, %d days, want %s..%s, %d days", w.Start, w.End, len(w.Fetch), c.start, c.end, c.fetch)
			}
			if c.fetch > 0 && (w.Fetch[0] != c.first || w.Fetch[len(w.Fetch)-1] != c.last) {
				t.Fatalf("fetch %s..%s, want %s..%s", w.Fetch[0], w.Fetch[len(w.Fetch)-1], c.first, c.last)
			}
			for _, d := range c.mustNotInclude {
				for _, f := range w.Fetch {
					if f == d {
						t.Fatalf("%s fetched again", d)
					}
				}
			}
		})
	}
}

func TestFinalAt(t *testing.T) {
	for _, c := range []struct{ day, want string }{
		{"2026-01-31", "2026-02-03 12:00"},
		{"2025-12-01", "2026-01-03 12:00"},
	} {
		got, err := FinalAt(c.day)
		if err != nil || !got.Equal(at(c.want)) {
			t.Errorf("FinalAt(%s) = %v, %v; want %s", c.day, got, err, c.want)
		}
	}
	if _, err := FinalAt("2026-13-01"); err == nil {
		t.Error("FinalAt accepted month 13")
	}
}

func days(from, to string, fetched time.Time) map[string]time.Time {
	out := map[string]time.Time{}
	d, _ := time.ParseInLocation(time.DateOnly, from, Shanghai)
	end, _ := time.ParseInLocation(time.DateOnly, to, Shanghai)
	for ; !d.After(end); d = d.AddDate(0, 0, 1) {
		out[d.Format(time.DateOnly)] = fetched
	}
	return out
}
