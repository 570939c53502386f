package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/cloudlens/cloudlens/functions/anomalydetect"
	"github.com/cloudlens/cloudlens/shared/alert"
	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/errs"
	"github.com/cloudlens/cloudlens/shared/fcx"
	"github.com/cloudlens/cloudlens/shared/store"
)

// The contract test: every route the functions serve, called on the real functions as the
// local runner mounts them, each answer validated against docs/openapi.yaml, so a response
// struct that changes without the document fails here. With CLOUDLENS_RECORD_FIXTURES=1 it
// also writes the answers of the web app's unit-test fixtures; without it, it checks that the
// committed fixtures still match both the document and the live answers.
const (
	openAPIFile       = "../../docs/openapi.yaml"
	fixturesDir       = "../../frontend/test/fixtures"
	functionsDir      = "../../functions"
	envRecordFixtures = "CLOUDLENS_RECORD_FIXTURES"
)

// contractNow is the app's clock in the contract test: bills exist up to 2025-03-14.
var contractNow = time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)

// fixtureTime replaces the timestamps the store takes from the wall clock (createdAt, updatedAt) in
// recorded fixtures, so re-recording gives the same files.
const fixtureTime = "2025-03-15T02:00:00Z"

// call is one request of the contract test and the status it must get.
type call struct {
	name   string
	as     string // credential: a key of contract.tokens, or "" for none
	header string // "token" sends the credential as X-CloudLens-Token instead of Bearer
	method string
	path   string // {name} is replaced by contract.vars[name]
	body   any    // nil, a string sent as is, or a value sent as JSON
	status int
	// save keeps fields of a JSON answer for later calls: var name → top-level field.
	save map[string]string
	// fixture names the file under frontend/test/fixtures this answer is recorded in.
	fixture string
	check   func(t *testing.T, body []byte)
	// then runs after the call, for work the call started in the background.
	then func(t *testing.T, c *contract)
}

type contract struct {
	d      *app.Deps
	router routers.Router
	base   string
	tokens map[string]string
	vars   map[string]string
	seen   map[string]bool // operationId → exercised
	// hooked counts the signed requests the webhook receiver of the alert channel calls got.
	hooked *atomic.Int64
}

func loadOpenAPI(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	l := openapi3.NewLoader()
	doc, err := l.LoadFromFile(openAPIFile)
	if err != nil {
		t.Fatalf("load %s: %v", openAPIFile, err)
	}
	if err := doc.Validate(l.Context); err != nil {
		t.Fatalf("%s is not a valid OpenAPI document: %v", openAPIFile, err)
	}
	// The document's one server is the relative "/": the API answers on whatever origin it is
	// deployed at. Routing by path alone is what that means for the test's loopback server.
	doc.Servers = nil
	r, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, r
}

func init() {
	// Binary exports are validated as strings (their schema checks the file's magic bytes).
	openapi3filter.RegisterBodyDecoder("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/vnd.apache.parquet", openapi3filter.FileBodyDecoder)
}

