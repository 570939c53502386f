package auth

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	sa "github.com/cloudlens/cloudlens/shared/auth"
)

func login(c *apptest.Client, email, password string) apptest.Response {
	return c.Do("POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
}

func TestLoginRefreshLogout(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		c := apptest.Serve(t, New(d))
		u, _ := apptest.User(t, d, "Ann@Example.com", sa.RoleViewer)

		bad := []struct {
			name, email, password string
			status                int
			code                  string
		}{
			{"wrong password", "ann@example.com", "nope-nope-nope", 401, "unauthorized"},
			{"unknown user", "nobody@example.com", "password-Ann@Example.com", 401, "unauthorized"},
			{"empty", "", "", 400, "invalid"},
		}
		var messages []string
		for _, tt := range bad {
			r := login(c, tt.email, tt.password)
			if r.Status != tt.status || r.ErrorCode(t) != tt.code {
				t.Errorf("%s: status %d body %s", tt.name, r.Status, r.Body)
			}
			if tt.status == 401 {
				messages = append(messages, string(r.Body[:strings.Index(string(r.Body), "requestId")]))
			}
		}
		if messages[0] != messages[1] {
			t.Errorf("wrong password and unknown user answer differently:\n%s\n%s", messages[0], messages[1])
		}

		r := login(c, " ANN@example.com ", "password-Ann@Example.com")
		if r.Status != 200 {
			t.Fatalf("login: %d %s", r.Status, r.Body)
		}
		var pair tokenPair
		r.JSON(t, &pair)
		if pair.AccessToken == "" || !strings.HasPrefix(pair.RefreshToken, sa.RefreshTokenPrefix) || pair.ExpiresIn != 900 {
			t.Fatalf("token pair %+v", pair)
		}
		me := c.Do("GET", "/api/v1/auth/me", pair.AccessToken, nil)
		if me.Status != 200 || me.Map(t)["email"] != "ann@example.com" || me.Map(t)["id"].(float64) != float64(u.ID) {
			t.Fatalf("me: %d %s", me.Status, me.Body)
		}

		// Rotation: the refresh token works once.
		r = c.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": pair.RefreshToken})
		if r.Status != 200 {
			t.Fatalf("refresh: %d %s", r.Status, r.Body)
		}
		var pair2 tokenPair
		r.JSON(t, &pair2)
		if pair2.RefreshToken == pair.RefreshToken {
			t.Fatal("refresh token not rotated")
		}
		// Both token headers are accepted; garbage is not.
		req, _ := http.NewRequest("GET", c.URL()+"/api/v1/auth/me", nil)
		req.Header.Set("X-CloudLens-Token", pair2.AccessToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("X-CloudLens-Token: %v %v", err, resp)
		}
		resp.Body.Close()
		for _, tok := range []string{"", "garbage", pair2.AccessToken + "x"} {
			if r := c.Do("GET", "/api/v1/auth/me", tok, nil); r.Status != 401 {
				t.Errorf("token %q: %d", tok, r.Status)
			}
		}

		// A disabled user can neither sign in nor use a token issued before.
		u.Disabled = true
		u.PasswordHash = ""
		if err := d.Store.UpdateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		if r := login(c, "ann@example.com", "password-Ann@Example.com"); r.Status != 401 {
			t.Errorf("disabled user signed in: %d", r.Status)
		}
		if r := c.Do("GET", "/api/v1/auth/me", pair2.AccessToken, nil); r.Status != 401 {
			t.Errorf("disabled user's token accepted: %d", r.Status)
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		d.Config.LoginRateLimit = 3
		c := apptest.Serve(t, New(d))
		apptest.User(t, d, "bob@example.com", sa.RoleViewer)
		for i := 0; i < 3; i++ {
			if r := login(c, "bob@example.com", "wrong-password"); r.Status != 401 {
				t.Fatalf("attempt %d: %d", i, r.Status)
			}
		}
		r := login(c, "bob@example.com", "password-bob@example.com")
		if r.Status != 429 || r.ErrorCode(t) != "rate_limited" || r.Header.Get("Retry-After") == "" {
			t.Fatalf("4th attempt: %d %s retry-after %q", r.Status, r.Body, r.Header.Get("Retry-After"))
		}
		// Another e-mail from the same address is still allowed.
		apptest.User(t, d, "eve@example.com", sa.RoleViewer)
		if r := login(c, "eve@example.com", "password-eve@example.com"); r.Status != 200 {
			t.Fatalf("other user: %d %s", r.Status, r.Body)
		}
	})
}

