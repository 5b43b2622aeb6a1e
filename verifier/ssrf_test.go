package verifier_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

// publicAddr is the address (TEST-NET-3, RFC 5737) that the fake resolver
// returns for public host names. The recording dialer routes it to a
// loopback server, so no packet leaves the machine.
const publicAddr = "203.0.113.10"

// fakeResolver returns addresses from a fixed table and records every
// lookup.
type fakeResolver struct {
	mu    sync.Mutex
	hosts map[string][]string
	asked []string
}

func (r *fakeResolver) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.asked = append(r.asked, host)
	ips, ok := r.hosts[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []net.IPAddr
	for _, ip := range ips {
		out = append(out, net.IPAddr{IP: net.ParseIP(ip)})
	}
	return out, nil
}

// ssrfEnv is a loopback server reachable as http://public.example (port
// 80 of publicAddr) through a fake resolver and a recording dialer.
type ssrfEnv struct {
	srv      *httptest.Server
	hits     atomic.Int64
	resolver *fakeResolver
	dialer   *recordingDialer
}

func newSSRFEnv(t *testing.T, handler http.HandlerFunc) *ssrfEnv {
	t.Helper()
	env := &ssrfEnv{}
	env.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		env.hits.Add(1)
		handler(w, r)
	}))
	t.Cleanup(env.srv.Close)

	env.resolver = &fakeResolver{hosts: map[string][]string{
		"public.example":   {publicAddr},
		"internal.example": {"10.0.0.1"},
		"mixed.example":    {publicAddr, "10.0.0.2"},
		"metadata.example": {"169.254.169.254"},
		"loopback.example": {"127.0.0.1"},
	}}
	env.dialer = &recordingDialer{routes: map[string]string{
		net.JoinHostPort(publicAddr, "80"): env.srv.Listener.Addr().String(),
	}}
	return env
}

// options returns options without AllowPrivate that fetch through the
// environment's resolver and dialer.
func (env *ssrfEnv) options() verifier.Options {
	return verifier.Options{AllowHTTP: true, Resolver: env.resolver, Dialer: env.dialer}
}

// wantNoDial fails unless the dialer was never asked to connect.
func (env *ssrfEnv) wantNoDial(t *testing.T) {
	t.Helper()
	if calls := env.dialer.dialed(); len(calls) > 0 {
		t.Errorf("dialer was asked to connect to %v; the address must be rejected before dialing", calls)
	}
	if n := env.hits.Load(); n > 0 {
		t.Errorf("the test server received %d requests", n)
	}
}

func TestVerifyURLRejectsBlockedAddresses(t *testing.T) {
	tests := []struct {
		name         string
		url          string
		allowPrivate bool
		wantCode     string
	}{
		{"private IPv4", "http://10.0.0.1/credentials/1", false, "blocked_address"},
		{"metadata", "http://169.254.169.254/latest/meta-data/", false, "blocked_address"},
		{"metadata with AllowPrivate", "http://169.254.169.254/latest/meta-data/", true, "blocked_address"},
		{"IPv6 loopback", "http://[::1]/credentials/1", false, "blocked_address"},
		{"IPv4 loopback", "http://127.0.0.1/credentials/1", false, "blocked_address"},
		{"mapped IPv6", "http://[::ffff:10.0.0.1]/credentials/1", false, "blocked_address"},
		{"name resolving to private", "http://internal.example/credentials/1", false, "blocked_address"},
		{"name resolving to public and private", "http://mixed.example/credentials/1", false, "blocked_address"},
		{"name resolving to metadata", "http://metadata.example/", true, "blocked_address"},
		{"user info", "http://user:pw@public.example/credentials/1", false, "blocked_url"},
		{"ftp", "ftp://public.example/credentials/1", false, "blocked_url"},
		{"file", "file:///etc/passwd", false, "blocked_url"},
		{"non-ASCII host", "http://bádges.example/credentials/1", false, "blocked_url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newSSRFEnv(t, func(w http.ResponseWriter, r *http.Request) {})
			opts := env.options()
			opts.AllowPrivate = tt.allowPrivate

			r := newVerifier(t, opts).VerifyURL(context.Background(), tt.url)

			wantVerdict(t, r, verifier.Indeterminate)
			wantCheck(t, r, verifier.CheckFormat, verifier.Skip, tt.wantCode)
			env.wantNoDial(t)
		})
	}
}

