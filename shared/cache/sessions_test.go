package cache_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/auth"
	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/cache/cachetest"
	"github.com/cloudlens/cloudlens/shared/errs"
)

func TestSessions(t *testing.T) {
	ctx := context.Background()
	for _, b := range cachetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			c := b.Cache
			s := auth.Session{ID: auth.NewSessionID(), UserID: 7, Epoch: 3}
			if err := c.StartSession(ctx, s, "h1", time.Hour); err != nil {
				t.Fatal(err)
			}
			if got, err := c.Session(ctx, s.ID); err != nil || got != s {
				t.Fatalf("Session = %+v, %v; want %+v", got, err, s)
			}
			if _, err := c.Session(ctx, "no-such-session"); !errs.Is(err, errs.KindNotFound) {
				t.Fatalf("unknown session: %v", err)
			}

			// Rotation h1 → h2 → h3 keeps the session.
			for _, step := range [][2]string{{"h1", "h2"}, {"h2", "h3"}} {
				got, err := c.RotateSession(ctx, step[0], step[1], time.Hour)
				if err != nil || got != s {
					t.Fatalf("rotate %s→%s = %+v, %v", step[0], step[1], got, err)
				}
			}
			if id, err := c.SessionOfRefresh(ctx, "h1"); err != nil || id != s.ID {
				t.Fatalf("a spent token still names its session: %q %v", id, err)
			}
			if _, err := c.RotateSession(ctx, "never-issued", "x", time.Hour); !errs.Is(err, errs.KindNotFound) {
				t.Fatalf("unknown token: %v", err)
			}

			// Replaying h1 ends the family: h3, the current token, no longer works either.
			if _, err := c.RotateSession(ctx, "h1", "h4", time.Hour); !errors.Is(err, auth.ErrRefreshReused) || !errs.Is(err, errs.KindUnauthorized) {
				t.Fatalf("replay = %v, want reuse", err)
			}
			if _, err := c.Session(ctx, s.ID); !errs.Is(err, errs.KindNotFound) {
				t.Fatalf("session alive after reuse: %v", err)
			}
			if _, err := c.RotateSession(ctx, "h3", "h5", time.Hour); !errs.Is(err, errs.KindNotFound) {
				t.Fatalf("successor token works after reuse: %v", err)
			}

			// EndSession and expiry.
			s2 := auth.Session{ID: auth.NewSessionID(), UserID: 8}
			if err := c.StartSession(ctx, s2, "k1", 200*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			if err := c.EndSession(ctx, s2.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := c.Session(ctx, s2.ID); !errs.Is(err, errs.KindNotFound) {
				t.Fatalf("ended session alive: %v", err)
			}
			s3 := auth.Session{ID: auth.NewSessionID(), UserID: 9}
			if err := c.StartSession(ctx, s3, "m1", 200*time.Millisecond); err != nil {
				t.Fatal(err)
			}
			b.Advance(300 * time.Millisecond)
			if _, err := c.Session(ctx, s3.ID); !errs.Is(err, errs.KindNotFound) {
				t.Fatalf("expired session alive: %v", err)
			}
		})
	}
}

