package web

import (
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/laurel-badges/laurel/issuer"
)

// What a credential response holds.
const (
	bodyHTML = "html"
	bodyJSON = "json"
	bodyJWS  = "jws"
)

func TestCredentialContentNegotiation(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	path := "/credentials/" + award.Credential.ID

	chrome := "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
	cases := []struct {
		name, accept, want, wantType string
	}{
		{"no Accept", "", bodyHTML, htmlUTF},
		{"any", "*/*", bodyHTML, htmlUTF},
		{"browser", chrome, bodyHTML, htmlUTF},
		{"html", "text/html", bodyHTML, htmlUTF},
		{"json", "application/json", bodyJSON, "application/json"},
		{"vc+ld+json", "application/vc+ld+json", bodyJSON, "application/vc+ld+json"},
		{"ld+json", "application/ld+json", bodyJSON, "application/ld+json"},
		{"text", "text/plain", bodyJWS, textPlainUTF},
		{"vc+jwt", "application/vc+jwt", bodyJWS, textPlainUTF},
		{"jwt", "application/jwt", bodyJWS, textPlainUTF},
		{"json over lower html", "text/html;q=0.5, application/json", bodyJSON, "application/json"},
		{"text over lower json", "application/json;q=0.2, text/plain;q=0.9", bodyJWS, textPlainUTF},
		{"html refused", "text/html;q=0, */*", bodyJSON, "application/json"},
		{"exact beats wildcard", "*/*, application/jwt", bodyJWS, textPlainUTF},
		{"application wildcard", "application/*", bodyJSON, "application/json"},
		{"text wildcard", "text/*", bodyHTML, htmlUTF},
		{"wildcard with lower html", "*/*;q=0.9, text/html;q=0.1", bodyJSON, "application/json"},
		{"upper case and spaces", " Application/VC+JWT ; Q=1 ", bodyJWS, textPlainUTF},
		{"json with charset", "application/json; charset=utf-8", bodyJSON, "application/json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := ts.do(t, request{path: path, header: http.Header{"Accept": {c.accept}}}).wantStatus(t, http.StatusOK)
			checkCredentialBody(t, resp, award, c.want, c.wantType)
			if v := resp.Header.Get("Vary"); !strings.Contains(v, "Accept") {
				t.Errorf("Vary = %q, want Accept", v)
			}
		})
	}

	t.Run("nothing acceptable", func(t *testing.T) {
		resp := ts.do(t, request{path: path, header: http.Header{"Accept": {"image/png"}}}).wantStatus(t, http.StatusNotAcceptable)
		if msg := resp.errorBody(t).Error.Message; !strings.Contains(msg, "application/vc+jwt") {
			t.Errorf("message = %q, want the available types", msg)
		}
		if vary := resp.Header.Get("Vary"); vary != "Accept" {
			t.Errorf("Vary = %q, want Accept", vary)
		}
	})
}

func TestCredentialFormatLinks(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	id := award.Credential.ID

	cases := []struct {
		name, path, want, wantType string
	}{
		{"format jwt", "/credentials/" + id + "?format=jwt", bodyJWS, textPlainUTF},
		{"format json", "/credentials/" + id + "?format=json", bodyJSON, "application/json"},
		{"format html", "/credentials/" + id + "?format=html", bodyHTML, htmlUTF},
		{"jwt suffix", "/credentials/" + id + ".jwt", bodyJWS, textPlainUTF},
		{"json suffix", "/credentials/" + id + ".json", bodyJSON, "application/json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// The format in the URL wins over the browser's Accept header.
			resp := ts.do(t, request{path: c.path, header: http.Header{"Accept": {"text/html"}}}).wantStatus(t, http.StatusOK)
			checkCredentialBody(t, resp, award, c.want, c.wantType)
		})
	}

	ts.get(t, "/credentials/"+id+"?format=pdf", "").wantStatus(t, http.StatusBadRequest)
}

func checkCredentialBody(t *testing.T, resp response, award *issuer.Award, want, wantType string) {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); ct != wantType {
		t.Errorf("Content-Type = %q, want %q", ct, wantType)
	}

	switch want {
	case bodyJSON:
		if !bytes.Equal(bytes.TrimSpace(resp.body), bytes.TrimSpace(award.Credential.Document)) {
			t.Errorf("body is not the stored credential document: %.200s", resp.body)
		}
	case bodyJWS:
		if string(resp.body) != award.Credential.JWS {
			t.Errorf("body is not the stored JWS: %.200s", resp.body)
		}
	case bodyHTML:
		if !bytes.HasPrefix(resp.body, []byte("<!DOCTYPE html>")) {
			t.Errorf("body is not an HTML page: %.200s", resp.body)
		}
	}
}

