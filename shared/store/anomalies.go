package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/anomaly"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

const monitorCols = "id, name, dimension, account_id, dim_key, dim_value, sensitivity, min_impact, min_impact_pct, enabled, created_by, created_at, updated_at"

func scanMonitor(sc interface{ Scan(...any) error }) (anomaly.Monitor, error) {
	var m anomaly.Monitor
	var dim string
	var pct int64
	d := anomaly.Defaults()
	err := sc.Scan(&m.ID, &m.Name, &dim, &m.AccountID, &m.Key, &m.Value, &d.Sensitivity, &d.MinImpact, &pct, &m.Enabled,
		&m.CreatedBy, timeCol{&m.CreatedAt}, timeCol{&m.UpdatedAt})
	m.Dim = anomaly.MonitorDim(dim)
	d.MinImpactPercent = float64(pct) / 100
	m.Settings = d
	return m, err
}

func pctArg(p float64) int64 { return int64(math.Round(p * 100)) }

// monitorScope keeps the monitors and anomalies a scope may see: those of granted accounts;
// organisation-wide ones (account 0) only with every account.
func monitorScope(col string, scope account.Scope) (string, []any) {
	if scope.All {
		return "1 = 1", nil
	}
	ids := uniqueIDs(scope.IDs)
	if len(ids) == 0 {
		return "1 = 0", nil
	}
	return col + " IN (" + placeholders(len(ids)) + ")", int64Args(ids)
}

// EnsureMonitors adds the monitors that are not stored yet (by dimension, account, key and
// value), leaving those that are, with whatever settings people gave them, as they are.
func (s *Store) EnsureMonitors(ctx context.Context, ms []anomaly.Monitor) error {
	cols := []string{"name", "dimension", "account_id", "dim_key", "dim_value", "sensitivity", "min_impact", "min_impact_pct",
		"enabled", "created_by", "created_at", "updated_at"}
	t := s.ts(now())
	for len(ms) > 0 {
		n := min(len(ms), 500)
		args := make([]any, 0, n*len(cols))
		for _, m := range ms[:n] {
			args = append(args, m.Name, string(m.Dim), m.AccountID, m.Key, m.Value, m.Settings.Sensitivity, int64(m.Settings.MinImpact),
				pctArg(m.Settings.MinImpactPercent), m.Enabled, m.CreatedBy, t, t)
		}
		q := s.dialect.Upsert("anomaly_monitors", cols, []string{"dimension", "account_id", "dim_key", "dim_value"}, nil, n)
		if _, err := s.db.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("store: ensure monitors: %w", Translate(err))
		}
		ms = ms[n:]
	}
	return nil
}

// ListMonitors returns the monitors scope may see, built-in first, then by id.
func (s *Store) ListMonitors(ctx context.Context, scope account.Scope) ([]anomaly.Monitor, error) {
	cond, args := monitorScope("account_id", scope)
	return s.monitorsWhere(ctx, cond, args...)
}

// AllMonitors returns every monitor, for the detection job.
func (s *Store) AllMonitors(ctx context.Context) ([]anomaly.Monitor, error) {
	return s.monitorsWhere(ctx, "1 = 1")
}

func (s *Store) monitorsWhere(ctx context.Context, cond string, args ...any) ([]anomaly.Monitor, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+monitorCols+" FROM anomaly_monitors WHERE "+cond+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: list monitors: %w", Translate(err))
	}
	defer rows.Close()
	out := []anomaly.Monitor{}
	for rows.Next() {
		m, err := scanMonitor(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list monitors: %w", Translate(err))
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list monitors: %w", Translate(err))
	}
	return out, nil
}

// GetMonitor returns monitor id when scope may see it.
func (s *Store) GetMonitor(ctx context.Context, scope account.Scope, id int64) (anomaly.Monitor, error) {
	cond, args := monitorScope("account_id", scope)
	ms, err := s.monitorsWhere(ctx, "id = ? AND "+cond, append([]any{id}, args...)...)
	if err != nil {
		return anomaly.Monitor{}, err
	}
	if len(ms) == 0 {
		return anomaly.Monitor{}, fmt.Errorf("store: get monitor %d: %w", id, errs.NotFound("monitor not found"))
	}
	return ms[0], nil
}

