package aliyunsim

import (
	"crypto/hmac"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/cloudlens/cloudlens/shared/billing"
)

// bssVersion is the only API version of BSS OpenAPI the simulator speaks.
const bssVersion = "2017-12-14"

// ServerOptions tunes the simulated endpoint.
type ServerOptions struct {
	// QPS is the request rate allowed per AccessKey (token bucket); excess requests get
	// Throttling.User. Zero means unlimited. The real BSS limit is 10.
	QPS float64
	// Burst is the bucket size; default max(1, QPS rounded up).
	Burst int
	// ThrottleStatus is the HTTP status of Throttling.User; default 400, as BSS answers.
	ThrottleStatus int
	// Now is the simulated "now" that decides which bills exist; default the world's Now.
	Now func() time.Time
}

// Stats counts what the server has seen since it was created.
type Stats struct {
	Requests  map[string]int64 // per Action, every request including rejected ones
	Errors    map[string]int64 // per error Code returned
	Throttled int64            // requests answered with Throttling.User
	Injected  int64            // failures served from FailNext
}

// Server is an http.Handler speaking the BSS OpenAPI RPC protocol for the accounts of a World.
// It is safe for concurrent use.
type Server struct {
	w    *World
	opts ServerOptions

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	failures map[string][]injected
	expired  map[string]bool
	nonces   map[string]struct{}
	stats    Stats
	seq      uint64
	cache    map[string][]BillItem
	cacheFIF []string
	srv      *http.Server

	quirks         map[string]DayQuirks // uid|YYYY-MM-DD → how that day is answered (quirks.go)
	balanceFormats map[string]BalanceFormat
	inv            inventoryServer // the inventory and CloudMonitor APIs (inventory_api.go)
}

type injected struct {
	code   string
	status int
}

// apiError is an error answer in the shape the SDK turns into an *errors.ServerError.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func invalidParameter(format string, args ...any) *apiError {
	return &apiError{http.StatusBadRequest, "InvalidParameter", fmt.Sprintf(format, args...)}
}

// NewServer returns a server for the accounts of w.
func NewServer(w *World, opts ServerOptions) *Server {
	if opts.Now == nil {
		opts.Now = w.now
	}
	if opts.ThrottleStatus == 0 {
		opts.ThrottleStatus = http.StatusBadRequest
	}
	if opts.Burst <= 0 {
		opts.Burst = max(1, int(math.Ceil(opts.QPS)))
	}
	return &Server{
		w:        w,
		opts:     opts,
		limiters: make(map[string]*rate.Limiter),
		failures: make(map[string][]injected),
		expired:  make(map[string]bool),
		nonces:   make(map[string]struct{}),
		stats:    Stats{Requests: make(map[string]int64), Errors: make(map[string]int64)},
		cache:    make(map[string][]BillItem),
	}
}

// Start serves on a random loopback port and returns its address (host:port), which the SDK
// takes as client.Domain with the HTTP scheme.
func (s *Server) Start() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("aliyunsim: listen: %w", err)
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 10 * time.Second}
	s.mu.Lock()
	s.srv = srv
	s.mu.Unlock()
	go func() {
		// Serve returns ErrServerClosed after Close; nothing else is expected on loopback.
		_ = srv.Serve(ln)
	}()
	return ln.Addr().String(), nil
}

// Close stops a started server.
func (s *Server) Close() error {
	s.mu.Lock()
	srv := s.srv
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	if err := srv.Close(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("aliyunsim: close: %w", err)
	}
	return nil
}

// FailNext makes the next n authenticated requests of account uid fail with code and HTTP
// status (for example "InternalError", 500, or "ServiceUnavailable", 503).
func (s *Server) FailNext(uid string, n int, code string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := 0; i < n; i++ {
		s.failures[uid] = append(s.failures[uid], injected{code: code, status: status})
	}
}

