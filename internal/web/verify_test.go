package web

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/verifier"
)

// withVerifier gives the server a verifier that treats its own issuer as
// its own and may reach the loopback test server.
func withVerifier(t testing.TB) func(*Server) {
	t.Helper()
	return func(s *Server) {
		v, err := verifier.New(verifier.Options{OwnIssuers: []string{s.Service.IssuerID}, AllowHTTP: true, AllowPrivate: true})
		if err != nil {
			t.Fatal(err)
		}
		s.Verifier = v
	}
}

func decodeResult(t testing.TB, resp response) verifier.Result {
	t.Helper()
	var res verifier.Result
	if err := json.Unmarshal(resp.body, &res); err != nil {
		t.Fatalf("result is not JSON: %v: %s", err, resp.body)
	}
	return res
}

func TestAPIVerifyOwnCredential(t *testing.T) {
	ts := newTestServer(t, withVerifier(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	credURL := ts.URL + "/credentials/" + award.Credential.ID

	tests := []struct {
		name  string
		input string
		email string
		want  verifier.Verdict
	}{
		{"token", award.Credential.JWS, "", verifier.Valid},
		{"link", credURL, "", verifier.Valid},
		{"link to the JSON copy", credURL + ".json", "", verifier.Valid},
		{"link to the JWS", credURL + ".jwt", "", verifier.Valid},
		{"pasted JSON copy", string(award.Credential.Document), "", verifier.Indeterminate},
		{"token and recipient", award.Credential.JWS, "s1001@stu.example.edu", verifier.Valid},
		{"token and another recipient", award.Credential.JWS, "someone.else@example.org", verifier.Invalid},
		{"changed token", strings.Replace(award.Credential.JWS, ".", ".e", 1), "", verifier.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"credential": tt.input, "email": tt.email})
			resp := ts.postJSON(t, "/api/v1/verify", "", string(body)).wantStatus(t, http.StatusOK)
			if res := decodeResult(t, resp); res.Verdict != tt.want {
				t.Errorf("verdict %s, want %s: %s", res.Verdict, tt.want, resp.body)
			}
		})
	}
}

// newInProcessVerifyServer starts a test server whose hosted verifier is
// wired as laurel serve wires it: requests for the server's own host go to
// its router in process, from inside the routed request, and nothing may
// be fetched over the network.
func newInProcessVerifyServer(t testing.TB) *testServer {
	t.Helper()
	var router atomic.Pointer[http.Handler]
	ts := newTestServer(t, func(s *Server) {
		u, err := url.Parse(s.Service.URLs.Base)
		if err != nil {
			t.Fatal(err)
		}
		inProcess := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { (*router.Load()).ServeHTTP(w, r) })
		s.Verifier, err = verifier.New(verifier.Options{
			OwnIssuers:    []string{s.Service.IssuerID},
			LocalHandlers: map[string]http.Handler{u.Host: inProcess},
		})
		if err != nil {
			t.Fatal(err)
		}
	})
	router.Store(&ts.handler)
	return ts
}

// TestAPIVerifyOwnCredentialInProcess verifies our own credential from
// inside the routed request POST /api/v1/verify.
func TestAPIVerifyOwnCredentialInProcess(t *testing.T) {
	ts := newInProcessVerifyServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")

	body, _ := json.Marshal(map[string]string{"credential": award.Credential.JWS})
	resp := ts.postJSON(t, "/api/v1/verify", "", string(body)).wantStatus(t, http.StatusOK)
	if res := decodeResult(t, resp); res.Verdict != verifier.Valid {
		t.Errorf("verdict %s, want valid: %s", res.Verdict, resp.body)
	}
}

