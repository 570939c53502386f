// Package alerts is the cloudlens-alerts function: the channels alerts are delivered to (with a
// test send), the rules that route alerts to them, and the history of alerts with the state of
// every delivery, acknowledged or snoozed by people.
package alerts

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/language"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/httpx"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/notify"
	"github.com/cloudlens/cloudlens/shared/store"
)

// maxSnooze is how far ahead an alert may be snoozed: longer is forgetting it, and a resolved
// alert is the way to stop hearing about a condition that is gone.
const maxSnooze = 30 * 24 * time.Hour

// maxSecret bounds a channel's signing secret (DingTalk's are 67 characters).
const maxSecret = 512

type api struct{ d *app.Deps }

// New returns the function's HTTP handler.
func New(d *app.Deps) http.Handler {
	a := &api{d: d}
	mux := http.NewServeMux()
	mux.Handle("GET /api/v1/alerts", d.AuthedFunc(a.list))
	mux.Handle("GET /api/v1/alerts/{id}", d.AuthedFunc(a.get))
	mux.Handle("POST /api/v1/alerts/{id}/ack", d.AuthedFunc(a.ack))
	mux.Handle("POST /api/v1/alerts/{id}/snooze", d.AuthedFunc(a.snooze))

	mux.Handle("GET /api/v1/alerts/channels", d.AuthedFunc(a.listChannels))
	mux.Handle("POST /api/v1/alerts/channels", d.AuthedFunc(a.createChannel))
	mux.Handle("GET /api/v1/alerts/channels/{id}", d.AuthedFunc(a.getChannel))
	mux.Handle("PATCH /api/v1/alerts/channels/{id}", d.AuthedFunc(a.updateChannel))
	mux.Handle("DELETE /api/v1/alerts/channels/{id}", d.AuthedFunc(a.deleteChannel))
	mux.Handle("POST /api/v1/alerts/channels/{id}/test", d.AuthedFunc(a.testChannel))

	mux.Handle("GET /api/v1/alerts/rules", d.AuthedFunc(a.listRules))
	mux.Handle("POST /api/v1/alerts/rules", d.AuthedFunc(a.createRule))
	mux.Handle("GET /api/v1/alerts/rules/{id}", d.AuthedFunc(a.getRule))
	mux.Handle("PATCH /api/v1/alerts/rules/{id}", d.AuthedFunc(a.updateRule))
	mux.Handle("DELETE /api/v1/alerts/rules/{id}", d.AuthedFunc(a.deleteRule))
	mux.Handle("/", httpx.NotFound(d.Log))
	return d.API(mux)
}

// ---- channels ----

type channelJSON struct {
	ID         int64     `json:"id"`
	Type       string    `json:"type"`
	Name       string    `json:"name"`
	URL        string    `json:"url"`
	Recipients []string  `json:"recipients"`
	Language   string    `json:"language"`
	HasSecret  bool      `json:"hasSecret"`
	CreatedAt  time.Time `json:"createdAt"`
	UpdatedAt  time.Time `json:"updatedAt"`
}