// ExpireCredentials makes every later request signed with account uid's AccessKey fail:
// InvalidSecurityToken.Expired when it carries a SecurityToken, else InvalidAccessKeyId.Inactive.
func (s *Server) ExpireCredentials(uid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.expired[uid] = true
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Stats{Throttled: s.stats.Throttled, Injected: s.stats.Injected,
		Requests: make(map[string]int64, len(s.stats.Requests)), Errors: make(map[string]int64, len(s.stats.Errors))}
	for k, v := range s.stats.Requests {
		out.Requests[k] = v
	}
	for k, v := range s.stats.Errors {
		out.Errors[k] = v
	}
	return out
}

var errorMessages = map[string]string{
	"InternalError":      "The request processing has failed due to some unknown error, exception or failure.",
	"ServiceUnavailable": "The request has failed due to a temporary failure of the server.",
	"Throttling.User":    "Request was denied due to user flow control.",
	"Throttling":         "Request was denied due to request throttling.",
}

// ServeHTTP answers one RPC-style request.
func (s *Server) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	reqID := s.requestID()
	if err := r.ParseForm(); err != nil {
		s.writeError(rw, r, reqID, invalidParameter("The request parameters cannot be parsed."))
		return
	}
	action := r.Form.Get("Action")
	if api, ok := inventoryAPIFor(r.Form.Get("Version"), action); ok {
		s.serveInventory(rw, r, reqID, api)
		return
	}
	s.mu.Lock()
	s.stats.Requests[action]++
	s.mu.Unlock()

	a, apiErr := s.admit(r, action)
	if apiErr != nil {
		s.writeError(rw, r, reqID, apiErr)
		return
	}
	asOf := dayNumber(s.opts.Now())
	var body []byte
	switch action {
	case "DescribeInstanceBill":
		body, apiErr = s.describeInstanceBill(a, r.Form, asOf, reqID)
	case "QueryBillOverview":
		body, apiErr = s.queryBillOverview(a, r.Form, asOf, reqID)
	case "QueryAccountBalance":
		body = s.queryAccountBalance(a, reqID)
	case amortizationAction:
		body, apiErr = s.describeAmortizedCost(a, r.Form, asOf, reqID)
	}
	if apiErr != nil {
		s.writeError(rw, r, reqID, apiErr)
		return
	}
	rw.Header().Set("Content-Type", "application/json;charset=utf-8")
	rw.Header().Set("x-acs-request-id", reqID)
	_, _ = rw.Write(body)
}

// admit runs the checks the gateway runs before the API sees a request: known action and
// version, a known and active AccessKey, a valid signature, injected failures, throttling.
func (s *Server) admit(r *http.Request, action string) (*simAccount, *apiError) {
	switch action {
	case "DescribeInstanceBill", "QueryBillOverview", "QueryAccountBalance", amortizationAction:
	case "":
		return nil, &apiError{http.StatusBadRequest, "MissingParameter", "The input parameter \"Action\" that is mandatory for processing this request is not supplied."}
	default:
		return nil, &apiError{http.StatusNotFound, "InvalidAction.NotFound", "Specified api is not found, please check your url and method."}
	}
	if v := r.Form.Get("Version"); v != bssVersion {
		return nil, &apiError{http.StatusBadRequest, "InvalidVersion", "Specified parameter Version is not valid."}
	}
	a, err := s.authenticate(r)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opts.QPS > 0 {
		ak := r.Form.Get("AccessKeyId")
		l := s.limiters[ak]
		if l == nil {
			l = rate.NewLimiter(rate.Limit(s.opts.QPS), s.opts.Burst)
			s.limiters[ak] = l
		}
		if !l.Allow() {
			s.stats.Throttled++
			return nil, &apiError{s.opts.ThrottleStatus, "Throttling.User", errorMessages["Throttling.User"]}
		}
	}
	return a, nil
}