// TestVerifyShowsRevocationAtOnce verifies our own credential, revokes it
// and verifies it again at once. The hosted verifier must not use the
// status list it fetched before, which may be cached for a minute.
func TestVerifyShowsRevocationAtOnce(t *testing.T) {
	verifyAPI := func(t *testing.T, ts *testServer, jws string) string {
		body, _ := json.Marshal(map[string]string{"credential": jws})
		resp := ts.postJSON(t, "/api/v1/verify", "", string(body)).wantStatus(t, http.StatusOK)
		return string(decodeResult(t, resp).Verdict)
	}
	verifyPage := func(t *testing.T, ts *testServer, jws string) string {
		form := url.Values{"credential": {jws}}
		resp := ts.do(t, request{method: http.MethodPost, path: "/verify", body: strings.NewReader(form.Encode()),
			header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}}).wantStatus(t, http.StatusOK)
		for _, v := range []verifier.Verdict{verifier.Valid, verifier.Revoked} {
			if strings.Contains(string(resp.body), fmt.Sprintf(`class="status %s">%s</h2>`, verdictOf(v).Class, verdictOf(v).Title)) {
				return string(v)
			}
		}
		return "neither valid nor revoked"
	}

	tests := []struct {
		name   string
		verify func(t *testing.T, ts *testServer, jws string) string
	}{
		{"POST /api/v1/verify", verifyAPI},
		{"POST /verify", verifyPage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newInProcessVerifyServer(t)
			award := ts.credentialOf(t, ts.issue(t), "S1001")
			if got := tt.verify(t, ts, award.Credential.JWS); got != string(verifier.Valid) {
				t.Fatalf("before revocation: verdict %s, want valid", got)
			}

			if _, err := ts.svc.Revoke(context.Background(), ts.admin.user, award.Credential.ID, "entered in error"); err != nil {
				t.Fatal(err)
			}
			if got := tt.verify(t, ts, award.Credential.JWS); got != string(verifier.Revoked) {
				t.Errorf("right after revocation: verdict %s, want revoked", got)
			}
		})
	}
}

// TestAPIVerifyBlockedLinkMessage verifies links that the hosted verifier
// may not fetch. Its visitors cannot change that policy, so the message
// names no command-line flag, and it does not suggest trying again.
func TestAPIVerifyBlockedLinkMessage(t *testing.T) {
	ts := newInProcessVerifyServer(t)
	tests := []struct {
		name, link, code string
	}{
		{"plain http", "http://127.0.0.1:1/credentials/1", "blocked_url"},
		{"loopback", "https://127.0.0.1:1/credentials/1", "blocked_address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"credential": tt.link})
			res := decodeResult(t, ts.postJSON(t, "/api/v1/verify", "", string(body)).wantStatus(t, http.StatusOK))
			format := res.Check(verifier.CheckFormat)
			if format == nil || format.Code != tt.code {
				t.Fatalf("format check %+v, want code %s", format, tt.code)
			}
			for _, unwanted := range []string{"--allow", "laurel verify", "Try again later"} {
				if strings.Contains(format.Message, unwanted) {
					t.Errorf("message contains %q: %s", unwanted, format.Message)
				}
			}
		})
	}
}

// TestAPIVerifyCredentialForms sends the credential in each form the API
// accepts: a token string, a credential object, a file under "file" or
// under "credential".
func TestAPIVerifyCredentialForms(t *testing.T) {
	ts := newTestServer(t, withVerifier(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	jsonCopy := string(award.Credential.Document)

	multipartFile := func(field string) (io.Reader, string) {
		return multipartBody(t, field, "badge.jwt", []byte(award.Credential.JWS), nil)
	}
	tests := []struct {
		name string
		body func() (io.Reader, string)
		want verifier.Verdict
	}{
		{"token string", func() (io.Reader, string) {
			return strings.NewReader(`{"credential": "` + award.Credential.JWS + `"}`), "application/json"
		}, verifier.Valid},
		{"credential object", func() (io.Reader, string) {
			return strings.NewReader(`{"credential": ` + jsonCopy + `, "email": "s1001@stu.example.edu"}`), "application/json"
		}, verifier.Indeterminate},
		{"file under file", func() (io.Reader, string) { return multipartFile("file") }, verifier.Valid},
		{"file under credential", func() (io.Reader, string) { return multipartFile("credential") }, verifier.Valid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, contentType := tt.body()
			resp := ts.do(t, request{method: http.MethodPost, path: "/api/v1/verify", body: body,
				header: http.Header{"Content-Type": {contentType}}}).wantStatus(t, http.StatusOK)
			res := decodeResult(t, resp)
			if res.Verdict != tt.want {
				t.Errorf("verdict %s, want %s: %s", res.Verdict, tt.want, resp.body)
			}
		})
	}
}

// TestAPIVerifyRequestErrors sends bodies the API rejects. The messages
// name the field and the JSON type expected, never a Go type.
func TestAPIVerifyRequestErrors(t *testing.T) {
	ts := newTestServer(t, withVerifier(t))
	both, bothType := multipartBody(t, "file", "badge.jwt", []byte("a.b.c"), map[string][]string{"credential": {"https://badges.example.edu/credentials/1"}})
	twoFiles, twoFilesType := func() (io.Reader, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		for _, field := range []string{"file", "credential"} {
			fw, err := mw.CreateFormFile(field, "badge.jwt")
			if err != nil {
				t.Fatal(err)
			}
			fw.Write([]byte("a.b.c"))
		}
		mw.Close()
		return &b, mw.FormDataContentType()
	}()

	tests := []struct {
		name        string
		contentType string
		body        io.Reader
		want        string
	}{
		{"array body", "application/json", strings.NewReader(`[1]`), "the request body is a JSON array; expected an object"},
		{"string body", "application/json", strings.NewReader(`"a.b.c"`), "the request body is a JSON string; expected an object"},
		{"credential number", "application/json", strings.NewReader(`{"credential": 5}`), `field "credential" is a JSON number; expected a string`},
		{"credential array", "application/json", strings.NewReader(`{"credential": ["a.b.c"]}`), `field "credential" is a JSON array; expected a string`},
		{"email number", "application/json", strings.NewReader(`{"credential": "a.b.c", "email": 5}`), `field "email" is a JSON number; expected a string`},
		{"broken JSON", "application/json", strings.NewReader(`{"credential": }`), "the request body is not valid JSON at byte"},
		{"text and file", bothType, both, "give either a link or text, or a file, not both"},
		{"two files", twoFilesType, twoFiles, "2 files were uploaded; upload one badge file at a time"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.do(t, request{method: http.MethodPost, path: "/api/v1/verify", body: tt.body,
				header: http.Header{"Content-Type": {tt.contentType}}}).wantStatus(t, http.StatusBadRequest)
			msg := resp.errorBody(t).Error.Message
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message %q lacks %q", msg, tt.want)
			}
			for _, goWords := range []string{"Go ", "struct", "verifyRequest", "web.", "json:"} {
				if strings.Contains(msg, goWords) {
					t.Errorf("message %q shows Go internals (%q)", msg, goWords)
				}
			}
		})
	}
}

