package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/cloudlens/cloudlens/shared/alert"
)

// Outbox is what the Dispatcher needs from the store (*store.Store implements it).
type Outbox interface {
	ClaimDeliveries(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]alert.Claim, error)
	MarkDeliverySent(ctx context.Context, id int64, token string, at time.Time) error
	MarkDeliveryFailed(ctx context.Context, id int64, token string, at time.Time, reason string, retryAt *time.Time) error
}

// Sender delivers one alert to one channel (*Notifier is one).
type Sender interface {
	Send(ctx context.Context, ch alert.Channel, secret string, a alert.Alert) error
}

// Dispatcher delivers the outbox's due deliveries: each is sent, then marked sent at once (so a
// receiver never gets it twice after accepting it), or marked failed with the receiver's reason
// and retried on alert.RetrySchedule until it fails for good. Channels are served in parallel
// and each channel's deliveries in order, paced to the platform's rate limit, so one channel
// that is down or busy slows no other.
//
// Run returns when nothing is due: it is meant to be called by a timer function and right
// after alerts are raised, never left running in the background (Function Compute freezes
// instances between requests).
type Dispatcher struct {
	Outbox Outbox
	Sender Sender
	// OpenSecret decrypts a channel's signing secret (OpenSecret with the process's box);
	// nil means channels have none.
	OpenSecret func(alert.Channel) (string, error)
	Now        func() time.Time // nil: time.Now
	Batch      int              // deliveries claimed at a time; 0: 20
	Parallel   int              // channels served at once; 0: 4
	Timeout    time.Duration    // per send; 0: 15 s
	// Lease is how long a claim is held; 0: Batch × (Timeout + 3 s of pacing) + 1 minute, so
	// that a claim outlasts the slowest batch. A crashed dispatcher's deliveries are picked up when it runs out.
	Lease time.Duration
	Log   *slog.Logger // nil: slog.Default()
	// Sleep waits between two sends to one channel (see Pace); nil: a timer that ends early
	// when ctx does.
	Sleep func(ctx context.Context, d time.Duration)
}

