// Package aliyun is the adapter to Alibaba Cloud OpenAPI: it builds SDK clients for an
// account (AccessKey, STS token or RAM role), paces them under the per-account request
// limit, retries what is worth retrying and classifies everything else into errs kinds.
package aliyun

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aliyun/alibaba-cloud-sdk-go/sdk"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/auth/credentials"
	sdkerrors "github.com/aliyun/alibaba-cloud-sdk-go/sdk/errors"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/requests"
	"github.com/aliyun/alibaba-cloud-sdk-go/sdk/responses"
	"golang.org/x/time/rate"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/errs"
)

// Credentials authenticate to one account. With RoleARN set, the AccessKey (and token,
// if any) is used only to assume the role through STS.
type Credentials struct {
	AccessKeyID     string
	AccessKeySecret string
	SecurityToken   string
	RoleARN         string
	// Account is the CloudLens account the credentials belong to, named in logs (which
	// never name the AccessKey); 0 when there is none yet (a connection test of new keys).
	Account int64
}

// Options configure every client a Factory builds.
type Options struct {
	// Endpoint is host[:port] of the OpenAPI service; "" means the real endpoint of the
	// account's site. Tests and local mode point it at the simulator.
	Endpoint string
	// STSEndpoint is host[:port] of STS for RAM roles; "" means the site's real STS,
	// which is always reached over HTTPS, whatever Endpoint says.
	STSEndpoint string
	// Insecure selects plain HTTP towards the overriding endpoints above (the simulator),
	// and only towards them: Alibaba's own endpoints are always HTTPS.
	Insecure bool
	// QPS is the client-side request limit per AccessKey/role; default 10, BSS's limit.
	QPS float64
	// MaxRetries bounds retries of one call after throttling, 5xx or network errors; default 6.
	MaxRetries int
	// Backoff gives the wait before retry number attempt (1-based); default jittered
	// exponential from 200 ms, capped at 10 s.
	Backoff func(attempt int) time.Duration
	// Timeout bounds one HTTP attempt; default 30 s.
	Timeout time.Duration
}

// Stats are cumulative counters of a Factory, for benchmarks and logs.
type Stats struct {
	Requests  int64 // HTTP attempts sent
	Retries   int64 // attempts that were retries
	Throttled int64 // attempts answered with Throttling* or HTTP 429
	Failures  int64 // calls that returned an error
}

// Factory builds per-account clients and owns what they share: one rate limiter per
// AccessKey/role (so every caller working on an account stays under its limit
// together), assumed-role credentials, the HTTP transport and the counters.
type Factory struct {
	o         Options
	log       *slog.Logger
	transport http.RoundTripper
	clock     clock

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
	roles    map[string]*stsProvider

	requests, retries, throttled, failures atomic.Int64
}

