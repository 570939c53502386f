package aliyunsim

import (
	"bytes"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/services/bssopenapi"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/money"
)

// simClock is a settable simulated "now" for the server.
type simClock struct{ unix atomic.Int64 }

func newClock(t time.Time) *simClock {
	c := &simClock{}
	c.unix.Store(t.Unix())
	return c
}

func (c *simClock) Now() time.Time  { return time.Unix(c.unix.Load(), 0).In(billing.Shanghai) }
func (c *simClock) Set(t time.Time) { c.unix.Store(t.Unix()) }

func startServer(t *testing.T, w *World, opts ServerOptions) (*Server, string) {
	t.Helper()
	s := NewServer(w, opts)
	addr, err := s.Start()
	if err != nil {
		t.Fatalf("start: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s, addr
}

func newClient(t *testing.T, addr, ak, secret string) *bssopenapi.Client {
	t.Helper()
	c, err := bssopenapi.NewClientWithOptions("cn-hangzhou", sdk.NewConfig().WithScheme("HTTP"),
		credentials.NewAccessKeyCredential(ak, secret))
	if err != nil {
		t.Fatalf("client: %v", err)
	}
	c.Domain = addr
	return c
}

// rawPage is a DescribeInstanceBill answer parsed with exact numbers.
type rawPage struct {
	Data struct {
		TotalCount int
		NextToken  string
		MaxResults int
		Items      []map[string]any
	}
}

func parseRaw(t *testing.T, body []byte) rawPage {
	t.Helper()
	var p rawPage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&p); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	return p
}

func micros(t *testing.T, v any) int64 {
	t.Helper()
	n, ok := v.(json.Number)
	if !ok {
		t.Fatalf("amount %v (%T) is not a JSON number", v, v)
	}
	m, err := money.Parse(string(n))
	if err != nil {
		t.Fatalf("amount %s: %v", n, err)
	}
	return int64(m)
}

// fetchAll pages through one DescribeInstanceBill query and returns every item.
func fetchAll(t *testing.T, c *bssopenapi.Client, cycle, date string, byItem bool) []map[string]any {
	t.Helper()
	var items []map[string]any
	token := ""
	for page := 0; ; page++ {
		req := bssopenapi.CreateDescribeInstanceBillRequest()
		req.BillingCycle = cycle
		if date != "" {
			req.Granularity, req.BillingDate = "DAILY", date
		}
		req.IsBillingItem = requests.NewBoolean(byItem)
		req.MaxResults = "300"
		req.NextToken = token
		resp, err := c.DescribeInstanceBill(req)
		if err != nil {
			t.Fatalf("page %d: %v", page, err)
		}
		if !resp.Success || resp.Code != "Success" {
			t.Fatalf("page %d: %+v", page, resp)
		}
		raw := parseRaw(t, resp.GetHttpContentBytes())
		if len(resp.Data.Items) != len(raw.Data.Items) || len(raw.Data.Items) > 300 {
			t.Fatalf("page %d: SDK parsed %d items, raw %d", page, len(resp.Data.Items), len(raw.Data.Items))
		}
		items = append(items, raw.Data.Items...)
		if raw.Data.TotalCount < len(items) {
			t.Fatalf("TotalCount %d < items so far %d", raw.Data.TotalCount, len(items))
		}
		if raw.Data.NextToken == "" {
			if len(items) != raw.Data.TotalCount {
				t.Fatalf("got %d items, TotalCount %d", len(items), raw.Data.TotalCount)
			}
			return items
		}
		token = raw.Data.NextToken
	}
}

func sumByProduct(t *testing.T, items []map[string]any) map[string]int64 {
	out := map[string]int64{}
	for _, it := range items {
		out[it["ProductCode"].(string)] += micros(t, it["PretaxAmount"])
	}
	return out
}

func TestDescribeInstanceBillDailyMatchesGroundTruth(t *testing.T) {
	w := testWorld(400) // several pages of 300 per day
	_, addr := startServer(t, w, ServerOptions{Now: fixedNow(testNow)})
	d := day(-5)
	for _, acc := range w.Accounts() {
		// Clients are built before the subtests run in parallel: the SDK's NewClient fills a
		// package-level endpoint map without a lock, so concurrent construction is a data race.
		c := newClient(t, addr, acc.AccessKeyID, acc.AccessKeySecret)
		t.Run(acc.Name, func(t *testing.T) {
			t.Parallel() // accounts page concurrently, as billing sync does
			items := fetchAll(t, c, d.Format("2006-01"), d.Format("2006-01-02"), true)
			if want := len(w.BillItems(acc.UID, d, testNow)); len(items) != want || want <= 600 {
				t.Fatalf("items %d, ground truth %d (want > 2 pages)", len(items), want)
			}
			got, want := sumByProduct(t, items), w.DayTotals(acc.UID, d, testNow)
			if len(got) != len(want) {
				t.Fatalf("products %v, want %v", got, want)
			}
			for p, v := range want {
				if got[p] != v {
					t.Errorf("%s: API %d micros, ground truth %d", p, got[p], v)
				}
			}
			for _, it := range items {
				if it["Currency"] != acc.Currency || it["BillingDate"] != d.Format("2006-01-02") {
					t.Fatalf("row %v", it)
				}
			}
			again := fetchAll(t, c, d.Format("2006-01"), d.Format("2006-01-02"), true)
			a, _ := json.Marshal(items)
			b, _ := json.Marshal(again)
			if !bytes.Equal(a, b) {
				t.Fatal("the same day fetched twice differs")
			}
			perInstance := fetchAll(t, c, d.Format("2006-01"), d.Format("2006-01-02"), false)
			if len(perInstance) >= len(items) {
				t.Errorf("per-instance rows %d not fewer than billing-item rows %d", len(perInstance), len(items))
			}
			if got := sumByProduct(t, perInstance); len(got) != len(want) || got["ecs"] != want["ecs"] {
				t.Errorf("per-instance sums %v, want %v", got, want)
			}
		})
	}
}

func TestMonthlyMatchesSumOfDays(t *testing.T) {
	w := testWorld(60)
	_, addr := startServer(t, w, ServerOptions{Now: fixedNow(testNow)})
	acc := w.Accounts()[1]
	c := newClient(t, addr, acc.AccessKeyID, acc.AccessKeySecret)
	cycle := day(-30).Format("2006-01") // May 2025, a whole month in the past
	first := time.Date(2025, 5, 1, 0, 0, 0, 0, billing.Shanghai)
	var want int64
	for d := first; d.Month() == time.May; d = d.AddDate(0, 0, 1) {
		for _, v := range w.DayTotals(acc.UID, d, testNow) {
			want += v
		}
	}
	for _, byItem := range []bool{true, false} {
		var got int64
		for _, it := range fetchAll(t, c, cycle, "", byItem) {
			got += micros(t, it["PretaxAmount"])
			if it["BillingDate"] != "" {
				t.Fatalf("monthly row has BillingDate %v", it["BillingDate"])
			}
		}
		if got != want {
			t.Errorf("byItem=%t: month total %d, sum of days %d", byItem, got, want)
		}
	}

	req := bssopenapi.CreateQueryBillOverviewRequest()
	req.BillingCycle = cycle
	resp, err := c.QueryBillOverview(req)
	if err != nil {
		t.Fatalf("overview: %v", err)
	}
	if len(resp.Data.Items.Item) == 0 || resp.Data.AccountID != acc.UID {
		t.Fatalf("overview %+v", resp.Data)
	}
	var raw struct {
		Data struct {
			Items struct{ Item []map[string]any }
		}
	}
	dec := json.NewDecoder(bytes.NewReader(resp.GetHttpContentBytes()))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		t.Fatal(err)
	}
	var got int64
	for _, it := range raw.Data.Items.Item {
		got += micros(t, it["PretaxAmount"])
	}
	if got != want {
		t.Errorf("overview total %d, sum of days %d", got, want)
	}
}

