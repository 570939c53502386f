package httpx

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ClientIP returns the address a request came from, for limits and logs. Forwarding headers
// are believed only from proxies the operator named: the direct peer (RemoteAddr) is the
// client unless it is trusted, and only then is X-Forwarded-For read, from the right (the
// entry the nearest proxy appended), skipping further trusted proxies; the first untrusted
// entry is the client. Anything a client writes into the header itself sits left of that and
// is never reached, so rotating it changes nothing.
//
// peerIsProxy says the direct peer is always a proxy: on Function Compute every request arrives
// through FC's front end, which appends the address it saw to X-Forwarded-For.
// An unusable header falls back to the last address known to be real. The zero Addr means
// RemoteAddr was not an IP address (a test transport, say).
func ClientIP(r *http.Request, trusted []netip.Prefix, peerIsProxy bool) netip.Addr {
	peer := parseAddr(r.RemoteAddr)
	if !peerIsProxy && !isTrusted(peer, trusted) {
		return peer
	}
	client := peer
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			a := parseAddr(strings.TrimSpace(parts[j]))
			if !a.IsValid() {
				return client
			}
			client = a
			if !isTrusted(a, trusted) {
				return a
			}
		}
	}
	return client
}

// parseAddr reads "ip", "ip:port" or "[ipv6]:port"; IPv4-mapped IPv6 becomes plain IPv4 so one
// client has one spelling.
func parseAddr(s string) netip.Addr {
	if host, _, err := net.SplitHostPort(s); err == nil {
		s = host
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap().WithZone("")
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	if !a.IsValid() {
		return false
	}
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
