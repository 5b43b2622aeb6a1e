package verifier_test

import (
	"context"
	"crypto/x509"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

// TestVerifyHTTPSKeys covers a kid that is a URL of a JWK or JWK Set, and
// the provenance rule: the key must be in the JWK Set at
// /.well-known/jwks.json of the issuer's host.
func TestVerifyHTTPSKeys(t *testing.T) {
	const issuerID = "http://public.example/issuers/1"
	signer, stranger := newP256(t), newP256(t)
	signerJWK := p256JWK(t, signer)

	withKid := func(jwk map[string]any, kid string) map[string]any {
		out := map[string]any{"kid": kid}
		for k, v := range jwk {
			out[k] = v
		}
		return out
	}
	set := func(keys ...map[string]any) []byte { return mustJSON(t, map[string]any{"keys": keys}) }

	tests := []struct {
		name    string
		kid     string
		docs    map[string][]byte // path -> body; a missing path is 404
		want    verifier.Verdict
		check   string
		outcome verifier.Outcome
		code    string
	}{
		{"single JWK and issuer set", "http://public.example/keys/1.json", map[string][]byte{
			"/keys/1.json":           mustJSON(t, signerJWK),
			"/.well-known/jwks.json": set(withKid(signerJWK, "k1")),
		}, verifier.Valid, verifier.CheckIssuerKey, verifier.Pass, ""},
		{"kid is the issuer set", "http://public.example/.well-known/jwks.json#k1", map[string][]byte{
			"/.well-known/jwks.json": set(withKid(p256JWK(t, stranger), "k0"), withKid(signerJWK, "k1")),
		}, verifier.Valid, verifier.CheckSignature, verifier.Pass, ""},
		{"kid matches the whole URL", "http://public.example/.well-known/jwks.json#k1", map[string][]byte{
			"/.well-known/jwks.json": set(withKid(signerJWK, "http://public.example/.well-known/jwks.json#k1")),
		}, verifier.Valid, verifier.CheckSignature, verifier.Pass, ""},
		{"key withdrawn from set", "http://public.example/.well-known/jwks.json#k1", map[string][]byte{
			"/.well-known/jwks.json": set(withKid(p256JWK(t, stranger), "k2")),
		}, verifier.Invalid, verifier.CheckSignature, verifier.Fail, "key_not_published"},
		{"key not in issuer set", "http://public.example/keys/1.json", map[string][]byte{
			"/keys/1.json":           mustJSON(t, signerJWK),
			"/.well-known/jwks.json": set(withKid(p256JWK(t, stranger), "k2")),
		}, verifier.Invalid, verifier.CheckIssuerKey, verifier.Fail, "key_not_bound"},
		{"issuer set missing", "http://public.example/keys/1.json", map[string][]byte{
			"/keys/1.json": mustJSON(t, signerJWK),
		}, verifier.Indeterminate, verifier.CheckIssuerKey, verifier.Skip, "fetch_failed"},
		{"key missing", "http://public.example/keys/1.json", map[string][]byte{}, verifier.Indeterminate, verifier.CheckSignature, verifier.Skip, "fetch_failed"},
		{"JWK names another issuer", "http://public.example/keys/1.json", map[string][]byte{
			"/keys/1.json":           mustJSON(t, map[string]any{"kty": "EC", "crv": "P-256", "x": signerJWK["x"], "y": signerJWK["y"], "iss": "https://other.example"}),
			"/.well-known/jwks.json": set(signerJWK),
		}, verifier.Invalid, verifier.CheckIssuerKey, verifier.Fail, "key_not_bound"},
		{"JWK for another algorithm", "http://public.example/keys/1.json", map[string][]byte{
			"/keys/1.json": mustJSON(t, withKid(map[string]any{"kty": "EC", "crv": "P-256", "x": signerJWK["x"], "y": signerJWK["y"], "alg": "ES384"}, "k1")),
		}, verifier.Invalid, verifier.CheckSignature, verifier.Fail, "invalid_key"},
		{"JWK with private member", "http://public.example/keys/1.json", map[string][]byte{
			"/keys/1.json": mustJSON(t, map[string]any{"kty": "EC", "crv": "P-256", "x": signerJWK["x"], "y": signerJWK["y"], "d": signerJWK["x"]}),
		}, verifier.Invalid, verifier.CheckSignature, verifier.Fail, "invalid_key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newSSRFEnv(t, func(w http.ResponseWriter, r *http.Request) {
				body, ok := tt.docs[r.URL.Path]
				if !ok {
					http.NotFound(w, r)
					return
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write(body)
			})
			jws := signJWS(t, map[string]any{"alg": "ES256", "kid": tt.kid, "typ": "JWT"}, selfIssuedPayload(t, issuerID), signer)

			r := newVerifier(t, env.options()).Verify(context.Background(), []byte(jws))

			wantVerdict(t, r, tt.want)
			wantCheck(t, r, tt.check, tt.outcome, tt.code)
		})
	}
}

// TestVerifyOverHTTPS resolves a did:web over TLS, as production does,
// with the test server's certificate as the only root.
func TestVerifyOverHTTPS(t *testing.T) {
	var mu sync.Mutex
	var ring *keys.Ring
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path != "/.well-known/did.json" {
			http.NotFound(w, r)
			return
		}
		doc, _ := ring.DIDDocument()
		w.Write(doc)
	}))
	t.Cleanup(srv.Close)

	// The httptest certificate is valid for example.com; the fake resolver
	// and the dialer send that name to the server.
	ti := newTestIssuer(t, keys.EdDSA)
	ti.did = "did:web:example.com"
	ti.rotate(t, keys.EdDSA)
	mu.Lock()
	ring = ti.currentRing()
	mu.Unlock()
	jws := ti.issue(t, ti.input(t, 0))

	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())
	dialer := &recordingDialer{routes: map[string]string{net.JoinHostPort(publicAddr, "443"): srv.Listener.Addr().String()}}
	opts := localOptions(ti.did)
	opts.AllowPrivate, opts.AllowHTTP = false, false
	opts.Resolver = &fakeResolver{hosts: map[string][]string{"example.com": {publicAddr}}}
	opts.Dialer = dialer
	opts.RootCAs = roots

	r := newVerifier(t, opts).Verify(context.Background(), []byte(jws))
	wantVerdict(t, r, verifier.Valid)

	t.Run("untrusted certificate", func(t *testing.T) {
		opts.RootCAs = x509.NewCertPool()
		r := newVerifier(t, opts).Verify(context.Background(), []byte(jws))
		wantVerdict(t, r, verifier.Indeterminate)
		wantCheck(t, r, verifier.CheckSignature, verifier.Skip, "fetch_failed")
	})
}
