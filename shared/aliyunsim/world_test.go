package aliyunsim

import (
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
)

var testNow = time.Date(2025, 6, 15, 10, 30, 0, 0, billing.Shanghai)

func fixedNow(t time.Time) func() time.Time { return func() time.Time { return t } }

func testWorld(resources int) *World {
	return NewWorld(Config{Seed: 42, Resources: resources, Now: fixedNow(testNow)})
}

func day(offset int) time.Time {
	return time.Date(testNow.Year(), testNow.Month(), testNow.Day()+offset, 0, 0, 0, 0, billing.Shanghai)
}

func TestWorldIsDeterministic(t *testing.T) {
	a, b := testWorld(60), testWorld(60)
	other := NewWorld(Config{Seed: 43, Now: fixedNow(testNow)})
	if !reflect.DeepEqual(a.Accounts(), b.Accounts()) {
		t.Fatal("same seed gave different accounts")
	}
	if a.Accounts()[0].UID == other.Accounts()[0].UID {
		t.Fatal("different seeds gave the same account")
	}
	for _, acc := range a.Accounts() {
		if !reflect.DeepEqual(a.Resources(acc.UID), b.Resources(acc.UID)) {
			t.Fatalf("account %s: resources differ", acc.UID)
		}
		if !reflect.DeepEqual(a.BillItems(acc.UID, day(-10), testNow), b.BillItems(acc.UID, day(-10), testNow)) {
			t.Fatalf("account %s: bills differ", acc.UID)
		}
	}
	if !reflect.DeepEqual(a.Anomalies(), b.Anomalies()) || !reflect.DeepEqual(a.IdleResources(), b.IdleResources()) {
		t.Fatal("labels differ")
	}
}

func TestAccounts(t *testing.T) {
	w := testWorld(60)
	accs := w.Accounts()
	if len(accs) != 3 {
		t.Fatalf("accounts = %d, want 3", len(accs))
	}
	uid := regexp.MustCompile(`^1\d{15}$`)
	for i, a := range accs {
		wantSite, wantCur := SiteChina, "CNY"
		if i == 2 {
			wantSite, wantCur = SiteInternational, "USD"
		}
		if a.Site != wantSite || a.Currency != wantCur {
			t.Errorf("account %d: site %s %s, want %s %s", i, a.Site, a.Currency, wantSite, wantCur)
		}
		if !uid.MatchString(a.UID) || len(a.AccessKeyID) != 24 || len(a.AccessKeySecret) != 30 {
			t.Errorf("account %d: malformed identity %+v", i, a)
		}
		if n := len(w.Resources(a.UID)); n != 60 {
			t.Errorf("account %d: %d resources, want 60", i, n)
		}
	}
}

func TestBillItemsAreConsistent(t *testing.T) {
	w := testWorld(200)
	tag := regexp.MustCompile(`^key:\w+ value:\w+(; key:\w+ value:\w+)*$`)
	products := map[string]bool{}
	subs := map[string]int{}
	for _, acc := range w.Accounts() {
		rows := 0
		w.EachBillItem(acc.UID, day(-40), day(-1), testNow, func(it BillItem) bool {
			rows++
			products[it.ProductCode] = true
			subs[it.SubscriptionType]++
			if it.Currency != acc.Currency || it.OwnerID != acc.UID {
				t.Fatalf("row of %s carries %s/%s", acc.UID, it.Currency, it.OwnerID)
			}
			for _, m := range []int64{it.PretaxGrossAmount, it.InvoiceDiscount, it.DeductedByCoupons, it.PretaxAmount,
				it.DeductedByCashCoupons, it.DeductedByPrepaidCard, it.PaymentAmount} {
				if m%10_000 != 0 || m < 0 {
					t.Fatalf("amount %d is not whole non-negative cents: %+v", m, it)
				}
			}
			if it.PretaxAmount != it.PretaxGrossAmount-it.InvoiceDiscount-it.DeductedByCoupons {
				t.Fatalf("pretax %d != gross %d - invoice %d - coupons %d", it.PretaxAmount, it.PretaxGrossAmount, it.InvoiceDiscount, it.DeductedByCoupons)
			}
			if it.PaymentAmount != it.PretaxAmount-it.DeductedByCashCoupons-it.DeductedByPrepaidCard-it.OutstandingAmount {
				t.Fatalf("payment %d inconsistent: %+v", it.PaymentAmount, it)
			}
			if it.Tag != "" && !tag.MatchString(it.Tag) {
				t.Fatalf("tag %q not in the API's form", it.Tag)
			}
			if it.Region == "" || it.Region == strings.ToLower(it.Region) && !strings.ContainsAny(it.Region, "（新") {
				t.Fatalf("region %q is not a display name", it.Region)
			}
			return true
		})
		if rows < 40*60 {
			t.Errorf("account %s: only %d rows in 40 days", acc.UID, rows)
		}
	}
	for _, p := range []string{"ecs", "yundisk", "rds", "oss", "slb", "cdn", "redisa", "eip", "nat_gw", "sls"} {
		if !products[p] {
			t.Errorf("product %s never billed", p)
		}
	}
	if subs["Subscription"] == 0 || subs["PayAsYouGo"] == 0 {
		t.Errorf("subscription mix %v", subs)
	}
}