func TestUserAdmin(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		ctx := context.Background()
		c := apptest.Serve(t, New(d))
		admin, adminTok := apptest.User(t, d, "admin@example.com", sa.RoleAdmin)
		_, viewerTok := apptest.User(t, d, "viewer@example.com", sa.RoleViewer)
		acc := account.Account{Name: "prod", UID: "1234567890", Site: account.SiteChina, AuthType: account.AuthAccessKey, AccessKeyID: "LTAI5tAbCdEf", SecretEnc: []byte{1}, Status: account.StatusNew}
		if err := d.Store.CreateAccount(ctx, &acc); err != nil {
			t.Fatal(err)
		}

		cases := []struct {
			name   string
			method string
			path   string
			token  string
			body   any
			status int
			code   string
		}{
			{"viewer cannot list users", "GET", "/api/v1/users", viewerTok, nil, 403, "forbidden"},
			{"viewer cannot create users", "POST", "/api/v1/users", viewerTok, map[string]any{"email": "x@example.com", "password": "0123456789", "role": "viewer"}, 403, "forbidden"},
			{"no token", "GET", "/api/v1/users", "", nil, 401, "unauthorized"},
			{"malformed JSON", "POST", "/api/v1/users", adminTok, `{"email":`, 400, "invalid"},
			{"unknown field", "POST", "/api/v1/users", adminTok, map[string]any{"email": "x@example.com", "password": "0123456789", "admin": true}, 400, "invalid"},
			{"short password", "POST", "/api/v1/users", adminTok, map[string]any{"email": "x@example.com", "password": "short", "role": "viewer"}, 400, "invalid"},
			{"bad role", "POST", "/api/v1/users", adminTok, map[string]any{"email": "x@example.com", "password": "0123456789", "role": "root"}, 400, "invalid"},
			{"grant of missing account", "POST", "/api/v1/users", adminTok, map[string]any{"email": "x@example.com", "password": "0123456789", "role": "viewer", "accountIds": []int64{999}}, 400, "invalid"},
			{"duplicate email", "POST", "/api/v1/users", adminTok, map[string]any{"email": "VIEWER@example.com", "password": "0123456789", "role": "viewer"}, 409, "conflict"},
			{"bad id", "GET", "/api/v1/users/abc", adminTok, nil, 400, "invalid"},
			{"missing user", "GET", "/api/v1/users/99999", adminTok, nil, 404, "not_found"},
			{"admin cannot delete self", "DELETE", "/api/v1/users/" + itoa(admin.ID), adminTok, nil, 409, "conflict"},
			{"admin cannot demote self", "PATCH", "/api/v1/users/" + itoa(admin.ID), adminTok, map[string]any{"role": "viewer"}, 409, "conflict"},
		}
		for _, tt := range cases {
			t.Run(tt.name, func(t *testing.T) {
				r := c.Do(tt.method, tt.path, tt.token, tt.body)
				if r.Status != tt.status || r.ErrorCode(t) != tt.code {
					t.Fatalf("got %d %s", r.Status, r.Body)
				}
				if rid := r.Map(t)["error"].(map[string]any)["requestId"]; rid == "" || rid == nil {
					t.Errorf("error without request id: %s", r.Body)
				}
			})
		}

		r := c.Do("POST", "/api/v1/users", adminTok, map[string]any{"email": "new@example.com", "name": "New", "password": "0123456789", "role": "editor", "accountIds": []int64{acc.ID}})
		if r.Status != 201 {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var created userJSON
		r.JSON(t, &created)
		if created.Role != sa.RoleEditor || len(created.AccountIDs) != 1 || created.AccountIDs[0] != acc.ID || strings.Contains(string(r.Body), "password") {
			t.Fatalf("created %s", r.Body)
		}
		if r := login(c, "new@example.com", "0123456789"); r.Status != 200 {
			t.Fatalf("new user login: %d", r.Status)
		}
		r = c.Do("PATCH", "/api/v1/users/"+itoa(created.ID), adminTok, map[string]any{"role": "viewer", "accountIds": []int64{}, "password": "another-password"})
		if r.Status != 200 {
			t.Fatalf("update: %d %s", r.Status, r.Body)
		}
		var updated userJSON
		r.JSON(t, &updated)
		if updated.Role != sa.RoleViewer || len(updated.AccountIDs) != 0 {
			t.Fatalf("updated %s", r.Body)
		}
		if r := login(c, "new@example.com", "another-password"); r.Status != 200 {
			t.Fatalf("changed password: %d", r.Status)
		}
		var list struct{ Items []userJSON }
		c.Do("GET", "/api/v1/users", adminTok, nil).JSON(t, &list)
		if len(list.Items) != 3 {
			t.Fatalf("users: %d", len(list.Items))
		}
		if r := c.Do("DELETE", "/api/v1/users/"+itoa(created.ID), adminTok, nil); r.Status != 204 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		if r := login(c, "new@example.com", "another-password"); r.Status != 401 {
			t.Fatalf("deleted user signed in: %d", r.Status)
		}
		audit, err := d.Store.ListAudit(ctx, 10)
		if err != nil || len(audit) < 3 {
			t.Fatalf("audit log: %v %d entries", err, len(audit))
		}
	})
}

