package alert_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/errs"
)

func TestNextAttempt(t *testing.T) {
	failed := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		attempts   int
		retryAfter time.Duration
		want       time.Duration
		ok         bool
	}{
		{1, 0, time.Minute, true},
		{2, 0, 5 * time.Minute, true},
		{3, 0, 30 * time.Minute, true},
		{4, 0, 0, false},
		{1, 90 * time.Second, 90 * time.Second, true}, // the receiver asked for longer
		{2, 10 * time.Second, 5 * time.Minute, true},  // shorter than the schedule: schedule wins
		{0, 0, 0, false},
	}
	for _, tc := range tests {
		at, ok := alert.NextAttempt(tc.attempts, failed, tc.retryAfter)
		if ok != tc.ok || (ok && at.Sub(failed) != tc.want) {
			t.Errorf("NextAttempt(%d, %s) = %v, %v; want +%s, %v", tc.attempts, tc.retryAfter, at, ok, tc.want, tc.ok)
		}
	}
}

func TestDedupKey(t *testing.T) {
	if got := alert.BudgetDedupKey(42, "2026-12-01", "actual", 80); got != "budget:42:2026-12-01:actual:80" {
		t.Fatalf("BudgetDedupKey = %q", got)
	}
	// Parts holding the separator cannot collide with a key of more parts.
	if a, b := alert.DedupKey("idle", "i-1:x"), alert.DedupKey("idle", "i-1", "x"); a == b {
		t.Fatalf("%q == %q", a, b)
	}
}