func (c *contract) expand(s string) string {
	for k, v := range c.vars {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// validate checks an answer against the operation the document has for the request. Requests
// expected to succeed are validated too, so the test's own calls follow the document.
func (c *contract) validate(ctx context.Context, req *http.Request, reqBody []byte, status int, header http.Header, body []byte) error {
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		return fmt.Errorf("%s %s is not in %s: %w", req.Method, req.URL.Path, openAPIFile, err)
	}
	c.seen[route.Operation.OperationID] = true
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if status < 400 {
		req.Body = io.NopCloser(bytes.NewReader(reqBody))
		if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
			return fmt.Errorf("the request does not follow the document: %w", err)
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status, Header: header,
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	out.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return fmt.Errorf("the answer does not match %s (%s): %w", openAPIFile, route.Operation.OperationID, err)
	}
	if len(route.Operation.Responses.Status(status).Value.Content) == 0 && len(body) > 0 {
		return fmt.Errorf("status %d is documented without a body, but one was sent: %s", status, clip(body))
	}
	return nil
}

// token is the credential named as: a user's access token, or an API key kept by an earlier call.
func (c *contract) token(as string) string {
	if tok, ok := c.tokens[as]; ok {
		return tok
	}
	return c.vars[as]
}

// lookup follows a dotted path ("items.0.resourceId") into a decoded JSON value.
func lookup(v any, path string) any {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// run sends k and validates its answer; it returns the body.
func (c *contract) run(t *testing.T, k call) []byte {
	t.Helper()
	var reqBody []byte
	switch b := k.body.(type) {
	case nil:
	case string:
		reqBody = []byte(b)
	default:
		var err error
		if reqBody, err = json.Marshal(b); err != nil {
			t.Fatal(err)
		}
	}
	reqBody = []byte(c.expand(string(reqBody)))
	path := c.expand(k.path)
	newReq := func() *http.Request {
		req, err := http.NewRequestWithContext(t.Context(), k.method, c.base+path, bytes.NewReader(reqBody))
		if err != nil {
			t.Fatal(err)
		}
		if k.body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		if tok := c.token(k.as); k.as != "" {
			if k.header == "token" {
				req.Header.Set("X-CloudLens-Token", tok)
			} else {
				req.Header.Set("Authorization", "Bearer "+tok)
			}
		}
		return req
	}
	resp, err := http.DefaultClient.Do(newReq())
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != k.status {
		t.Fatalf("%s %s: status %d, want %d: %s", k.method, path, resp.StatusCode, k.status, clip(body))
	}
	if err := c.validate(t.Context(), newReq(), reqBody, resp.StatusCode, resp.Header, body); err != nil {
		t.Errorf("%s %s: %v", k.method, path, err)
	}
	if len(k.save) > 0 {
		var m any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("answer is not JSON: %s", clip(body))
		}
		for name, field := range k.save {
			switch v := lookup(m, field).(type) {
			case float64:
				c.vars[name] = strconv.FormatInt(int64(v), 10)
			case string:
				c.vars[name] = v
			default:
				t.Fatalf("answer has no field %q to keep: %s", field, clip(body))
			}
		}
	}
	if k.check != nil {
		k.check(t, body)
	}
	if k.then != nil {
		k.then(t, c)
	}
	return body
}

// waitForJob waits until the run of job name kept in vars["runId"] has finished, so the work
// "run now" started in the background is not cut off by the end of the test.
func waitForJob(name string) func(t *testing.T, c *contract) {
	return func(t *testing.T, c *contract) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for {
			runs, err := c.d.Store.ListJobRuns(t.Context(), name, 5)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range runs {
				if strconv.FormatInt(r.ID, 10) == c.vars["runId"] && r.FinishedAt != nil {
					if r.Status != "succeeded" {
						t.Fatalf("%s run %d: %s %s", name, r.ID, r.Status, r.Message)
					}
					return
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s run %s has not finished after 30 s", name, c.vars["runId"])
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// raiseAlerts stores two budget alerts the way a job raises them, the first with a pending
// delivery to the channel kept in vars["channelId"], the second resolved at once (as after a
// refund), and keeps their ids for the alert calls.
func raiseAlerts(t *testing.T, c *contract) {
	t.Helper()
	ch, err := strconv.ParseInt(c.vars["channelId"], 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	at := contractNow.Add(-time.Hour)
	mk := func(key string, deliveries []alert.Delivery) alert.Alert {
		return alert.Alert{Kind: alert.KindBudget, Severity: alert.SeverityWarning, Title: "Budget Everything: 80% of 30000.00 spent",
			TitleZh: "预算 Everything：已花费 30000.00 的 80%", Text: "Spent 24000.00 of 30000.00.", URL: "/budgets/detail?id=" + c.vars["allBudgetId"],
			DedupKey: key, Deliveries: deliveries}
	}
	raised, err := c.d.Store.RaiseAlerts(t.Context(), at, nil,
		mk("budget:"+c.vars["allBudgetId"]+":2025-Q1:actual:80", []alert.Delivery{{ChannelID: ch, Status: alert.DeliveryPending, NextAttemptAt: at}}),
		mk("budget:"+c.vars["allBudgetId"]+":2025-Q1:actual:50", nil))
	if err != nil || len(raised) != 2 {
		t.Fatalf("raise alerts: %v %v", raised, err)
	}
	if n, err := c.d.Store.ResolveAlerts(t.Context(), at, raised[1].DedupKey); err != nil || n != 1 {
		t.Fatalf("resolve alert: %d %v", n, err)
	}
	c.vars["alertId"] = strconv.FormatInt(raised[0].ID, 10)
	c.vars["resolvedAlertId"] = strconv.FormatInt(raised[1].ID, 10)
}

// TestOpenAPIContract calls every documented operation on the functions mounted as the local
// runner mounts them, as admin, editor, viewer and API key, on both database engines, and
// validates every answer (status, headers, body) against docs/openapi.yaml.
func TestOpenAPIContract(t *testing.T) {
	doc, router := loadOpenAPI(t)
	m, err := LoadManifest(filepath.Join("..", "..", "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	recorded := false
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		c := &contract{d: d, router: router, tokens: map[string]string{}, vars: map[string]string{}, seen: map[string]bool{}}
		setupContract(t, d, m, c)
		record := os.Getenv(envRecordFixtures) == "1" && !recorded
		recorded = recorded || record
		answers := map[string]answer{}
		for _, k := range append(contractCalls(), resourcesContractCalls()...) {
			t.Run(k.name, func(t *testing.T) {
				body := c.run(t, k)
				if k.fixture != "" {
					answers[k.fixture] = answer{path: c.expand(k.path), body: body}
				}
			})
		}
		t.Run("as deployed", func(t *testing.T) { checkDeployed(t, d, m, c) })
		t.Run("fixtures", func(t *testing.T) { checkFixtures(t, c, answers, record) })
		t.Run("every documented operation is exercised", func(t *testing.T) {
			for path, item := range doc.Paths.Map() {
				for method, op := range item.Operations() {
					if !c.seen[op.OperationID] {
						t.Errorf("%s %s (%s) is documented but no call of the contract test reaches it", method, path, op.OperationID)
					}
				}
			}
		})
	})
}

// setupContract loads simulated bills for three accounts (the second a demo account), gives
// them AccessKey secrets a simulator accepts, creates the users and starts the runner.
func setupContract(t *testing.T, d *app.Deps, m Manifest, c *contract) {
	t.Helper()
	ctx := t.Context()
	d.Now = func() time.Time { return contractNow }
	d.Config.FrontendDir = t.TempDir()
	d.Config.LoginRateLimit = 3
	opts := costtest.Options{Seed: 11, Accounts: 3, Resources: 8, Now: contractNow, Days: 75, Demo: []bool{false, true, false}}
	data := costtest.Load(t, d.Store, opts)

	// The same world costtest loaded, served as the Alibaba Cloud API: connection tests of
	// every account reach it, never the real endpoint.
	world := aliyunsim.NewWorld(aliyunsim.Config{Seed: opts.Seed, Accounts: opts.Accounts, Resources: opts.Resources, Now: func() time.Time { return contractNow }})
	sim := aliyunsim.NewServer(world, aliyunsim.ServerOptions{})
	addr, err := sim.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sim.Close() })
	d.Sim = aliyun.NewFactory(aliyun.Options{Endpoint: addr, Insecure: true, QPS: 1000}, d.Log)
	d.Aliyun = d.Sim
	for i, sa := range world.Accounts() {
		acc := data.Accounts[i]
		if acc.UID != sa.UID {
			t.Fatalf("simulated account %d is %s, loaded %s", i, sa.UID, acc.UID)
		}
		if err := d.SealSecret(&acc, sa.AccessKeySecret); err != nil {
			t.Fatal(err)
		}
		if err := d.Store.UpdateAccount(ctx, acc); err != nil {
			t.Fatal(err)
		}
	}
	// Cost anomalies found in the loaded bills, for the anomaly calls.
	if _, err := anomalydetect.Run(ctx, d.Store, contractNow, ""); err != nil {
		t.Fatal(err)
	}
	c.vars["account1"] = strconv.FormatInt(data.Accounts[0].ID, 10)
	c.vars["account2"] = strconv.FormatInt(data.Accounts[1].ID, 10)
	c.vars["account3"] = strconv.FormatInt(data.Accounts[2].ID, 10)
	c.vars["simKeyId"] = world.Accounts()[0].AccessKeyID

	var admin auth.User
	admin, c.tokens["admin"] = apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
	_, c.tokens["editor"] = apptest.User(t, d, "editor@example.com", auth.RoleEditor, data.Accounts[0].ID, data.Accounts[1].ID)
	_, c.tokens["viewer"] = apptest.User(t, d, "viewer@example.com", auth.RoleViewer, data.Accounts[0].ID)
	c.tokens["bad"] = "not-a-token"
	c.vars["adminId"] = strconv.FormatInt(admin.ID, 10)

	// Webhook receivers for the alert channel calls (local mode lets channels reach loopback):
	// one that takes what it is sent and counts the signed requests, one that is down.
	c.hooked = &atomic.Int64{}
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.Header.Get("X-CloudLens-Signature"), "sha256=") && r.Header.Get("X-CloudLens-Timestamp") != "" {
			c.hooked.Add(1)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "channel is down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(down.Close)
	c.vars["hookUrl"] = hook.URL + "/hook"
	c.vars["downHookUrl"] = down.URL + "/services/T0/B0/x"

	r, err := newRunner(t.Context(), d, m)
	if err != nil {
		t.Fatal(err)
	}
	// Bill sync does not run here: it would change the figures under the cost calls, and it is
	// billingsync's own tests' business. "Sync now" records a rejected item on the run it was
	// asked to start (for the rejects route), and "run now" of billingsync answers 503, as in a
	// deployment that cannot reach the function. Other functions are invoked in process.
	invoke := d.Invoke
	d.Invoke = func(ctx context.Context, function string, payload any) error {
		if function != billing.SyncFunction {
			return invoke(ctx, function, payload)
		}
		req, ok := payload.(billing.SyncRequest)
		if !ok {
			return errs.E(errs.KindUnavailable, "%s is not run in the contract test", function)
		}
		return d.Store.AddSyncRejects(ctx, []store.SyncReject{{SyncID: req.SyncID, AccountID: req.AccountID, ChargeDate: "2025-03-14",
			Reason: "PretaxAmount is not a number", Raw: `{"RecordID":"r-1","PretaxAmount":"n/a"}`}})
	}
	srv := httptest.NewServer(r.handler())
	t.Cleanup(srv.Close)
	c.base = srv.URL
}

// contractCalls are the calls in order: reads first (their answers are the fixtures), then
// the calls that change users, keys and accounts.
func contractCalls() []call {
	const month = "start=2025-03-01&end=2025-03-14"
	q := func(s string) string { return "/api/v1/costs/" + s }
	isOthers := func(t *testing.T, body []byte) {
		var e struct {
			Items []struct {
				Groups []map[string]any `json:"groups"`
			} `json:"items"`
		}
		if err := json.Unmarshal(body, &e); err != nil || len(e.Items) == 0 {
			t.Fatalf("explore: %v %s", err, clip(body))
		}
		g := e.Items[0].Groups
		if len(g) != 2 || g[1]["other"] != true || g[1]["label"] != "others" {
			t.Fatalf("top=1 should answer one group and the remainder: %s", clip(body))
		}
	}
	return []call{
		{name: "health", method: "GET", path: "/health", status: 200},
		{name: "readiness", method: "GET", path: "/health?ready=1", status: 200},

		// costs
		{name: "overview", as: "admin", method: "GET", path: q("overview"), status: 200, fixture: "overview"},
		{name: "overview of granted accounts", as: "viewer", method: "GET", path: q("overview?accountId={account1}"), status: 200},
		{name: "overview bad accountId", as: "viewer", method: "GET", path: q("overview?accountId=x"), status: 400},
		{name: "overview signed out", method: "GET", path: q("overview"), status: 401},
		{name: "explore top 1", as: "admin", method: "GET", path: q("explore?" + month + "&groupBy=product&top=1"), status: 200, fixture: "explore-top1", check: isOthers},
		{name: "explore filtered", as: "admin", method: "GET", path: q("explore?" + month + "&granularity=week&groupBy=account,region&top=5&filter=product:notin:oss&accountId={account1}&accountId={account2}"), status: 200, fixture: "explore-filtered"},
		{name: "explore by tag and month", as: "editor", method: "GET", path: q("explore?start=2025-01-01&end=2025-03-14&granularity=month&groupBy=tag.env&metric=list"), status: 200},
		{name: "explore without groupBy", as: "viewer", header: "token", method: "GET", path: q("explore"), status: 200, fixture: "explore-total"},
		{name: "explore csv", as: "admin", method: "GET", path: q("explore?" + month + "&groupBy=product&top=2&format=csv"), status: 200},
		{name: "explore xlsx", as: "admin", method: "GET", path: q("explore?" + month + "&groupBy=region&format=xlsx"), status: 200},
		{name: "explore unknown dimension", as: "admin", method: "GET", path: q("explore?groupBy=colour"), status: 400},
		{name: "explore reversed range", as: "admin", method: "GET", path: q("explore?start=2025-03-10&end=2025-03-01"), status: 400},
		{name: "explore bad token", as: "bad", method: "GET", path: q("explore"), status: 401},
		{name: "resources", as: "admin", method: "GET", path: q("resources?" + month + "&limit=20"), status: 200, fixture: "resources"},
		{name: "resources bad limit", as: "admin", method: "GET", path: q("resources?limit=0"), status: 400},
		{name: "resources of granted accounts", as: "viewer", method: "GET", path: q("resources?" + month + "&limit=1"), status: 200,
			save: map[string]string{"resourceId": "items.0.resourceId"}},
		{name: "resource", as: "viewer", method: "GET", path: q("resources/{resourceId}?" + month), status: 200, fixture: "resource"},
		{name: "resource by week", as: "admin", method: "GET", path: q("resources/{resourceId}?start=2025-01-01&end=2025-03-14&granularity=week&metric=effective"), status: 200},
		{name: "resource unknown", as: "admin", method: "GET", path: q("resources/no-such-resource?" + month), status: 404},
		{name: "discounts by product", as: "admin", method: "GET", path: q("discounts?" + month), status: 200, fixture: "discounts"},
		{name: "discounts by month", as: "editor", method: "GET", path: q("discounts?start=2025-01-01&end=2025-03-14&groupBy=month"), status: 200},
		{name: "discounts by account", as: "admin", method: "GET", path: q("discounts?groupBy=account"), status: 400},
		{name: "forecast", as: "admin", method: "GET", path: q("forecast"), status: 200, fixture: "forecast"},
		{name: "forecast signed out", method: "GET", path: q("forecast"), status: 401},
		{name: "focus csv", as: "viewer", method: "GET", path: q("focus?start=2025-03-14&end=2025-03-14"), status: 200},
		{name: "focus parquet", as: "admin", method: "GET", path: q("focus?start=2025-03-14&end=2025-03-14&format=parquet"), status: 200},
		{name: "focus bad format", as: "admin", method: "GET", path: q("focus?format=xml"), status: 400},
		{name: "dimension values", as: "viewer", method: "GET", path: q("dimensions/product/values?" + month + "&limit=2"), status: 200, fixture: "dimension-values"},
		{name: "tag keys", as: "admin", method: "GET", path: q("dimensions/tag/values?" + month), status: 200},
		{name: "tag values searched", as: "admin", method: "GET", path: q("dimensions/tag.env/values?" + month + "&q=prod"), status: 200},
		{name: "dimension values bad cursor", as: "admin", method: "GET", path: q("dimensions/region/values?cursor=x"), status: 400},
		{name: "dimension values signed out", method: "GET", path: q("dimensions/region/values"), status: 401},
		{name: "coverage", as: "viewer", method: "GET", path: q("coverage"), status: 200},
		{name: "coverage bad accountId", as: "admin", method: "GET", path: q("coverage?accountId=0"), status: 400},
		{name: "save view", as: "viewer", method: "POST", path: q("views"), body: map[string]any{"name": "ECS", "query": month + "&groupBy=region&filter=product:in:ecs"},
			status: 201, save: map[string]string{"viewId": "id"}},
		{name: "save view bad query", as: "viewer", method: "POST", path: q("views"), body: map[string]any{"name": "x", "query": "groupBy=colour"}, status: 400},
		{name: "save view signed out", method: "POST", path: q("views"), body: map[string]any{"name": "x", "query": month}, status: 401},
		{name: "list views", as: "viewer", method: "GET", path: q("views"), status: 200},
		{name: "list views signed out", method: "GET", path: q("views"), status: 401},
		{name: "share view", as: "viewer", method: "PATCH", path: q("views/{viewId}"), body: map[string]any{"shared": true, "pinned": true}, status: 200},
		{name: "open shared view", as: "editor", method: "GET", path: q("views/{viewId}"), status: 200},
		{name: "change another's view", as: "editor", method: "PATCH", path: q("views/{viewId}"), body: map[string]any{"name": "mine"}, status: 403},
		{name: "delete another's view", as: "editor", method: "DELETE", path: q("views/{viewId}"), status: 403},
		{name: "delete view", as: "viewer", method: "DELETE", path: q("views/{viewId}"), status: 204},
		{name: "view gone", as: "viewer", method: "GET", path: q("views/{viewId}"), status: 404},
		{name: "view bad id", as: "viewer", method: "GET", path: q("views/x"), status: 400},

		// budgets
		{name: "preview budget", as: "viewer", method: "POST", path: "/api/v1/budgets/preview", body: map[string]any{"name": "Cloud", "period": "month", "amount": "9000.00"}, status: 200},
		{name: "preview budget bad period", as: "viewer", method: "POST", path: "/api/v1/budgets/preview", body: map[string]any{"name": "Cloud", "period": "week", "amount": "1.00"}, status: 400},
		{name: "preview budget signed out", method: "POST", path: "/api/v1/budgets/preview", body: map[string]any{"name": "Cloud"}, status: 401},
		{name: "create budget", as: "editor", method: "POST", path: "/api/v1/budgets",
			body:   `{"name":"Production ECS","period":"month","amount":"5000.00","accountIds":[{account1}],"filters":["product:in:ecs"],"thresholds":[{"percent":90,"basis":"forecast"}]}`,
			status: 201, save: map[string]string{"budgetId": "id"}},
		{name: "create quarterly budget of every account", as: "admin", method: "POST", path: "/api/v1/budgets",
			body: map[string]any{"name": "Everything", "period": "quarter", "amount": "30000.00", "monthAmounts": []string{"9000.00", "9000.00", "12000.00",
				"10000.00", "10000.00", "10000.00", "10000.00", "10000.00", "10000.00", "10000.00", "10000.00", "10000.00"}},
			status: 201, save: map[string]string{"allBudgetId": "id"}},
		{name: "create budget bad amount", as: "editor", method: "POST", path: "/api/v1/budgets", body: map[string]any{"name": "x", "period": "month", "amount": "lots"}, status: 400},
		{name: "create budget as viewer", as: "viewer", method: "POST", path: "/api/v1/budgets", body: map[string]any{"name": "x", "period": "month", "amount": "1.00"}, status: 403},
		{name: "budgets", as: "admin", method: "GET", path: "/api/v1/budgets", status: 200, fixture: "budgets"},
		{name: "budgets as viewer", as: "viewer", method: "GET", path: "/api/v1/budgets", status: 200},
		{name: "budgets signed out", method: "GET", path: "/api/v1/budgets", status: 401},
		{name: "budget", as: "viewer", method: "GET", path: "/api/v1/budgets/{budgetId}", status: 200, fixture: "budget"},
		{name: "budget quarterly", as: "admin", method: "GET", path: "/api/v1/budgets/{allBudgetId}", status: 200},
		{name: "budget not visible", as: "viewer", method: "GET", path: "/api/v1/budgets/{allBudgetId}", status: 404},
		{name: "budget bad id", as: "viewer", method: "GET", path: "/api/v1/budgets/x", status: 400},
		{name: "update budget", as: "editor", method: "PATCH", path: "/api/v1/budgets/{budgetId}", body: map[string]any{"amount": "6000.00", "period": "year"}, status: 200},
		{name: "update budget invalid", as: "editor", method: "PATCH", path: "/api/v1/budgets/{budgetId}", body: map[string]any{"thresholds": []map[string]any{{"percent": 0, "basis": "actual"}}}, status: 400},
		{name: "update budget as viewer", as: "viewer", method: "PATCH", path: "/api/v1/budgets/{budgetId}", body: map[string]any{"name": "x"}, status: 403},
		{name: "update budget not visible", as: "editor", method: "PATCH", path: "/api/v1/budgets/{allBudgetId}", body: map[string]any{"name": "x"}, status: 404},
		{name: "delete budget as viewer", as: "viewer", method: "DELETE", path: "/api/v1/budgets/{budgetId}", status: 403},
		{name: "delete budget bad id", as: "editor", method: "DELETE", path: "/api/v1/budgets/0", status: 400},
		{name: "delete budget", as: "editor", method: "DELETE", path: "/api/v1/budgets/{budgetId}", status: 204},
		{name: "delete budget again", as: "editor", method: "DELETE", path: "/api/v1/budgets/{budgetId}", status: 404},

		// auth
		{name: "me", as: "viewer", method: "GET", path: "/api/v1/auth/me", status: 200, fixture: "me"},
		{name: "me signed out", method: "GET", path: "/api/v1/auth/me", status: 401},
		{name: "login", method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "viewer@example.com", "password": "password-viewer@example.com"},
			status: 200, save: map[string]string{"refresh": "refreshToken"}},
		{name: "login empty", method: "POST", path: "/api/v1/auth/login", body: map[string]string{}, status: 400},
		{name: "login wrong password", method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "nobody@example.com", "password": "wrong-password"}, status: 401},
		{name: "login wrong password again", method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "nobody@example.com", "password": "wrong-password"}, status: 401},
		{name: "login wrong password third time", method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "nobody@example.com", "password": "wrong-password"}, status: 401},
		{name: "login rate-limited", method: "POST", path: "/api/v1/auth/login", body: map[string]string{"email": "nobody@example.com", "password": "wrong-password"}, status: 429},
		{name: "refresh", method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refreshToken": "{refresh}"}, status: 200, save: map[string]string{"refresh2": "refreshToken"}},
		// Logout comes before the spent token is shown again: reuse of a spent refresh token may
		// end the whole session, and then there would be nothing left to log out of.
		{name: "logout", method: "POST", path: "/api/v1/auth/logout", body: map[string]string{"refreshToken": "{refresh2}"}, status: 204},
		{name: "refresh spent token", method: "POST", path: "/api/v1/auth/refresh", body: map[string]string{"refreshToken": "{refresh}"}, status: 401},
		{name: "refresh malformed", method: "POST", path: "/api/v1/auth/refresh", body: `{"refreshToken":`, status: 400},
		{name: "logout unknown field", method: "POST", path: "/api/v1/auth/logout", body: map[string]string{"token": "x"}, status: 400},

		// users
		{name: "users", as: "admin", method: "GET", path: "/api/v1/users", status: 200},
		{name: "users as viewer", as: "viewer", method: "GET", path: "/api/v1/users", status: 403},
		{name: "create user", as: "admin", method: "POST", path: "/api/v1/users", body: `{"email":"new@example.com","name":"New","password":"a-long-password","role":"editor","accountIds":[{account3}]}`,
			status: 201, save: map[string]string{"newUser": "id"}},
		{name: "create user twice", as: "admin", method: "POST", path: "/api/v1/users", body: map[string]any{"email": "new@example.com", "password": "a-long-password"}, status: 409},
		{name: "create user short password", as: "admin", method: "POST", path: "/api/v1/users", body: map[string]any{"email": "short@example.com", "password": "short"}, status: 400},
		{name: "create user as editor", as: "editor", method: "POST", path: "/api/v1/users", body: map[string]any{"email": "x@example.com", "password": "a-long-password"}, status: 403},
		{name: "user", as: "admin", method: "GET", path: "/api/v1/users/{newUser}", status: 200},
		{name: "user unknown", as: "admin", method: "GET", path: "/api/v1/users/999999", status: 404},
		{name: "user bad id", as: "admin", method: "GET", path: "/api/v1/users/abc", status: 400},
		{name: "user as viewer", as: "viewer", method: "GET", path: "/api/v1/users/{newUser}", status: 403},
		{name: "update user", as: "admin", method: "PATCH", path: "/api/v1/users/{newUser}", body: map[string]any{"name": "Renamed", "role": "viewer", "disabled": true}, status: 200},
		{name: "update user unknown", as: "admin", method: "PATCH", path: "/api/v1/users/999999", body: map[string]any{"name": "x"}, status: 404},
		{name: "update user bad role", as: "admin", method: "PATCH", path: "/api/v1/users/{newUser}", body: map[string]any{"role": "owner"}, status: 400},
		{name: "demote yourself", as: "admin", method: "PATCH", path: "/api/v1/users/{adminId}", body: map[string]any{"role": "viewer"}, status: 409},
		{name: "update user as editor", as: "editor", method: "PATCH", path: "/api/v1/users/{newUser}", body: map[string]any{"name": "x"}, status: 403},
		{name: "delete yourself", as: "admin", method: "DELETE", path: "/api/v1/users/{adminId}", status: 409},
		{name: "delete user as viewer", as: "viewer", method: "DELETE", path: "/api/v1/users/{newUser}", status: 403},
		{name: "delete user bad id", as: "admin", method: "DELETE", path: "/api/v1/users/0", status: 400},
		{name: "delete user", as: "admin", method: "DELETE", path: "/api/v1/users/{newUser}", status: 204},
		{name: "delete user again", as: "admin", method: "DELETE", path: "/api/v1/users/{newUser}", status: 404},

		// API keys
		{name: "create api key", as: "editor", method: "POST", path: "/api/v1/api-keys", body: map[string]string{"name": "ci"}, status: 201,
			save: map[string]string{"keyId": "id", "key": "key"}},
		{name: "create api key without name", as: "editor", method: "POST", path: "/api/v1/api-keys", body: map[string]string{"name": " "}, status: 400},
		{name: "api keys", as: "admin", method: "GET", path: "/api/v1/api-keys", status: 200},
		{name: "api keys signed out", method: "GET", path: "/api/v1/api-keys", status: 401},
		{name: "revoke api key bad id", as: "editor", method: "DELETE", path: "/api/v1/api-keys/x", status: 400},
		{name: "revoke api key unknown", as: "viewer", method: "DELETE", path: "/api/v1/api-keys/{keyId}", status: 404},
		{name: "revoke api key signed out", method: "DELETE", path: "/api/v1/api-keys/{keyId}", status: 401},

		// accounts
		{name: "accounts", as: "admin", method: "GET", path: "/api/v1/accounts", status: 200, fixture: "accounts"},
		{name: "accounts as viewer", as: "viewer", method: "GET", path: "/api/v1/accounts", status: 200},
		{name: "accounts signed out", method: "GET", path: "/api/v1/accounts", status: 401},
		{name: "account", as: "viewer", method: "GET", path: "/api/v1/accounts/{account1}", status: 200},
		{name: "account not granted", as: "viewer", method: "GET", path: "/api/v1/accounts/{account2}", status: 404},
		{name: "account bad id", as: "viewer", method: "GET", path: "/api/v1/accounts/-1", status: 400},
		{name: "create account", as: "admin", method: "POST", path: "/api/v1/accounts",
			body: map[string]any{"name": "Staging", "accountId": "1234567890123456", "site": "international", "authType": "access_key",
				"accessKeyId": "{simKeyId}", "accessKeySecret": "NotTheSecretNotTheSecret", "regions": []string{"ap-southeast-1"}},
			status: 201, save: map[string]string{"newAccount": "id"}},
		{name: "create account twice", as: "admin", method: "POST", path: "/api/v1/accounts",
			body:   map[string]any{"name": "Again", "accountId": "1234567890123456", "site": "international", "accessKeyId": "{simKeyId}", "accessKeySecret": "NotTheSecret"},
			status: 409},
		{name: "create account invalid", as: "admin", method: "POST", path: "/api/v1/accounts", body: map[string]any{"name": "x", "site": "mars"}, status: 400},
		{name: "create account as editor", as: "editor", method: "POST", path: "/api/v1/accounts", body: map[string]any{"name": "x"}, status: 403},
		{name: "update account", as: "admin", method: "PATCH", path: "/api/v1/accounts/{newAccount}", body: map[string]any{"name": "Staging (SG)", "regions": []string{}}, status: 200},
		{name: "update demo account", as: "editor", method: "PATCH", path: "/api/v1/accounts/{account2}", body: map[string]any{"name": "x"}, status: 409},
		{name: "update account invalid", as: "editor", method: "PATCH", path: "/api/v1/accounts/{account1}", body: map[string]any{"accountId": "abc"}, status: 400},
		{name: "update account as viewer", as: "viewer", method: "PATCH", path: "/api/v1/accounts/{account1}", body: map[string]any{"name": "x"}, status: 403},
		{name: "update account not granted", as: "editor", method: "PATCH", path: "/api/v1/accounts/{account3}", body: map[string]any{"name": "x"}, status: 404},
		{name: "test connection", as: "editor", method: "POST", path: "/api/v1/accounts/{account1}/test", status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"ok":true`) }},
		{name: "test refused credentials", as: "admin", method: "POST", path: "/api/v1/accounts/{newAccount}/test", status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"ok":false`) }},
		{name: "test not granted", as: "editor", method: "POST", path: "/api/v1/accounts/{account3}/test", status: 404},
		{name: "test bad id", as: "editor", method: "POST", path: "/api/v1/accounts/x/test", status: 400},
		{name: "sync now", as: "editor", method: "POST", path: "/api/v1/accounts/{account1}/sync", status: 202, save: map[string]string{"syncId": "syncId"}},
		{name: "sync now as viewer", as: "viewer", method: "POST", path: "/api/v1/accounts/{account1}/sync", status: 403},
		{name: "sync now not granted", as: "editor", method: "POST", path: "/api/v1/accounts/{account3}/sync", status: 404},
		{name: "sync now bad id", as: "editor", method: "POST", path: "/api/v1/accounts/0/sync", status: 400},
		{name: "syncs", as: "viewer", method: "GET", path: "/api/v1/accounts/{account1}/syncs", status: 200,
			check: func(t *testing.T, b []byte) {
				mustContain(t, b, `"trigger":"manual"`)
				mustContain(t, b, `"twins":0,"duplicates":0,"rounded":0,"failedDays":0`)
			}},
		{name: "syncs not granted", as: "viewer", method: "GET", path: "/api/v1/accounts/{account2}/syncs", status: 404},
		{name: "syncs bad id", as: "viewer", method: "GET", path: "/api/v1/accounts/x/syncs", status: 400},
		{name: "rejects", as: "viewer", method: "GET", path: "/api/v1/accounts/{account1}/syncs/{syncId}/rejects", status: 200,
			check: func(t *testing.T, b []byte) {
				mustContain(t, b, `"reason":"PretaxAmount is not a number"`)
				// raw is the item's JSON text exactly as it was sent, as a string, not a re-encoded object.
				mustContain(t, b, `"raw":"{\"RecordID\":\"r-1\",\"PretaxAmount\":\"n/a\"}"`)
			}},
		{name: "rejects of another account's run", as: "admin", method: "GET", path: "/api/v1/accounts/{account3}/syncs/{syncId}/rejects", status: 404},
		{name: "rejects bad sync id", as: "viewer", method: "GET", path: "/api/v1/accounts/{account1}/syncs/x/rejects", status: 400},
		{name: "delete account as editor", as: "editor", method: "DELETE", path: "/api/v1/accounts/{account1}", status: 403},
		{name: "delete account bad id", as: "admin", method: "DELETE", path: "/api/v1/accounts/x", status: 400},
		{name: "delete account", as: "admin", method: "DELETE", path: "/api/v1/accounts/{newAccount}", status: 204},
		{name: "delete account again", as: "admin", method: "DELETE", path: "/api/v1/accounts/{newAccount}", status: 404},

		// alerts: channels and rules first, then the history of alerts raised as a job raises them.
		{name: "alert channels as viewer", as: "viewer", method: "GET", path: "/api/v1/alerts/channels", status: 403},
		{name: "create alert channel", as: "editor", method: "POST", path: "/api/v1/alerts/channels",
			body:   map[string]any{"type": "webhook", "name": "Ops hook", "url": "{hookUrl}", "secret": "whsec-contract", "language": "en"},
			status: 201, save: map[string]string{"channelId": "id"},
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"hasSecret":true`) }, then: raiseAlerts},
		{name: "create email alert channel", as: "admin", method: "POST", path: "/api/v1/alerts/channels",
			body: map[string]any{"type": "email", "name": "Finance", "recipients": []string{"finance@example.com"}}, status: 201},
		{name: "create alert channel to a down service", as: "admin", method: "POST", path: "/api/v1/alerts/channels",
			body: map[string]any{"type": "slack", "name": "Slack (down)", "url": "{downHookUrl}"}, status: 201, save: map[string]string{"downChannelId": "id"}},
		{name: "create alert channel unknown type", as: "editor", method: "POST", path: "/api/v1/alerts/channels",
			body: map[string]any{"type": "pager", "name": "x", "url": "{hookUrl}"}, status: 400},
		{name: "create alert channel to the metadata address", as: "editor", method: "POST", path: "/api/v1/alerts/channels",
			body: map[string]any{"type": "webhook", "name": "x", "url": "http://100.100.100.200/latest/meta-data"}, status: 400},
		{name: "create alert channel as viewer", as: "viewer", method: "POST", path: "/api/v1/alerts/channels",
			body: map[string]any{"type": "webhook", "name": "x", "url": "{hookUrl}"}, status: 403},
		{name: "alert channels", as: "admin", method: "GET", path: "/api/v1/alerts/channels", status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"recipients":["finance@example.com"]`) }},
		{name: "alert channel", as: "editor", method: "GET", path: "/api/v1/alerts/channels/{channelId}", status: 200},
		{name: "alert channel as viewer", as: "viewer", method: "GET", path: "/api/v1/alerts/channels/{channelId}", status: 403},
		{name: "alert channel unknown", as: "editor", method: "GET", path: "/api/v1/alerts/channels/999999", status: 404},
		{name: "alert channel bad id", as: "editor", method: "GET", path: "/api/v1/alerts/channels/x", status: 400},
		{name: "update alert channel", as: "editor", method: "PATCH", path: "/api/v1/alerts/channels/{channelId}",
			body: map[string]any{"name": "Ops webhook", "language": "zh"}, status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"hasSecret":true`) }},
		{name: "update alert channel invalid", as: "editor", method: "PATCH", path: "/api/v1/alerts/channels/{channelId}", body: map[string]any{"language": "fr"}, status: 400},
		{name: "update alert channel as viewer", as: "viewer", method: "PATCH", path: "/api/v1/alerts/channels/{channelId}", body: map[string]any{"name": "x"}, status: 403},
		{name: "update alert channel unknown", as: "admin", method: "PATCH", path: "/api/v1/alerts/channels/999999", body: map[string]any{"name": "x"}, status: 404},
		{name: "test alert channel", as: "editor", method: "POST", path: "/api/v1/alerts/channels/{channelId}/test", status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"ok":true`) },
			then: func(t *testing.T, c *contract) {
				if n := c.hooked.Load(); n != 1 {
					t.Errorf("the webhook received %d signed test messages, want 1", n)
				}
			}},
		{name: "test alert channel that is down", as: "admin", method: "POST", path: "/api/v1/alerts/channels/{downChannelId}/test", status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"ok":false`); mustContain(t, b, "503") }},
		{name: "test alert channel as viewer", as: "viewer", method: "POST", path: "/api/v1/alerts/channels/{channelId}/test", status: 403},
		{name: "test alert channel unknown", as: "editor", method: "POST", path: "/api/v1/alerts/channels/999999/test", status: 404},
		{name: "test alert channel bad id", as: "editor", method: "POST", path: "/api/v1/alerts/channels/0/test", status: 400},
		{name: "create alert rule", as: "editor", method: "POST", path: "/api/v1/alerts/rules",
			body: `{"name":"Budgets to ops","kind":"budget","channelIds":[{channelId},{downChannelId}],"budgetIds":[{allBudgetId}],` +
				`"minSeverity":"warning","minImpact":"100.00","quietHours":{"start":"22:00","end":"08:00","timeZone":"Asia/Shanghai"}}`,
			status: 201, save: map[string]string{"ruleId": "id"},
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"minImpact":"100.00"`) }},
		{name: "create alert rule of every kind's default", as: "admin", method: "POST", path: "/api/v1/alerts/rules",
			body: `{"name":"Sync failures","kind":"sync_failure","channelIds":[{channelId}]}`, status: 201,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"quietHours":null`) }},
		{name: "create alert rule unknown kind", as: "editor", method: "POST", path: "/api/v1/alerts/rules",
			body: `{"name":"x","kind":"weather","channelIds":[{channelId}]}`, status: 400},
		{name: "create alert rule unknown channel", as: "editor", method: "POST", path: "/api/v1/alerts/rules",
			body: map[string]any{"name": "x", "kind": "idle", "channelIds": []int{999999}}, status: 400},
		{name: "create alert rule as viewer", as: "viewer", method: "POST", path: "/api/v1/alerts/rules",
			body: `{"name":"x","kind":"idle","channelIds":[{channelId}]}`, status: 403},
		{name: "alert rules", as: "viewer", method: "GET", path: "/api/v1/alerts/rules", status: 200},
		{name: "alert rules of a kind", as: "admin", method: "GET", path: "/api/v1/alerts/rules?kind=budget", status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"name":"Budgets to ops"`) }},
		{name: "alert rules unknown kind", as: "viewer", method: "GET", path: "/api/v1/alerts/rules?kind=weather", status: 400},
		{name: "alert rule", as: "viewer", method: "GET", path: "/api/v1/alerts/rules/{ruleId}", status: 200},
		{name: "alert rule unknown", as: "viewer", method: "GET", path: "/api/v1/alerts/rules/999999", status: 404},
		{name: "alert rule bad id", as: "viewer", method: "GET", path: "/api/v1/alerts/rules/x", status: 400},
		{name: "update alert rule", as: "editor", method: "PATCH", path: "/api/v1/alerts/rules/{ruleId}",
			body: map[string]any{"enabled": false, "quietHours": nil, "minImpact": 250}, status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"minImpact":"250.00"`) }},
		{name: "update alert rule invalid", as: "editor", method: "PATCH", path: "/api/v1/alerts/rules/{ruleId}", body: map[string]any{"minImpact": "lots"}, status: 400},
		{name: "update alert rule as viewer", as: "viewer", method: "PATCH", path: "/api/v1/alerts/rules/{ruleId}", body: map[string]any{"enabled": true}, status: 403},
		{name: "update alert rule unknown", as: "editor", method: "PATCH", path: "/api/v1/alerts/rules/999999", body: map[string]any{"enabled": true}, status: 404},
		{name: "alerts", as: "viewer", method: "GET", path: "/api/v1/alerts", status: 200,
			check: func(t *testing.T, b []byte) {
				mustContain(t, b, `"state":"resolved"`)
				mustContain(t, b, `"channelName":"Ops webhook"`)
			}},
		{name: "alerts firing, one a page", as: "admin", method: "GET", path: "/api/v1/alerts?state=firing&kind=budget&limit=1", status: 200,
			save: map[string]string{"alertCursor": "nextCursor"}},
		{name: "alerts next page", as: "admin", method: "GET", path: "/api/v1/alerts?state=firing&kind=budget&limit=1&cursor={alertCursor}", status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `{"items":[]}`) }},
		{name: "alerts unknown state", as: "viewer", method: "GET", path: "/api/v1/alerts?state=sleeping", status: 400},
		{name: "alerts bad limit", as: "viewer", method: "GET", path: "/api/v1/alerts?limit=501", status: 400},
		{name: "alerts bad cursor", as: "viewer", method: "GET", path: "/api/v1/alerts?cursor=abc", status: 400},
		{name: "alerts signed out", method: "GET", path: "/api/v1/alerts", status: 401},
		{name: "alert", as: "viewer", method: "GET", path: "/api/v1/alerts/{alertId}", status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"status":"pending"`) }},
		{name: "alert unknown", as: "viewer", method: "GET", path: "/api/v1/alerts/999999", status: 404},
		{name: "alert bad id", as: "viewer", method: "GET", path: "/api/v1/alerts/x", status: 400},
		{name: "snooze alert", as: "editor", method: "POST", path: "/api/v1/alerts/{alertId}/snooze", body: map[string]string{"until": "2025-03-16T09:00:00+08:00"}, status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"snoozedUntil":"2025-03-16T01:00:00Z"`) }},
		{name: "snooze alert into the past", as: "editor", method: "POST", path: "/api/v1/alerts/{alertId}/snooze", body: map[string]string{"until": "2025-03-01T09:00:00+08:00"}, status: 400},
		{name: "snooze alert as viewer", as: "viewer", method: "POST", path: "/api/v1/alerts/{alertId}/snooze", body: map[string]string{"until": "2025-03-16T09:00:00+08:00"}, status: 403},
		{name: "snooze alert unknown", as: "editor", method: "POST", path: "/api/v1/alerts/999999/snooze", body: map[string]string{"until": "2025-03-16T09:00:00+08:00"}, status: 404},
		{name: "snooze resolved alert", as: "editor", method: "POST", path: "/api/v1/alerts/{resolvedAlertId}/snooze", body: map[string]string{"until": "2025-03-16T09:00:00+08:00"}, status: 409},
		{name: "ack alert", as: "editor", method: "POST", path: "/api/v1/alerts/{alertId}/ack", status: 200,
			check: func(t *testing.T, b []byte) {
				mustContain(t, b, `"state":"acknowledged"`)
				mustContain(t, b, `"acknowledgedBy":`)
			}},
		{name: "ack alert as viewer", as: "viewer", method: "POST", path: "/api/v1/alerts/{alertId}/ack", status: 403},
		{name: "ack alert unknown", as: "editor", method: "POST", path: "/api/v1/alerts/999999/ack", status: 404},
		{name: "ack alert bad id", as: "editor", method: "POST", path: "/api/v1/alerts/-3/ack", status: 400},
		{name: "ack resolved alert", as: "admin", method: "POST", path: "/api/v1/alerts/{resolvedAlertId}/ack", status: 409},
		{name: "delete alert rule as viewer", as: "viewer", method: "DELETE", path: "/api/v1/alerts/rules/{ruleId}", status: 403},
		{name: "delete alert rule bad id", as: "editor", method: "DELETE", path: "/api/v1/alerts/rules/x", status: 400},
		{name: "delete alert rule", as: "editor", method: "DELETE", path: "/api/v1/alerts/rules/{ruleId}", status: 204},
		{name: "delete alert rule again", as: "editor", method: "DELETE", path: "/api/v1/alerts/rules/{ruleId}", status: 404},
		{name: "delete alert channel as viewer", as: "viewer", method: "DELETE", path: "/api/v1/alerts/channels/{channelId}", status: 403},
		{name: "delete alert channel bad id", as: "editor", method: "DELETE", path: "/api/v1/alerts/channels/x", status: 400},
		{name: "delete alert channel", as: "editor", method: "DELETE", path: "/api/v1/alerts/channels/{channelId}", status: 204},
		{name: "delete alert channel again", as: "editor", method: "DELETE", path: "/api/v1/alerts/channels/{channelId}", status: 404},
		{name: "alert after its channel was deleted", as: "viewer", method: "GET", path: "/api/v1/alerts/{alertId}", status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"channelName":""`) }},

		// jobs: budgetcheck runs in this process; billingsync is started only by its timer here.
		{name: "jobs", as: "admin", method: "GET", path: "/api/v1/jobs", status: 200},
		{name: "jobs as editor", as: "editor", method: "GET", path: "/api/v1/jobs", status: 403},
		{name: "run job", as: "admin", method: "POST", path: "/api/v1/jobs/budgetcheck/run", status: 202, save: map[string]string{"runId": "runId"},
			then: waitForJob("budgetcheck")},
		{name: "run job that cannot start here", as: "admin", method: "POST", path: "/api/v1/jobs/billingsync/run", status: 503},
		{name: "run unknown job", as: "admin", method: "POST", path: "/api/v1/jobs/nosuchjob/run", status: 404},
		{name: "run job as viewer", as: "viewer", method: "POST", path: "/api/v1/jobs/budgetcheck/run", status: 403},
		{name: "job runs", as: "admin", method: "GET", path: "/api/v1/jobs/budgetcheck/runs?limit=5", status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"trigger":"manual"`) }},
		{name: "job runs bad limit", as: "admin", method: "GET", path: "/api/v1/jobs/budgetcheck/runs?limit=500", status: 400},
		{name: "job runs unknown job", as: "admin", method: "GET", path: "/api/v1/jobs/nosuchjob/runs", status: 404},
		{name: "job runs signed out", method: "GET", path: "/api/v1/jobs/budgetcheck/runs", status: 401},

		// anomaly
		{name: "anomalies", as: "admin", method: "GET", path: "/api/v1/anomaly", status: 200, save: map[string]string{"anyAnomalyId": "items.0.id"}},
		{name: "anomalies of granted accounts", as: "editor", method: "GET", path: "/api/v1/anomaly", status: 200, save: map[string]string{"anomalyId": "items.0.id"}},
		{name: "anomalies of an account", as: "viewer", method: "GET", path: "/api/v1/anomaly?accountId={account1}", status: 200},
		{name: "anomalies filtered", as: "viewer", method: "GET", path: "/api/v1/anomaly?status=open&start=2025-02-01&end=2025-03-14&minImpact=10", status: 200},
		{name: "anomalies bad status", as: "viewer", method: "GET", path: "/api/v1/anomaly?status=closed", status: 400},
		{name: "anomalies signed out", method: "GET", path: "/api/v1/anomaly", status: 401},
		{name: "anomaly", as: "editor", method: "GET", path: "/api/v1/anomaly/{anomalyId}", status: 200},
		{name: "anomaly bad id", as: "viewer", method: "GET", path: "/api/v1/anomaly/x", status: 400},
		{name: "anomaly unknown", as: "viewer", method: "GET", path: "/api/v1/anomaly/999999", status: 404},
		{name: "anomaly feedback", as: "editor", method: "POST", path: "/api/v1/anomaly/{anomalyId}/feedback", body: map[string]any{"verdict": "confirmed", "note": "seen"}, status: 200},
		{name: "anomaly feedback unknown verdict", as: "editor", method: "POST", path: "/api/v1/anomaly/{anomalyId}/feedback", body: map[string]any{"verdict": "maybe"}, status: 400},
		{name: "anomaly feedback as viewer", as: "viewer", method: "POST", path: "/api/v1/anomaly/{anomalyId}/feedback", body: map[string]any{"verdict": "confirmed"}, status: 403},
		{name: "anomaly feedback unknown", as: "editor", method: "POST", path: "/api/v1/anomaly/999999/feedback", body: map[string]any{"verdict": "confirmed"}, status: 404},
		{name: "anomaly monitors", as: "admin", method: "GET", path: "/api/v1/anomaly/monitors", status: 200, save: map[string]string{"builtinMonitorId": "items.0.id"}},
		{name: "anomaly monitors signed out", method: "GET", path: "/api/v1/anomaly/monitors", status: 401},
		{name: "create anomaly monitor", as: "editor", method: "POST", path: "/api/v1/anomaly/monitors",
			body: `{"dimension":"tag","key":"env","value":"prod","accountId":{account1},"sensitivity":6,"minImpact":"20.00"}`, status: 201, save: map[string]string{"monitorId": "id"}},
		{name: "create anomaly monitor again", as: "editor", method: "POST", path: "/api/v1/anomaly/monitors",
			body: `{"dimension":"tag","key":"env","value":"prod","accountId":{account1}}`, status: 409},
		{name: "create anomaly monitor bad dimension", as: "editor", method: "POST", path: "/api/v1/anomaly/monitors", body: `{"dimension":"planet","value":"x","accountId":{account1}}`, status: 400},
		{name: "create anomaly monitor as viewer", as: "viewer", method: "POST", path: "/api/v1/anomaly/monitors", body: `{"dimension":"region","value":"cn-hangzhou","accountId":{account1}}`, status: 403},
		{name: "update anomaly monitor", as: "editor", method: "PATCH", path: "/api/v1/anomaly/monitors/{monitorId}", body: map[string]any{"sensitivity": 7, "enabled": false}, status: 200},
		{name: "update anomaly monitor bad sensitivity", as: "editor", method: "PATCH", path: "/api/v1/anomaly/monitors/{monitorId}", body: map[string]any{"sensitivity": 0}, status: 400},
		{name: "update anomaly monitor as viewer", as: "viewer", method: "PATCH", path: "/api/v1/anomaly/monitors/{monitorId}", body: map[string]any{"sensitivity": 7}, status: 403},
		{name: "update anomaly monitor unknown", as: "editor", method: "PATCH", path: "/api/v1/anomaly/monitors/999999", body: map[string]any{"sensitivity": 7}, status: 404},
		{name: "delete built-in anomaly monitor", as: "admin", method: "DELETE", path: "/api/v1/anomaly/monitors/{builtinMonitorId}", status: 409},
		{name: "delete anomaly monitor as viewer", as: "viewer", method: "DELETE", path: "/api/v1/anomaly/monitors/{monitorId}", status: 403},
		{name: "delete anomaly monitor bad id", as: "editor", method: "DELETE", path: "/api/v1/anomaly/monitors/x", status: 400},
		{name: "delete anomaly monitor", as: "editor", method: "DELETE", path: "/api/v1/anomaly/monitors/{monitorId}", status: 204},
		{name: "delete anomaly monitor again", as: "editor", method: "DELETE", path: "/api/v1/anomaly/monitors/{monitorId}", status: 404},

		// An API key acts as its owner, in either header, and cannot make more keys.
		{name: "api key as bearer", as: "key", method: "GET", path: "/api/v1/auth/me", status: 200},
		{name: "api key as token header", as: "key", header: "token", method: "GET", path: q("overview"), status: 200},
		{name: "api key creating a key", as: "key", method: "POST", path: "/api/v1/api-keys", body: map[string]string{"name": "nested"}, status: 403},
		{name: "revoke api key", as: "editor", method: "DELETE", path: "/api/v1/api-keys/{keyId}", status: 204},
		{name: "revoked api key", as: "key", method: "GET", path: "/api/v1/auth/me", status: 401},

		// ai: conversations with the analyst (no model is configured here: answers say so).
		{name: "create conversation", as: "viewer", method: "POST", path: "/api/v1/chatbot/conversations", body: map[string]any{}, status: 201,
			save: map[string]string{"conversationId": "id"}},
		{name: "conversations", as: "viewer", method: "GET", path: "/api/v1/chatbot/conversations", status: 200},
		{name: "ask", as: "viewer", method: "POST", path: "/api/v1/chatbot/conversations/{conversationId}/messages", body: map[string]string{"content": "这个月花了多少？"}, status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, "CLOUDLENS_LLM_API_KEY") }},
		{name: "ask empty", as: "viewer", method: "POST", path: "/api/v1/chatbot/conversations/{conversationId}/messages", body: map[string]string{"content": ""}, status: 400},
		{name: "ask in another user's conversation", as: "editor", method: "POST", path: "/api/v1/chatbot/conversations/{conversationId}/messages", body: map[string]string{"content": "hi"}, status: 404},
		{name: "conversation", as: "viewer", method: "GET", path: "/api/v1/chatbot/conversations/{conversationId}", status: 200},
		{name: "another user's conversation", as: "admin", method: "GET", path: "/api/v1/chatbot/conversations/{conversationId}", status: 404},
		{name: "delete conversation", as: "viewer", method: "DELETE", path: "/api/v1/chatbot/conversations/{conversationId}", status: 204},
		{name: "delete conversation again", as: "viewer", method: "DELETE", path: "/api/v1/chatbot/conversations/{conversationId}", status: 404},
		// ai: the MCP server takes an API key and answers JSON-RPC.
		{name: "api key for mcp", as: "viewer", method: "POST", path: "/api/v1/api-keys", body: map[string]string{"name": "assistant"}, status: 201,
			save: map[string]string{"mcpKey": "key"}},
		{name: "mcp tools", as: "mcpKey", method: "POST", path: "/api/v1/mcp", body: `{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}`, status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"cost_overview"`) }},
		{name: "mcp call", as: "mcpKey", method: "POST", path: "/api/v1/mcp", body: `{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"cost_overview","arguments":{}}}`, status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `monthToDate`) }},
		{name: "analyze the dashboard change", as: "viewer", method: "POST", path: "/api/v1/ai/analyze", status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"narrativeSource":"template"`) }},
		{name: "analyze a month", as: "admin", method: "POST", path: "/api/v1/ai/analyze", body: map[string]any{"start": "2025-02-01", "end": "2025-02-28", "language": "en"}, status: 200},
		{name: "analyze reversed range", as: "admin", method: "POST", path: "/api/v1/ai/analyze", body: map[string]any{"start": "2025-02-28", "end": "2025-02-01"}, status: 400},
		{name: "analyze signed out", method: "POST", path: "/api/v1/ai/analyze", status: 401},
		{name: "explain an anomaly", as: "editor", method: "POST", path: "/api/v1/ai/analyze", body: `{"anomalyId":{anomalyId},"language":"en"}`, status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"narrativeSource":"template"`) }},
		{name: "explain an anomaly and a range", as: "editor", method: "POST", path: "/api/v1/ai/analyze", body: `{"anomalyId":{anomalyId},"start":"2025-02-01","end":"2025-02-28"}`, status: 400},
		{name: "explain an unknown anomaly", as: "viewer", method: "POST", path: "/api/v1/ai/analyze", body: map[string]any{"anomalyId": 999999}, status: 404},
		{name: "run reportgen for a bad month", as: "admin", method: "POST", path: "/api/v1/jobs/reportgen/run", body: map[string]any{"month": "2025-13"}, status: 400},
		{name: "optimize", as: "admin", method: "POST", path: "/api/v1/ai/optimize", body: map[string]any{"language": "en"}, status: 200},
		{name: "optimize bad discount", as: "admin", method: "POST", path: "/api/v1/ai/optimize", body: map[string]any{"subscriptionDiscount": 0.99}, status: 400},
		{name: "make a report", as: "viewer", method: "POST", path: "/api/v1/ai/reports", body: map[string]string{"month": "2025-02"}, status: 201,
			save: map[string]string{"reportId": "id"}},
		{name: "make a report of a bad month", as: "viewer", method: "POST", path: "/api/v1/ai/reports", body: map[string]string{"month": "2025-2"}, status: 400},
		{name: "reports", as: "viewer", method: "GET", path: "/api/v1/ai/reports", status: 200},
		{name: "report link", as: "viewer", method: "GET", path: "/api/v1/ai/reports/{reportId}/download?format=md", status: 200,
			save: map[string]string{"reportUrl": "url"}},
		{name: "report link bad format", as: "viewer", method: "GET", path: "/api/v1/ai/reports/{reportId}/download?format=pdf", status: 400},
		{name: "report link unknown", as: "viewer", method: "GET", path: "/api/v1/ai/reports/999999/download", status: 404},
		{name: "report file", method: "GET", path: "{reportUrl}", status: 200},
		{name: "report file bad signature", method: "GET", path: "/api/v1/ai/report-files?key=reports/2025-02/x.md&expires=1&signature=00", status: 403},
		{name: "mcp with a session token", as: "viewer", method: "POST", path: "/api/v1/mcp", body: `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, status: 401},
	}
}

func mustContain(t *testing.T, body []byte, s string) {
	t.Helper()
	if !bytes.Contains(body, []byte(s)) {
		t.Errorf("answer lacks %s: %s", s, clip(body))
	}
}

// checkDeployed calls each API function as Function Compute reaches it, through the custom
// runtime's server (fcx.Mux) rather than the local runner's mux: its health check and a
// success and an error of its own routes must match the document there too.
func checkDeployed(t *testing.T, d *app.Deps, m Manifest, c *contract) {
	calls := map[string][]call{
		"auth": {{name: "me", as: "viewer", method: "GET", path: "/api/v1/auth/me", status: 200},
			{name: "me signed out", method: "GET", path: "/api/v1/auth/me", status: 401}},
		"accounts": {{name: "accounts", as: "editor", method: "GET", path: "/api/v1/accounts", status: 200},
			{name: "account not granted", as: "viewer", method: "GET", path: "/api/v1/accounts/{account2}", status: 404}},
		"alerts": {{name: "alerts", as: "viewer", method: "GET", path: "/api/v1/alerts", status: 200},
			{name: "alert channels as viewer", as: "viewer", method: "GET", path: "/api/v1/alerts/channels", status: 403}},
		"budgets": {{name: "budgets", as: "viewer", method: "GET", path: "/api/v1/budgets", status: 200},
			{name: "budget unknown", as: "viewer", method: "GET", path: "/api/v1/budgets/999999", status: 404}},
		"jobs": {{name: "jobs", as: "admin", method: "GET", path: "/api/v1/jobs", status: 200},
			{name: "jobs as viewer", as: "viewer", method: "GET", path: "/api/v1/jobs", status: 403}},
		"costs": {{name: "explore", as: "admin", method: "GET", path: "/api/v1/costs/explore?groupBy=region&top=2", status: 200},
			{name: "explore unknown dimension", as: "admin", method: "GET", path: "/api/v1/costs/explore?groupBy=colour", status: 400}},
		"anomaly": {{name: "anomalies", as: "viewer", method: "GET", path: "/api/v1/anomaly", status: 200},
			{name: "anomalies bad status", as: "viewer", method: "GET", path: "/api/v1/anomaly?status=closed", status: 400}},
		"chatbot": {{name: "conversations", as: "viewer", method: "GET", path: "/api/v1/chatbot/conversations", status: 200},
			{name: "conversation unknown", as: "viewer", method: "GET", path: "/api/v1/chatbot/conversations/999999", status: 404}},
		"ai": {{name: "mcp signed out", method: "POST", path: "/api/v1/mcp", body: `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, status: 401},
			{name: "mcp with a bad key", as: "bad", method: "POST", path: "/api/v1/mcp", body: `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`, status: 401}},
		"costexport": {{name: "focus as viewer", as: "viewer", method: "GET", path: "/api/v1/costs/focus?start=2025-03-01&end=2025-03-02", status: 200},
			{name: "focus bad range", as: "viewer", method: "GET", path: "/api/v1/costs/focus?start=2025-03-05&end=2025-03-01", status: 400}},
		"resources": {{name: "findings", as: "viewer", method: "GET", path: "/api/v1/resources/findings", status: 200},
			{name: "inventory unknown type", as: "viewer", method: "GET", path: "/api/v1/resources?type=vm", status: 400}},
	}
	for _, dir := range slices.Sorted(func(yield func(string) bool) {
		for dir := range registry {
			if !yield(dir) {
				return
			}
		}
	}) {
		o := registry[dir](d)
		if o.Handler == nil {
			continue
		}
		t.Run(dir, func(t *testing.T) {
			srv := httptest.NewServer(fcx.Mux(o))
			defer srv.Close()
			fc := *c
			fc.base = srv.URL
			fc.run(t, call{method: "GET", path: fcx.HealthPath, status: 200})
			if !slices.ContainsFunc(m.Routes, func(r Route) bool { return r.Function == "cloudlens-"+dir }) {
				return // its HTTP trigger is internal (signed calls between functions), not part of the API
			}
			if len(calls[dir]) == 0 {
				t.Fatalf("no calls for function %s as deployed", dir)
			}
			for _, k := range calls[dir] {
				fc.run(t, k)
			}
		})
	}
}

