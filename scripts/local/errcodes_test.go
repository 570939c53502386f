package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// TestValidationErrorsAreCoded: every 400 carries a stable message code and its parameters
// (the web app words them in zh or en), across the functions as the local runner mounts them:
// query parameters, JSON bodies and the field checks of budgets, alerts, accounts, users, API
// keys, resources, anomalies, saved views and the explorer.
func TestValidationErrorsAreCoded(t *testing.T) {
	d := apptest.Deps(t, storetest.SQLite(t))
	m, err := LoadManifest(filepath.Join("..", "..", "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := newRunner(t.Context(), d, m)
	if err != nil {
		t.Fatal(err)
	}
	c := apptest.Serve(t, r.handler())
	_, admin := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
	p := func(kv ...string) map[string]string {
		out := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			out[kv[i]] = kv[i+1]
		}
		return out
	}
	cases := []struct {
		name, method, path string
		body               any
		code               string
		params             map[string]string
	}{
		{"explorer: a start that is not a date", "GET", "/api/v1/costs/explore?start=2025-13-01&end=2025-03-01", nil,
			"bad_date", p("field", "start", "value", "2025-13-01")},
		{"explorer: end before start", "GET", "/api/v1/costs/explore?start=2025-03-10&end=2025-03-01", nil,
			"date_order", p("start", "2025-03-10", "end", "2025-03-01")},
		{"explorer: a range too long", "GET", "/api/v1/costs/explore?start=2020-01-01&end=2025-03-01", nil,
			"range_too_long", p("days", "1887", "max", "366")},
		{"explorer: an unknown group-by dimension", "GET", "/api/v1/costs/explore?groupBy=colour", nil,
			"unknown_value", p("field", "groupBy", "value", "colour",
				"allowed", "account, product, region, resourceGroup, costUnit, subscriptionType, billingItem, chargeCategory, tag.<key>")},
		{"explorer: an unknown granularity", "GET", "/api/v1/costs/explore?granularity=hour", nil,
			"unknown_value", p("field", "granularity", "value", "hour", "allowed", "day, week, month")},
		{"explorer: top out of range", "GET", "/api/v1/costs/explore?top=0", nil,
			"out_of_range", p("field", "top", "min", "1", "max", "100")},
		{"dimension values: unknown dimension", "GET", "/api/v1/costs/dimensions/colour/values", nil,
			"unknown_value", p("field", "dimension", "value", "colour",
				"allowed", "account, product, region, resourceGroup, costUnit, subscriptionType, billingItem, chargeCategory, tag.<key>")},
		{"dimension values: limit out of range", "GET", "/api/v1/costs/dimensions/product/values?limit=201", nil,
			"out_of_range", p("field", "limit", "min", "1", "max", "200")},
		{"dimension values: a forged cursor", "GET", "/api/v1/costs/dimensions/product/values?cursor=bm9wZQ", nil,
			"bad_cursor", p("field", "cursor")},
		{"dimension values: a search with a control character", "GET", "/api/v1/costs/dimensions/product/values?q=a%07b", nil,
			"invalid_field", p("field", "q", "reason", "control_char")},
		{"saved view: the query's own problem", "POST", "/api/v1/costs/views", map[string]any{"name": "v", "query": "start=someday"},
			"bad_date", p("field", "start", "value", "someday")},
		{"saved view: no name", "POST", "/api/v1/costs/views", map[string]any{"name": "", "query": ""},
			"required", p("field", "name")},
		{"budgets: a field the API does not take", "POST", "/api/v1/budgets", map[string]any{"name": "b", "colour": "red"},
			"unknown_field", p("field", "colour")},
		{"budgets: malformed JSON", "POST", "/api/v1/budgets", `{"name": `,
			"bad_body", p("reason", "json")},
		{"budgets: a field of the wrong JSON type", "POST", "/api/v1/budgets", map[string]any{"name": 7},
			"bad_type", p("field", "name", "type", "string")},
		{"budgets: an amount that is not one", "POST", "/api/v1/budgets", map[string]any{"name": "b", "period": "month", "amount": "lots"},
			"invalid_field", p("field", "amount", "reason", "amount")},
		{"budgets: an unknown period", "POST", "/api/v1/budgets", map[string]any{"name": "b", "period": "week", "amount": "100.00", "currency": "CNY"},
			"unknown_value", p("field", "period", "value", "week", "allowed", "month, quarter, year")},
		{"budgets: a threshold out of range", "POST", "/api/v1/budgets", map[string]any{"name": "b", "period": "month", "amount": "100.00", "currency": "CNY",
			"thresholds": []map[string]any{{"percent": 5000, "basis": "actual"}}},
			"out_of_range", p("field", "thresholds", "min", "1", "max", "1000")},
		{"alerts: a limit out of range", "GET", "/api/v1/alerts?limit=501", nil,
			"out_of_range", p("field", "limit", "min", "1", "max", "500")},
		{"alerts: a channel URL that is not https", "POST", "/api/v1/alerts/channels", map[string]any{"type": "webhook", "name": "hook", "url": "ftp://example.com/x"},
			"invalid_field", p("field", "url", "reason", "https")},
		{"alerts: an unknown channel type", "POST", "/api/v1/alerts/channels", map[string]any{"type": "pager", "name": "hook", "url": "https://example.com/x"},
			"unknown_value", p("field", "type", "value", "pager", "allowed", "dingtalk, feishu, wecom, slack, email, webhook")},
		{"accounts: no name", "POST", "/api/v1/accounts", map[string]any{"name": " ", "accountId": "1234567890", "site": "china",
			"authType": "access_key", "accessKeyId": "LTAI12345678", "accessKeySecret": "s3cret"},
			"required", p("field", "name")},
		{"users: an e-mail that is not an address", "POST", "/api/v1/users", map[string]any{"email": "not-an-address", "password": "long-enough-1", "role": "viewer"},
			"invalid_field", p("field", "email", "reason", "format")},
		{"users: an unknown role", "POST", "/api/v1/users", map[string]any{"email": "x@example.com", "password": "long-enough-1", "role": "owner"},
			"unknown_value", p("field", "role", "value", "owner", "allowed", "admin, editor, viewer")},
		{"api keys: no name", "POST", "/api/v1/api-keys", map[string]any{"name": "  "},
			"required", p("field", "name")},
		{"resources: an unknown type", "GET", "/api/v1/resources?type=teapot", nil,
			"unknown_value", p("field", "type", "value", "teapot")},
		{"resources: a limit out of range", "GET", "/api/v1/resources?limit=0", nil,
			"out_of_range", p("field", "limit", "min", "1")},
		{"anomalies: an unknown status", "GET", "/api/v1/anomaly?status=gone", nil,
			"unknown_value", p("field", "status", "value", "gone", "allowed", "open, acknowledged, resolved, dismissed")},
		{"anomalies: a bad id", "GET", "/api/v1/anomaly?accountId=01", nil,
			"bad_id", p("field", "accountId", "value", "01")},
		{"a path id that is not one", "GET", "/api/v1/budgets/abc", nil,
			"bad_id", p("field", "id", "value", "abc")},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := c.Do(tc.method, tc.path, admin, tc.body)
			if res.Status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", res.Status, res.Body)
			}
			var e struct {
				Error struct {
					Code, Message, MessageCode string
					Params                     map[string]string
				} `json:"error"`
			}
			if err := json.Unmarshal(res.Body, &e); err != nil {
				t.Fatalf("answer is not JSON: %s", res.Body)
			}
			if e.Error.Code != "invalid" || e.Error.MessageCode != tc.code || e.Error.Message == "" {
				t.Fatalf("code %q messageCode %q message %q, want invalid %q", e.Error.Code, e.Error.MessageCode, e.Error.Message, tc.code)
			}
			// Parameters not named in the case (the allowed list of a long enumeration) may
			// vary; the named ones must be exact.
			got := maps.Clone(e.Error.Params)
			for k := range got {
				if _, ok := tc.params[k]; !ok {
					delete(got, k)
				}
			}
			if !maps.Equal(got, tc.params) {
				t.Fatalf("params %v, want %v (message %q)", e.Error.Params, tc.params, e.Error.Message)
			}
		})
	}
}

