package aliyun

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/money"
)

var testCreds = Credentials{AccessKeyID: "LTAI5tTestKey01", AccessKeySecret: "secret"}

// answer is one canned HTTP answer of the fake service.
type answer struct {
	status int
	body   string
}

func errorBody(code, msg string) string {
	return fmt.Sprintf(`{"RequestId":"6C4E-REQ","HostId":"business.aliyuncs.com","Code":%q,"Message":%q,"Recommend":"https://api.aliyun.com/troubleshoot?q=%s"}`, code, msg, code)
}

// fakeBSS answers each request with the next canned answer (the last one repeats) and
// records the query parameters it saw.
type fakeBSS struct {
	mu      sync.Mutex
	answers []answer
	seen    []map[string]string
	onHit   func(n int)
}

func (s *fakeBSS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	p := map[string]string{}
	for k, v := range r.Form {
		p[k] = v[0]
	}
	s.seen = append(s.seen, p)
	n := len(s.seen)
	a := s.answers[min(n-1, len(s.answers)-1)]
	hit := s.onHit
	s.mu.Unlock()
	if hit != nil {
		hit(n)
	}
	w.Header().Set("Content-Type", "application/json;charset=utf-8")
	w.WriteHeader(a.status)
	_, _ = w.Write([]byte(a.body))
}

func (s *fakeBSS) requests() []map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]map[string]string(nil), s.seen...)
}

func newTestBilling(t *testing.T, h http.Handler, o Options) (*Factory, *Billing) {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	o.Endpoint = strings.TrimPrefix(srv.URL, "http://")
	o.Insecure = true
	if o.QPS == 0 {
		o.QPS = 1e6
	}
	if o.Backoff == nil {
		o.Backoff = func(int) time.Duration { return time.Millisecond }
	}
	f := NewFactory(o, nil)
	b, err := f.Billing("china", testCreds)
	if err != nil {
		t.Fatal(err)
	}
	return f, b
}

const page1 = `{"Code":"Success","Message":"Successful!","RequestId":"REQ-1","Success":true,"Data":{
 "BillingCycle":"2024-03","AccountID":"1234567890123456","AccountName":"payer","TotalCount":3,"MaxResults":2,
 "NextToken":"tok-2","Items":[
  {"BillingDate":"2024-03-14","ProductCode":"ecs","ProductType":"ecs","SubscriptionType":"PayAsYouGo","Item":"PayAsYouGoBill",
   "InstanceID":"i-1","Region":"华东1（杭州）","Zone":"cn-hangzhou-h","Currency":"CNY","BillAccountID":"1234567890123456",
   "OwnerID":"1234567890123456","PretaxGrossAmount":0.01,"PretaxAmount":0.01,"InvoiceDiscount":0,"Tag":"key:env value:prod"},
  {"BillingDate":"2024-03-14","ProductCode":"rds","ProductType":"rds","SubscriptionType":"Subscription","Item":"SubscriptionOrder",
   "InstanceID":"rm-1","Region":"华北2（北京）","Currency":"CNY","PretaxGrossAmount":12345678.99,"PretaxAmount":12345678.99}]}}`

const page2 = `{"Code":"Success","Message":"Successful!","RequestId":"REQ-2","Success":true,"Data":{
 "BillingCycle":"2024-03","TotalCount":3,"MaxResults":2,"NextToken":"","Items":[
  {"BillingDate":"2024-03-14","ProductCode":"oss","ProductType":"oss","SubscriptionType":"PayAsYouGo","Item":"PayAsYouGoBill",
   "InstanceID":"bucket-1","Region":"杭州","Currency":"CNY","PretaxGrossAmount":1.005,"PretaxAmount":1.005,"DeductedByCoupons":1.2E-4}]}}`

