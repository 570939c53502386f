package main

import (
	"strconv"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/idle"
	"github.com/cloudlens/cloudlens/shared/savings/savingstest"
	"github.com/cloudlens/cloudlens/shared/store"
)

// seedInventory stores the simulated resources of the first two accounts as their inventory,
// with a fortnight of near-zero CPU and traffic for every ECS instance and the first disk
// unattached, and evaluates the idle rules, so the resources calls have findings to show.
func seedInventory(t *testing.T, c *contract) {
	t.Helper()
	ctx := t.Context()
	world := aliyunsim.NewWorld(aliyunsim.Config{Seed: 11, Accounts: 3, Resources: 8, Now: func() time.Time { return contractNow }})
	var ids []int64
	for _, name := range []string{"account1", "account2"} {
		acc, err := strconv.ParseInt(c.vars[name], 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, acc)
	}
	savingstest.Inventory(t, c.d.Store, world, ids, contractNow)
	for i, name := range []string{"account1", "account2"} {
		rs, _, err := c.d.Store.ListResources(ctx, account.AllAccounts, store.ResourceFilter{AccountID: ids[i], Limit: 1})
		if err != nil || len(rs) == 0 {
			t.Fatalf("inventory of %s: %v", name, err)
		}
		c.vars[name+"Resource"] = strconv.FormatInt(rs[0].ID, 10)
	}
	if res := savingstest.Evaluate(t, c.d.Store, c.d.Log, ids, contractNow); res.Findings == 0 {
		t.Fatalf("evaluate: %+v", res)
	}
	fs, err := c.d.Store.ListFindings(ctx, account.Scope{IDs: ids[:1]}, store.FindingFilter{}, contractNow)
	if err != nil || len(fs) == 0 {
		t.Fatalf("findings of account1: %v", err)
	}
	c.vars["findingId"] = strconv.FormatInt(fs[0].ID, 10)
	fs, _ = c.d.Store.ListFindings(ctx, account.Scope{IDs: ids[1:]}, store.FindingFilter{}, contractNow)
	if len(fs) > 0 {
		c.vars["account2Finding"] = strconv.FormatInt(fs[0].ID, 10)
	} else {
		c.vars["account2Finding"] = "999999"
	}
}

