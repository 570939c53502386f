package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// ---- channels ----

const channelColumns = "id, type, name, url, recipients, language, secret_enc, secret_ref, created_at, updated_at"

func scanChannel(sc interface{ Scan(...any) error }) (alert.Channel, error) {
	var c alert.Channel
	var typ, lang, recipients string
	err := sc.Scan(&c.ID, &typ, &c.Name, &c.URL, &recipients, &lang, &c.SecretEnc, &c.SecretRef,
		timeCol{&c.CreatedAt}, timeCol{&c.UpdatedAt})
	c.Type, c.Language = alert.ChannelType(typ), alert.Language(lang)
	c.Recipients = []string{}
	if recipients != "" {
		c.Recipients = strings.Split(recipients, "\n")
	}
	return c, err
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("store: random: %v", err)) // crypto/rand does not fail on supported systems
	}
	return hex.EncodeToString(b)
}

// CreateChannel inserts c and sets its ID and timestamps. c.SecretRef must be set when a
// secret is (see alert.NewSecretRef); one is made when it is empty.
func (s *Store) CreateChannel(ctx context.Context, c *alert.Channel) error {
	if c.SecretRef == "" {
		if c.HasSecret() {
			return errs.Invalid("store: a channel secret must be sealed to its SecretRef")
		}
		c.SecretRef = alert.NewSecretRef()
	}
	t := now()
	res, err := s.db.ExecContext(ctx, "INSERT INTO alert_channels (type, name, url, recipients, language, secret_enc, "+
		"secret_ref, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		string(c.Type), c.Name, c.URL, strings.Join(c.Recipients, "\n"), string(c.Language), secretArg(c.SecretEnc),
		c.SecretRef, s.ts(t), s.ts(t))
	if err != nil {
		return fmt.Errorf("store: create alert channel: %w", Translate(err))
	}
	if c.ID, err = res.LastInsertId(); err != nil {
		return fmt.Errorf("store: create alert channel: %w", err)
	}
	c.CreatedAt, c.UpdatedAt = t, t
	if c.Recipients == nil {
		c.Recipients = []string{}
	}
	return nil
}

// GetChannel returns channel id, or KindNotFound.
func (s *Store) GetChannel(ctx context.Context, id int64) (alert.Channel, error) {
	c, err := scanChannel(s.db.QueryRowContext(ctx, "SELECT "+channelColumns+" FROM alert_channels WHERE id = ?", id))
	if err != nil {
		return alert.Channel{}, fmt.Errorf("store: get alert channel %d: %w", id, notFound(err, "alert channel not found"))
	}
	return c, nil
}

// ListChannels returns every channel ordered by name.
func (s *Store) ListChannels(ctx context.Context) ([]alert.Channel, error) {
	return s.channelsWhere(ctx, "1 = 1")
}

func (s *Store) channelsWhere(ctx context.Context, cond string, args ...any) ([]alert.Channel, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+channelColumns+" FROM alert_channels WHERE "+cond+" ORDER BY name, id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: list alert channels: %w", Translate(err))
	}
	defer rows.Close()
	out := []alert.Channel{}
	for rows.Next() {
		c, err := scanChannel(rows)
		if err != nil {
			return nil, fmt.Errorf("store: list alert channels: %w", err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list alert channels: %w", Translate(err))
	}
	return out, nil
}

// UpdateChannel saves every editable field of c. The encrypted secret is replaced only when a
// new one is given (sealed to the stored SecretRef), because the API never sends it back;
// clearSecret removes it instead.
func (s *Store) UpdateChannel(ctx context.Context, c alert.Channel, clearSecret bool) error {
	q := "UPDATE alert_channels SET type = ?, name = ?, url = ?, recipients = ?, language = ?, updated_at = ?"
	args := []any{string(c.Type), c.Name, c.URL, strings.Join(c.Recipients, "\n"), string(c.Language), s.ts(now())}
	switch {
	case c.HasSecret():
		q += ", secret_enc = ?"
		args = append(args, c.SecretEnc)
	case clearSecret:
		q += ", secret_enc = NULL"
	}
	res, err := s.db.ExecContext(ctx, q+" WHERE id = ?", append(args, c.ID)...)
	if err != nil {
		return fmt.Errorf("store: update alert channel %d: %w", c.ID, Translate(err))
	}
	if err := rowsAffected(res, "alert channel not found"); err != nil {
		return fmt.Errorf("store: update alert channel %d: %w", c.ID, err)
	}
	return nil
}

// DeleteChannel removes the channel and takes it out of every rule. Its past deliveries stay
// in the history.
func (s *Store) DeleteChannel(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, "DELETE FROM alert_channels WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete alert channel %d: %w", id, Translate(err))
	}
	if err := rowsAffected(res, "alert channel not found"); err != nil {
		return fmt.Errorf("store: delete alert channel %d: %w", id, err)
	}
	return nil
}