// NewFactory applies defaults to o. logger may be nil.
func NewFactory(o Options, logger *slog.Logger) *Factory {
	if o.QPS <= 0 {
		o.QPS = 10
	}
	if o.MaxRetries <= 0 {
		o.MaxRetries = 6
	}
	if o.Backoff == nil {
		o.Backoff = jitteredBackoff
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConnsPerHost = 16
	// Instances are frozen between invocations: do not keep connections long.
	t.IdleConnTimeout = 30 * time.Second
	return &Factory{
		o:         o,
		log:       logger,
		transport: t,
		clock:     realClock{},
		limiters:  make(map[string]*rate.Limiter),
		roles:     make(map[string]*stsProvider),
	}
}

// Stats returns the counters so far.
func (f *Factory) Stats() Stats {
	return Stats{
		Requests:  f.requests.Load(),
		Retries:   f.retries.Load(),
		Throttled: f.throttled.Load(),
		Failures:  f.failures.Load(),
	}
}

// jitteredBackoff waits 200 ms·2^(attempt-1), capped at 10 s, with the upper half
// jittered so that many accounts retrying together spread out.
func jitteredBackoff(attempt int) time.Duration {
	d := 10 * time.Second
	if attempt < 7 {
		d = min(d, 200*time.Millisecond<<(attempt-1))
	}
	return d/2 + rand.N(d/2+1)
}

// site endpoints: BSS is served from one endpoint per site.
type siteEndpoints struct{ region, bss, sts string }

func endpointsFor(site string) (siteEndpoints, bool) {
	switch account.Site(site) {
	case account.SiteChina:
		return siteEndpoints{"cn-hangzhou", "business.aliyuncs.com", "sts.aliyuncs.com"}, true
	case account.SiteInternational:
		return siteEndpoints{"ap-southeast-1", "business.ap-southeast-1.aliyuncs.com", "sts.ap-southeast-1.aliyuncs.com"}, true
	}
	return siteEndpoints{}, false
}

// client is what every service adapter shares: where to send, as whom, how fast.
type client struct {
	f        *Factory
	region   string
	endpoint string
	scheme   string
	provider credentials.CredentialsProvider
	role     *stsProvider // nil unless a RAM role is assumed
	limiter  *rate.Limiter
	account  int64
	// observe, when set, hears of every attempt and whether throttling answered it (the
	// inventory counts calls per API with it).
	observe func(throttled bool)
}

func (f *Factory) newClient(site string, c Credentials) (*client, error) {
	ep, ok := endpointsFor(site)
	if !ok {
		return nil, errs.Invalid("site %q is not china or international", site)
	}
	if strings.TrimSpace(c.AccessKeyID) == "" || c.AccessKeySecret == "" {
		return nil, errs.Invalid("an AccessKey ID and secret are required")
	}
	endpoint, scheme := f.endpoint(ep.bss, f.o.Endpoint)
	cl := &client{f: f, region: ep.region, endpoint: endpoint, scheme: scheme, limiter: f.limiter(c), account: c.Account}
	var base credentials.CredentialsProvider = credentials.NewStaticAKCredentialsProvider(c.AccessKeyID, c.AccessKeySecret)
	if c.SecurityToken != "" {
		base = credentials.NewStaticSTSCredentialsProvider(c.AccessKeyID, c.AccessKeySecret, c.SecurityToken)
	}
	cl.provider = base
	if c.RoleARN != "" {
		stsEndpoint, stsScheme := f.endpoint(ep.sts, f.o.STSEndpoint)
		cl.role = f.role(c, base, stsEndpoint, stsScheme, ep.region)
		cl.provider = cl.role
	}
	return cl, nil
}

// endpoint picks where one service is reached: the override when set, over plain HTTP
// only if the options allow it, else Alibaba's own endpoint over HTTPS.
func (f *Factory) endpoint(real, override string) (host, scheme string) {
	if override == "" {
		return real, "HTTPS"
	}
	if f.o.Insecure {
		return override, "HTTP"
	}
	return override, "HTTPS"
}

func limiterKey(c Credentials) string { return c.AccessKeyID + "\x00" + c.RoleARN }

// limiter returns the account's limiter. Burst 1 spaces requests evenly, so no window
// of any length sees more than the allowed rate.
func (f *Factory) limiter(c Credentials) *rate.Limiter {
	k := limiterKey(c)
	f.mu.Lock()
	defer f.mu.Unlock()
	l, ok := f.limiters[k]
	if !ok {
		l = rate.NewLimiter(rate.Limit(f.o.QPS), 1)
		f.limiters[k] = l
	}
	return l
}

func (f *Factory) role(c Credentials, base credentials.CredentialsProvider, endpoint, scheme, region string) *stsProvider {
	k := limiterKey(c) + "\x00" + c.AccessKeySecret + "\x00" + c.SecurityToken + "\x00" + endpoint
	f.mu.Lock()
	defer f.mu.Unlock()
	p, ok := f.roles[k]
	if !ok {
		p = &stsProvider{f: f, base: base, roleARN: c.RoleARN, endpoint: endpoint, scheme: scheme, region: region}
		f.roles[k] = p
	}
	return p
}

// clock is injectable so limiter pacing can be tested without real waiting.
type clock interface {
	Now() time.Time
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// wait blocks until the limiter admits one request or ctx ends.
func (f *Factory) wait(ctx context.Context, l *rate.Limiter) error {
	now := f.clock.Now()
	r := l.ReserveN(now, 1)
	if !r.OK() {
		return fmt.Errorf("rate limiter refuses a single request")
	}
	d := r.DelayFrom(now)
	if d <= 0 {
		return nil
	}
	if err := f.clock.Sleep(ctx, d); err != nil {
		r.CancelAt(f.clock.Now())
		return err
	}
	return nil
}

// ctxTransport carries the caller's context into requests the SDK builds without one,
// so cancelling a call aborts its HTTP attempt too.
type ctxTransport struct {
	base http.RoundTripper
	ctx  context.Context
}

func (t ctxTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.base.RoundTrip(r.WithContext(t.ctx))
}

// sdkClient builds a fresh SDK client for one attempt: the SDK mutates the client's
// timeout on every call, so sharing one between goroutines would race.
func (f *Factory) sdkClient(ctx context.Context, region, scheme string, p credentials.CredentialsProvider) (*sdk.Client, error) {
	cfg := sdk.NewConfig()
	cfg.AutoRetry = false
	cfg.MaxRetryTime = 0
	cfg.Scheme = scheme
	cfg.Timeout = f.o.Timeout
	cfg.Transport = ctxTransport{base: f.transport, ctx: ctx}
	return sdk.NewClientWithOptions(region, cfg, p)
}

// call sends req with pacing and retries and returns the raw JSON body of a success.
func (c *client) call(ctx context.Context, req requests.AcsRequest) ([]byte, error) {
	f := c.f
	action := req.GetActionName()
	for attempt := 0; ; attempt++ {
		if err := f.wait(ctx, c.limiter); err != nil {
			f.failures.Add(1)
			return nil, ctxError(action, err)
		}
		f.requests.Add(1)
		if attempt > 0 {
			f.retries.Add(1)
		}
		body, err := c.once(ctx, req)
		if err == nil {
			if c.observe != nil {
				c.observe(false)
			}
			return body, nil
		}
		if ctx.Err() != nil {
			f.failures.Add(1)
			return nil, ctxError(action, ctx.Err())
		}
		cl := classify(action, err)
		if cl.throttled {
			f.throttled.Add(1)
		}
		if c.observe != nil {
			c.observe(cl.throttled)
		}
		if !cl.retry || attempt >= f.o.MaxRetries {
			f.failures.Add(1)
			return nil, cl.err
		}
		wait := f.o.Backoff(attempt + 1)
		// The action and the account only: the request itself is signed (AccessKeyId,
		// Signature, SecurityToken in its query) and never logged.
		f.log.WarnContext(ctx, "aliyun: retrying", "action", action, "account_id", c.account, "attempt", attempt+1,
			"error", cl.summary, "wait_ms", wait.Milliseconds())
		if err := f.clock.Sleep(ctx, wait); err != nil {
			f.failures.Add(1)
			return nil, ctxError(action, err)
		}
	}
}

func (c *client) once(ctx context.Context, req requests.AcsRequest) ([]byte, error) {
	if c.role != nil {
		if err := c.role.refresh(ctx); err != nil {
			return nil, err
		}
	}
	sc, err := c.f.sdkClient(ctx, c.region, c.scheme, c.provider)
	if err != nil {
		return nil, err
	}
	req.SetDomain(c.endpoint)
	req.SetScheme(c.scheme)
	resp := responses.NewCommonResponse()
	if err := sc.DoAction(req, resp); err != nil {
		return nil, err
	}
	body := resp.GetHttpContentBytes()
	if e := softError(resp.GetHttpStatus(), body); e != nil {
		return nil, e
	}
	return body, nil
}

// apiError is an error answer of the service, from an HTTP error status or, as BSS
// sometimes does, HTTP 200 with "Success": false.
type apiError struct {
	Status    int
	Code      string
	Message   string
	RequestID string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("HTTP %d %s: %s (request %s)", e.Status, e.Code, e.Message, e.RequestID)
}

func softError(status int, body []byte) error {
	var env struct {
		Success   *bool  `json:"Success"`
		Code      string `json:"Code"`
		Message   string `json:"Message"`
		RequestID string `json:"RequestId"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		return &apiError{Status: status, Code: "BadResponse", Message: "response is not JSON: " + err.Error()}
	}
	if env.Success != nil && !*env.Success {
		return &apiError{Status: status, Code: env.Code, Message: env.Message, RequestID: env.RequestID}
	}
	return nil
}

type classified struct {
	err       error
	retry     bool
	throttled bool
	summary   string
}

// authCodes are error code prefixes that mean the credentials or their permissions are
// wrong; retrying cannot help and the account owner must act.
var authCodes = []string{
	"InvalidAccessKeyId", "SignatureDoesNotMatch", "IncompleteSignature", "Forbidden",
	"InvalidSecurityToken", "NoPermission", "NotAuthorized", "EntityNotExist.Role",
	"InvalidAccessKeySecret", "SignatureNonceUsed",
}

func classify(action string, err error) classified {
	var se *sdkerrors.ServerError
	var ae *apiError
	switch {
	case errors.As(err, &ae):
	case errors.As(err, &se):
		ae = &apiError{Status: se.HttpStatus(), Code: se.ErrorCode(), Message: se.Message(), RequestID: se.RequestId()}
	default:
		// Transport errors carry the request URL, which for RPC calls is signed: AccessKeyId,
		// SecurityToken and Signature in the query. Nothing below may keep it.
		code, params := networkCause(err)
		err = redacted(err)
		var ne net.Error
		var ce sdkerrors.Error
		if errors.As(err, &ne) || isConnError(err) || code == CauseDNS {
			// A name that does not resolve will not resolve in the next seconds either: the
			// caller (a connection test) hears at once instead of after every retry.
			return classified{err: errs.Coded(errs.KindUnavailable, code, params, err, "alibaba cloud %s: network error (%s)", action, errs.Clip(err.Error(), 200)), retry: code != CauseDNS, summary: err.Error()}
		}
		if errors.As(err, &ce) {
			return classified{err: errs.Wrap(errs.KindInternal, err, "alibaba cloud %s: client error %s", action, ce.ErrorCode()), summary: err.Error()}
		}
		return classified{err: errs.Wrap(errs.KindUnavailable, err, "alibaba cloud %s failed", action), retry: true, summary: err.Error()}
	}
	// SignatureDoesNotMatch quotes the server's string to sign, the whole signed query
	// (AccessKeyId included): the first sentence says all a person needs. The SDK's own
	// error repeats the message, so the cleaned answer replaces it as the cause.
	if i := strings.Index(ae.Message, " server string to sign is"); i >= 0 {
		ae = &apiError{Status: ae.Status, Code: ae.Code, Message: ae.Message[:i], RequestID: ae.RequestID}
		err = ae
	}
	msg := errs.Clip(ae.Message, 300)
	summary := fmt.Sprintf("HTTP %d %s", ae.Status, ae.Code)
	said := map[string]string{"code": ae.Code, "message": msg}
	for _, p := range authCodes {
		if strings.HasPrefix(ae.Code, p) {
			return classified{err: errs.Coded(errs.KindUnauthorized, CauseCredentials, said, err, "alibaba cloud %s: %s: %s", action, ae.Code, msg), summary: summary}
		}
	}
	switch {
	case strings.HasPrefix(ae.Code, "Throttling") || ae.Status == http.StatusTooManyRequests:
		return classified{err: errs.Coded(errs.KindRateLimited, CauseThrottled, said, err, "alibaba cloud %s: throttled (%s) after retries", action, ae.Code), retry: true, throttled: true, summary: summary}
	case ae.Code == "BadResponse":
		return classified{err: errs.Coded(errs.KindUnavailable, CauseBadResponse, nil, err, "alibaba cloud %s answered in an unexpected shape (HTTP %d): %s", action, ae.Status, msg), summary: summary}
	case ae.Status >= 500 || ae.Code == "ServiceUnavailable" || ae.Code == "InternalError":
		return classified{err: errs.Coded(errs.KindUnavailable, CauseServiceError, map[string]string{"code": ae.Code}, err, "alibaba cloud %s: service error %s", action, ae.Code), retry: true, summary: summary}
	case ae.Status == http.StatusUnauthorized || ae.Status == http.StatusForbidden:
		return classified{err: errs.Coded(errs.KindUnauthorized, CauseCredentials, said, err, "alibaba cloud %s: %s: %s", action, ae.Code, msg), summary: summary}
	case ae.Status == http.StatusNotFound:
		return classified{err: errs.Coded(errs.KindNotFound, CauseRefused, said, err, "alibaba cloud %s: %s: %s", action, ae.Code, msg), summary: summary}
	case ae.Status == http.StatusBadRequest || strings.HasPrefix(ae.Code, "Invalid") || strings.HasPrefix(ae.Code, "Missing"):
		return classified{err: errs.Coded(errs.KindInvalid, CauseRefused, said, err, "alibaba cloud %s: %s: %s", action, ae.Code, msg), summary: summary}
	}
	return classified{err: errs.Coded(errs.KindInternal, CauseRefused, said, err, "alibaba cloud %s: %s: %s", action, ae.Code, msg), summary: summary}
}

// Causes of a failed call, as message codes (errs.Coded) a client words in its user's
// language: the network (name lookup, timeout, no connection) or Alibaba Cloud's answer
// (the credentials refused, throttled, its own error, any other refusal).
const (
	CauseDNS          = "aliyun.dns"
	CauseTimeout      = "aliyun.timeout"
	CauseUnreachable  = "aliyun.unreachable"
	CauseCredentials  = "aliyun.credentials"
	CauseThrottled    = "aliyun.throttled"
	CauseServiceError = "aliyun.serviceError"
	CauseBadResponse  = "aliyun.badResponse"
	CauseRefused      = "aliyun.refused"
)

// networkCause tells a failed name lookup, a timeout and a refused or reset connection
// apart, with the host where it is known. It reads err before redaction: the host name of a
// lookup carries no secret, the URL's query does and is never read here.
func networkCause(err error) (string, map[string]string) {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return CauseDNS, map[string]string{"host": dns.Name}
	}
	s := err.Error()
	if m := lookupHost.FindStringSubmatch(s); m != nil {
		return CauseDNS, map[string]string{"host": m[1]}
	}
	var ne net.Error
	if (errors.As(err, &ne) && ne.Timeout()) || strings.Contains(s, "timeout") || strings.Contains(s, "deadline exceeded") {
		return CauseTimeout, nil
	}
	return CauseUnreachable, nil
}

// lookupHost finds the host of a failed lookup in an error's text ("lookup example.com on
// 10.0.0.1:53: no such host", "lookup example.com: no such host"), as the SDK sometimes
// returns it flattened into a string.
var lookupHost = regexp.MustCompile(`lookup ([A-Za-z0-9.-]+)(?: on [^:]+:\d+)?: (?:no such host|server misbehaving|Temporary failure in name resolution|i/o timeout)`)

// signedQuery matches the query of a URL, where the SDK puts the signed parameters.
var signedQuery = regexp.MustCompile(`\?[^\s"']*`)

// redacted returns err unchanged when its text carries no URL query, else an error with
// the same text minus every query (the signed part of an RPC request) and the same
// classification: a net.Error stays one, so it is still retried as a network error.
func redacted(err error) error {
	msg := err.Error()
	if !strings.Contains(msg, "?") {
		return err
	}
	clean := signedQuery.ReplaceAllString(msg, "?…")
	if clean == msg {
		return err
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return redactedNetError{msg: clean, timeout: ne.Timeout()}
	}
	return errors.New(clean)
}

type redactedNetError struct {
	msg     string
	timeout bool
}

func (e redactedNetError) Error() string   { return e.msg }
func (e redactedNetError) Timeout() bool   { return e.timeout }
func (e redactedNetError) Temporary() bool { return false }

// isConnError recognises transport failures the SDK returns unwrapped as strings.
func isConnError(err error) bool {
	s := err.Error()
	return strings.Contains(s, "connection refused") || strings.Contains(s, "connection reset") ||
		strings.Contains(s, "EOF") || strings.Contains(s, "timeout")
}

func ctxError(action string, err error) error {
	return errs.Wrap(errs.KindUnavailable, err, "alibaba cloud %s: cancelled", action)
}
