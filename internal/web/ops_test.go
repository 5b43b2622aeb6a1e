package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestInternalErrorHidesDetail(t *testing.T) {
	ts := newTestServer(t)
	ts.store.fail.Store(true)

	resp := ts.get(t, "/api/v1/achievements", ts.admin.token).wantStatus(t, http.StatusInternalServerError)

	for _, secret := range []string{"sqlite", "SQLITE", "malformed", "/var/lib"} {
		if strings.Contains(string(resp.body), secret) {
			t.Errorf("error body contains %q: %s", secret, resp.body)
		}
	}
	e := resp.errorBody(t)
	if e.Error.Code != codeInternal || e.Error.Message != "internal error" {
		t.Errorf("error = %+v, want internal_error with the generic message", e.Error)
	}
	if id := resp.Header.Get(requestIDHeader); id == "" || e.Error.RequestID != id {
		t.Errorf("body request id %q, header %q; want the same, not empty", e.Error.RequestID, id)
	}

	// The detail goes to the log, under the same request id.
	found := false
	for _, rec := range ts.logs.lines(t) {
		if rec["msg"] == "request failed" && rec["request_id"] == e.Error.RequestID && strings.Contains(rec["err"].(string), "SQLITE_CORRUPT") {
			found = true
		}
	}
	if !found {
		t.Errorf("no log line holds the store error with request id %s:\n%s", e.Error.RequestID, ts.logs.String())
	}
}

func TestLogsCarryRequestIDAndNoSecrets(t *testing.T) {
	ts := newTestServer(t)
	res := ts.issue(t)
	award := ts.credentialOf(t, res, "S1001")

	ts.get(t, "/credentials/"+award.Credential.ID+"?format=jwt", "").wantStatus(t, http.StatusOK)
	ts.get(t, "/credentials/"+award.Credential.ID+"?token=query-secret-value", "").wantStatus(t, http.StatusOK)
	ts.get(t, "/api/v1/achievements", "laurel_wrong-token-value").wantStatus(t, http.StatusUnauthorized)
	ts.get(t, "/api/v1/activities/"+ts.activity.ID, ts.otherOrganiser.token).wantStatus(t, http.StatusForbidden)

	logs := ts.logs.String()
	for _, secret := range []string{ts.admin.token, ts.organiser.token, ts.otherOrganiser.token, "laurel_", "eyJ", "query-secret-value", award.Credential.ID, "Bearer"} {
		if strings.Contains(logs, secret) {
			t.Errorf("logs contain %q", secret)
		}
	}

	requests := 0
	for _, rec := range ts.logs.lines(t) {
		if id, _ := rec["request_id"].(string); id == "" {
			t.Errorf("log line without request_id: %v", rec)
		}
		if rec["msg"] == "request" {
			requests++
			for _, key := range []string{"method", "route", "status", "bytes", "duration_ms"} {
				if _, ok := rec[key]; !ok {
					t.Errorf("access log line lacks %s: %v", key, rec)
				}
			}
		}
	}
	if requests != 5 {
		t.Errorf("logged %d requests, want 5", requests)
	}
}

func TestAccessLogLevels(t *testing.T) {
	ts := newTestServer(t)
	ts.get(t, "/healthz", "").wantStatus(t, http.StatusOK)
	ts.get(t, "/api/v1/achievements", "").wantStatus(t, http.StatusUnauthorized)
	ts.store.fail.Store(true)
	ts.get(t, "/api/v1/achievements", ts.admin.token).wantStatus(t, http.StatusInternalServerError)

	want := map[float64]string{200: "INFO", 401: "WARN", 500: "ERROR"}
	for _, rec := range ts.logs.lines(t) {
		if rec["msg"] != "request" {
			continue
		}
		status := rec["status"].(float64)
		if rec["level"] != want[status] {
			t.Errorf("status %v logged at %v, want %s", status, rec["level"], want[status])
		}
		if status == 200 && rec["route"] != "/healthz" {
			t.Errorf("route = %v, want the pattern /healthz", rec["route"])
		}
	}
}