// ---- rules ----

const ruleColumns = "id, name, kind, enabled, budget_ids, min_severity, min_impact, quiet_start, quiet_end, quiet_tz, " +
	"created_at, updated_at"

func scanRule(sc interface{ Scan(...any) error }) (alert.Rule, error) {
	var r alert.Rule
	var kind, sev, budgetIDs string
	var impact int64
	err := sc.Scan(&r.ID, &r.Name, &kind, &r.Enabled, &budgetIDs, &sev, &impact, &r.Quiet.Start, &r.Quiet.End,
		&r.Quiet.TimeZone, timeCol{&r.CreatedAt}, timeCol{&r.UpdatedAt})
	if err != nil {
		return r, err
	}
	r.Kind, r.MinSeverity, r.MinImpact = alert.Kind(kind), alert.Severity(sev), money.Micros(impact)
	r.BudgetIDs, err = parseIDList(budgetIDs)
	r.ChannelIDs = []int64{}
	return r, err
}

func parseIDList(s string) ([]int64, error) {
	out := []int64{}
	if s == "" {
		return out, nil
	}
	for p := range strings.SplitSeq(s, ",") {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("store: bad id list %q", s)
		}
		out = append(out, id)
	}
	return out, nil
}

func formatIDList(ids []int64) string {
	u := uniqueIDs(ids)
	parts := make([]string, len(u))
	for i, id := range u {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// setRuleChannels replaces the channels of rule id, refusing ids that name no channel.
func (s *Store) setRuleChannels(ctx context.Context, tx *sql.Tx, id int64, channelIDs []int64) error {
	ids := uniqueIDs(channelIDs)
	if len(ids) > 0 {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM alert_channels WHERE id IN ("+placeholders(len(ids))+")",
			int64Args(ids)...).Scan(&n); err != nil {
			return err
		}
		if n != len(ids) {
			return errs.InvalidField("channelIds", errs.ReasonNoSuch, "a channel does not exist")
		}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM alert_rule_channels WHERE rule_id = ?", id); err != nil {
		return err
	}
	for _, c := range ids {
		if _, err := tx.ExecContext(ctx, "INSERT INTO alert_rule_channels (rule_id, channel_id) VALUES (?, ?)", id, c); err != nil {
			return err
		}
	}
	return nil
}

func (s *Store) ruleArgs(r alert.Rule) []any {
	return []any{r.Name, string(r.Kind), r.Enabled, formatIDList(r.BudgetIDs), string(r.MinSeverity), int64(r.MinImpact),
		r.Quiet.Start, r.Quiet.End, r.Quiet.TimeZone}
}

// CreateRule inserts r with its channels and sets its ID and timestamps. A channel id that
// names no channel is KindInvalid.
func (s *Store) CreateRule(ctx context.Context, r *alert.Rule) error {
	t := now()
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "INSERT INTO alert_rules (name, kind, enabled, budget_ids, min_severity, min_impact, "+
			"quiet_start, quiet_end, quiet_tz, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			append(s.ruleArgs(*r), s.ts(t), s.ts(t))...)
		if err != nil {
			return err
		}
		if r.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		return s.setRuleChannels(ctx, tx, r.ID, r.ChannelIDs)
	})
	if err != nil {
		r.ID = 0
		return fmt.Errorf("store: create alert rule: %w", err)
	}
	r.CreatedAt, r.UpdatedAt, r.ChannelIDs = t, t, uniqueIDs(r.ChannelIDs)
	return nil
}

