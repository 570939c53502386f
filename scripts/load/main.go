// Command load drives a running CloudLens (the local runner, usually) with many concurrent
// signed-in clients on a mix of the routes people use most, and prints latency percentiles and
// errors per route. Each client signs in as its own viewer (created by the admin on first use),
// as real users would, so per-user limits see one person per client.
//
//	go run ./scripts/load -url http://127.0.0.1:8080 -email admin@… -password … -clients 200 -duration 60s
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// route is one request of the mix, picked with probability weight/total.
type route struct {
	name   string
	path   string
	weight int
}

// mix: the dashboard (overview) and the explorer dominate real use; lists and "who am I"
// follow every page load.
var mix = []route{
	{"overview", "/api/v1/costs/overview", 30},
	{"explore product/day", "/api/v1/costs/explore?groupBy=product&granularity=day", 20},
	{"explore account/month", "/api/v1/costs/explore?groupBy=account&granularity=month&start=%s&end=%s", 10},
	{"forecast", "/api/v1/costs/forecast", 5},
	{"accounts", "/api/v1/accounts", 10},
	{"budgets", "/api/v1/budgets", 10},
	{"alerts", "/api/v1/alerts", 5},
	{"me", "/api/v1/auth/me", 10},
}

type sample struct {
	route  int
	d      time.Duration
	status int // 0: transport error
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "CloudLens base URL")
	email := flag.String("email", "", "admin e-mail (creates the load users)")
	password := flag.String("password", "", "admin password")
	clients := flag.Int("clients", 200, "concurrent clients")
	duration := flag.Duration("duration", 60*time.Second, "how long to run")
	userPassword := flag.String("user-password", "load-test-Passw0rd!", "password of the load users")
	timeout := flag.Duration("timeout", 30*time.Second, "client-side timeout per request")
	flag.Parse()
	if err := run(*base, *email, *password, *userPassword, *clients, *duration, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func run(base, email, password, userPassword string, clients int, duration, timeout time.Duration) error {
	hc := &http.Client{Timeout: timeout, Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: 0}}
	admin, err := login(hc, base, email, password)
	if err != nil {
		return fmt.Errorf("admin sign-in: %w", err)
	}
	tokens := make([]string, clients)
	var wg sync.WaitGroup
	errc := make(chan error, clients)
	sem := make(chan struct{}, 8)
	for i := range clients {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			u := fmt.Sprintf("load-%03d@example.com", i)
			if err := ensureUser(hc, base, admin, u, userPassword); err != nil {
				errc <- err
				return
			}
			t, err := login(hc, base, u, userPassword)
			if err != nil {
				errc <- fmt.Errorf("sign in %s: %w", u, err)
				return
			}
			tokens[i] = t
		})
	}
	wg.Wait()
	close(errc)
	if err := <-errc; err != nil {
		return err
	}

	end := time.Now().Add(-24 * time.Hour)
	start := end.AddDate(0, -3, 0)
	paths := make([]string, len(mix))
	total := 0
	for i, r := range mix {
		paths[i] = r.path
		if strings.Contains(r.path, "%s") {
			paths[i] = fmt.Sprintf(r.path, start.Format(time.DateOnly), end.Format(time.DateOnly))
		}
		total += r.weight
	}

	ctx, cancel := context.WithTimeout(context.Background(), duration)
	defer cancel()
	results := make([][]sample, clients)
	began := time.Now()
	for i := range clients {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for ctx.Err() == nil {
				n := rng.IntN(total)
				ri := 0
				for n >= mix[ri].weight {
					n -= mix[ri].weight
					ri++
				}
				t0 := time.Now()
				status := get(hc, base+paths[ri], tokens[i])
				if ctx.Err() != nil && status == 0 {
					break // cut by the end of the run, not failed
				}
				results[i] = append(results[i], sample{route: ri, d: time.Since(t0), status: status})
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(began)
	report(os.Stdout, results, clients, elapsed)
	return nil
}

func get(hc *http.Client, url, token string) int {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return 0
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := hc.Do(req)
	if err != nil {
		return 0
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return resp.StatusCode
}

func post(hc *http.Client, url, token string, in, out any) (int, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return 0, err
	}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if resp.StatusCode/100 == 2 && out != nil {
		return resp.StatusCode, json.Unmarshal(body, out)
	}
	if resp.StatusCode/100 != 2 {
		return resp.StatusCode, fmt.Errorf("%d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return resp.StatusCode, nil
}

func login(hc *http.Client, base, email, password string) (string, error) {
	var out struct {
		AccessToken string `json:"accessToken"`
	}
	if _, err := post(hc, base+"/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, &out); err != nil {
		return "", err
	}
	if out.AccessToken == "" {
		return "", errors.New("no access token in the answer")
	}
	return out.AccessToken, nil
}

// ensureUser creates a viewer of every account (admins see all; viewers with no grants see
// nothing, which would measure empty answers). An existing user (409) is fine.
func ensureUser(hc *http.Client, base, admin, email, password string) error {
	var accounts struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/api/v1/accounts", nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	err = json.NewDecoder(resp.Body).Decode(&accounts)
	_ = resp.Body.Close()
	if err != nil {
		return fmt.Errorf("list accounts: %w", err)
	}
	ids := []int64{}
	for _, a := range accounts.Items {
		ids = append(ids, a.ID)
	}
	status, err := post(hc, base+"/api/v1/users", admin, map[string]any{"email": email, "name": "load test",
		"password": password, "role": "viewer", "accountIds": ids}, nil)
	if status == http.StatusConflict {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create %s: %w", email, err)
	}
	return nil
}

func report(w io.Writer, results [][]sample, clients int, elapsed time.Duration) {
	byRoute := make([][]time.Duration, len(mix))
	var all []time.Duration
	statuses := map[int]int{}
	errorsByRoute := make([]int, len(mix))
	for _, rs := range results {
		for _, s := range rs {
			statuses[s.status]++
			if s.status != http.StatusOK {
				errorsByRoute[s.route]++
			}
			byRoute[s.route] = append(byRoute[s.route], s.d)
			all = append(all, s.d)
		}
	}
	fmt.Fprintf(w, "%d clients, %.0f s, %d requests (%.0f/s)\n", clients, elapsed.Seconds(), len(all), float64(len(all))/elapsed.Seconds())
	codes := make([]int, 0, len(statuses))
	for c := range statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	fmt.Fprint(w, "status:")
	for _, c := range codes {
		name := fmt.Sprint(c)
		if c == 0 {
			name = "transport-error"
		}
		fmt.Fprintf(w, " %s=%d", name, statuses[c])
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%-24s %8s %8s %8s %8s %8s %7s\n", "route", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms", "non-200")
	for i, ds := range byRoute {
		line(w, mix[i].name, ds, errorsByRoute[i])
	}
	errs := 0
	for _, n := range errorsByRoute {
		errs += n
	}
	line(w, "all", all, errs)
}

func line(w io.Writer, name string, ds []time.Duration, errs int) {
	if len(ds) == 0 {
		fmt.Fprintf(w, "%-24s %8d\n", name, 0)
		return
	}
	slices.Sort(ds)
	q := func(p float64) float64 {
		return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds()) / 1000
	}
	fmt.Fprintf(w, "%-24s %8d %8.0f %8.0f %8.0f %8.0f %7d\n", name, len(ds), q(0.50), q(0.95), q(0.99), q(1), errs)
}
