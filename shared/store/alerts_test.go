package store_test

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

func newChannel(t *testing.T, s *store.Store, name string) alert.Channel {
	t.Helper()
	c := alert.Channel{Type: alert.ChannelWebhook, Name: name, URL: "https://hooks.example.com/" + name, Language: alert.LanguageEn}
	if err := s.CreateChannel(t.Context(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAlertChannelsAndRules(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		ref := alert.NewSecretRef()
		ding := alert.Channel{Type: alert.ChannelDingTalk, Name: "运维群", URL: "https://oapi.dingtalk.com/robot/send?access_token=abc",
			Language: alert.LanguageZh, SecretEnc: []byte{1, 2, 3, 0, 255}, SecretRef: ref}
		if err := s.CreateChannel(ctx, &ding); err != nil {
			t.Fatal(err)
		}
		mail := alert.Channel{Type: alert.ChannelEmail, Name: "finance", Recipients: []string{"a@example.com", "b@example.com"},
			Language: alert.LanguageEn}
		if err := s.CreateChannel(ctx, &mail); err != nil {
			t.Fatal(err)
		}
		got, err := s.GetChannel(ctx, ding.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, ding) {
			t.Fatalf("GetChannel =\n%+v\nwant\n%+v", got, ding)
		}
		if mail.SecretRef == "" || mail.SecretRef == ref {
			t.Fatalf("every channel gets its own secret ref: %q", mail.SecretRef)
		}

		// Update without a secret keeps it; with clearSecret drops it.
		upd := ding
		upd.Name, upd.SecretEnc = "ops", nil
		if err := s.UpdateChannel(ctx, upd, false); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetChannel(ctx, ding.ID); got.Name != "ops" || !bytes.Equal(got.SecretEnc, ding.SecretEnc) || got.SecretRef != ref {
			t.Fatalf("after update without secret: %+v", got)
		}
		if err := s.UpdateChannel(ctx, upd, true); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.GetChannel(ctx, ding.ID); got.HasSecret() {
			t.Fatalf("secret kept after clearSecret")
		}
		list, err := s.ListChannels(ctx)
		if err != nil || len(list) != 2 || list[0].Name != "finance" || !reflect.DeepEqual(list[0].Recipients, mail.Recipients) {
			t.Fatalf("ListChannels = %+v, %v", list, err)
		}

		r := alert.Rule{Name: "budgets", Kind: alert.KindBudget, ChannelIDs: []int64{mail.ID, ding.ID, mail.ID}, Enabled: true,
			BudgetIDs: []int64{7, 9}, MinSeverity: alert.SeverityWarning, MinImpact: 1_500_000,
			Quiet: alert.QuietHours{Start: "22:00", End: "08:00", TimeZone: "Asia/Shanghai"}}
		if err := s.CreateRule(ctx, &r); err != nil {
			t.Fatal(err)
		}
		gr, err := s.GetRule(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		r.ChannelIDs = []int64{ding.ID, mail.ID} // stored ordered by id, once each
		if !reflect.DeepEqual(gr, r) {
			t.Fatalf("GetRule =\n%+v\nwant\n%+v", gr, r)
		}
		bad := alert.Rule{Name: "x", Kind: alert.KindIdle, ChannelIDs: []int64{ding.ID, 999}, Enabled: true}
		if err := s.CreateRule(ctx, &bad); errs.KindOf(err) != errs.KindInvalid || bad.ID != 0 {
			t.Fatalf("rule with an unknown channel: %v (id %d)", err, bad.ID)
		}
		if rules, _ := s.ListRules(ctx, ""); len(rules) != 1 {
			t.Fatalf("a refused rule was stored: %+v", rules)
		}

		// Deleting a channel takes it out of the rule.
		if err := s.DeleteChannel(ctx, ding.ID); err != nil {
			t.Fatal(err)
		}
		if gr, _ := s.GetRule(ctx, r.ID); !reflect.DeepEqual(gr.ChannelIDs, []int64{mail.ID}) {
			t.Fatalf("rule channels after delete = %v", gr.ChannelIDs)
		}
		r.Enabled, r.ChannelIDs, r.BudgetIDs = false, []int64{mail.ID}, nil
		if err := s.UpdateRule(ctx, r); err != nil {
			t.Fatal(err)
		}
		if rules, _ := s.ListRules(ctx, alert.KindBudget); len(rules) != 1 || rules[0].Enabled || len(rules[0].BudgetIDs) != 0 {
			t.Fatalf("ListRules(budget) = %+v", rules)
		}
		if rules, _ := s.ListRules(ctx, alert.KindAnomaly); len(rules) != 0 {
			t.Fatalf("ListRules(anomaly) = %+v", rules)
		}
		if err := s.DeleteRule(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.GetRule(ctx, r.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("deleted rule: %v", err)
		}
		if _, err := s.GetChannel(ctx, ding.ID); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("deleted channel: %v", err)
		}
	})
}

func budgetAlert(key string, channels ...int64) alert.Alert {
	a := alert.Alert{Kind: alert.KindBudget, Severity: alert.SeverityWarning, Title: "Budget Prod at 80%",
		TitleZh: "预算 Prod 已达 80%", Text: "Spent ¥800.00 of ¥1,000.00", DedupKey: key, URL: "https://cloudlens.example.com/budgets/7",
		Data: []byte(`{"budgetId":7,"percent":80}`), BudgetID: 7, Impact: 800_000_000}
	for _, c := range channels {
		a.Deliveries = append(a.Deliveries, alert.Delivery{ChannelID: c})
	}
	return a
}

func TestRaiseAlertsOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		c1, c2 := newChannel(t, s, "one"), newChannel(t, s, "two")
		t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		key := alert.BudgetDedupKey(7, "2026-12-01", "actual", 80)
		change := func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO audit_log (at, action, detail) VALUES (?, 'budget.check', 'crossed 80%')",
				t0.Format("2006-01-02T15:04:05.000000Z"))
			return err
		}
		if s.Dialect() == store.MySQL {
			change = func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, "INSERT INTO audit_log (at, action, detail) VALUES (?, 'budget.check', 'crossed 80%')", t0)
				return err
			}
		}
		countRows := func(table string) int {
			var n int
			if err := s.DB().QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}

		// A failing state change stores no alert: they share one transaction.
		boom := errors.New("budget check failed half way")
		if _, err := s.RaiseAlerts(ctx, t0, func(tx *sql.Tx) error {
			if err := change(tx); err != nil {
				return err
			}
			return boom
		}, budgetAlert(key, c1.ID, c2.ID)); !errors.Is(err, boom) {
			t.Fatalf("RaiseAlerts with a failing change: %v", err)
		}
		if n, m := countRows("alerts"), countRows("audit_log"); n != 0 || m != 0 {
			t.Fatalf("after rollback: %d alerts, %d audit rows", n, m)
		}

		raised, err := s.RaiseAlerts(ctx, t0, change, budgetAlert(key, c1.ID, c2.ID, c1.ID))
		if err != nil {
			t.Fatal(err)
		}
		if len(raised) != 1 || raised[0].ID == 0 || len(raised[0].Deliveries) != 2 || raised[0].State != alert.StateFiring {
			t.Fatalf("raised = %+v", raised)
		}
		// Raising the same crossing again, in later runs, changes nothing.
		for i := range 3 {
			again, err := s.RaiseAlerts(ctx, t0.Add(time.Duration(i+1)*time.Hour), nil, budgetAlert(key, c1.ID, c2.ID))
			if err != nil || len(again) != 0 {
				t.Fatalf("repeat raise %d = %+v, %v", i, again, err)
			}
		}
		if n, d := countRows("alerts"), countRows("alert_deliveries"); n != 1 || d != 2 {
			t.Fatalf("after repeats: %d alerts, %d deliveries", n, d)
		}
		got, err := s.GetAlert(ctx, raised[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		want := raised[0]
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("GetAlert =\n%+v\nwant\n%+v", got, want)
		}

		// Concurrent raises of one new key store it once.
		key2 := alert.BudgetDedupKey(7, "2026-12-01", "actual", 100)
		var wg sync.WaitGroup
		var mu sync.Mutex
		fresh := 0
		for range 4 {
			wg.Go(func() {
				r, err := s.RaiseAlerts(ctx, t0, nil, budgetAlert(key2, c1.ID))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					fresh += len(r)
				case errs.KindOf(err) != errs.KindUnavailable: // a deadlock victim may retry; anything else is a bug
					t.Errorf("concurrent raise: %v", err)
				}
			})
		}
		wg.Wait()
		if list, _ := s.ListAlerts(ctx, store.AlertFilter{DedupKeyPrefix: key2}); fresh != 1 || len(list) != 1 || len(list[0].Deliveries) != 1 {
			t.Fatalf("concurrent raises: %d fresh, stored %+v", fresh, list)
		}

		// Ack, snooze, resolve; a resolved alert fires again with new deliveries when the
		// threshold is crossed again (after a refund brought spend back under).
		if err := s.AcknowledgeAlert(ctx, raised[0].ID, 3, t0.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.SnoozeAlert(ctx, raised[0].ID, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		got, _ = s.GetAlert(ctx, raised[0].ID)
		if got.State != alert.StateAcknowledged || got.AcknowledgedBy != 3 || got.SnoozedUntil == nil || !got.SnoozedUntil.Equal(t0.Add(2*time.Hour)) {
			t.Fatalf("after ack and snooze: %+v", got)
		}
		n, err := s.ResolveAlerts(ctx, t0.Add(3*time.Hour), key, "budget:unknown")
		if err != nil || n != 1 {
			t.Fatalf("ResolveAlerts = %d, %v", n, err)
		}
		if n, _ := s.ResolveAlerts(ctx, t0.Add(4*time.Hour), key); n != 0 {
			t.Fatalf("resolving twice changed %d", n)
		}
		if err := s.AcknowledgeAlert(ctx, raised[0].ID, 3, t0); errs.KindOf(err) != errs.KindConflict {
			t.Fatalf("ack of a resolved alert: %v", err)
		}
		if err := s.AcknowledgeAlert(ctx, 99999, 3, t0); errs.KindOf(err) != errs.KindNotFound {
			t.Fatalf("ack of a missing alert: %v", err)
		}
		refired, err := s.RaiseAlerts(ctx, t0.Add(5*time.Hour), nil, budgetAlert(key, c2.ID))
		if err != nil || len(refired) != 1 || refired[0].ID != raised[0].ID || len(refired[0].Deliveries) != 1 {
			t.Fatalf("re-fire = %+v, %v", refired, err)
		}
		got, _ = s.GetAlert(ctx, raised[0].ID)
		if got.State != alert.StateFiring || got.ResolvedAt != nil || got.AcknowledgedAt != nil || !got.FiredAt.Equal(t0.Add(5*time.Hour)) ||
			!got.CreatedAt.Equal(t0) || len(got.Deliveries) != 3 {
			t.Fatalf("after re-fire: %+v", got)
		}

		// History: newest first, filters, paging.
		all, err := s.ListAlerts(ctx, store.AlertFilter{})
		if err != nil || len(all) != 2 || all[0].DedupKey != key2 {
			t.Fatalf("ListAlerts = %+v, %v", all, err)
		}
		if page, _ := s.ListAlerts(ctx, store.AlertFilter{BeforeID: all[0].ID}); len(page) != 1 || page[0].ID != all[1].ID {
			t.Fatalf("page = %+v", page)
		}
		if f, _ := s.ListAlerts(ctx, store.AlertFilter{Kind: alert.KindAnomaly}); len(f) != 0 {
			t.Fatalf("kind filter = %+v", f)
		}
		if f, _ := s.ListAlerts(ctx, store.AlertFilter{DedupKeyPrefix: "budget:7:2026-12-01:actual:8"}); len(f) != 1 || f[0].DedupKey != key {
			t.Fatalf("prefix filter = %+v", f)
		}
		if f, _ := s.ListAlerts(ctx, store.AlertFilter{DedupKeyPrefix: "budget_7"}); len(f) != 0 {
			t.Fatalf("'_' in a prefix matched as a wildcard: %+v", f)
		}
		if _, err := s.RaiseAlerts(ctx, t0, nil, alert.Alert{Kind: "cpu", Title: "x", DedupKey: "y"}); errs.KindOf(err) != errs.KindInvalid {
			t.Fatalf("invalid alert: %v", err)
		}
	})
}

