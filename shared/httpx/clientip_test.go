package httpx

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

func TestClientIP(t *testing.T) {
	proxies := []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("2001:db8:1::/48")}
	tests := []struct {
		name        string
		remote      string
		xff         []string
		trusted     []netip.Prefix
		peerIsProxy bool
		want        string
	}{
		{"no proxy configured: the header is ignored", "203.0.113.9:5555", []string{"198.51.100.1"}, nil, false, "203.0.113.9"},
		{"untrusted peer: a forged header is ignored", "203.0.113.9:5555", []string{"198.51.100.1"}, proxies, false, "203.0.113.9"},
		{"trusted peer: the entry it appended", "10.1.2.3:80", []string{"198.51.100.1"}, proxies, false, "198.51.100.1"},
		{"trusted peer: a client's forged prefix is never reached", "10.1.2.3:80", []string{"1.1.1.1, 2.2.2.2, 198.51.100.1"}, proxies, false, "198.51.100.1"},
		{"chain of trusted proxies is skipped", "10.1.2.3:80", []string{"6.6.6.6, 198.51.100.1, 10.9.9.9"}, proxies, false, "198.51.100.1"},
		{"repeated headers read as one list", "10.1.2.3:80", []string{"6.6.6.6", "198.51.100.1, 10.9.9.9"}, proxies, false, "198.51.100.1"},
		{"trusted peer without header", "10.1.2.3:80", nil, proxies, false, "10.1.2.3"},
		{"garbage entry stops the walk", "10.1.2.3:80", []string{"198.51.100.1, not-an-ip, 10.9.9.9"}, proxies, false, "10.9.9.9"},
		{"function compute: FC's entry, not the client's", "21.0.0.5:1234", []string{"1.1.1.1, 198.51.100.7"}, nil, true, "198.51.100.7"},
		{"ipv6 through a trusted ipv6 proxy", "[2001:db8:1::5]:443", []string{"2001:db8:ff::1"}, proxies, false, "2001:db8:ff::1"},
		{"ipv4-mapped ipv6 peer", "[::ffff:203.0.113.9]:1", nil, nil, false, "203.0.113.9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/api/v1/auth/login", nil)
			r.RemoteAddr = tt.remote
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if got := ClientIP(r, tt.trusted, tt.peerIsProxy); got.String() != tt.want {
				t.Fatalf("ClientIP = %s, want %s", got, tt.want)
			}
		})
	}
}