func TestVerifyURLRejectsLoopbackServer(t *testing.T) {
	env := newSSRFEnv(t, func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("x.y.z")) })

	// The real address of a server that is listening: refused without
	// AllowPrivate, reached with it.
	r := newVerifier(t, env.options()).VerifyURL(context.Background(), env.srv.URL+"/c")
	wantCheck(t, r, verifier.CheckFormat, verifier.Skip, "blocked_address")
	if env.hits.Load() != 0 {
		t.Fatal("the loopback server was reached without AllowPrivate")
	}

	opts := env.options()
	opts.AllowPrivate = true
	opts.Dialer = nil
	newVerifier(t, opts).VerifyURL(context.Background(), env.srv.URL+"/c")
	if env.hits.Load() != 1 {
		t.Fatalf("the loopback server got %d requests with AllowPrivate, want 1", env.hits.Load())
	}
}

func TestVerifyURLRedirects(t *testing.T) {
	env := newSSRFEnv(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/to-private":
			http.Redirect(w, r, "http://10.0.0.1/credentials/1", http.StatusFound)
		case r.URL.Path == "/to-metadata-name":
			http.Redirect(w, r, "http://metadata.example/latest/", http.StatusFound)
		case r.URL.Path == "/to-https-only":
			http.Redirect(w, r, "ftp://public.example/x", http.StatusFound)
		case strings.HasPrefix(r.URL.Path, "/hop/"):
			var n int
			fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/hop/"), "%d", &n)
			if n == 0 {
				w.Write([]byte("not a credential"))
				return
			}
			http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
		}
	})
	v := newVerifier(t, env.options())
	public := net.JoinHostPort(publicAddr, "80")

	tests := []struct {
		name      string
		path      string
		wantCode  string
		wantDials int // all to the public address
	}{
		{"to private address", "/to-private", "blocked_address", 1},
		{"to name of metadata address", "/to-metadata-name", "blocked_address", 1},
		{"to other scheme", "/to-https-only", "blocked_url", 1},
		{"three hops", "/hop/3", "not_credential", 1},
		{"four hops", "/hop/4", "fetch_failed", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env.dialer.mu.Lock()
			env.dialer.calls = nil
			env.dialer.mu.Unlock()

			r := v.VerifyURL(context.Background(), "http://public.example"+tt.path)

			c := checkOf(t, r, verifier.CheckFormat)
			if c.Code != tt.wantCode {
				t.Errorf("format check code %q, want %q\n%s", c.Code, tt.wantCode, describe(r))
			}
			for _, addr := range env.dialer.dialed() {
				if addr != public {
					t.Errorf("dialed %s; only %s may be dialed", addr, public)
				}
			}
			if n := len(env.dialer.dialed()); n > tt.wantDials {
				t.Errorf("dialed %d times, want at most %d (connections are reused)", n, tt.wantDials)
			}
		})
	}
}

