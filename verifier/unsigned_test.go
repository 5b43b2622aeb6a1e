package verifier_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

// readableCopy returns the credential JSON that the test issuer's signed
// credential carries, without a proof: what GET /credentials/{id} returns
// for Accept: application/json.
func (ti *testIssuer) readableCopy(t testing.TB) []byte {
	t.Helper()
	doc, _, err := ti.builder.Build(ti.input(t, 0))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func TestVerifyPastedUnsignedCopy(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	copyHTTP := ti.readableCopy(t)
	copyHTTPS := []byte(strings.Replace(string(copyHTTP), `"id":"`+ti.base, `"id":"https://badges.example.edu`, 1))
	if string(copyHTTPS) == string(copyHTTP) {
		t.Fatal("the copy has no id under the issuer's base URL to replace")
	}

	tests := []struct {
		name     string
		input    []byte
		wantLink bool
	}{
		{"id over http", copyHTTP, false},
		{"id over https", copyHTTPS, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), tt.input)

			wantVerdict(t, r, verifier.Indeterminate)
			wantCheck(t, r, verifier.CheckSignature, verifier.Skip, "unsigned")
			msg := checkOf(t, r, verifier.CheckSignature).Message
			if !strings.Contains(msg, "readable copy of a credential without its signature") || !strings.Contains(msg, "signed form (.jwt)") {
				t.Errorf("signature message does not explain the unsigned copy: %s", msg)
			}
			if got := strings.Contains(msg, "https://badges.example.edu/credentials/"); got != tt.wantLink {
				t.Errorf("message names the https link: %v, want %v: %s", got, tt.wantLink, msg)
			}
			if strings.Contains(r.Summary, "Do not trust") {
				t.Errorf("summary %q accuses an unsigned copy", r.Summary)
			}
		})
	}
}

// TestVerifyURLUnsignedCopy verifies links that serve the readable JSON
// copy of a VC-JWT. The verifier fetches the signed form, from the same
// link with a JWS Accept header or from the .jwt sibling of a .json link.
func TestVerifyURLUnsignedCopy(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	jws := []byte(ti.issue(t, ti.input(t, 0)))
	readable := ti.readableCopy(t)
	other := ti.input(t, 0)
	other.CredentialID = "00000000-0000-4000-8000-000000000002"
	otherJWS := []byte(ti.issue(t, other))

	mux := http.NewServeMux()
	mux.HandleFunc("/negotiated", func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.Header.Get("Accept"), "application/json") {
			w.Header().Set("Content-Type", "application/json")
			w.Write(readable)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write(jws)
	})
	serve := func(path string, body []byte) {
		mux.HandleFunc(path, func(w http.ResponseWriter, r *http.Request) { w.Write(body) })
	}
	serve("/files/c.json", readable)
	serve("/files/c.jwt", jws)
	serve("/query", readable)
	serve("/only/c.json", readable)
	serve("/mismatch/c.json", readable)
	serve("/mismatch/c.jwt", otherJWS)
	authority := strings.TrimPrefix(ti.base, "http://")
	opts := localOptions(ti.did)
	opts.LocalHandlers = map[string]http.Handler{authority: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/query" && r.URL.Query().Get("format") == "jwt" {
			w.Write(jws)
			return
		}
		if _, pattern := mux.Handler(r); pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		ti.serve(w, r)
	})}
	v := newVerifier(t, opts)

	tests := []struct {
		name       string
		path       string
		want       verifier.Verdict
		signedPath string // in the format message; "" when none was used
	}{
		{"negotiated link", "/negotiated", verifier.Valid, "/negotiated"},
		{".json link with .jwt sibling", "/files/c.json", verifier.Valid, "/files/c.jwt"},
		{"format=json link", "/query?format=json", verifier.Valid, "/query?format=jwt"},
		{".json link without signed form", "/only/c.json", verifier.Indeterminate, ""},
		{"signed form of another credential", "/mismatch/c.json", verifier.Indeterminate, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v.VerifyURL(context.Background(), ti.base+tt.path)

			wantVerdict(t, r, tt.want)
			format := checkOf(t, r, verifier.CheckFormat).Message
			if tt.signedPath == "" {
				wantCheck(t, r, verifier.CheckSignature, verifier.Skip, "unsigned")
				return
			}
			if !strings.Contains(format, "signed form at "+ti.base+tt.signedPath+" was verified") {
				t.Errorf("format message does not name the signed form %s: %s", tt.signedPath, format)
			}
		})
	}
}