// UpdateRule saves every editable field of r, its channels included.
func (s *Store) UpdateRule(ctx context.Context, r alert.Rule) error {
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE alert_rules SET name = ?, kind = ?, enabled = ?, budget_ids = ?, "+
			"min_severity = ?, min_impact = ?, quiet_start = ?, quiet_end = ?, quiet_tz = ?, updated_at = ? WHERE id = ?",
			append(s.ruleArgs(r), s.ts(now()), r.ID)...)
		if err != nil {
			return err
		}
		if err := rowsAffected(res, "alert rule not found"); err != nil {
			return err
		}
		return s.setRuleChannels(ctx, tx, r.ID, r.ChannelIDs)
	})
	if err != nil {
		return fmt.Errorf("store: update alert rule %d: %w", r.ID, err)
	}
	return nil
}

// DeleteRule removes rule id.
func (s *Store) DeleteRule(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, "DELETE FROM alert_rules WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("store: delete alert rule %d: %w", id, Translate(err))
	}
	if err := rowsAffected(res, "alert rule not found"); err != nil {
		return fmt.Errorf("store: delete alert rule %d: %w", id, err)
	}
	return nil
}

// GetRule returns rule id with its channel ids, or KindNotFound.
func (s *Store) GetRule(ctx context.Context, id int64) (alert.Rule, error) {
	rules, err := s.rulesWhere(ctx, "id = ?", id)
	if err != nil {
		return alert.Rule{}, fmt.Errorf("store: get alert rule %d: %w", id, err)
	}
	if len(rules) == 0 {
		return alert.Rule{}, fmt.Errorf("store: get alert rule %d: %w", id, errs.NotFound("alert rule not found"))
	}
	return rules[0], nil
}

// ListRules returns the rules of kind (every kind when empty) ordered by name, with their
// channel ids: what alert.Route needs.
func (s *Store) ListRules(ctx context.Context, kind alert.Kind) ([]alert.Rule, error) {
	if kind == "" {
		return s.rulesWhere(ctx, "1 = 1")
	}
	return s.rulesWhere(ctx, "kind = ?", string(kind))
}

func (s *Store) rulesWhere(ctx context.Context, cond string, args ...any) ([]alert.Rule, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+ruleColumns+" FROM alert_rules WHERE "+cond+" ORDER BY name, id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: list alert rules: %w", Translate(err))
	}
	out := []alert.Rule{}
	byID := map[int64]int{}
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: list alert rules: %w", err)
		}
		byID[r.ID] = len(out)
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list alert rules: %w", Translate(err))
	}
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, 0, len(out))
	for _, r := range out {
		ids = append(ids, r.ID)
	}
	rows, err = s.db.QueryContext(ctx, "SELECT rule_id, channel_id FROM alert_rule_channels WHERE rule_id IN ("+
		placeholders(len(ids))+") ORDER BY rule_id, channel_id", int64Args(ids)...)
	if err != nil {
		return nil, fmt.Errorf("store: list alert rule channels: %w", Translate(err))
	}
	defer rows.Close()
	for rows.Next() {
		var rule, ch int64
		if err := rows.Scan(&rule, &ch); err != nil {
			return nil, fmt.Errorf("store: list alert rule channels: %w", err)
		}
		r := &out[byID[rule]]
		r.ChannelIDs = append(r.ChannelIDs, ch)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list alert rule channels: %w", Translate(err))
	}
	return out, nil
}

// ---- alerts ----

const alertColumns = "id, kind, state, severity, title, body, title_zh, body_zh, url, dedup_key, data, budget_id, impact, " +
	"created_at, fired_at, acknowledged_at, acknowledged_by, snoozed_until, resolved_at"