func TestAPIVerifyRejectsBadRequests(t *testing.T) {
	ts := newTestServer(t, withVerifier(t))
	tests := []struct {
		name, contentType, body string
		status                  int
	}{
		{"empty credential", "application/json", `{"credential": "  "}`, http.StatusBadRequest},
		{"unknown member", "application/json", `{"jwt": "a.b.c"}`, http.StatusBadRequest},
		{"xml body", "application/xml", `<a/>`, http.StatusUnsupportedMediaType},
		{"too large", "application/json", `{"credential": "` + strings.Repeat("a", MaxVerifyBytes) + `"}`, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.do(t, request{method: http.MethodPost, path: "/api/v1/verify", body: strings.NewReader(tt.body),
				header: http.Header{"Content-Type": {tt.contentType}}}).wantStatus(t, tt.status)
		})
	}
}

func TestVerifyPageUpload(t *testing.T) {
	ts := newTestServer(t, withVerifier(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "badge.jwt")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write([]byte(award.Credential.JWS))
	mw.WriteField("email", "someone.else@example.org")
	mw.Close()

	resp := ts.do(t, request{method: http.MethodPost, path: "/verify", body: &body,
		header: http.Header{"Content-Type": {mw.FormDataContentType()}}}).wantStatus(t, http.StatusOK)
	page := string(resp.body)
	for _, want := range []string{"Not valid", "✗ Failed:", "✓ Passed:", "Recipient you gave", "Informed and Professionally Competent"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "form-action 'self'") {
		t.Errorf("Content-Security-Policy %q does not allow the form", csp)
	}
}

func TestVerifyPageForm(t *testing.T) {
	ts := newTestServer(t, withVerifier(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")

	resp := ts.get(t, "/verify", "").wantStatus(t, http.StatusOK)
	for _, want := range []string{`<label for="credential">`, `<label for="file">`, `<label for="email">`, `method="post"`, "<h1>"} {
		if !strings.Contains(string(resp.body), want) {
			t.Errorf("form lacks %s", want)
		}
	}

	form := url.Values{"credential": {award.Credential.JWS}}
	resp = ts.do(t, request{method: http.MethodPost, path: "/verify", body: strings.NewReader(form.Encode()),
		header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}}).wantStatus(t, http.StatusOK)
	if !strings.Contains(string(resp.body), `class="status status-active">Valid</h2>`) {
		t.Errorf("page does not show Valid:\n%s", resp.body)
	}

	resp = ts.do(t, request{method: http.MethodPost, path: "/verify", body: strings.NewReader(form.Encode()),
		header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {"https://attacker.example"}, "Sec-Fetch-Site": {"cross-site"}}})
	resp.wantStatus(t, http.StatusForbidden)
}

func TestAPIVerifyRateLimit(t *testing.T) {
	ts := newTestServer(t, withVerifier(t))
	for range verifyBurst {
		ts.postJSON(t, "/api/v1/verify", "", `{"credential": "not a badge"}`).wantStatus(t, http.StatusOK)
	}
	resp := ts.postJSON(t, "/api/v1/verify", "", `{"credential": "not a badge"}`).wantStatus(t, http.StatusTooManyRequests)
	if resp.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}

func TestAPIVerifyRateLimitSettings(t *testing.T) {
	tests := []struct {
		name    string
		setting int
		allowed int // requests answered before the first 429; -1 for none
	}{
		{"lower limit", 3, 3},
		{"limit off", -1, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t, withVerifier(t), func(s *Server) { s.VerifyRateLimit = tt.setting })
			for i := range verifyBurst + 5 {
				resp := ts.postJSON(t, "/api/v1/verify", "", `{"credential": "not a badge"}`)
				if i == tt.allowed {
					resp.wantStatus(t, http.StatusTooManyRequests)
					if !strings.Contains(string(resp.body), fmt.Sprintf("at most %d per minute", tt.setting)) {
						t.Errorf("429 message does not give the limit %d: %s", tt.setting, resp.body)
					}
					return
				}
				resp.wantStatus(t, http.StatusOK)
			}
		})
	}
}

