package ai

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/cloudlens/cloudlens/functions/anomalydetect"
	"github.com/cloudlens/cloudlens/functions/costs"
	"github.com/cloudlens/cloudlens/functions/resources"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
	"github.com/cloudlens/cloudlens/shared/savings/savingstest"
)

var now = time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)

type fixture struct {
	d             *app.Deps
	costs         *apptest.Client
	data          costtest.Data
	admin, viewer string
	viewerUser    auth.User
	acc0, acc1    int64
}

func setup(t *testing.T, d *app.Deps) *fixture {
	t.Helper()
	d.Now = func() time.Time { return now }
	d.Config.DataDir = t.TempDir()
	data := costtest.Load(t, d.Store, costtest.Options{Seed: 9, Accounts: 2, Resources: 6, Now: now, Days: 100})
	f := &fixture{d: d, data: data, acc0: data.Accounts[0].ID, acc1: data.Accounts[1].ID, costs: apptest.Serve(t, costs.New(d))}
	_, f.admin = apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
	f.viewerUser, f.viewer = apptest.User(t, d, "viewer@example.com", auth.RoleViewer, f.acc0)
	return f
}

// apiKey creates a key of u and returns it with its id.
func apiKey(t *testing.T, d *app.Deps, u auth.User) (string, int64) {
	key, prefix, hash := auth.NewAPIKey()
	k := auth.APIKey{UserID: u.ID, Name: "assistant", Prefix: prefix, Hash: hash}
	if err := d.Store.CreateAPIKey(t.Context(), &k); err != nil {
		t.Fatal(err)
	}
	return key, k.ID
}

// keyTransport adds the API key to every request of the MCP client.
type keyTransport struct{ key string }

func (k keyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+k.key)
	return http.DefaultTransport.RoundTrip(r)
}

func connect(t *testing.T, url, key string) (*mcp.ClientSession, error) {
	client := mcp.NewClient(&mcp.Implementation{Name: "test-assistant", Version: "1"}, nil)
	return client.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: url + "/api/v1/mcp",
		HTTPClient: &http.Client{Transport: keyTransport{key}, Timeout: 30 * time.Second}, MaxRetries: -1, DisableStandaloneSSE: true}, nil)
}

func TestMCPListsAndCallsToolsWithAnAPIKey(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		f := setup(t, d)
		srv := apptest.Serve(t, New(d))
		key, keyID := apiKey(t, d, f.viewerUser)
		cs, err := connect(t, srv.URL(), key)
		if err != nil {
			t.Fatal(err)
		}
		tools, err := cs.ListTools(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, tl := range tools.Tools {
			names = append(names, tl.Name)
		}
		for _, want := range []string{"cost_overview", "query_costs", "forecast", "top_resources", "resource_cost", "budget_status"} {
			if !slices.Contains(names, want) {
				t.Fatalf("tools %v lack %s", names, want)
			}
		}
		res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "cost_overview", Arguments: map[string]any{}})
		if err != nil {
			t.Fatal(err)
		}
		if res.IsError || len(res.Content) != 1 {
			t.Fatalf("cost_overview: %+v", res)
		}
		text := res.Content[0].(*mcp.TextContent).Text
		// The figures are the cost API's for the key's owner (the viewer: account 0 only).
		var got, want struct {
			Items []struct{ Currency, MonthToDate, LastMonthTotal string }
		}
		if err := json.Unmarshal([]byte(text), &got); err != nil {
			t.Fatalf("%v: %s", err, text)
		}
		f.costs.Do("GET", "/api/v1/costs/overview", f.viewer, nil).JSON(t, &want)
		if len(got.Items) == 0 || fmt.Sprint(got.Items) != fmt.Sprint(want.Items) {
			t.Fatalf("MCP overview %v, API overview %v", got.Items, want.Items)
		}
		// The owner's scope holds: another account is refused with a readable error.
		res, err = cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "query_costs", Arguments: map[string]any{"accountIds": []int64{f.acc1}}})
		if err != nil {
			t.Fatal(err)
		}
		if !res.IsError || !strings.Contains(res.Content[0].(*mcp.TextContent).Text, "not one of the accounts you may see") {
			t.Fatalf("ungranted account: %+v", res.Content[0])
		}
		_ = cs.Close()

		// A revoked key is refused, and so is a session token (the endpoint takes API keys).
		if err := d.Store.RevokeAPIKey(t.Context(), f.viewerUser.ID, keyID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := connect(t, srv.URL(), key); err == nil {
			t.Fatal("a revoked key connected")
		}
		for _, tok := range []string{key, f.viewer, ""} {
			res := srv.DoWith("POST", "/api/v1/mcp", tok, `{"jsonrpc":"2.0","id":1,"method":"tools/list"}`,
				http.Header{"Accept": {"application/json, text/event-stream"}})
			if res.Status != http.StatusUnauthorized {
				t.Fatalf("credential %.8q: %d %s", tok, res.Status, res.Body)
			}
		}
	})
}