func toChannelJSON(c alert.Channel) channelJSON {
	out := channelJSON{ID: c.ID, Type: string(c.Type), Name: c.Name, URL: c.URL, Recipients: c.Recipients,
		Language: string(c.Language), HasSecret: c.HasSecret(), CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if out.Recipients == nil {
		out.Recipients = []string{}
	}
	return out
}

// channelInput is the body of create and update; on update absent fields keep their value.
// The secret is write-only: absent keeps it, "" removes it.
type channelInput struct {
	Type       *string   `json:"type"`
	Name       *string   `json:"name"`
	URL        *string   `json:"url"`
	Secret     *string   `json:"secret"`
	Recipients *[]string `json:"recipients"`
	Language   *string   `json:"language"`
}

// signed are the channel types whose requests carry a signature made with the secret.
var signed = map[alert.ChannelType]bool{alert.ChannelDingTalk: true, alert.ChannelFeishu: true, alert.ChannelWebhook: true}

// apply copies the given fields onto c, checks them and seals a new secret. It reports
// whether the stored secret is to be removed.
func (in channelInput) apply(ctx context.Context, a *api, c *alert.Channel) (clearSecret bool, err error) {
	if in.Type != nil {
		c.Type = alert.ChannelType(strings.TrimSpace(*in.Type))
	}
	if in.Name != nil {
		c.Name = strings.TrimSpace(*in.Name)
	}
	if in.URL != nil {
		c.URL = strings.TrimSpace(*in.URL)
	}
	if in.Recipients != nil {
		c.Recipients = make([]string, 0, len(*in.Recipients))
		for _, r := range *in.Recipients {
			c.Recipients = append(c.Recipients, strings.TrimSpace(r))
		}
	}
	if in.Language != nil {
		c.Language = alert.Language(strings.TrimSpace(*in.Language))
	}
	if err := c.Validate(); err != nil {
		return false, err
	}
	if c.Type == alert.ChannelEmail {
		if c.URL != "" {
			return false, errs.InvalidField("url", errs.ReasonNotAllowed, "email channels have no url; they send to recipients")
		}
	} else if err := a.d.Guard().CheckURL(ctx, c.URL); err != nil {
		return false, err
	}
	secret := ""
	if in.Secret != nil {
		secret = *in.Secret
		if utf8.RuneCountInString(secret) > maxSecret {
			return false, errs.TooLong("secret", maxSecret)
		}
		if secret != "" && !signed[c.Type] {
			return false, errs.InvalidField("secret", errs.ReasonNotAllowed, "%s channels are not signed; only dingtalk, feishu and webhook take a secret", c.Type)
		}
	}
	// A channel changed to a type that is not signed keeps no secret.
	if !signed[c.Type] && c.HasSecret() {
		c.SecretEnc = nil
		return true, nil
	}
	if in.Secret == nil {
		c.SecretEnc = nil // keep the stored one: UpdateChannel replaces it only when one is given
		return false, nil
	}
	if secret == "" {
		c.SecretEnc = nil
		return true, nil
	}
	if err := notify.SealSecret(a.d.Box, c, secret); err != nil {
		return false, err
	}
	return false, nil
}

func (a *api) listChannels(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.Require(r, auth.RoleEditor); err != nil {
		return err
	}
	chs, err := a.d.Store.ListChannels(r.Context())
	if err != nil {
		return err
	}
	out := make([]channelJSON, 0, len(chs))
	for _, c := range chs {
		out = append(out, toChannelJSON(c))
	}
	return httpx.OK(w, httpx.Items(out))
}

// loadChannel returns channel {id}. Channels are read by editors only: a chat robot's URL holds
// its access token, so whoever reads it can post into the group.
func (a *api) loadChannel(r *http.Request) (auth.Principal, alert.Channel, error) {
	p, err := httpx.Require(r, auth.RoleEditor)
	if err != nil {
		return p, alert.Channel{}, err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return p, alert.Channel{}, err
	}
	c, err := a.d.Store.GetChannel(r.Context(), id)
	return p, c, err
}

func (a *api) getChannel(w http.ResponseWriter, r *http.Request) error {
	_, c, err := a.loadChannel(r)
	if err != nil {
		return err
	}
	return httpx.OK(w, toChannelJSON(c))
}

func (a *api) createChannel(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	var in channelInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	c := alert.Channel{Language: alert.LanguageZh}
	if _, err := in.apply(r.Context(), a, &c); err != nil {
		return err
	}
	if err := a.d.Store.CreateChannel(r.Context(), &c); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "alert_channel.create", "alert_channel", c.ID, string(c.Type)+" "+c.Name)
	httpx.WriteJSON(w, http.StatusCreated, toChannelJSON(c))
	return nil
}

func (a *api) updateChannel(w http.ResponseWriter, r *http.Request) error {
	p, c, err := a.loadChannel(r)
	if err != nil {
		return err
	}
	var in channelInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	clearSecret, err := in.apply(r.Context(), a, &c)
	if err != nil {
		return err
	}
	if err := a.d.Store.UpdateChannel(r.Context(), c, clearSecret); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "alert_channel.update", "alert_channel", c.ID, string(c.Type)+" "+c.Name)
	saved, err := a.d.Store.GetChannel(r.Context(), c.ID)
	if err != nil {
		return err
	}
	return httpx.OK(w, toChannelJSON(saved))
}