func TestWeekdaysCostMoreThanWeekends(t *testing.T) {
	w := testWorld(300)
	uid := w.Accounts()[0].UID
	var weekday, weekend, nWeekday, nWeekend int64
	for d := -56; d <= -3; d++ {
		var sum int64
		for _, it := range w.BillItems(uid, day(d), testNow) {
			if it.SubscriptionType == "PayAsYouGo" && (it.ProductCode == "cdn" || it.ProductCode == "oss") {
				sum += it.PretaxGrossAmount
			}
		}
		if wd := day(d).Weekday(); wd == time.Saturday || wd == time.Sunday {
			weekend, nWeekend = weekend+sum, nWeekend+1
		} else {
			weekday, nWeekday = weekday+sum, nWeekday+1
		}
	}
	if weekday/nWeekday <= weekend/nWeekend*11/10 {
		t.Fatalf("weekday mean %d not >10%% above weekend mean %d", weekday/nWeekday, weekend/nWeekend)
	}
}

func TestLateCorrections(t *testing.T) {
	w := testWorld(300)
	for _, acc := range w.Accounts() {
		d := day(-1)
		final := w.BillItems(acc.UID, d, d.AddDate(0, 0, 3))
		if later := w.BillItems(acc.UID, d, d.AddDate(0, 0, 30)); !reflect.DeepEqual(final, later) {
			t.Fatalf("%s: day+3 and day+30 disagree", acc.UID)
		}
		for lag := 1; lag <= 2; lag++ {
			early := w.BillItems(acc.UID, d, d.AddDate(0, 0, lag))
			key := func(it BillItem) string { return it.InstanceID + "/" + it.BillingItemCode }
			finalBy := map[string]BillItem{}
			for _, it := range final {
				finalBy[key(it)] = it
			}
			var changed, added, removed int
			seen := map[string]bool{}
			for _, it := range early {
				seen[key(it)] = true
				f, ok := finalBy[key(it)]
				switch {
				case !ok:
					removed++
				case f.PretaxGrossAmount != it.PretaxGrossAmount:
					changed++
				}
			}
			for k := range finalBy {
				if !seen[k] {
					added++
				}
			}
			if changed == 0 || added+removed == 0 {
				t.Errorf("%s lag %d: changed %d added %d removed %d; want corrections", acc.UID, lag, changed, added, removed)
			}
		}
		if got := w.BillItems(acc.UID, testNow, testNow); len(got) != 0 {
			t.Errorf("%s: today already has %d rows", acc.UID, len(got))
		}
	}
}

func TestDayTotalsMatchItems(t *testing.T) {
	w := testWorld(100)
	for _, acc := range w.Accounts() {
		want := map[string]int64{}
		for _, it := range w.BillItems(acc.UID, day(-2), testNow) {
			want[it.ProductCode] += it.PretaxAmount
		}
		if got := w.DayTotals(acc.UID, day(-2), testNow); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: DayTotals %v, items %v", acc.UID, got, want)
		}
	}
}

