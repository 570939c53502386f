package alerts

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/config"
	"github.com/cloudlens/cloudlens/shared/notify"
)

type fixture struct {
	d              *app.Deps
	c              *apptest.Client
	editor, viewer string
}

func setup(t *testing.T, d *app.Deps) fixture {
	t.Helper()
	f := fixture{d: d, c: apptest.Serve(t, New(d))}
	_, f.editor = apptest.User(t, d, "editor@example.com", auth.RoleEditor)
	_, f.viewer = apptest.User(t, d, "viewer@example.com", auth.RoleViewer)
	return f
}

// wantInvalid fails unless res is a 400 whose message names field.
func wantInvalid(t *testing.T, res apptest.Response, field string) {
	t.Helper()
	var e struct {
		Error struct{ Code, Message string }
	}
	res.JSON(t, &e)
	if res.Status != http.StatusBadRequest || !strings.Contains(e.Error.Message, field) {
		t.Errorf("answer %d %s, want 400 naming %q", res.Status, res.Body, field)
	}
}

// changed returns a copy of body with k set to v, or left out when v is nil.
func changed(body map[string]any, k string, v any) map[string]any {
	m := maps.Clone(body)
	if v == nil {
		delete(m, k)
	} else {
		m[k] = v
	}
	return m
}

// recorder is a chat platform or webhook receiver on loopback that keeps what it was sent.
type recorder struct {
	mu   sync.Mutex
	reqs []recorded
	url  string
}

type recorded struct {
	URL    *url.URL
	Header http.Header
	Body   []byte
}

// record starts a receiver answering with answer(path).
func record(t *testing.T, answer func(path string) (int, string)) *recorder {
	t.Helper()
	rec := &recorder{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, recorded{URL: r.URL, Header: r.Header.Clone(), Body: body})
		rec.mu.Unlock()
		status, text := answer(r.URL.Path)
		w.WriteHeader(status)
		_, _ = io.WriteString(w, text)
	}))
	t.Cleanup(srv.Close)
	rec.url = srv.URL
	return rec
}

func (r *recorder) got() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

