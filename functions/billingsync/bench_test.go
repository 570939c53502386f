package billingsync

import (
	"testing"
	"time"

	"github.com/cloudlens/cloudlens/shared/app/apptest"
	"github.com/cloudlens/cloudlens/shared/store"
	"github.com/cloudlens/cloudlens/shared/store/storetest"
)

// BenchmarkRequestRateShare measures how much of BSS's 10 requests/s a sync uses: one
// account of 2,000 resources (about 17 pages a day), five days, simulator and client both at
// 10 requests/s (simulator burst 10, as BSS allows short bursts). share = requests made ÷
// (10 × wall seconds), the budget is ≥ 90 %; useful leaves out throttled requests.
//
//	go test -run '^$' -bench BenchmarkRequestRateShare -benchtime 1x ./functions/billingsync/
func BenchmarkRequestRateShare(b *testing.B) {
	var requests, throttled int64
	var wall time.Duration
	for range b.N {
		b.StopTimer()
		d := apptest.Deps(b, storetest.SQLite(b))
		e := newEnvTB(b, d, envOptions{accounts: 1, resources: 2000, now: "2026-03-06 10:00", months: 0, simQPS: 10, clientQPS: 10})
		b.StartTimer()
		start := time.Now()
		if err := SyncAll(b.Context(), d, store.TriggerTimer); err != nil {
			b.Fatal(err)
		}
		wall += time.Since(start)
		st := e.sim.Stats()
		for _, n := range st.Requests {
			requests += n
		}
		throttled += st.Throttled
	}
	b.ReportMetric(float64(requests)/wall.Seconds(), "req/s")
	b.ReportMetric(100*float64(requests)/(10*wall.Seconds()), "%share")
	// Throttled requests count against the limit but fetch nothing: report the useful share too.
	b.ReportMetric(100*float64(requests-throttled)/(10*wall.Seconds()), "%useful")
}
