package verifier_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

// issuedAt is the validFrom of harness credentials. Verifiers check them
// one hour later unless a test sets another time.
var issuedAt = time.Date(2025, 3, 10, 9, 0, 0, 0, time.UTC)

// keyStore is an in-memory keys.KeyStore.
type keyStore struct {
	mu   sync.Mutex
	keys []*issuer.SigningKey
}

func (s *keyStore) SigningKeys(context.Context) ([]*issuer.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var active, retired []*issuer.SigningKey
	for _, k := range s.keys {
		c := *k
		if c.Status == issuer.KeyActive {
			active = append(active, &c)
		} else {
			retired = append(retired, &c)
		}
	}
	return append(active, retired...), nil
}

func (s *keyStore) CreateSigningKey(_ context.Context, k *issuer.SigningKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.keys {
		if e.Status == issuer.KeyActive && k.Status == issuer.KeyActive {
			return issuer.ErrConflict
		}
	}
	c := *k
	s.keys = append(s.keys, &c)
	return nil
}

func (s *keyStore) retireAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.keys {
		k.Status = issuer.KeyRetired
	}
}

// testIssuer is a Laurel issuer on a loopback HTTP server whose base URL
// is the server's own address, so its did:web resolves to the server. It
// signs with a real keys.Ring and builds credentials with the real
// CredentialBuilder.
type testIssuer struct {
	srv     *httptest.Server
	base    string
	did     string
	store   *keyStore
	master  []byte
	builder *issuer.CredentialBuilder

	mu   sync.Mutex
	ring *keys.Ring
	// didDoc and jwks, when set, are served instead of the ring's.
	didDoc, jwks []byte
	// docs are further documents by path.
	docs map[string]servedDoc

	didHits atomic.Int64
}

// newTestIssuer starts an issuer whose first key uses alg.
func newTestIssuer(t testing.TB, alg string) *testIssuer {
	t.Helper()
	ti := &testIssuer{store: &keyStore{}, master: bytes.Repeat([]byte{7}, keys.MasterKeySize)}

	ti.srv = httptest.NewUnstartedServer(http.HandlerFunc(ti.serve))
	ti.base = "http://" + ti.srv.Listener.Addr().String()
	ti.srv.Start()
	t.Cleanup(ti.srv.Close)

	var err error
	if ti.did, err = keys.DIDWeb(ti.base); err != nil {
		t.Fatal(err)
	}
	if ti.builder, err = issuer.NewCredentialBuilder(); err != nil {
		t.Fatal(err)
	}
	ti.rotate(t, alg)
	return ti
}

// rotate retires every key and opens a new active key with alg; retired
// keys stay published.
func (ti *testIssuer) rotate(t testing.TB, alg string) {
	t.Helper()
	ti.store.retireAll()
	ring, err := keys.Open(context.Background(), ti.store, ti.master, ti.did, alg)
	if err != nil {
		t.Fatal(err)
	}
	ti.mu.Lock()
	ti.ring = ring
	ti.mu.Unlock()
}

// publish replaces the served DID document and JWK Set; nil keeps the
// ring's.
func (ti *testIssuer) publish(didDoc, jwks []byte) {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	ti.didDoc, ti.jwks = didDoc, jwks
}

func (ti *testIssuer) currentRing() *keys.Ring {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	return ti.ring
}