// Pace is the least time between two messages to one channel, from the platforms' limits:
// DingTalk and WeCom robots take 20 a minute (DingTalk then mutes the robot for 10 minutes),
// Feishu 100 a minute and 5 a second, Slack about one a second.
var Pace = map[alert.ChannelType]time.Duration{
	alert.ChannelDingTalk: 3 * time.Second,
	alert.ChannelWeCom:    3 * time.Second,
	alert.ChannelFeishu:   600 * time.Millisecond,
	alert.ChannelSlack:    time.Second,
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// Report counts what one Run did.
type Report struct {
	Sent     int // accepted by the receiver
	Retrying int // failed, to be tried again later
	Failed   int // failed for good
}

// maxRounds bounds one Run, so a flood of alerts cannot keep one invocation busy forever; the
// next run continues where it stopped.
const maxRounds = 50

func (d *Dispatcher) defaults() (batch, parallel int, timeout, lease time.Duration, now func() time.Time, log *slog.Logger) {
	batch, parallel, timeout, lease, now, log = d.Batch, d.Parallel, d.Timeout, d.Lease, d.Now, d.Log
	if batch <= 0 {
		batch = 20
	}
	if parallel <= 0 {
		parallel = 4
	}
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	if lease <= 0 {
		lease = time.Duration(batch)*(timeout+3*time.Second) + time.Minute
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return
}

// Run delivers what is due until nothing is, or ctx ends. A failure to record a result is
// returned (after every other delivery was still attempted); a failed send is not an error
// of Run, it is recorded on its delivery.
func (d *Dispatcher) Run(ctx context.Context) (Report, error) {
	batch, parallel, timeout, lease, now, log := d.defaults()
	pause := d.Sleep
	if pause == nil {
		pause = sleep
	}
	var rep Report
	var mu sync.Mutex
	var errs []error
	lastSent := map[int64]time.Time{} // channel → last send in this run, for Pace
	for range maxRounds {
		if ctx.Err() != nil {
			break
		}
		claims, err := d.Outbox.ClaimDeliveries(ctx, now().UTC(), batch, lease)
		if err != nil {
			return rep, fmt.Errorf("notify: dispatch: %w", err)
		}
		if len(claims) == 0 {
			break
		}
		byChannel := map[int64][]alert.Claim{}
		var order []int64
		for _, c := range claims {
			if _, ok := byChannel[c.Delivery.ChannelID]; !ok {
				order = append(order, c.Delivery.ChannelID)
			}
			byChannel[c.Delivery.ChannelID] = append(byChannel[c.Delivery.ChannelID], c)
		}
		sem := make(chan struct{}, parallel)
		var wg sync.WaitGroup
		for _, ch := range order {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				for _, c := range byChannel[ch] {
					mu.Lock()
					last, seen := lastSent[ch]
					mu.Unlock()
					if wait := Pace[c.Channel.Type] - now().Sub(last); seen && wait > 0 {
						pause(ctx, wait)
					}
					outcome, err := d.deliver(ctx, c, timeout, now, log)
					mu.Lock()
					lastSent[ch] = now()
					switch outcome {
					case alert.DeliverySent:
						rep.Sent++
					case alert.DeliveryPending:
						rep.Retrying++
					case alert.DeliveryFailed:
						rep.Failed++
					}
					if err != nil {
						errs = append(errs, err)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
	}
	return rep, errors.Join(errs...)
}

// deliver sends one claimed delivery and records the outcome.
func (d *Dispatcher) deliver(ctx context.Context, c alert.Claim, timeout time.Duration, now func() time.Time, log *slog.Logger) (alert.DeliveryStatus, error) {
	log = log.With("alert_id", c.Alert.ID, "delivery_id", c.Delivery.ID, "channel_id", c.Delivery.ChannelID)
	var err error
	switch {
	case c.Channel.ID == 0:
		err = &Error{Message: "the channel was deleted", Permanent: true}
	case ctx.Err() != nil:
		return "", nil // left to the lease: the next run takes it
	default:
		secret := ""
		if d.OpenSecret != nil {
			secret, err = d.OpenSecret(c.Channel)
			if err != nil {
				err = &Error{Channel: c.Channel.Type, Message: "the channel's secret cannot be decrypted", Permanent: true}
			}
		}
		if err == nil {
			sendCtx, cancel := context.WithTimeout(ctx, timeout)
			err = d.Sender.Send(sendCtx, c.Channel, secret, c.Alert)
			cancel()
		}
	}
	// The outcome is recorded even when ctx ended meanwhile: a sent message that is not
	// marked sent would be sent again.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	at := now().UTC()
	if err == nil {
		if err := d.Outbox.MarkDeliverySent(rec, c.Delivery.ID, c.Token, at); err != nil {
			log.ErrorContext(ctx, "notify: delivered but not recorded", "error", err.Error())
			return alert.DeliverySent, err
		}
		log.InfoContext(ctx, "notify: delivered", "channel_type", string(c.Channel.Type), "attempt", c.Delivery.Attempts+1)
		return alert.DeliverySent, nil
	}
	var ne *Error
	permanent, retryAfter := false, time.Duration(0)
	if errors.As(err, &ne) {
		permanent, retryAfter = ne.Permanent, ne.RetryAfter
	}
	var retryAt *time.Time
	if !permanent {
		if t, ok := alert.NextAttempt(c.Delivery.Attempts+1, at, retryAfter); ok {
			retryAt = &t
		}
	}
	outcome := alert.DeliveryFailed
	if retryAt != nil {
		outcome = alert.DeliveryPending
	}
	log.WarnContext(ctx, "notify: delivery failed", "channel_type", string(c.Channel.Type), "attempt", c.Delivery.Attempts+1,
		"error", err.Error(), "retry", retryAt != nil)
	if err := d.Outbox.MarkDeliveryFailed(rec, c.Delivery.ID, c.Token, at, err.Error(), retryAt); err != nil {
		log.ErrorContext(ctx, "notify: failure not recorded", "error", err.Error())
		return outcome, err
	}
	return outcome, nil
}