func TestAPIKeys(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		c := apptest.Serve(t, New(d))
		_, aliceTok := apptest.User(t, d, "alice@example.com", sa.RoleViewer)
		_, bobTok := apptest.User(t, d, "bob@example.com", sa.RoleViewer)

		if r := c.Do("POST", "/api/v1/api-keys", aliceTok, map[string]any{"name": ""}); r.Status != 400 {
			t.Fatalf("empty name: %d", r.Status)
		}
		r := c.Do("POST", "/api/v1/api-keys", aliceTok, map[string]any{"name": "ci"})
		if r.Status != 201 {
			t.Fatalf("create key: %d %s", r.Status, r.Body)
		}
		var k keyJSON
		r.JSON(t, &k)
		if !strings.HasPrefix(k.Key, sa.APIKeyPrefix) || !strings.HasPrefix(k.Key, k.Prefix) {
			t.Fatalf("key %+v", k)
		}
		// The key is shown once: listing never returns it, and the store holds only its hash.
		list := c.Do("GET", "/api/v1/api-keys", aliceTok, nil)
		if strings.Contains(string(list.Body), k.Key) || !strings.Contains(string(list.Body), k.Prefix) {
			t.Fatalf("list leaks or lacks key: %s", list.Body)
		}
		stored, err := d.Store.GetAPIKeyByHash(context.Background(), sa.HashSecret(k.Key))
		if err != nil || stored.Hash == k.Key {
			t.Fatalf("stored key: %v %+v", err, stored)
		}
		me := c.Do("GET", "/api/v1/auth/me", k.Key, nil)
		if me.Status != 200 || me.Map(t)["email"] != "alice@example.com" {
			t.Fatalf("me with key: %d %s", me.Status, me.Body)
		}
		if r := c.Do("POST", "/api/v1/api-keys", k.Key, map[string]any{"name": "from key"}); r.Status != 403 {
			t.Fatalf("key minted a key: %d", r.Status)
		}
		// Bob can neither see nor revoke Alice's key.
		if r := c.Do("GET", "/api/v1/api-keys", bobTok, nil); strings.Contains(string(r.Body), k.Prefix) {
			t.Fatalf("bob sees alice's key: %s", r.Body)
		}
		if r := c.Do("DELETE", "/api/v1/api-keys/"+itoa(k.ID), bobTok, nil); r.Status != 404 {
			t.Fatalf("bob revoked alice's key: %d", r.Status)
		}
		if r := c.Do("DELETE", "/api/v1/api-keys/"+itoa(k.ID), aliceTok, nil); r.Status != 204 {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		if r := c.Do("GET", "/api/v1/auth/me", k.Key, nil); r.Status != 401 {
			t.Fatalf("revoked key accepted: %d", r.Status)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
