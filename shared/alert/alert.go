// Package alert describes what CloudLens tells people and where: alerts raised by budgets,
// anomalies, idle resources and failing syncs; the channels they are delivered to; the rules
// that route them; and the delivery outbox's retry schedule and deduplication keys.
package alert

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// Kind is what raised an alert, and what a rule listens to.
type Kind string

const (
	KindBudget      Kind = "budget"
	KindAnomaly     Kind = "anomaly"
	KindIdle        Kind = "idle"
	KindSyncFailure Kind = "sync_failure"
	// KindReport announces a monthly cost report: a rule of this kind names the channels
	// that receive its summary and link.
	KindReport Kind = "report"
)

// Kinds lists every kind, in the order the API documents them.
var Kinds = []Kind{KindBudget, KindAnomaly, KindIdle, KindSyncFailure, KindReport}

// State is where an alert is in its life.
type State string

const (
	StateFiring       State = "firing"
	StateAcknowledged State = "acknowledged"
	StateResolved     State = "resolved"
)

// Severity orders alerts by urgency; a rule's minimum severity compares by Rank.
type Severity string

const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// Rank is the order of severities (info < warning < critical); 0 for an unknown one.
func (s Severity) Rank() int {
	switch s {
	case SeverityInfo:
		return 1
	case SeverityWarning:
		return 2
	case SeverityCritical:
		return 3
	}
	return 0
}

// Language is the language a channel's messages are written in.
type Language string

const (
	LanguageZh Language = "zh"
	LanguageEn Language = "en"
)

// Alert is one condition worth telling people about, identified by its DedupKey: raising the
// same key again while it is firing or acknowledged changes nothing.
type Alert struct {
	ID       int64
	Kind     Kind
	State    State
	Severity Severity
	// Title and Text are English; TitleZh and TextZh Chinese (empty falls back to English).
	// Text is plain text with line breaks: every channel formats and escapes it for itself.
	Title, Text     string
	TitleZh, TextZh string
	URL             string          // the CloudLens page that shows the alert's subject
	DedupKey        string          // see DedupKey
	Data            json.RawMessage // machine-readable details, sent as-is to generic webhooks
	BudgetID        int64           // the budget a budget alert is about (0 otherwise), for rules' budgetIds
	Impact          money.Micros    // money at stake, for rules' minimum impact
	CreatedAt       time.Time
	FiredAt         time.Time // last time it started firing (CreatedAt, or a re-fire after resolution)
	AcknowledgedAt  *time.Time
	AcknowledgedBy  int64
	SnoozedUntil    *time.Time // deliveries wait until then
	ResolvedAt      *time.Time
	Deliveries      []Delivery
}

// Localized returns the title and text in lang, falling back to English.
func (a Alert) Localized(lang Language) (title, text string) {
	title, text = a.Title, a.Text
	if lang == LanguageZh {
		if a.TitleZh != "" {
			title = a.TitleZh
		}
		if a.TextZh != "" {
			text = a.TextZh
		}
	}
	return title, text
}

// Limits of an alert's stored fields, in characters.
const (
	MaxTitle    = 500
	MaxText     = 8000
	MaxURL      = 2000
	MaxDedupKey = 255
	MaxError    = 2000
	MaxData     = 64 << 10 // bytes of Data
)

// Validate checks an alert as a job raises it.
func (a Alert) Validate() error {
	var p []string
	if !slices.Contains(Kinds, a.Kind) {
		p = append(p, fmt.Sprintf("kind %q is not one of budget, anomaly, idle, sync_failure, report", a.Kind))
	}
	if a.Severity.Rank() == 0 {
		p = append(p, fmt.Sprintf("severity %q is not one of info, warning, critical", a.Severity))
	}
	if strings.TrimSpace(a.Title) == "" {
		p = append(p, "title is required")
	}
	for _, f := range []struct {
		name, v string
		max     int
	}{{"title", a.Title, MaxTitle}, {"titleZh", a.TitleZh, MaxTitle}, {"text", a.Text, MaxText},
		{"textZh", a.TextZh, MaxText}, {"url", a.URL, MaxURL}, {"dedupKey", a.DedupKey, MaxDedupKey}} {
		if utf8.RuneCountInString(f.v) > f.max {
			p = append(p, fmt.Sprintf("%s is longer than %d characters", f.name, f.max))
		}
	}
	if a.DedupKey == "" {
		p = append(p, "dedupKey is required")
	}
	if len(a.Data) > 0 && !json.Valid(a.Data) {
		p = append(p, "data is not valid JSON")
	}
	if len(a.Data) > MaxData {
		p = append(p, fmt.Sprintf("data is larger than %d bytes", MaxData))
	}
	for _, d := range a.Deliveries {
		if d.ChannelID <= 0 {
			p = append(p, "a delivery has no channel")
			break
		}
	}
	if len(p) > 0 {
		return errs.Invalid("alert: %s", strings.Join(p, "; "))
	}
	return nil
}