func TestDescribeInstanceBillPaging(t *testing.T) {
	s := &fakeBSS{answers: []answer{{200, page1}, {200, page2}}}
	f, b := newTestBilling(t, s, Options{})
	ctx := context.Background()

	var items []billing.RawItem
	q := BillQuery{BillingCycle: "2024-03", BillingDate: "2024-03-14", Granularity: "DAILY", IsBillingItem: true}
	var pages []BillPage
	for {
		p, err := b.DescribeInstanceBill(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
		items = append(items, p.Items...)
		if p.NextToken == "" {
			break
		}
		q.NextToken = p.NextToken
	}
	if len(pages) != 2 || pages[0].TotalCount != 3 || pages[0].RequestID != "REQ-1" || pages[0].NextToken != "tok-2" {
		t.Fatalf("pages = %+v", pages)
	}
	reqs := s.requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests", len(reqs))
	}
	want := map[string]string{"Action": "DescribeInstanceBill", "BillingCycle": "2024-03", "BillingDate": "2024-03-14",
		"Granularity": "DAILY", "IsBillingItem": "true", "MaxResults": "300", "AccessKeyId": testCreds.AccessKeyID, "Version": "2017-12-14"}
	for k, v := range want {
		if reqs[0][k] != v {
			t.Errorf("request param %s = %q, want %q", k, reqs[0][k], v)
		}
	}
	if reqs[0]["Signature"] == "" || reqs[1]["NextToken"] != "tok-2" {
		t.Errorf("unsigned or unpaged: %v", reqs[1])
	}

	exact := []struct {
		raw  billing.Number
		want money.Micros
	}{
		{items[0].PretaxAmount, 10_000},
		{items[1].PretaxAmount, 12_345_678_990_000},
		{items[2].PretaxAmount, 1_005_000},
		{items[2].DeductedByCoupons, 120},
	}
	for i, e := range exact {
		got, err := money.Parse(string(e.raw))
		if err != nil || got != e.want {
			t.Errorf("amount %d: %q → %d, %v; want %d", i, e.raw, got, err, e.want)
		}
	}
	batch := billing.NormalizeAll(1, items)
	if len(batch.Items) != 3 || len(batch.Rejected) != 0 {
		t.Fatalf("normalise: %+v", batch.Rejected)
	}
	var total money.Micros
	for _, li := range batch.Items {
		total += li.BilledCost
	}
	if total.Exact() != "12345680.005" || batch.Items[2].RegionID != "cn-hangzhou" || batch.Items[1].ChargeCategory != billing.ChargePurchase {
		t.Fatalf("total %s, region %q, category %q", total.Exact(), batch.Items[2].RegionID, batch.Items[1].ChargeCategory)
	}
	if st := f.Stats(); st.Requests != 2 || st.Retries != 0 || st.Failures != 0 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestRetryAndClassification(t *testing.T) {
	ok := answer{200, page2}
	tests := []struct {
		name         string
		answers      []answer
		wantKind     errs.Kind // "" = success
		wantRequests int64
		wantThrottle int64
		wantMessage  string
	}{
		{"throttled then ok", []answer{{400, errorBody("Throttling.User", "Request was denied due to user flow control.")}, ok}, "", 2, 1, ""},
		{"429 then ok", []answer{{429, errorBody("Throttling", "too many")}, ok}, "", 2, 1, ""},
		{"500 then ok", []answer{{500, errorBody("InternalError", "The request processing has failed due to some unknown error.")}, ok}, "", 2, 0, ""},
		{"503 html then ok", []answer{{503, "<html>Service Unavailable</html>"}, ok}, "", 2, 0, ""},
		{"soft throttle then ok", []answer{{200, `{"Success":false,"Code":"Throttling.User","Message":"flow control","RequestId":"R"}`}, ok}, "", 2, 1, ""},
		{"signature mismatch", []answer{{400, errorBody("SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")}, ok}, errs.KindUnauthorized, 1, 0, "Specified signature is not matched"},
		{"bad access key", []answer{{404, errorBody("InvalidAccessKeyId.NotFound", "Specified access key is not found.")}}, errs.KindUnauthorized, 1, 0, "Specified access key is not found."},
		{"ram forbidden", []answer{{403, errorBody("Forbidden.RAM", "User not authorized to operate on the specified resource.")}}, errs.KindUnauthorized, 1, 0, "User not authorized"},
		{"bad parameter", []answer{{400, errorBody("InvalidParameter", "The specified parameter is invalid.")}}, errs.KindInvalid, 1, 0, "InvalidParameter"},
		{"throttled forever", []answer{{400, errorBody("Throttling.User", "flow control")}}, errs.KindRateLimited, 4, 4, "throttled"},
		{"5xx forever", []answer{{502, errorBody("ServiceUnavailable", "down")}}, errs.KindUnavailable, 4, 0, ""},
		{"not json", []answer{{200, `<xml/>`}}, errs.KindUnavailable, 1, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &fakeBSS{answers: tt.answers}
			f, b := newTestBilling(t, s, Options{MaxRetries: 3})
			p, err := b.DescribeInstanceBill(context.Background(), BillQuery{BillingCycle: "2024-03"})
			if tt.wantKind == "" {
				if err != nil || len(p.Items) != 1 {
					t.Fatalf("err = %v, items %d", err, len(p.Items))
				}
			} else {
				if errs.KindOf(err) != tt.wantKind {
					t.Fatalf("kind = %s (%v), want %s", errs.KindOf(err), err, tt.wantKind)
				}
				if !strings.Contains(errs.Message(err), tt.wantMessage) {
					t.Fatalf("message %q does not contain %q", errs.Message(err), tt.wantMessage)
				}
			}
			st := f.Stats()
			if st.Requests != tt.wantRequests || st.Throttled != tt.wantThrottle || st.Retries != tt.wantRequests-1 {
				t.Fatalf("stats = %+v, want %d requests, %d throttled", st, tt.wantRequests, tt.wantThrottle)
			}
			if got := int64(len(s.requests())); got != tt.wantRequests {
				t.Fatalf("server saw %d requests", got)
			}
		})
	}
}