func TestRequestIDHeader(t *testing.T) {
	ts := newTestServer(t)

	cases := []struct {
		name, inbound string
		kept          bool
	}{
		{"well-formed kept", "edge-4f2a_91", true},
		{"64 characters kept", strings.Repeat("a", 64), true},
		{"65 characters replaced", strings.Repeat("a", 65), false},
		{"spaces replaced", "id with spaces", false},
		{"log forging replaced", `x","level":"ERROR`, false},
		{"absent", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			header := http.Header{}
			if c.inbound != "" {
				header.Set(requestIDHeader, c.inbound)
			}
			got := ts.do(t, request{path: "/healthz", header: header}).Header.Get(requestIDHeader)

			if c.kept && got != c.inbound {
				t.Errorf("request id = %q, want the inbound %q", got, c.inbound)
			}
			if !c.kept && (got == c.inbound || !inboundRequestID.MatchString(got)) {
				t.Errorf("request id = %q, want a new well-formed id", got)
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	ts := newTestServer(t)

	for _, path := range []string{"/healthz", "/issuer", "/.well-known/jwks.json", "/nothing"} {
		t.Run(path, func(t *testing.T) {
			resp := ts.get(t, path, "")
			want := map[string]string{
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "no-referrer",
				"X-Frame-Options":         "DENY",
				"Content-Security-Policy": baseCSP,
			}
			for k, v := range want {
				if got := resp.Header.Get(k); got != v {
					t.Errorf("%s = %q, want %q", k, got, v)
				}
			}
		})
	}
}

func TestReadyz(t *testing.T) {
	ts := newTestServer(t)

	ts.get(t, "/healthz", "").wantStatus(t, http.StatusOK)
	ts.get(t, "/readyz", "").wantStatus(t, http.StatusOK)

	ts.failReady.Store(true)
	resp := ts.get(t, "/readyz", "").wantStatus(t, http.StatusServiceUnavailable)
	var body struct {
		Status string
		Error  errorDetail
	}
	resp.decode(t, &body)
	if body.Status != "unavailable" || body.Error.Code != codeUnavailable {
		t.Errorf("body = %s, want status unavailable", resp.body)
	}
	if strings.Contains(string(resp.body), "sqlite") {
		t.Errorf("readyz body leaks the driver error: %s", resp.body)
	}
	ts.get(t, "/healthz", "").wantStatus(t, http.StatusOK)
}

func TestMetricsEndpoint(t *testing.T) {
	ts := newTestServer(t)
	ts.get(t, "/api/v1/achievements", ts.admin.token).wantStatus(t, http.StatusOK)
	ts.get(t, "/api/v1/achievements", "").wantStatus(t, http.StatusUnauthorized)
	ts.get(t, "/no/such/path/"+strings.Repeat("x", 10), "").wantStatus(t, http.StatusNotFound)

	metrics := string(ts.get(t, "/metrics", "").wantStatus(t, http.StatusOK).body)
	for _, want := range []string{
		`laurel_http_requests_total{method="GET",route="/api/v1/achievements",status="200"} 1`,
		`laurel_http_requests_total{method="GET",route="/api/v1/achievements",status="401"} 1`,
		`laurel_http_requests_total{method="GET",route="unmatched",status="404"} 1`,
		`laurel_http_request_duration_seconds_count{method="GET",route="/api/v1/achievements",status="200"} 1`,
		`laurel_credentials_issued_total 0`,
	} {
		if !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %s:\n%s", want, grepLines(metrics, "laurel_"))
		}
	}
}

func TestWellKnownDocuments(t *testing.T) {
	ts := newTestServer(t)

	cases := []struct {
		name, path, accept, wantType string
	}{
		{"did default", "/.well-known/did.json", "", "application/json"},
		{"did asked", "/.well-known/did.json", "application/did+json", "application/did+json"},
		{"did json asked", "/.well-known/did.json", "application/json", "application/json"},
		{"jwks", "/.well-known/jwks.json", "", "application/jwk-set+json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := ts.do(t, request{path: c.path, header: http.Header{"Accept": {c.accept}}}).wantStatus(t, http.StatusOK)
			if ct := resp.Header.Get("Content-Type"); ct != c.wantType {
				t.Errorf("Content-Type = %q, want %q", ct, c.wantType)
			}
			if cc := resp.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=300") {
				t.Errorf("Cache-Control = %q", cc)
			}
			if !json.Valid(resp.body) {
				t.Errorf("body is not JSON: %s", resp.body)
			}

			etag := resp.Header.Get("ETag")
			again := ts.do(t, request{path: c.path, header: http.Header{"If-None-Match": {etag}, "Accept": {c.accept}}})
			again.wantStatus(t, http.StatusNotModified)
		})
	}

	head := ts.do(t, request{method: http.MethodHead, path: "/.well-known/jwks.json"}).wantStatus(t, http.StatusOK)
	if len(head.body) != 0 || head.Header.Get("ETag") == "" {
		t.Errorf("HEAD returned %d body bytes and ETag %q, want no body and an ETag", len(head.body), head.Header.Get("ETag"))
	}

	var did struct {
		ID               string `json:"id"`
		AssertionMethod  []any  `json:"assertionMethod"`
		VerificationMeth []any  `json:"verificationMethod"`
	}
	ts.get(t, "/.well-known/did.json", "").decode(t, &did)
	if did.ID != ts.svc.IssuerID || len(did.AssertionMethod) == 0 {
		t.Errorf("DID document = %+v, want the issuer DID with an assertion method", did)
	}
}

func TestPanicRecovery(t *testing.T) {
	ts := newTestServer(t)
	s := &Server{Logger: ts.svc.Logger}
	s.setDefaults()

	h := withRequestID(s.recoverPanics(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		panic("boom: secret detail")
	})))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))

	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status = %d, want 500", rec.Code)
	}
	var body errorBody
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatalf("body is not JSON: %s", rec.Body)
	}
	if body.Error.Message != "internal error" || body.Error.RequestID != rec.Header().Get(requestIDHeader) || strings.Contains(rec.Body.String(), "boom") {
		t.Errorf("body = %s, want the generic error with the request id", rec.Body)
	}
	if !strings.Contains(ts.logs.String(), "boom: secret detail") {
		t.Errorf("the panic was not logged")
	}
}