func scanAlert(sc interface{ Scan(...any) error }) (alert.Alert, error) {
	var a alert.Alert
	var kind, state, sev, data string
	var impact int64
	err := sc.Scan(&a.ID, &kind, &state, &sev, &a.Title, &a.Text, &a.TitleZh, &a.TextZh, &a.URL, &a.DedupKey, &data,
		&a.BudgetID, &impact, timeCol{&a.CreatedAt}, timeCol{&a.FiredAt}, nullTimeCol{&a.AcknowledgedAt},
		&a.AcknowledgedBy, nullTimeCol{&a.SnoozedUntil}, nullTimeCol{&a.ResolvedAt})
	a.Kind, a.State, a.Severity, a.Impact = alert.Kind(kind), alert.State(state), alert.Severity(sev), money.Micros(impact)
	if data != "" {
		a.Data = []byte(data)
	}
	a.Deliveries = []alert.Delivery{}
	return a, err
}

// forUpdate is the locking suffix of a SELECT that must see, and hold, the latest committed
// row. SQLite needs none: its write transactions run one at a time.
func (s *Store) forUpdate() string {
	if s.dialect == MySQL {
		return " FOR UPDATE"
	}
	return ""
}

// RaiseAlerts runs change (the state change that raised the alerts, e.g. a budget check's
// record of what it saw; nil for none) and RaiseAlertsTx in one transaction: either both are
// stored or neither, so an alert is never lost or raised for a change that did not happen.
func (s *Store) RaiseAlerts(ctx context.Context, at time.Time, change func(tx *sql.Tx) error, alerts ...alert.Alert) ([]alert.Alert, error) {
	var raised []alert.Alert
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		if change != nil {
			if err := change(tx); err != nil {
				return err
			}
		}
		var err error
		raised, err = s.RaiseAlertsTx(ctx, tx, at, alerts...)
		return err
	})
	if err != nil {
		return nil, err
	}
	return raised, nil
}

// RaiseAlertsTx stores each alert with its pending deliveries (alert.Route makes them) inside
// tx, idempotently by dedup key: an alert whose key is already firing or acknowledged changes
// nothing; one that was resolved fires again with new deliveries (spend crossed back over).
// It returns the alerts that were raised or fired again, with their ids and deliveries, so the
// caller knows whether to start the dispatcher.
func (s *Store) RaiseAlertsTx(ctx context.Context, tx *sql.Tx, at time.Time, alerts ...alert.Alert) ([]alert.Alert, error) {
	at = at.UTC().Truncate(time.Microsecond)
	raised := []alert.Alert{}
	for _, a := range alerts {
		if err := a.Validate(); err != nil {
			return nil, fmt.Errorf("store: raise alert: %w", err)
		}
		fresh, err := s.raiseOne(ctx, tx, at, &a)
		if err != nil {
			return nil, fmt.Errorf("store: raise alert %q: %w", a.DedupKey, Translate(err))
		}
		if !fresh {
			continue
		}
		deliveries := make([]alert.Delivery, 0, len(a.Deliveries))
		seen := map[int64]bool{}
		for _, d := range a.Deliveries {
			if seen[d.ChannelID] { // one message per channel, however many rules name it
				continue
			}
			seen[d.ChannelID] = true
			d.AlertID, d.Status, d.Attempts, d.LastError, d.SentAt, d.CreatedAt = a.ID, alert.DeliveryPending, 0, "", nil, at
			if d.NextAttemptAt.IsZero() {
				d.NextAttemptAt = at
			}
			d.NextAttemptAt = d.NextAttemptAt.UTC().Truncate(time.Microsecond)
			res, err := tx.ExecContext(ctx, "INSERT INTO alert_deliveries (alert_id, channel_id, status, attempts, last_error, "+
				"next_attempt_at, created_at) VALUES (?, ?, ?, 0, '', ?, ?)",
				a.ID, d.ChannelID, string(alert.DeliveryPending), s.ts(d.NextAttemptAt), s.ts(at))
			if err != nil {
				return nil, fmt.Errorf("store: raise alert %q: delivery: %w", a.DedupKey, Translate(err))
			}
			if d.ID, err = res.LastInsertId(); err != nil {
				return nil, fmt.Errorf("store: raise alert %q: delivery: %w", a.DedupKey, err)
			}
			deliveries = append(deliveries, d)
		}
		a.Deliveries = deliveries
		raised = append(raised, a)
	}
	return raised, nil
}

