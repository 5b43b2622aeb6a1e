package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"sync/atomic"
	"testing"

	"github.com/laurel-badges/laurel/verifier"
)

// BenchmarkAPIVerifyOwnCredential posts one of the server's own
// credentials to POST /api/v1/verify over loopback, with the hosted
// verifier wired as laurel serve wires it and no rate limit. Each request
// verifies in full and revalidates the credential's status list in
// process.
func BenchmarkAPIVerifyOwnCredential(b *testing.B) {
	var router atomic.Pointer[http.Handler]
	ts := newTestServer(b, func(s *Server) {
		u, err := url.Parse(s.Service.URLs.Base)
		if err != nil {
			b.Fatal(err)
		}
		inProcess := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*router.Load()).ServeHTTP(w, r) })
		s.Verifier, err = verifier.New(verifier.Options{OwnIssuers: []string{s.Service.IssuerID}, LocalHandlers: map[string]http.Handler{u.Host: inProcess}})
		if err != nil {
			b.Fatal(err)
		}
		s.VerifyRateLimit = -1
	})
	router.Store(&ts.handler)
	award := ts.credentialOf(b, ts.issue(b), "S1001")
	body, err := json.Marshal(map[string]string{"credential": award.Credential.JWS})
	if err != nil {
		b.Fatal(err)
	}

	client := &http.Client{}
	for b.Loop() {
		resp, err := client.Post(ts.URL+"/api/v1/verify", "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("POST /api/v1/verify: %s", resp.Status)
		}
	}
}
