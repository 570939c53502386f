package notify_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/notify"
	"github.com/cloudlens/cloudlens/shared/secretbox"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// clock is a fake clock the test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time)     { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) { c.Set(c.Now().Add(d)) }

func createChannels(t *testing.T, s *store.Store, chs ...*alert.Channel) {
	t.Helper()
	for _, ch := range chs {
		if err := s.CreateChannel(t.Context(), ch); err != nil {
			t.Fatal(err)
		}
	}
}

func newBox(t *testing.T) *secretbox.Box {
	key, err := secretbox.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := secretbox.ParseKey(key)
	box, err := secretbox.New(raw)
	if err != nil {
		t.Fatal(err)
	}
	return box
}

func TestDispatcher(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		box := newBox(t)
		t0 := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
		clk := &clock{t: t0}

		good := newRecorder(t, always(200, ""))
		flaky := newRecorder(t, func(n int) (int, http.Header, string) { // down for three attempts, then up
			if n <= 3 {
				return 503, nil, "upstream unavailable"
			}
			return 200, nil, `{"errcode":0,"errmsg":"ok"}`
		})
		down := newRecorder(t, always(500, "database is down"))
		gone := newRecorder(t, always(404, "no_service"))

		mk := func(typ alert.ChannelType, name, url, secret string) alert.Channel {
			c := alert.Channel{Type: typ, Name: name, URL: url, Language: alert.LanguageEn}
			if secret != "" {
				if err := notify.SealSecret(box, &c, secret); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.CreateChannel(ctx, &c); err != nil {
				t.Fatal(err)
			}
			return c
		}
		chGood := mk(alert.ChannelWebhook, "good", good.URL+"/hook", "whsec")
		chFlaky := mk(alert.ChannelDingTalk, "flaky", flaky.URL+"/robot/send?access_token=t", "SECding")
		chDown := mk(alert.ChannelWebhook, "down", down.URL+"/hook", "")
		chGone := mk(alert.ChannelSlack, "gone", gone.URL+"/services/x", "")
		rule := alert.Rule{Name: "all budgets", Kind: alert.KindBudget, Enabled: true,
			ChannelIDs: []int64{chGood.ID, chFlaky.ID, chDown.ID, chGone.ID}}
		if err := s.CreateRule(ctx, &rule); err != nil {
			t.Fatal(err)
		}

		n := notify.NewNotifier(notify.Guard{Local: true}, 5*time.Second, nil)
		n.Now = clk.Now
		d := &notify.Dispatcher{Outbox: s, Sender: n, Now: clk.Now,
			OpenSecret: func(c alert.Channel) (string, error) { return notify.OpenSecret(box, c) }}

		raise := func() []alert.Alert {
			rules, err := s.ListRules(ctx, alert.KindBudget)
			if err != nil {
				t.Fatal(err)
			}
			a := sample()
			a.ID = 0
			a.Deliveries = alert.Route(rules, a, clk.Now())
			raised, err := s.RaiseAlerts(ctx, clk.Now(), nil, a)
			if err != nil {
				t.Fatal(err)
			}
			return raised
		}
		if r := raise(); len(r) != 1 || len(r[0].Deliveries) != 4 {
			t.Fatalf("raised %+v", r)
		}
		run := func(want notify.Report) {
			t.Helper()
			rep, err := d.Run(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if rep != want {
				t.Fatalf("at +%s: report %+v, want %+v", clk.Now().Sub(t0), rep, want)
			}
		}
		hits := func() [4]int {
			return [4]int{len(good.got()), len(flaky.got()), len(down.got()), len(gone.got())}
		}

		// First run: the good channel gets it although the others fail; 404 is final at once.
		run(notify.Report{Sent: 1, Retrying: 2, Failed: 1})
		if h := hits(); h != [4]int{1, 1, 1, 1} {
			t.Fatalf("hits %v", h)
		}
		// Verify the webhook's signature the way a receiver would.
		req := good.got()[0]
		mac := hmac.New(sha256.New, []byte("whsec"))
		mac.Write([]byte(req.Header.Get("X-CloudLens-Timestamp") + "." + req.Body))
		if req.Header.Get("X-CloudLens-Signature") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			t.Fatalf("signature %q", req.Header.Get("X-CloudLens-Signature"))
		}

		// Dedup: raising the same crossing again (the next hourly check) adds nothing.
		if r := raise(); len(r) != 0 {
			t.Fatalf("repeat raise %+v", r)
		}
		// Backoff: nothing is due before a minute has passed…
		clk.Add(59 * time.Second)
		run(notify.Report{})
		// …then the second attempt, five minutes later the third, thirty later the fourth.
		clk.Add(time.Second)
		run(notify.Report{Retrying: 2})
		clk.Add(4 * time.Minute)
		run(notify.Report{})
		clk.Add(time.Minute)
		run(notify.Report{Retrying: 2})
		clk.Add(30 * time.Minute)
		run(notify.Report{Sent: 1, Failed: 1})
		clk.Add(24 * time.Hour)
		run(notify.Report{})
		if h := hits(); h != [4]int{1, 4, 4, 1} {
			t.Fatalf("hits %v, want good 1, flaky 4, down 4, gone 1", h)
		}
		// Each attempt came at the scheduled time (the DingTalk timestamp is the fake clock's).
		for i, want := range []time.Duration{0, time.Minute, 6 * time.Minute, 36 * time.Minute} {
			ts := flaky.got()[i].URI
			if wantTS := "timestamp=" + strconv.FormatInt(t0.Add(want).UnixMilli(), 10); !strings.Contains(ts, wantTS) {
				t.Fatalf("attempt %d: %s lacks %s", i+1, ts, wantTS)
			}
		}

		list, err := s.ListAlerts(ctx, store.AlertFilter{})
		if err != nil || len(list) != 1 {
			t.Fatalf("alerts %+v %v", list, err)
		}
		byChannel := map[int64]alert.Delivery{}
		for _, dl := range list[0].Deliveries {
			byChannel[dl.ChannelID] = dl
		}
		check := func(name string, dl alert.Delivery, status alert.DeliveryStatus, attempts int, lastError string, sent *time.Time) {
			t.Helper()
			if dl.Status != status || dl.Attempts != attempts || dl.LastError != lastError ||
				(sent == nil) != (dl.SentAt == nil) || (sent != nil && !dl.SentAt.Equal(*sent)) {
				t.Fatalf("%s delivery = %+v; want %s after %d attempts, error %q, sent %v", name, dl, status, attempts, lastError, sent)
			}
		}
		at := func(d time.Duration) *time.Time { x := t0.Add(d); return &x }
		check("good", byChannel[chGood.ID], alert.DeliverySent, 1, "", at(0))
		check("flaky", byChannel[chFlaky.ID], alert.DeliverySent, 4, "", at(36*time.Minute))
		check("down", byChannel[chDown.ID], alert.DeliveryFailed, 4, "webhook: HTTP 500: database is down", nil)
		check("gone", byChannel[chGone.ID], alert.DeliveryFailed, 1, "slack: HTTP 404: no_service", nil)
	})
}

