// Package notify delivers alerts where people read their messages: DingTalk, Feishu/Lark and
// WeCom group robots, Slack incoming webhooks, e-mail over SMTP and signed generic webhooks,
// each in the format the platform renders well and in the channel's language. Every outgoing
// connection to a user-given URL goes through a Guard. The Dispatcher works through the
// delivery outbox with retries.
package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/secretbox"
)

// Error is a failed delivery as the receiver described it: the platform's own code and text,
// whether trying again can help, and how long the receiver asked to be left alone.
type Error struct {
	Channel    alert.ChannelType
	Status     int    // HTTP status; 0 when the request got no answer
	Code       string // the platform's error code ("310000", "invalid_token"); empty when none
	Message    string // the platform's own error text
	Permanent  bool   // retrying cannot help (a refused address, a removed webhook)
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	var parts []string
	if e.Channel != "" {
		parts = append(parts, string(e.Channel))
	}
	if e.Status != 0 && (e.Status < 200 || e.Status > 299) {
		parts = append(parts, "HTTP "+strconv.Itoa(e.Status))
	}
	for _, p := range []string{e.Code, e.Message} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ": ")
}

// Notifier sends one alert to one channel.
type Notifier struct {
	Guard Guard        // checks each channel URL's scheme before sending
	HTTP  *http.Client // Guard.Client: checks every address it connects to
	Mail  *Mailer      // nil: e-mail channels fail with "SMTP is not configured"
	Now   func() time.Time
}

// NewNotifier returns a Notifier whose HTTP requests go through g with timeout.
func NewNotifier(g Guard, timeout time.Duration, m *Mailer) *Notifier {
	return &Notifier{Guard: g, HTTP: g.Client(timeout), Mail: m, Now: time.Now}
}

// Send delivers a to ch, signing with secret (the channel's decrypted signing secret, empty
// when it has none). A failure is an *Error carrying the platform's own error text.
func (n *Notifier) Send(ctx context.Context, ch alert.Channel, secret string, a alert.Alert) error {
	m := compose(ch.Language, a)
	switch ch.Type {
	case alert.ChannelEmail:
		if n.Mail == nil {
			return &Error{Channel: ch.Type, Message: "SMTP is not configured (CLOUDLENS_SMTP_HOST)", Permanent: true}
		}
		return n.Mail.send(ctx, ch.Recipients, m)
	case alert.ChannelDingTalk:
		return n.dingtalk(ctx, ch, secret, m)
	case alert.ChannelFeishu:
		return n.feishu(ctx, ch, secret, m)
	case alert.ChannelWeCom:
		return n.wecom(ctx, ch, m)
	case alert.ChannelSlack:
		return n.slack(ctx, ch, m)
	case alert.ChannelWebhook:
		return n.webhook(ctx, ch, secret, a, m)
	}
	return &Error{Channel: ch.Type, Message: "unknown channel type", Permanent: true}
}

// TestAlert is the message "send a test" delivers: it looks like a real alert, says it is not
// one, and is never stored.
func TestAlert(now time.Time, pageURL string) alert.Alert {
	return alert.Alert{
		Kind: alert.KindBudget, State: alert.StateFiring, Severity: alert.SeverityInfo,
		Title:     "CloudLens test message",
		Text:      "This channel is set up correctly: CloudLens alerts will arrive here.",
		TitleZh:   "CloudLens 测试消息",
		TextZh:    "此通知渠道配置正确，CloudLens 的告警将发送到这里。",
		URL:       pageURL,
		DedupKey:  "test",
		Data:      json.RawMessage(`{"test":true}`),
		CreatedAt: now.UTC(), FiredAt: now.UTC(),
	}
}

// SealSecret encrypts a channel's signing secret into ch.SecretEnc, bound to ch.SecretRef
// (made when empty), so a ciphertext copied onto another channel does not open.
func SealSecret(box *secretbox.Box, ch *alert.Channel, secret string) error {
	if ch.SecretRef == "" {
		ch.SecretRef = alert.NewSecretRef()
	}
	ct, err := box.Seal([]byte(secret), secretAAD(*ch))
	if err != nil {
		return err
	}
	ch.SecretEnc = ct
	return nil
}

