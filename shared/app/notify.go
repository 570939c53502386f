package app

import (
	"time"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/config"
	"github.com/cloudlens/cloudlens/shared/notify"
)

// sendTimeout bounds one request to a channel's platform.
const sendTimeout = 15 * time.Second

// Guard is the outgoing address policy for user-given URLs: in local mode loopback and
// private addresses may be reached (a webhook on the same machine or LAN), elsewhere not.
func (d *Deps) Guard() notify.Guard {
	return notify.Guard{Local: d.Config.Mode == config.ModeLocal}
}

// Notifier is what sends alerts to channels, built from the configuration: HTTP through the
// Guard, e-mail through CLOUDLENS_SMTP_* when a host is set (without one, e-mail channels fail
// with a reason that says so). The alerts function's test send and the dispatcher both use it,
// so a test message travels exactly the way a real alert does.
func (d *Deps) Notifier() (*notify.Notifier, error) {
	var mailer *notify.Mailer
	if c := d.Config; c.SMTPHost != "" {
		var err error
		mailer, err = notify.NewMailer(notify.SMTPConfig{Host: c.SMTPHost, Port: c.SMTPPort, Username: c.SMTPUsername,
			Password: c.SMTPPassword, From: c.SMTPFrom, TLS: c.SMTPTLS, Timeout: sendTimeout})
		if err != nil {
			return nil, err
		}
	}
	n := notify.NewNotifier(d.Guard(), sendTimeout, mailer)
	n.Now = d.now
	return n, nil
}

// OpenChannelSecret decrypts a channel's signing secret with this process's key.
func (d *Deps) OpenChannelSecret(ch alert.Channel) (string, error) {
	return notify.OpenSecret(d.Box, ch)
}