// raiseOne inserts a, or fires its resolved namesake again, and reports whether either
// happened; a.ID and the state fields are set from the stored row.
func (s *Store) raiseOne(ctx context.Context, tx *sql.Tx, at time.Time, a *alert.Alert) (bool, error) {
	data := string(a.Data)
	if data == "" {
		data = "{}"
	}
	res, err := tx.ExecContext(ctx, "INSERT INTO alerts (kind, state, severity, title, body, title_zh, body_zh, url, dedup_key, "+
		"data, budget_id, impact, created_at, fired_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		string(a.Kind), string(alert.StateFiring), string(a.Severity), a.Title, a.Text, a.TitleZh, a.TextZh, a.URL,
		a.DedupKey, data, a.BudgetID, int64(a.Impact), s.ts(at), s.ts(at))
	if err == nil {
		a.ID, err = res.LastInsertId()
		a.State, a.CreatedAt, a.FiredAt = alert.StateFiring, at, at
		a.AcknowledgedAt, a.AcknowledgedBy, a.SnoozedUntil, a.ResolvedAt = nil, 0, nil, nil
		return err == nil, err
	}
	if !errs.Is(Translate(err), errs.KindConflict) {
		return false, err
	}
	// The key exists (perhaps committed by a concurrent raise this insert waited for): a
	// locking read sees the latest committed row whatever this transaction read before.
	var state string
	if err := tx.QueryRowContext(ctx, "SELECT id, state FROM alerts WHERE dedup_key = ?"+s.forUpdate(), a.DedupKey).
		Scan(&a.ID, &state); err != nil {
		return false, err
	}
	if alert.State(state) != alert.StateResolved {
		return false, nil
	}
	res, err = tx.ExecContext(ctx, "UPDATE alerts SET state = ?, severity = ?, title = ?, body = ?, title_zh = ?, body_zh = ?, "+
		"url = ?, data = ?, budget_id = ?, impact = ?, fired_at = ?, acknowledged_at = NULL, acknowledged_by = 0, "+
		"resolved_at = NULL WHERE id = ? AND state = ?",
		string(alert.StateFiring), string(a.Severity), a.Title, a.Text, a.TitleZh, a.TextZh, a.URL, data, a.BudgetID,
		int64(a.Impact), s.ts(at), a.ID, string(alert.StateResolved))
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	stored, err := scanAlert(tx.QueryRowContext(ctx, "SELECT "+alertColumns+" FROM alerts WHERE id = ?", a.ID))
	if err != nil {
		return false, err
	}
	a.State, a.CreatedAt, a.FiredAt, a.SnoozedUntil = stored.State, stored.CreatedAt, stored.FiredAt, stored.SnoozedUntil
	a.AcknowledgedAt, a.AcknowledgedBy, a.ResolvedAt = nil, 0, nil
	return true, nil
}

// ResolveAlerts marks the alerts with these dedup keys resolved (spend fell back under a
// threshold, a sync recovered) and returns how many changed; resolved or unknown keys are
// left alone.
func (s *Store) ResolveAlerts(ctx context.Context, at time.Time, dedupKeys ...string) (int64, error) {
	var n int64
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = s.ResolveAlertsTx(ctx, tx, at, dedupKeys...)
		return err
	})
	return n, err
}

