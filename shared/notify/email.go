package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/cloudlens/cloudlens/shared/alert"
)

// SMTP TLS modes, as CLOUDLENS_SMTP_TLS spells them.
const (
	SMTPStartTLS = "starttls" // plain connection upgraded with STARTTLS, which must succeed (port 587)
	SMTPTLS      = "tls"      // TLS from the first byte (port 465)
	SMTPNoTLS    = "none"     // no encryption: local mode only (a relay on the same machine)
)

// SMTPConfig is how CloudLens reaches its mail server.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string // empty: no authentication
	Password string
	From     string // sender address, e.g. "CloudLens <alerts@example.com>"
	TLS      string // SMTPStartTLS, SMTPTLS or SMTPNoTLS
	Timeout  time.Duration
}

// Mailer sends alert e-mails through one SMTP server, one connection per message (Function
// Compute freezes instances between requests, so no connection is kept).
type Mailer struct {
	cfg SMTPConfig
}

// NewMailer checks cfg and returns a Mailer.
func NewMailer(cfg SMTPConfig) (*Mailer, error) {
	if cfg.Host == "" || cfg.Port <= 0 || cfg.From == "" {
		return nil, errors.New("notify: SMTP needs a host, a port and a sender address")
	}
	switch cfg.TLS {
	case SMTPStartTLS, SMTPTLS, SMTPNoTLS:
	default:
		return nil, fmt.Errorf("notify: SMTP TLS mode %q is not starttls, tls or none", cfg.TLS)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 15 * time.Second
	}
	m := mail.NewMsg()
	if err := m.From(cfg.From); err != nil {
		return nil, fmt.Errorf("notify: SMTP sender %q: %w", cfg.From, err)
	}
	return &Mailer{cfg: cfg}, nil
}

func (ml *Mailer) client() (*mail.Client, error) {
	opts := []mail.Option{mail.WithPort(ml.cfg.Port), mail.WithTimeout(ml.cfg.Timeout)}
	switch ml.cfg.TLS {
	case SMTPTLS:
		opts = append(opts, mail.WithSSL())
	case SMTPStartTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case SMTPNoTLS:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if ml.cfg.Username != "" {
		auth := mail.SMTPAuthPlain
		if ml.cfg.TLS == SMTPNoTLS {
			// Only allowed in local mode (config refuses it on Function Compute): a relay on the
			// same machine or network that still wants a login.
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(ml.cfg.Username), mail.WithPassword(ml.cfg.Password))
	}
	return mail.NewClient(ml.cfg.Host, opts...)
}

var emailHTML = template.Must(template.New("email").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><body style="font-family:-apple-system,'PingFang SC','Microsoft YaHei',Arial,sans-serif;color:#1f2329">
<p style="color:{{.Color}};font-weight:bold;margin:0 0 8px">{{.Label}}</p>
<h2 style="margin:0 0 12px">{{.Title}}</h2>
{{range .Paragraphs}}<p style="margin:0 0 8px">{{.}}</p>
{{end}}{{if .URL}}<p style="margin-top:16px"><a href="{{.URL}}" style="background:#1664ff;color:#fff;padding:8px 16px;border-radius:4px;text-decoration:none">{{.Link}}</a></p>
{{end}}</body></html>
`))

var emailColors = map[string]string{"red": "#d83931", "orange": "#de7802", "blue": "#1664ff", "green": "#2ea121"}

// send delivers m to recipients as a plain-text message with an HTML alternative. The server's
// own refusal comes back in the *Error.
func (ml *Mailer) send(ctx context.Context, recipients []string, m message) error {
	msg := mail.NewMsg()
	if err := msg.From(ml.cfg.From); err != nil {
		return &Error{Channel: alert.ChannelEmail, Message: err.Error(), Permanent: true}
	}
	if err := msg.To(recipients...); err != nil {
		return &Error{Channel: alert.ChannelEmail, Message: err.Error(), Permanent: true}
	}
	msg.Subject(m.Label + ": " + m.Title)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetUserAgent("CloudLens")
	plain := m.Title + "\n\n" + m.Text
	if m.URL != "" {
		plain += "\n\n" + m.Link + ": " + m.URL
	}
	msg.SetBodyString(mail.TypeTextPlain, plain+"\n")
	var html bytes.Buffer
	if err := emailHTML.Execute(&html, map[string]any{"Lang": string(m.Lang), "Color": emailColors[m.Color], "Label": m.Label,
		"Title": m.Title, "Paragraphs": strings.Split(m.Text, "\n"), "URL": m.URL, "Link": m.Link}); err != nil {
		return &Error{Channel: alert.ChannelEmail, Message: err.Error(), Permanent: true}
	}
	msg.AddAlternativeString(mail.TypeTextHTML, html.String())

	c, err := ml.client()
	if err != nil {
		return &Error{Channel: alert.ChannelEmail, Message: err.Error(), Permanent: true}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil {
		e := &Error{Channel: alert.ChannelEmail, Message: err.Error()}
		var se *mail.SendError
		if errors.As(err, &se) {
			e.Permanent = !se.IsTemp() && se.ErrorCode() >= 500
			if code := se.ErrorCode(); code != 0 {
				e.Code = fmt.Sprint(code)
			}
		}
		return e
	}
	return nil
}