func TestRateLimiterRefills(t *testing.T) {
	var l rateLimiter
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for range verifyBurst {
		if !l.allow("192.0.2.1", now) {
			t.Fatal("request within the burst rejected")
		}
	}
	if l.allow("192.0.2.1", now) {
		t.Error("request beyond the burst allowed")
	}
	if !l.allow("192.0.2.2", now) {
		t.Error("another address shares the bucket")
	}
	if !l.allow("192.0.2.1", now.Add(verifyInterval/verifyBurst)) {
		t.Error("bucket did not refill after one interval share")
	}
}

// bakedPNG returns a 1×1 PNG carrying text in an iTXt chunk with the Open
// Badges 3.0 keyword.
func bakedPNG(text string) []byte {
	chunk := func(typ string, data []byte) []byte {
		out := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
		out = append(out, typ...)
		out = append(out, data...)
		return binary.BigEndian.AppendUint32(out, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	png := []byte("\x89PNG\r\n\x1a\n")
	png = append(png, chunk("IHDR", []byte{0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0})...)
	png = append(png, chunk("iTXt", []byte("openbadgecredential\x00\x00\x00\x00\x00"+text))...)
	return append(png, chunk("IEND", nil)...)
}

func TestVerifyPageBakedPNG(t *testing.T) {
	ts := newTestServer(t, withVerifier(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, err := mw.CreateFormFile("file", "badge.png")
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(bakedPNG(award.Credential.JWS))
	mw.Close()

	resp := ts.do(t, request{method: http.MethodPost, path: "/api/v1/verify", body: &body,
		header: http.Header{"Content-Type": {mw.FormDataContentType()}}}).wantStatus(t, http.StatusOK)
	res := decodeResult(t, resp)
	if res.Verdict != verifier.Valid || res.Baked != "png" {
		t.Errorf("verdict %s, baked %q; want valid from png: %s", res.Verdict, res.Baked, resp.body)
	}
}

// TestVerifyCertificatePDF uploads the PDF certificate this server makes:
// the verifier reads the credential.jwt it attaches and verifies it.
func TestVerifyCertificatePDF(t *testing.T) {
	ts := newTestServer(t, withFonts(t), withVerifier(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	pdf := ts.get(t, "/credentials/"+award.Credential.ID+"/certificate.pdf", "").wantStatus(t, http.StatusOK).body

	body, contentType := multipartBody(t, "file", "certificate.pdf", pdf, nil)
	resp := ts.do(t, request{method: http.MethodPost, path: "/api/v1/verify", body: body,
		header: http.Header{"Content-Type": {contentType}}}).wantStatus(t, http.StatusOK)
	res := decodeResult(t, resp)
	if res.Verdict != verifier.Valid || res.Baked != "pdf" {
		t.Errorf("verdict %s, baked %q; want valid from pdf: %s", res.Verdict, res.Baked, resp.body)
	}
}