// OpenSecret decrypts ch's signing secret; "" when it has none.
func OpenSecret(box *secretbox.Box, ch alert.Channel) (string, error) {
	if !ch.HasSecret() {
		return "", nil
	}
	b, err := box.Open(ch.SecretEnc, secretAAD(ch))
	if err != nil {
		return "", errs.Wrap(errs.KindInternal, err, "stored secret of alert channel %d cannot be decrypted (was CLOUDLENS_SECRET_KEY changed?)", ch.ID)
	}
	return string(b), nil
}

func secretAAD(ch alert.Channel) []byte { return []byte("alert_channel:" + ch.SecretRef) }

// ---- the message, in the channel's language ----

// message is an alert as one channel shows it.
type message struct {
	Lang     alert.Language
	Title    string
	Text     string
	URL      string
	Severity alert.Severity
	Label    string // "[Critical] Budget"
	Link     string // "View in CloudLens"
	Color    string // Feishu card header template
	Resolved bool
}

var words = map[alert.Language]map[string]string{
	alert.LanguageEn: {
		"info": "Info", "warning": "Warning", "critical": "Critical",
		"budget": "Budget", "anomaly": "Cost anomaly", "idle": "Idle resource", "sync_failure": "Billing sync failure", "report": "Monthly report",
		"link": "View in CloudLens", "resolved": "Resolved",
	},
	alert.LanguageZh: {
		"info": "提示", "warning": "警告", "critical": "严重",
		"budget": "预算", "anomaly": "费用异常", "idle": "闲置资源", "sync_failure": "账单同步失败", "report": "月度报告",
		"link": "在 CloudLens 中查看", "resolved": "已恢复",
	},
}

func compose(lang alert.Language, a alert.Alert) message {
	if lang != alert.LanguageZh {
		lang = alert.LanguageEn
	}
	w := words[lang]
	title, text := a.Localized(lang)
	m := message{Lang: lang, Title: title, Text: text, URL: a.URL, Severity: a.Severity, Link: w["link"],
		Resolved: a.State == alert.StateResolved}
	sev, kind := w[string(a.Severity)], w[string(a.Kind)]
	if sev == "" {
		sev = string(a.Severity)
	}
	if kind == "" {
		kind = string(a.Kind)
	}
	m.Label = "[" + sev + "] " + kind
	if m.Resolved {
		m.Label = "[" + w["resolved"] + "] " + kind
	}
	switch {
	case m.Resolved:
		m.Color = "green"
	case a.Severity == alert.SeverityCritical:
		m.Color = "red"
	case a.Severity == alert.SeverityWarning:
		m.Color = "orange"
	default:
		m.Color = "blue"
	}
	return m
}

// mdEscaper neutralises the Markdown in alert text (tag values and resource names come from
// bills) that could make a link, an image, an HTML tag or a WeCom mention in a message CloudLens
// signs: brackets become their full-width look-alikes. Backslash escapes are not used because
// the robots' Markdown subsets do not all honour them, and would show the backslashes; emphasis
// characters are left alone, being at worst cosmetic.
var mdEscaper = strings.NewReplacer("[", "［", "]", "］", "<", "＜", ">", "＞")

// cut returns s shortened to at most n bytes on a character boundary, marked with "…" when
// shortened.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	n = max(n-len("…"), 0)
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// fit builds a request body from text and, while it is over limit bytes, shortens the text:
// platforms refuse oversized messages outright, and a shortened one with a link to
// the full alert is worth more than none.
func fit(limit int, text string, build func(text string) ([]byte, error)) ([]byte, error) {
	for range 8 {
		body, err := build(text)
		if err != nil || len(body) <= limit {
			return body, err
		}
		// Escaping makes the body grow faster than the text, so shrink in proportion.
		text = cut(text, len(text)*limit/len(body)-16)
	}
	return nil, fmt.Errorf("message does not fit in %d bytes", limit)
}

// marshal encodes v as JSON without escaping <, > and & (the platforms read UTF-8 JSON, and
// \u003c would only make messages longer).
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// ---- HTTP ----