func TestChannelsCRUDSecretWriteOnly(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		ctx := context.Background()
		const secret = "SECdingtalk-signing-secret-0123456789"
		res := f.c.Do(http.MethodPost, "/api/v1/alerts/channels", f.editor, map[string]any{
			"type": "dingtalk", "name": "运维群", "url": "http://127.0.0.1:9/robot/send?access_token=t1", "secret": secret})
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		var ch channelJSON
		res.JSON(t, &ch)
		if ch.ID == 0 || !ch.HasSecret || ch.Language != "zh" || ch.Type != "dingtalk" || bytes.Contains(res.Body, []byte(secret)) {
			t.Fatalf("created = %s", res.Body)
		}
		if m := res.Map(t); m["secret"] != nil {
			t.Errorf("answer carries a secret field: %s", res.Body)
		}
		stored, err := d.Store.GetChannel(ctx, ch.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored.SecretEnc) == 0 || bytes.Contains(stored.SecretEnc, []byte(secret)) || bytes.Contains(stored.SecretEnc, []byte("dingtalk-signing")) {
			t.Fatalf("stored secret is not encrypted: %q", stored.SecretEnc)
		}
		if got, err := notify.OpenSecret(d.Box, stored); err != nil || got != secret {
			t.Fatalf("stored secret opens to %q, %v", got, err)
		}

		for _, path := range []string{"/api/v1/alerts/channels", fmt.Sprintf("/api/v1/alerts/channels/%d", ch.ID)} {
			res := f.c.Do(http.MethodGet, path, f.editor, nil)
			if res.Status != http.StatusOK || bytes.Contains(res.Body, []byte(secret)) || !bytes.Contains(res.Body, []byte(`"hasSecret":true`)) {
				t.Errorf("GET %s = %d %s", path, res.Status, res.Body)
			}
			// A robot URL holds its access token: viewers do not read channels.
			if res := f.c.Do(http.MethodGet, path, f.viewer, nil); res.Status != http.StatusForbidden {
				t.Errorf("viewer GET %s = %d", path, res.Status)
			}
		}

		// A rename keeps the secret; "" removes it; a new one replaces it.
		path := fmt.Sprintf("/api/v1/alerts/channels/%d", ch.ID)
		steps := []struct {
			body       map[string]any
			wantSecret string
		}{
			{map[string]any{"name": "值班群", "language": "en"}, secret},
			{map[string]any{"secret": ""}, ""},
			{map[string]any{"secret": "SECnew"}, "SECnew"},
		}
		for _, st := range steps {
			res := f.c.Do(http.MethodPatch, path, f.editor, st.body)
			if res.Status != http.StatusOK {
				t.Fatalf("PATCH %v: %d %s", st.body, res.Status, res.Body)
			}
			var got channelJSON
			res.JSON(t, &got)
			stored, err := d.Store.GetChannel(ctx, ch.ID)
			if err != nil {
				t.Fatal(err)
			}
			open, err := notify.OpenSecret(d.Box, stored)
			if err != nil || open != st.wantSecret || got.HasSecret != (st.wantSecret != "") || got.Name != "值班群" || got.Language != "en" {
				t.Errorf("after PATCH %v: %s, secret %q %v", st.body, res.Body, open, err)
			}
		}
		if res := f.c.Do(http.MethodPatch, path, f.viewer, map[string]any{"name": "x"}); res.Status != http.StatusForbidden {
			t.Errorf("viewer PATCH = %d", res.Status)
		}

		email := f.c.Do(http.MethodPost, "/api/v1/alerts/channels", f.editor, map[string]any{
			"type": "email", "name": "finance", "recipients": []string{"cfo@example.com", "ops@example.com"}, "language": "en"})
		if email.Status != http.StatusCreated || !bytes.Contains(email.Body, []byte(`"recipients":["cfo@example.com","ops@example.com"]`)) {
			t.Fatalf("email channel: %d %s", email.Status, email.Body)
		}
		list := f.c.Do(http.MethodGet, "/api/v1/alerts/channels", f.editor, nil)
		var items struct{ Items []channelJSON }
		list.JSON(t, &items)
		if len(items.Items) != 2 {
			t.Errorf("list = %s", list.Body)
		}

		if res := f.c.Do(http.MethodDelete, path, f.editor, nil); res.Status != http.StatusNoContent {
			t.Fatalf("delete: %d %s", res.Status, res.Body)
		}
		for _, m := range []string{http.MethodGet, http.MethodPatch, http.MethodDelete} {
			if res := f.c.Do(m, path, f.editor, map[string]any{}); res.Status != http.StatusNotFound {
				t.Errorf("%s deleted channel = %d %s", m, res.Status, res.Body)
			}
		}
		if res := f.c.Do(http.MethodPost, path+"/test", f.editor, nil); res.Status != http.StatusNotFound {
			t.Errorf("test of deleted channel = %d", res.Status)
		}
		wantInvalid(t, f.c.Do(http.MethodGet, "/api/v1/alerts/channels/abc", f.editor, nil), "id")
	})
}