// DedupKey joins the parts that identify one crossing, e.g.
// DedupKey("budget", "42", "2026-12", "actual", "80") = "budget:42:2026-12:actual:80". A
// threshold crossed in one period raises one alert; the next period has another key. Colons
// inside parts are replaced so that different parts can never join to the same key.
func DedupKey(parts ...string) string {
	clean := make([]string, len(parts))
	for i, p := range parts {
		clean[i] = strings.ReplaceAll(p, ":", "_")
	}
	return strings.Join(clean, ":")
}

// BudgetDedupKey is the key of budget budgetID crossing percent of its amount on basis
// ("actual" or "forecast") in the period starting on periodStart ("2006-01-02").
func BudgetDedupKey(budgetID int64, periodStart, basis string, percent int) string {
	return DedupKey(string(KindBudget), fmt.Sprint(budgetID), periodStart, basis, fmt.Sprint(percent))
}

// DeliveryStatus is where one alert's delivery to one channel is.
type DeliveryStatus string

const (
	DeliveryPending DeliveryStatus = "pending"
	DeliverySent    DeliveryStatus = "sent"
	DeliveryFailed  DeliveryStatus = "failed"
)

// Delivery is one alert going to one channel: the outbox row a dispatcher works through.
type Delivery struct {
	ID            int64
	AlertID       int64
	ChannelID     int64
	Status        DeliveryStatus
	Attempts      int
	LastError     string
	NextAttemptAt time.Time // not before (quiet hours, backoff)
	SentAt        *time.Time
	CreatedAt     time.Time
}

// RetrySchedule is the wait after each failed attempt: the first attempt is retried after
// 1 minute, then 5, then 30; a fourth failure is final.
var RetrySchedule = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute}

// NextAttempt says when to try again after the attempts-th attempt (counting from 1) failed
// at failedAt, or ok=false when that was the last one. A receiver's own wait (an HTTP 429's
// Retry-After) is honoured when it is longer than the schedule's.
func NextAttempt(attempts int, failedAt time.Time, retryAfter time.Duration) (at time.Time, ok bool) {
	if attempts < 1 || attempts > len(RetrySchedule) {
		return time.Time{}, false
	}
	return failedAt.Add(max(RetrySchedule[attempts-1], retryAfter)), true
}

// Claim is a pending delivery a dispatcher holds for a while (the lease): the delivery with its
// alert and channel, and the token that proves the hold when the result is recorded.
type Claim struct {
	Delivery Delivery
	Alert    Alert
	Channel  Channel
	Token    string
}

// ChannelType is the kind of place a channel delivers to.
type ChannelType string

const (
	ChannelDingTalk ChannelType = "dingtalk"
	ChannelFeishu   ChannelType = "feishu"
	ChannelWeCom    ChannelType = "wecom"
	ChannelSlack    ChannelType = "slack"
	ChannelEmail    ChannelType = "email"
	ChannelWebhook  ChannelType = "webhook"
)

// ChannelTypes lists every channel type.
var ChannelTypes = []ChannelType{ChannelDingTalk, ChannelFeishu, ChannelWeCom, ChannelSlack, ChannelEmail, ChannelWebhook}