// maxAnswer caps how much of a receiver's answer is read: enough for any error text.
const maxAnswer = 64 << 10

// post sends body to rawURL and returns the answer's status, headers and (capped) body. A
// request that got no answer is an *Error; the answer's meaning is the caller's to read.
func (n *Notifier) post(ctx context.Context, typ alert.ChannelType, rawURL string, body []byte, header http.Header) (int, http.Header, []byte, error) {
	u, err := n.Guard.ParseURL(rawURL)
	if err != nil {
		return 0, nil, nil, &Error{Channel: typ, Message: errs.Message(err), Permanent: true}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, nil, &Error{Channel: typ, Message: err.Error(), Permanent: true}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "CloudLens-Alerts/1")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := n.HTTP.Do(req)
	if err != nil {
		return 0, nil, nil, &Error{Channel: typ, Message: requestError(err), Permanent: errors.Is(err, errRefused)}
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return resp.StatusCode, resp.Header, nil, &Error{Channel: typ, Status: resp.StatusCode, Message: "reading the answer: " + err.Error()}
	}
	return resp.StatusCode, resp.Header, answer, nil
}

// requestError says why a request got no answer without repeating the URL, which may hold a
// token (DingTalk's access_token, WeCom's key, Slack's whole path).
func requestError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// httpError classifies a non-2xx answer: 408, 429 and 5xx are worth retrying, other 4xx are not.
func httpError(typ alert.ChannelType, status int, header http.Header, answer []byte) *Error {
	e := &Error{Channel: typ, Status: status, Message: answerText(answer)}
	e.Permanent = status >= 400 && status < 500 && status != http.StatusRequestTimeout && status != http.StatusTooManyRequests
	if s, err := strconv.Atoi(header.Get("Retry-After")); err == nil && s > 0 {
		e.RetryAfter = time.Duration(min(s, 24*3600)) * time.Second
	}
	return e
}

// answerText is the start of an answer body, as one line, for error messages.
func answerText(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	return cut(s, 300)
}

// ---- generic webhook ----

// webhookBody is the pinned generic webhook contract.
type webhookBody struct {
	ID        int64           `json:"id"`
	Kind      alert.Kind      `json:"kind"`
	State     alert.State     `json:"state"`
	Severity  alert.Severity  `json:"severity"`
	Title     string          `json:"title"`
	Text      string          `json:"text"`
	URL       string          `json:"url"`
	CreatedAt time.Time       `json:"createdAt"`
	Data      json.RawMessage `json:"data"`
}

// WebhookSignature is the X-CloudLens-Signature value of body sent at timestamp (Unix
// seconds): "sha256=" + hex HMAC-SHA256(secret, timestamp + "." + body). Receivers recompute
// it and compare in constant time.
func WebhookSignature(secret, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func (n *Notifier) webhook(ctx context.Context, ch alert.Channel, secret string, a alert.Alert, m message) error {
	data := a.Data
	if len(data) == 0 {
		data = json.RawMessage("{}")
	}
	state := a.State
	if state == "" {
		state = alert.StateFiring
	}
	body, err := marshal(webhookBody{ID: a.ID, Kind: a.Kind, State: state, Severity: a.Severity, Title: m.Title,
		Text: m.Text, URL: a.URL, CreatedAt: a.CreatedAt.UTC(), Data: data})
	if err != nil {
		return &Error{Channel: ch.Type, Message: err.Error(), Permanent: true}
	}
	ts := strconv.FormatInt(n.Now().Unix(), 10)
	h := http.Header{}
	h.Set("X-CloudLens-Timestamp", ts)
	if secret != "" {
		h.Set("X-CloudLens-Signature", WebhookSignature(secret, ts, body))
	}
	status, header, answer, err := n.post(ctx, ch.Type, ch.URL, body, h)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return httpError(ch.Type, status, header, answer)
	}
	return nil
}

// ---- DingTalk custom robot ----

// dingtalkLimit is DingTalk's message size limit (20,000 bytes), with room for the JSON keys.
const dingtalkLimit = 19_000

