package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/laurel-badges/laurel/issuer"
)

// statusListPath returns the path of the status list that a credential
// names in its credentialStatus.
func (ts *testServer) statusListPath(t testing.TB, a *issuer.Award) string {
	t.Helper()
	var doc struct {
		CredentialStatus struct {
			StatusListCredential string `json:"statusListCredential"`
		} `json:"credentialStatus"`
	}
	if err := json.Unmarshal(a.Credential.Document, &doc); err != nil {
		t.Fatal(err)
	}
	url := doc.CredentialStatus.StatusListCredential
	if !strings.HasPrefix(url, ts.URL+"/status/") {
		t.Fatalf("statusListCredential %q is not a status list of this server", url)
	}
	return strings.TrimPrefix(url, ts.URL)
}

// statusListBits fetches a status list as JSON and decodes its bits.
func (ts *testServer) statusListBits(t testing.TB, path string) issuer.Bitstring {
	t.Helper()
	resp := ts.do(t, request{path: path, header: http.Header{"Accept": {"application/json"}}}).wantStatus(t, http.StatusOK)
	var doc struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	resp.decode(t, &doc)
	bits, err := issuer.DecodeBitstring(doc.CredentialSubject.EncodedList)
	if err != nil {
		t.Fatal(err)
	}
	return bits
}

func TestStatusListContentNegotiation(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	path := ts.statusListPath(t, award)

	cases := []struct {
		name, path, accept, want, wantType string
	}{
		{"no Accept", path, "", bodyJWS, textPlainUTF},
		{"any", path, "*/*", bodyJWS, textPlainUTF},
		{"vc+jwt", path, "application/vc+jwt", bodyJWS, textPlainUTF},
		{"jwt", path, "application/jwt", bodyJWS, textPlainUTF},
		{"json", path, "application/json", bodyJSON, "application/json"},
		{"vc+ld+json", path, "application/vc+ld+json", bodyJSON, "application/vc+ld+json"},
		{"format json", path + "?format=json", "application/jwt", bodyJSON, "application/json"},
		{"jwt suffix", path + ".jwt", "application/json", bodyJWS, textPlainUTF},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := ts.do(t, request{path: c.path, header: http.Header{"Accept": {c.accept}}}).wantStatus(t, http.StatusOK)
			if ct := resp.Header.Get("Content-Type"); ct != c.wantType {
				t.Errorf("Content-Type = %q, want %q", ct, c.wantType)
			}
			isJWS := bytes.Count(resp.body, []byte(".")) == 2 && !bytes.HasPrefix(resp.body, []byte("{"))
			if (c.want == bodyJWS) != isJWS {
				t.Errorf("body is not a %s: %.120s", c.want, resp.body)
			}
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
				t.Errorf("Access-Control-Allow-Origin = %q, want *", got)
			}
		})
	}

	ts.do(t, request{path: path, header: http.Header{"Accept": {"text/html"}}}).wantStatus(t, http.StatusNotAcceptable)
	ts.get(t, path+"?format=html", "").wantStatus(t, http.StatusBadRequest)
	ts.get(t, "/status/"+uuid.NewString(), "").wantStatus(t, http.StatusNotFound)
	ts.get(t, "/status/1", "").wantStatus(t, http.StatusNotFound)
}

func TestStatusListDocument(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	path := ts.statusListPath(t, award)

	resp := ts.do(t, request{path: path, header: http.Header{"Accept": {"application/json"}}}).wantStatus(t, http.StatusOK)
	var doc map[string]any
	resp.decode(t, &doc)
	subject, _ := doc["credentialSubject"].(map[string]any)
	checks := []struct {
		name      string
		got, want any
	}{
		{"@context", doc["@context"], []any{"https://www.w3.org/ns/credentials/v2"}},
		{"id", doc["id"], ts.URL + path},
		{"type", doc["type"], []any{"VerifiableCredential", "BitstringStatusListCredential"}},
		{"issuer", doc["issuer"], ts.svc.IssuerID},
		{"credentialSubject.id", subject["id"], ts.URL + path + "#list"},
		{"credentialSubject.type", subject["type"], "BitstringStatusList"},
		{"credentialSubject.statusPurpose", subject["statusPurpose"], "revocation"},
	}
	for _, c := range checks {
		if mustMarshal(t, c.got) != mustMarshal(t, c.want) {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}

	bits := ts.statusListBits(t, path)
	if bits.Len() < issuer.MinStatusListSize {
		t.Errorf("the list has %d entries, want at least %d", bits.Len(), issuer.MinStatusListSize)
	}
	for i := range bits {
		if bits[i] != 0 {
			t.Fatalf("byte %d of a list without revocations is %#x", i, bits[i])
		}
	}
}

func TestStatusListJWSVerifiesWithPublishedKeys(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1003")
	path := ts.statusListPath(t, award)

	set, err := jwk.Parse(ts.get(t, "/.well-known/jwks.json", "").wantStatus(t, http.StatusOK).body)
	if err != nil {
		t.Fatalf("parse JWKS: %v", err)
	}
	compact := ts.do(t, request{path: path, header: http.Header{"Accept": {"application/vc+jwt"}}}).wantStatus(t, http.StatusOK).body
	payload, err := jws.Verify(compact, jws.WithKeySet(set, jws.WithInferAlgorithmFromKey(true)))
	if err != nil {
		t.Fatalf("verify the served status list against the served JWKS: %v", err)
	}

	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	if claims["jti"] != ts.URL+path || claims["iss"] != ts.svc.IssuerID || claims["sub"] != ts.URL+path+"#list" {
		t.Errorf("claims jti %v, iss %v, sub %v", claims["jti"], claims["iss"], claims["sub"])
	}
}

func TestStatusListCaching(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	path := ts.statusListPath(t, award)

	for _, accept := range []string{"application/vc+jwt", "application/json"} {
		t.Run(accept, func(t *testing.T) {
			first := ts.do(t, request{path: path, header: http.Header{"Accept": {accept}}}).wantStatus(t, http.StatusOK)
			etag := first.Header.Get("ETag")
			if !strings.HasPrefix(etag, `"`) || first.Header.Get("Cache-Control") != "public, max-age=60" {
				t.Fatalf("ETag = %q, Cache-Control = %q; want a strong ETag and public, max-age=60", etag, first.Header.Get("Cache-Control"))
			}

			again := ts.do(t, request{path: path, header: http.Header{"Accept": {accept}}}).wantStatus(t, http.StatusOK)
			if again.Header.Get("ETag") != etag || !bytes.Equal(again.body, first.body) {
				t.Error("a second request without changes got another body")
			}

			ts.do(t, request{path: path, header: http.Header{"Accept": {accept}, "If-None-Match": {etag}}}).wantStatus(t, http.StatusNotModified)
			ts.do(t, request{path: path, header: http.Header{"Accept": {accept}, "If-None-Match": {`"other"`}}}).wantStatus(t, http.StatusOK)
		})
	}
}

func mustMarshal(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
