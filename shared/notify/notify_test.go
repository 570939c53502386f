package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/notify"
)

// request is what a recorder saw.
type request struct {
	Method, URI string
	Header      http.Header
	Body        string
}

// recorder is a local HTTP server standing in for a chat platform: it records every request
// and answers with what the test set.
type recorder struct {
	*httptest.Server
	mu       sync.Mutex
	requests []request
	answer   func(n int) (status int, header http.Header, body string) // n counts from 1
}

func newRecorder(t *testing.T, answer func(n int) (int, http.Header, string)) *recorder {
	rec := &recorder{answer: answer}
	rec.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.requests = append(rec.requests, request{r.Method, r.RequestURI, r.Header.Clone(), string(body)})
		n := len(rec.requests)
		rec.mu.Unlock()
		status, h, text := rec.answer(n)
		for k, v := range h {
			w.Header()[k] = v
		}
		w.WriteHeader(status)
		io.WriteString(w, text)
	}))
	t.Cleanup(rec.Close)
	return rec
}

func (r *recorder) got() []request {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]request(nil), r.requests...)
}

func always(status int, body string) func(int) (int, http.Header, string) {
	return func(int) (int, http.Header, string) { return status, nil, body }
}

func hmacB64(key, msg string) string {
	m := hmac.New(sha256.New, []byte(key))
	m.Write([]byte(msg))
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

var (
	created = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	sentAt  = time.Date(2026, 12, 1, 2, 0, 5, 0, time.UTC)
)

func sample() alert.Alert {
	return alert.Alert{ID: 42, Kind: alert.KindBudget, State: alert.StateFiring, Severity: alert.SeverityCritical,
		Title: "Budget Prod reached 80%", TitleZh: "预算 Prod 已达 80%",
		Text:   "Spent ¥800.00 of ¥1,000.00.\nTop product: ecs_[prod]",
		TextZh: "已花费 ¥800.00，预算 ¥1,000.00。\n最大产品：ecs_[prod]",
		URL:    "https://cloudlens.example.com/budgets/7", DedupKey: "budget:7:2026-12-01:actual:80",
		Data: []byte(`{"budgetId":7,"percent":80}`), BudgetID: 7, CreatedAt: created, FiredAt: created}
}

func notifier() *notify.Notifier {
	n := notify.NewNotifier(notify.Guard{Local: true}, 5*time.Second, nil)
	n.Now = func() time.Time { return sentAt }
	return n
}

func TestChannelRequests(t *testing.T) {
	const secret = "SEC0123456789abcdef"
	msTS := strconv.FormatInt(sentAt.UnixMilli(), 10)
	sTS := strconv.FormatInt(sentAt.Unix(), 10)
	tests := []struct {
		name   string
		typ    alert.ChannelType
		lang   alert.Language
		path   string
		secret string
		answer string
		want   string
		check  func(t *testing.T, r request)
	}{
		{
			name: "dingtalk action card, signed in the query", typ: alert.ChannelDingTalk, lang: alert.LanguageZh,
			path: "/robot/send?access_token=tok", secret: secret, answer: `{"errcode":0,"errmsg":"ok"}`,
			want: `{"actionCard":{"btnOrientation":"0","singleTitle":"在 CloudLens 中查看","singleURL":"https://cloudlens.example.com/budgets/7","text":"### 预算 Prod 已达 80%\n\n**[严重] 预算**\n\n已花费 ¥800.00，预算 ¥1,000.00。\n\n最大产品：ecs_［prod］","title":"预算 Prod 已达 80%"},"msgtype":"actionCard"}`,
			check: func(t *testing.T, r request) {
				// DingTalk's check: timestamp (ms) within an hour of its clock, and sign equal to
				// base64(HmacSHA256(key=secret, timestamp+"\n"+secret)) once URL-decoded.
				q, err := url.ParseQuery(strings.SplitN(r.URI, "?", 2)[1])
				if err != nil {
					t.Fatal(err)
				}
				if q.Get("access_token") != "tok" || q.Get("timestamp") != msTS {
					t.Fatalf("query = %v", q)
				}
				ts, _ := strconv.ParseInt(q.Get("timestamp"), 10, 64)
				if d := sentAt.Sub(time.UnixMilli(ts)); d < -time.Hour || d > time.Hour {
					t.Fatalf("timestamp %d is more than an hour off", ts)
				}
				if want := hmacB64(secret, q.Get("timestamp")+"\n"+secret); q.Get("sign") != want {
					t.Fatalf("sign = %q, want %q", q.Get("sign"), want)
				}
				if !strings.Contains(r.URI, "&sign="+url.QueryEscape(q.Get("sign"))) {
					t.Fatalf("sign is not URL-encoded in %s", r.URI)
				}
			},
		},
		{
			name: "feishu interactive card, signed in the body", typ: alert.ChannelFeishu, lang: alert.LanguageEn,
			path: "/open-apis/bot/v2/hook/abc", secret: secret, answer: `{"code":0,"data":{},"msg":"success"}`,
			// Feishu's check: HmacSHA256 keyed with timestamp+"\n"+secret over an empty message.
			want: `{"card":{"config":{"wide_screen_mode":true},"elements":[{"tag":"div","text":{"content":"**[Critical] Budget**\nSpent ¥800.00 of ¥1,000.00.\nTop product: ecs_［prod］","tag":"lark_md"}},{"actions":[{"tag":"button","text":{"content":"View in CloudLens","tag":"plain_text"},"type":"primary","url":"https://cloudlens.example.com/budgets/7"}],"tag":"action"}],"header":{"template":"red","title":{"content":"Budget Prod reached 80%","tag":"plain_text"}}},"msg_type":"interactive","sign":"` +
				hmacB64(sTS+"\n"+secret, "") + `","timestamp":"` + sTS + `"}`,
		},
		{
			name: "wecom markdown", typ: alert.ChannelWeCom, lang: alert.LanguageZh,
			path: "/cgi-bin/webhook/send?key=k", answer: `{"errcode":0,"errmsg":"ok"}`,
			want: `{"markdown":{"content":"**预算 Prod 已达 80%**\n<font color=\"warning\">[严重] 预算</font>\n已花费 ¥800.00，预算 ¥1,000.00。\n最大产品：ecs_［prod］\n[在 CloudLens 中查看](https://cloudlens.example.com/budgets/7)"},"msgtype":"markdown"}`,
		},
		{
			name: "slack blocks", typ: alert.ChannelSlack, lang: alert.LanguageEn,
			path: "/services/T000/B000/XXX", answer: "ok",
			want: `{"blocks":[{"text":{"text":"Budget Prod reached 80%","type":"plain_text"},"type":"header"},{"elements":[{"text":"*[Critical] Budget*","type":"mrkdwn"}],"type":"context"},{"text":{"text":"Spent ¥800.00 of ¥1,000.00.\nTop product: ecs_[prod]","type":"mrkdwn"},"type":"section"},{"elements":[{"text":{"text":"View in CloudLens","type":"plain_text"},"type":"button","url":"https://cloudlens.example.com/budgets/7"}],"type":"actions"}],"text":"[Critical] Budget: Budget Prod reached 80%"}`,
		},
		{
			name: "generic webhook, pinned contract", typ: alert.ChannelWebhook, lang: alert.LanguageEn,
			path: "/hooks/cloudlens", secret: secret, answer: "",
			want: `{"id":42,"kind":"budget","state":"firing","severity":"critical","title":"Budget Prod reached 80%","text":"Spent ¥800.00 of ¥1,000.00.\nTop product: ecs_[prod]","url":"https://cloudlens.example.com/budgets/7","createdAt":"2026-12-01T02:00:00Z","data":{"budgetId":7,"percent":80}}`,
			check: func(t *testing.T, r request) {
				ts := r.Header.Get("X-CloudLens-Timestamp")
				if ts != sTS {
					t.Fatalf("X-CloudLens-Timestamp = %q, want %q", ts, sTS)
				}
				m := hmac.New(sha256.New, []byte(secret))
				m.Write([]byte(ts + "." + r.Body))
				want := "sha256=" + hex.EncodeToString(m.Sum(nil))
				if got := r.Header.Get("X-CloudLens-Signature"); got != want {
					t.Fatalf("X-CloudLens-Signature = %q, want %q", got, want)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, always(http.StatusOK, tc.answer))
			ch := alert.Channel{ID: 1, Type: tc.typ, Name: "x", URL: rec.URL + tc.path, Language: tc.lang}
			if err := notifier().Send(t.Context(), ch, tc.secret, sample()); err != nil {
				t.Fatal(err)
			}
			got := rec.got()
			if len(got) != 1 {
				t.Fatalf("%d requests", len(got))
			}
			r := got[0]
			if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json; charset=utf-8" {
				t.Fatalf("%s with Content-Type %q", r.Method, r.Header.Get("Content-Type"))
			}
			if r.Body != tc.want {
				t.Fatalf("body\n%s\nwant\n%s", r.Body, tc.want)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// DingTalk's published algorithm, checked against an independently published value.
func TestDingTalkSignKnownValue(t *testing.T) {
	if got := url.QueryEscape(notify.DingTalkSign("secret", "1700000000000")); got != "OuzzJR5%2BxZ4%2FEYwqtNt6sMYZQMTa%2FHEGvc9miJe7XzY%3D" {
		t.Fatalf("DingTalkSign = %s", got)
	}
	if notify.FeishuSign("secret", "1700000000") == notify.DingTalkSign("secret", "1700000000") {
		t.Fatal("Feishu's key and message are the reverse of DingTalk's")
	}
}

func TestPlatformErrors(t *testing.T) {
	retryAfter := func(int) (int, http.Header, string) {
		return http.StatusTooManyRequests, http.Header{"Retry-After": {"30"}}, "rate_limited"
	}
	tests := []struct {
		name       string
		typ        alert.ChannelType
		answer     func(int) (int, http.Header, string)
		want       string
		permanent  bool
		retryAfter time.Duration
	}{
		{"dingtalk errcode with HTTP 200", alert.ChannelDingTalk, always(200, `{"errcode":310000,"errmsg":"sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]"}`),
			"dingtalk: 310000: sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]", false, 0},
		{"feishu code", alert.ChannelFeishu, always(200, `{"code":19021,"data":{},"msg":"sign match fail or timestamp is not within one hour from current time"}`),
			"feishu: 19021: sign match fail or timestamp is not within one hour from current time", false, 0},
		{"feishu legacy StatusCode", alert.ChannelFeishu, always(200, `{"StatusCode":19024,"StatusMessage":"Key Words Not Found"}`),
			"feishu: 19024: Key Words Not Found", false, 0},
		{"wecom errcode", alert.ChannelWeCom, always(200, `{"errcode":45009,"errmsg":"api freq out of limit"}`),
			"wecom: 45009: api freq out of limit", false, 0},
		{"slack plain-text code", alert.ChannelSlack, always(404, "no_service"), "slack: HTTP 404: no_service", true, 0},
		{"slack 429 Retry-After", alert.ChannelSlack, retryAfter, "slack: HTTP 429: rate_limited", false, 30 * time.Second},
		{"webhook 500", alert.ChannelWebhook, always(500, "database is down"), "webhook: HTTP 500: database is down", false, 0},
		{"webhook gone", alert.ChannelWebhook, always(410, ""), "webhook: HTTP 410", true, 0},
		{"robot answering HTML", alert.ChannelWeCom, always(200, "<html>gateway</html>"), "wecom: unexpected answer: <html>gateway</html>", false, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := newRecorder(t, tc.answer)
			ch := alert.Channel{ID: 1, Type: tc.typ, Name: "x", URL: rec.URL + "/hook", Language: alert.LanguageEn}
			err := notifier().Send(t.Context(), ch, "", sample())
			var ne *notify.Error
			if !errors.As(err, &ne) {
				t.Fatalf("err = %v, want *notify.Error", err)
			}
			if err.Error() != tc.want || ne.Permanent != tc.permanent || ne.RetryAfter != tc.retryAfter {
				t.Fatalf("err = %q permanent=%v retryAfter=%s; want %q %v %s", err, ne.Permanent, ne.RetryAfter, tc.want, tc.permanent, tc.retryAfter)
			}
		})
	}
}

func TestSizeLimits(t *testing.T) {
	a := sample()
	a.Text = strings.Repeat("费用明细 line with [brackets] and_underscores\n", 2000) // ~100 KB
	a.TextZh = a.Text
	tests := []struct {
		typ   alert.ChannelType
		limit func(body string) int // the platform's measured size
		max   int
	}{
		{alert.ChannelDingTalk, func(b string) int { return len(b) }, 20_000},
		{alert.ChannelFeishu, func(b string) int { return len(b) }, 20 * 1024},
		{alert.ChannelWeCom, func(b string) int {
			var m struct{ Markdown struct{ Content string } }
			decodeJSON(t, b, &m)
			return len(m.Markdown.Content)
		}, 4096},
		{alert.ChannelSlack, func(b string) int {
			var m struct {
				Blocks []struct {
					Type string
					Text struct{ Text string }
				}
			}
			decodeJSON(t, b, &m)
			for _, bl := range m.Blocks {
				if bl.Type == "section" {
					return utf8.RuneCountInString(bl.Text.Text)
				}
			}
			return 0
		}, 3000},
	}
	for _, tc := range tests {
		t.Run(string(tc.typ), func(t *testing.T) {
			answers := map[alert.ChannelType]string{alert.ChannelDingTalk: `{"errcode":0}`, alert.ChannelFeishu: `{"code":0}`,
				alert.ChannelWeCom: `{"errcode":0}`, alert.ChannelSlack: "ok"}
			rec := newRecorder(t, always(200, answers[tc.typ]))
			ch := alert.Channel{ID: 1, Type: tc.typ, Name: "x", URL: rec.URL + "/hook", Language: alert.LanguageZh}
			if err := notifier().Send(t.Context(), ch, "s", a); err != nil {
				t.Fatal(err)
			}
			body := rec.got()[0].Body
			if n := tc.limit(body); n > tc.max || n < tc.max/2 {
				t.Fatalf("size %d, want at most %d (and not cut to nothing)", n, tc.max)
			}
			if !strings.Contains(body, "…") || !strings.Contains(body, "https://cloudlens.example.com/budgets/7") {
				t.Fatalf("shortened message lost its mark or its link")
			}
		})
	}
}

func decodeJSON(t *testing.T, s string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(s), v); err != nil {
		t.Fatalf("%v in %s", err, s)
	}
}

// fakeResolver answers from a table, like a DNS server under an attacker's control would.
type fakeResolver map[string][]string

func (f fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	addrs, ok := f[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []net.IPAddr
	for _, a := range addrs {
		out = append(out, net.IPAddr{IP: net.ParseIP(a)})
	}
	return out, nil
}

func TestGuardAddresses(t *testing.T) {
	tests := []struct {
		addr          string
		remote, local bool // allowed?
	}{
		{"8.8.8.8", true, true},
		{"2001:4860:4860::8888", true, true},
		{"127.0.0.1", false, true},
		{"::1", false, true},
		{"10.1.2.3", false, true},
		{"172.16.5.4", false, true},
		{"192.168.1.1", false, true},
		{"fd00::1", false, true},
		{"100.64.0.1", false, true},
		{"100.100.100.200", false, false},
		{"100.100.100.1", false, false},
		{"::ffff:100.100.100.200", false, false},
		{"64:ff9b::6464:64c8", false, false}, // 100.100.100.200 through NAT64
		{"169.254.169.254", false, false},
		{"fe80::1", false, false},
		{"0.0.0.0", false, false},
		{"::", false, false},
		{"224.0.0.1", false, false},
	}
	for _, tc := range tests {
		ip := netip.MustParseAddr(tc.addr)
		if got := (notify.Guard{}).CheckAddr(ip) == nil; got != tc.remote {
			t.Errorf("remote %s allowed = %v, want %v", tc.addr, got, tc.remote)
		}
		if got := (notify.Guard{Local: true}).CheckAddr(ip) == nil; got != tc.local {
			t.Errorf("local %s allowed = %v, want %v", tc.addr, got, tc.local)
		}
	}

	resolver := fakeResolver{"metadata.test": {"100.100.100.200"}, "intranet.test": {"10.0.0.8"},
		"mixed.test": {"8.8.8.8", "192.168.0.10"}, "public.test": {"8.8.8.8"}}
	remote, local := notify.Guard{Resolver: resolver}, notify.Guard{Local: true, Resolver: resolver}
	urls := []struct {
		url           string
		remote, local bool
	}{
		{"https://public.test/hook", true, true},
		{"http://public.test/hook", false, true},
		{"https://intranet.test/hook", false, true},
		{"https://mixed.test/hook", false, true},
		{"https://metadata.test/latest/meta-data", false, false},
		{"https://100.100.100.200/latest/meta-data", false, false},
		{"https://[::ffff:a9fe:a9fe]/", false, false},
		{"https://[fe80::1%25eth0]/", false, false},
		{"https://[fd00::1%25eth0]/", false, true},
		{"https://user:pw@public.test/hook", false, false},
		{"ftp://public.test/hook", false, false},
		{"/relative", false, false},
		{"https://unknown.test/hook", false, false},
	}
	for _, tc := range urls {
		for _, g := range []struct {
			guard notify.Guard
			want  bool
		}{{remote, tc.remote}, {local, tc.local}} {
			err := g.guard.CheckURL(t.Context(), tc.url)
			if (err == nil) != g.want {
				t.Errorf("CheckURL(%s, local=%v) = %v, want allowed=%v", tc.url, g.guard.Local, err, g.want)
			}
			if err != nil && (errs.KindOf(err) != errs.KindInvalid || !strings.HasPrefix(errs.Message(err), "url: ")) {
				t.Errorf("CheckURL(%s) error %q is not an invalid-url error", tc.url, err)
			}
		}
	}
}

// At send time the address is checked after DNS: a name that resolves to a refused address is
// never connected to, and a redirect to one is not followed.
func TestGuardAtDial(t *testing.T) {
	rec := newRecorder(t, always(200, ""))
	_, port, _ := net.SplitHostPort(rec.Listener.Addr().String())
	resolver := fakeResolver{"hooks.test": {"127.0.0.1"}, "metadata.test": {"100.100.100.200"}}

	// Outside local mode "hooks.test" resolves to loopback: refused before any connection.
	tls := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the refused server was reached: %s", r.URL)
	}))
	defer tls.Close()
	_, tlsPort, _ := net.SplitHostPort(tls.Listener.Addr().String())
	remote := notify.NewNotifier(notify.Guard{Resolver: resolver}, 5*time.Second, nil)
	ch := alert.Channel{ID: 1, Type: alert.ChannelWebhook, Name: "x", URL: "https://hooks.test:" + tlsPort + "/hook", Language: alert.LanguageEn}
	err := remote.Send(t.Context(), ch, "", sample())
	var ne *notify.Error
	if !errors.As(err, &ne) || !ne.Permanent || !strings.Contains(err.Error(), "127.0.0.1 is refused") {
		t.Fatalf("send to a name resolving to loopback: %v", err)
	}

	// In local mode loopback is fine…
	local := notify.NewNotifier(notify.Guard{Local: true, Resolver: resolver}, 5*time.Second, nil)
	ch.URL = "http://hooks.test:" + port + "/hook"
	if err := local.Send(t.Context(), ch, "", sample()); err != nil {
		t.Fatalf("local send to loopback: %v", err)
	}
	// …the metadata address never, not even through a redirect.
	redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://metadata.test/latest/meta-data/ram/security-credentials/", http.StatusTemporaryRedirect)
	}))
	defer redirect.Close()
	ch.URL = redirect.URL + "/hook"
	err = local.Send(t.Context(), ch, "", sample())
	if !errors.As(err, &ne) || !ne.Permanent || !strings.Contains(err.Error(), "100.100.100.200 is refused") {
		t.Fatalf("redirect to the metadata address: %v", err)
	}
	if strings.Contains(err.Error(), "security-credentials") {
		t.Fatalf("error repeats the URL: %v", err)
	}
	ch.URL = "http://100.100.100.200/latest/meta-data"
	if err := local.Send(t.Context(), ch, "", sample()); !errors.As(err, &ne) || !ne.Permanent {
		t.Fatalf("metadata address literal: %v", err)
	}
}