// DingTalkSign is the sign query parameter of a DingTalk robot request at timestamp
// (milliseconds): base64(HMAC-SHA256(key=secret, msg=timestamp+"\n"+secret)), before URL
// encoding.
func DingTalkSign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp + "\n" + secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func (n *Notifier) dingtalk(ctx context.Context, ch alert.Channel, secret string, m message) error {
	head := "### " + mdEscaper.Replace(m.Title) + "\n\n**" + m.Label + "**\n\n"
	body, err := fit(dingtalkLimit, mdEscaper.Replace(m.Text), func(text string) ([]byte, error) {
		md := head + strings.ReplaceAll(text, "\n", "\n\n")
		if m.URL == "" {
			return marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"title": m.Title, "text": md}})
		}
		// An action card shows the text with one button that opens the alert's page.
		return marshal(map[string]any{"msgtype": "actionCard", "actionCard": map[string]string{
			"title": m.Title, "text": md, "singleTitle": m.Link, "singleURL": m.URL, "btnOrientation": "0"}})
	})
	if err != nil {
		return &Error{Channel: ch.Type, Message: err.Error(), Permanent: true}
	}
	target := ch.URL
	if secret != "" {
		u, err := url.Parse(ch.URL)
		if err != nil {
			return &Error{Channel: ch.Type, Message: "url is not a URL", Permanent: true}
		}
		ts := strconv.FormatInt(n.Now().UnixMilli(), 10)
		q := u.Query()
		q.Set("timestamp", ts)
		q.Set("sign", DingTalkSign(secret, ts))
		u.RawQuery = q.Encode()
		target = u.String()
	}
	return n.codeAnswer(ctx, ch.Type, target, body, "errcode", "errmsg")
}

// codeAnswer posts body and reads a {"<code>":0,"<msg>":"…"} answer. DingTalk, Feishu and WeCom
// answer HTTP 200 for most failures: the code in the body is what says whether it arrived.
func (n *Notifier) codeAnswer(ctx context.Context, typ alert.ChannelType, target string, body []byte, codeKey, msgKey string) error {
	status, header, answer, err := n.post(ctx, typ, target, body, nil)
	if err != nil {
		return err
	}
	if status < 200 || status > 299 {
		return httpError(typ, status, header, answer)
	}
	var got map[string]json.RawMessage
	if err := json.Unmarshal(answer, &got); err != nil {
		return &Error{Channel: typ, Status: status, Message: "unexpected answer: " + answerText(answer)}
	}
	var code int64
	if raw, ok := got[codeKey]; !ok || json.Unmarshal(raw, &code) != nil {
		// Feishu's older answers carry StatusCode/StatusMessage instead of code/msg.
		if raw, ok := got["StatusCode"]; !ok || json.Unmarshal(raw, &code) != nil {
			return &Error{Channel: typ, Status: status, Message: "unexpected answer: " + answerText(answer)}
		}
		msgKey = "StatusMessage"
	}
	if code == 0 {
		return nil
	}
	var msg string
	_ = json.Unmarshal(got[msgKey], &msg)
	return &Error{Channel: typ, Status: status, Code: strconv.FormatInt(code, 10), Message: msg}
}

// ---- Feishu / Lark custom bot ----

// feishuLimit is Feishu's request body limit (20 KB), with a margin.
const feishuLimit = 19_000