func TestClaimDeliveries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		c := newChannel(t, s, "hook")
		t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		later := budgetAlert("later", c.ID)
		later.Deliveries[0].NextAttemptAt = t0.Add(time.Hour) // quiet hours
		if _, err := s.RaiseAlerts(ctx, t0, nil, budgetAlert("a", c.ID), budgetAlert("b", c.ID), later, budgetAlert("snoozed", c.ID)); err != nil {
			t.Fatal(err)
		}
		snoozed, _ := s.ListAlerts(ctx, store.AlertFilter{DedupKeyPrefix: "snoozed"})
		if err := s.SnoozeAlert(ctx, snoozed[0].ID, t0.Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}

		claims, err := s.ClaimDeliveries(ctx, t0, 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		keys := func(cs []alert.Claim) []string {
			var out []string
			for _, c := range cs {
				out = append(out, c.Alert.DedupKey)
			}
			return out
		}
		if !reflect.DeepEqual(keys(claims), []string{"a", "b"}) || claims[0].Channel.ID != c.ID || claims[0].Token == "" {
			t.Fatalf("claimed %v (%+v)", keys(claims), claims)
		}
		if again, _ := s.ClaimDeliveries(ctx, t0.Add(59*time.Second), 10, time.Minute); len(again) != 0 {
			t.Fatalf("leased deliveries handed out again: %v", keys(again))
		}
		if err := s.MarkDeliverySent(ctx, claims[0].Delivery.ID, "not-the-token", t0); errs.KindOf(err) != errs.KindConflict {
			t.Fatalf("mark sent with a wrong token: %v", err)
		}
		if err := s.MarkDeliverySent(ctx, claims[0].Delivery.ID, claims[0].Token, t0.Add(time.Second)); err != nil {
			t.Fatal(err)
		}
		retry := t0.Add(time.Minute)
		if err := s.MarkDeliveryFailed(ctx, claims[1].Delivery.ID, claims[1].Token, t0.Add(time.Second), "dingtalk: errcode 310000: sign not match", &retry); err != nil {
			t.Fatal(err)
		}
		// A dispatcher that crashed leaves nothing held: after the lease, "b" is claimable when due.
		// At t0+1h the quiet-hour delivery and the snoozed one are due too; "a" was sent.
		claims2, err := s.ClaimDeliveries(ctx, t0.Add(time.Hour), 10, time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(keys(claims2), []string{"b", "later", "snoozed"}) { // in id order
			t.Fatalf("second claim = %v", keys(claims2))
		}
		if d := claims2[0].Delivery; d.Attempts != 1 || d.LastError != "dingtalk: errcode 310000: sign not match" {
			t.Fatalf("retried delivery = %+v", d)
		}
		if err := s.MarkDeliveryFailed(ctx, claims2[0].Delivery.ID, claims2[0].Token, t0.Add(time.Hour), "timeout", nil); err != nil {
			t.Fatal(err)
		}
		a, _ := s.GetAlert(ctx, claims[0].Alert.ID)
		if d := a.Deliveries[0]; d.Status != alert.DeliverySent || d.Attempts != 1 || d.SentAt == nil || !d.SentAt.Equal(t0.Add(time.Second)) {
			t.Fatalf("sent delivery = %+v", d)
		}
		b, _ := s.GetAlert(ctx, claims[1].Alert.ID)
		if d := b.Deliveries[0]; d.Status != alert.DeliveryFailed || d.Attempts != 2 || d.LastError != "timeout" || d.SentAt != nil {
			t.Fatalf("failed delivery = %+v", d)
		}
	})
}

func TestClaimDeliveriesConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		c := newChannel(t, s, "hook")
		t0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
		var alerts []alert.Alert
		for i := range 30 {
			alerts = append(alerts, budgetAlert(fmt.Sprint("k", i), c.ID))
		}
		if _, err := s.RaiseAlerts(ctx, t0, nil, alerts...); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					claims, err := s.ClaimDeliveries(ctx, t0, 3, time.Minute)
					if err != nil {
						if errs.KindOf(err) == errs.KindUnavailable {
							continue
						}
						t.Error(err)
						return
					}
					if len(claims) == 0 {
						return
					}
					for _, cl := range claims {
						mu.Lock()
						seen[cl.Delivery.ID]++
						mu.Unlock()
						if err := s.MarkDeliverySent(ctx, cl.Delivery.ID, cl.Token, t0); err != nil {
							t.Error(err)
						}
					}
				}
			})
		}
		wg.Wait()
		if len(seen) != 30 {
			t.Fatalf("claimed %d distinct deliveries, want 30", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("delivery %d claimed %d times", id, n)
			}
		}
	})
}