// Two dispatchers running at once (a timer and a post-raise start) never send one delivery twice.
func TestDispatchersConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		rec := newRecorder(t, always(200, ""))
		c := alert.Channel{Type: alert.ChannelWebhook, Name: "hook", URL: rec.URL + "/hook", Language: alert.LanguageEn}
		createChannels(t, s, &c)
		t0 := time.Now().UTC()
		var alerts []alert.Alert
		for i := range 40 {
			a := sample()
			a.DedupKey = "k" + strconv.Itoa(i)
			a.Deliveries = []alert.Delivery{{ChannelID: c.ID}}
			alerts = append(alerts, a)
		}
		if _, err := s.RaiseAlerts(ctx, t0, nil, alerts...); err != nil {
			t.Fatal(err)
		}
		n := notify.NewNotifier(notify.Guard{Local: true}, 5*time.Second, nil)
		var wg sync.WaitGroup
		var mu sync.Mutex
		total := 0
		for range 3 {
			wg.Go(func() {
				d := &notify.Dispatcher{Outbox: s, Sender: n, Batch: 5}
				rep, err := d.Run(context.Background())
				if err != nil {
					t.Error(err)
				}
				mu.Lock()
				total += rep.Sent
				mu.Unlock()
			})
		}
		wg.Wait()
		seen := map[int64]int{}
		for _, r := range rec.got() {
			var body struct{ ID int64 }
			decodeJSON(t, r.Body, &body)
			seen[body.ID]++
		}
		if total != 40 || len(rec.got()) != 40 || len(seen) != 40 {
			t.Fatalf("sent %d, received %d for %d alerts; want 40 of each", total, len(rec.got()), len(seen))
		}
	})
}