func TestVerifyURLLimits(t *testing.T) {
	var gotURI atomic.Value
	env := newSSRFEnv(t, func(w http.ResponseWriter, r *http.Request) {
		gotURI.Store(r.RequestURI)
		if r.URL.Path == "/large" {
			w.Write([]byte(strings.Repeat("a", verifier.DefaultMaxResponseBytes+1)))
			return
		}
		w.Write([]byte("not a credential"))
	})
	v := newVerifier(t, env.options())

	t.Run("response too large", func(t *testing.T) {
		r := v.VerifyURL(context.Background(), "http://public.example/large")
		wantCheck(t, r, verifier.CheckFormat, verifier.Skip, "too_large")
	})

	t.Run("non-ASCII path is percent-encoded", func(t *testing.T) {
		v.VerifyURL(context.Background(), "http://public.example/достижения/1")
		want := "/%D0%B4%D0%BE%D1%81%D1%82%D0%B8%D0%B6%D0%B5%D0%BD%D0%B8%D1%8F/1"
		if got, _ := gotURI.Load().(string); got != want {
			t.Errorf("server saw %q, want %q", got, want)
		}
	})

	t.Run("plain http without AllowHTTP", func(t *testing.T) {
		opts := env.options()
		opts.AllowHTTP = false
		before := len(env.dialer.dialed())
		r := newVerifier(t, opts).VerifyURL(context.Background(), "http://public.example/c")
		wantCheck(t, r, verifier.CheckFormat, verifier.Skip, "blocked_url")
		if len(env.dialer.dialed()) != before {
			t.Error("an http URL was dialed without AllowHTTP")
		}
	})
}

// blockedKeyJWS returns a token whose issuer and kid point at host; it is
// signed by a throwaway key because the key is never fetched.
func blockedKeyJWS(t *testing.T, issuerID, kid string) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	payload := mustJSON(t, map[string]any{
		"@context":  []string{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:00000000-0000-4000-8000-000000000001",
		"type":      []string{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": issuerID, "type": []string{"Profile"}, "name": "X"},
		"validFrom": "2025-01-01T00:00:00Z",
		"credentialSubject": map[string]any{"id": "did:example:1", "type": []string{"AchievementSubject"},
			"achievement": map[string]any{"id": "urn:uuid:2", "type": []string{"Achievement"}, "name": "A", "description": "A", "criteria": map[string]any{"narrative": "A"}}},
		"iss": issuerID, "sub": "did:example:1", "jti": "urn:uuid:00000000-0000-4000-8000-000000000001", "nbf": 1735689600,
	})
	return signJWS(t, map[string]any{"alg": "EdDSA", "kid": kid}, payload, priv)
}

func TestVerifyRejectsBlockedKeyLocations(t *testing.T) {
	tests := []struct {
		name         string
		issuer, kid  string
		allowPrivate bool
	}{
		{"did:web at private address", "did:web:10.0.0.1", "did:web:10.0.0.1#key-1", false},
		{"did:web at loopback", "did:web:127.0.0.1%3A8443", "did:web:127.0.0.1%3A8443#key-1", false},
		{"did:web at metadata address", "did:web:169.254.169.254", "did:web:169.254.169.254#key-1", true},
		{"did:web name resolving to private", "did:web:internal.example", "did:web:internal.example#key-1", false},
		{"https kid at metadata address", "http://169.254.169.254/issuers/1", "http://169.254.169.254/keys.json#k", true},
		{"https kid at private address", "http://10.0.0.1/issuers/1", "http://10.0.0.1/.well-known/jwks.json#k", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newSSRFEnv(t, func(w http.ResponseWriter, r *http.Request) {})
			opts := env.options()
			opts.AllowPrivate = tt.allowPrivate

			r := newVerifier(t, opts).Verify(context.Background(), []byte(blockedKeyJWS(t, tt.issuer, tt.kid)))

			wantVerdict(t, r, verifier.Indeterminate)
			wantCheck(t, r, verifier.CheckSignature, verifier.Skip, "blocked_address")
			if c := checkOf(t, r, verifier.CheckSignature); !errors.Is(c.Err, verifier.ErrBlockedAddress) {
				t.Errorf("signature check error %v does not wrap ErrBlockedAddress", c.Err)
			}
			env.wantNoDial(t)
		})
	}
}

func TestVerifyDoesNotFetchForeignKeyHost(t *testing.T) {
	env := newSSRFEnv(t, func(w http.ResponseWriter, r *http.Request) {})

	// The kid points at a host other than the issuer's: nothing is fetched,
	// whatever the address.
	r := newVerifier(t, env.options()).Verify(context.Background(), []byte(blockedKeyJWS(t, "https://public.example/issuers/1", "http://internal.example/jwks.json#k")))

	wantVerdict(t, r, verifier.Invalid)
	wantCheck(t, r, verifier.CheckIssuerKey, verifier.Fail, "key_not_bound")
	env.wantNoDial(t)
	if len(env.resolver.asked) > 0 {
		t.Errorf("resolver was asked for %v", env.resolver.asked)
	}
}

