// Package config reads CloudLens's settings from CLOUDLENS_* environment variables, once, in
// main. Every problem is reported at once so a deployer fixes them in one go, and secrets are
// masked whenever the configuration is logged.
package config

import (
	"github.com/cloudlens/cloudlens/shared/job"

	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/logx"
)

// Mode says where the process runs, which decides what is required.
type Mode string

const (
	// ModeFunction is a function deployed on Function Compute: MySQL, Redis and all secrets are required.
	ModeFunction Mode = "function"
	// ModeLocal is `make run` / self-hosting: embedded SQLite and Redis stand in for what is unset.
	ModeLocal Mode = "local"
)

// Config is every setting of CloudLens. Fields marked secret are masked by LogValue.
type Config struct {
	Mode Mode

	Addr string // CLOUDLENS_ADDR, local runner listen address
	// PublicURL is where people open the web app (CLOUDLENS_PUBLIC_URL); alerts link back to
	// it. The local runner defaults it to the address it listens on; empty sends alerts
	// without a link.
	PublicURL string
	DataDir   string // CLOUDLENS_DATA_DIR, embedded database and generated secrets

	MySQLDSN      string // CLOUDLENS_MYSQL_DSN (secret: may hold a password)
	MySQLMaxOpen  int    // CLOUDLENS_MYSQL_MAX_OPEN
	RedisAddr     string // CLOUDLENS_REDIS_ADDR
	RedisPassword string // CLOUDLENS_REDIS_PASSWORD (secret)
	RedisDB       int    // CLOUDLENS_REDIS_DB

	SecretKey string // CLOUDLENS_SECRET_KEY (secret): base64 of 32 bytes, encrypts secrets at rest
	JWTSecret string // CLOUDLENS_JWT_SECRET (secret): signs access tokens; app.InvocationKey derives the invocation key from it

	AdminEmail    string // CLOUDLENS_ADMIN_EMAIL
	AdminPassword string // CLOUDLENS_ADMIN_PASSWORD (secret)

	AccessTokenTTL  time.Duration // CLOUDLENS_ACCESS_TOKEN_TTL
	RefreshTokenTTL time.Duration // CLOUDLENS_REFRESH_TOKEN_TTL
	LoginRateLimit  int           // CLOUDLENS_LOGIN_RATE_LIMIT: failed sign-ins per e-mail and address per 15 minutes
	// TrustedProxies (CLOUDLENS_TRUSTED_PROXIES, comma list of CIDRs or addresses) are the
	// proxies whose X-Forwarded-For is believed. On Function Compute the direct peer is always
	// FC's front end and is believed without being listed.
	TrustedProxies []netip.Prefix
	CORSOrigins    []string // CLOUDLENS_CORS_ORIGINS: comma list; empty = same origin only
	MaxBodyBytes   int64    // CLOUDLENS_MAX_BODY_BYTES
	// Server-side deadlines of API requests by class (httpx.Deadlines): past it a request
	// answers 503 instead of waiting on a stalled database or Redis.
	RequestTimeout time.Duration // CLOUDLENS_REQUEST_TIMEOUT: ordinary API routes
	ExportTimeout  time.Duration // CLOUDLENS_EXPORT_TIMEOUT: CSV/Excel and FOCUS exports
	AITimeout      time.Duration // CLOUDLENS_AI_TIMEOUT: AI routes (chatbot, ai, mcp)
	// Requests per minute one signed-in caller (a user, or an API key) may make, by route
	// class (httpx.Rates); past it the API answers 429 with Retry-After.
	RateAPI    int // CLOUDLENS_RATE_API: ordinary API routes
	RateExport int // CLOUDLENS_RATE_EXPORT: CSV/Excel and FOCUS exports
	RateAI     int // CLOUDLENS_RATE_AI: AI routes
	// MetricsToken (CLOUDLENS_METRICS_TOKEN, secret) lets a scraper read the local runner's
	// /metrics from another host with `Authorization: Bearer <token>`; without it /metrics
	// answers loopback clients only.
	MetricsToken string

	LogFormat string // CLOUDLENS_LOG_FORMAT: json | text
	LogLevel  slog.Level

	AliyunEndpoint    string // CLOUDLENS_ALIYUN_ENDPOINT: host:port override for every Alibaba OpenAPI call (simulator)
	AliyunSTSEndpoint string // CLOUDLENS_ALIYUN_STS_ENDPOINT: host:port override for STS (RAM roles); else Alibaba's STS over HTTPS
	Demo              bool   // CLOUDLENS_DEMO: local mode creates simulator-backed demo accounts when none exist
	DemoSeed          int64  // CLOUDLENS_DEMO_SEED
	BackfillMonths    int    // CLOUDLENS_BACKFILL_MONTHS: months of bills fetched on an account's first sync
	BackfillMonthsSet bool   // CLOUDLENS_BACKFILL_MONTHS was given explicitly (demo mode caps the default only)
	BillingSyncURL    string // CLOUDLENS_BILLINGSYNC_URL: HTTP trigger of cloudlens-billingsync, for "sync now" on FC
	// JobURLs maps a job function's name to its HTTP trigger (CLOUDLENS_<NAME>_URL, e.g.
	// CLOUDLENS_BUDGETCHECK_URL), for "run now" and for jobs that start other jobs on FC.
	JobURLs             map[string]string
	SyncConcurrency     int // CLOUDLENS_SYNC_CONCURRENCY: accounts synced at once
	AliyunQPS           float64
	FrontendDir         string // CLOUDLENS_FRONTEND_DIR: static export served at / by the local runner
	SyncOnStart         bool   // CLOUDLENS_SYNC_ON_START: local runner syncs bills once at start
	DisableTimers       bool   // CLOUDLENS_DISABLE_TIMERS: local runner does not fire timer functions
	LLMBaseURL          string // CLOUDLENS_LLM_BASE_URL
	LLMAPIKey           string // CLOUDLENS_LLM_API_KEY (secret)
	LLMModel            string // CLOUDLENS_LLM_MODEL
	OSSEndpoint         string // CLOUDLENS_OSS_ENDPOINT
	OSSBucket           string // CLOUDLENS_OSS_BUCKET
	ShutdownGracePeriod time.Duration

	// Alert e-mail. No host means e-mail channels cannot deliver (the others still can).
	SMTPHost     string // CLOUDLENS_SMTP_HOST
	SMTPPort     int    // CLOUDLENS_SMTP_PORT: default 587 (starttls), 465 (tls), 25 (none)
	SMTPUsername string // CLOUDLENS_SMTP_USERNAME: empty means no authentication
	SMTPPassword string // CLOUDLENS_SMTP_PASSWORD (secret)
	SMTPFrom     string // CLOUDLENS_SMTP_FROM: sender, "alerts@example.com" or "CloudLens <alerts@example.com>"
	SMTPTLS      string // CLOUDLENS_SMTP_TLS: starttls (default) | tls | none (local mode only)

	// AI: LLMTimeout bounds one model call (CLOUDLENS_LLM_TIMEOUT); LLMDailyTokens is the
	// organisation's daily token budget (CLOUDLENS_LLM_DAILY_TOKENS, 0 = unlimited). Reports go
	// to an OSS bucket (CLOUDLENS_REPORTS_BUCKET at CLOUDLENS_REPORTS_OSS_ENDPOINT); without
	// one, to a folder under DataDir.
	LLMTimeout         time.Duration
	LLMDailyTokens     int
	ReportsBucket      string
	ReportsOSSEndpoint string
	// The credentials reports are written to OSS with: the function role's, which Function
	// Compute puts in ALIBABA_CLOUD_ACCESS_KEY_ID, _SECRET (secret) and _SECURITY_TOKEN (secret).
	OSSAccessKeyID     string
	OSSAccessKeySecret string
	OSSSecurityToken   string
}

