package verifier

import (
	"errors"
	"net/http"
	"net/netip"
	"testing"
	"time"
)

func TestAddressPolicy(t *testing.T) {
	tests := []struct {
		ip            string
		blocked       bool // without AllowPrivate
		blockedAlways bool // with AllowPrivate too
	}{
		{"8.8.8.8", false, false},
		{"203.0.113.10", false, false},
		{"2606:4700:4700::1111", false, false},
		{"10.0.0.1", true, false},
		{"172.16.5.4", true, false},
		{"192.168.1.1", true, false},
		{"127.0.0.1", true, false},
		{"127.8.9.10", true, false},
		{"::1", true, false},
		{"169.254.1.1", true, false},
		{"fe80::1", true, false},
		{"100.64.0.1", true, false},
		{"100.127.255.254", true, false},
		{"fc00::1", true, false},
		{"fd12:3456::1", true, false},
		{"192.0.0.8", true, false},
		{"::ffff:10.0.0.1", true, false},
		{"::ffff:127.0.0.1", true, false},
		{"64:ff9b::a00:1", true, false},    // NAT64 of 10.0.0.1
		{"64:ff9b::808:808", false, false}, // NAT64 of 8.8.8.8
		{"2002:a00:1::", true, false},      // 6to4 of 10.0.0.1
		{"64:ff9b:1::1", true, false},
		{"169.254.169.254", true, true},
		{"169.254.170.2", true, true},
		{"fd00:ec2::254", true, true},
		{"100.100.100.200", true, true},
		{"::ffff:169.254.169.254", true, true},
		{"0.0.0.0", true, true},
		{"0.1.2.3", true, true},
		{"::", true, true},
		{"224.0.0.1", true, true},
		{"239.255.255.250", true, true},
		{"ff02::1", true, true},
		{"255.255.255.255", true, true},
		{"240.0.0.1", true, true},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			ip := netip.MustParseAddr(tt.ip)
			err := addressPolicy{}.check(ip)
			if got := err != nil; got != tt.blocked {
				t.Errorf("check(%s) = %v, want blocked=%v", tt.ip, err, tt.blocked)
			}
			if err != nil && !errors.Is(err, ErrBlockedAddress) {
				t.Errorf("check(%s) = %v, want ErrBlockedAddress", tt.ip, err)
			}
			err = addressPolicy{allowPrivate: true}.check(ip)
			if got := err != nil; got != tt.blockedAlways {
				t.Errorf("with AllowPrivate, check(%s) = %v, want blocked=%v", tt.ip, err, tt.blockedAlways)
			}
		})
	}
}

// TestDialControl checks the function that net.Dialer calls between
// creating the socket and connecting it; it is called directly here, so
// no socket is created.
func TestDialControl(t *testing.T) {
	p := addressPolicy{}
	for _, addr := range []string{"10.0.0.1:443", "[::1]:443", "169.254.169.254:80", "127.0.0.1:8080", "[fe80::1%eth0]:443"} {
		if err := p.control("tcp", addr, nil); !errors.Is(err, ErrBlockedAddress) {
			t.Errorf("control(%q) = %v, want ErrBlockedAddress", addr, err)
		}
	}
	if err := p.control("tcp", "8.8.8.8:443", nil); err != nil {
		t.Errorf("control(8.8.8.8:443) = %v, want nil", err)
	}
	if err := p.control("tcp", "not-an-address", nil); !errors.Is(err, ErrBlockedAddress) {
		t.Errorf("control of an unreadable address = %v, want ErrBlockedAddress", err)
	}
}

func TestCacheLifetime(t *testing.T) {
	tests := []struct {
		header string
		want   time.Duration
	}{
		{"", 0},
		{"max-age=300", 300 * time.Second},
		{"public, max-age=60", time.Minute},
		{"Max-Age=60", time.Minute},
		{`max-age="60"`, time.Minute},
		{"max-age=60, no-store", 0},
		{"no-cache, max-age=60", 0},
		{"max-age=-5", 0},
		{"max-age=abc", 0},
		{"s-maxage=600", 0},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.header != "" {
			h.Set("Cache-Control", tt.header)
		}
		if got := cacheLifetime(h); got != tt.want {
			t.Errorf("cacheLifetime(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestEncodeIRI(t *testing.T) {
	got, err := encodeIRI("https://badges.example.org/достижения/1?q=é")
	if err != nil {
		t.Fatal(err)
	}
	want := "https://badges.example.org/%D0%B4%D0%BE%D1%81%D1%82%D0%B8%D0%B6%D0%B5%D0%BD%D0%B8%D1%8F/1?q=%C3%A9"
	if got != want {
		t.Errorf("encodeIRI = %q, want %q", got, want)
	}
	for _, bad := range []string{"https://x.example/a b", "https://x.example/\n", "https://x.example/\x7f"} {
		if _, err := encodeIRI(bad); !errors.Is(err, ErrBlockedURL) {
			t.Errorf("encodeIRI(%q) = %v, want ErrBlockedURL", bad, err)
		}
	}
}

func TestFetcherCacheExpires(t *testing.T) {
	f := newFetcher(Options{MaxResponseBytes: DefaultMaxResponseBytes, FetchTimeout: time.Second})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	f.clock = func() time.Time { return now }

	f.store("k", &document{body: []byte("x")}, time.Minute)
	if f.cached("k") == nil {
		t.Fatal("fresh entry not returned")
	}
	now = now.Add(59 * time.Second)
	if f.cached("k") == nil {
		t.Fatal("entry dropped before its max-age")
	}
	now = now.Add(time.Second)
	if f.cached("k") != nil {
		t.Fatal("entry returned after its max-age")
	}
}

func TestFetcherCacheBounded(t *testing.T) {
	f := newFetcher(Options{MaxResponseBytes: DefaultMaxResponseBytes, FetchTimeout: time.Second})
	for i := range maxCacheEntries + 50 {
		f.store(string(rune('a'+i%26))+time.Duration(i).String(), &document{}, time.Duration(i+1)*time.Second)
	}
	if n := len(f.cache); n > maxCacheEntries {
		t.Errorf("cache holds %d entries, more than %d", n, maxCacheEntries)
	}
}