func TestRoute(t *testing.T) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	// 23:30 in Shanghai: inside 22:00–08:00, which ends at 08:00 the next morning.
	night := time.Date(2026, 12, 1, 23, 30, 0, 0, shanghai).UTC()
	morning := time.Date(2026, 12, 2, 8, 0, 0, 0, shanghai).UTC()
	noon := time.Date(2026, 12, 2, 12, 0, 0, 0, shanghai).UTC()
	quiet := alert.QuietHours{Start: "22:00", End: "08:00"}
	rules := []alert.Rule{
		{ID: 1, Kind: alert.KindBudget, Enabled: true, ChannelIDs: []int64{10, 11}, BudgetIDs: []int64{7}, Quiet: quiet},
		{ID: 2, Kind: alert.KindBudget, Enabled: true, ChannelIDs: []int64{11, 12}, MinSeverity: alert.SeverityCritical},
		{ID: 3, Kind: alert.KindBudget, Enabled: false, ChannelIDs: []int64{13}},
		{ID: 4, Kind: alert.KindAnomaly, Enabled: true, ChannelIDs: []int64{14}},
		{ID: 5, Kind: alert.KindBudget, Enabled: true, ChannelIDs: []int64{15}, MinImpact: 1_000_000_000},
	}
	type want map[int64]time.Time
	tests := []struct {
		name string
		a    alert.Alert
		now  time.Time
		want want
	}{
		{"quiet rule waits, critical rule goes now; shared channel takes the earlier",
			alert.Alert{Kind: alert.KindBudget, BudgetID: 7, Severity: alert.SeverityCritical, Impact: 5_000_000},
			night, want{10: morning, 11: night, 12: night}},
		{"other budget, warning: nothing", alert.Alert{Kind: alert.KindBudget, BudgetID: 8, Severity: alert.SeverityWarning},
			night, want{}},
		{"outside quiet hours", alert.Alert{Kind: alert.KindBudget, BudgetID: 7, Severity: alert.SeverityWarning},
			noon, want{10: noon, 11: noon}},
		{"impact over the minimum", alert.Alert{Kind: alert.KindBudget, BudgetID: 9, Severity: alert.SeverityInfo, Impact: 1_000_000_000},
			noon, want{15: noon}},
		{"anomaly", alert.Alert{Kind: alert.KindAnomaly, Severity: alert.SeverityInfo}, noon, want{14: noon}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := want{}
			for _, d := range alert.Route(rules, tc.a, tc.now) {
				if d.Status != alert.DeliveryPending {
					t.Fatalf("delivery status %q", d.Status)
				}
				got[d.ChannelID] = d.NextAttemptAt
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Route = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestQuietHoursSameDay(t *testing.T) {
	q := alert.QuietHours{Start: "12:00", End: "14:00", TimeZone: "UTC"}
	in := time.Date(2026, 12, 1, 13, 0, 0, 0, time.UTC)
	if got := q.Until(in); !got.Equal(time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)) {
		t.Fatalf("Until(13:00) = %v", got)
	}
	out := time.Date(2026, 12, 1, 14, 0, 0, 0, time.UTC)
	if got := q.Until(out); !got.Equal(out) {
		t.Fatalf("Until(14:00) = %v, want unchanged", got)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		err  error
	}{
		{"good channel", alert.Channel{Type: alert.ChannelDingTalk, Name: "ops", URL: "https://oapi.dingtalk.com/robot/send?access_token=x", Language: alert.LanguageZh}.Validate()},
		{"good email", alert.Channel{Type: alert.ChannelEmail, Name: "finance", Recipients: []string{"a@example.com"}, Language: alert.LanguageEn}.Validate()},
		{"good rule", alert.Rule{Name: "budgets", Kind: alert.KindBudget, ChannelIDs: []int64{1}, Quiet: alert.QuietHours{Start: "22:00", End: "07:30"}}.Validate()},
	}
	for _, tc := range tests {
		if tc.err != nil {
			t.Errorf("%s: %v", tc.name, tc.err)
		}
	}
	bad := []struct {
		name string
		err  error
	}{
		{"unknown type", alert.Channel{Type: "sms", Name: "x", URL: "https://x", Language: alert.LanguageZh}.Validate()},
		{"email without recipients", alert.Channel{Type: alert.ChannelEmail, Name: "x", Language: alert.LanguageZh}.Validate()},
		{"recipient with a display name", alert.Channel{Type: alert.ChannelEmail, Name: "x", Recipients: []string{"Bob <b@example.com>"}, Language: alert.LanguageZh}.Validate()},
		{"webhook without url", alert.Channel{Type: alert.ChannelWebhook, Name: "x", Language: alert.LanguageEn}.Validate()},
		{"unknown language", alert.Channel{Type: alert.ChannelSlack, Name: "x", URL: "https://x", Language: "fr"}.Validate()},
		{"rule without channels", alert.Rule{Name: "r", Kind: alert.KindBudget}.Validate()},
		{"budgetIds on an anomaly rule", alert.Rule{Name: "r", Kind: alert.KindAnomaly, ChannelIDs: []int64{1}, BudgetIDs: []int64{2}}.Validate()},
		{"half quiet hours", alert.Rule{Name: "r", Kind: alert.KindIdle, ChannelIDs: []int64{1}, Quiet: alert.QuietHours{Start: "22:00"}}.Validate()},
		{"unknown zone", alert.Rule{Name: "r", Kind: alert.KindIdle, ChannelIDs: []int64{1}, Quiet: alert.QuietHours{Start: "22:00", End: "06:00", TimeZone: "Mars/Base"}}.Validate()},
		{"alert without key", alert.Alert{Kind: alert.KindBudget, Severity: alert.SeverityInfo, Title: "t"}.Validate()},
		{"alert with bad data", alert.Alert{Kind: alert.KindBudget, Severity: alert.SeverityInfo, Title: "t", DedupKey: "k", Data: []byte("{")}.Validate()},
	}
	for _, tc := range bad {
		if errs.KindOf(tc.err) != errs.KindInvalid {
			t.Errorf("%s: got %v, want an invalid error", tc.name, tc.err)
		}
	}
}

func TestRedactedURL(t *testing.T) {
	tests := map[string]string{
		"https://oapi.dingtalk.com/robot/send?access_token=abc": "https://oapi.dingtalk.com/…",
		"https://hooks.slack.com/services/T0/B0/XYZ":            "https://hooks.slack.com/…",
		"https://example.com":                                   "https://example.com",
		"http://127.0.0.1:9000/":                                "http://127.0.0.1:9000",
		"not a url":                                             "",
	}
	for in, want := range tests {
		if got := (alert.Channel{URL: in}).RedactedURL(); got != want {
			t.Errorf("RedactedURL(%q) = %q, want %q", in, got, want)
		}
	}
}