func TestMCPOffersTheAnomalyAndFindingTools(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		d.Now = func() time.Time { return now }
		o := costtest.Options{Seed: 4, Accounts: 2, Resources: 6, Now: now, Days: 120, Demo: []bool{true, true}}
		data := costtest.Load(t, d.Store, o)
		if _, err := anomalydetect.Run(t.Context(), d.Store, now, ""); err != nil {
			t.Fatal(err)
		}
		savingstest.Findings(t, d.Store, o, data)
		viewer, token := apptest.User(t, d, "viewer@example.com", auth.RoleViewer, data.Accounts[0].ID)
		key, _ := apiKey(t, d, viewer)
		cs, err := connect(t, apptest.Serve(t, New(d)).URL(), key)
		if err != nil {
			t.Fatal(err)
		}
		defer cs.Close()
		tools, err := cs.ListTools(t.Context(), nil)
		if err != nil {
			t.Fatal(err)
		}
		schemas := map[string]any{}
		for _, tl := range tools.Tools {
			schemas[tl.Name] = tl.InputSchema
		}
		for _, want := range []string{"list_anomalies", "anomaly_detail", "idle_findings", "find_resources"} {
			if schemas[want] == nil {
				t.Fatalf("tools %v lack %s", schemas, want)
			}
		}
		call := func(args map[string]any) *mcp.CallToolResult {
			t.Helper()
			res, err := cs.CallTool(t.Context(), &mcp.CallToolParams{Name: "idle_findings", Arguments: args})
			if err != nil || len(res.Content) != 1 {
				t.Fatalf("idle_findings %v: %+v %v", args, res, err)
			}
			return res
		}
		res := call(map[string]any{"limit": 20})
		text := res.Content[0].(*mcp.TextContent).Text
		type findings struct {
			Demo   bool
			Totals []struct {
				Currency, MonthlySavings string
				Count                    int
			}
			Items []struct {
				ID, AccountID  int64
				MonthlySavings string
			}
		}
		var got, want findings
		if err := json.Unmarshal([]byte(text), &got); err != nil || res.IsError {
			t.Fatalf("%v: %s", err, text)
		}
		// The figures are the resources API's for the key's owner.
		apptest.Serve(t, resources.New(d)).Do("GET", "/api/v1/resources/findings", token, nil).JSON(t, &want)
		if len(got.Items) == 0 || !got.Demo || fmt.Sprint(got.Totals) != fmt.Sprint(want.Totals) || fmt.Sprint(got.Items) != fmt.Sprint(want.Items) {
			t.Fatalf("MCP findings %+v, API findings %+v", got, want)
		}
		// The other account is not found, and a bad argument is named.
		for args, msg := range map[string]string{
			fmt.Sprintf(`{"accountIds":[%d]}`, data.Accounts[1].ID): fmt.Sprintf("account %d not found", data.Accounts[1].ID),
			`{"limit":21}`: "limit must be between 1 and 20",
		} {
			var a map[string]any
			_ = json.Unmarshal([]byte(args), &a)
			res := call(a)
			if text := res.Content[0].(*mcp.TextContent).Text; !res.IsError || !strings.Contains(text, msg) {
				t.Errorf("idle_findings %s: %s, want an error saying %q", args, text, msg)
			}
		}
	})
}
