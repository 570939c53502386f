// Package costtest loads simulated bills into a store for the cost-analysis tests: accounts
// from shared/aliyunsim, their bill items normalised and written through the billing write
// path, and the roll-up rebuilt, returning the line items so tests can compute expectations
// independently of the query code.
package costtest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
)

// Data is what Load wrote.
type Data struct {
	Accounts []account.Account
	Items    []billing.LineItem
}

// Options size the simulated world.
type Options struct {
	Seed      int64
	Accounts  int
	Resources int
	Now       time.Time // bills exist up to the day before
	Days      int       // days of history up to the day before Now
	Demo      []bool    // per account; missing entries are false
}

// Load creates the accounts and writes Days days of their bills, as seen at Now.
func Load(t testing.TB, s *store.Store, o Options) Data {
	t.Helper()
	ctx := context.Background()
	w := aliyunsim.NewWorld(aliyunsim.Config{Seed: o.Seed, Accounts: o.Accounts, Resources: o.Resources,
		Now: func() time.Time { return o.Now }})
	last := o.Now.In(billing.Shanghai).AddDate(0, 0, -1)
	first := last.AddDate(0, 0, -(o.Days - 1))
	var d Data
	for i, sa := range w.Accounts() {
		acc := account.Account{Name: sa.Name, UID: sa.UID, Site: account.Site(sa.Site), AuthType: account.AuthAccessKey,
			AccessKeyID: sa.AccessKeyID, Demo: i < len(o.Demo) && o.Demo[i]}
		if err := s.CreateAccount(ctx, &acc); err != nil {
			t.Fatalf("costtest: create account: %v", err)
		}
		d.Accounts = append(d.Accounts, acc)
		var items []billing.LineItem
		days := map[string]bool{}
		var buf []byte
		var ferr error
		w.EachBillItem(sa.UID, first, last, o.Now, func(it aliyunsim.BillItem) bool {
			buf = it.AppendJSON(buf[:0])
			var raw billing.RawItem
			if err := json.Unmarshal(buf, &raw); err != nil {
				ferr = err
				return false
			}
			li, err := billing.Normalize(acc.ID, raw)
			if err != nil {
				ferr = err
				return false
			}
			items = append(items, li)
			days[li.ChargeDate] = true
			return true
		})
		if ferr != nil {
			t.Fatalf("costtest: bill item: %v", ferr)
		}
		if _, err := s.UpsertLineItems(ctx, 1, items); err != nil {
			t.Fatalf("costtest: upsert: %v", err)
		}
		var dayList []string
		for day := range days {
			dayList = append(dayList, day)
		}
		if err := s.RebuildDaily(ctx, acc.ID, dayList); err != nil {
			t.Fatalf("costtest: rebuild daily: %v", err)
		}
		d.Items = append(d.Items, items...)
	}
	return d
}

// Sum adds metric over the items keep accepts, per currency.
func (d Data) Sum(keep func(*billing.LineItem) bool, metric func(*billing.LineItem) money.Micros) map[string]money.Micros {
	out := map[string]money.Micros{}
	for i := range d.Items {
		li := &d.Items[i]
		if keep == nil || keep(li) {
			out[li.Currency] += metric(li)
		}
	}
	return out
}

// Billed is the billed cost of li.
func Billed(li *billing.LineItem) money.Micros { return li.BilledCost }

// Between keeps the items charged on days from..to (inclusive).
func Between(from, to string) func(*billing.LineItem) bool {
	return func(li *billing.LineItem) bool { return li.ChargeDate >= from && li.ChargeDate <= to }
}

// Tag is the value of tag key on li, "" when it has none.
func Tag(li *billing.LineItem, key string) string {
	for _, t := range li.Tags {
		if t.Key == key {
			return t.Value
		}
	}
	return ""
}