func (a *api) deleteChannel(w http.ResponseWriter, r *http.Request) error {
	p, c, err := a.loadChannel(r)
	if err != nil {
		return err
	}
	if err := a.d.Store.DeleteChannel(r.Context(), c.ID); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "alert_channel.delete", "alert_channel", c.ID, string(c.Type)+" "+c.Name)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type testJSON struct {
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

// testChannel sends notify.TestAlert through the channel the way the dispatcher sends real
// alerts. A refusal by the platform is an answer, not an error of this request: 200 with
// ok=false and the platform's own words, so the person setting it up sees what to fix.
func (a *api) testChannel(w http.ResponseWriter, r *http.Request) error {
	p, c, err := a.loadChannel(r)
	if err != nil {
		return err
	}
	secret, err := a.d.OpenChannelSecret(c)
	if err != nil {
		return err
	}
	n, err := a.d.Notifier()
	if err != nil {
		return err
	}
	sendErr := n.Send(r.Context(), c, secret, notify.TestAlert(a.d.Now(), ""))
	a.d.Audit(r.Context(), p.UserID, "alert_channel.test", "alert_channel", c.ID, strconv.FormatBool(sendErr == nil))
	if sendErr != nil {
		a.d.Log.InfoContext(r.Context(), "test message not delivered", "channel_id", c.ID, "error", sendErr.Error())
		return httpx.OK(w, testJSON{OK: false, Message: sendErr.Error()})
	}
	msg := map[alert.Language]string{alert.LanguageZh: "测试消息已送达。", alert.LanguageEn: "The test message was delivered."}[c.Language]
	return httpx.OK(w, testJSON{OK: true, Message: msg})
}

// ---- rules ----

type quietJSON struct {
	Start    string `json:"start"`
	End      string `json:"end"`
	TimeZone string `json:"timeZone"`
}

type ruleJSON struct {
	ID          int64        `json:"id"`
	Name        string       `json:"name"`
	Kind        string       `json:"kind"`
	ChannelIDs  []int64      `json:"channelIds"`
	Enabled     bool         `json:"enabled"`
	BudgetIDs   []int64      `json:"budgetIds"`
	MinSeverity string       `json:"minSeverity"`
	MinImpact   money.Micros `json:"minImpact"`
	QuietHours  *quietJSON   `json:"quietHours"`
	CreatedAt   time.Time    `json:"createdAt"`
	UpdatedAt   time.Time    `json:"updatedAt"`
}

func toRuleJSON(r alert.Rule) ruleJSON {
	out := ruleJSON{ID: r.ID, Name: r.Name, Kind: string(r.Kind), ChannelIDs: r.ChannelIDs, Enabled: r.Enabled,
		BudgetIDs: r.BudgetIDs, MinSeverity: string(r.MinSeverity), MinImpact: r.MinImpact,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if out.ChannelIDs == nil {
		out.ChannelIDs = []int64{}
	}
	if out.BudgetIDs == nil {
		out.BudgetIDs = []int64{}
	}
	if !r.Quiet.IsZero() {
		out.QuietHours = &quietJSON{Start: r.Quiet.Start, End: r.Quiet.End, TimeZone: r.Quiet.TimeZone}
	}
	return out
}

// ruleInput is the body of create and update; on update absent fields keep their value.
// quietHours null (or with empty start and end) removes them.
type ruleInput struct {
	Name        *string         `json:"name"`
	Kind        *string         `json:"kind"`
	ChannelIDs  *[]int64        `json:"channelIds"`
	Enabled     *bool           `json:"enabled"`
	BudgetIDs   *[]int64        `json:"budgetIds"`
	MinSeverity *string         `json:"minSeverity"`
	MinImpact   json.RawMessage `json:"minImpact"`
	QuietHours  json.RawMessage `json:"quietHours"`
}

// unique returns ids without repeats, in their first order: a repeated id means nothing more,
// and every budget id costs a lookup.
func unique(ids []int64) []int64 {
	out := make([]int64, 0, min(len(ids), 64))
	seen := make(map[int64]bool, min(len(ids), 64))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func (in ruleInput) apply(ctx context.Context, a *api, r *alert.Rule) error {
	if in.Name != nil {
		r.Name = strings.TrimSpace(*in.Name)
	}
	if in.Kind != nil {
		r.Kind = alert.Kind(strings.TrimSpace(*in.Kind))
	}
	if in.ChannelIDs != nil {
		r.ChannelIDs = unique(*in.ChannelIDs)
	}
	if in.Enabled != nil {
		r.Enabled = *in.Enabled
	}
	if in.BudgetIDs != nil {
		r.BudgetIDs = unique(*in.BudgetIDs)
	}
	if in.MinSeverity != nil {
		r.MinSeverity = alert.Severity(strings.TrimSpace(*in.MinSeverity))
	}
	// Decoded here rather than by the JSON decoder, so that a bad value is reported by its field.
	if in.MinImpact != nil {
		var m money.Micros
		if err := json.Unmarshal(in.MinImpact, &m); err != nil {
			return errs.InvalidField("minImpact", errs.ReasonAmount, "must be a decimal amount such as \"100.00\"")
		}
		r.MinImpact = m
	}
	if in.QuietHours != nil {
		var q *quietJSON
		if err := json.Unmarshal(in.QuietHours, &q); err != nil {
			return errs.InvalidField("quietHours", errs.ReasonFormat, "must be null or {\"start\":\"22:00\",\"end\":\"08:00\",\"timeZone\":\"Asia/Shanghai\"}")
		}
		r.Quiet = alert.QuietHours{}
		if q != nil {
			r.Quiet = alert.QuietHours{Start: strings.TrimSpace(q.Start), End: strings.TrimSpace(q.End), TimeZone: strings.TrimSpace(q.TimeZone)}
		}
	}
	if err := r.Validate(); err != nil {
		return err
	}
	for _, id := range r.ChannelIDs {
		if id <= 0 {
			return errs.BadID("channelIds", strconv.FormatInt(id, 10))
		}
	}
	for _, id := range r.BudgetIDs {
		if _, err := a.d.Store.GetBudget(ctx, account.Scope{All: true}, id); errs.Is(err, errs.KindNotFound) {
			return errs.NotAllowed("budgetIds", id)
		} else if err != nil {
			return err
		}
	}
	return nil
}

func (a *api) listRules(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.Require(r, auth.RoleViewer); err != nil {
		return err
	}
	kind := alert.Kind(r.URL.Query().Get("kind"))
	if err := checkKind(kind); err != nil {
		return err
	}
	rules, err := a.d.Store.ListRules(r.Context(), kind)
	if err != nil {
		return err
	}
	out := make([]ruleJSON, 0, len(rules))
	for _, rl := range rules {
		out = append(out, toRuleJSON(rl))
	}
	return httpx.OK(w, httpx.Items(out))
}

func (a *api) loadRule(r *http.Request, min auth.Role) (auth.Principal, alert.Rule, error) {
	p, err := httpx.Require(r, min)
	if err != nil {
		return p, alert.Rule{}, err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return p, alert.Rule{}, err
	}
	rl, err := a.d.Store.GetRule(r.Context(), id)
	return p, rl, err
}

func (a *api) getRule(w http.ResponseWriter, r *http.Request) error {
	_, rl, err := a.loadRule(r, auth.RoleViewer)
	if err != nil {
		return err
	}
	return httpx.OK(w, toRuleJSON(rl))
}

func (a *api) createRule(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	var in ruleInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	rl := alert.Rule{Enabled: true}
	if err := in.apply(r.Context(), a, &rl); err != nil {
		return err
	}
	if err := a.d.Store.CreateRule(r.Context(), &rl); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "alert_rule.create", "alert_rule", rl.ID, rl.Name)
	saved, err := a.d.Store.GetRule(r.Context(), rl.ID)
	if err != nil {
		return err
	}
	httpx.WriteJSON(w, http.StatusCreated, toRuleJSON(saved))
	return nil
}

func (a *api) updateRule(w http.ResponseWriter, r *http.Request) error {
	p, rl, err := a.loadRule(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	var in ruleInput
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	if err := in.apply(r.Context(), a, &rl); err != nil {
		return err
	}
	if err := a.d.Store.UpdateRule(r.Context(), rl); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "alert_rule.update", "alert_rule", rl.ID, rl.Name)
	saved, err := a.d.Store.GetRule(r.Context(), rl.ID)
	if err != nil {
		return err
	}
	return httpx.OK(w, toRuleJSON(saved))
}

func (a *api) deleteRule(w http.ResponseWriter, r *http.Request) error {
	p, rl, err := a.loadRule(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	if err := a.d.Store.DeleteRule(r.Context(), rl.ID); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "alert_rule.delete", "alert_rule", rl.ID, rl.Name)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// ---- history ----

type deliveryJSON struct {
	ChannelID     int64      `json:"channelId"`
	ChannelName   string     `json:"channelName"` // "" when the channel was deleted since
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	LastError     string     `json:"lastError"`
	SentAt        *time.Time `json:"sentAt"`
	NextAttemptAt *time.Time `json:"nextAttemptAt"` // pending deliveries only
}

type alertJSON struct {
	ID             int64          `json:"id"`
	Kind           string         `json:"kind"`
	State          string         `json:"state"`
	Severity       string         `json:"severity"`
	Title          string         `json:"title"`
	Text           string         `json:"text"`
	URL            string         `json:"url"`
	DedupKey       string         `json:"dedupKey"`
	CreatedAt      time.Time      `json:"createdAt"`
	FiredAt        time.Time      `json:"firedAt"`
	AcknowledgedAt *time.Time     `json:"acknowledgedAt"`
	AcknowledgedBy int64          `json:"acknowledgedBy,omitempty"`
	SnoozedUntil   *time.Time     `json:"snoozedUntil"`
	ResolvedAt     *time.Time     `json:"resolvedAt"`
	Deliveries     []deliveryJSON `json:"deliveries"`
}

// supported are the languages alert titles are written in; the first is the default.
var supported = language.NewMatcher([]language.Tag{language.Chinese, language.English})

// lang is the language the caller asked for in Accept-Language: Chinese unless English is
// preferred.
func lang(r *http.Request) alert.Language {
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return alert.LanguageZh
	}
	if _, i, _ := supported.Match(tags...); i == 1 {
		return alert.LanguageEn
	}
	return alert.LanguageZh
}

func toAlertJSON(a alert.Alert, l alert.Language, names map[int64]string) alertJSON {
	title, text := a.Localized(l)
	out := alertJSON{ID: a.ID, Kind: string(a.Kind), State: string(a.State), Severity: string(a.Severity),
		Title: title, Text: text, URL: a.URL, DedupKey: a.DedupKey, CreatedAt: a.CreatedAt, FiredAt: a.FiredAt,
		AcknowledgedAt: a.AcknowledgedAt, AcknowledgedBy: a.AcknowledgedBy, SnoozedUntil: a.SnoozedUntil,
		ResolvedAt: a.ResolvedAt, Deliveries: make([]deliveryJSON, 0, len(a.Deliveries))}
	for _, d := range a.Deliveries {
		dj := deliveryJSON{ChannelID: d.ChannelID, ChannelName: names[d.ChannelID], Status: string(d.Status),
			Attempts: d.Attempts, LastError: d.LastError, SentAt: d.SentAt}
		if d.Status == alert.DeliveryPending {
			at := d.NextAttemptAt
			dj.NextAttemptAt = &at
		}
		out.Deliveries = append(out.Deliveries, dj)
	}
	return out
}

// channelNames names the channels of deliveries, so that viewers, who may not read channels,
// see where an alert went.
func (a *api) channelNames(ctx context.Context) (map[int64]string, error) {
	chs, err := a.d.Store.ListChannels(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[int64]string, len(chs))
	for _, c := range chs {
		names[c.ID] = c.Name
	}
	return names, nil
}

func checkKind(k alert.Kind) error {
	if k == "" {
		return nil
	}
	for _, v := range alert.Kinds {
		if k == v {
			return nil
		}
	}
	return errs.UnknownValue("kind", k, alert.Kinds...)
}

// list is the alert history, newest first. The cursor is opaque to callers: the next page
// starts after the last alert of this one.
func (a *api) list(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.Require(r, auth.RoleViewer); err != nil {
		return err
	}
	q := r.URL.Query()
	f := store.AlertFilter{Kind: alert.Kind(q.Get("kind")), State: alert.State(q.Get("state")), Limit: 50}
	if err := checkKind(f.Kind); err != nil {
		return err
	}
	switch f.State {
	case "", alert.StateFiring, alert.StateAcknowledged, alert.StateResolved:
	default:
		return errs.UnknownValue("state", f.State, alert.StateFiring, alert.StateAcknowledged, alert.StateResolved)
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return errs.OutOfRange("limit", 1, 500)
		}
		f.Limit = n
	}
	if v := q.Get("cursor"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return errs.BadCursor("cursor", v)
		}
		f.BeforeID = id
	}
	alerts, err := a.d.Store.ListAlerts(r.Context(), f)
	if err != nil {
		return err
	}
	names, err := a.channelNames(r.Context())
	if err != nil {
		return err
	}
	l := lang(r)
	out := httpx.Items(make([]alertJSON, 0, len(alerts)))
	for _, al := range alerts {
		out.Items = append(out.Items, toAlertJSON(al, l, names))
	}
	if len(alerts) == f.Limit {
		out.NextCursor = strconv.FormatInt(alerts[len(alerts)-1].ID, 10)
	}
	return httpx.OK(w, out)
}