func TestNetworkErrorRetriedThenUnavailable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := strings.TrimPrefix(srv.URL, "http://")
	srv.Close()
	f := NewFactory(Options{Endpoint: addr, Insecure: true, MaxRetries: 2, Backoff: func(int) time.Duration { return 0 }}, nil)
	b, err := f.Billing("china", testCreds)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.QueryAccountBalance(context.Background())
	if errs.KindOf(err) != errs.KindUnavailable {
		t.Fatalf("kind = %s (%v)", errs.KindOf(err), err)
	}
	if st := f.Stats(); st.Requests != 3 || st.Failures != 1 {
		t.Fatalf("stats = %+v", st)
	}
}

func TestCancelDuringBackoff(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &fakeBSS{answers: []answer{{400, errorBody("Throttling.User", "flow control")}}}
	backoffCalled := make(chan struct{}, 1)
	f, b := newTestBilling(t, s, Options{Backoff: func(int) time.Duration {
		backoffCalled <- struct{}{}
		return time.Hour
	}})
	go func() {
		<-backoffCalled
		cancel()
	}()
	_, err := b.DescribeInstanceBill(ctx, BillQuery{BillingCycle: "2024-03"})
	if !errors.Is(err, context.Canceled) || errs.KindOf(err) != errs.KindUnavailable {
		t.Fatalf("err = %v", err)
	}
	if st := f.Stats(); st.Requests != 1 {
		t.Fatalf("stats = %+v", st)
	}
}

// fakeClock advances only when something sleeps on it, so pacing is asserted exactly.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return ctx.Err()
}

