package notify_test

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/notify"
)

// mailbox is a real SMTP server (go-smtp) that requires AUTH PLAIN and keeps what it receives.
type mailbox struct {
	mu       sync.Mutex
	messages []received
	refuse   string // a recipient the server refuses with 550
}

type received struct {
	From string
	To   []string
	Data []byte
}

type session struct {
	box    *mailbox
	authed bool
	cur    received
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{box: b}, nil }

func (s *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "alerts@example.com" || pass != "mail-password" {
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "authentication credentials invalid"}
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	if !s.authed {
		return smtp.ErrAuthRequired
	}
	s.cur.From = from
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if to == s.box.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such mailbox: " + to}
	}
	s.cur.To = append(s.cur.To, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.Data = b
	s.box.mu.Lock()
	s.box.messages = append(s.box.messages, s.cur)
	s.box.mu.Unlock()
	return nil
}

func (s *session) Reset()        { s.cur = received{} }
func (s *session) Logout() error { return nil }

func startSMTP(t *testing.T) (*mailbox, int) {
	box := &mailbox{refuse: "nobody@example.com"}
	srv := smtp.NewServer(box)
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return box, ln.Addr().(*net.TCPAddr).Port
}

// decodePart reads a MIME part's body whatever its transfer encoding.
func decodePart(t *testing.T, enc string, r io.Reader) string {
	t.Helper()
	switch strings.ToLower(enc) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		t.Fatal("base64 parts are not expected for text")
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestEmail(t *testing.T) {
	box, port := startSMTP(t)
	m, err := notify.NewMailer(notify.SMTPConfig{Host: "127.0.0.1", Port: port, Username: "alerts@example.com",
		Password: "mail-password", From: "CloudLens <alerts@example.com>", TLS: notify.SMTPNoTLS, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	n := notify.NewNotifier(notify.Guard{}, 5*time.Second, m)
	ch := alert.Channel{ID: 3, Type: alert.ChannelEmail, Name: "finance", Language: alert.LanguageZh,
		Recipients: []string{"cfo@example.com", "ops@example.com"}}
	if err := n.Send(t.Context(), ch, "", sample()); err != nil {
		t.Fatal(err)
	}
	if len(box.messages) != 1 {
		t.Fatalf("%d messages", len(box.messages))
	}
	got := box.messages[0]
	if got.From != "alerts@example.com" || strings.Join(got.To, ",") != "cfo@example.com,ops@example.com" {
		t.Fatalf("envelope from %q to %v", got.From, got.To)
	}
	msg, err := mail.ReadMessage(strings.NewReader(string(got.Data)))
	if err != nil {
		t.Fatal(err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if subject != "[严重] 预算: 预算 Prod 已达 80%" {
		t.Fatalf("subject %q", subject)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 2 || to[0].Address != "cfo@example.com" || to[1].Address != "ops@example.com" {
		t.Fatalf("To: %v (%v)", to, err)
	}
	if from, err := mail.ParseAddress(msg.Header.Get("From")); err != nil || from.Address != "alerts@example.com" || from.Name != "CloudLens" {
		t.Fatalf("From: %v (%v)", from, err)
	}
	mediaType, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil || mediaType != "multipart/alternative" {
		t.Fatalf("Content-Type %q (%v)", msg.Header.Get("Content-Type"), err)
	}
	parts := map[string]string{}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		parts[ct] = decodePart(t, p.Header.Get("Content-Transfer-Encoding"), p)
	}
	wantPlain := "预算 Prod 已达 80%\n\n已花费 ¥800.00，预算 ¥1,000.00。\n最大产品：ecs_[prod]\n\n在 CloudLens 中查看: https://cloudlens.example.com/budgets/7\n"
	if got := strings.ReplaceAll(parts["text/plain"], "\r\n", "\n"); got != wantPlain {
		t.Fatalf("text/plain\n%q\nwant\n%q", got, wantPlain)
	}
	html := parts["text/html"]
	for _, want := range []string{`<h2 style="margin:0 0 12px">预算 Prod 已达 80%</h2>`, `最大产品：ecs_[prod]`,
		`<a href="https://cloudlens.example.com/budgets/7"`, `>在 CloudLens 中查看</a>`, `<html lang="zh">`} {
		if !strings.Contains(html, want) {
			t.Fatalf("text/html lacks %q:\n%s", want, html)
		}
	}

	// The server's own refusal comes back, as a permanent failure.
	ch.Recipients = []string{"nobody@example.com"}
	err = n.Send(t.Context(), ch, "", sample())
	var ne *notify.Error
	if !errors.As(err, &ne) || !strings.Contains(err.Error(), "no such mailbox: nobody@example.com") || !ne.Permanent {
		t.Fatalf("refused recipient: %v", err)
	}
	// Wrong password: the server's answer, not a generic failure.
	bad, _ := notify.NewMailer(notify.SMTPConfig{Host: "127.0.0.1", Port: port, Username: "alerts@example.com",
		Password: "wrong", From: "alerts@example.com", TLS: notify.SMTPNoTLS})
	ch.Recipients = []string{"cfo@example.com"}
	if err := notify.NewNotifier(notify.Guard{}, time.Second, bad).Send(t.Context(), ch, "", sample()); err == nil ||
		!strings.Contains(err.Error(), `535 "5.7.8 authentication credentials invalid"`) {
		t.Fatalf("wrong password: %v", err)
	}
	// STARTTLS is mandatory when asked for: a server without it is refused, nothing is sent.
	strict, _ := notify.NewMailer(notify.SMTPConfig{Host: "127.0.0.1", Port: port, Username: "alerts@example.com",
		Password: "mail-password", From: "alerts@example.com", TLS: notify.SMTPStartTLS})
	if err := notify.NewNotifier(notify.Guard{}, time.Second, strict).Send(t.Context(), ch, "", sample()); err == nil ||
		!strings.Contains(strings.ToLower(err.Error()), "starttls") {
		t.Fatalf("starttls against a server without it: %v", err)
	}
	if len(box.messages) != 1 {
		t.Fatalf("%d messages after the refusals, want still 1", len(box.messages))
	}
	if _, err := notify.NewMailer(notify.SMTPConfig{Host: "smtp.example.com", Port: 465, From: "a@example.com", TLS: "ssl"}); err == nil {
		t.Fatal("unknown TLS mode accepted")
	}
}