// Load reads the configuration for mode from getenv (os.Getenv in main, a map in tests).
// It returns every problem found, joined, so that nothing is fixed one restart at a time.
func Load(mode Mode, getenv func(string) string) (Config, error) {
	r := reader{getenv: getenv}
	c := Config{
		Mode:                mode,
		Addr:                r.str("CLOUDLENS_ADDR", "127.0.0.1:8080"),
		DataDir:             r.str("CLOUDLENS_DATA_DIR", ".cloudlens"),
		MySQLDSN:            r.secret("CLOUDLENS_MYSQL_DSN"),
		MySQLMaxOpen:        r.integer("CLOUDLENS_MYSQL_MAX_OPEN", 10, 1, 500),
		RedisAddr:           r.str("CLOUDLENS_REDIS_ADDR", ""),
		RedisPassword:       r.secret("CLOUDLENS_REDIS_PASSWORD"),
		RedisDB:             r.integer("CLOUDLENS_REDIS_DB", 0, 0, 255),
		SecretKey:           r.secret("CLOUDLENS_SECRET_KEY"),
		JWTSecret:           r.secret("CLOUDLENS_JWT_SECRET"),
		AdminEmail:          r.str("CLOUDLENS_ADMIN_EMAIL", ""),
		AdminPassword:       r.secret("CLOUDLENS_ADMIN_PASSWORD"),
		AccessTokenTTL:      r.duration("CLOUDLENS_ACCESS_TOKEN_TTL", 15*time.Minute, time.Minute, 24*time.Hour),
		RefreshTokenTTL:     r.duration("CLOUDLENS_REFRESH_TOKEN_TTL", 30*24*time.Hour, time.Hour, 365*24*time.Hour),
		LoginRateLimit:      r.integer("CLOUDLENS_LOGIN_RATE_LIMIT", 10, 1, 10000),
		CORSOrigins:         r.list("CLOUDLENS_CORS_ORIGINS"),
		TrustedProxies:      r.prefixes("CLOUDLENS_TRUSTED_PROXIES"),
		MaxBodyBytes:        int64(r.integer("CLOUDLENS_MAX_BODY_BYTES", 1<<20, 1024, 32<<20)),
		RequestTimeout:      r.duration("CLOUDLENS_REQUEST_TIMEOUT", 8*time.Second, 100*time.Millisecond, 10*time.Minute),
		ExportTimeout:       r.duration("CLOUDLENS_EXPORT_TIMEOUT", 5*time.Minute, time.Second, time.Hour),
		AITimeout:           r.duration("CLOUDLENS_AI_TIMEOUT", 2*time.Minute, time.Second, time.Hour),
		RateAPI:             r.integer("CLOUDLENS_RATE_API", 600, 1, 1_000_000),
		RateExport:          r.integer("CLOUDLENS_RATE_EXPORT", 10, 1, 1_000_000),
		RateAI:              r.integer("CLOUDLENS_RATE_AI", 20, 1, 1_000_000),
		MetricsToken:        r.secret("CLOUDLENS_METRICS_TOKEN"),
		LogFormat:           r.oneOf("CLOUDLENS_LOG_FORMAT", map[Mode]string{ModeFunction: "json", ModeLocal: "text"}[mode], "json", "text"),
		LogLevel:            r.level("CLOUDLENS_LOG_LEVEL"),
		AliyunEndpoint:      r.str("CLOUDLENS_ALIYUN_ENDPOINT", ""),
		AliyunSTSEndpoint:   r.str("CLOUDLENS_ALIYUN_STS_ENDPOINT", ""),
		Demo:                r.boolean("CLOUDLENS_DEMO", mode == ModeLocal),
		DemoSeed:            int64(r.integer("CLOUDLENS_DEMO_SEED", 42, 0, 1<<31-1)),
		BackfillMonths:      r.integer("CLOUDLENS_BACKFILL_MONTHS", 6, 1, 18),
		BackfillMonthsSet:   strings.TrimSpace(getenv("CLOUDLENS_BACKFILL_MONTHS")) != "",
		BillingSyncURL:      r.str("CLOUDLENS_BILLINGSYNC_URL", ""),
		SyncConcurrency:     r.integer("CLOUDLENS_SYNC_CONCURRENCY", 4, 1, 64),
		AliyunQPS:           float64(r.integer("CLOUDLENS_ALIYUN_QPS", 10, 1, 100)),
		FrontendDir:         r.str("CLOUDLENS_FRONTEND_DIR", "frontend/out"),
		SyncOnStart:         r.boolean("CLOUDLENS_SYNC_ON_START", true),
		DisableTimers:       r.boolean("CLOUDLENS_DISABLE_TIMERS", false),
		LLMBaseURL:          r.str("CLOUDLENS_LLM_BASE_URL", ""),
		LLMAPIKey:           r.secret("CLOUDLENS_LLM_API_KEY"),
		LLMModel:            r.str("CLOUDLENS_LLM_MODEL", "qwen-plus"),
		OSSEndpoint:         r.str("CLOUDLENS_OSS_ENDPOINT", ""),
		OSSBucket:           r.str("CLOUDLENS_OSS_BUCKET", ""),
		ShutdownGracePeriod: r.duration("CLOUDLENS_SHUTDOWN_GRACE", 10*time.Second, time.Second, 5*time.Minute),
		SMTPHost:            r.str("CLOUDLENS_SMTP_HOST", ""),
		SMTPUsername:        r.str("CLOUDLENS_SMTP_USERNAME", ""),
		SMTPPassword:        r.secret("CLOUDLENS_SMTP_PASSWORD"),
		SMTPFrom:            r.str("CLOUDLENS_SMTP_FROM", ""),
		SMTPTLS:             r.oneOf("CLOUDLENS_SMTP_TLS", "starttls", "starttls", "tls", "none"),
	}
	c.LLMTimeout = r.duration("CLOUDLENS_LLM_TIMEOUT", 60*time.Second, time.Second, 10*time.Minute)
	c.LLMDailyTokens = r.integer("CLOUDLENS_LLM_DAILY_TOKENS", 2_000_000, 0, 1<<31-1)
	c.ReportsBucket = r.str("CLOUDLENS_REPORTS_BUCKET", "")
	c.ReportsOSSEndpoint = r.str("CLOUDLENS_REPORTS_OSS_ENDPOINT", "")
	c.OSSAccessKeyID = r.str("ALIBABA_CLOUD_ACCESS_KEY_ID", "")
	c.OSSAccessKeySecret = r.secret("ALIBABA_CLOUD_ACCESS_KEY_SECRET")
	c.OSSSecurityToken = r.secret("ALIBABA_CLOUD_SECURITY_TOKEN")
	c.SMTPPort = r.integer("CLOUDLENS_SMTP_PORT", map[string]int{"starttls": 587, "tls": 465, "none": 25}[c.SMTPTLS], 1, 65535)
	c.validate(&r)
	if len(r.problems) > 0 {
		return c, fmt.Errorf("configuration: %d problem(s):\n  - %s", len(r.problems), strings.Join(r.problems, "\n  - "))
	}
	return c, nil
}

