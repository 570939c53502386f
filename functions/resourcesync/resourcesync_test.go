package resourcesync_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/functions/resourcesync"
	"github.com/cloudlens/cloudlens/shared/account"
	"github.com/cloudlens/cloudlens/shared/aliyun"
	"github.com/cloudlens/cloudlens/shared/aliyunsim"
	"github.com/cloudlens/cloudlens/shared/billing"
	"github.com/cloudlens/cloudlens/shared/resource"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// clock is the simulated time of both the simulator and the syncer.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

type env struct {
	w      *aliyunsim.World
	srv    *aliyunsim.Server
	s      *store.Store
	sync   *resourcesync.Syncer
	clock  *clock
	accts  []account.Account
	byUID  map[string]aliyunsim.Account
	evals  [][]int64
	evalMu sync.Mutex
}

// setup builds a world anchored at now, a simulator whose clock starts at start, accounts
// in the store for every simulated account, and a syncer reading them.
func setup(t *testing.T, s *store.Store, seed int64, now, start time.Time, limits map[string]float64) *env {
	t.Helper()
	e := &env{s: s, clock: &clock{t: start}, byUID: map[string]aliyunsim.Account{}}
	e.w = aliyunsim.NewWorld(aliyunsim.Config{Seed: seed, Accounts: 3, Resources: 70, ReleasedPct: 10, Now: func() time.Time { return now }})
	e.srv = aliyunsim.NewServer(e.w, aliyunsim.ServerOptions{Now: e.clock.Now})
	e.srv.SetAPILimits(limits)
	addr, err := e.srv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.srv.Close() })
	f := aliyun.NewFactory(aliyun.Options{Endpoint: addr, Insecure: true, MaxRetries: 10,
		Backoff: func(n int) time.Duration { return time.Duration(n) * 100 * time.Millisecond }}, nil)
	for _, sa := range e.w.Accounts() {
		a := account.Account{Name: sa.Name, UID: sa.UID, Site: account.Site(sa.Site), AuthType: account.AuthAccessKey,
			AccessKeyID: sa.AccessKeyID, SecretEnc: []byte("x"), Demo: true, Status: account.StatusNew}
		if err := s.CreateAccount(t.Context(), &a); err != nil {
			t.Fatal(err)
		}
		e.accts = append(e.accts, a)
		e.byUID[sa.UID] = sa
	}
	fast := map[string]float64{}
	for api := range aliyun.InventoryLimits {
		fast[api] = 500
	}
	e.sync = &resourcesync.Syncer{Store: s, Now: e.clock.Now, PageSize: 7, Limits: fast, BackfillDays: 15,
		Inventory: func(a account.Account) (*aliyun.Inventory, error) {
			sa := e.byUID[a.UID]
			return f.Inventory(sa.Site, aliyun.Credentials{AccessKeyID: sa.AccessKeyID, AccessKeySecret: sa.AccessKeySecret, Account: a.ID})
		},
		Evaluate: func(_ context.Context, ids []int64) error {
			e.evalMu.Lock()
			e.evals = append(e.evals, ids)
			e.evalMu.Unlock()
			return nil
		}}
	return e
}

// stored returns the account's stored resources by provider id.
func stored(t *testing.T, s *store.Store, accountID int64) map[string]resource.Resource {
	t.Helper()
	rs, err := s.AccountResources(t.Context(), accountID, true)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]resource.Resource{}
	for _, r := range rs {
		out[r.ResourceID] = r
	}
	return out
}

func lastRun(t *testing.T, s *store.Store, accountID int64) resource.SyncRun {
	t.Helper()
	runs, err := s.ResourceSyncRuns(t.Context(), accountID, 1)
	if err != nil || len(runs) != 1 {
		t.Fatalf("runs of account %d: %v, %v", accountID, runs, err)
	}
	return runs[0]
}