// Text from bills (a tag value, a resource name) cannot turn into a link, an image, a tag or a
// mention in the Markdown of a message CloudLens signs (plain-text fields are shown as typed).
func TestTextFromBillsStaysText(t *testing.T) {
	a := sample()
	a.Title = "Idle disk [pay here](https://evil.example/a)"
	a.Text = "tag owner=[pay here](https://evil.example/b) ![x](https://evil.example/c.png) <@all> <font color=\"info\">ok</font> <https://evil.example/d|click>"
	a.TitleZh, a.TextZh = a.Title, a.Text
	tests := []struct {
		typ      alert.ChannelType
		answer   string
		markdown func(body string) string // the fields the platform renders as Markdown
		bad      []string
	}{
		{alert.ChannelDingTalk, `{"errcode":0}`, func(b string) string {
			var m struct{ ActionCard struct{ Text string } }
			decodeJSON(t, b, &m)
			return m.ActionCard.Text
		}, []string{"](https://evil", "<@all>", "<font", "<https://evil"}},
		{alert.ChannelFeishu, `{"code":0}`, func(b string) string {
			var m struct {
				Card struct {
					Elements []struct{ Text struct{ Content string } }
				}
			}
			decodeJSON(t, b, &m)
			return m.Card.Elements[0].Text.Content
		}, []string{"](https://evil", "<at", "<font", "<https://evil"}},
		{alert.ChannelWeCom, `{"errcode":0}`, func(b string) string {
			var m struct{ Markdown struct{ Content string } }
			decodeJSON(t, b, &m)
			return m.Markdown.Content
		}, []string{"](https://evil", "<@all>", `<font color="info">ok`, "<https://evil"}},
		{alert.ChannelSlack, "ok", func(b string) string {
			var m struct {
				Blocks []struct {
					Type string
					Text struct{ Text string }
				}
			}
			decodeJSON(t, b, &m)
			return m.Blocks[2].Text.Text
		}, []string{"<@all>", "<https://evil", "<font"}},
	}
	for _, tc := range tests {
		t.Run(string(tc.typ), func(t *testing.T) {
			rec := newRecorder(t, always(200, tc.answer))
			ch := alert.Channel{ID: 1, Type: tc.typ, Name: "x", URL: rec.URL + "/hook", Language: alert.LanguageEn}
			if err := notifier().Send(t.Context(), ch, "", a); err != nil {
				t.Fatal(err)
			}
			md := tc.markdown(rec.got()[0].Body)
			for _, bad := range tc.bad {
				if strings.Contains(md, bad) {
					t.Fatalf("Markdown carries %q as markup:\n%s", bad, md)
				}
			}
			if !strings.Contains(md, "evil.example/b") {
				t.Fatalf("the text itself was dropped:\n%s", md)
			}
		})
	}
}