// A dispatcher that crashed after claiming loses nothing: once its lease runs out the next run
// delivers, once. A deleted channel's delivery fails with the reason instead of waiting forever.
func TestDispatcherAfterCrash(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		t0 := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
		clk := &clock{t: t0}
		rec := newRecorder(t, always(200, ""))
		c := alert.Channel{Type: alert.ChannelWebhook, Name: "hook", URL: rec.URL + "/hook", Language: alert.LanguageEn}
		doomed := alert.Channel{Type: alert.ChannelWebhook, Name: "doomed", URL: rec.URL + "/old", Language: alert.LanguageEn}
		createChannels(t, s, &c, &doomed)
		a := sample()
		a.Deliveries = []alert.Delivery{{ChannelID: c.ID}, {ChannelID: doomed.ID}}
		if _, err := s.RaiseAlerts(ctx, t0, nil, a); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteChannel(ctx, doomed.ID); err != nil {
			t.Fatal(err)
		}
		// The crashed run: claimed, never sent, never recorded.
		if claims, err := s.ClaimDeliveries(ctx, t0, 10, 5*time.Minute); err != nil || len(claims) != 2 {
			t.Fatalf("claim: %d, %v", len(claims), err)
		}
		n := notify.NewNotifier(notify.Guard{Local: true}, 5*time.Second, nil)
		d := &notify.Dispatcher{Outbox: s, Sender: n, Now: clk.Now, Lease: 5 * time.Minute}
		clk.Add(4 * time.Minute)
		if rep, err := d.Run(ctx); err != nil || rep != (notify.Report{}) {
			t.Fatalf("within the lease: %+v, %v", rep, err)
		}
		clk.Add(time.Minute)
		if rep, err := d.Run(ctx); err != nil || rep != (notify.Report{Sent: 1, Failed: 1}) {
			t.Fatalf("after the lease: %+v, %v", rep, err)
		}
		if rep, err := d.Run(ctx); err != nil || rep != (notify.Report{}) || len(rec.got()) != 1 {
			t.Fatalf("again: %+v, %v, %d requests", rep, err, len(rec.got()))
		}
		got, _ := s.ListAlerts(ctx, store.AlertFilter{})
		if dl := got[0].Deliveries[1]; dl.Status != alert.DeliveryFailed || dl.LastError != "the channel was deleted" {
			t.Fatalf("deleted channel's delivery = %+v", dl)
		}
	})
}

// Several alerts for one robot are spaced to its rate limit; other channels are not held up.
func TestDispatcherPacesEachChannel(t *testing.T) {
	s := storetest.SQLite(t)
	ctx := t.Context()
	t0 := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	ding := newRecorder(t, always(200, `{"errcode":0,"errmsg":"ok"}`))
	hook := newRecorder(t, always(200, ""))
	chDing := alert.Channel{Type: alert.ChannelDingTalk, Name: "ding", URL: ding.URL + "/robot/send?access_token=t", Language: alert.LanguageZh}
	chHook := alert.Channel{Type: alert.ChannelWebhook, Name: "hook", URL: hook.URL + "/hook", Language: alert.LanguageEn}
	createChannels(t, s, &chDing, &chHook)
	var alerts []alert.Alert
	for i := range 3 {
		a := sample()
		a.DedupKey = "k" + strconv.Itoa(i)
		a.Deliveries = []alert.Delivery{{ChannelID: chDing.ID}, {ChannelID: chHook.ID}}
		alerts = append(alerts, a)
	}
	if _, err := s.RaiseAlerts(ctx, t0, nil, alerts...); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var waits []time.Duration
	d := &notify.Dispatcher{Outbox: s, Sender: notify.NewNotifier(notify.Guard{Local: true}, 5*time.Second, nil),
		Now: func() time.Time { return t0 }, Batch: 2,
		Sleep: func(_ context.Context, w time.Duration) { mu.Lock(); waits = append(waits, w); mu.Unlock() }}
	rep, err := d.Run(ctx)
	if err != nil || rep.Sent != 6 {
		t.Fatalf("%+v, %v", rep, err)
	}
	// Two waits of 3 s between the three DingTalk messages (across claim batches too), none
	// for the webhook.
	if len(waits) != 2 || waits[0] != 3*time.Second || waits[1] != 3*time.Second {
		t.Fatalf("waits %v", waits)
	}
	if len(ding.got()) != 3 || len(hook.got()) != 3 {
		t.Fatalf("ding %d, hook %d", len(ding.got()), len(hook.got()))
	}
}