// TestSyncMatchesTheSimulatorAndReleasesVanished: over several seeds, a first sync three weeks
// before the world's "now" reads every resource of every region; a later sync at "now" marks
// the resources released upstream in between as released on that day, keeps them, and a
// repeated sync changes nothing.
func TestSyncMatchesTheSimulatorAndReleasesVanished(t *testing.T) {
	for _, seed := range []int64{11, 12, 13} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				ctx := t.Context()
				now := time.Date(2025, 6, 15, 6, 0, 0, 0, billing.Shanghai)
				early := now.AddDate(0, 0, -21)
				e := setup(t, s, seed, now, early, nil)
				if _, err := e.sync.Run(ctx, "manual", nil); err != nil {
					t.Fatal(err)
				}
				earlyDay := int64(early.Unix()+8*3600) / 86400
				for _, a := range e.accts {
					got := stored(t, s, a.ID)
					want := 0
					for _, x := range e.w.Inventory(a.UID) {
						createdDay := (x.Created.Unix() + 8*3600) / 86400
						exists := createdDay <= earlyDay && (x.Released.IsZero() || (x.Released.Unix()+8*3600)/86400 > earlyDay)
						if !exists {
							if _, ok := got[x.ID]; ok {
								t.Errorf("%s stored though it did not exist at the first sync", x.ID)
							}
							continue
						}
						want++
						r, ok := got[x.ID]
						if !ok {
							t.Errorf("%s %s in %s not stored", x.Type, x.ID, x.Region)
						} else if r.Region != x.Region || r.ChargeType != x.ChargeType || r.Type != x.Type {
							t.Errorf("%s stored as %s/%s/%s, want %s/%s/%s", x.ID, r.Type, r.Region, r.ChargeType, x.Type, x.Region, x.ChargeType)
						}
					}
					if len(got) != want {
						t.Errorf("account %d: %d stored, want %d", a.ID, len(got), want)
					}
					run := lastRun(t, s, a.ID)
					if run.Status != resource.SyncSucceeded || run.Regions != 10 || run.Resources != want || run.Added != want ||
						run.Calls["ecs.DescribeInstances"] < 10 || run.Calls["cms.DescribeMetricList"] == 0 || run.MetricDays == 0 {
						t.Errorf("first run of account %d: %s, calls %v", a.ID, resourcesync.Describe(run), run.Calls)
					}
				}

				e.clock.Set(now)
				if _, err := e.sync.Run(ctx, "timer", nil); err != nil {
					t.Fatal(err)
				}
				releasedSeen := 0
				for _, a := range e.accts {
					got := stored(t, s, a.ID)
					for _, x := range e.w.Inventory(a.UID) {
						r, ok := got[x.ID]
						if !ok {
							continue
						}
						gone := !x.Released.IsZero()
						if gone != r.Released() {
							t.Errorf("%s: released upstream %v, stored released %v", x.ID, x.Released, r.ReleasedAt)
						}
						if gone {
							releasedSeen++
							if !r.ReleasedAt.Equal(now) || r.Status != resource.StatusReleased {
								t.Errorf("%s released at %v with status %q, want the sync's time %v", x.ID, r.ReleasedAt, r.Status, now)
							}
						}
					}
					run := lastRun(t, s, a.ID)
					if run.Status != resource.SyncSucceeded {
						t.Errorf("second run of account %d: %s", a.ID, resourcesync.Describe(run))
					}
				}
				if releasedSeen == 0 {
					t.Fatal("no resource was released between the two syncs; the seed proves nothing")
				}
				// Idempotent: the same answers again change nothing.
				if _, err := e.sync.Run(ctx, "manual", nil); err != nil {
					t.Fatal(err)
				}
				for _, a := range e.accts {
					if run := lastRun(t, s, a.ID); run.Added != 0 || run.Updated != 0 || run.Released != 0 {
						t.Errorf("repeat run of account %d changed the inventory: %s", a.ID, resourcesync.Describe(run))
					}
				}
				if len(e.evals) != 3 || len(e.evals[2]) != 3 {
					t.Errorf("the idle rules were evaluated for %v, want every account after each run", e.evals)
				}
				// The stopped instances know since when, from their last CloudMonitor point.
				for _, a := range e.accts {
					for _, r := range stored(t, s, a.ID) {
						if r.Type == resource.ECS && r.Status == resource.StatusStopped && !r.StatusSince.After(r.CreatedAt) {
							t.Errorf("stopped %s: status since %v, creation %v", r.ResourceID, r.StatusSince, r.CreatedAt)
						}
					}
				}
			})
		})
	}
}

