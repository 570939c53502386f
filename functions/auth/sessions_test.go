package auth

import (
	"testing"

	"github.com/cloudlens/cloudlens/shared/app"
	"github.com/cloudlens/cloudlens/shared/app/apptest"
	sa "github.com/cloudlens/cloudlens/shared/auth"
)

func signIn(t *testing.T, c *apptest.Client, email, password string) tokenPair {
	t.Helper()
	r := login(c, email, password)
	if r.Status != 200 {
		t.Fatalf("login %s: %d %s", email, r.Status, r.Body)
	}
	var p tokenPair
	r.JSON(t, &p)
	return p
}

func refresh(c *apptest.Client, token string) apptest.Response {
	return c.Do("POST", "/api/v1/auth/refresh", "", map[string]string{"refreshToken": token})
}

// TestSessionsEndAtOnce: each event that ends a session makes its access token fail on the very
// next request (not when it expires) and its refresh token fail too, while another session of
// the same user, or of another user, goes on where the event should not touch it.
func TestSessionsEndAtOnce(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		c := apptest.Serve(t, New(d))
		_, adminTok := apptest.User(t, d, "admin@example.com", sa.RoleAdmin)
		user := func(email string) (sa.User, string) {
			u, _ := apptest.User(t, d, email, sa.RoleViewer)
			return u, "password-" + email
		}
		alive := func(tok string) bool {
			t.Helper()
			r := c.Do("GET", "/api/v1/auth/me", tok, nil)
			if r.Status != 200 && r.Status != 401 {
				t.Fatalf("me: %d %s", r.Status, r.Body)
			}
			return r.Status == 200
		}

		tests := []struct {
			name string
			// end ends session s of user u.
			end func(t *testing.T, u sa.User, s tokenPair)
			// otherSurvives: whether u's second session outlives the event.
			otherSurvives bool
		}{
			{"logout with the access token", func(t *testing.T, _ sa.User, s tokenPair) {
				if r := c.Do("POST", "/api/v1/auth/logout", s.AccessToken, nil); r.Status != 204 {
					t.Fatalf("logout: %d %s", r.Status, r.Body)
				}
			}, true},
			{"logout with the refresh token only", func(t *testing.T, _ sa.User, s tokenPair) {
				if r := c.Do("POST", "/api/v1/auth/logout", "", map[string]string{"refreshToken": s.RefreshToken}); r.Status != 204 {
					t.Fatalf("logout: %d %s", r.Status, r.Body)
				}
			}, true},
			{"password changed by an admin", func(t *testing.T, u sa.User, _ tokenPair) {
				if r := c.Do("PATCH", "/api/v1/users/"+itoa(u.ID), adminTok, map[string]any{"password": "a-brand-new-password"}); r.Status != 200 {
					t.Fatalf("patch: %d %s", r.Status, r.Body)
				}
			}, false},
			{"user disabled", func(t *testing.T, u sa.User, _ tokenPair) {
				if r := c.Do("PATCH", "/api/v1/users/"+itoa(u.ID), adminTok, map[string]any{"disabled": true}); r.Status != 200 {
					t.Fatalf("patch: %d %s", r.Status, r.Body)
				}
			}, false},
			{"user disabled and enabled again", func(t *testing.T, u sa.User, _ tokenPair) {
				for _, disabled := range []bool{true, false} {
					if r := c.Do("PATCH", "/api/v1/users/"+itoa(u.ID), adminTok, map[string]any{"disabled": disabled}); r.Status != 200 {
						t.Fatalf("patch: %d %s", r.Status, r.Body)
					}
				}
			}, false},
			{"user deleted", func(t *testing.T, u sa.User, _ tokenPair) {
				if r := c.Do("DELETE", "/api/v1/users/"+itoa(u.ID), adminTok, nil); r.Status != 204 {
					t.Fatalf("delete: %d %s", r.Status, r.Body)
				}
			}, false},
			{"a spent refresh token presented again", func(t *testing.T, _ sa.User, s tokenPair) {
				// The session rotates once (the thief or the owner), then the spent token comes back.
				if r := refresh(c, s.RefreshToken); r.Status != 200 {
					t.Fatalf("first refresh: %d %s", r.Status, r.Body)
				}
				if r := refresh(c, s.RefreshToken); r.Status != 401 {
					t.Fatalf("reused refresh token accepted: %d %s", r.Status, r.Body)
				}
			}, true},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u, pw := user("user" + itoa(int64(i)) + "@example.com")
				bystander, bpw := user("bystander" + itoa(int64(i)) + "@example.com")
				s := signIn(t, c, u.Email, pw)
				other := signIn(t, c, u.Email, pw)
				by := signIn(t, c, bystander.Email, bpw)
				if !alive(s.AccessToken) || !alive(other.AccessToken) {
					t.Fatal("fresh sessions refused")
				}
				tt.end(t, u, s)

				if alive(s.AccessToken) {
					t.Error("the ended session's access token is still accepted")
				}
				if r := refresh(c, s.RefreshToken); r.Status != 401 {
					t.Errorf("the ended session's refresh token still works: %d", r.Status)
				}
				if got := alive(other.AccessToken); got != tt.otherSurvives {
					t.Errorf("the user's other session alive = %v, want %v", got, tt.otherSurvives)
				}
				if !alive(by.AccessToken) {
					t.Error("another user's session was ended too")
				}
			})
		}
	})
}

