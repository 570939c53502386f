// Package metrics keeps CloudLens's Prometheus metrics (requests by function, route pattern
// and status with latency histograms; job runs with items and durations; cache hits; database
// pool use) in one registry per process, served at /metrics by the local runner. On Function
// Compute instances come and go, so there the same figures are structured log fields
// (the access log's "request" line, the job's "job run finished" line) that Simple Log Service
// charts instead.
package metrics

import (
	"database/sql"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics is one process's registry and the metrics CloudLens records into it.
type Metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	jobRuns     *prometheus.CounterVec
	jobDuration *prometheus.HistogramVec
	jobItems    *prometheus.CounterVec
	syncRuns    *prometheus.CounterVec
	syncRows    prometheus.Counter
	syncTime    *prometheus.HistogramVec
}

// New makes a registry with the Go runtime and process collectors and CloudLens's metrics.
func New() *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cloudlens_http_requests_total",
		Help: "API requests answered, by function, route pattern, method and status.",
	}, []string{"function", "route", "method", "status"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "cloudlens_http_request_duration_seconds",
		Help: "Time to answer API requests, by function, route pattern, method and status.",
		// From a cached answer (milliseconds) to the request deadline (seconds).
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
	}, []string{"function", "route", "method", "status"})
	m.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cloudlens_job_runs_total",
		Help: "Job runs finished, by job and outcome (succeeded, failed, skipped).",
	}, []string{"job", "status"})
	m.jobDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "cloudlens_job_run_duration_seconds",
		Help:    "Time from a job run's start to its end, by job and outcome.",
		Buckets: []float64{.1, .5, 1, 5, 15, 60, 300, 900, 3600},
	}, []string{"job", "status"})
	m.jobItems = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cloudlens_job_items_total",
		Help: "Items (rows, accounts, budgets) job runs reported done, by job.",
	}, []string{"job"})
	m.syncRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "cloudlens_sync_runs_total",
		Help: "Billing sync runs of one account finished, by outcome.",
	}, []string{"status"})
	m.syncRows = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "cloudlens_sync_rows_total",
		Help: "Bill line items stored by billing sync runs.",
	})
	m.syncTime = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "cloudlens_sync_run_duration_seconds",
		Help:    "Time of one account's billing sync run, by outcome.",
		Buckets: []float64{1, 5, 15, 60, 300, 900, 3600},
	}, []string{"status"})
	m.reg.MustRegister(m.requests, m.latency, m.jobRuns, m.jobDuration, m.jobItems, m.syncRuns, m.syncRows, m.syncTime,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Request records one answered API request. route is the ServeMux pattern that matched
// ("GET /api/v1/budgets/{id}"), never the raw path, so ids do not multiply the series;
// unmatched requests are recorded under "unmatched".
func (m *Metrics) Request(function, route, method string, status int, d time.Duration) {
	if route == "" {
		route = "unmatched"
	}
	s := strconv.Itoa(status)
	m.requests.WithLabelValues(function, route, method, s).Inc()
	m.latency.WithLabelValues(function, route, method, s).Observe(d.Seconds())
}

// JobRun records one finished job run.
func (m *Metrics) JobRun(job, status string, items int64, d time.Duration) {
	m.jobRuns.WithLabelValues(job, status).Inc()
	m.jobDuration.WithLabelValues(job, status).Observe(d.Seconds())
	if items > 0 {
		m.jobItems.WithLabelValues(job).Add(float64(items))
	}
}

// SyncRun records one account's finished billing sync run.
func (m *Metrics) SyncRun(status string, rows int64, d time.Duration) {
	m.syncRuns.WithLabelValues(status).Inc()
	m.syncTime.WithLabelValues(status).Observe(d.Seconds())
	if rows > 0 {
		m.syncRows.Add(float64(rows))
	}
}

// DB adds the pool statistics of db (open, in use, idle, waits) as go_sql_*{db_name="cloudlens"}.
func (m *Metrics) DB(db *sql.DB) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, "cloudlens"))
}

// CacheStats reports the cache's counters since start.
type CacheStats func() (hits, misses, errors uint64)

// Cache adds the query cache's hits, misses and Redis errors; the hit ratio is
// rate(hits) / (rate(hits) + rate(misses)).
func (m *Metrics) Cache(stats CacheStats) {
	counter := func(name, help string, pick func(h, mi, e uint64) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 {
			return float64(pick(stats()))
		})
	}
	m.reg.MustRegister(
		counter("cloudlens_cache_hits_total", "Query cache hits.", func(h, _, _ uint64) uint64 { return h }),
		counter("cloudlens_cache_misses_total", "Query cache misses (answers computed).", func(_, mi, _ uint64) uint64 { return mi }),
		counter("cloudlens_cache_errors_total", "Failed Redis calls (the API then serves uncached).", func(_, _, e uint64) uint64 { return e }),
	)
}

// Handler serves the registry in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