// authenticate runs the gateway's checks common to every API: a known and active AccessKey,
// a valid signature and nonce, and the failures injected by FailNext.
func (s *Server) authenticate(r *http.Request) (*simAccount, *apiError) {
	ak := r.Form.Get("AccessKeyId")
	if ak == "" {
		return nil, &apiError{http.StatusBadRequest, "MissingParameter", "The input parameter \"AccessKeyId\" that is mandatory for processing this request is not supplied."}
	}
	a := s.w.accountByKey(ak)
	if a == nil {
		return nil, &apiError{http.StatusNotFound, "InvalidAccessKeyId.NotFound", "Specified access key is not found."}
	}
	s.mu.Lock()
	expired := s.expired[a.pub.UID]
	s.mu.Unlock()
	if expired {
		if r.Form.Get("SecurityToken") != "" {
			return nil, &apiError{http.StatusBadRequest, "InvalidSecurityToken.Expired", "Specified SecurityToken is expired."}
		}
		return nil, &apiError{http.StatusBadRequest, "InvalidAccessKeyId.Inactive", "Specified access key is disabled."}
	}
	if err := checkSignature(r, a.pub.AccessKeySecret); err != nil {
		return nil, err
	}
	// The timestamp is checked for form only: the SDK stamps wall-clock time while the
	// simulated "now" may be anywhere, so an age check would reject correct clients.
	if _, err := time.Parse("2006-01-02T15:04:05Z", r.Form.Get("Timestamp")); err != nil {
		return nil, &apiError{http.StatusBadRequest, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted."}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	nonce := ak + "\x00" + r.Form.Get("SignatureNonce")
	if _, used := s.nonces[nonce]; used {
		return nil, &apiError{http.StatusBadRequest, "SignatureNonceUsed", "Specified signature nonce was used already."}
	}
	if len(s.nonces) >= 1<<20 {
		clear(s.nonces) // bounded memory for long benchmarks; replays this old are not a test case
	}
	s.nonces[nonce] = struct{}{}
	if q := s.failures[a.pub.UID]; len(q) > 0 {
		f := q[0]
		s.failures[a.pub.UID] = q[1:]
		s.stats.Injected++
		msg, ok := errorMessages[f.code]
		if !ok {
			msg = "The request processing has failed due to some unknown error."
		}
		return nil, &apiError{f.status, f.code, msg}
	}
	return a, nil
}

// checkSignature recomputes the RPC signature (version 1.0, HMAC-SHA1) the way the SDK does:
// every query and form parameter but Signature, sorted and form-encoded, with "+", "*" and
// "%7E" normalised, escaped once more and prefixed with "METHOD&%2F&".
func checkSignature(r *http.Request, secret string) *apiError {
	sig := r.Form.Get("Signature")
	if sig == "" {
		return &apiError{http.StatusBadRequest, "IncompleteSignature", "The request signature does not conform to Aliyun standards."}
	}
	if m := r.Form.Get("SignatureMethod"); m != "HMAC-SHA1" {
		return &apiError{http.StatusBadRequest, "InvalidSignatureMethod", "Specified signature method is not valid."}
	}
	if v := r.Form.Get("SignatureVersion"); v != "1.0" {
		return &apiError{http.StatusBadRequest, "InvalidSignatureVersion", "Specified signature version is not valid."}
	}
	params := url.Values{}
	for k, vs := range r.Form {
		if k != "Signature" && len(vs) > 0 {
			params.Set(k, vs[0])
		}
	}
	canonical := params.Encode()
	canonical = strings.ReplaceAll(canonical, "+", "%20")
	canonical = strings.ReplaceAll(canonical, "*", "%2A")
	canonical = strings.ReplaceAll(canonical, "%7E", "~")
	stringToSign := r.Method + "&%2F&" + url.QueryEscape(canonical)
	mac := hmac.New(sha1.New, []byte(secret+"&"))
	mac.Write([]byte(stringToSign))
	want := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !hmac.Equal([]byte(want), []byte(sig)) {
		return &apiError{http.StatusBadRequest, "SignatureDoesNotMatch",
			"Specified signature is not matched with our calculation. server string to sign is:" + stringToSign}
	}
	return nil
}

func (s *Server) requestID() string {
	s.mu.Lock()
	s.seq++
	n := s.seq
	s.mu.Unlock()
	h1, h2 := mix(s.w.seed^n), mix(s.w.seed^n^0x1d)
	x := fmt.Sprintf("%016X%016X", h1, h2)
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

func (s *Server) writeError(rw http.ResponseWriter, r *http.Request, reqID string, e *apiError) {
	s.mu.Lock()
	s.stats.Errors[e.code]++
	s.mu.Unlock()
	body, _ := json.Marshal(struct {
		RequestID string `json:"RequestId"`
		HostID    string `json:"HostId"`
		Code      string `json:"Code"`
		Message   string `json:"Message"`
		Recommend string `json:"Recommend"`
	}{reqID, r.Host, e.code, e.message,
		"https://api.aliyun.com/troubleshoot?q=" + url.QueryEscape(e.code) + "&product=BssOpenApi&requestId=" + reqID})
	rw.Header().Set("Content-Type", "application/json;charset=utf-8")
	rw.Header().Set("x-acs-request-id", reqID)
	rw.WriteHeader(e.status)
	_, _ = rw.Write(body)
}

// billQuery is a validated DescribeInstanceBill or QueryBillOverview request.
type billQuery struct {
	cycle       string
	first, last int64 // days of the cycle
	daily       bool
	date        int64
	byItem      bool
	hideZero    bool
	productCode string
	productType string
	subType     string
	instanceID  string
}

// parseCycle validates BillingCycle: YYYY-MM, not in the future, within the last 18 months.
func parseCycle(form url.Values, asOf int64) (cycle string, first, last int64, e *apiError) {
	cycle = form.Get("BillingCycle")
	if cycle == "" {
		return "", 0, 0, &apiError{http.StatusBadRequest, "MissingParameter", "The input parameter \"BillingCycle\" that is mandatory for processing this request is not supplied."}
	}
	t, err := time.ParseInLocation("2006-01", cycle, billing.Shanghai)
	if err != nil {
		return "", 0, 0, invalidParameter("The BillingCycle %q is not valid; expected YYYY-MM.", cycle)
	}
	now := dayTime(asOf)
	months := (now.Year()-t.Year())*12 + int(now.Month()) - int(t.Month())
	if months < 0 || months > 17 {
		return "", 0, 0, invalidParameter("The BillingCycle %s is out of range; only the latest 18 billing cycles can be queried.", cycle)
	}
	first = dayNumber(t)
	last = dayNumber(t.AddDate(0, 1, 0)) - 1
	return cycle, first, last, nil
}

func (s *Server) parseBillQuery(form url.Values, asOf int64, a *simAccount) (billQuery, *apiError) {
	var q billQuery
	var e *apiError
	q.cycle, q.first, q.last, e = parseCycle(form, asOf)
	if e != nil {
		return q, e
	}
	switch g := form.Get("Granularity"); g {
	case "", "MONTHLY":
	case "DAILY":
		q.daily = true
		d := form.Get("BillingDate")
		if d == "" {
			return q, &apiError{http.StatusBadRequest, "MissingParameter", "The input parameter \"BillingDate\" that is mandatory for DAILY granularity is not supplied."}
		}
		t, err := time.ParseInLocation("2006-01-02", d, billing.Shanghai)
		if err != nil {
			return q, invalidParameter("The BillingDate %q is not valid; expected YYYY-MM-DD.", d)
		}
		q.date = dayNumber(t)
		if q.date < q.first || q.date > q.last {
			return q, invalidParameter("The BillingDate %s is not in the BillingCycle %s.", d, q.cycle)
		}
	default:
		return q, invalidParameter("The Granularity %q is not valid; expected MONTHLY or DAILY.", g)
	}
	var err error
	if q.byItem, err = parseBool(form.Get("IsBillingItem")); err != nil {
		return q, invalidParameter("The IsBillingItem %q is not valid.", form.Get("IsBillingItem"))
	}
	if q.hideZero, err = parseBool(form.Get("IsHideZeroCharge")); err != nil {
		return q, invalidParameter("The IsHideZeroCharge %q is not valid.", form.Get("IsHideZeroCharge"))
	}
	switch st := form.Get("SubscriptionType"); st {
	case "", "Subscription", "PayAsYouGo":
		q.subType = st
	default:
		return q, invalidParameter("The SubscriptionType %q is not valid.", st)
	}
	if owner := form.Get("BillOwnerId"); owner != "" && owner != a.pub.UID {
		return q, &apiError{http.StatusBadRequest, "InvalidOwner", "The specified owner doesn't belong to caller."}
	}
	q.productCode = form.Get("ProductCode")
	q.productType = form.Get("ProductType")
	q.instanceID = form.Get("InstanceID")
	return q, nil
}

func parseBool(s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	return strconv.ParseBool(s)
}

func (q *billQuery) fingerprint(uid string) string {
	return fmt.Sprintf("%s|%s|%t|%d|%t|%t|%s|%s|%s|%s", uid, q.cycle, q.daily, q.date, q.byItem, q.hideZero,
		q.productCode, q.productType, q.subType, q.instanceID)
}

// rows returns every row the query selects at asOf, in the API's stable order; results are
// cached so that paging through a large month does not regenerate it for every page.
func (s *Server) rows(a *simAccount, q *billQuery, asOf int64) []BillItem {
	key := q.fingerprint(a.pub.UID) + "|" + strconv.FormatInt(asOf, 10)
	s.mu.Lock()
	cached, ok := s.cache[key]
	s.mu.Unlock()
	if ok {
		return cached
	}
	from, to := q.first, q.last
	if q.daily {
		from, to = q.date, q.date
	}
	var out []BillItem
	index := make(map[string]int)
	days := []int64(nil)
	aggregate := !q.daily || !q.byItem
	s.w.eachRow(a, from, to, asOf, func(it *BillItem) bool {
		if (q.productCode != "" && it.ProductCode != q.productCode) ||
			(q.productType != "" && it.ProductType != q.productType) ||
			(q.subType != "" && it.SubscriptionType != q.subType) ||
			(q.instanceID != "" && it.InstanceID != q.instanceID) {
			return true
		}
		if !aggregate {
			out = append(out, *it)
			return true
		}
		k := it.InstanceID + "\x00" + it.SubscriptionType
		if q.byItem {
			k += "\x00" + it.BillingItemCode
		}
		if i, ok := index[k]; ok {
			out[i].addAmounts(it)
			days[i]++
			return true
		}
		index[k] = len(out)
		out = append(out, *it)
		days = append(days, 1)
		return true
	})
	for i := range out {
		it := &out[i]
		if !q.daily {
			it.BillingDate = ""
		}
		if !q.byItem {
			it.BillingItem, it.BillingItemCode = "", ""
			it.ListPrice, it.ListPriceUnit = "", ""
			it.Usage, it.UsageUnit = "", ""
		} else if aggregate {
			it.Usage = string(appendDecimal(nil, it.usageMilli, 3, false))
		}
		if aggregate {
			if it.SubscriptionType == "Subscription" {
				it.ServicePeriod = strconv.FormatInt(days[i], 10)
			} else {
				it.ServicePeriod = strconv.FormatInt(days[i]*86400, 10)
			}
		}
	}
	if q.hideZero {
		kept := out[:0]
		for _, it := range out {
			if it.PretaxGrossAmount != 0 || it.PretaxAmount != 0 {
				kept = append(kept, it)
			}
		}
		out = kept
	}
	s.mu.Lock()
	if _, ok := s.cache[key]; !ok {
		if len(s.cacheFIF) >= 8 {
			delete(s.cache, s.cacheFIF[0])
			s.cacheFIF = s.cacheFIF[1:]
		}
		s.cache[key] = out
		s.cacheFIF = append(s.cacheFIF, key)
	}
	s.mu.Unlock()
	return out
}

// Page tokens carry the offset and a checksum of the query, so a token is rejected when it
// is forged or replayed against a different query. The simulated date is left out: a sync
// that pages across midnight keeps going.
func pageToken(offset int, fp string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.Itoa(offset) + "." + strconv.FormatUint(mix(fnv(fp))&0xffffffff, 16)))
}

func parsePageToken(tok, fp string) (int, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	off, sum, ok := strings.Cut(string(raw), ".")
	if !ok || sum != strconv.FormatUint(mix(fnv(fp))&0xffffffff, 16) {
		return 0, false
	}
	n, err := strconv.Atoi(off)
	if err != nil || n < 0 {
		return 0, false
	}
	return n, true
}

func fnv(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

func (s *Server) describeInstanceBill(a *simAccount, form url.Values, asOf int64, reqID string) ([]byte, *apiError) {
	q, e := s.parseBillQuery(form, asOf, a)
	if e != nil {
		return nil, e
	}
	maxResults := 20
	if m := form.Get("MaxResults"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > 300 {
			return nil, invalidParameter("The MaxResults %q is not valid; it must be between 1 and 300.", m)
		}
		maxResults = n
	}
	fp := q.fingerprint(a.pub.UID)
	offset := 0
	tok := form.Get("NextToken")
	if tok != "" {
		var ok bool
		if offset, ok = parsePageToken(tok, fp); !ok {
			return nil, invalidParameter("The NextToken is not valid.")
		}
	}
	rows := s.rows(a, &q, asOf)
	dq, quirky := s.dayQuirks(a.pub.UID, &q)
	if quirky && len(dq.Extra) > 0 {
		rows = append(append(make([]BillItem, 0, len(rows)+len(dq.Extra)), rows...), dq.Extra...)
	}
	if quirky && dq.PageSize > 0 {
		maxResults = min(maxResults, dq.PageSize)
	}
	if offset > len(rows) {
		return nil, invalidParameter("The NextToken is not valid.")
	}
	end := min(offset+maxResults, len(rows))
	next := ""
	if end < len(rows) {
		next = pageToken(end, fp)
	}
	switch {
	case quirky && dq.Paging == PagingRepeat && tok != "":
		next = tok
	case quirky && dq.Paging == PagingCycle && next == "":
		next = pageToken(0, fp)
	}

	b := make([]byte, 0, 512+(end-offset)*1400)
	b = append(b, `{"Code":"Success","Message":"Successful!","RequestId":`...)
	b = appendJSONString(b, reqID)
	b = append(b, `,"Success":true,"Data":{"BillingCycle":`...)
	b = appendJSONString(b, q.cycle)
	b = appendStr(b, "AccountID", a.pub.UID)
	b = appendStr(b, "AccountName", a.pub.Name)
	if !quirky || !dq.NoTotalCount {
		b = append(b, `,"TotalCount":`...)
		b = strconv.AppendInt(b, int64(len(rows)), 10)
	}
	b = appendStr(b, "NextToken", next)
	b = append(b, `,"MaxResults":`...)
	b = strconv.AppendInt(b, int64(maxResults), 10)
	b = append(b, `,"Items":[`...)
	for i := offset; i < end; i++ {
		if i > offset {
			b = append(b, ',')
		}
		if quirky {
			b = appendQuirkyItem(b, &rows[i], i, dq)
		} else {
			b = rows[i].AppendJSON(b)
		}
	}
	return append(b, "]}}"...), nil
}

func (s *Server) queryBillOverview(a *simAccount, form url.Values, asOf int64, reqID string) ([]byte, *apiError) {
	q, e := s.parseBillQuery(url.Values{
		"BillingCycle":     {form.Get("BillingCycle")},
		"SubscriptionType": {form.Get("SubscriptionType")},
		"BillOwnerId":      {form.Get("BillOwnerId")},
		"ProductCode":      {form.Get("ProductCode")},
		"ProductType":      {form.Get("ProductType")},
	}, asOf, a)
	if e != nil {
		return nil, e
	}
	var sums []BillItem
	index := make(map[string]int)
	for _, it := range s.rows(a, &q, asOf) {
		k := it.ProductCode + "\x00" + it.SubscriptionType
		if i, ok := index[k]; ok {
			sums[i].addAmounts(&it)
			continue
		}
		index[k] = len(sums)
		sums = append(sums, it)
	}
	b := make([]byte, 0, 512+len(sums)*700)
	b = append(b, `{"Code":"Success","Message":"Successful!","RequestId":`...)
	b = appendJSONString(b, reqID)
	b = append(b, `,"Success":true,"Data":{"BillingCycle":`...)
	b = appendJSONString(b, q.cycle)
	b = appendStr(b, "AccountID", a.pub.UID)
	b = appendStr(b, "AccountName", a.pub.Name)
	b = append(b, `,"Items":{"Item":[`...)
	for i := range sums {
		it := &sums[i]
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"ProductCode":`...)
		b = appendJSONString(b, it.ProductCode)
		b = appendStr(b, "ProductName", it.ProductName)
		b = appendStr(b, "ProductType", it.ProductType)
		b = appendStr(b, "ProductDetail", it.ProductDetail)
		b = appendStr(b, "CommodityCode", it.CommodityCode)
		b = appendStr(b, "PipCode", it.PipCode)
		b = appendStr(b, "SubscriptionType", it.SubscriptionType)
		b = appendStr(b, "Item", it.Item)
		b = appendStr(b, "BizType", it.BizType)
		b = appendStr(b, "Currency", it.Currency)
		b = appendStr(b, "BillAccountID", it.BillAccountID)
		b = appendStr(b, "BillAccountName", it.BillAccountName)
		b = appendStr(b, "RoundDownDiscount", "0")
		b = appendMoney(b, "PretaxGrossAmount", it.PretaxGrossAmount)
		b = appendMoney(b, "InvoiceDiscount", it.InvoiceDiscount)
		b = appendMoney(b, "DeductedByCoupons", it.DeductedByCoupons)
		b = appendMoney(b, "PretaxAmount", it.PretaxAmount)
		b = appendMoney(b, "DeductedByCashCoupons", it.DeductedByCashCoupons)
		b = appendMoney(b, "DeductedByPrepaidCard", it.DeductedByPrepaidCard)
		b = appendMoney(b, "PaymentAmount", it.PaymentAmount)
		b = appendMoney(b, "CashAmount", it.CashAmount)
		b = appendMoney(b, "OutstandingAmount", it.OutstandingAmount)
		b = appendMoney(b, "AdjustAmount", it.AdjustAmount)
		b = append(b, '}')
	}
	return append(b, "]}}}"...), nil
}

// Balance is the account balance QueryAccountBalance reports, in micro-units of Currency.
type Balance struct {
	AvailableAmount     int64
	AvailableCashAmount int64
	CreditAmount        int64
	Currency            string
}

// Balance returns the balance of account uid (zero for an unknown uid).
func (w *World) Balance(uid string) Balance {
	a := w.account(uid)
	if a == nil {
		return Balance{}
	}
	h := w.hash(uint64(a.idx), 0xba1a, 0, 0)
	cash := int64(2_000+h%48_000) * 1_000_000
	credit := int64(0)
	if h>>20%3 == 0 {
		credit = 10_000 * 1_000_000
	}
	return Balance{AvailableAmount: cash + credit, AvailableCashAmount: cash, CreditAmount: credit, Currency: a.pub.Currency}
}

func (s *Server) queryAccountBalance(a *simAccount, reqID string) []byte {
	bal := s.w.Balance(a.pub.UID)
	f := s.balanceFormat(a.pub.UID)
	b := make([]byte, 0, 320)
	b = append(b, `{"Code":"200","Message":"success","RequestId":`...)
	b = appendJSONString(b, reqID)
	b = append(b, `,"Success":true,"Data":{"QuotaLimit":"0.00"`...)
	b = appendBalanceAmount(b, "AvailableAmount", bal.AvailableAmount, f)
	b = appendBalanceAmount(b, "AvailableCashAmount", bal.AvailableCashAmount, f)
	b = appendBalanceAmount(b, "CreditAmount", bal.CreditAmount, f)
	b = appendStr(b, "MybankCreditAmount", "0.00")
	b = appendStr(b, "Currency", bal.Currency)
	return append(b, "}}"...)
}