func (c *Config) validate(r *reader) {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		r.problem("CLOUDLENS_ADDR %q is not host:port", c.Addr)
	}
	if c.RedisAddr != "" {
		if _, _, err := net.SplitHostPort(c.RedisAddr); err != nil {
			r.problem("CLOUDLENS_REDIS_ADDR %q is not host:port", c.RedisAddr)
		}
	}
	if c.AdminEmail != "" && !strings.Contains(c.AdminEmail, "@") {
		r.problem("CLOUDLENS_ADMIN_EMAIL %q is not an e-mail address", c.AdminEmail)
	}
	if c.AdminPassword != "" && len(c.AdminPassword) < 10 {
		r.problem("CLOUDLENS_ADMIN_PASSWORD must be at least 10 characters")
	}
	if (c.AdminEmail == "") != (c.AdminPassword == "") && c.Mode == ModeFunction {
		r.problem("CLOUDLENS_ADMIN_EMAIL and CLOUDLENS_ADMIN_PASSWORD must be set together")
	}
	if c.JWTSecret != "" && len(c.JWTSecret) < 32 {
		r.problem("CLOUDLENS_JWT_SECRET must be at least 32 characters")
	}
	for _, o := range c.CORSOrigins {
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			r.problem("CLOUDLENS_CORS_ORIGINS entry %q is not an origin like https://app.example.com", o)
		}
	}
	if c.BillingSyncURL != "" {
		if u, err := url.Parse(c.BillingSyncURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			r.problem("CLOUDLENS_BILLINGSYNC_URL %q is not an http(s) URL", c.BillingSyncURL)
		}
	}
	c.PublicURL = strings.TrimRight(strings.TrimSpace(r.getenv("CLOUDLENS_PUBLIC_URL")), "/")
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			r.problem("CLOUDLENS_PUBLIC_URL %q is not an http(s) URL", c.PublicURL)
		}
	}
	c.JobURLs = map[string]string{}
	// Each job function can be started by a signed HTTP request ("run now", or a job chaining
	// the next) at its trigger URL.
	for _, name := range job.Names() {
		env := "CLOUDLENS_" + strings.ToUpper(name) + "_URL"
		v := strings.TrimSpace(r.getenv(env))
		if v == "" {
			continue
		}
		if u, err := url.Parse(v); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			r.problem("%s %q is not an http(s) URL", env, v)
			continue
		}
		c.JobURLs[name] = v
	}
	if c.LLMBaseURL != "" {
		if u, err := url.Parse(c.LLMBaseURL); err != nil || u.Host == "" {
			r.problem("CLOUDLENS_LLM_BASE_URL %q is not a URL", c.LLMBaseURL)
		}
	}
	if (c.ReportsBucket == "") != (c.ReportsOSSEndpoint == "") {
		r.problem("CLOUDLENS_REPORTS_BUCKET and CLOUDLENS_REPORTS_OSS_ENDPOINT must be set together")
	}
	c.validateSMTP(r)
	if c.Mode == ModeFunction {
		// Deployed functions share state through MySQL and Redis; an embedded stand-in would
		// silently give every instance its own empty database.
		if c.MySQLDSN == "" {
			r.problem("CLOUDLENS_MYSQL_DSN is required for a deployed function")
		}
		if c.RedisAddr == "" {
			r.problem("CLOUDLENS_REDIS_ADDR is required for a deployed function")
		}
		if c.SecretKey == "" {
			r.problem("CLOUDLENS_SECRET_KEY is required for a deployed function (base64 of 32 random bytes)")
		}
		if c.JWTSecret == "" {
			r.problem("CLOUDLENS_JWT_SECRET is required for a deployed function (at least 32 characters)")
		}
	}
}