func TestLimiterPacesBurst(t *testing.T) {
	clk := &fakeClock{now: time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC)}
	start := clk.now
	var mu sync.Mutex
	var sent []time.Duration
	s := &fakeBSS{answers: []answer{{200, page2}}, onHit: func(int) {
		mu.Lock()
		sent = append(sent, clk.Now().Sub(start).Round(time.Millisecond))
		mu.Unlock()
	}}
	f, b := newTestBilling(t, s, Options{QPS: 10})
	f.clock = clk
	// A second client of the same AccessKey must share the budget.
	b2, err := f.Billing("china", testCreds)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 50 {
		c := b
		if i%2 == 1 {
			c = b2
		}
		if _, err := c.DescribeInstanceBill(context.Background(), BillQuery{BillingCycle: "2024-03"}); err != nil {
			t.Fatal(err)
		}
	}
	if len(sent) != 50 {
		t.Fatalf("%d calls", len(sent))
	}
	perWindow := map[int64]int{}
	for _, d := range sent {
		perWindow[int64(d/(100*time.Millisecond))]++
	}
	for w, n := range perWindow {
		if n > 1 {
			t.Errorf("window %d ms had %d calls, want ≤ 1 (10/s)", w*100, n)
		}
	}
	if last := sent[len(sent)-1]; last != 4900*time.Millisecond {
		t.Fatalf("50 calls took %s of fake time, want 4.9s (full use of 10/s)", last)
	}
	// Another AccessKey has its own budget: its first call is not delayed.
	b3, err := f.Billing("china", Credentials{AccessKeyID: "LTAI5tOtherKey", AccessKeySecret: "s"})
	if err != nil {
		t.Fatal(err)
	}
	before := clk.Now()
	if _, err := b3.DescribeInstanceBill(context.Background(), BillQuery{BillingCycle: "2024-03"}); err != nil {
		t.Fatal(err)
	}
	if clk.Now() != before {
		t.Fatalf("independent account waited %s", clk.Now().Sub(before))
	}
}

// recordingClock never advances; it records when each sleeper would wake, which shows
// the slots concurrent callers were given.
type recordingClock struct {
	mu    sync.Mutex
	now   time.Time
	wakes []time.Duration
}

func (c *recordingClock) Now() time.Time { return c.now }

func (c *recordingClock) Sleep(_ context.Context, d time.Duration) error {
	c.mu.Lock()
	c.wakes = append(c.wakes, d)
	c.mu.Unlock()
	return nil
}

func TestLimiterConcurrentSlots(t *testing.T) {
	f := NewFactory(Options{QPS: 10}, nil)
	clk := &recordingClock{now: time.Date(2024, 3, 14, 0, 0, 0, 0, time.UTC)}
	f.clock = clk
	l := f.limiter(testCreds)
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if err := f.wait(context.Background(), l); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	// One caller goes at once, the other 49 get distinct 100 ms slots.
	slots := map[time.Duration]bool{}
	for _, d := range clk.wakes {
		// The limiter computes delays in float seconds: compare at millisecond precision.
		d = d.Round(time.Millisecond)
		if d%(100*time.Millisecond) != 0 || slots[d] {
			t.Fatalf("slot %s repeated or off the 100 ms grid", d)
		}
		slots[d] = true
	}
	if len(slots) != 49 || !slots[4900*time.Millisecond] {
		t.Fatalf("%d slots, last present %v", len(slots), slots[4900*time.Millisecond])
	}
}