func TestAnomaliesAreVisibleInBills(t *testing.T) {
	w := testWorld(100)
	labels := w.Anomalies()
	if len(labels) != 9 {
		t.Fatalf("anomalies = %d, want 3 per account", len(labels))
	}
	for _, l := range labels {
		if l.ExtraMicros <= 0 {
			t.Errorf("%+v: no extra cost", l)
		}
		cost := func(d time.Time) int64 {
			for _, it := range w.BillItems(l.AccountUID, d, testNow) {
				if it.InstanceID == l.ResourceID && it.BillingItemCode == l.BillingItemCode {
					return it.PretaxAmount
				}
			}
			return 0
		}
		spike, before := cost(l.Day), cost(l.Day.AddDate(0, 0, -7))
		if spike < 3*before || spike-before < l.ExtraMicros/2 {
			t.Errorf("%+v: spike %d vs a week before %d", l, spike, before)
		}
	}
}

func TestIdleResources(t *testing.T) {
	w := testWorld(200)
	labels := w.IdleResources()
	kinds := map[string]int{}
	for _, l := range labels {
		kinds[l.Kind]++
		var rows []BillItem
		for _, it := range w.BillItems(l.AccountUID, day(-3), testNow) {
			if it.InstanceID == l.ResourceID {
				rows = append(rows, it)
			}
		}
		if len(rows) == 0 {
			t.Errorf("idle %+v is not billed", l)
		}
		if l.Kind == IdleUnboundEIP {
			for _, it := range rows {
				if it.BillingItemCode == "traffic" {
					t.Errorf("unbound EIP %s has traffic %s", l.ResourceID, it.Usage)
				}
			}
		}
	}
	for _, k := range []string{IdleUnattachedDisk, IdleUnboundEIP, IdleECS, IdleSLB} {
		if kinds[k] == 0 {
			t.Errorf("no idle resource of kind %s in %v", k, kinds)
		}
	}
	for _, acc := range w.Accounts() {
		for _, r := range w.Resources(acc.UID) {
			if r.Idle == IdleUnattachedDisk && r.Status != "Available" {
				t.Errorf("unattached disk %s has status %s", r.ID, r.Status)
			}
		}
	}
}

func TestAppendJSONMoney(t *testing.T) {
	tests := []struct {
		micros int64
		want   string
	}{
		{0, "0"}, {12_340_000, "12.34"}, {12_300_000, "12.3"}, {12_000_000, "12"}, {-50_000, "-0.05"}, {10_000, "0.01"},
	}
	for _, tt := range tests {
		if got := string(appendDecimal(nil, tt.micros, 6, false)); got != tt.want {
			t.Errorf("appendDecimal(%d) = %s, want %s", tt.micros, got, tt.want)
		}
	}
	if got := string(appendJSONString(nil, "a\"b\\c\nd杭州")); got != `"a\"b\\c\u000ad杭州"` {
		t.Errorf("appendJSONString = %s", got)
	}
}

func BenchmarkEachBillItem(b *testing.B) {
	w := NewWorld(Config{Seed: 7, Accounts: 1, Resources: 5000, Now: fixedNow(testNow)})
	uid := w.Accounts()[0].UID
	b.ReportAllocs()
	b.ResetTimer()
	var items int64
	for i := 0; i < b.N; i++ {
		d := day(-1 - i%300)
		w.EachBillItem(uid, d, d, testNow, func(it BillItem) bool {
			items++
			return true
		})
	}
	b.ReportMetric(float64(items)/b.Elapsed().Seconds(), "items/s")
	b.ReportMetric(float64(items)/float64(b.N), "items/op")
}

// The simulator's products take their names from billing's one table.
func TestCatalogProductsAreNamed(t *testing.T) {
	for _, p := range catalog {
		for _, lang := range []string{"zh", "en"} {
			if n, ok := billing.ProductName(p.code, lang); !ok || n == "" {
				t.Errorf("product %q has no %s name", p.code, lang)
			}
		}
	}
}