// ResolveAlertsTx is ResolveAlerts inside the caller's transaction.
func (s *Store) ResolveAlertsTx(ctx context.Context, tx *sql.Tx, at time.Time, dedupKeys ...string) (int64, error) {
	var total int64
	for start := 0; start < len(dedupKeys); start += 500 {
		keys := dedupKeys[start:min(start+500, len(dedupKeys))]
		args := append([]any{string(alert.StateResolved), s.ts(at), string(alert.StateResolved)}, stringArgs(keys)...)
		res, err := tx.ExecContext(ctx, "UPDATE alerts SET state = ?, resolved_at = ? WHERE state <> ? AND dedup_key IN ("+
			placeholders(len(keys))+")", args...)
		if err != nil {
			return 0, fmt.Errorf("store: resolve alerts: %w", Translate(err))
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("store: resolve alerts: %w", Translate(err))
		}
		total += n
	}
	return total, nil
}

func stringArgs(v []string) []any {
	a := make([]any, len(v))
	for i, s := range v {
		a[i] = s
	}
	return a
}

// AcknowledgeAlert records that userID saw firing alert id. A resolved alert is KindConflict.
func (s *Store) AcknowledgeAlert(ctx context.Context, id, userID int64, at time.Time) error {
	return s.changeAlert(ctx, id, "acknowledge", "state = ?, acknowledged_at = ?, acknowledged_by = ?",
		string(alert.StateAcknowledged), s.ts(at), userID)
}

// SnoozeAlert holds the pending deliveries of alert id until until (a past time ends the
// snooze). A resolved alert is KindConflict.
func (s *Store) SnoozeAlert(ctx context.Context, id int64, until time.Time) error {
	return s.changeAlert(ctx, id, "snooze", "snoozed_until = ?", s.ts(until))
}

func (s *Store) changeAlert(ctx context.Context, id int64, what, set string, args ...any) error {
	res, err := s.db.ExecContext(ctx, "UPDATE alerts SET "+set+" WHERE id = ? AND state <> ?",
		append(args, id, string(alert.StateResolved))...)
	if err != nil {
		return fmt.Errorf("store: %s alert %d: %w", what, id, Translate(err))
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: %s alert %d: %w", what, id, Translate(err))
	} else if n == 1 {
		return nil
	}
	if _, err := s.GetAlert(ctx, id); err != nil {
		return fmt.Errorf("store: %s alert %d: %w", what, id, err)
	}
	return fmt.Errorf("store: %s alert %d: %w", what, id, errs.Conflict("the alert is already resolved"))
}

// GetAlert returns alert id with its deliveries, or KindNotFound.
func (s *Store) GetAlert(ctx context.Context, id int64) (alert.Alert, error) {
	out, err := s.alertsWhere(ctx, "id = ?", []any{id}, 1)
	if err != nil {
		return alert.Alert{}, fmt.Errorf("store: get alert %d: %w", id, err)
	}
	if len(out) == 0 {
		return alert.Alert{}, fmt.Errorf("store: get alert %d: %w", id, errs.NotFound("alert not found"))
	}
	return out[0], nil
}

// AlertFilter selects alert history; zero fields select everything.
type AlertFilter struct {
	Kind           alert.Kind
	State          alert.State
	DedupKeyPrefix string // e.g. "budget:42:" for one budget's alerts
	BeforeID       int64  // page: alerts with smaller ids (the list is newest first)
	Limit          int    // default 50, at most 500
}

