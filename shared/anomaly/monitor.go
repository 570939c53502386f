package anomaly

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// MonitorDim is what a monitor watches.
type MonitorDim string

const (
	// Built in: every account × product, every account's total, every product across the
	// organisation. The detection job keeps them; people may tune or pause them.
	MonAccountProduct MonitorDim = "account_product"
	MonAccount        MonitorDim = "account"
	MonProduct        MonitorDim = "product"
	// Added by people.
	MonTag           MonitorDim = "tag"
	MonCostUnit      MonitorDim = "costUnit"
	MonResourceGroup MonitorDim = "resourceGroup"
	MonRegion        MonitorDim = "region"
)

// UserDims are the dimensions people may add monitors on.
var UserDims = []MonitorDim{MonTag, MonCostUnit, MonResourceGroup, MonRegion}

// BuiltIn reports whether monitors on d are kept by the job rather than people.
func (d MonitorDim) BuiltIn() bool {
	return d == MonAccountProduct || d == MonAccount || d == MonProduct
}

// Monitor is one series watched for anomalies: a dimension value (a tag key and value, a
// cost unit, a resource group, a region, a product) within one account or across every
// account (AccountID 0), with its own settings.
type Monitor struct {
	ID        int64
	Name      string
	Dim       MonitorDim
	AccountID int64  // 0: every account
	Key       string // tag key (tag monitors)
	Value     string // product code, tag value, cost unit, resource group or region
	Settings  Settings
	Enabled   bool
	CreatedBy int64
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Limits of a monitor's fields.
const (
	MaxMonitorName = 100
	MaxMonitorKey  = 128
	MaxMonitorVal  = 200
	MaxImpactUnits = 1_000_000_000
)

// Validate checks a monitor a person creates or edits, naming the bad field.
func (m Monitor) Validate() error {
	if err := errs.Length("name", utf8.RuneCountInString(strings.TrimSpace(m.Name)), MaxMonitorName); err != nil {
		return err
	}
	if !slices.Contains(UserDims, m.Dim) && !m.Dim.BuiltIn() {
		return errs.UnknownValue("dimension", m.Dim, UserDims...)
	}
	if m.Dim == MonTag {
		if err := errs.Length("key", utf8.RuneCountInString(m.Key), MaxMonitorKey); err != nil {
			return err
		}
	}
	if m.Dim != MonTag && m.Key != "" {
		return errs.InvalidField("key", errs.ReasonNotAllowed, "is only for tag monitors")
	}
	if m.Dim != MonAccount || m.Value != "" {
		if err := errs.Length("value", utf8.RuneCountInString(m.Value), MaxMonitorVal); err != nil {
			return err
		}
	}
	if m.AccountID < 0 {
		return errs.BadID("accountId", strconv.FormatInt(m.AccountID, 10))
	}
	if m.Settings.MinImpact > MaxImpactUnits*1_000_000 {
		return errs.OutOfRange("minImpact", 0, MaxImpactUnits)
	}
	return m.Settings.Validate()
}

// Label is how the monitor is shown when it has no name of its own.
func (m Monitor) Label() string {
	if m.Name != "" {
		return m.Name
	}
	return m.Describe()
}

// Describe names what the monitor watches, e.g. "tag env=prod" or "product ecs".
func (m Monitor) Describe() string {
	switch m.Dim {
	case MonTag:
		return "tag " + m.Key + "=" + m.Value
	case MonAccount:
		return "account total"
	case MonAccountProduct, MonProduct:
		return "product " + m.Value
	}
	return string(m.Dim) + " " + m.Value
}

// LabelIn is Label in a language: the monitor's own name, else DescribeIn(lang).
func (m Monitor) LabelIn(lang string) string {
	if m.Name != "" {
		return m.Name
	}
	return m.DescribeIn(lang)
}

// DescribeIn names what the monitor watches for a reader of lang ("zh" or "en"), with the
// product's name rather than its code: "产品 云服务器 ECS", "product Elastic Compute Service".
func (m Monitor) DescribeIn(lang string) string {
	zh := !billing.English(lang)
	product := func() string {
		if n, ok := billing.ProductName(m.Value, lang); ok {
			return n
		}
		return m.Value
	}
	switch {
	case m.Dim == MonTag && zh:
		return "标签 " + m.Key + "=" + m.Value
	case m.Dim == MonAccount && zh:
		return "账号总费用"
	case (m.Dim == MonAccountProduct || m.Dim == MonProduct) && zh:
		return "产品 " + product()
	case m.Dim == MonAccountProduct || m.Dim == MonProduct:
		return "product " + product()
	}
	return m.Describe()
}

// Status is where a stored anomaly is in its life.
type Status string

const (
	StatusOpen         Status = "open"
	StatusAcknowledged Status = "acknowledged"
	StatusResolved     Status = "resolved"
	StatusDismissed    Status = "dismissed"
)

// Statuses lists every status.
var Statuses = []Status{StatusOpen, StatusAcknowledged, StatusResolved, StatusDismissed}

// Verdict is a person's feedback on an anomaly.
type Verdict string

const (
	Confirmed  Verdict = "confirmed"   // a real anomaly
	Expected   Verdict = "expected"    // a planned change: learn the new level
	NotAnomaly Verdict = "not_anomaly" // noise: do not flag these days
)

// Verdicts lists every verdict.
var Verdicts = []Verdict{Confirmed, Expected, NotAnomaly}

// ParseVerdict checks a verdict given in a request.
func ParseVerdict(s string) (Verdict, error) {
	v := Verdict(s)
	if !slices.Contains(Verdicts, v) {
		return "", errs.UnknownValue("verdict", v, Verdicts...)
	}
	return v, nil
}

// StatusAfter is the status an anomaly takes from a verdict.
func StatusAfter(v Verdict) Status {
	if v == Confirmed {
		return StatusAcknowledged
	}
	return StatusDismissed
}

// ResolveAfterDays: an anomaly with no feedback that ended this many days before the last
// judged day is resolved.
const ResolveAfterDays = 7

// Point is one day of an anomaly's series as the detail page draws it.
type Point struct {
	Date     string        `json:"date"`
	Actual   *money.Micros `json:"actual"` // nil: no complete bill that day
	Expected *money.Micros `json:"expected"`
	Lower    *money.Micros `json:"lower"`
	Upper    *money.Micros `json:"upper"`
}

// Record is an anomaly as stored: what Detect found for one monitor and currency, with its
// contributors, the series around it, and what people said about it.
type Record struct {
	ID           int64
	MonitorID    int64
	Monitor      Monitor
	AccountID    int64
	Currency     string
	StartDate    string // YYYY-MM-DD
	EndDate      string
	Kind         Kind
	Expected     money.Micros
	Actual       money.Micros
	Impact       money.Micros
	Score        float64
	Severity     Severity
	Status       Status
	Ongoing      bool
	DetectedOn   string
	Demo         bool
	Series       []Point
	Contributors []Contributor
	Verdict      Verdict
	Note         string
	FeedbackBy   int64
	FeedbackAt   *time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// DedupKey is the key of the one alert an anomaly raises.
func (r Record) DedupKey() string {
	return alert.DedupKey(string(alert.KindAnomaly), strconv.FormatInt(r.ID, 10))
}

// Alert is the alert a new anomaly raises, in English and Chinese, linking to its page under
// publicURL (no link when empty).
func (r Record) Alert(publicURL string, at time.Time) alert.Alert {
	what := r.Monitor.Label()
	dir, dirZh := "rose", "上升"
	if r.Impact < 0 {
		dir, dirZh = "fell", "下降"
	}
	days := r.StartDate
	if r.EndDate != r.StartDate {
		days += " to " + r.EndDate
	}
	title := fmt.Sprintf("Cost anomaly: %s %s by %s %s", what, dir, abs(r.Impact), r.Currency)
	titleZh := fmt.Sprintf("成本异常：%s %s %s %s", r.Monitor.LabelIn("zh"), dirZh, abs(r.Impact), r.Currency)
	text := fmt.Sprintf("%s (%s), %s.\nExpected %s %s, actual %s %s, impact %s %s, score %.1f.",
		kindText(r.Kind), days, r.Monitor.Describe(), r.Expected, r.Currency, r.Actual, r.Currency, r.Impact, r.Currency, r.Score)
	textZh := fmt.Sprintf("%s（%s），%s。\n预期 %s %s，实际 %s %s，影响 %s %s，评分 %.1f。",
		kindTextZh(r.Kind), strings.ReplaceAll(days, " to ", " 至 "), r.Monitor.DescribeIn("zh"), r.Expected, r.Currency, r.Actual, r.Currency, r.Impact, r.Currency, r.Score)
	if len(r.Contributors) > 0 {
		c := r.Contributors[0]
		text += fmt.Sprintf("\nTop contributor: %s %s (%s %s)", c.Dimension, c.Label, c.Delta, r.Currency)
		textZh += fmt.Sprintf("\n主要因素：%s %s（%s %s）", c.Dimension, c.Label, c.Delta, r.Currency)
	}
	data, _ := json.Marshal(map[string]any{"anomalyId": r.ID, "monitorId": r.MonitorID, "accountId": r.AccountID,
		"kind": r.Kind, "startDate": r.StartDate, "endDate": r.EndDate, "expected": r.Expected, "actual": r.Actual,
		"impact": r.Impact, "currency": r.Currency, "score": r.Score})
	url := ""
	if publicURL != "" {
		url = publicURL + "/anomalies/detail/?id=" + strconv.FormatInt(r.ID, 10)
	}
	sev := alert.SeverityInfo
	switch r.Severity {
	case SeverityCritical:
		sev = alert.SeverityCritical
	case SeverityWarning:
		sev = alert.SeverityWarning
	}
	return alert.Alert{Kind: alert.KindAnomaly, Severity: sev, Title: title, TitleZh: titleZh, Text: text, TextZh: textZh,
		URL: url, DedupKey: r.DedupKey(), Data: data, Impact: abs(r.Impact), CreatedAt: at}
}

func abs(m money.Micros) money.Micros {
	if m < 0 {
		return -m
	}
	return m
}

func kindText(k Kind) string {
	switch k {
	case Drop:
		return "Drop"
	case LevelShift:
		return "Level shift"
	}
	return "Spike"
}

func kindTextZh(k Kind) string {
	switch k {
	case Drop:
		return "骤降"
	case LevelShift:
		return "水平变化"
	}
	return "突增"
}