func TestReserveCountsOnlyWhatIsKept(t *testing.T) {
	ctx := context.Background()
	backends := cachetest.Backends(t)
	dead, err := cache.Open(ctx, deadAddrs(t)["wrong port"], "", 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	backends = append(backends, cachetest.Backend{Name: "redis down: in-process", Cache: dead})
	for _, b := range backends {
		t.Run(b.Name, func(t *testing.T) {
			c := b.Cache
			var kept []cache.Reservation
			for i := range 3 {
				r, err := c.Reserve(ctx, "k", 3, time.Minute)
				if err != nil || !r.OK {
					t.Fatalf("attempt %d: %+v %v", i+1, r, err)
				}
				kept = append(kept, r)
			}
			r, err := c.Reserve(ctx, "k", 3, time.Minute)
			if err != nil || r.OK || r.RetryAfter <= 0 || r.RetryAfter > time.Minute {
				t.Fatalf("4th attempt = %+v %v, want refused", r, err)
			}
			// Giving one back frees exactly one slot.
			if err := c.Cancel(ctx, kept[1]); err != nil {
				t.Fatal(err)
			}
			if r, err := c.Reserve(ctx, "k", 3, time.Minute); err != nil || !r.OK {
				t.Fatalf("after cancel = %+v %v", r, err)
			}
			if r, err := c.Reserve(ctx, "k", 3, time.Minute); err != nil || r.OK {
				t.Fatalf("second after cancel = %+v %v, want refused", r, err)
			}
			if r, err := c.Reserve(ctx, "other", 3, time.Minute); err != nil || !r.OK {
				t.Fatalf("other key = %+v %v", r, err)
			}
		})
	}
}

// TestCountedSession: the session lookup takes the request's rate-limit count in the same
// script, on the same counter as Reserve, and only for a live session of the given user and
// epoch; anything else counts nothing.
func TestCountedSession(t *testing.T) {
	ctx := context.Background()
	for _, b := range cachetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			c := b.Cache
			s := auth.Session{ID: auth.NewSessionID(), UserID: 7, Epoch: 3}
			if err := c.StartSession(ctx, s, "h1", time.Hour); err != nil {
				t.Fatal(err)
			}
			// free says whether key still has its one slot: nothing was counted under it.
			free := func(key string) bool {
				r, err := c.Reserve(ctx, key, 1, time.Minute)
				if err != nil {
					t.Fatal(err)
				}
				return r.OK
			}
			cases := []struct {
				name          string
				id            string
				user, epoch   int64
				wantErr       errs.Kind
				wantUser      int64
				wantCountedOK bool
			}{
				{"live session of the user", s.ID, 7, 3, "", 7, true},
				{"unknown session", "no-such-session", 7, 3, errs.KindNotFound, 0, false},
				{"another user's session", s.ID, 8, 3, "", 7, false},
				{"an older epoch", s.ID, 7, 2, "", 7, false},
			}
			for _, tc := range cases {
				key := "req:api:" + tc.name
				got, ok, _, err := c.CountedSession(ctx, tc.id, tc.user, tc.epoch, key, 1, time.Minute)
				if tc.wantErr != "" {
					if !errs.Is(err, tc.wantErr) {
						t.Errorf("%s: err %v, want %s", tc.name, err, tc.wantErr)
					}
				} else if err != nil || got.UserID != tc.wantUser || got.ID != tc.id {
					t.Errorf("%s: %+v, %v", tc.name, got, err)
				}
				if ok != tc.wantCountedOK {
					t.Errorf("%s: ok %v, want %v", tc.name, ok, tc.wantCountedOK)
				}
				if counted := !free(key); counted != tc.wantCountedOK {
					t.Errorf("%s: counted %v, want %v", tc.name, counted, tc.wantCountedOK)
				}
			}

			// One budget with Reserve: 2 counted with the session + 1 reserved fill a limit of 3
			// (a short window: a real Redis is waited on).
			const window = 1500 * time.Millisecond
			for i := range 2 {
				if _, ok, _, err := c.CountedSession(ctx, s.ID, 7, 3, "req:api:u7", 3, window); err != nil || !ok {
					t.Fatalf("call %d: ok %v, %v", i+1, ok, err)
				}
			}
			if r, err := c.Reserve(ctx, "req:api:u7", 3, window); err != nil || !r.OK {
				t.Fatalf("third call: %+v, %v", r, err)
			}
			_, ok, wait, err := c.CountedSession(ctx, s.ID, 7, 3, "req:api:u7", 3, window)
			if err != nil || ok || wait <= 0 || wait > window {
				t.Fatalf("fourth call: ok %v, wait %s, %v; want refused within the window", ok, wait, err)
			}
			// The window slides: after it, the session's calls count again.
			b.Advance(window + time.Millisecond)
			if _, ok, _, err := c.CountedSession(ctx, s.ID, 7, 3, "req:api:u7", 3, window); err != nil || !ok {
				t.Fatalf("after the window: ok %v, %v", ok, err)
			}
		})
	}
}
