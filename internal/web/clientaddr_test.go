package web

import (
	"context"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func prefixes(t testing.TB, list ...string) []netip.Prefix {
	t.Helper()
	out := make([]netip.Prefix, len(list))
	for i, p := range list {
		out[i] = netip.MustParsePrefix(p)
	}
	return out
}

func TestClientAddr(t *testing.T) {
	proxies := prefixes(t, "10.0.0.0/8", "2001:db8:1::/48")

	tests := []struct {
		name    string
		remote  string
		headers []string
		trusted []netip.Prefix
		want    string
	}{
		{"no proxy trusted", "203.0.113.9:5123", nil, nil, "203.0.113.9"},
		{"header ignored without trusted proxies", "10.0.0.2:5123", []string{"198.51.100.7"}, nil, "10.0.0.2"},
		{"spoofed header from untrusted peer", "203.0.113.9:5123", []string{"198.51.100.7"}, proxies, "203.0.113.9"},
		{"spoofed chain from untrusted peer", "203.0.113.9:5123", []string{"198.51.100.7, 10.0.0.5"}, proxies, "203.0.113.9"},
		{"trusted proxy without header", "10.0.0.2:5123", nil, proxies, "10.0.0.2"},
		{"trusted proxy with client", "10.0.0.2:5123", []string{"198.51.100.7"}, proxies, "198.51.100.7"},
		{"client forges left entries", "10.0.0.2:5123", []string{"192.0.2.66, 198.51.100.7"}, proxies, "198.51.100.7"},
		{"forged entry claims a proxy", "10.0.0.2:5123", []string{"10.9.9.9, 198.51.100.7"}, proxies, "198.51.100.7"},
		{"two trusted proxies", "10.0.0.2:5123", []string{"192.0.2.66, 198.51.100.7, 10.0.0.3"}, proxies, "198.51.100.7"},
		{"several headers form one list", "10.0.0.2:5123", []string{"192.0.2.66", "198.51.100.7, 10.0.0.3"}, proxies, "198.51.100.7"},
		{"every entry trusted", "10.0.0.2:5123", []string{"10.0.0.8, 10.0.0.3"}, proxies, "10.0.0.8"},
		{"garbage stops at the last proxy", "10.0.0.2:5123", []string{"198.51.100.7, not-an-address, 10.0.0.3"}, proxies, "10.0.0.3"},
		{"garbage right after the peer", "10.0.0.2:5123", []string{"unknown"}, proxies, "10.0.0.2"},
		{"empty header", "10.0.0.2:5123", []string{""}, proxies, "10.0.0.2"},
		{"entry with port", "10.0.0.2:5123", []string{"198.51.100.7:4711"}, proxies, "198.51.100.7"},
		{"IPv6 peer and client", "[2001:db8:1::2]:443", []string{"2001:db8:9::7"}, proxies, "2001:db8:9::7"},
		{"IPv6 entry in brackets with port", "[2001:db8:1::2]:443", []string{"[2001:db8:9::7]:4711"}, proxies, "2001:db8:9::7"},
		{"IPv4-mapped peer is trusted", "[::ffff:10.0.0.2]:5123", []string{"198.51.100.7"}, proxies, "198.51.100.7"},
		{"IPv4-mapped entry is unmapped", "10.0.0.2:5123", []string{"::ffff:198.51.100.7"}, proxies, "198.51.100.7"},
		{"untrusted IPv6 peer", "[2001:db8:2::1]:443", []string{"198.51.100.7"}, proxies, "2001:db8:2::1"},
		{"remote without port", "10.0.0.2", []string{"198.51.100.7"}, proxies, "198.51.100.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clientAddr(tt.remote, tt.headers, tt.trusted); got != tt.want {
				t.Errorf("clientAddr(%q, %q) = %q, want %q", tt.remote, tt.headers, got, tt.want)
			}
		})
	}
}

// TestClientAddressInAuditLog checks the address the server records for a
// request sent from loopback with an X-Forwarded-For header, with and
// without loopback as a trusted proxy.
func TestClientAddressInAuditLog(t *testing.T) {
	tests := []struct {
		name    string
		trusted []netip.Prefix
		want    string
	}{
		{"loopback trusted", prefixes(t, "127.0.0.0/8", "::1/128"), "198.51.100.7"},
		{"nothing trusted", nil, "127.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, func(s *Server) { s.TrustedProxies = tt.trusted })

			body := `{"title": "Audit Walk", "unit": "Careers Centre", "start_date": "2025-04-01", "end_date": "2025-04-01", "hours": 2, "achievements": ["CIT"]}`
			ts.do(t, request{method: http.MethodPost, path: "/api/v1/activities", token: ts.organiser.token, body: strings.NewReader(body),
				header: http.Header{"Content-Type": {"application/json"}, "X-Forwarded-For": {"192.0.2.66, 198.51.100.7"}}}).
				wantStatus(t, http.StatusCreated)

			entries, err := ts.db.AuditLog(context.Background(), issuer.AuditFilter{Action: "activity.create"})
			if err != nil {
				t.Fatalf("read audit log: %v", err)
			}
			if len(entries) == 0 {
				t.Fatal("no audit entry for the new activity")
			}
			if got := entries[0].Remote; got != tt.want {
				t.Errorf("audit entry address = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestSignInLimitPerForwardedClient checks that behind a trusted proxy each
// client address has its own count: one client reaching the limit does not
// block another.
func TestSignInLimitPerForwardedClient(t *testing.T) {
	ts := newTestServer(t, func(s *Server) { s.TrustedProxies = prefixes(t, "127.0.0.0/8", "::1/128") })

	linkRequest := func(client, email string) response {
		return ts.do(t, request{method: http.MethodPost, path: "/signin/link", body: strings.NewReader("email=" + email),
			header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "X-Forwarded-For": {client}}})
	}
	for i := range maxAttemptsByClient {
		res := linkRequest("198.51.100.7", "nobody"+strconv.Itoa(i)+"@example.com")
		if res.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d, want 200", i+1, res.StatusCode)
		}
	}
	linkRequest("198.51.100.7", "someone@example.com").wantStatus(t, http.StatusTooManyRequests)
	linkRequest("203.0.113.9", "someone@example.com").wantStatus(t, http.StatusOK)
}