func TestChannelValidation(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		ok := map[string]any{"type": "webhook", "name": "hook", "url": "http://127.0.0.1:9/hook"}
		with := func(k string, v any) map[string]any { return changed(ok, k, v) }
		cases := []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"unknown type", with("type", "sms"), "type"},
			{"no name", with("name", " "), "name"},
			{"no url", with("url", nil), "url"},
			{"not a URL", with("url", "not a url"), "url"},
			{"ftp", with("url", "ftp://127.0.0.1/x"), "url"},
			{"user in URL", with("url", "http://u:p@127.0.0.1/x"), "url"},
			{"metadata address", with("url", "http://100.100.100.200/latest/meta-data"), "url"},
			{"link-local", with("url", "http://169.254.169.254/"), "url"},
			{"language", with("language", "fr"), "language"},
			{"secret on slack", map[string]any{"type": "slack", "name": "s", "url": "http://127.0.0.1:9/s", "secret": "x"}, "secret"},
			{"email without recipients", map[string]any{"type": "email", "name": "m"}, "recipients"},
			{"email bad recipient", map[string]any{"type": "email", "name": "m", "recipients": []string{"Bob <bob@example.com>"}}, "recipients"},
			{"email with url", map[string]any{"type": "email", "name": "m", "recipients": []string{"a@example.com"}, "url": "http://127.0.0.1/x"}, "url"},
			{"secret too long", with("secret", strings.Repeat("s", 513)), "secret"},
			{"unknown field", with("token", "x"), "token"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				wantInvalid(t, f.c.Do(http.MethodPost, "/api/v1/alerts/channels", f.editor, c.body), c.field)
			})
		}
		if res := f.c.Do(http.MethodPost, "/api/v1/alerts/channels", f.viewer, ok); res.Status != http.StatusForbidden {
			t.Errorf("viewer create = %d", res.Status)
		}
		if res := f.c.Do(http.MethodPost, "/api/v1/alerts/channels", "", ok); res.Status != http.StatusUnauthorized {
			t.Errorf("anonymous create = %d", res.Status)
		}

		// Outside local mode: https only, and a host name resolving to a loopback address is
		// refused when saved (and again at dial time, see shared/notify).
		d.Config.Mode = config.ModeFunction
		t.Cleanup(func() { d.Config.Mode = config.ModeLocal })
		for _, c := range []struct{ url, want string }{
			{"https://localhost:8443/hook", "refused"},
			{"https://127.0.0.1/hook", "refused"},
			{"https://10.0.0.8/hook", "refused"},
			{"http://hooks.example.com/hook", "https"},
		} {
			res := f.c.Do(http.MethodPost, "/api/v1/alerts/channels", f.editor, with("url", c.url))
			wantInvalid(t, res, "url")
			if !bytes.Contains(res.Body, []byte(c.want)) {
				t.Errorf("%s: %s, want it to say %q", c.url, res.Body, c.want)
			}
		}
	})
}

// dingTalkCheck verifies a robot request the way DingTalk does: the timestamp (ms) is within an
// hour of now and sign is base64(HMAC-SHA256(secret, timestamp + "\n" + secret)).
func dingTalkCheck(q url.Values, secret string, now time.Time) error {
	ts := q.Get("timestamp")
	ms, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return fmt.Errorf("timestamp %q", ts)
	}
	if d := now.Sub(time.UnixMilli(ms)); d > time.Hour || d < -time.Hour {
		return fmt.Errorf("timestamp %s is %s away", ts, d)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "\n" + secret))
	if want := base64.StdEncoding.EncodeToString(mac.Sum(nil)); !hmac.Equal([]byte(q.Get("sign")), []byte(want)) {
		return fmt.Errorf("sign %q, want %q", q.Get("sign"), want)
	}
	return nil
}