// ListAlerts returns alerts newest first, each with its deliveries.
func (s *Store) ListAlerts(ctx context.Context, f AlertFilter) ([]alert.Alert, error) {
	var conds []string
	var args []any
	if f.Kind != "" {
		conds, args = append(conds, "kind = ?"), append(args, string(f.Kind))
	}
	if f.State != "" {
		conds, args = append(conds, "state = ?"), append(args, string(f.State))
	}
	if f.DedupKeyPrefix != "" {
		conds, args = append(conds, "dedup_key LIKE ? ESCAPE '!'"), append(args, likePrefix(f.DedupKeyPrefix))
	}
	if f.BeforeID > 0 {
		conds, args = append(conds, "id < ?"), append(args, f.BeforeID)
	}
	if len(conds) == 0 {
		conds = []string{"1 = 1"}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	out, err := s.alertsWhere(ctx, strings.Join(conds, " AND "), args, min(limit, 500))
	if err != nil {
		return nil, fmt.Errorf("store: list alerts: %w", err)
	}
	return out, nil
}

// likePrefix makes a LIKE pattern matching values that start with p, with '!' as the escape.
func likePrefix(p string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return r.Replace(p) + "%"
}

func (s *Store) alertsWhere(ctx context.Context, cond string, args []any, limit int) ([]alert.Alert, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+alertColumns+" FROM alerts WHERE "+cond+" ORDER BY id DESC LIMIT ?",
		append(args, limit)...)
	if err != nil {
		return nil, Translate(err)
	}
	out := []alert.Alert{}
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, Translate(err)
	}
	if len(out) == 0 {
		return out, nil
	}
	byID := make(map[int64]int, len(out))
	ids := make([]int64, len(out))
	for i, a := range out {
		byID[a.ID], ids[i] = i, a.ID
	}
	ds, err := s.deliveriesWhere(ctx, "alert_id IN ("+placeholders(len(ids))+")", int64Args(ids)...)
	if err != nil {
		return nil, err
	}
	for _, d := range ds {
		a := &out[byID[d.AlertID]]
		a.Deliveries = append(a.Deliveries, d)
	}
	return out, nil
}

// ---- deliveries (the outbox) ----

const deliveryColumns = "id, alert_id, channel_id, status, attempts, last_error, next_attempt_at, sent_at, created_at"

func (s *Store) deliveriesWhere(ctx context.Context, cond string, args ...any) ([]alert.Delivery, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+deliveryColumns+" FROM alert_deliveries WHERE "+cond+" ORDER BY id", args...)
	if err != nil {
		return nil, Translate(err)
	}
	defer rows.Close()
	var out []alert.Delivery
	for rows.Next() {
		var d alert.Delivery
		var status string
		if err := rows.Scan(&d.ID, &d.AlertID, &d.ChannelID, &status, &d.Attempts, &d.LastError,
			timeCol{&d.NextAttemptAt}, nullTimeCol{&d.SentAt}, timeCol{&d.CreatedAt}); err != nil {
			return nil, err
		}
		d.Status = alert.DeliveryStatus(status)
		out = append(out, d)
	}
	return out, Translate(rows.Err())
}