func TestLateCorrectionsThroughAPI(t *testing.T) {
	w := testWorld(200)
	clock := newClock(testNow)
	_, addr := startServer(t, w, ServerOptions{Now: clock.Now})
	acc := w.Accounts()[0]
	c := newClient(t, addr, acc.AccessKeyID, acc.AccessKeySecret)
	fetch := func(d time.Time) int64 {
		var sum int64
		for _, v := range sumByProduct(t, fetchAll(t, c, d.Format("2006-01"), d.Format("2006-01-02"), true)) {
			sum += v
		}
		return sum
	}
	recent, old := day(-1), day(-4)
	recentEarly, oldEarly := fetch(recent), fetch(old)
	clock.Set(testNow.AddDate(0, 0, 3))
	recentFinal, oldFinal := fetch(recent), fetch(old)
	clock.Set(testNow.AddDate(0, 0, 9))
	recentLater := fetch(recent)
	if recentEarly == recentFinal {
		t.Errorf("yesterday's bill did not change after 3 days: %d", recentEarly)
	}
	if oldEarly != oldFinal || recentFinal != recentLater {
		t.Errorf("final bills changed: old %d→%d, recent %d→%d", oldEarly, oldFinal, recentFinal, recentLater)
	}
	var truth int64
	for _, v := range w.DayTotals(acc.UID, recent, testNow.AddDate(0, 0, 3)) {
		truth += v
	}
	if recentFinal != truth {
		t.Errorf("final %d, ground truth %d", recentFinal, truth)
	}
}