// FeishuSign is the sign field of a Feishu/Lark bot request at timestamp (seconds):
// base64(HMAC-SHA256(key=timestamp+"\n"+secret, msg=empty)), the reverse of DingTalk's.
func FeishuSign(secret, timestamp string) string {
	mac := hmac.New(sha256.New, []byte(timestamp+"\n"+secret))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func (n *Notifier) feishu(ctx context.Context, ch alert.Channel, secret string, m message) error {
	ts := strconv.FormatInt(n.Now().Unix(), 10)
	body, err := fit(feishuLimit, mdEscaper.Replace(m.Text), func(text string) ([]byte, error) {
		elements := []any{
			map[string]any{"tag": "div", "text": map[string]string{"tag": "lark_md", "content": "**" + m.Label + "**\n" + text}},
		}
		if m.URL != "" {
			elements = append(elements, map[string]any{"tag": "action", "actions": []any{map[string]any{
				"tag": "button", "type": "primary", "url": m.URL,
				"text": map[string]string{"tag": "plain_text", "content": m.Link}}}})
		}
		msg := map[string]any{"msg_type": "interactive", "card": map[string]any{
			"config":   map[string]bool{"wide_screen_mode": true},
			"header":   map[string]any{"template": m.Color, "title": map[string]string{"tag": "plain_text", "content": m.Title}},
			"elements": elements,
		}}
		if secret != "" {
			msg["timestamp"], msg["sign"] = ts, FeishuSign(secret, ts)
		}
		return marshal(msg)
	})
	if err != nil {
		return &Error{Channel: ch.Type, Message: err.Error(), Permanent: true}
	}
	return n.codeAnswer(ctx, ch.Type, ch.URL, body, "code", "msg")
}

// ---- WeCom group robot ----

// wecomLimit is WeCom's limit on markdown content (4,096 bytes).
const wecomLimit = 4096

func (n *Notifier) wecom(ctx context.Context, ch alert.Channel, m message) error {
	color := map[alert.Severity]string{alert.SeverityCritical: "warning", alert.SeverityWarning: "warning"}[m.Severity]
	if color == "" || m.Resolved {
		color = "info"
	}
	var content []byte
	_, err := fit(wecomLimit, mdEscaper.Replace(m.Text), func(text string) ([]byte, error) {
		s := "**" + mdEscaper.Replace(m.Title) + "**\n<font color=\"" + color + "\">" + m.Label + "</font>\n" + text
		if m.URL != "" {
			s += "\n[" + m.Link + "](" + m.URL + ")"
		}
		content = []byte(s)
		return content, nil
	})
	if err != nil {
		return &Error{Channel: ch.Type, Message: err.Error(), Permanent: true}
	}
	body, err := marshal(map[string]any{"msgtype": "markdown", "markdown": map[string]string{"content": string(content)}})
	if err != nil {
		return &Error{Channel: ch.Type, Message: err.Error(), Permanent: true}
	}
	return n.codeAnswer(ctx, ch.Type, ch.URL, body, "errcode", "errmsg")
}

// ---- Slack incoming webhook ----

// slackEscaper escapes the three characters Slack's mrkdwn gives meaning to.
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func (n *Notifier) slack(ctx context.Context, ch alert.Channel, m message) error {
	// Block limits: a header's text 150 characters, a section's 3,000.
	title := []rune(m.Title)
	if len(title) > 150 {
		title = append(title[:149], '…')
	}
	text := slackEscaper.Replace(m.Text)
	if utf8.RuneCountInString(text) > 2900 {
		text = cut(text, 2900)
	}
	blocks := []any{
		map[string]any{"type": "header", "text": map[string]any{"type": "plain_text", "text": string(title)}},
		map[string]any{"type": "context", "elements": []any{map[string]string{"type": "mrkdwn", "text": "*" + slackEscaper.Replace(m.Label) + "*"}}},
	}
	if text != "" {
		blocks = append(blocks, map[string]any{"type": "section", "text": map[string]string{"type": "mrkdwn", "text": text}})
	}
	if m.URL != "" {
		blocks = append(blocks, map[string]any{"type": "actions", "elements": []any{map[string]any{
			"type": "button", "url": m.URL, "text": map[string]string{"type": "plain_text", "text": m.Link}}}})
	}
	body, err := marshal(map[string]any{"text": slackEscaper.Replace(m.Label + ": " + m.Title), "blocks": blocks})
	if err != nil {
		return &Error{Channel: ch.Type, Message: err.Error(), Permanent: true}
	}
	status, header, answer, err := n.post(ctx, ch.Type, ch.URL, body, nil)
	if err != nil {
		return err
	}
	if status == http.StatusOK && strings.TrimSpace(string(answer)) == "ok" {
		return nil
	}
	e := httpError(ch.Type, status, header, answer)
	if status == http.StatusOK { // 200 with anything but "ok" is not an acceptance
		e.Message = "unexpected answer: " + e.Message
	}
	// Slack answers with a plain-text code (invalid_token, channel_not_found, …).
	e.Code, e.Message = e.Message, ""
	return e
}