func TestTestSend(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		rec := record(t, func(path string) (int, string) {
			switch path {
			case "/bad-sign/robot/send":
				return http.StatusOK, `{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}`
			case "/gone":
				return http.StatusNotFound, "no such hook"
			}
			return http.StatusOK, `{"errcode":0,"errmsg":"ok"}`
		})
		const secret = "SECb7c3c1f0e8a44e4d9a8f"
		create := func(body map[string]any) int64 {
			t.Helper()
			res := f.c.Do(http.MethodPost, "/api/v1/alerts/channels", f.editor, body)
			if res.Status != http.StatusCreated {
				t.Fatalf("create %v: %d %s", body, res.Status, res.Body)
			}
			var ch channelJSON
			res.JSON(t, &ch)
			return ch.ID
		}
		good := create(map[string]any{"type": "dingtalk", "name": "ok", "url": rec.url + "/robot/send?access_token=tok1", "secret": secret})
		bad := create(map[string]any{"type": "dingtalk", "name": "bad", "url": rec.url + "/bad-sign/robot/send?access_token=tok2", "secret": "SECwrong"})
		gone := create(map[string]any{"type": "webhook", "name": "gone", "url": rec.url + "/gone", "language": "en"})

		test := func(id int64, token string) (int, testJSON) {
			res := f.c.Do(http.MethodPost, fmt.Sprintf("/api/v1/alerts/channels/%d/test", id), token, nil)
			var out testJSON
			if res.Status == http.StatusOK {
				res.JSON(t, &out)
			}
			return res.Status, out
		}
		if st, out := test(good, f.editor); st != http.StatusOK || !out.OK || out.Message == "" {
			t.Fatalf("test good = %d %+v", st, out)
		}
		reqs := rec.got()
		if len(reqs) != 1 {
			t.Fatalf("receiver got %d requests, want 1", len(reqs))
		}
		q := reqs[0].URL.Query()
		if q.Get("access_token") != "tok1" {
			t.Errorf("access_token = %q", q.Get("access_token"))
		}
		if err := dingTalkCheck(q, secret, time.Now()); err != nil {
			t.Errorf("DingTalk would refuse the signature: %v", err)
		}
		var msg struct {
			MsgType  string `json:"msgtype"`
			Markdown struct{ Title, Text string }
		}
		if err := json.Unmarshal(reqs[0].Body, &msg); err != nil || msg.MsgType != "markdown" || msg.Markdown.Title != "CloudLens 测试消息" ||
			!strings.Contains(msg.Markdown.Text, "此通知渠道配置正确") {
			t.Errorf("body = %s (%v)", reqs[0].Body, err)
		}

		// The platform's own refusal is shown, as an answer rather than an error.
		st, out := test(bad, f.editor)
		if st != http.StatusOK || out.OK || !strings.Contains(out.Message, "310000") || !strings.Contains(out.Message, "sign not match") {
			t.Errorf("test bad = %d %+v", st, out)
		}
		st, out = test(gone, f.editor)
		if st != http.StatusOK || out.OK || !strings.Contains(out.Message, "HTTP 404") || !strings.Contains(out.Message, "no such hook") {
			t.Errorf("test gone = %d %+v", st, out)
		}
		if st, _ := test(good, f.viewer); st != http.StatusForbidden {
			t.Errorf("viewer test = %d", st)
		}
		if n := len(rec.got()); n != 3 {
			t.Errorf("receiver got %d requests, want 3", n)
		}
	})
}