// validateSMTP checks the alert e-mail settings: all or nothing, a usable sender, and no
// unencrypted SMTP outside local mode (the password and the alerts would cross the network
// in the clear).
func (c *Config) validateSMTP(r *reader) {
	if c.SMTPHost == "" {
		if c.SMTPUsername != "" || c.SMTPPassword != "" || c.SMTPFrom != "" {
			r.problem("CLOUDLENS_SMTP_HOST is required when other CLOUDLENS_SMTP_* settings are given")
		}
		return
	}
	if strings.ContainsAny(c.SMTPHost, ":/ ") {
		r.problem("CLOUDLENS_SMTP_HOST %q must be a host name without port or scheme (the port is CLOUDLENS_SMTP_PORT)", c.SMTPHost)
	}
	if c.SMTPFrom == "" {
		r.problem("CLOUDLENS_SMTP_FROM is required with CLOUDLENS_SMTP_HOST")
	} else if _, err := mail.ParseAddress(c.SMTPFrom); err != nil {
		r.problem("CLOUDLENS_SMTP_FROM %q is not an e-mail address", c.SMTPFrom)
	}
	if (c.SMTPUsername == "") != (c.SMTPPassword == "") {
		r.problem("CLOUDLENS_SMTP_USERNAME and CLOUDLENS_SMTP_PASSWORD must be set together")
	}
	if c.SMTPTLS == "none" && c.Mode == ModeFunction {
		r.problem("CLOUDLENS_SMTP_TLS=none is only allowed in local mode; use starttls or tls")
	}
}