func TestFilters(t *testing.T) {
	w := testWorld(150)
	_, addr := startServer(t, w, ServerOptions{Now: fixedNow(testNow)})
	acc := w.Accounts()[0]
	c := newClient(t, addr, acc.AccessKeyID, acc.AccessKeySecret)
	d := day(-6)
	truth := w.BillItems(acc.UID, d, testNow)
	tests := []struct {
		name  string
		mod   func(*bssopenapi.DescribeInstanceBillRequest)
		match func(BillItem) bool
	}{
		{"product", func(r *bssopenapi.DescribeInstanceBillRequest) { r.ProductCode = "ecs" },
			func(it BillItem) bool { return it.ProductCode == "ecs" }},
		{"subscription", func(r *bssopenapi.DescribeInstanceBillRequest) { r.SubscriptionType = "Subscription" },
			func(it BillItem) bool { return it.SubscriptionType == "Subscription" }},
		{"instance", func(r *bssopenapi.DescribeInstanceBillRequest) { r.InstanceID = truth[0].InstanceID },
			func(it BillItem) bool { return it.InstanceID == truth[0].InstanceID }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var wantRows int
			var wantSum int64
			for _, it := range truth {
				if tt.match(it) {
					wantRows++
					wantSum += it.PretaxAmount
				}
			}
			req := bssopenapi.CreateDescribeInstanceBillRequest()
			req.BillingCycle, req.Granularity, req.BillingDate = d.Format("2006-01"), "DAILY", d.Format("2006-01-02")
			req.IsBillingItem, req.MaxResults = requests.NewBoolean(true), "300"
			tt.mod(req)
			resp, err := c.DescribeInstanceBill(req)
			if err != nil {
				t.Fatal(err)
			}
			raw := parseRaw(t, resp.GetHttpContentBytes())
			var sum int64
			for _, it := range raw.Data.Items {
				sum += micros(t, it["PretaxAmount"])
			}
			if raw.Data.TotalCount != wantRows || len(raw.Data.Items) != min(wantRows, 300) || wantRows == 0 {
				t.Fatalf("rows %d/%d, want %d", len(raw.Data.Items), raw.Data.TotalCount, wantRows)
			}
			if wantRows <= 300 && sum != wantSum {
				t.Fatalf("sum %d, want %d", sum, wantSum)
			}
		})
	}
}

func serverErr(t *testing.T, err error) *sdkerrors.ServerError {
	t.Helper()
	var se *sdkerrors.ServerError
	if !errors.As(err, &se) {
		t.Fatalf("error %v (%T) is not a ServerError", err, err)
	}
	return se
}