// resourcesContractCalls are the calls of the resources function: inventory, findings,
// dismissals, exports and rules, as every role.
func resourcesContractCalls() []call {
	r := func(s string) string { return "/api/v1/resources" + s }
	return []call{
		{name: "idle rules", as: "viewer", method: "GET", path: r("/rules"), status: 200, then: seedInventory,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"exemptTag":"`+idle.ExemptTag+`"`) }},
		{name: "idle rules of an account", as: "viewer", method: "GET", path: r("/rules?accountId={account1}"), status: 200},
		{name: "idle rules of an account not granted", as: "viewer", method: "GET", path: r("/rules?accountId={account2}"), status: 404},
		{name: "inventory", as: "admin", method: "GET", path: r("?limit=5"), status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"nextCursor":"`) }, save: map[string]string{"resourceCursor": "nextCursor"}},
		{name: "inventory next page", as: "admin", method: "GET", path: r("?limit=5&cursor={resourceCursor}"), status: 200},
		{name: "inventory of granted accounts", as: "viewer", method: "GET", path: r("?type=ecs&q=-&tag=env"), status: 200},
		{name: "inventory unknown type", as: "viewer", method: "GET", path: r("?type=vm"), status: 400},
		{name: "inventory bad limit", as: "viewer", method: "GET", path: r("?limit=1001"), status: 400},
		{name: "inventory bad cursor", as: "viewer", method: "GET", path: r("?cursor=abc"), status: 400},
		{name: "inventory signed out", method: "GET", path: r(""), status: 401},
		{name: "resource", as: "viewer", method: "GET", path: r("/{account1Resource}"), status: 200},
		{name: "resource not granted", as: "viewer", method: "GET", path: r("/{account2Resource}"), status: 404},
		{name: "resource bad id", as: "viewer", method: "GET", path: r("/x1"), status: 400},
		{name: "findings", as: "admin", method: "GET", path: r("/findings"), status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"totals":[{"currency":"`) }},
		{name: "findings of granted accounts", as: "viewer", method: "GET", path: r("/findings?accountId={account1}&rule=ecs_idle&type=ecs&limit=1"), status: 200},
		{name: "findings dismissed", as: "editor", method: "GET", path: r("/findings?status=dismissed"), status: 200},
		{name: "findings unknown rule", as: "viewer", method: "GET", path: r("/findings?rule=nosuch"), status: 400},
		{name: "findings unknown status", as: "viewer", method: "GET", path: r("/findings?status=gone"), status: 400},
		{name: "findings bad cursor", as: "viewer", method: "GET", path: r("/findings?cursor=1"), status: 400},
		{name: "findings csv", as: "viewer", method: "GET", path: r("/findings/export?format=csv"), status: 200},
		{name: "findings xlsx", as: "admin", method: "GET", path: r("/findings/export?format=xlsx&status=open"), status: 200},
		{name: "findings export bad format", as: "admin", method: "GET", path: r("/findings/export?format=pdf"), status: 400},
		{name: "dismiss as viewer", as: "viewer", method: "POST", path: r("/findings/{findingId}/dismiss"), body: map[string]any{"reason": "x"}, status: 403},
		{name: "dismiss without reason", as: "editor", method: "POST", path: r("/findings/{findingId}/dismiss"), body: map[string]any{"until": "2025-04-01"}, status: 400},
		{name: "dismiss until the past", as: "editor", method: "POST", path: r("/findings/{findingId}/dismiss"), body: map[string]any{"reason": "x", "until": "2025-01-01"}, status: 400},
		{name: "snooze", as: "editor", method: "POST", path: r("/findings/{findingId}/dismiss"), body: map[string]any{"reason": "migrating next month", "until": "2025-04-15"}, status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"status":"snoozed"`) }},
		{name: "dismiss bad id", as: "editor", method: "POST", path: r("/findings/0/dismiss"), body: map[string]any{"reason": "x"}, status: 400},
		{name: "dismiss unknown", as: "editor", method: "POST", path: r("/findings/999999/dismiss"), body: map[string]any{"reason": "x"}, status: 404},
		{name: "reopen as viewer", as: "viewer", method: "POST", path: r("/findings/{findingId}/reopen"), status: 403},
		{name: "reopen", as: "editor", method: "POST", path: r("/findings/{findingId}/reopen"), status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"status":"open"`) }},
		{name: "dismiss for good", as: "admin", method: "POST", path: r("/findings/{findingId}/dismiss"), body: map[string]any{"reason": "kept for disaster recovery"}, status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"status":"dismissed"`) }},
		{name: "update idle rule", as: "admin", method: "PATCH", path: r("/rules/ecs_idle"), body: map[string]any{"params": map[string]any{"maxCpu": 8}}, status: 200,
			check: func(t *testing.T, b []byte) { mustContain(t, b, `"params":{"maxCpu":8}`) }},
		{name: "update idle rule for an account", as: "admin", method: "PATCH", path: r("/rules/eip_unbound"), body: `{"accountId":{account1},"enabled":false}`, status: 200},
		{name: "update idle rule as editor", as: "editor", method: "PATCH", path: r("/rules/ecs_idle"), body: map[string]any{"enabled": false}, status: 403},
		{name: "update unknown idle rule", as: "admin", method: "PATCH", path: r("/rules/nosuch"), body: map[string]any{"enabled": false}, status: 400},
		{name: "update idle rule out of range", as: "admin", method: "PATCH", path: r("/rules/ecs_idle"), body: map[string]any{"params": map[string]any{"maxCpu": 1000}}, status: 400,
			check: func(t *testing.T, b []byte) { mustContain(t, b, "params.maxCpu") }},
		{name: "update idle rule unknown account", as: "admin", method: "PATCH", path: r("/rules/ecs_idle"), body: map[string]any{"accountId": 999999, "enabled": true}, status: 400},
	}
}
