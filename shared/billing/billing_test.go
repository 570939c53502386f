package billing

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

// sampleJSON is one DescribeInstanceBill item shaped as the service sends it.
const sampleJSON = `{
  "BillingDate": "2024-03-14", "BillAccountID": "1234567890123456", "BillAccountName": "payer@example",
  "OwnerID": "2234567890123456", "ProductCode": "ecs", "ProductName": "云服务器 ECS", "ProductType": "ecs",
  "CommodityCode": "ecs", "PipCode": "ecs", "SubscriptionType": "PayAsYouGo", "Item": "PayAsYouGoBill",
  "InstanceID": "i-bp1abc", "NickName": "web-1", "Region": "华东1（杭州）", "Zone": "cn-hangzhou-h",
  "BillingItem": "实例规格", "BillingItemCode": "instance_type", "ResourceGroup": "rg-prod", "CostUnit": "web",
  "Currency": "CNY", "Usage": "24", "UsageUnit": "小时", "Tag": "key:env value:prod; key:team value:a b:c",
  "PretaxGrossAmount": 12345678.99, "InvoiceDiscount": 0.01, "DeductedByCoupons": 1.005,
  "PretaxAmount": 12345677.975, "DeductedByCashCoupons": 0, "DeductedByPrepaidCard": 0.5,
  "PaymentAmount": 12345677.475, "Quantity": 1
}`