func TestErrors(t *testing.T) {
	w := testWorld(30)
	_, addr := startServer(t, w, ServerOptions{Now: fixedNow(testNow)})
	acc := w.Accounts()[0]
	d := day(-3)
	tests := []struct {
		name       string
		ak, secret string
		mod        func(*bssopenapi.DescribeInstanceBillRequest)
		code       string
		status     int
	}{
		{"wrong secret", acc.AccessKeyID, "not-the-secret", nil, "SignatureDoesNotMatch", 400},
		{"unknown key", "LTAI5tUnknownKeyId000000", acc.AccessKeySecret, nil, "InvalidAccessKeyId.NotFound", 404},
		{"bad cycle", "", "", func(r *bssopenapi.DescribeInstanceBillRequest) { r.BillingCycle = "2025/05" }, "InvalidParameter", 400},
		{"cycle too old", "", "", func(r *bssopenapi.DescribeInstanceBillRequest) { r.BillingCycle = "2023-12" }, "InvalidParameter", 400},
		{"future cycle", "", "", func(r *bssopenapi.DescribeInstanceBillRequest) { r.BillingCycle = "2025-07" }, "InvalidParameter", 400},
		{"date outside cycle", "", "", func(r *bssopenapi.DescribeInstanceBillRequest) { r.BillingDate = "2025-05-31" }, "InvalidParameter", 400},
		{"daily without date", "", "", func(r *bssopenapi.DescribeInstanceBillRequest) { r.BillingDate = "" }, "MissingParameter", 400},
		{"max results", "", "", func(r *bssopenapi.DescribeInstanceBillRequest) { r.MaxResults = "301" }, "InvalidParameter", 400},
		{"bad token", "", "", func(r *bssopenapi.DescribeInstanceBillRequest) { r.NextToken = "bm90LWEtdG9rZW4" }, "InvalidParameter", 400},
		{"bad granularity", "", "", func(r *bssopenapi.DescribeInstanceBillRequest) { r.Granularity = "HOURLY" }, "InvalidParameter", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ak, secret := acc.AccessKeyID, acc.AccessKeySecret
			if tt.ak != "" {
				ak, secret = tt.ak, tt.secret
			}
			req := bssopenapi.CreateDescribeInstanceBillRequest()
			req.BillingCycle, req.Granularity, req.BillingDate = d.Format("2006-01"), "DAILY", d.Format("2006-01-02")
			if tt.mod != nil {
				tt.mod(req)
			}
			_, err := newClient(t, addr, ak, secret).DescribeInstanceBill(req)
			se := serverErr(t, err)
			if se.ErrorCode() != tt.code || se.HttpStatus() != tt.status || se.RequestId() == "" {
				t.Fatalf("got %s/%d (%s), want %s/%d", se.ErrorCode(), se.HttpStatus(), se.Message(), tt.code, tt.status)
			}
		})
	}
}

func TestThrottling(t *testing.T) {
	w := testWorld(10)
	s, addr := startServer(t, w, ServerOptions{QPS: 1, Now: fixedNow(testNow)})
	acc := w.Accounts()[0]
	c := newClient(t, addr, acc.AccessKeyID, acc.AccessKeySecret)
	var ok, throttled int
	for i := 0; i < 10; i++ {
		_, err := c.QueryAccountBalance(bssopenapi.CreateQueryAccountBalanceRequest())
		if err == nil {
			ok++
			continue
		}
		se := serverErr(t, err)
		if se.ErrorCode() != "Throttling.User" || se.HttpStatus() != 400 {
			t.Fatalf("got %s/%d", se.ErrorCode(), se.HttpStatus())
		}
		throttled++
	}
	// Ten back-to-back calls at 1 QPS with a bucket of one: the first passes, and unless
	// the machine stalls for seconds between calls most of the rest are refused.
	if ok < 1 || throttled < 5 {
		t.Fatalf("ok %d throttled %d", ok, throttled)
	}
	st := s.Stats()
	if st.Throttled != int64(throttled) || st.Requests["QueryAccountBalance"] != 10 || st.Errors["Throttling.User"] != int64(throttled) {
		t.Fatalf("stats %+v", st)
	}
	other := w.Accounts()[1]
	if _, err := newClient(t, addr, other.AccessKeyID, other.AccessKeySecret).QueryAccountBalance(bssopenapi.CreateQueryAccountBalanceRequest()); err != nil {
		t.Fatalf("another AccessKey is throttled too: %v", err)
	}
}