func TestCredentialJWSVerifiesWithPublishedKeys(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1003")

	set, err := jwk.Parse(ts.get(t, "/.well-known/jwks.json", "").wantStatus(t, http.StatusOK).body)
	if err != nil {
		t.Fatalf("parse JWKS: %v", err)
	}
	compact := ts.get(t, "/credentials/"+award.Credential.ID+"?format=jwt", "").wantStatus(t, http.StatusOK).body

	payload, err := jws.Verify(compact, jws.WithKeySet(set, jws.WithInferAlgorithmFromKey(true)))
	if err != nil {
		t.Fatalf("verify served JWS against the served JWKS: %v", err)
	}
	if !bytes.Contains(payload, []byte(`"jti":"`+ts.URL+"/credentials/"+award.Credential.ID+`"`)) {
		t.Errorf("payload has no jti naming the credential URL: %.300s", payload)
	}
}

func TestCredentialCaching(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	path := "/credentials/" + award.Credential.ID

	for _, accept := range []string{"text/html", "application/json", "text/plain"} {
		t.Run(accept, func(t *testing.T) {
			first := ts.do(t, request{path: path, header: http.Header{"Accept": {accept}}}).wantStatus(t, http.StatusOK)
			etag := first.Header.Get("ETag")
			if etag == "" || first.Header.Get("Cache-Control") != cacheCredential {
				t.Fatalf("ETag = %q, Cache-Control = %q", etag, first.Header.Get("Cache-Control"))
			}

			again := ts.do(t, request{path: path, header: http.Header{"Accept": {accept}, "If-None-Match": {etag}}})
			again.wantStatus(t, http.StatusNotModified)
		})
	}

	html := ts.do(t, request{path: path, header: http.Header{"Accept": {"text/html"}}})
	jwt := ts.do(t, request{path: path, header: http.Header{"Accept": {"text/plain"}}})
	if html.Header.Get("ETag") == jwt.Header.Get("ETag") {
		t.Errorf("HTML and JWS share the ETag %q", html.Header.Get("ETag"))
	}
}