// TestOneFailingAccountKeepsItsInventory: a region that keeps failing fails its account's
// run with the reason and leaves the account's last complete inventory untouched; the other
// accounts sync; throttled calls are retried.
func TestOneFailingAccountKeepsItsInventory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := t.Context()
		now := time.Date(2025, 6, 15, 6, 0, 0, 0, billing.Shanghai)
		limits := map[string]float64{}
		for api := range aliyunsim.DefaultAPILimits {
			limits[api] = 10
		}
		e := setup(t, s, 21, now, now.AddDate(0, 0, -10), limits)
		if _, err := e.sync.Run(ctx, "manual", nil); err != nil {
			t.Fatal(err)
		}
		throttled := 0
		for _, a := range e.accts {
			throttled += lastRun(t, s, a.ID).Throttled
		}
		if throttled == 0 {
			t.Error("no call was throttled at 10 requests a second; the retry path was not exercised")
		}
		bad := e.accts[1]
		before := stored(t, s, bad.ID)
		// A region of its resources other than the site's home region, where DescribeRegions
		// is asked (a failing home region fails the account before any region is named).
		region := ""
		for _, r := range before {
			if r.Region != "cn-hangzhou" && r.Region != "ap-southeast-1" && (region == "" || r.Region < region) {
				region = r.Region
			}
		}
		e.srv.FailRegion(bad.UID, region, "ServiceUnavailable")
		e.clock.Set(now)
		msg, err := e.sync.Run(ctx, "manual", nil)
		if err == nil || !strings.Contains(err.Error(), region) {
			t.Fatalf("run with a failing region: %q, %v", msg, err)
		}
		run := lastRun(t, s, bad.ID)
		if run.Status != resource.SyncFailed || !strings.Contains(run.Error, region) || !strings.Contains(run.Error, "ServiceUnavailable") {
			t.Errorf("failed run: %s", resourcesync.Describe(run))
		}
		after := stored(t, s, bad.ID)
		if len(after) != len(before) {
			t.Errorf("failed run changed the inventory: %d → %d resources", len(before), len(after))
		}
		for id, r := range after {
			if r.Released() != before[id].Released() || !r.UpdatedAt.Equal(before[id].UpdatedAt) {
				t.Errorf("%s changed by a failed run", id)
			}
		}
		for _, a := range []account.Account{e.accts[0], e.accts[2]} {
			if run := lastRun(t, s, a.ID); run.Status != resource.SyncSucceeded {
				t.Errorf("account %d: %s", a.ID, resourcesync.Describe(run))
			}
		}
		if last := e.evals[len(e.evals)-1]; len(last) != 2 {
			t.Errorf("rules evaluated for %v, want the two accounts that synced", last)
		}
	})
}

// TestCancelledRunIsRecorded: a run cancelled half-way is recorded failed and changed nothing.
func TestCancelledRunIsRecorded(t *testing.T) {
	s := storetest.SQLite(t)
	now := time.Date(2025, 6, 15, 6, 0, 0, 0, billing.Shanghai)
	e := setup(t, s, 31, now, now, map[string]float64{"ecs.DescribeInstances": 2})
	ctx, cancel := context.WithCancel(t.Context())
	var calls atomic.Int32
	inner := e.sync.Inventory
	e.sync.Inventory = func(a account.Account) (*aliyun.Inventory, error) {
		if calls.Add(1) == 1 {
			time.AfterFunc(300*time.Millisecond, cancel)
		}
		return inner(a)
	}
	if _, err := e.sync.Run(ctx, "manual", nil); err == nil {
		t.Fatal("a cancelled run succeeded")
	}
	recorded := 0
	for _, a := range e.accts {
		if len(stored(t, s, a.ID)) != 0 {
			t.Errorf("account %d: a cancelled read wrote resources", a.ID)
		}
		runs, err := s.ResourceSyncRuns(t.Context(), a.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		// Accounts not started when the run was cancelled have no record; started ones end failed.
		for _, run := range runs {
			recorded++
			if run.Status != resource.SyncFailed || run.FinishedAt == nil || !strings.Contains(run.Error, "cancel") {
				t.Errorf("account %d: %s", a.ID, resourcesync.Describe(run))
			}
		}
	}
	if recorded == 0 {
		t.Error("no run was recorded")
	}
}