// CreateMonitor inserts m and sets its id and timestamps; a monitor on the same thing is
// KindConflict.
func (s *Store) CreateMonitor(ctx context.Context, m *anomaly.Monitor) error {
	t := now()
	res, err := s.db.ExecContext(ctx, "INSERT INTO anomaly_monitors (name, dimension, account_id, dim_key, dim_value, sensitivity, "+
		"min_impact, min_impact_pct, enabled, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		m.Name, string(m.Dim), m.AccountID, m.Key, m.Value, m.Settings.Sensitivity, int64(m.Settings.MinImpact),
		pctArg(m.Settings.MinImpactPercent), m.Enabled, m.CreatedBy, s.ts(t), s.ts(t))
	if err != nil {
		return fmt.Errorf("store: create monitor: %w", Translate(err))
	}
	if m.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("store: create monitor: %w", err)
	}
	m.CreatedAt, m.UpdatedAt = t, t
	return nil
}

// UpdateMonitor saves m's name, settings and enabled flag (what it watches does not change).
func (s *Store) UpdateMonitor(ctx context.Context, m anomaly.Monitor) error {
	res, err := s.db.ExecContext(ctx, "UPDATE anomaly_monitors SET name = ?, sensitivity = ?, min_impact = ?, min_impact_pct = ?, "+
		"enabled = ?, updated_at = ? WHERE id = ?", m.Name, m.Settings.Sensitivity, int64(m.Settings.MinImpact),
		pctArg(m.Settings.MinImpactPercent), m.Enabled, s.ts(now()), m.ID)
	if err != nil {
		return fmt.Errorf("store: update monitor: %w", Translate(err))
	}
	return rowsAffected(res, "monitor not found")
}

// DeleteMonitor removes monitor id and its anomalies.
func (s *Store) DeleteMonitor(ctx context.Context, id int64) error {
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM anomaly_feedback WHERE anomaly_id IN (SELECT id FROM anomalies WHERE monitor_id = ?)", id); err != nil {
			return fmt.Errorf("store: delete monitor: %w", Translate(err))
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM anomalies WHERE monitor_id = ?", id); err != nil {
			return fmt.Errorf("store: delete monitor: %w", Translate(err))
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM anomaly_monitors WHERE id = ?", id)
		if err != nil {
			return fmt.Errorf("store: delete monitor: %w", Translate(err))
		}
		return rowsAffected(res, "monitor not found")
	})
}

// AnomalyFilter narrows a list of anomalies. Empty fields do not filter.
type AnomalyFilter struct {
	Status     anomaly.Status
	AccountID  int64
	Start, End string // the anomaly overlaps Start..End (YYYY-MM-DD)
	MinImpact  money.Micros
	MonitorID  int64
	Limit      int
}

var anomalyCols = "a.id, a.monitor_id, a.account_id, a.currency, a.start_date, a.end_date, a.kind, a.expected, a.actual, a.impact, " +
	"a.score_centi, a.severity, a.status, a.ongoing, a.detected_on, a.demo, a.verdict, a.note, a.feedback_by, a.feedback_at, " +
	"a.created_at, a.updated_at, m." + strings.ReplaceAll(monitorCols, ", ", ", m.")

func scanAnomaly(sc interface{ Scan(...any) error }, extra ...any) (anomaly.Record, error) {
	var r anomaly.Record
	var kind, sev, status, verdict string
	var score int64
	var m anomaly.Monitor
	var mdim string
	var pct int64
	d := anomaly.Defaults()
	dest := []any{&r.ID, &r.MonitorID, &r.AccountID, &r.Currency, dateCol{&r.StartDate}, dateCol{&r.EndDate}, &kind, &r.Expected,
		&r.Actual, &r.Impact, &score, &sev, &status, &r.Ongoing, dateCol{&r.DetectedOn}, &r.Demo, &verdict, &r.Note, &r.FeedbackBy,
		nullTimeCol{&r.FeedbackAt}, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt},
		&m.ID, &m.Name, &mdim, &m.AccountID, &m.Key, &m.Value, &d.Sensitivity, &d.MinImpact, &pct, &m.Enabled,
		&m.CreatedBy, timeCol{&m.CreatedAt}, timeCol{&m.UpdatedAt}}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return r, err
	}
	m.Dim = anomaly.MonitorDim(mdim)
	d.MinImpactPercent = float64(pct) / 100
	m.Settings = d
	r.Monitor = m
	r.Kind, r.Severity, r.Status, r.Verdict = anomaly.Kind(kind), anomaly.Severity(sev), anomaly.Status(status), anomaly.Verdict(verdict)
	r.Score = float64(score) / 100
	return r, nil
}