func TestCredentialPage(t *testing.T) {
	ts := newTestServer(t)
	res := ts.issue(t)
	award := ts.credentialOf(t, res, "S1002")

	resp := ts.do(t, request{path: "/credentials/" + award.Credential.ID, header: http.Header{"Accept": {"text/html"}}}).wantStatus(t, http.StatusOK)
	page := string(resp.body)

	if strings.Contains(page, "<script>") {
		t.Errorf("page contains the recipient's name unescaped")
	}
	for _, want := range []string{
		"&lt;script&gt;alert(1)&lt;/script&gt; LEE",
		"Informed and Professionally Competent",
		"Gains current knowledge of a profession.",
		"Example University",
		"Careers Centre",
		"Earned at",
		"CV Writing Workshop</span>, 1 March 2025 – 8 March 2025",
		"Attended 3 of 4 sessions",
		"Active",
		`src="` + ts.URL + "/achievements/" + ts.achievement.ID + `/image.svg"`,
		`alt="Badge: Informed and Professionally Competent"`,
		`href="/credentials/` + award.Credential.ID + `?format=jwt"`,
		`href="/credentials/` + award.Credential.ID + `?format=json"`,
		`<html lang="en">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page does not contain %q", want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("page CSP = %q", csp)
	}

	chan_ := ts.credentialOf(t, res, "S1001")
	other := ts.do(t, request{path: "/credentials/" + chan_.Credential.ID, header: http.Header{"Accept": {"text/html"}}})
	if !strings.Contains(string(other.body), "CHAN Tai Man</span> / <span dir=\"auto\">陳大文") {
		t.Errorf("page does not show both names of S1001")
	}

	css := ts.get(t, "/static/app.css", "").wantStatus(t, http.StatusOK)
	if ct := css.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("stylesheet Content-Type = %q", ct)
	}
}

func TestCredentialPageShowsRevocation(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	path := "/credentials/" + award.Credential.ID
	html := http.Header{"Accept": {"text/html"}}

	before := ts.do(t, request{path: path, header: html}).wantStatus(t, http.StatusOK)
	ts.postJSON(t, "/api/v1/credentials/"+award.Credential.ID+"/revoke", ts.admin.token, `{"reason": "awarded to the wrong student"}`).wantStatus(t, http.StatusOK)

	resp := ts.do(t, request{path: path, header: html.Clone()})
	resp.wantStatus(t, http.StatusOK)
	page := string(resp.body)
	for _, want := range []string{"Status: <strong>Revoked</strong>", "status-revoked", "The issuer revoked this credential on "} {
		if !strings.Contains(page, want) {
			t.Errorf("revoked credential page does not contain %q", want)
		}
	}
	if strings.Contains(page, "wrong student") {
		t.Error("the public page shows the revocation reason")
	}
	if resp.Header.Get("ETag") == before.Header.Get("ETag") {
		t.Error("the page kept its ETag after the revocation, so caches would keep showing it active")
	}
}

func TestCredentialPageShowsReplacement(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")

	resp := ts.postJSON(t, "/api/v1/credentials/"+award.Credential.ID+"/reissue", ts.admin.token, `{"reason": "name corrected"}`).wantStatus(t, http.StatusCreated)
	var next credentialView
	resp.decode(t, &next)

	old := string(ts.do(t, request{path: "/credentials/" + award.Credential.ID, header: http.Header{"Accept": {"text/html"}}}).wantStatus(t, http.StatusOK).body)
	for _, want := range []string{"Status: <strong>Revoked</strong> — replaced by", `href="/credentials/` + next.ID + `"`} {
		if !strings.Contains(old, want) {
			t.Errorf("replaced credential page does not contain %q", want)
		}
	}

	current := string(ts.do(t, request{path: "/credentials/" + next.ID, header: http.Header{"Accept": {"text/html"}}}).wantStatus(t, http.StatusOK).body)
	if !strings.Contains(current, "Status: <strong>Active</strong>") {
		t.Error("the corrected credential's page does not say Active")
	}
}

func TestCredentialUnknown(t *testing.T) {
	ts := newTestServer(t)

	cases := []struct {
		name, id, accept string
		html             bool
	}{
		{"html", uuid.NewString(), "text/html", true},
		{"browser default", uuid.NewString(), "", true},
		{"json", uuid.NewString(), "application/json", false},
		{"jwt", uuid.NewString(), "application/jwt", false},
		{"not a uuid", "IPC-not-an-id", "text/html", true},
		{"jwt suffix", uuid.NewString() + ".jwt", "text/html", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := ts.do(t, request{path: "/credentials/" + c.id, header: http.Header{"Accept": {c.accept}}}).wantStatus(t, http.StatusNotFound)

			if c.html {
				if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !bytes.Contains(resp.body, []byte("Credential not found")) {
					t.Errorf("want the HTML not-found page, got %s: %.200s", resp.Header.Get("Content-Type"), resp.body)
				}
				return
			}
			if e := resp.errorBody(t); e.Error.Code != codeNotFound {
				t.Errorf("error code = %q, want not_found", e.Error.Code)
			}
		})
	}
}

func TestPublicAchievement(t *testing.T) {
	ts := newTestServer(t)
	id := ts.achievement.ID

	var doc map[string]any
	resp := ts.get(t, "/achievements/"+id, "").wantStatus(t, http.StatusOK)
	resp.decode(t, &doc)
	if doc["id"] != ts.URL+"/achievements/"+id || doc["achievementType"] != "CoCurricular" || doc["name"] != ts.achievement.Name {
		t.Errorf("achievement document = %v", doc)
	}
	criteria, _ := doc["criteria"].(map[string]any)
	if criteria["narrative"] != ts.achievement.Criteria {
		t.Errorf("criteria = %v", doc["criteria"])
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("ETag") == "" {
		t.Errorf("headers = %v, want CORS and an ETag", resp.Header)
	}

	svg := ts.get(t, "/achievements/"+id+"/image.svg", "").wantStatus(t, http.StatusOK)
	if ct := svg.Header.Get("Content-Type"); ct != "image/svg+xml" {
		t.Errorf("image Content-Type = %q", ct)
	}
	if csp := svg.Header.Get("Content-Security-Policy"); csp != "default-src 'none'; style-src 'unsafe-inline'" {
		t.Errorf("image CSP = %q", csp)
	}
	if svg.Header.Get("X-Content-Type-Options") != "nosniff" || !bytes.HasPrefix(svg.body, []byte("<svg")) {
		t.Errorf("image is not a nosniff SVG")
	}

	ts.get(t, "/achievements/"+id+"/image.gif", "").wantStatus(t, http.StatusNotFound)
	ts.get(t, "/achievements/"+uuid.NewString(), "").wantStatus(t, http.StatusNotFound)
	ts.get(t, "/achievements/IPC", "").wantStatus(t, http.StatusNotFound)
}

func TestIssuerDocument(t *testing.T) {
	ts := newTestServer(t)

	var doc issuerDoc
	ts.get(t, "/issuer", "").wantStatus(t, http.StatusOK).decode(t, &doc)
	if doc.ID != ts.svc.IssuerID || !strings.HasPrefix(doc.ID, "did:web:") || doc.Type[0] != "Profile" {
		t.Errorf("issuer id = %q, type = %v; want the did:web Profile", doc.ID, doc.Type)
	}
	if len(doc.Context) != 2 || doc.Context[1] != "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" {
		t.Errorf("@context = %v", doc.Context)
	}
	if doc.Name != "Example University" || doc.Email != "badges@example.edu" || doc.URL != "https://www.example.edu" {
		t.Errorf("issuer = %+v", doc)
	}
}