func TestBalanceAndOverview(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.FormValue("Action") {
		case "QueryAccountBalance":
			fmt.Fprint(w, `{"Code":"200","Message":"Successful!","RequestId":"R","Success":true,"Data":{
			 "AvailableAmount":"10,000.01","AvailableCashAmount":"9999.99","CreditAmount":"0.00","MybankCreditAmount":"0.00","Currency":"CNY","QuotaLimit":"0.00"}}`)
		case "QueryBillOverview":
			if r.FormValue("BillingCycle") != "2024-02" {
				http.Error(w, "cycle", 400)
				return
			}
			fmt.Fprint(w, `{"Code":"Success","Message":"Successful!","RequestId":"R","Success":true,"Data":{
			 "BillingCycle":"2024-02","AccountID":"1","AccountName":"a","Items":{"Item":[
			  {"ProductCode":"ecs","ProductName":"ECS","ProductType":"ecs","SubscriptionType":"PayAsYouGo","Item":"PayAsYouGoBill",
			   "PretaxGrossAmount":1.005,"InvoiceDiscount":0.01,"DeductedByCoupons":0,"PretaxAmount":0.995,"PaymentAmount":0.995,"Currency":"CNY"},
			  {"ProductCode":"rds","PretaxGrossAmount":12345678.99,"PretaxAmount":12345678.99,"Currency":"CNY","Item":"SubscriptionOrder"}]}}}`)
		default:
			http.Error(w, "action", 400)
		}
	})
	_, b := newTestBilling(t, mux, Options{})
	bal, err := b.QueryAccountBalance(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if bal != (Balance{AvailableAmount: 10_000_010_000, AvailableCashAmount: 9_999_990_000, Currency: "CNY"}) {
		t.Fatalf("balance = %+v", bal)
	}
	ov, err := b.QueryBillOverview(context.Background(), "2024-02")
	if err != nil {
		t.Fatal(err)
	}
	if len(ov) != 2 || ov[0].PretaxGrossAmount != 1_005_000 || ov[0].InvoiceDiscount != 10_000 || ov[0].PretaxAmount != 995_000 ||
		ov[1].PretaxAmount.String() != "12345678.99" || ov[0].ProductCode != "ecs" || ov[1].Item != "SubscriptionOrder" {
		t.Fatalf("overview = %+v", ov)
	}
}

