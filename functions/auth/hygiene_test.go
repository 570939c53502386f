package auth

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	sa "github.com/cloudlens/cloudlens/shared/auth"
)

// TestTypedFieldsAreClean: control characters and non-addresses are refused in every field a
// person types here, and list inputs are capped and de-duplicated.
func TestTypedFieldsAreClean(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		c := apptest.Serve(t, New(d))
		_, adminTok := apptest.User(t, d, "admin@example.com", sa.RoleAdmin)
		target, _ := apptest.User(t, d, "target@example.com", sa.RoleViewer)
		acc := account.Account{Name: "prod", UID: "1234567890", Site: account.SiteChina, AuthType: account.AuthAccessKey, AccessKeyID: "LTAI5tAbCdEf", SecretEnc: []byte{1}}
		if err := d.Store.CreateAccount(t.Context(), &acc); err != nil {
			t.Fatal(err)
		}
		newUser := func(email, name, password string) map[string]any {
			return map[string]any{"email": email, "name": name, "password": password, "role": "viewer"}
		}
		many := make([]int64, 200_000)
		for i := range many {
			many[i] = acc.ID
		}
		cases := []struct {
			name, method, path string
			body               any
			status             int
			contains           string
		}{
			{"sql-ish e-mail", "POST", "/api/v1/users", newUser("' or '1'='1@x", "x", "0123456789"), 400, "plain address"},
			{"display-name e-mail", "POST", "/api/v1/users", newUser("X <x@example.com>", "x", "0123456789"), 400, "plain address"},
			{"NUL in e-mail", "POST", "/api/v1/users", newUser("x\x00@example.com", "x", "0123456789"), 400, "email"},
			{"NUL in name", "POST", "/api/v1/users", newUser("x@example.com", "x\x00", "0123456789"), 400, "control characters"},
			{"newline in name", "POST", "/api/v1/users", newUser("x@example.com", "x\nlevel=ERROR", "0123456789"), 400, "control characters"},
			{"NUL in password", "POST", "/api/v1/users", newUser("x@example.com", "x", "0123456789\x00"), 400, "control characters"},
			{"control character in a new name", "PATCH", "/api/v1/users/" + itoa(target.ID), map[string]any{"name": "t\x1b[2J"}, 400, "control characters"},
			{"NUL in a new password", "PATCH", "/api/v1/users/" + itoa(target.ID), map[string]any{"password": "\x00123456789"}, 400, "control characters"},
			{"200,000 account ids", "PATCH", "/api/v1/users/" + itoa(target.ID), map[string]any{"accountIds": many}, 400, "at most 1000"},
			{"1,001 account ids", "POST", "/api/v1/users", map[string]any{"email": "y@example.com", "password": "0123456789", "accountIds": many[:1001]}, 400, "at most 1000"},
			{"NUL in an API key name", "POST", "/api/v1/api-keys", map[string]any{"name": "ci\x00"}, 400, "control characters"},
			{"bidi override in an API key name", "POST", "/api/v1/api-keys", map[string]any{"name": "ci\u202Egnp.exe"}, 400, "control characters"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				start := time.Now()
				r := c.Do(tc.method, tc.path, adminTok, tc.body)
				if r.Status != tc.status || !strings.Contains(string(r.Body), tc.contains) {
					t.Fatalf("got %d %s", r.Status, r.Body)
				}
				if el := time.Since(start); el > 5*time.Second {
					t.Fatalf("took %s", el)
				}
			})
		}

		// Repeated ids are one grant, and 1,000 of them are accepted.
		r := c.Do("PATCH", "/api/v1/users/"+itoa(target.ID), adminTok, map[string]any{"accountIds": many[:1000]})
		if r.Status != 200 || !strings.Contains(string(r.Body), fmt.Sprintf(`"accountIds":[%d]`, acc.ID)) {
			t.Fatalf("1,000 repeated ids: %d %s", r.Status, r.Body)
		}
		if u, err := d.Store.GetUser(t.Context(), target.ID); err != nil || len(u.AccountIDs) != 1 {
			t.Fatalf("grants %v %v", u.AccountIDs, err)
		}
	})
}