// TestErrorCodesHaveWords: every validation code and reason of shared/errs has its wording in
// the web app's catalogue (both languages are checked equal by the web app's own tests), so a
// new code cannot reach users as the server's English.
func TestErrorCodesHaveWords(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, filepath.Join("..", "..", "shared", "errs", "field.go"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	catalogue, err := os.ReadFile(filepath.Join("..", "..", "frontend", "lib", "messages", "errors.mjs"))
	if err != nil {
		t.Fatal(err)
	}
	zh, _, _ := strings.Cut(string(catalogue), "export const en")
	n := 0
	for _, decl := range f.Decls {
		g, ok := decl.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			vs := spec.(*ast.ValueSpec)
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					continue
				}
				v, _ := strconv.Unquote(lit.Value)
				var key string
				switch {
				case strings.HasPrefix(name.Name, "Code"):
					key = "err." + v
				case strings.HasPrefix(name.Name, "Reason"):
					key = "err.reason." + v
				default:
					continue
				}
				n++
				if !strings.Contains(zh, `"`+key+`":`) {
					t.Errorf("%s (%q) has no wording %q in frontend/lib/messages/errors.mjs", name.Name, v, key)
				}
			}
		}
	}
	if n < 20 {
		t.Fatalf("found only %d codes and reasons in shared/errs/field.go", n)
	}
}