// ListAnomalies returns the anomalies scope may see that match f, largest impact first.
func (s *Store) ListAnomalies(ctx context.Context, scope account.Scope, f AnomalyFilter) ([]anomaly.Record, error) {
	cond, args := monitorScope("a.account_id", scope)
	where := []string{cond}
	if f.Status != "" {
		where, args = append(where, "a.status = ?"), append(args, string(f.Status))
	}
	if f.AccountID != 0 {
		where, args = append(where, "a.account_id = ?"), append(args, f.AccountID)
	}
	if f.Start != "" {
		where, args = append(where, "a.end_date >= ?"), append(args, f.Start)
	}
	if f.End != "" {
		where, args = append(where, "a.start_date <= ?"), append(args, f.End)
	}
	if f.MinImpact > 0 {
		where, args = append(where, "a.abs_impact >= ?"), append(args, int64(f.MinImpact))
	}
	if f.MonitorID != 0 {
		where, args = append(where, "a.monitor_id = ?"), append(args, f.MonitorID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, "SELECT "+anomalyCols+" FROM anomalies a JOIN anomaly_monitors m ON m.id = a.monitor_id WHERE "+
		strings.Join(where, " AND ")+" ORDER BY a.abs_impact DESC, a.id LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, fmt.Errorf("store: list anomalies: %w", Translate(err))
	}
	defer rows.Close()
	out := []anomaly.Record{}
	for rows.Next() {
		r, err := scanAnomaly(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list anomalies: %w", Translate(err))
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list anomalies: %w", Translate(err))
	}
	return out, nil
}

// storedContributor is a contributor as the contributors column keeps it.
// Amounts are plain integers: money.Micros marshals to cents, and stored figures stay exact.
type storedContributor struct {
	Dimension string  `json:"d"`
	Key       string  `json:"k"`
	Label     string  `json:"l"`
	Expected  int64   `json:"e"`
	Actual    int64   `json:"a"`
	Delta     int64   `json:"x"`
	Share     float64 `json:"s"`
}

// storedPoint is a day of an anomaly's series as the series column keeps it.
type storedPoint struct {
	Date     string `json:"t"`
	Actual   *int64 `json:"a,omitempty"`
	Expected *int64 `json:"e,omitempty"`
	Lower    *int64 `json:"l,omitempty"`
	Upper    *int64 `json:"u,omitempty"`
}

func microsPtr(v *int64) *money.Micros {
	if v == nil {
		return nil
	}
	m := money.Micros(*v)
	return &m
}

func int64Ptr(v *money.Micros) *int64 {
	if v == nil {
		return nil
	}
	i := int64(*v)
	return &i
}

// GetAnomaly returns anomaly id with its series and contributors when scope may see it.
func (s *Store) GetAnomaly(ctx context.Context, scope account.Scope, id int64) (anomaly.Record, error) {
	cond, args := monitorScope("a.account_id", scope)
	var series, contrib string
	row := s.db.QueryRowContext(ctx, "SELECT "+anomalyCols+", a.series, a.contributors FROM anomalies a JOIN anomaly_monitors m ON m.id = a.monitor_id "+
		"WHERE a.id = ? AND "+cond, append([]any{id}, args...)...)
	r, err := scanAnomaly(row, &series, &contrib)
	if err == sql.ErrNoRows {
		return r, fmt.Errorf("store: get anomaly %d: %w", id, errs.NotFound("anomaly not found"))
	}
	if err != nil {
		return r, fmt.Errorf("store: get anomaly %d: %w", id, Translate(err))
	}
	var pts []storedPoint
	if err := json.Unmarshal([]byte(series), &pts); err != nil {
		return r, fmt.Errorf("store: anomaly %d series: %w", id, err)
	}
	r.Series = make([]anomaly.Point, len(pts))
	for i, p := range pts {
		r.Series[i] = anomaly.Point{Date: p.Date, Actual: microsPtr(p.Actual), Expected: microsPtr(p.Expected),
			Lower: microsPtr(p.Lower), Upper: microsPtr(p.Upper)}
	}
	var cs []storedContributor
	if err := json.Unmarshal([]byte(contrib), &cs); err != nil {
		return r, fmt.Errorf("store: anomaly %d contributors: %w", id, err)
	}
	r.Contributors = make([]anomaly.Contributor, len(cs))
	for i, c := range cs {
		r.Contributors[i] = anomaly.Contributor{Dimension: c.Dimension, Key: c.Key, Label: c.Label, Expected: money.Micros(c.Expected),
			Actual: money.Micros(c.Actual), Delta: money.Micros(c.Delta), Share: c.Share}
	}
	return r, nil
}

// MonitorAnomalies returns the stored anomalies of every monitor that end on or after from
// (without series and contributors), for the job to compare its findings with.
func (s *Store) MonitorAnomalies(ctx context.Context, from string) ([]anomaly.Record, error) {
	return s.ListAnomalies(ctx, account.AllAccounts, AnomalyFilter{Start: from, Limit: math.MaxInt32})
}

// SetFeedback records verdict and note on anomaly id by userID (visible to scope): the
// anomaly takes the verdict's status, and later detection treats its days accordingly.
func (s *Store) SetFeedback(ctx context.Context, scope account.Scope, id int64, v anomaly.Verdict, note string, userID int64, at time.Time) error {
	if _, err := s.GetAnomaly(ctx, scope, id); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO anomaly_feedback (anomaly_id, verdict, note, user_id, created_at) VALUES (?, ?, ?, ?, ?)",
			id, string(v), truncate(note, 2000), userID, s.ts(at)); err != nil {
			return fmt.Errorf("store: feedback: %w", Translate(err))
		}
		_, err := tx.ExecContext(ctx, "UPDATE anomalies SET verdict = ?, note = ?, feedback_by = ?, feedback_at = ?, status = ?, updated_at = ? WHERE id = ?",
			string(v), truncate(note, 2000), userID, s.ts(at), string(anomaly.StatusAfter(v)), s.ts(at), id)
		if err != nil {
			return fmt.Errorf("store: feedback: %w", Translate(err))
		}
		return nil
	})
}

