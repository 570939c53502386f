package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/netip"
	"strings"
	"testing"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	sa "github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cache"
)

// loginFrom signs in with X-Forwarded-For set to xff (none when empty).
func loginFrom(t *testing.T, c *apptest.Client, xff, email, password string) apptest.Response {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req, err := http.NewRequest("POST", c.URL()+"/api/v1/auth/login", bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if xff != "" {
		req.Header.Set("X-Forwarded-For", xff)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return apptest.Response{Status: resp.StatusCode, Header: resp.Header, Body: body}
}

// TestLoginLimitsHold: forged forwarding headers do not reset the count, successes do not
// count, and an attacker elsewhere cannot lock the real user out.
func TestLoginLimitsHold(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		d.Config.LoginRateLimit = 2
		c := apptest.Serve(t, New(d))
		const pw = "password-victim@example.com"
		apptest.User(t, d, "victim@example.com", sa.RoleViewer)

		t.Run("successful sign-ins do not count", func(t *testing.T) {
			for i := range 5 {
				if r := loginFrom(t, c, "", "victim@example.com", pw); r.Status != 200 {
					t.Fatalf("sign-in %d: %d %s", i+1, r.Status, r.Body)
				}
			}
		})

		t.Run("forged X-Forwarded-For from an untrusted peer changes nothing", func(t *testing.T) {
			d.Config.TrustedProxies = nil
			apptest.User(t, d, "forged@example.com", sa.RoleViewer)
			for i, xff := range []string{"198.51.100.1", "198.51.100.2"} {
				if r := loginFrom(t, c, xff, "forged@example.com", "wrong-password"); r.Status != 401 {
					t.Fatalf("attempt %d: %d", i+1, r.Status)
				}
			}
			r := loginFrom(t, c, "198.51.100.3", "forged@example.com", "wrong-password")
			if r.Status != 429 || r.Header.Get("Retry-After") == "" {
				t.Fatalf("rotating X-Forwarded-For escaped the limit: %d %s", r.Status, r.Body)
			}
		})

		d.Config.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
		// The victim signs in from home once, before the attack: home becomes a known place.
		if r := loginFrom(t, c, "192.0.2.10", "victim@example.com", pw); r.Status != 200 {
			t.Fatalf("home sign-in: %d %s", r.Status, r.Body)
		}

		t.Run("a limited attacker does not lock the user out elsewhere", func(t *testing.T) {
			for range 2 {
				loginFrom(t, c, "203.0.113.66", "victim@example.com", "wrong-password")
			}
			if r := loginFrom(t, c, "203.0.113.66", "victim@example.com", pw); r.Status != 429 {
				t.Fatalf("attacker's address not limited: %d", r.Status)
			}
			if r := loginFrom(t, c, "192.0.2.10", "victim@example.com", pw); r.Status != 200 {
				t.Fatalf("victim locked out at home: %d %s", r.Status, r.Body)
			}
		})

		t.Run("many addresses hit the per-e-mail limit, known places stay open", func(t *testing.T) {
			// 5 × limit = 10 failures per hour per e-mail, 2 per address.
			failures := 0
			for i := 1; failures < 12 && i < 50; i++ {
				r := loginFrom(t, c, "203.0.113."+itoa(int64(100+i)), "victim@example.com", "wrong-password")
				if r.Status == 401 {
					failures++
				}
				if r.Status == 429 {
					break
				}
			}
			if failures != 8 { // two were spent by the attacker above
				t.Fatalf("per-e-mail limit let %d failures through, want 8", failures)
			}
			if r := loginFrom(t, c, "203.0.113.250", "victim@example.com", "wrong-password"); r.Status != 429 {
				t.Fatalf("fresh address not limited once the e-mail's hourly budget is spent: %d", r.Status)
			}
			if r := loginFrom(t, c, "192.0.2.10", "victim@example.com", pw); r.Status != 200 {
				t.Fatalf("victim locked out at a known place: %d %s", r.Status, r.Body)
			}
		})
	})
}

// TestLoginWhileRedisIsDown: with no session store a right and a wrong password get the same
// answer, guessing is still limited (in process), and over-long input is refused up front.
func TestLoginWhileRedisIsDown(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		d.Config.LoginRateLimit = 3
		c := apptest.Serve(t, New(d))
		_, before := apptest.User(t, d, "ruth@example.com", sa.RoleViewer)

		for _, tc := range []struct{ name, email, password string }{
			{"long e-mail", strings.Repeat("a", 250) + "@example.com", "whatever-password"},
			{"long password", "ruth@example.com", strings.Repeat("p", 73)},
		} {
			if r := login(c, tc.email, tc.password); r.Status != 400 {
				t.Fatalf("%s: %d %s", tc.name, r.Status, r.Body)
			}
		}

		dead, err := cache.Open(context.Background(), "127.0.0.1:1", "", 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		d.Cache, d.Auth.Sessions = dead, dead

		answer := func(password string) string {
			r := login(c, "ruth@example.com", password)
			m := r.Map(t)["error"]
			if m == nil {
				return itoa(int64(r.Status)) + " " + string(r.Body)
			}
			e := m.(map[string]any)
			return itoa(int64(r.Status)) + " " + e["code"].(string) + " " + e["message"].(string)
		}
		right, wrong := answer("password-ruth@example.com"), answer("wrong-password")
		if right != wrong || !strings.HasPrefix(right, "503 ") {
			t.Fatalf("right and wrong passwords answer differently while Redis is down:\n right: %s\n wrong: %s", right, wrong)
		}
		if got := answer("wrong-password"); got != right {
			t.Fatalf("third attempt: %s", got)
		}
		if got := answer("password-ruth@example.com"); !strings.HasPrefix(got, "429 ") {
			t.Fatalf("no limit while Redis is down: %s", got)
		}
		// The documented choice: a signed, unexpired token of a live user keeps working.
		if r := c.Do("GET", "/api/v1/auth/me", before, nil); r.Status != 200 {
			t.Fatalf("access token refused during the outage: %d %s", r.Status, r.Body)
		}
	})
}