func TestRules(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		var chIDs []int64
		for _, name := range []string{"a", "b"} {
			res := f.c.Do(http.MethodPost, "/api/v1/alerts/channels", f.editor, map[string]any{"type": "wecom", "name": name, "url": "http://127.0.0.1:9/" + name})
			var ch channelJSON
			res.JSON(t, &ch)
			chIDs = append(chIDs, ch.ID)
		}
		res := f.c.Do(http.MethodPost, "/api/v1/alerts/rules", f.editor, map[string]any{
			"name": "budget to ops", "kind": "budget", "channelIds": chIDs, "minSeverity": "warning", "minImpact": "500.00",
			"quietHours": map[string]string{"start": "22:00", "end": "08:00", "timeZone": "Asia/Shanghai"}})
		if res.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		var rl ruleJSON
		res.JSON(t, &rl)
		if rl.ID == 0 || !rl.Enabled || len(rl.ChannelIDs) != 2 || rl.MinSeverity != "warning" || rl.MinImpact.String() != "500.00" ||
			rl.QuietHours == nil || rl.QuietHours.Start != "22:00" || len(rl.BudgetIDs) != 0 {
			t.Fatalf("created = %s", res.Body)
		}
		path := fmt.Sprintf("/api/v1/alerts/rules/%d", rl.ID)

		// Viewers read rules (they hold no secret) but do not change them.
		if res := f.c.Do(http.MethodGet, path, f.viewer, nil); res.Status != http.StatusOK {
			t.Errorf("viewer get = %d", res.Status)
		}
		if res := f.c.Do(http.MethodPatch, path, f.viewer, map[string]any{"enabled": false}); res.Status != http.StatusForbidden {
			t.Errorf("viewer patch = %d", res.Status)
		}
		res = f.c.Do(http.MethodPatch, path, f.editor, map[string]any{"enabled": false, "channelIds": chIDs[1:], "quietHours": nil})
		if res.Status != http.StatusOK {
			t.Fatalf("patch: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &rl)
		if rl.Enabled || len(rl.ChannelIDs) != 1 || rl.ChannelIDs[0] != chIDs[1] || rl.QuietHours != nil || rl.MinSeverity != "warning" {
			t.Errorf("patched = %s", res.Body)
		}
		stored, err := d.Store.GetRule(context.Background(), rl.ID)
		if err != nil || stored.Enabled || !stored.Quiet.IsZero() || stored.MinImpact.String() != "500.00" {
			t.Errorf("stored = %+v %v", stored, err)
		}

		ok := map[string]any{"name": "r", "kind": "anomaly", "channelIds": chIDs}
		with := func(k string, v any) map[string]any { return changed(ok, k, v) }
		cases := []struct {
			name  string
			body  map[string]any
			field string
		}{
			{"no name", with("name", ""), "name"},
			{"unknown kind", with("kind", "weather"), "kind"},
			{"no channels", with("channelIds", []int64{}), "channelIds"},
			{"unknown channel", with("channelIds", []int64{chIDs[0], 987654}), "channelIds"},
			{"budgetIds on anomaly", with("budgetIds", []int64{1}), "budgetIds"},
			{"unknown budget", map[string]any{"name": "r", "kind": "budget", "channelIds": chIDs, "budgetIds": []int64{987654}}, "budgetIds"},
			{"severity", with("minSeverity", "fatal"), "minSeverity"},
			{"impact not decimal", with("minImpact", "lots"), "minImpact"},
			{"impact negative", with("minImpact", "-1.00"), "minImpact"},
			{"quiet hours clock", with("quietHours", map[string]string{"start": "25:00", "end": "08:00"}), "quietHours"},
			{"quiet hours zone", with("quietHours", map[string]string{"start": "22:00", "end": "08:00", "timeZone": "Mars/Olympus"}), "quietHours"},
			{"quiet hours shape", with("quietHours", "nights"), "quietHours"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				wantInvalid(t, f.c.Do(http.MethodPost, "/api/v1/alerts/rules", f.editor, c.body), c.field)
			})
		}
		wantInvalid(t, f.c.Do(http.MethodGet, "/api/v1/alerts/rules?kind=weather", f.viewer, nil), "kind")

		list := f.c.Do(http.MethodGet, "/api/v1/alerts/rules?kind=budget", f.viewer, nil)
		var items struct{ Items []ruleJSON }
		list.JSON(t, &items)
		if len(items.Items) != 1 || items.Items[0].ID != rl.ID {
			t.Errorf("list = %s", list.Body)
		}
		// Deleting a channel takes it out of the rule.
		if res := f.c.Do(http.MethodDelete, fmt.Sprintf("/api/v1/alerts/channels/%d", chIDs[1]), f.editor, nil); res.Status != http.StatusNoContent {
			t.Fatalf("delete channel: %d", res.Status)
		}
		res = f.c.Do(http.MethodGet, path, f.editor, nil)
		res.JSON(t, &rl)
		if len(rl.ChannelIDs) != 0 {
			t.Errorf("rule after its channel was deleted = %s", res.Body)
		}
		if res := f.c.Do(http.MethodDelete, path, f.editor, nil); res.Status != http.StatusNoContent {
			t.Fatalf("delete: %d", res.Status)
		}
		if res := f.c.Do(http.MethodGet, path, f.editor, nil); res.Status != http.StatusNotFound {
			t.Errorf("deleted rule = %d", res.Status)
		}
		if res := f.c.Do(http.MethodPatch, path, f.editor, map[string]any{"enabled": true}); res.Status != http.StatusNotFound {
			t.Errorf("patch deleted rule = %d", res.Status)
		}
	})
}