// Detection is what one detection run found for one monitor and currency over the judged
// days From..To: Found replaces the stored anomalies of those days.
type Detection struct {
	MonitorID int64
	Currency  string
	From, To  string
	Found     []anomaly.Record
}

// DetectionResult counts what SaveDetection changed.
type DetectionResult struct {
	Inserted, Updated, Withdrawn, Unchanged int
	Raised                                  []alert.Alert
}

// SaveDetection brings the stored anomalies of d's monitor and currency in line with d.Found,
// in one transaction with the alerts of new anomalies (alertFor builds them once the anomaly
// has its id; nil raises none). A found anomaly overlapping a stored one updates it (keeping
// its id, feedback and status); a new one is inserted; a stored one without feedback that no
// longer appears within From..To (its bills were corrected) is withdrawn with its alert. Rerun
// on the same bills, it changes nothing.
func (s *Store) SaveDetection(ctx context.Context, d Detection, at time.Time, alertFor func(anomaly.Record) alert.Alert) (DetectionResult, error) {
	var out DetectionResult
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		out = DetectionResult{}
		rows, err := tx.QueryContext(ctx, "SELECT id, start_date, end_date, verdict, status, expected, actual, kind, ongoing, severity, score_centi, series, contributors "+
			"FROM anomalies WHERE monitor_id = ? AND currency = ? AND end_date >= ?"+s.forUpdate(), d.MonitorID, d.Currency, d.From)
		if err != nil {
			return fmt.Errorf("store: save detection: %w", Translate(err))
		}
		type stored struct {
			id                          int64
			start, end, verdict, status string
			expected, actual            int64
			kind, sev, series, contrib  string
			ongoing                     bool
			score                       int64
			matched                     bool
		}
		var have []*stored
		for rows.Next() {
			var st stored
			if err := rows.Scan(&st.id, dateCol{&st.start}, dateCol{&st.end}, &st.verdict, &st.status, &st.expected, &st.actual, &st.kind,
				&st.ongoing, &st.sev, &st.score, &st.series, &st.contrib); err != nil {
				rows.Close()
				return fmt.Errorf("store: save detection: %w", Translate(err))
			}
			have = append(have, &st)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("store: save detection: %w", Translate(err))
		}
		for _, r := range d.Found {
			series, contrib, err := encodeRecord(r)
			if err != nil {
				return err
			}
			var match *stored
			for _, h := range have {
				if h.matched || h.start > r.EndDate || h.end < r.StartDate {
					continue
				}
				match = h
				break
			}
			if match != nil && r.Contributors == nil {
				// The caller kept the contributors it found before: the anomaly's days and
				// figures did not change.
				contrib = match.contrib
			}
			status := string(r.Status)
			if match != nil {
				match.matched = true
				if match.verdict != "" {
					status = match.status
				}
				if match.start == r.StartDate && match.end == r.EndDate && match.expected == int64(r.Expected) &&
					match.actual == int64(r.Actual) && match.kind == string(r.Kind) && match.ongoing == r.Ongoing &&
					match.status == status && match.sev == string(r.Severity) && match.score == scoreArg(r.Score) &&
					match.series == series && match.contrib == contrib {
					out.Unchanged++
					continue
				}
				if _, err := tx.ExecContext(ctx, "UPDATE anomalies SET start_date = ?, end_date = ?, kind = ?, expected = ?, actual = ?, impact = ?, "+
					"abs_impact = ?, score_centi = ?, severity = ?, status = ?, ongoing = ?, series = ?, contributors = ?, updated_at = ? WHERE id = ?",
					r.StartDate, r.EndDate, string(r.Kind), int64(r.Expected), int64(r.Actual), int64(r.Impact), absArg(r.Impact),
					scoreArg(r.Score), string(r.Severity), status, r.Ongoing, series, contrib, s.ts(at), match.id); err != nil {
					return fmt.Errorf("store: save detection: %w", Translate(err))
				}
				out.Updated++
				continue
			}
			res, err := tx.ExecContext(ctx, "INSERT INTO anomalies (monitor_id, account_id, currency, start_date, end_date, kind, expected, actual, "+
				"impact, abs_impact, score_centi, severity, status, ongoing, detected_on, demo, series, contributors, created_at, updated_at) "+
				"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				d.MonitorID, r.AccountID, d.Currency, r.StartDate, r.EndDate, string(r.Kind), int64(r.Expected), int64(r.Actual),
				int64(r.Impact), absArg(r.Impact), scoreArg(r.Score), string(r.Severity), status, r.Ongoing, r.DetectedOn, r.Demo,
				series, contrib, s.ts(at), s.ts(at))
			if err != nil {
				return fmt.Errorf("store: save detection: %w", Translate(err))
			}
			if r.ID, err = res.LastInsertId(); err != nil {
				return fmt.Errorf("store: save detection: %w", err)
			}
			out.Inserted++
			if alertFor != nil {
				raised, err := s.RaiseAlertsTx(ctx, tx, at, alertFor(r))
				if err != nil {
					return err
				}
				out.Raised = append(out.Raised, raised...)
			}
		}
		var gone []string
		for _, h := range have {
			if h.matched || h.verdict != "" || h.start < d.From || h.start > d.To {
				continue
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM anomalies WHERE id = ?", h.id); err != nil {
				return fmt.Errorf("store: save detection: %w", Translate(err))
			}
			gone = append(gone, anomaly.Record{ID: h.id}.DedupKey())
			out.Withdrawn++
		}
		_, err = s.ResolveAlertsTx(ctx, tx, at, gone...)
		return err
	})
	return out, err
}

func absArg(m money.Micros) int64 {
	if m < 0 {
		return -int64(m)
	}
	return int64(m)
}

func scoreArg(v float64) int64 { return int64(math.Round(v * 100)) }

func encodeRecord(r anomaly.Record) (series, contrib string, err error) {
	pts := make([]storedPoint, len(r.Series))
	for i, p := range r.Series {
		pts[i] = storedPoint{Date: p.Date, Actual: int64Ptr(p.Actual), Expected: int64Ptr(p.Expected), Lower: int64Ptr(p.Lower), Upper: int64Ptr(p.Upper)}
	}
	b, err := json.Marshal(pts)
	if err != nil {
		return "", "", fmt.Errorf("store: anomaly series: %w", err)
	}
	cs := make([]storedContributor, len(r.Contributors))
	for i, c := range r.Contributors {
		cs[i] = storedContributor{Dimension: c.Dimension, Key: c.Key, Label: c.Label, Expected: int64(c.Expected),
			Actual: int64(c.Actual), Delta: int64(c.Delta), Share: c.Share}
	}
	c, err := json.Marshal(cs)
	if err != nil {
		return "", "", fmt.Errorf("store: anomaly contributors: %w", err)
	}
	return string(b), string(c), nil
}