// LogValue masks secrets so the configuration can be logged at start.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("mode", string(c.Mode)),
		slog.String("addr", c.Addr),
		slog.String("data_dir", c.DataDir),
		slog.String("mysql_dsn", maskDSN(c.MySQLDSN)),
		slog.String("redis_addr", c.RedisAddr),
		slog.String("redis_password", mask(c.RedisPassword)),
		slog.String("secret_key", mask(c.SecretKey)),
		slog.String("jwt_secret", mask(c.JWTSecret)),
		slog.String("admin_email", c.AdminEmail),
		slog.String("admin_password", mask(c.AdminPassword)),
		slog.String("aliyun_endpoint", c.AliyunEndpoint),
		slog.String("aliyun_sts_endpoint", c.AliyunSTSEndpoint),
		slog.Bool("demo", c.Demo),
		slog.Int("backfill_months", c.BackfillMonths),
		slog.String("llm_base_url", c.LLMBaseURL),
		slog.String("llm_api_key", mask(c.LLMAPIKey)),
		slog.String("llm_model", c.LLMModel),
		slog.Duration("llm_timeout", c.LLMTimeout),
		slog.Int("llm_daily_tokens", c.LLMDailyTokens),
		slog.String("smtp_host", c.SMTPHost),
		slog.Int("smtp_port", c.SMTPPort),
		slog.String("smtp_username", c.SMTPUsername),
		slog.String("smtp_password", mask(c.SMTPPassword)),
		slog.String("smtp_tls", c.SMTPTLS),
	)
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "***"
}