func sample(t testing.TB) RawItem {
	t.Helper()
	var r RawItem
	if err := json.Unmarshal([]byte(sampleJSON), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestNormalizeFields(t *testing.T) {
	li, err := Normalize(7, sample(t))
	if err != nil {
		t.Fatal(err)
	}
	want := LineItem{
		Key: li.Key, AccountID: 7, BillingAccountID: "1234567890123456", BillingAccountName: "payer@example",
		SubAccountID: "2234567890123456", ChargeDate: "2024-03-14", BillingPeriod: "2024-03", WeekStart: "2024-03-11",
		ServiceName: "云服务器 ECS", ServiceCode: "ecs", ServiceCategory: CategoryCompute, ProductType: "ecs",
		ChargeCategory: ChargeUsage, ChargeFrequency: FrequencyUsageBased, ResourceID: "i-bp1abc", ResourceName: "web-1",
		RegionID: "cn-hangzhou", RegionName: "华东1（杭州）", Zone: "cn-hangzhou-h",
		ListCost: 12_345_678_990_000, BilledCost: 12_345_677_975_000, EffectiveCost: 12_345_677_975_000,
		InvoiceDiscount: 10_000, CouponDeduction: 1_005_000, CashCouponDeduction: 0, PrepaidCardDeduction: 500_000,
		PricingQuantity: "24", PricingUnit: "小时", SubscriptionType: "PayAsYouGo", BillingItem: "instance_type",
		BillingItemName: "实例规格", ResourceGroup: "rg-prod", CostUnit: "web", Currency: "CNY",
		Tags: []Tag{{"env", "prod"}, {"team", "a b:c"}}, PaymentAmount: 12_345_677_475_000, identity: li.Key,
	}
	if !reflect.DeepEqual(li, want) {
		t.Fatalf("Normalize =\n%+v\nwant\n%+v", li, want)
	}
	if li.ListCost.String() != "12345678.99" || li.CouponDeduction.String() != "1.01" || li.CouponDeduction.Exact() != "1.005" {
		t.Fatalf("amounts not exact: %s %s %s", li.ListCost, li.CouponDeduction, li.CouponDeduction.Exact())
	}
}

func TestChargeCategory(t *testing.T) {
	tests := []struct {
		item, sub, amount string
		cat, freq         string
		wantErr           bool
	}{
		{"PayAsYouGoBill", "PayAsYouGo", "1.00", ChargeUsage, FrequencyUsageBased, false},
		{"SubscriptionOrder", "Subscription", "300.00", ChargePurchase, FrequencyOneTime, false},
		{"Refund", "Subscription", "-120.50", ChargeCredit, FrequencyOneTime, false},
		{"Adjustment", "PayAsYouGo", "3.21", ChargeAdjustment, FrequencyOneTime, false},
		{"Tax", "", "6.00", ChargeTax, FrequencyOneTime, false},
		{"", "Subscription", "10", ChargePurchase, FrequencyOneTime, false},
		{"", "PayAsYouGo", "10", ChargeUsage, FrequencyUsageBased, false},
		{"", "PayAsYouGo", "-10", ChargeCredit, FrequencyOneTime, false},
		{"NewBillType", "PayAsYouGo", "1", ChargeUsage, FrequencyUsageBased, false},
		{"", "", "1", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.item+"/"+tt.sub+"/"+tt.amount, func(t *testing.T) {
			r := sample(t)
			r.Item, r.SubscriptionType, r.PretaxAmount = Text(tt.item), Text(tt.sub), Number(tt.amount)
			li, err := Normalize(1, r)
			if tt.wantErr {
				if !errs.Is(err, errs.KindInvalid) {
					t.Fatalf("err = %v, want invalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if li.ChargeCategory != tt.cat || li.ChargeFrequency != tt.freq {
				t.Fatalf("got %s/%s, want %s/%s", li.ChargeCategory, li.ChargeFrequency, tt.cat, tt.freq)
			}
			want, _ := money.Parse(tt.amount)
			if li.BilledCost != want || li.EffectiveCost != want {
				t.Fatalf("billed %d effective %d, want %d", li.BilledCost, li.EffectiveCost, want)
			}
		})
	}
}

func TestRegionMapping(t *testing.T) {
	tests := []struct{ name, id string }{
		{"华东1（杭州）", "cn-hangzhou"},
		{"华东1(杭州)", "cn-hangzhou"},
		{"华东 1（杭州）", "cn-hangzhou"},
		{"杭州", "cn-hangzhou"},
		{"华东1", "cn-hangzhou"},
		{"China (Hangzhou)", "cn-hangzhou"},
		{"china (hangzhou)", "cn-hangzhou"},
		{"cn-hangzhou", "cn-hangzhou"},
		{"华北2（北京）", "cn-beijing"},
		{"华东2（上海）", "cn-shanghai"},
		{"华南1（深圳）", "cn-shenzhen"},
		{"华北3（张家口）", "cn-zhangjiakou"},
		{"华北6（乌兰察布）", "cn-wulanchabu"},
		{"西南1（成都）", "cn-chengdu"},
		{"中国香港", "cn-hongkong"},
		{"China (Hong Kong)", "cn-hongkong"},
		{"新加坡", "ap-southeast-1"},
		{"Singapore", "ap-southeast-1"},
		{"日本（东京）", "ap-northeast-1"},
		{"美国（硅谷）", "us-west-1"},
		{"US (Virginia)", "us-east-1"},
		{"德国（法兰克福）", "eu-central-1"},
		{"UK (London)", "eu-west-1"},
		{"印度尼西亚（雅加达）", "ap-southeast-5"},
		{"沙特（利雅得）", "me-central-1"},
		{"华东5（南京-本地地域）", "cn-nanjing"},
		{"火星", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := RegionID(tt.name)
			if got != tt.id || ok != (tt.id != "") {
				t.Fatalf("RegionID(%q) = %q, %v; want %q", tt.name, got, ok, tt.id)
			}
		})
	}
}

func TestUnknownRegionKeptAndCounted(t *testing.T) {
	a, b, c := sample(t), sample(t), sample(t)
	a.Region, b.Region = "火星（一区）", "火星（一区）"
	b.InstanceID = "i-other"
	c.Region = "杭州"
	batch := NormalizeAll(3, []RawItem{a, b, c})
	if len(batch.Items) != 3 || len(batch.Rejected) != 0 {
		t.Fatalf("items %d rejected %v", len(batch.Items), batch.Rejected)
	}
	if li := batch.Items[0]; li.RegionID != "" || li.RegionName != "火星（一区）" {
		t.Fatalf("unknown region: id %q name %q", li.RegionID, li.RegionName)
	}
	if batch.UnknownRegions["火星（一区）"] != 2 || len(batch.UnknownRegions) != 1 {
		t.Fatalf("UnknownRegions = %v", batch.UnknownRegions)
	}
	if batch.Twins != 0 || len(batch.Duplicates) != 0 {
		t.Fatalf("twins %d duplicates %v", batch.Twins, batch.Duplicates)
	}
}

func TestZone(t *testing.T) {
	tests := []struct{ zone, region, want string }{
		{"cn-hangzhou-h", "华东1（杭州）", "cn-hangzhou-h"},
		{"杭州 可用区H", "杭州", "cn-hangzhou-h"},
		{"华北2 可用区 K", "华北2（北京）", "cn-beijing-k"},
		{"Hangzhou Zone B", "China (Hangzhou)", "cn-hangzhou-b"},
		{"可用区Z", "火星", "可用区Z"},
		{"", "杭州", ""},
	}
	for _, tt := range tests {
		t.Run(tt.zone, func(t *testing.T) {
			r := sample(t)
			r.Zone, r.Region = Text(tt.zone), Text(tt.region)
			li, err := Normalize(1, r)
			if err != nil {
				t.Fatal(err)
			}
			if li.Zone != tt.want {
				t.Fatalf("Zone = %q, want %q", li.Zone, tt.want)
			}
		})
	}
}

func TestParseTags(t *testing.T) {
	tests := []struct {
		in      string
		want    []Tag
		wantErr bool
	}{
		{"", nil, false},
		{"   ", nil, false},
		{"key:env value:prod", []Tag{{"env", "prod"}}, false},
		{"key:env value:prod; key:team value:finops", []Tag{{"env", "prod"}, {"team", "finops"}}, false},
		{"key:env value:prod;key:team value:finops;", []Tag{{"env", "prod"}, {"team", "finops"}}, false},
		{"key:owner value:Zhang San", []Tag{{"owner", "Zhang San"}}, false},
		{"key:url value:https://a.example/x; key:b value:1", []Tag{{"url", "https://a.example/x"}, {"b", "1"}}, false},
		{"key:note value:a;b; key:c value:d", []Tag{{"note", "a;b"}, {"c", "d"}}, false},
		{"key:acs:rm:rgId value:rg-1", []Tag{{"acs:rm:rgId", "rg-1"}}, false},
		{"key:empty value:", []Tag{{"empty", ""}}, false},
		{"key:环境 value:生产", []Tag{{"环境", "生产"}}, false},
		{"key:a value:1; key:a value:1", []Tag{{"a", "1"}}, false},
		{"env:prod;team:finops", []Tag{{"env", "prod"}, {"team", "finops"}}, false},
		{"env:prod;url:http://x", []Tag{{"env", "prod"}, {"url", "http://x"}}, false},
		{"key:a value:1; key:a value:2", nil, true},
		{"key:a", nil, true},
		{"key: value:x", nil, true},
		{"key:a value:1; key:", nil, true},
		{"justtext", nil, true},
		{"k:v;:x", nil, true},
		{"key:a value:\x01", nil, true},
		{"key:a value:\xff", nil, true},
		{"key:" + strings.Repeat("k", 129) + " value:v", nil, true},
		{"key:k value:" + strings.Repeat("v", 257), nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseTags(tt.in)
			if tt.wantErr {
				if !errs.Is(err, errs.KindInvalid) {
					t.Fatalf("ParseTags(%q) err = %v, want invalid", tt.in, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseTags(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("ParseTags(%q) = %#v, want %#v", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeRejects(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*RawItem)
		reason string
	}{
		{"no date", func(r *RawItem) { r.BillingDate = "" }, "billing date"},
		{"bad date", func(r *RawItem) { r.BillingDate = "2024-02-30" }, "billing date"},
		{"no product", func(r *RawItem) { r.ProductCode = "" }, "product code"},
		{"bad currency", func(r *RawItem) { r.Currency = "yuan" }, "currency"},
		{"amount of words", func(r *RawItem) { r.PretaxAmount = "twelve" }, "PretaxAmount"},
		{"resource package text", func(r *RawItem) { r.DeductedByResourcePackage = "100GB" }, "DeductedByResourcePackage"},
		{"garbage amount", func(r *RawItem) { r.InvoiceDiscount = "NaN" }, "InvoiceDiscount"},
		{"bad usage", func(r *RawItem) { r.Usage = "lots" }, "usage"},
		{"bad tags", func(r *RawItem) { r.Tag = "key:a value:1; key:a value:2" }, "two values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := sample(t)
			tt.mutate(&r)
			_, err := Normalize(1, r)
			if !errs.Is(err, errs.KindInvalid) || !strings.Contains(errs.Message(err), tt.reason) {
				t.Fatalf("err = %v (message %q), want invalid mentioning %q", err, errs.Message(err), tt.reason)
			}
		})
	}
	batch := NormalizeAll(1, []RawItem{sample(t), {}, sample(t)})
	if len(batch.Items) != 1 || len(batch.Rejected) != 1 || batch.Rejected[0].Index != 1 {
		t.Fatalf("batch: %d items, rejected %+v", len(batch.Items), batch.Rejected)
	}
	if len(batch.Duplicates) != 1 || batch.Duplicates[0] != 2 || batch.Twins != 0 {
		t.Fatalf("the same item twice is one charge, counted: duplicates %v twins %d", batch.Duplicates, batch.Twins)
	}
}

func TestKeyStability(t *testing.T) {
	base := sample(t)
	k0 := mustKey(t, base)
	if k0.String() != mustKey(t, sample(t)).String() || len(k0.String()) != 32 {
		t.Fatalf("key not stable: %s", k0)
	}
	same := []struct {
		name   string
		mutate func(*RawItem)
	}{
		{"amounts revised", func(r *RawItem) { r.PretaxAmount, r.PretaxGrossAmount = "99.99", "120" }},
		{"usage revised", func(r *RawItem) { r.Usage = "23.5" }},
		{"retagged", func(r *RawItem) { r.Tag = "key:env value:dev" }},
		{"moved to another resource group", func(r *RawItem) { r.ResourceGroup = "rg-dev"; r.CostUnit = "x" }},
		{"renamed", func(r *RawItem) { r.NickName = "web-2"; r.ProductName = "ECS" }},
		{"region shown by city", func(r *RawItem) { r.Region = "杭州" }},
		{"pay-as-you-go bill number regenerated", func(r *RawItem) { r.RecordID = "2024031400001" }},
	}
	for _, tt := range same {
		t.Run("same/"+tt.name, func(t *testing.T) {
			r := sample(t)
			tt.mutate(&r)
			if k := mustKey(t, r); k != k0 {
				t.Fatalf("key changed: %s != %s", k, k0)
			}
		})
	}
	different := []struct {
		name   string
		mutate func(*RawItem)
	}{
		{"account", nil},
		{"day", func(r *RawItem) { r.BillingDate = "2024-03-15" }},
		{"instance", func(r *RawItem) { r.InstanceID = "i-bp1abd" }},
		{"billing item", func(r *RawItem) { r.BillingItemCode = "system_disk" }},
		{"product type", func(r *RawItem) { r.ProductType = "ecs_ri" }},
		{"subscription type", func(r *RawItem) { r.SubscriptionType = "Subscription" }},
		{"bill type", func(r *RawItem) { r.Item = "Adjustment" }},
		{"owner", func(r *RawItem) { r.OwnerID = "3234567890123456" }},
		{"payer", func(r *RawItem) { r.BillAccountID = "9" }},
		{"commodity", func(r *RawItem) { r.CommodityCode = "ecs_intl" }},
		{"region", func(r *RawItem) { r.Region = "华北2（北京）" }},
		{"zone", func(r *RawItem) { r.Zone = "cn-hangzhou-i" }},
		{"split item", func(r *RawItem) { r.SplitItemID = "s-1" }},
		{"field boundary", func(r *RawItem) { r.InstanceID = "i-bp1abcinstance_type"; r.BillingItemCode = "" }},
	}
	seen := map[Key]string{k0: "base"}
	for _, tt := range different {
		t.Run("different/"+tt.name, func(t *testing.T) {
			r := sample(t)
			acct := int64(7)
			if tt.mutate == nil {
				acct = 8
			} else {
				tt.mutate(&r)
			}
			li, err := Normalize(acct, r)
			if err != nil {
				t.Fatal(err)
			}
			if prev, dup := seen[li.Key]; dup {
				t.Fatalf("key collides with %s", prev)
			}
			seen[li.Key] = tt.name
		})
	}
	orders := []string{"ORDER-1", "ORDER-2"}
	keys := map[Key]bool{}
	for _, id := range orders {
		r := sample(t)
		r.Item, r.SubscriptionType, r.RecordID = "SubscriptionOrder", "Subscription", Text(id)
		keys[mustKey(t, r)] = true
	}
	if len(keys) != 2 {
		t.Fatalf("two orders of one instance on one day share a key")
	}
}

func mustKey(t *testing.T, r RawItem) Key {
	t.Helper()
	li, err := Normalize(7, r)
	if err != nil {
		t.Fatal(err)
	}
	return li.Key
}

func TestServiceCategory(t *testing.T) {
	tests := []struct{ code, typ, want string }{
		{"ecs", "", CategoryCompute},
		{"RDS", "", CategoryDatabases},
		{"oss", "", CategoryStorage},
		{"cdn", "", CategoryNetworking},
		{"redisa", "", CategoryDatabases},
		{"unknownthing", "slb", CategoryNetworking},
		{"unknownthing", "", CategoryOther},
	}
	for _, tt := range tests {
		if got := serviceCategory(tt.code, tt.typ); got != tt.want {
			t.Errorf("serviceCategory(%q, %q) = %q, want %q", tt.code, tt.typ, got, tt.want)
		}
	}
}

func FuzzParseTags(f *testing.F) {
	for _, s := range []string{"", "key:a value:b", "key:a value:b; key:c value:d;e", "a:b;c:d", "key:", "key: value:", ";;;", "key:a value:1; key:a value:2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tags, err := ParseTags(s)
		if err != nil {
			if !errs.Is(err, errs.KindInvalid) {
				t.Fatalf("error not classified invalid: %v", err)
			}
			return
		}
		for _, tg := range tags {
			if tg.Key == "" {
				t.Fatalf("empty key from %q", s)
			}
		}
	})
}

func FuzzNormalize(f *testing.F) {
	f.Add(sampleJSON)
	f.Add(`{"BillingDate":"2024-01-01","ProductCode":"x","Currency":"USD","PretaxAmount":"1e-7"}`)
	f.Add(`{"BillingDate":"2024-01-01","ProductCode":"x","Currency":"USD","Item":"Refund","Zone":"可用区Ä","Region":"杭州"}`)
	f.Fuzz(func(t *testing.T, doc string) {
		var r RawItem
		if json.Unmarshal([]byte(doc), &r) != nil {
			return
		}
		li, err := Normalize(1, r)
		if err != nil {
			if !errs.Is(err, errs.KindInvalid) {
				t.Fatalf("error not classified invalid: %v", err)
			}
			return
		}
		if li.ChargeCategory == "" || len(li.ChargeDate) != 10 || len(li.Currency) != 3 {
			t.Fatalf("incomplete line item %+v", li)
		}
		again, err := Normalize(1, r)
		if err != nil || again.Key != li.Key {
			t.Fatalf("key not deterministic")
		}
	})
}

func BenchmarkNormalize(b *testing.B) {
	r := sample(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Normalize(1, r); err != nil {
			b.Fatal(err)
		}
	}
}

// Fields of the other JSON type than documented are read; what cannot be read rejects
// only its item, naming the field.
func TestOddFieldTypes(t *testing.T) {
	for _, tc := range []struct {
		name, patch string
		check       func(LineItem) bool
		reject      string
	}{
		{"usage as a number", `"Usage": 24.5`, func(li LineItem) bool { return li.PricingQuantity == "24.5" }, ""},
		{"amount as a string", `"PretaxAmount": "12345677.975"`, func(li LineItem) bool { return li.BilledCost == 12_345_677_975_000 }, ""},
		{"amount with separators", `"PretaxAmount": "12,345,677.975"`, func(li LineItem) bool { return li.BilledCost == 12_345_677_975_000 }, ""},
		{"owner id as a number", `"OwnerID": 1234567890123456`, func(li LineItem) bool {
			return li.SubAccountID == "1234567890123456" && li.SubAccountName == "payer@example"
		}, ""},
		{"service period as a number", `"ServicePeriod": 1, "ServicePeriodUnit": "Month"`, func(li LineItem) bool {
			return li.ServicePeriod == "1" && li.ServicePeriodUnit == "Month"
		}, ""},
		{"null amount", `"DeductedByCoupons": null`, func(li LineItem) bool { return li.CouponDeduction == 0 }, ""},
		{"resource package NULL", `"DeductedByResourcePackage": "NULL"`, func(li LineItem) bool { return li.ResourcePackageDeduction == 0 }, ""},
		{"seven decimals", `"PretaxAmount": 1.0000005, "PretaxGrossAmount": "2.0000015"`, func(li LineItem) bool {
			return li.BilledCost == 1_000_000 && li.ListCost == 2_000_002 && li.RoundedAmounts == 2
		}, ""},
		{"usage as an object", `"Usage": {"value": 1}`, nil, "Usage"},
		{"amount as an array", `"PretaxAmount": [1]`, nil, "PretaxAmount"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := strings.TrimSuffix(strings.TrimSpace(sampleJSON), "}") + ", " + tc.patch + "}"
			var r RawItem
			err := json.Unmarshal([]byte(body), &r)
			if tc.reject != "" {
				if err == nil || !strings.Contains(err.Error(), tc.reject) {
					t.Fatalf("decode error = %v, want one naming %s", err, tc.reject)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			li, err := Normalize(1, r)
			if err != nil || !tc.check(li) {
				t.Fatalf("Normalize = %+v, %v", li, err)
			}
		})
	}
}

// Two subscription orders of one instance on one day (a renewal and an upgrade) share every
// identifying field: both are kept under different keys, the same keys on every re-fetch,
// while the same charge delivered twice is counted, not stored twice.
func TestTwinChargesKeptAndStable(t *testing.T) {
	order := func(amount, period, spec string) (RawItem, json.RawMessage) {
		body := strings.TrimSuffix(strings.TrimSpace(sampleJSON), "}") +
			`, "Item": "SubscriptionOrder", "SubscriptionType": "Subscription", "PretaxAmount": ` + amount +
			`, "ServicePeriod": "` + period + `", "ServicePeriodUnit": "Month", "InstanceSpec": "` + spec + `"}`
		var r RawItem
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		return r, json.RawMessage(body)
	}
	renewal, rb := order("1100.49", "1", "ecs.g7.large")
	upgrade, ub := order("361.37", "1", "ecs.g7.xlarge")
	fetch := func() Batch {
		keys := NewDayKeys()
		// The answer's two pages: the renewal on the first, the upgrade and a repeat of the
		// renewal on the second.
		b1 := NormalizePage(1, []RawItem{renewal}, []json.RawMessage{rb}, keys)
		b2 := NormalizePage(1, []RawItem{upgrade, renewal}, []json.RawMessage{ub, rb}, keys)
		return Batch{Items: append(b1.Items, b2.Items...), Twins: b1.Twins + b2.Twins, Duplicates: append(b1.Duplicates, b2.Duplicates...)}
	}
	first, again := fetch(), fetch()
	if len(first.Items) != 2 || first.Twins != 1 || len(first.Duplicates) != 1 || first.Duplicates[0] != 1 {
		t.Fatalf("items %d twins %d duplicates %v", len(first.Items), first.Twins, first.Duplicates)
	}
	if first.Items[0].Key == first.Items[1].Key {
		t.Fatal("the renewal and the upgrade share a key: one would overwrite the other")
	}
	if first.Items[0].BilledCost != 1_100_490_000 || first.Items[1].BilledCost != 361_370_000 {
		t.Fatalf("amounts %s %s", first.Items[0].BilledCost, first.Items[1].BilledCost)
	}
	for i := range first.Items {
		if first.Items[i].Key != again.Items[i].Key {
			t.Fatalf("item %d changed its key on a re-fetch", i)
		}
	}
	// The first of the twins keeps the key an item of that identity always had.
	if li, _ := Normalize(1, renewal); li.Key != first.Items[0].Key {
		t.Fatal("the first charge of an identity changed its key")
	}
}
