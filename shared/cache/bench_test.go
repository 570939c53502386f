package cache_test

import (
	"context"
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/cache"
	"github.com/cloudlens/cloudlens/shared/cache/cachetest"
)

// BenchmarkGetOrLoadHit measures a cached dashboard read: version GET, entry GET, JSON decode.
func BenchmarkGetOrLoadHit(b *testing.B) {
	ctx := context.Background()
	val := overview{Account: "acc-1", Micros: 987_654_321, ByDay: map[string]int64{}}
	for d := range 31 {
		val.ByDay[time.Date(2026, 1, d+1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)] = int64(d) * 1_000_000
	}
	for _, be := range cachetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			load := func(context.Context) (overview, error) { return val, nil }
			if _, _, err := cache.GetOrLoad(ctx, be.Cache, "costs", "bench", time.Minute, load); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, hit, err := cache.GetOrLoad(ctx, be.Cache, "costs", "bench", time.Minute, load); err != nil || !hit {
					b.Fatalf("hit=%v err=%v", hit, err)
				}
			}
		})
	}
}

// BenchmarkAllow measures one rate-limit decision (one Lua script round trip).
func BenchmarkAllow(b *testing.B) {
	ctx := context.Background()
	for _, be := range cachetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := be.Cache.Allow(ctx, "bench", 1_000_000, time.Minute); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLockUnlock measures taking and releasing a job lock.
func BenchmarkLockUnlock(b *testing.B) {
	ctx := context.Background()
	for _, be := range cachetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				l, err := be.Cache.Lock(ctx, "bench", time.Minute)
				if err != nil {
					b.Fatal(err)
				}
				if err := l.Unlock(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
