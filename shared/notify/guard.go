package notify

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/cloudlens/cloudlens/shared/errs"
)

// Resolver looks up a host's addresses; *net.Resolver is one, tests pass their own.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Guard keeps requests to user-given URLs (alert channels, webhooks) from reaching the
// network CloudLens runs in. Addresses are checked when the connection is made, after DNS,
// so a name that resolves somewhere else at send time than at save time is still refused.
//
// Outside local mode, loopback, private, carrier-grade NAT, link-local, unspecified,
// multicast and Alibaba Cloud's metadata range (100.100.100.0/24) are refused; in local mode
// loopback and private addresses are allowed (a webhook on the same machine or LAN), the
// metadata range and link-local never.
type Guard struct {
	Local    bool
	Resolver Resolver // nil: net.DefaultResolver
}

var (
	// never are refused in every mode.
	never = prefixes("0.0.0.0/8", "169.254.0.0/16", "100.100.100.0/24", "224.0.0.0/4", "240.0.0.0/4",
		"::/128", "fe80::/10", "ff00::/8")
	// internal are refused outside local mode: loopback, private, shared (CGNAT, which
	// Alibaba Cloud uses for its internal service endpoints) and special-purpose ranges.
	internal = prefixes("127.0.0.0/8", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
		"192.0.0.0/24", "198.18.0.0/15", "::1/128", "fc00::/7")
	// nat64 embeds an IPv4 address in its last four bytes, which is what is checked.
	nat64 = netip.MustParsePrefix("64:ff9b::/96")
)

func prefixes(ss ...string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

// CheckAddr returns nil when ip may be reached, else an error saying why not.
func (g Guard) CheckAddr(ip netip.Addr) error {
	// A zone would make every prefix test fail (netip never matches zoned addresses).
	ip = ip.Unmap().WithZone("")
	if nat64.Contains(ip) {
		b := ip.As16()
		ip = netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]})
	}
	for _, p := range never {
		if p.Contains(ip) {
			return fmt.Errorf("address %s is refused: link-local, metadata, multicast or unspecified addresses are never reached", ip)
		}
	}
	if !g.Local {
		for _, p := range internal {
			if p.Contains(ip) {
				return fmt.Errorf("address %s is refused: loopback and private addresses are only reached in local mode", ip)
			}
		}
	}
	return nil
}

// ParseURL checks a channel URL as saved: absolute, https (or http in local mode), with a host
// and no user information. A refusal is KindInvalid naming the field "url".
func (g Guard) ParseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return nil, errs.InvalidField("url", errs.ReasonURL, "%q is not an absolute URL", errs.Clip(raw, 100))
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && g.Local:
	default:
		return nil, errs.InvalidField("url", errs.ReasonHTTPS, "must use https")
	}
	if u.User != nil {
		return nil, errs.InvalidField("url", errs.ReasonURLUser, "must not carry a user name or password")
	}
	return u, nil
}

// CheckURL is ParseURL plus a look-up of the host, so that a URL pointing at a refused address
// is refused when saved, not only when used. A refusal is KindInvalid naming "url".
func (g Guard) CheckURL(ctx context.Context, raw string) error {
	u, err := g.ParseURL(raw)
	if err != nil {
		return err
	}
	if _, err := g.addrs(ctx, u.Hostname()); err != nil {
		return errs.InvalidField("url", errs.ReasonAddress, "%s", err.Error())
	}
	return nil
}

// addrs resolves host (or parses it when it is an address) and returns the addresses that may
// be reached; none is an error naming the first refusal.
func (g Guard) addrs(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(strings.Trim(host, "[]")); err == nil {
		if err := g.CheckAddr(ip); err != nil {
			return nil, err
		}
		return []netip.Addr{ip.Unmap()}, nil
	}
	r := g.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	found, err := r.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("host %s does not resolve: %w", host, err)
	}
	var ok []netip.Addr
	var refused error
	for _, a := range found {
		ip, valid := netip.AddrFromSlice(a.IP)
		if !valid {
			continue
		}
		if err := g.CheckAddr(ip); err != nil {
			// One refused address refuses the host: otherwise a name with a public and a private
			// address would reach the private one whenever the public one is down.
			refused = fmt.Errorf("host %s: %w", host, err)
			break
		}
		ok = append(ok, ip.Unmap())
	}
	if refused != nil {
		return nil, refused
	}
	if len(ok) == 0 {
		return nil, fmt.Errorf("host %s has no address", host)
	}
	return ok, nil
}

// errRefused marks dial refusals so that a sender reports them as permanent.
var errRefused = errors.New("refused by the outgoing address policy")

// DialContext resolves addr's host, checks every address, and connects to an allowed one.
func (g Guard) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	ips, err := g.addrs(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errRefused, err)
	}
	d := net.Dialer{Timeout: 10 * time.Second}
	var last error
	for _, ip := range ips {
		conn, err := d.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		last = err
	}
	return nil, last
}

// Client returns an HTTP client whose every connection goes through the guard: no proxy
// from the environment (it would connect on our behalf, unchecked), short-lived idle
// connections (Function Compute freezes instances), and at most three redirects, each to a
// URL ParseURL accepts (its address is checked at dial like any other).
func (g Guard) Client(timeout time.Duration) *http.Client {
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           g.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          10,
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: timeout,
	}
	return &http.Client{
		Transport: t,
		Timeout:   timeout,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 3 {
				return errors.New("stopped after 3 redirects")
			}
			if _, err := g.ParseURL(req.URL.String()); err != nil {
				return fmt.Errorf("redirect refused: %s", errs.Message(err))
			}
			return nil
		},
	}
}