func TestHistoryAckSnooze(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		ctx := context.Background()
		now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
		d.Now = func() time.Time { return now }
		res := f.c.Do(http.MethodPost, "/api/v1/alerts/channels", f.editor, map[string]any{"type": "slack", "name": "slack-ops", "url": "http://127.0.0.1:9/s"})
		var ch channelJSON
		res.JSON(t, &ch)
		raise := func(key string, kind alert.Kind) alert.Alert {
			t.Helper()
			a := alert.Alert{Kind: kind, Severity: alert.SeverityWarning, Title: "Budget 80% reached", TitleZh: "预算已达 80%",
				Text: "Spent 800.00 of 1000.00", DedupKey: key, Deliveries: []alert.Delivery{{ChannelID: ch.ID}}}
			raised, err := d.Store.RaiseAlerts(ctx, now, nil, a)
			if err != nil || len(raised) != 1 {
				t.Fatalf("raise: %v %v", raised, err)
			}
			return raised[0]
		}
		first := raise("budget:1:2026-12-01:actual:80", alert.KindBudget)
		second := raise("idle:i-123", alert.KindIdle)

		var page struct {
			Items      []alertJSON
			NextCursor string
		}
		res = f.c.Do(http.MethodGet, "/api/v1/alerts", f.viewer, nil)
		res.JSON(t, &page)
		if res.Status != http.StatusOK || len(page.Items) != 2 || page.Items[0].ID != second.ID || page.Items[1].Title != "预算已达 80%" {
			t.Fatalf("history = %d %s", res.Status, res.Body)
		}
		it := page.Items[1]
		if it.State != "firing" || it.Kind != "budget" || it.Severity != "warning" || it.DedupKey != first.DedupKey || it.ResolvedAt != nil ||
			!it.CreatedAt.Equal(now) || len(it.Deliveries) != 1 {
			t.Fatalf("item = %+v", it)
		}
		if dl := it.Deliveries[0]; dl.ChannelID != ch.ID || dl.ChannelName != "slack-ops" || dl.Status != "pending" || dl.Attempts != 0 || dl.SentAt != nil {
			t.Errorf("delivery = %+v", dl)
		}
		res = f.c.DoWith(http.MethodGet, "/api/v1/alerts?kind=budget", f.viewer, nil, http.Header{"Accept-Language": {"en-US,en;q=0.9,zh;q=0.5"}})
		res.JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].Title != "Budget 80% reached" {
			t.Errorf("English budget history = %s", res.Body)
		}
		res = f.c.DoWith(http.MethodGet, "/api/v1/alerts", f.viewer, nil, http.Header{"Accept-Language": {"zh-CN,zh;q=0.9,en;q=0.8"}})
		res.JSON(t, &page)
		if page.Items[0].Title != "预算已达 80%" {
			t.Errorf("Chinese history = %s", res.Body)
		}

		// Pages of one, following the cursor.
		res = f.c.Do(http.MethodGet, "/api/v1/alerts?limit=1", f.viewer, nil)
		res.JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != second.ID || page.NextCursor == "" {
			t.Fatalf("page 1 = %s", res.Body)
		}
		res = f.c.Do(http.MethodGet, "/api/v1/alerts?limit=1&cursor="+page.NextCursor, f.viewer, nil)
		res.JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != first.ID {
			t.Fatalf("page 2 = %s", res.Body)
		}
		for q, field := range map[string]string{"state=open": "state", "kind=weather": "kind", "limit=0": "limit", "limit=x": "limit", "cursor=-3": "cursor"} {
			wantInvalid(t, f.c.Do(http.MethodGet, "/api/v1/alerts?"+q, f.viewer, nil), field)
		}

		// Acknowledge: editors only.
		ackPath := fmt.Sprintf("/api/v1/alerts/%d/ack", first.ID)
		if res := f.c.Do(http.MethodPost, ackPath, f.viewer, nil); res.Status != http.StatusForbidden {
			t.Errorf("viewer ack = %d", res.Status)
		}
		res = f.c.Do(http.MethodPost, ackPath, f.editor, nil)
		var acked alertJSON
		res.JSON(t, &acked)
		if res.Status != http.StatusOK || acked.State != "acknowledged" || acked.AcknowledgedAt == nil || !acked.AcknowledgedAt.Equal(now) {
			t.Fatalf("ack = %d %s", res.Status, res.Body)
		}
		res = f.c.Do(http.MethodGet, "/api/v1/alerts?state=acknowledged", f.viewer, nil)
		res.JSON(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != first.ID {
			t.Errorf("acknowledged = %s", res.Body)
		}

		// Snooze: a future time within 30 days.
		snoozePath := fmt.Sprintf("/api/v1/alerts/%d/snooze", second.ID)
		for name, until := range map[string]string{
			"past":        now.Add(-time.Minute).Format(time.RFC3339),
			"too far":     now.Add(31 * 24 * time.Hour).Format(time.RFC3339),
			"not RFC3339": "tomorrow",
			"no zone":     "2026-12-02T08:00:00",
		} {
			t.Run("snooze "+name, func(t *testing.T) {
				wantInvalid(t, f.c.Do(http.MethodPost, snoozePath, f.editor, map[string]string{"until": until}), "until")
			})
		}
		if res := f.c.Do(http.MethodPost, snoozePath, f.viewer, map[string]string{"until": "2026-12-02T16:00:00+08:00"}); res.Status != http.StatusForbidden {
			t.Errorf("viewer snooze = %d", res.Status)
		}
		res = f.c.Do(http.MethodPost, snoozePath, f.editor, map[string]string{"until": "2026-12-02T16:00:00+08:00"})
		var snoozed alertJSON
		res.JSON(t, &snoozed)
		want := time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC)
		if res.Status != http.StatusOK || snoozed.SnoozedUntil == nil || !snoozed.SnoozedUntil.Equal(want) {
			t.Fatalf("snooze = %d %s", res.Status, res.Body)
		}
		// The snoozed alert's delivery is not handed out before then, and is after.
		if claims, err := d.Store.ClaimDeliveries(ctx, now.Add(time.Hour), 10, 48*time.Hour); err != nil || len(claims) != 1 || claims[0].Alert.ID != first.ID {
			t.Errorf("claims while snoozed = %+v %v", claims, err)
		}
		if claims, err := d.Store.ClaimDeliveries(ctx, want.Add(time.Second), 10, time.Minute); err != nil || len(claims) != 1 || claims[0].Alert.ID != second.ID {
			t.Errorf("claims after the snooze = %+v %v", claims, err)
		}

		// A resolved alert cannot be acknowledged; unknown ids are 404.
		if _, err := d.Store.ResolveAlerts(ctx, now, first.DedupKey); err != nil {
			t.Fatal(err)
		}
		if res := f.c.Do(http.MethodPost, ackPath, f.editor, nil); res.Status != http.StatusConflict {
			t.Errorf("ack resolved = %d %s", res.Status, res.Body)
		}
		res = f.c.Do(http.MethodGet, fmt.Sprintf("/api/v1/alerts/%d", first.ID), f.viewer, nil)
		var resolved alertJSON
		res.JSON(t, &resolved)
		if resolved.State != "resolved" || resolved.ResolvedAt == nil {
			t.Errorf("resolved = %s", res.Body)
		}
		for _, p := range []string{"/api/v1/alerts/987654/ack", "/api/v1/alerts/987654/snooze"} {
			if res := f.c.Do(http.MethodPost, p, f.editor, map[string]string{"until": "2026-12-02T16:00:00+08:00"}); res.Status != http.StatusNotFound {
				t.Errorf("%s = %d", p, res.Status)
			}
		}
		if res := f.c.Do(http.MethodGet, "/api/v1/alerts/987654", f.viewer, nil); res.Status != http.StatusNotFound {
			t.Errorf("unknown alert = %d", res.Status)
		}
	})
}
