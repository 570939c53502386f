package apijson

import (
	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/money"
)

// MonitorRef names the monitor an anomaly was found on.
type MonitorRef struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Label string `json:"label"`
}

// Anomaly is one anomaly of GET /api/v1/anomaly.
type Anomaly struct {
	ID         int64        `json:"id"`
	Monitor    MonitorRef   `json:"monitor"`
	AccountID  int64        `json:"accountId"`
	Dimension  string       `json:"dimension"`
	Key        string       `json:"key"`
	Value      string       `json:"value"`
	StartDate  string       `json:"startDate"`
	EndDate    string       `json:"endDate"`
	Kind       string       `json:"kind"`
	Expected   money.Micros `json:"expected"`
	Actual     money.Micros `json:"actual"`
	Impact     money.Micros `json:"impact"`
	Currency   string       `json:"currency"`
	Score      float64      `json:"score"`
	Severity   string       `json:"severity"`
	Status     string       `json:"status"`
	Ongoing    bool         `json:"ongoing"`
	DetectedOn string       `json:"detectedOn"`
	Demo       bool         `json:"demo"`
	Verdict    *string      `json:"verdict"`
	Note       string       `json:"note"`
}

// NewAnomaly is r as listed.
func NewAnomaly(r anomaly.Record) Anomaly {
	out := Anomaly{ID: r.ID, Monitor: MonitorRef{ID: r.Monitor.ID, Name: r.Monitor.Name, Label: r.Monitor.Label()},
		AccountID: r.AccountID, Dimension: string(r.Monitor.Dim), Key: r.Monitor.Key, Value: r.Monitor.Value,
		StartDate: r.StartDate, EndDate: r.EndDate, Kind: string(r.Kind), Expected: r.Expected, Actual: r.Actual,
		Impact: r.Impact, Currency: r.Currency, Score: r.Score, Severity: string(r.Severity), Status: string(r.Status),
		Ongoing: r.Ongoing, DetectedOn: r.DetectedOn, Demo: r.Demo, Note: r.Note}
	if r.Verdict != "" {
		v := string(r.Verdict)
		out.Verdict = &v
	}
	return out
}

// Contributor is a part of an anomaly's impact: Delta of it, Share (of the impact) of the whole.
type Contributor struct {
	Dimension string       `json:"dimension"`
	Key       string       `json:"key"`
	Label     string       `json:"label"`
	Expected  money.Micros `json:"expected"`
	Actual    money.Micros `json:"actual"`
	Delta     money.Micros `json:"delta"`
	Share     float64      `json:"share"`
}

// NewContributor is c as answered.
func NewContributor(c anomaly.Contributor) Contributor {
	return Contributor{Dimension: c.Dimension, Key: c.Key, Label: c.Label, Expected: c.Expected, Actual: c.Actual, Delta: c.Delta, Share: c.Share}
}

// Point is a day of an anomaly's series against its expected band (nil: no complete bill).
type Point struct {
	Date     string        `json:"date"`
	Actual   *money.Micros `json:"actual"`
	Expected *money.Micros `json:"expected"`
	Lower    *money.Micros `json:"lower"`
	Upper    *money.Micros `json:"upper"`
}

// AnomalyDetail is GET /api/v1/anomaly/{id}: the anomaly with its series and contributors.
type AnomalyDetail struct {
	Anomaly
	Series       []Point       `json:"series"`
	Contributors []Contributor `json:"contributors"`
}

// NewAnomalyDetail is r with its series and contributors.
func NewAnomalyDetail(r anomaly.Record) AnomalyDetail {
	out := AnomalyDetail{Anomaly: NewAnomaly(r), Series: make([]Point, len(r.Series)), Contributors: make([]Contributor, len(r.Contributors))}
	for i, pt := range r.Series {
		out.Series[i] = Point(pt)
	}
	for i, c := range r.Contributors {
		out.Contributors[i] = NewContributor(c)
	}
	return out
}