// TestRefreshReuseEndsTheFamily: after the owner rotated (A → B), a replay of A ends the
// session, so B, B's access token and everything after are refused as well.
func TestRefreshReuseEndsTheFamily(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		c := apptest.Serve(t, New(d))
		u, _ := apptest.User(t, d, "carol@example.com", sa.RoleViewer)
		a := signIn(t, c, u.Email, "password-carol@example.com")
		r := refresh(c, a.RefreshToken)
		if r.Status != 200 {
			t.Fatalf("refresh: %d %s", r.Status, r.Body)
		}
		var b tokenPair
		r.JSON(t, &b)
		if c.Do("GET", "/api/v1/auth/me", b.AccessToken, nil).Status != 200 {
			t.Fatal("successor access token refused before any reuse")
		}
		if r := refresh(c, a.RefreshToken); r.Status != 401 {
			t.Fatalf("replayed token accepted: %d", r.Status)
		}
		if r := refresh(c, b.RefreshToken); r.Status != 401 {
			t.Fatalf("successor refresh token survived the reuse: %d %s", r.Status, r.Body)
		}
		if r := c.Do("GET", "/api/v1/auth/me", b.AccessToken, nil); r.Status != 401 {
			t.Fatalf("successor access token survived the reuse: %d", r.Status)
		}
		// A fresh sign-in is a new family and works.
		fresh := signIn(t, c, u.Email, "password-carol@example.com")
		if c.Do("GET", "/api/v1/auth/me", fresh.AccessToken, nil).Status != 200 {
			t.Fatal("new session refused")
		}
	})
}

// TestLogoutNeedsTheSession: a logout that names no session is refused rather than answering
// 204 and ending nothing.
func TestLogoutNeedsTheSession(t *testing.T) {
	apptest.Each(t, func(t *testing.T, d *app.Deps) {
		c := apptest.Serve(t, New(d))
		apptest.User(t, d, "dan@example.com", sa.RoleViewer)
		for _, tc := range []struct {
			name, token string
			body        any
		}{
			{"nothing", "", nil},
			{"garbage token", "garbage", nil},
			{"unknown refresh token", "", map[string]string{"refreshToken": sa.NewRefreshToken()}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if r := c.Do("POST", "/api/v1/auth/logout", tc.token, tc.body); r.Status != 401 {
					t.Fatalf("got %d %s", r.Status, r.Body)
				}
			})
		}
	})
}