// Channel is one place alerts are delivered to. The signing secret is write-only: it is held
// encrypted (SecretEnc, bound to SecretRef) and never leaves the server.
type Channel struct {
	ID         int64
	Type       ChannelType
	Name       string
	URL        string   // webhook URL (every type but email)
	Recipients []string // e-mail addresses (email)
	Language   Language
	SecretEnc  []byte // AES-256-GCM ciphertext of the signing secret
	SecretRef  string // random, fixed at creation: the additional data the secret is sealed to
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// HasSecret reports whether an encrypted secret is stored.
func (c Channel) HasSecret() bool { return len(c.SecretEnc) > 0 }

// RedactedURL is the channel URL as the API may show it: scheme and host only. The rest is a
// credential on most platforms (DingTalk's access_token, WeCom's key, Slack's whole path).
func (c Channel) RedactedURL() string {
	u, err := url.Parse(c.URL)
	if err != nil || u.Host == "" {
		return ""
	}
	out := u.Scheme + "://" + u.Host
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		out += "/…"
	}
	return out
}

// NewSecretRef returns a random reference for a new channel: the additional data its secret
// is sealed to. It exists before the row does, so the secret can be sealed before the insert,
// and a ciphertext copied onto another channel does not open.
func NewSecretRef() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("alert: random: %v", err)) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

// MaxRecipients caps an e-mail channel's recipient list.
const MaxRecipients = 50

// Validate checks a channel's own fields. The URL's scheme and address are checked by the
// notify package, which knows whether CloudLens runs locally.
func (c Channel) Validate() error {
	var p errs.Problems
	if !slices.Contains(ChannelTypes, c.Type) {
		p.Add(errs.UnknownValue("type", c.Type, ChannelTypes...))
	}
	if n := utf8.RuneCountInString(strings.TrimSpace(c.Name)); n == 0 {
		p.Add(errs.Required("name"))
	} else if n > 100 {
		p.Add(errs.TooLong("name", 100))
	}
	if c.Language != LanguageZh && c.Language != LanguageEn {
		p.Add(errs.UnknownValue("language", c.Language, LanguageZh, LanguageEn))
	}
	if c.Type == ChannelEmail {
		if len(c.Recipients) == 0 {
			p.Add(errs.Required("recipients"))
		} else if len(c.Recipients) > MaxRecipients {
			p.Add(errs.TooMany("recipients", MaxRecipients))
		}
		for _, r := range c.Recipients {
			if a, err := mail.ParseAddress(r); err != nil || a.Address != r {
				p.Add(errs.InvalidField("recipients", errs.ReasonFormat, "%q is not a plain e-mail address", errs.Clip(r, 60)))
			}
		}
	} else {
		if c.URL == "" {
			p.Add(errs.Required("url"))
		}
		if len(c.Recipients) > 0 {
			p.Add(errs.InvalidField("recipients", errs.ReasonNotAllowed, "only email channels have recipients"))
		}
	}
	if utf8.RuneCountInString(c.URL) > MaxURL {
		p.Add(errs.TooLong("url", MaxURL))
	}
	return p.Err()
}