// answer is the recorded answer of a fixture call and the request path that produced it.
type answer struct {
	path string
	body []byte
}

// fixtureFile is the fixture's file: the JSON answer, indented, with wall-clock timestamps
// replaced by fixtureTime.
func fixtureFile(body []byte) ([]byte, error) {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, err
	}
	v = pinTimestamps(v)
	b, err := json.MarshalIndent(v, "", "  ")
	return append(b, '\n'), err
}

func pinTimestamps(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if _, isString := e.(string); isString && (k == "createdAt" || k == "updatedAt" || k == "lastSyncAt") {
				x[k] = fixtureTime
				continue
			}
			x[k] = pinTimestamps(e)
		}
	case []any:
		for i, e := range x {
			x[i] = pinTimestamps(e)
		}
	}
	return v
}

// checkFixtures writes the fixtures when recording; otherwise it checks that each committed
// fixture is what the API answers now and that it validates against the document.
func checkFixtures(t *testing.T, c *contract, answers map[string]answer, record bool) {
	names := slices.Sorted(func(yield func(string) bool) {
		for n := range answers {
			if !yield(n) {
				return
			}
		}
	})
	if len(names) == 0 {
		t.Fatal("no fixture answers were recorded")
	}
	if record {
		if err := os.MkdirAll(fixturesDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range names {
		a := answers[name]
		file := filepath.Join(fixturesDir, name+".json")
		live, err := fixtureFile(a.body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if record {
			if err := os.WriteFile(file, live, 0o644); err != nil {
				t.Fatal(err)
			}
			t.Logf("recorded %s from GET %s", file, a.path)
		}
		committed, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("fixture %s: %v (record with %s=1)", name, err, envRecordFixtures)
			continue
		}
		if !bytes.Equal(committed, live) {
			t.Errorf("fixture %s.json differs from the answer of GET %s: re-record with %s=1 and review the change", name, a.path, envRecordFixtures)
		}
		req, err := http.NewRequest("GET", c.base+a.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		h := http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"fixture"}}
		if err := c.validate(t.Context(), req, nil, http.StatusOK, h, committed); err != nil {
			t.Errorf("fixture %s.json: %v", name, err)
		}
	}
}

// TestOpenAPICoversEveryRoute checks the document against the routes the Go functions
// register: every route a function serves behind the API domain (s.yaml) is documented, and
// every documented operation is a registered route.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	doc, _ := loadOpenAPI(t)
	m, err := LoadManifest(filepath.Join("..", "..", "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	registered, err := registeredRoutes(functionsDir)
	if err != nil {
		t.Fatal(err)
	}
	public := map[string]bool{"GET " + fcx.HealthPath: true} // every function's health check
	for _, r := range registered {
		if servedByDomain(m, r) {
			public[r.method+" "+r.path] = true
		}
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for _, r := range slices.Sorted(mapKeys(public)) {
		if !documented[r] {
			t.Errorf("%s is served but not in %s", r, openAPIFile)
		}
	}
	for _, r := range slices.Sorted(mapKeys(documented)) {
		if !public[r] {
			t.Errorf("%s is in %s but no function serves it", r, openAPIFile)
		}
	}
	if len(public) < 20 {
		t.Errorf("found only %d routes in %s; is the route scan still reading the muxes?", len(public), functionsDir)
	}
}

func mapKeys(m map[string]bool) func(yield func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// route is a "METHOD /path" pattern a function registers on its mux.
type route struct {
	function, method, path string
}

// registeredRoutes reads the mux patterns of every function from its source: each
// Handle or HandleFunc call whose pattern is a string literal with a method.
func registeredRoutes(dir string) ([]route, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.go"))
	if err != nil {
		return nil, err
	}
	var out []route
	fset := token.NewFileSet()
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, file, nil, parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		fn := filepath.Base(filepath.Dir(file))
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok || (sel.Sel.Name != "Handle" && sel.Sel.Name != "HandleFunc") {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			pattern, err := strconv.Unquote(lit.Value)
			if err != nil {
				return true
			}
			if method, path, ok := strings.Cut(pattern, " "); ok {
				out = append(out, route{function: fn, method: method, path: path})
			}
			return true
		})
	}
	if len(out) == 0 {
		return nil, errors.New("no routes found")
	}
	return out, nil
}

// servedByDomain reports whether the API domain of s.yaml sends r's path to r's function.
func servedByDomain(m Manifest, r route) bool {
	for _, dr := range m.Routes {
		if dr.Function != "cloudlens-"+r.function {
			continue
		}
		if p, ok := strings.CutSuffix(dr.Path, "/*"); ok && strings.HasPrefix(r.path, p+"/") || dr.Path == r.path {
			return true
		}
	}
	return false
}