// one answers alert id as the caller reads it.
func (a *api) one(w http.ResponseWriter, r *http.Request, id int64) error {
	al, err := a.d.Store.GetAlert(r.Context(), id)
	if err != nil {
		return err
	}
	names, err := a.channelNames(r.Context())
	if err != nil {
		return err
	}
	return httpx.OK(w, toAlertJSON(al, lang(r), names))
}

func (a *api) get(w http.ResponseWriter, r *http.Request) error {
	if _, err := httpx.Require(r, auth.RoleViewer); err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	return a.one(w, r, id)
}

func (a *api) ack(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.d.Store.AcknowledgeAlert(r.Context(), id, p.UserID, a.d.Now().UTC()); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "alert.ack", "alert", id, "")
	return a.one(w, r, id)
}

// snooze holds the alert's pending deliveries until the given time, which must be ahead and
// within maxSnooze; the dispatcher delivers them once it has passed.
func (a *api) snooze(w http.ResponseWriter, r *http.Request) error {
	p, err := httpx.Require(r, auth.RoleEditor)
	if err != nil {
		return err
	}
	id, err := httpx.PathID(r, "id")
	if err != nil {
		return err
	}
	var in struct {
		Until string `json:"until"`
	}
	if err := httpx.Decode(r, &in); err != nil {
		return err
	}
	until, err := time.Parse(time.RFC3339, in.Until)
	if err != nil {
		return errs.InvalidField("until", errs.ReasonFormat, "must be an RFC 3339 time such as \"2026-12-24T09:00:00+08:00\"")
	}
	now := a.d.Now()
	if !until.After(now) {
		return errs.InvalidField("until", errs.ReasonFuture, "must be in the future")
	}
	if until.Sub(now) > maxSnooze {
		return errs.InvalidField("until", errs.ReasonWithin30Days, "must be at most 30 days ahead")
	}
	if err := a.d.Store.SnoozeAlert(r.Context(), id, until.UTC()); err != nil {
		return err
	}
	a.d.Audit(r.Context(), p.UserID, "alert.snooze", "alert", id, until.UTC().Format(time.RFC3339))
	return a.one(w, r, id)
}