// maskDSN keeps the parts of a MySQL DSN that help debugging (user, host, database) and hides the password.
func maskDSN(dsn string) string {
	if dsn == "" {
		return ""
	}
	at := strings.LastIndex(dsn, "@")
	if at < 0 {
		return dsn
	}
	cred := dsn[:at]
	if i := strings.Index(cred, ":"); i >= 0 {
		cred = cred[:i] + ":***"
	}
	return cred + dsn[at:]
}

type reader struct {
	getenv   func(string) string
	problems []string
}

func (r *reader) problem(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

func (r *reader) str(name, def string) string {
	if v := strings.TrimSpace(r.getenv(name)); v != "" {
		return v
	}
	return def
}

// secret reads name, or the file named by name_FILE (Docker/K8s/FC secret mounts).
func (r *reader) secret(name string) string {
	v := r.getenv(name)
	file := r.getenv(name + "_FILE")
	if v != "" && file != "" {
		r.problem("set %s or %s_FILE, not both", name, name)
		return v
	}
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			r.problem("%s_FILE: %v", name, errors.Unwrap(err))
			return ""
		}
		return strings.TrimSpace(string(b))
	}
	return strings.TrimSpace(v)
}

func (r *reader) integer(name string, def, min, max int) int {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		r.problem("%s=%q must be a whole number from %d to %d", name, v, min, max)
		return def
	}
	return n
}

func (r *reader) boolean(name string, def bool) bool {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		r.problem("%s=%q must be true or false", name, v)
		return def
	}
	return b
}

func (r *reader) duration(name string, def, min, max time.Duration) time.Duration {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < min || d > max {
		r.problem("%s=%q must be a duration such as 15m, from %s to %s", name, v, min, max)
		return def
	}
	return d
}

func (r *reader) list(name string) []string {
	var out []string
	for _, p := range strings.Split(r.getenv(name), ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// prefixes reads a comma list of CIDR prefixes; a bare address is a prefix of one address.
func (r *reader) prefixes(name string) []netip.Prefix {
	var out []netip.Prefix
	for _, v := range r.list(name) {
		p, err := netip.ParsePrefix(v)
		if err != nil {
			a, aerr := netip.ParseAddr(v)
			if aerr != nil {
				r.problem("%s entry %q is not an address or CIDR such as 10.0.0.0/8", name, v)
				continue
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		return def
	}
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.problem("%s=%q must be one of %s", name, v, strings.Join(allowed, ", "))
	return def
}

func (r *reader) level(name string) slog.Level {
	v := strings.TrimSpace(r.getenv(name))
	if v == "" {
		return slog.LevelInfo
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		r.problem("%s=%q must be debug, info, warn or error", name, v)
		return slog.LevelInfo
	}
	return l
}

// NewLogger builds the process logger: JSON on Function Compute (Log Service parses it), text
// locally, with function (the default, when the context names none), request_id, job and
// run_id taken from the context of every line (logx.Handler).
func NewLogger(c Config, function string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	var h slog.Handler
	if c.LogFormat == "json" {
		h = slog.NewJSONHandler(os.Stderr, opts)
	} else {
		h = slog.NewTextHandler(os.Stderr, opts)
	}
	return logx.New(h, function)
}