// Rule routes alerts of one kind to channels.
type Rule struct {
	ID          int64
	Name        string
	Kind        Kind
	ChannelIDs  []int64
	Enabled     bool
	BudgetIDs   []int64      // budget rules: the budgets it covers; empty means all
	MinSeverity Severity     // empty: every severity
	MinImpact   money.Micros // 0: any impact
	Quiet       QuietHours   // deliveries that fall inside wait until the quiet hours end
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Caps on a rule's lists: far above real use, far below what keeps a request busy (each
// budget id is looked up).
const (
	MaxRuleChannels = 50
	MaxRuleBudgets  = 1000
)

// Validate checks a rule as a caller would create or update it.
func (r Rule) Validate() error {
	var p errs.Problems
	if n := utf8.RuneCountInString(strings.TrimSpace(r.Name)); n == 0 {
		p.Add(errs.Required("name"))
	} else if n > 100 {
		p.Add(errs.TooLong("name", 100))
	}
	if !slices.Contains(Kinds, r.Kind) {
		p.Add(errs.UnknownValue("kind", r.Kind, Kinds...))
	}
	if len(r.ChannelIDs) == 0 {
		p.Add(errs.Required("channelIds"))
	}
	if len(r.ChannelIDs) > MaxRuleChannels {
		p.Add(errs.TooMany("channelIds", MaxRuleChannels))
	}
	if len(r.BudgetIDs) > MaxRuleBudgets {
		p.Add(errs.TooMany("budgetIds", MaxRuleBudgets))
	}
	if len(r.BudgetIDs) > 0 && r.Kind != KindBudget {
		p.Add(errs.InvalidField("budgetIds", errs.ReasonNotAllowed, "only budget rules name budgets"))
	}
	if r.MinSeverity != "" && r.MinSeverity.Rank() == 0 {
		p.Add(errs.UnknownValue("minSeverity", r.MinSeverity, SeverityInfo, SeverityWarning, SeverityCritical))
	}
	if r.MinImpact < 0 {
		p.Add(errs.InvalidField("minImpact", errs.ReasonNegative, "must not be negative"))
	}
	p.Add(r.Quiet.Validate())
	return p.Err()
}

// Matches reports whether the rule wants alert a.
func (r Rule) Matches(a Alert) bool {
	if !r.Enabled || r.Kind != a.Kind {
		return false
	}
	if len(r.BudgetIDs) > 0 && !slices.Contains(r.BudgetIDs, a.BudgetID) {
		return false
	}
	if r.MinSeverity != "" && a.Severity.Rank() < r.MinSeverity.Rank() {
		return false
	}
	return a.Impact >= r.MinImpact
}

// Route returns the deliveries alert a needs under rules at time now: one per channel of
// every matching rule (a channel named by two rules gets one delivery, at the earlier of
// their times), each due at once or when its rule's quiet hours end.
func Route(rules []Rule, a Alert, now time.Time) []Delivery {
	due := map[int64]time.Time{}
	var order []int64
	for _, r := range rules {
		if !r.Matches(a) {
			continue
		}
		at := r.Quiet.Until(now)
		for _, id := range r.ChannelIDs {
			prev, seen := due[id]
			if !seen {
				order = append(order, id)
			}
			if !seen || at.Before(prev) {
				due[id] = at
			}
		}
	}
	out := make([]Delivery, 0, len(order))
	for _, id := range order {
		out = append(out, Delivery{ChannelID: id, Status: DeliveryPending, NextAttemptAt: due[id]})
	}
	return out
}

// QuietHours is a daily window ("22:00"–"08:00", crossing midnight or not) in a time zone
// during which a rule's deliveries wait. Zero value: no quiet hours.
type QuietHours struct {
	Start, End string // "15:04"
	TimeZone   string // IANA name; empty means Asia/Shanghai
}

var clock = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// IsZero reports whether no quiet hours are set.
func (q QuietHours) IsZero() bool { return q.Start == "" && q.End == "" }

// Validate checks both ends are given as HH:MM, differ, and the zone exists.
func (q QuietHours) Validate() error {
	if q.IsZero() {
		return nil
	}
	if !clock.MatchString(q.Start) || !clock.MatchString(q.End) || q.Start == q.End {
		return errs.InvalidField("quietHours", errs.ReasonPair, "must give start and end as different HH:MM times")
	}
	if _, err := q.location(); err != nil {
		return errs.UnknownValue("quietHours.timeZone", q.TimeZone)
	}
	return nil
}

func (q QuietHours) location() (*time.Location, error) {
	if q.TimeZone == "" {
		return billing.Shanghai, nil
	}
	return time.LoadLocation(q.TimeZone)
}

// Until returns now when now is outside the quiet hours, else the moment they end.
func (q QuietHours) Until(now time.Time) time.Time {
	if q.IsZero() || q.Validate() != nil {
		return now
	}
	loc, _ := q.location()
	local := now.In(loc)
	at := func(hhmm string, day time.Time) time.Time {
		t, _ := time.Parse("15:04", hhmm)
		return time.Date(day.Year(), day.Month(), day.Day(), t.Hour(), t.Minute(), 0, 0, loc)
	}
	// Look at the window that started today and the one that started yesterday (a window
	// crossing midnight may still be open).
	for _, startDay := range []time.Time{local, local.AddDate(0, 0, -1)} {
		start, end := at(q.Start, startDay), at(q.End, startDay)
		if !end.After(start) {
			end = end.AddDate(0, 0, 1)
		}
		if !local.Before(start) && local.Before(end) {
			return end.UTC()
		}
	}
	return now
}