// ClaimDeliveries leases up to limit pending deliveries that are due at now (and whose alert is
// not snoozed) to the caller for lease, oldest first, with their alerts and channels. A
// delivery leased to one dispatcher is not handed to another until the lease runs out, so a
// lease must outlast a send; a dispatcher that crashed mid-send leaves its deliveries to the
// next run once it does. A delivery whose channel was deleted comes with a zero Channel.
func (s *Store) ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]alert.Claim, error) {
	if limit <= 0 {
		return nil, nil
	}
	token := randomHex(16)
	nowArg := s.ts(now)
	lockSuffix := ""
	if s.dialect == MySQL {
		// SKIP LOCKED (MySQL 8.0, MariaDB 10.6) lets concurrent dispatchers take different rows
		// instead of queueing on the same ones.
		lockSuffix = " FOR UPDATE SKIP LOCKED"
	}
	err := s.InTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT d.id FROM alert_deliveries d WHERE d.status = ? AND d.next_attempt_at <= ? "+
			"AND (d.lease_until IS NULL OR d.lease_until <= ?) "+
			"AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.id = d.alert_id AND a.snoozed_until > ?) "+
			"ORDER BY d.next_attempt_at, d.id LIMIT ?"+lockSuffix,
			string(alert.DeliveryPending), nowArg, nowArg, nowArg, limit)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(ids) == 0 {
			return err
		}
		// The conditions are repeated so that the update takes only rows still unclaimed, whatever
		// the engine's locking did.
		_, err = tx.ExecContext(ctx, "UPDATE alert_deliveries SET lease_token = ?, lease_until = ? WHERE id IN ("+
			placeholders(len(ids))+") AND status = ? AND (lease_until IS NULL OR lease_until <= ?)",
			append(append([]any{token, s.ts(now.Add(lease))}, int64Args(ids)...), string(alert.DeliveryPending), nowArg)...)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	ds, err := s.deliveriesWhere(ctx, "lease_token = ?", token)
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	if len(ds) == 0 {
		return nil, nil
	}
	alertIDs, channelIDs := make([]int64, 0, len(ds)), make([]int64, 0, len(ds))
	for _, d := range ds {
		alertIDs, channelIDs = append(alertIDs, d.AlertID), append(channelIDs, d.ChannelID)
	}
	alertIDs, channelIDs = uniqueIDs(alertIDs), uniqueIDs(channelIDs)
	alerts := map[int64]alert.Alert{}
	rows, err := s.db.QueryContext(ctx, "SELECT "+alertColumns+" FROM alerts WHERE id IN ("+placeholders(len(alertIDs))+")",
		int64Args(alertIDs)...)
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", Translate(err))
	}
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: claim deliveries: %w", err)
		}
		alerts[a.ID] = a
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", Translate(err))
	}
	chs, err := s.channelsWhere(ctx, "id IN ("+placeholders(len(channelIDs))+")", int64Args(channelIDs)...)
	if err != nil {
		return nil, fmt.Errorf("store: claim deliveries: %w", err)
	}
	channels := make(map[int64]alert.Channel, len(chs))
	for _, c := range chs {
		channels[c.ID] = c
	}
	out := make([]alert.Claim, 0, len(ds))
	for _, d := range ds {
		out = append(out, alert.Claim{Delivery: d, Alert: alerts[d.AlertID], Channel: channels[d.ChannelID], Token: token})
	}
	return out, nil
}

// MarkDeliverySent records that the receiver accepted delivery id. It is called right after
// the receiver answers, so the delivery is never sent again. token is the claim's; a lease
// that was lost (it ran out and another dispatcher took the delivery) is KindConflict.
func (s *Store) MarkDeliverySent(ctx context.Context, id int64, token string, at time.Time) error {
	res, err := s.db.ExecContext(ctx, "UPDATE alert_deliveries SET status = ?, attempts = attempts + 1, last_error = '', "+
		"sent_at = ?, lease_token = '', lease_until = NULL WHERE id = ? AND lease_token = ? AND status = ?",
		string(alert.DeliverySent), s.ts(at), id, token, string(alert.DeliveryPending))
	return s.leaseResult(res, err, "mark delivery %d sent", id)
}

// MarkDeliveryFailed records a failed attempt of delivery id with the receiver's reason: it is
// tried again at retryAt, or, when retryAt is nil, it has failed for good.
func (s *Store) MarkDeliveryFailed(ctx context.Context, id int64, token string, at time.Time, reason string, retryAt *time.Time) error {
	status, next := alert.DeliveryFailed, at
	if retryAt != nil {
		status, next = alert.DeliveryPending, *retryAt
	}
	res, err := s.db.ExecContext(ctx, "UPDATE alert_deliveries SET status = ?, attempts = attempts + 1, last_error = ?, "+
		"next_attempt_at = ?, lease_token = '', lease_until = NULL WHERE id = ? AND lease_token = ? AND status = ?",
		string(status), truncate(reason, alert.MaxError), s.ts(next), id, token, string(alert.DeliveryPending))
	return s.leaseResult(res, err, "mark delivery %d failed", id)
}

func (s *Store) leaseResult(res sql.Result, err error, what string, id int64) error {
	if err != nil {
		return fmt.Errorf("store: "+what+": %w", id, Translate(err))
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("store: "+what+": %w", id, Translate(err))
	}
	if n == 0 {
		return fmt.Errorf("store: "+what+": %w", id, errs.Conflict("the delivery is no longer held by this dispatcher"))
	}
	return nil
}