func (ti *testIssuer) serve(w http.ResponseWriter, r *http.Request) {
	ti.mu.Lock()
	ring, didDoc, jwks := ti.ring, ti.didDoc, ti.jwks
	ti.mu.Unlock()

	var body []byte
	switch r.URL.Path {
	case "/.well-known/did.json":
		ti.didHits.Add(1)
		body = didDoc
		if body == nil {
			body, _ = ring.DIDDocument()
		}
		w.Header().Set("Content-Type", "application/did+json")
	case "/.well-known/jwks.json":
		body = jwks
		if body == nil {
			body, _ = ring.JWKS()
		}
		w.Header().Set("Content-Type", "application/jwk-set+json")
	default:
		ti.mu.Lock()
		doc, ok := ti.docs[r.URL.Path]
		ti.mu.Unlock()
		if !ok {
			http.NotFound(w, r)
			return
		}
		if doc.status != 0 {
			w.WriteHeader(doc.status)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Header().Set("Cache-Control", doc.cacheControl)
		w.Write(doc.body)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(body)
}

// servedDoc is a document the test issuer serves.
type servedDoc struct {
	body         []byte
	cacheControl string
	status       int // HTTP status to send instead of the body; 0 sends the body
}

// serveDoc publishes body at path.
func (ti *testIssuer) serveDoc(path string, doc servedDoc) {
	ti.mu.Lock()
	defer ti.mu.Unlock()
	if ti.docs == nil {
		ti.docs = map[string]servedDoc{}
	}
	ti.docs[path] = doc
}

// input returns a valid credential input; validForDays > 0 makes it expire.
func (ti *testIssuer) input(t testing.TB, validForDays int) issuer.CredentialInput {
	t.Helper()
	urls, err := issuer.NewURLs(ti.base)
	if err != nil {
		t.Fatal(err)
	}
	return issuer.CredentialInput{
		CredentialID: "00000000-0000-4000-8000-000000000001",
		IssuerID:     ti.did,
		Profile:      &issuer.Profile{Name: "Example University", URL: "https://www.example.edu"},
		Achievement: &issuer.Achievement{
			ID: "7d0f3b8e-5a4c-4e2b-8f1d-2c3b4a5d6e7f", Code: "EC", Name: "Effective Communicator",
			Description: "Recognises clear presentation to a real audience.", Criteria: "Deliver the pitch.",
			AchievementType: "CoCurricular", ValidForDays: validForDays,
		},
		Student:          &issuer.Student{ID: "3f2e1d0c-b9a8-4765-8432-10fedcba9876", Number: "263207592", Name: "陳大文", Email: "Learner.One@example.org"},
		Activity:         &issuer.Activity{ID: "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", Title: "Pitch Night", Unit: "Business School", Hours: 3},
		SessionsAttended: 2,
		SessionsTotal:    2,
		ValidFrom:        issuedAt,
		Salt:             "0123456789abcdef0123456789abcdef",
		URLs:             urls,
	}
}

// issue builds and signs a credential from in with the current ring.
func (ti *testIssuer) issue(t testing.TB, in issuer.CredentialInput) string {
	t.Helper()
	_, payload, err := ti.builder.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	jws, _, err := ti.currentRing().Sign(context.Background(), payload)
	if err != nil {
		t.Fatal(err)
	}
	return jws
}

// payload returns the signed payload of a harness credential as a map, for
// tests that re-sign a modified copy.
func (ti *testIssuer) payload(t testing.TB, in issuer.CredentialInput) map[string]any {
	t.Helper()
	_, payload, err := ti.builder.Build(in)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// kid returns the kid of the ring's active key.
func (ti *testIssuer) kid() string {
	r := ti.currentRing()
	return r.KID(r.ActiveKeyID())
}

// noLookups is a Resolver for tests that must not look up any name: every
// host in them is an IP literal.
type noLookups struct{}

func (noLookups) LookupIPAddr(_ context.Context, host string) ([]net.IPAddr, error) {
	return nil, errors.New("test resolver: no lookups allowed, asked for " + host)
}

// localOptions lets the verifier reach loopback servers over plain HTTP,
// checks at issuedAt plus one hour, and treats issuerID as its own.
func localOptions(issuerID string) verifier.Options {
	return verifier.Options{
		OwnIssuers:   []string{issuerID},
		AllowPrivate: true,
		AllowHTTP:    true,
		Resolver:     noLookups{},
		Now:          func() time.Time { return issuedAt.Add(time.Hour) },
	}
}

func newVerifier(t testing.TB, opts verifier.Options) *verifier.Verifier {
	t.Helper()
	v, err := verifier.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// signJWS signs payload with priv under a header of the given members.
func signJWS(t testing.TB, header map[string]any, payload []byte, priv crypto.Signer) string {
	t.Helper()
	h, err := json.Marshal(header)
	if err != nil {
		t.Fatal(err)
	}
	input := b64(h) + "." + b64(payload)
	digest := sha256.Sum256([]byte(input))

	var sig []byte
	switch k := priv.(type) {
	case *rsa.PrivateKey:
		if header["alg"] == "PS256" {
			sig, err = rsa.SignPSS(rand.Reader, k, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		} else {
			sig, err = rsa.SignPKCS1v15(nil, k, crypto.SHA256, digest[:])
		}
	case *ecdsa.PrivateKey:
		var r, s *big.Int
		if r, s, err = ecdsa.Sign(rand.Reader, k, digest[:]); err == nil {
			sig = make([]byte, 64)
			r.FillBytes(sig[:32])
			s.FillBytes(sig[32:])
		}
	case ed25519.PrivateKey:
		sig = ed25519.Sign(k, []byte(input))
	default:
		t.Fatalf("signJWS: unsupported key %T", priv)
	}
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + b64(sig)
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// checkOf returns the named check of r, failing the test when it is
// missing.
func checkOf(t testing.TB, r *verifier.Result, name string) verifier.Check {
	t.Helper()
	c := r.Check(name)
	if c == nil {
		t.Fatalf("result has no %q check; checks: %s", name, describe(r))
	}
	return *c
}

// describe lists the checks of r for failure messages.
func describe(r *verifier.Result) string {
	var b strings.Builder
	b.WriteString(string(r.Verdict))
	for _, c := range r.Checks {
		b.WriteString("\n  " + c.Name + " " + string(c.Outcome) + " [" + c.Code + "] " + c.Message)
	}
	return b.String()
}

// wantVerdict fails the test unless r has the verdict want.
func wantVerdict(t testing.TB, r *verifier.Result, want verifier.Verdict) {
	t.Helper()
	if r.Verdict != want {
		t.Errorf("verdict %s, want %s; checks:\n%s", r.Verdict, want, describe(r))
	}
}

// wantCheck fails the test unless the named check has the outcome and, when
// code is not empty, the code.
func wantCheck(t testing.TB, r *verifier.Result, name string, outcome verifier.Outcome, code string) {
	t.Helper()
	c := checkOf(t, r, name)
	if c.Outcome != outcome {
		t.Errorf("check %s outcome %s, want %s; checks:\n%s", name, c.Outcome, outcome, describe(r))
	}
	if code != "" && c.Code != code {
		t.Errorf("check %s code %q, want %q; checks:\n%s", name, c.Code, code, describe(r))
	}
}

// recordingDialer records every address it is asked to connect to. It
// connects only to addresses mapped in routes (normally loopback test
// servers) and refuses everything else, so no test reaches another host.
type recordingDialer struct {
	mu     sync.Mutex
	calls  []string
	routes map[string]string // requested address -> loopback address
}

func (d *recordingDialer) DialContext(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	d.calls = append(d.calls, address)
	target, ok := d.routes[address]
	d.mu.Unlock()
	if !ok {
		return nil, errors.New("test dialer: no route to " + address)
	}
	var nd net.Dialer
	return nd.DialContext(ctx, network, target)
}

func (d *recordingDialer) dialed() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.calls...)
}