func TestRAMRole(t *testing.T) {
	var mu sync.Mutex
	assumes := 0
	var billTokens []string
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		mu.Lock()
		defer mu.Unlock()
		switch r.FormValue("Action") {
		case "AssumeRole":
			assumes++
			if r.FormValue("RoleArn") == "acs:ram::1234567890123456:role/denied" {
				w.WriteHeader(403)
				fmt.Fprint(w, `{"RequestId":"S","HostId":"sts.aliyuncs.com","Code":"NoPermission","Message":"You are not authorized to do this action. You should be authorized by RAM."}`)
				return
			}
			if r.FormValue("AccessKeyId") != testCreds.AccessKeyID || r.FormValue("RoleSessionName") != "cloudlens" {
				w.WriteHeader(400)
				fmt.Fprint(w, errorBody("InvalidParameter", "bad assume"))
				return
			}
			fmt.Fprintf(w, `{"RequestId":"S","AssumedRoleUser":{"AssumedRoleId":"3","Arn":"x"},"Credentials":{"AccessKeyId":"STS.NTest","AccessKeySecret":"stssecret","SecurityToken":"tok-123","Expiration":%q}}`,
				time.Now().Add(time.Hour).UTC().Format(time.RFC3339))
		case "QueryAccountBalance":
			billTokens = append(billTokens, r.FormValue("AccessKeyId")+"/"+r.FormValue("SecurityToken"))
			fmt.Fprint(w, `{"Success":true,"RequestId":"R","Data":{"AvailableAmount":"1.00","Currency":"CNY"}}`)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	host := strings.TrimPrefix(srv.URL, "http://")
	f := NewFactory(Options{Endpoint: host, STSEndpoint: host, Insecure: true, Backoff: func(int) time.Duration { return 0 }}, nil)

	role := testCreds
	role.RoleARN = "acs:ram::1234567890123456:role/cloudlens-read"
	for range 2 {
		b, err := f.Billing("china", role)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := b.QueryAccountBalance(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	mu.Lock()
	if assumes != 1 || len(billTokens) != 2 || billTokens[0] != "STS.NTest/tok-123" {
		t.Fatalf("assumes %d, bill calls %v", assumes, billTokens)
	}
	mu.Unlock()

	denied := testCreds
	denied.RoleARN = "acs:ram::1234567890123456:role/denied"
	b, err := f.Billing("china", denied)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.QueryAccountBalance(context.Background())
	if errs.KindOf(err) != errs.KindUnauthorized || !strings.Contains(errs.Message(err), "You are not authorized") {
		t.Fatalf("err = %v", err)
	}
}

func TestInvalidInput(t *testing.T) {
	f := NewFactory(Options{}, nil)
	if _, err := f.Billing("moon", testCreds); errs.KindOf(err) != errs.KindInvalid {
		t.Fatalf("site: %v", err)
	}
	if _, err := f.Billing("china", Credentials{AccessKeyID: "x"}); errs.KindOf(err) != errs.KindInvalid {
		t.Fatalf("creds: %v", err)
	}
	b, err := f.Billing("international", testCreds)
	if err != nil {
		t.Fatal(err)
	}
	if b.c.endpoint != "business.ap-southeast-1.aliyuncs.com" || b.c.scheme != "HTTPS" {
		t.Fatalf("international endpoint %s %s", b.c.scheme, b.c.endpoint)
	}
	for _, q := range []BillQuery{
		{BillingCycle: "2024-3"},
		{BillingCycle: "2024-03", Granularity: "DAILY"},
		{BillingCycle: "2024-03", Granularity: "DAILY", BillingDate: "2024-04-01"},
		{BillingCycle: "2024-03", Granularity: "HOURLY"},
		{BillingCycle: "2024-03", MaxResults: 301},
	} {
		if _, err := b.DescribeInstanceBill(context.Background(), q); errs.KindOf(err) != errs.KindInvalid {
			t.Errorf("%+v: %v", q, err)
		}
	}
	if _, err := b.QueryBillOverview(context.Background(), "March"); errs.KindOf(err) != errs.KindInvalid {
		t.Errorf("overview cycle: %v", err)
	}
	if st := f.Stats(); st.Requests != 0 {
		t.Fatalf("invalid input reached the network: %+v", st)
	}
}

func TestDefaultBackoff(t *testing.T) {
	for attempt, hi := range map[int]time.Duration{1: 200 * time.Millisecond, 3: 800 * time.Millisecond, 6: 6400 * time.Millisecond, 7: 10 * time.Second, 40: 10 * time.Second} {
		for range 20 {
			if d := jitteredBackoff(attempt); d < hi/2 || d > hi {
				t.Fatalf("attempt %d: %s outside [%s, %s]", attempt, d, hi/2, hi)
			}
		}
	}
}

// BenchmarkDescribeInstanceBill measures one 300-item page through signing, HTTP and
// exact decoding against a local server; requests/op and retries come from Stats.
func BenchmarkDescribeInstanceBill(b *testing.B) {
	item := `{"BillingDate":"2024-03-14","ProductCode":"ecs","ProductType":"ecs","SubscriptionType":"PayAsYouGo","Item":"PayAsYouGoBill",
	 "InstanceID":"i-1","Region":"华东1（杭州）","Zone":"cn-hangzhou-h","Currency":"CNY","BillAccountID":"1234567890123456","OwnerID":"1",
	 "PretaxGrossAmount":12.3456,"PretaxAmount":10.01,"InvoiceDiscount":2.3356,"DeductedByCoupons":0,"Tag":"key:env value:prod","Usage":"24"}`
	body := `{"Success":true,"RequestId":"R","Data":{"TotalCount":300,"NextToken":"","Items":[` + strings.TrimSuffix(strings.Repeat(item+",", 300), ",") + `]}}`
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write([]byte(body)) }))
	defer srv.Close()
	f := NewFactory(Options{Endpoint: strings.TrimPrefix(srv.URL, "http://"), Insecure: true, QPS: 1e9}, nil)
	bl, err := f.Billing("china", testCreds)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := bl.DescribeInstanceBill(context.Background(), BillQuery{BillingCycle: "2024-03", BillingDate: "2024-03-14", Granularity: "DAILY"})
		if err != nil || len(p.Items) != 300 {
			b.Fatal(err, len(p.Items))
		}
	}
	b.ReportMetric(float64(f.Stats().Requests)/float64(b.N), "requests/op")
}