func TestFailNextAndExpiry(t *testing.T) {
	w := testWorld(10)
	s, addr := startServer(t, w, ServerOptions{Now: fixedNow(testNow)})
	acc := w.Accounts()[0]
	c := newClient(t, addr, acc.AccessKeyID, acc.AccessKeySecret)
	s.FailNext(acc.UID, 2, "InternalError", 500)
	s.FailNext(acc.UID, 1, "ServiceUnavailable", 503)
	want := []struct {
		code   string
		status int
	}{{"InternalError", 500}, {"InternalError", 500}, {"ServiceUnavailable", 503}, {"", 200}}
	for i, wnt := range want {
		_, err := c.QueryAccountBalance(bssopenapi.CreateQueryAccountBalanceRequest())
		if wnt.code == "" {
			if err != nil {
				t.Fatalf("call %d after failures: %v", i, err)
			}
			continue
		}
		se := serverErr(t, err)
		if se.ErrorCode() != wnt.code || se.HttpStatus() != wnt.status {
			t.Fatalf("call %d: %s/%d, want %s/%d", i, se.ErrorCode(), se.HttpStatus(), wnt.code, wnt.status)
		}
	}
	if st := s.Stats(); st.Injected != 3 {
		t.Fatalf("injected %d, want 3", st.Injected)
	}
	s.ExpireCredentials(acc.UID)
	_, err := c.QueryAccountBalance(bssopenapi.CreateQueryAccountBalanceRequest())
	if se := serverErr(t, err); se.ErrorCode() != "InvalidAccessKeyId.Inactive" || se.HttpStatus() != 400 {
		t.Fatalf("after expiry: %s/%d", se.ErrorCode(), se.HttpStatus())
	}
}

func TestQueryAccountBalance(t *testing.T) {
	w := testWorld(10)
	_, addr := startServer(t, w, ServerOptions{Now: fixedNow(testNow)})
	for _, acc := range w.Accounts() {
		resp, err := newClient(t, addr, acc.AccessKeyID, acc.AccessKeySecret).QueryAccountBalance(bssopenapi.CreateQueryAccountBalanceRequest())
		if err != nil {
			t.Fatalf("%s: %v", acc.Name, err)
		}
		bal := w.Balance(acc.UID)
		if !resp.Success || resp.Data.Currency != acc.Currency ||
			resp.Data.AvailableAmount != money.Micros(bal.AvailableAmount).String() ||
			resp.Data.AvailableCashAmount != money.Micros(bal.AvailableCashAmount).String() ||
			resp.Data.CreditAmount != money.Micros(bal.CreditAmount).String() || bal.AvailableCashAmount <= 0 {
			t.Fatalf("%s: %+v, want %+v", acc.Name, resp.Data, bal)
		}
	}
}

func TestSecurityTokenCredentials(t *testing.T) {
	w := testWorld(10)
	s, addr := startServer(t, w, ServerOptions{Now: fixedNow(testNow)})
	acc := w.Accounts()[1]
	c, err := bssopenapi.NewClientWithOptions("cn-hangzhou", sdk.NewConfig().WithScheme("HTTP"),
		credentials.NewStsTokenCredential(acc.AccessKeyID, acc.AccessKeySecret, "CAIS-simulated-token"))
	if err != nil {
		t.Fatal(err)
	}
	c.Domain = addr
	if _, err := c.QueryAccountBalance(bssopenapi.CreateQueryAccountBalanceRequest()); err != nil {
		t.Fatalf("signed with a token: %v", err)
	}
	s.ExpireCredentials(acc.UID)
	_, err = c.QueryAccountBalance(bssopenapi.CreateQueryAccountBalanceRequest())
	if se := serverErr(t, err); se.ErrorCode() != "InvalidSecurityToken.Expired" || se.HttpStatus() != 400 {
		t.Fatalf("after expiry: %s/%d", se.ErrorCode(), se.HttpStatus())
	}
}

func BenchmarkDescribeInstanceBillPage(b *testing.B) {
	w := NewWorld(Config{Seed: 7, Accounts: 1, Resources: 3000, Now: fixedNow(testNow)})
	s := NewServer(w, ServerOptions{Now: fixedNow(testNow)})
	addr, err := s.Start()
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	acc := w.Accounts()[0]
	c, err := bssopenapi.NewClientWithOptions("cn-hangzhou", sdk.NewConfig().WithScheme("HTTP"),
		credentials.NewAccessKeyCredential(acc.AccessKeyID, acc.AccessKeySecret))
	if err != nil {
		b.Fatal(err)
	}
	c.Domain = addr
	d := day(-5)
	token := ""
	var rows int
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := bssopenapi.CreateDescribeInstanceBillRequest()
		req.BillingCycle, req.Granularity, req.BillingDate = d.Format("2006-01"), "DAILY", d.Format("2006-01-02")
		req.IsBillingItem, req.MaxResults, req.NextToken = requests.NewBoolean(true), "300", token
		resp, err := c.DescribeInstanceBill(req)
		if err != nil {
			b.Fatal(err)
		}
		rows += len(resp.Data.Items)
		token = resp.Data.NextToken
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
