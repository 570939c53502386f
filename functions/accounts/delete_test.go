package accounts

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/costs"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/cost/costtest"
)

// TestDeletedAccountLeavesTheCostAnswers: the admin's explorer answer, cached before the delete,
// no longer names or counts the deleted account afterwards.
func TestDeletedAccountLeavesTheCostAnswers(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		now := time.Date(2025, 3, 15, 10, 0, 0, 0, billing.Shanghai)
		data := costtest.Load(t, d.Store, costtest.Options{Seed: 9, Accounts: 2, Resources: 4, Now: now, Days: 20})
		gone := data.Accounts[0]
		_, adminTok := apptest.User(t, d, "admin@example.com", auth.RoleAdmin)
		acc := apptest.Serve(t, New(d))
		cst := apptest.Serve(t, costs.New(d))

		const explore = "/api/v1/costs/explore?start=2025-03-01&end=2025-03-14&granularity=month&groupBy=account"
		r := cst.Do("GET", explore, adminTok, nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), gone.Name) {
			t.Fatalf("before the delete the explorer should list %q: %d %s", gone.Name, r.Status, r.Body)
		}
		if r := acc.Do("DELETE", "/api/v1/accounts/"+strconv.FormatInt(gone.ID, 10), adminTok, nil); r.Status != 204 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		r = cst.Do("GET", explore, adminTok, nil)
		if r.Status != 200 || strings.Contains(string(r.Body), gone.Name) || strings.Contains(string(r.Body), `"account":"`+strconv.FormatInt(gone.ID, 10)+`"`) {
			t.Fatalf("after the delete the explorer still shows the account: %d %s", r.Status, r.Body)
		}
		if !strings.Contains(string(r.Body), data.Accounts[1].Name) {
			t.Fatalf("the remaining account is missing: %s", r.Body)
		}
	})
}