// QueryAccountBalance documents its amounts as strings; numbers, thousands separators and
// digits below the micro-unit are read too, and an unreadable amount is named.
func TestBalanceAmountTypes(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		want       Balance
		bad        string
	}{
		{"numbers", `"AvailableAmount":10000.5,"AvailableCashAmount":0,"CreditAmount":12,"Currency":"CNY"`,
			Balance{AvailableAmount: 10_000_500_000, CreditAmount: 12_000_000, Currency: "CNY"}, ""},
		{"separators", `"AvailableAmount":"10,000.00","AvailableCashAmount":"1,234,567.891","Currency":"USD"`,
			Balance{AvailableAmount: 10_000_000_000, AvailableCashAmount: 1_234_567_891_000, Currency: "USD"}, ""},
		{"seven decimals", `"AvailableAmount":"0.0000015","Currency":"CNY"`, Balance{AvailableAmount: 2, Currency: "CNY"}, ""},
		{"words", `"AvailableAmount":"plenty","Currency":"CNY"`, Balance{}, "AvailableAmount"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := `{"Code":"200","Message":"Successful!","RequestId":"R","Success":true,"Data":{` + tc.data + `}}`
			_, b := newTestBilling(t, &fakeBSS{answers: []answer{{200, body}}}, Options{})
			bal, err := b.QueryAccountBalance(context.Background())
			if tc.bad != "" {
				if errs.KindOf(err) != errs.KindUnavailable || !strings.Contains(err.Error(), tc.bad) {
					t.Fatalf("err = %v, want unavailable naming %s", err, tc.bad)
				}
				return
			}
			if err != nil || bal != tc.want {
				t.Fatalf("balance = %+v, %v; want %+v", bal, err, tc.want)
			}
		})
	}
}

// An item with a field no reading can make sense of is set aside with its bytes as
// received and a reason naming the field; the other items of the page are read.
func TestUnreadableItemSetAside(t *testing.T) {
	body := `{"RequestId":"R","Success":true,"Data":{"TotalCount":"2","NextToken":"","Items":[` +
		`{"BillingDate":"2024-03-14","ProductCode":"ecs","Usage":{"v":1},"Currency":"CNY"},` +
		`{"BillingDate":"2024-03-14","ProductCode":"ecs","Usage":24,"Currency":"CNY","PretaxAmount":"1.5"}]}}`
	_, b := newTestBilling(t, &fakeBSS{answers: []answer{{200, body}}}, Options{})
	p, err := b.DescribeInstanceBill(context.Background(), BillQuery{BillingCycle: "2024-03"})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 || string(p.Items[0].Usage) != "24" || string(p.Items[0].PretaxAmount) != "1.5" || !p.HasTotalCount || p.TotalCount != 2 {
		t.Fatalf("page = %+v", p)
	}
	if len(p.Unreadable) != 1 || string(p.Unreadable[0].Body) != `{"BillingDate":"2024-03-14","ProductCode":"ecs","Usage":{"v":1},"Currency":"CNY"}` ||
		!strings.Contains(errs.Message(p.Unreadable[0].Err), "Usage") {
		t.Fatalf("unreadable = %+v", p.Unreadable)
	}
	if string(p.Bodies[0]) != `{"BillingDate":"2024-03-14","ProductCode":"ecs","Usage":24,"Currency":"CNY","PretaxAmount":"1.5"}` {
		t.Fatalf("body = %s", p.Bodies[0])
	}
}