// TestFetchFailureAdvice checks the advice in the message of a failed
// fetch: the caller's PolicyHint only where AllowHTTP or AllowPrivate
// would help, "Try again later." only where a retry can help.
func TestFetchFailureAdvice(t *testing.T) {
	const hint = "Use the test switches."
	env := newSSRFEnv(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gone":
			w.WriteHeader(http.StatusNotFound)
		case "/busy":
			w.WriteHeader(http.StatusServiceUnavailable)
		case "/limited":
			w.WriteHeader(http.StatusTooManyRequests)
		case "/large":
			w.Write(make([]byte, 2048))
		}
	})

	tests := []struct {
		name      string
		url       string
		allowHTTP bool
		wantCode  string
		wantHint  bool
		wantRetry bool
	}{
		{"plain http", "http://public.example/c", false, "blocked_url", true, false},
		{"loopback", "http://127.0.0.1/c", true, "blocked_address", true, false},
		{"private name", "http://internal.example/c", true, "blocked_address", true, false},
		{"metadata", "http://169.254.169.254/c", true, "blocked_address", false, false},
		{"user info", "https://user@public.example/c", false, "blocked_url", false, false},
		{"not found", "http://public.example/gone", true, "fetch_failed", false, false},
		{"unavailable", "http://public.example/busy", true, "fetch_failed", false, true},
		{"too many requests", "http://public.example/limited", true, "fetch_failed", false, true},
		{"unknown host", "http://nowhere.example/c", true, "fetch_failed", false, true},
		{"too large", "http://public.example/large", true, "too_large", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := env.options()
			opts.AllowHTTP, opts.PolicyHint, opts.MaxResponseBytes = tt.allowHTTP, hint, 1024

			c := checkOf(t, newVerifier(t, opts).VerifyURL(context.Background(), tt.url), verifier.CheckFormat)
			if c.Code != tt.wantCode {
				t.Fatalf("code %q, want %q: %s", c.Code, tt.wantCode, c.Message)
			}
			if got := strings.Contains(c.Message, hint); got != tt.wantHint {
				t.Errorf("message names the hint: %v, want %v: %s", got, tt.wantHint, c.Message)
			}
			if got := strings.Contains(c.Message, "Try again later"); got != tt.wantRetry {
				t.Errorf("message says to try again: %v, want %v: %s", got, tt.wantRetry, c.Message)
			}
		})
	}
}

// TestStatusFetchFailureAdvice checks the advice in the status check,
// which must not say "Try again later" where a retry fails the same way.
func TestStatusFetchFailureAdvice(t *testing.T) {
	const hint = "Use the test switches."
	ti := newTestIssuer(t, keys.ES256)
	opts := localOptions(ti.did)
	opts.PolicyHint = hint

	tests := []struct {
		name    string
		listURL string
	}{
		{"blocked list", "http://169.254.169.254/status/1"},
		{"missing list", ti.base + "/status/none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cred := ti.resign(t, func(p map[string]any) {
				p["credentialStatus"] = map[string]any{
					"id": tt.listURL + "#7", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
					"statusListIndex": "7", "statusListCredential": tt.listURL,
				}
			})
			c := checkOf(t, newVerifier(t, opts).Verify(context.Background(), []byte(cred)), verifier.CheckStatus)
			if c.Outcome != verifier.Skip {
				t.Fatalf("status check %s, want skip: %s", c.Outcome, c.Message)
			}
			for _, unwanted := range []string{hint, "Try again later"} {
				if strings.Contains(c.Message, unwanted) {
					t.Errorf("message contains %q: %s", unwanted, c.Message)
				}
			}
		})
	}
}
