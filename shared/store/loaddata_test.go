package store_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// awkward are values that a tab-separated stream must escape or that text handling
// tends to break: separators, the escape character, quotes, the NULL marker, unicode.
var awkward = []string{
	"tab\there", "new\nline", "carriage\rreturn", `back\slash`, `trailing\`, `\N`, "'single' \"double\" `back`",
	"杭州 ☁️ naïve", "", "nul\x00byte",
}

// keyWith returns a key starting with the given bytes, the rest filled from n.
func keyWith(n int, prefix ...byte) billing.Key {
	var k billing.Key
	copy(k[:], prefix)
	for i := len(prefix); i < len(k); i++ {
		k[i] = byte(n*31 + i)
	}
	return k
}

func weirdItem(n int, key billing.Key, s string, billed int64, tags ...billing.Tag) billing.LineItem {
	return billing.LineItem{
		Key: key, AccountID: 9, ChargeDate: "2026-03-05", BillingPeriod: "2026-03", WeekStart: "2026-03-02",
		BillingAccountID: "1234", BillingAccountName: s, SubAccountID: "5678", SubAccountName: s + "-sub",
		ServiceCode: "ecs", ServiceName: s, ServiceCategory: "Compute", ProductType: "ecs",
		ChargeCategory: billing.ChargeUsage, ChargeFrequency: "Usage-Based",
		ResourceID: fmt.Sprintf("i-%d", n), ResourceName: s, RegionID: "cn-hangzhou", RegionName: s, Zone: "cn-hangzhou-h",
		ListCost: money.Micros(billed + 10), BilledCost: money.Micros(billed), EffectiveCost: money.Micros(billed - 1), InvoiceDiscount: -7, CouponDeduction: 1, CashCouponDeduction: 2,
		PrepaidCardDeduction: 3, PricingQuantity: "0.000001", PricingUnit: s, SubscriptionType: "PayAsYouGo",
		BillingItem: "cpu", BillingItemName: s, ResourceGroup: s, CostUnit: s, Currency: "CNY", Tags: tags,
		ResourcePackageDeduction: 4, AdjustAmount: -5, PaymentAmount: money.Micros(billed - 6), CashAmount: 7, OutstandingAmount: 8,
		ListPrice: "0.123", ListPriceUnit: s, InstanceSpec: "ecs.g7." + s, InstanceConfig: s, ServicePeriod: "1", ServicePeriodUnit: "Month",
	}
}

// storedItems reads back every line item of account 9 with its tags, keyed by item key.
func storedItems(t *testing.T, s *store.Store) map[billing.Key]billing.LineItem {
	t.Helper()
	ctx := context.Background()
	rows, err := s.DB().QueryContext(ctx, `SELECT account_id, charge_date, item_key, billing_period, week_start,
  billing_account_id, billing_account_name, sub_account_id, sub_account_name, service_code, service_name,
  service_category, product_type, charge_category, charge_frequency, resource_id, resource_name, region_id,
  region_name, zone, list_cost, billed_cost, effective_cost, invoice_discount, coupon_deduction,
  cash_coupon_deduction, prepaid_card_deduction, pricing_quantity, pricing_unit, subscription_type,
  billing_item, billing_item_name, resource_group, cost_unit, currency, resource_package_deduction, adjust_amount,
  payment_amount, cash_amount, outstanding_amount, list_price, list_price_unit, instance_spec, instance_config,
  service_period, service_period_unit FROM cost_line_items WHERE account_id = 9`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[billing.Key]billing.LineItem{}
	for rows.Next() {
		var li billing.LineItem
		var day, week any
		var key []byte
		if err := rows.Scan(&li.AccountID, &day, &key, &li.BillingPeriod, &week,
			&li.BillingAccountID, &li.BillingAccountName, &li.SubAccountID, &li.SubAccountName, &li.ServiceCode, &li.ServiceName,
			&li.ServiceCategory, &li.ProductType, &li.ChargeCategory, &li.ChargeFrequency, &li.ResourceID, &li.ResourceName, &li.RegionID,
			&li.RegionName, &li.Zone, &li.ListCost, &li.BilledCost, &li.EffectiveCost, &li.InvoiceDiscount, &li.CouponDeduction,
			&li.CashCouponDeduction, &li.PrepaidCardDeduction, &li.PricingQuantity, &li.PricingUnit, &li.SubscriptionType,
			&li.BillingItem, &li.BillingItemName, &li.ResourceGroup, &li.CostUnit, &li.Currency, &li.ResourcePackageDeduction,
			&li.AdjustAmount, &li.PaymentAmount, &li.CashAmount, &li.OutstandingAmount, &li.ListPrice, &li.ListPriceUnit,
			&li.InstanceSpec, &li.InstanceConfig, &li.ServicePeriod, &li.ServicePeriodUnit); err != nil {
			t.Fatal(err)
		}
		li.ChargeDate, li.WeekStart = dateText(day), dateText(week)
		copy(li.Key[:], key)
		out[li.Key] = li
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	trows, err := s.DB().QueryContext(ctx, "SELECT li.item_key, t.tag_key, t.tag_value FROM cost_line_items li JOIN cost_tag_set_tags t ON t.tag_set_id = li.tag_set_id WHERE li.account_id = 9 ORDER BY t.tag_key")
	if err != nil {
		t.Fatal(err)
	}
	defer trows.Close()
	for trows.Next() {
		var key []byte
		var tag billing.Tag
		if err := trows.Scan(&key, &tag.Key, &tag.Value); err != nil {
			t.Fatal(err)
		}
		var k billing.Key
		copy(k[:], key)
		li, ok := out[k]
		if !ok {
			t.Fatalf("tag %+v of key %x has no line item", tag, k)
		}
		li.Tags = append(li.Tags, tag)
		out[k] = li
	}
	if err := trows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func dateText(v any) string {
	switch d := v.(type) {
	case time.Time:
		return d.Format(time.DateOnly)
	case []byte:
		return string(d)
	case string:
		return d
	}
	return fmt.Sprint(v)
}

// wantItems is the last occurrence of each key in the batches, tags sorted by key.
func wantItems(items []billing.LineItem) map[billing.Key]billing.LineItem {
	out := map[billing.Key]billing.LineItem{}
	for _, li := range items {
		li.Tags = slices.Clone(li.Tags)
		slices.SortFunc(li.Tags, func(a, b billing.Tag) int { return strings.Compare(a.Key, b.Key) })
		if len(li.Tags) == 0 {
			li.Tags = nil
		}
		out[li.Key] = li
	}
	return out
}

func TestUpsertLineItemsStagingAndFallback(t *testing.T) {
	// Keys whose bytes are the TSV separators and escapes, and keys covering all 256 byte values.
	sepKeys := []billing.Key{keyWith(1, '\t', '\n', '\\'), keyWith(2, '\\', 'N'), keyWith(3, 0, '\r', '\''), keyWith(4, '"', '\t')}
	var first []billing.LineItem
	for i, k := range sepKeys {
		first = append(first, weirdItem(i, k, awkward[i%len(awkward)], int64(i+1)*1_000_000,
			billing.Tag{Key: "env", Value: awkward[(i+3)%len(awkward)]}, billing.Tag{Key: "team\tx", Value: "a\\b"}))
	}
	for i, v := range awkward {
		var k billing.Key
		for j := range k {
			k[j] = byte(i*16 + j)
		}
		first = append(first, weirdItem(10+i, k, v, 123_456, billing.Tag{Key: v + "k", Value: v}))
	}
	for i := len(awkward); i < 16; i++ {
		var k billing.Key
		for j := range k {
			k[j] = byte(i*16 + j)
		}
		first = append(first, weirdItem(10+i, k, "plain", 5))
	}

	// The same keys again: every value and every tag set changes; some lose all tags,
	// untagged ones gain tags, and one key appears twice (the last occurrence wins).
	var second []billing.LineItem
	for i, li := range first {
		v := awkward[(i+5)%len(awkward)]
		var tags []billing.Tag
		switch i % 3 {
		case 0:
			tags = []billing.Tag{{Key: "env", Value: "changed\t" + v}}
		case 1:
		case 2:
			tags = []billing.Tag{{Key: "new", Value: v}, {Key: "owner", Value: "李雷"}}
		}
		second = append(second, weirdItem(100+i, li.Key, v, int64(i)*-3_000_000, tags...))
	}
	second = append(second, weirdItem(999, first[0].Key, "last wins", 42, billing.Tag{Key: "env", Value: "changed\t" + awkward[5]}))

	// A key not stored yet, named twice in one batch: the last occurrence wins here too.
	twice := []billing.LineItem{
		weirdItem(500, keyWith(500, '\n'), "first", 1, billing.Tag{Key: "k", Value: "v"}),
		weirdItem(501, keyWith(500, '\n'), "second", 2, billing.Tag{Key: "k", Value: "v"}),
	}

	steps := []struct {
		name  string
		batch []billing.LineItem
		want  map[billing.Key]billing.LineItem
	}{
		{"insert", first, wantItems(first)},
		{"update values and tags", second, wantItems(second)},
		{"same batch again", second, wantItems(second)},
		{"new key twice in one batch", twice, wantItems(append(slices.Clone(second), twice...))},
	}

	modes := []struct {
		name     string
		loadData bool
	}{{"staging", true}, {"fallback", false}}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		results := map[string]map[billing.Key]billing.LineItem{}
		for _, m := range modes {
			t.Run(m.name, func(t *testing.T) {
				ctx := t.Context()
				if _, err := s.DB().ExecContext(ctx, "DELETE FROM cost_line_items"); err != nil {
					t.Fatal(err)
				}
				s.UseLoadData(m.loadData)
				for _, st := range steps {
					n, err := s.UpsertLineItems(ctx, 5, st.batch)
					if err != nil {
						t.Fatalf("%s: %v", st.name, err)
					}
					if n != int64(len(st.batch)) {
						t.Fatalf("%s: written = %d, want %d", st.name, n, len(st.batch))
					}
					got := storedItems(t, s)
					if len(got) != len(st.want) {
						t.Fatalf("%s: %d stored items, want %d", st.name, len(got), len(st.want))
					}
					for k, want := range st.want {
						if !reflect.DeepEqual(got[k], want) {
							t.Errorf("%s: key %x\n got %+v\nwant %+v", st.name, k, got[k], want)
						}
					}
				}
				results[m.name] = storedItems(t, s)
				state := store.LoadDataState(s)
				switch {
				case s.Dialect() == store.MySQL && m.loadData && state != "works":
					t.Errorf("staging path not used: load-data state = %q (is local_infile OFF on the test server?)", state)
				case s.Dialect() == store.MySQL && !m.loadData && state != "off":
					t.Errorf("fallback forced but load-data state = %q", state)
				}
			})
		}
		if !reflect.DeepEqual(results["staging"], results["fallback"]) {
			t.Errorf("staging and fallback paths stored different rows")
		}
	})
}

func TestUpsertLineItemsTooLongValue(t *testing.T) {
	// LOAD DATA LOCAL would truncate with a warning; the store must refuse instead, on both paths.
	long := weirdItem(1, keyWith(7), strings.Repeat("x", 300), 1)
	for _, loadData := range []bool{true, false} {
		t.Run(fmt.Sprint("loadData=", loadData), func(t *testing.T) {
			s := storetest.MySQL(t)
			s.UseLoadData(loadData)
			_, err := s.UpsertLineItems(t.Context(), 1, []billing.LineItem{long})
			if !errs.Is(err, errs.KindInvalid) {
				t.Fatalf("err = %v, want invalid (value too long)", err)
			}
			var n int
			if err := s.DB().QueryRowContext(t.Context(), "SELECT COUNT(*) FROM cost_line_items").Scan(&n); err != nil || n != 0 {
				t.Fatalf("stored %d rows (%v), want 0", n, err)
			}
		})
	}
}