// Only an overriding endpoint is spoken to over plain HTTP; Alibaba's own endpoints, STS
// included, are HTTPS even when the OpenAPI endpoint is overridden.
func TestEndpointSchemes(t *testing.T) {
	role := testCreds
	role.RoleARN = "acs:ram::1234567890123456:role/r"
	for _, tc := range []struct {
		name                           string
		o                              Options
		bss, bssScheme, sts, stsScheme string
	}{
		{"production", Options{}, "business.aliyuncs.com", "HTTPS", "sts.aliyuncs.com", "HTTPS"},
		{"openapi overridden", Options{Endpoint: "127.0.0.1:9", Insecure: true}, "127.0.0.1:9", "HTTP", "sts.aliyuncs.com", "HTTPS"},
		{"both overridden", Options{Endpoint: "127.0.0.1:9", STSEndpoint: "127.0.0.1:8", Insecure: true}, "127.0.0.1:9", "HTTP", "127.0.0.1:8", "HTTP"},
		{"overridden over https", Options{Endpoint: "bss.example", STSEndpoint: "sts.example"}, "bss.example", "HTTPS", "sts.example", "HTTPS"},
		{"insecure without override", Options{Insecure: true}, "business.aliyuncs.com", "HTTPS", "sts.aliyuncs.com", "HTTPS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := NewFactory(tc.o, nil).Billing("china", role)
			if err != nil {
				t.Fatal(err)
			}
			if b.c.endpoint != tc.bss || b.c.scheme != tc.bssScheme || b.c.role.endpoint != tc.sts || b.c.role.scheme != tc.stsScheme {
				t.Fatalf("bss %s %s, sts %s %s", b.c.scheme, b.c.endpoint, b.c.role.scheme, b.c.role.endpoint)
			}
		})
	}
}

// A transport error names the signed request URL; neither the retry warning nor the
// returned error may carry its query.
func TestNetworkErrorsKeepNoSignedURL(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := strings.TrimPrefix(srv.URL, "http://")
	srv.Close()
	var logs strings.Builder
	var mu sync.Mutex
	log := slog.New(slog.NewJSONHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return logs.Write(p)
	}), nil))
	f := NewFactory(Options{Endpoint: addr, Insecure: true, MaxRetries: 2, Backoff: func(int) time.Duration { return 0 }}, log)
	b, err := f.Billing("china", testCreds)
	if err != nil {
		t.Fatal(err)
	}
	_, err = b.DescribeInstanceBill(context.Background(), BillQuery{BillingCycle: "2024-03"})
	if errs.KindOf(err) != errs.KindUnavailable {
		t.Fatalf("kind = %s (%v)", errs.KindOf(err), err)
	}
	mu.Lock()
	text := logs.String() + "\n" + err.Error()
	mu.Unlock()
	if !strings.Contains(text, "aliyun: retrying") || !strings.Contains(text, "DescribeInstanceBill") {
		t.Fatalf("no retry warning logged: %s", text)
	}
	for _, secret := range []string{"AccessKeyId", "Signature", testCreds.AccessKeyID} {
		if strings.Contains(text, secret) {
			t.Fatalf("%s leaked: %s", secret, text)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// SignatureDoesNotMatch quotes the signed query; the error keeps only its first sentence.
func TestSignatureErrorKeepsNoSignedQuery(t *testing.T) {
	body := errorBody("SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:POST&%2F&AccessKeyId%3D"+testCreds.AccessKeyID+"%26Action%3DDescribeInstanceBill")
	_, b := newTestBilling(t, &fakeBSS{answers: []answer{{400, body}}}, Options{})
	_, err := b.DescribeInstanceBill(context.Background(), BillQuery{BillingCycle: "2024-03"})
	if errs.KindOf(err) != errs.KindUnauthorized || !strings.Contains(err.Error(), "Specified signature is not matched") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), "AccessKeyId") || strings.Contains(err.Error(), testCreds.AccessKeyID) {
		t.Fatalf("the error carries the signed query: %v", err)
	}
}
