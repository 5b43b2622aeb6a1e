package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

// publicRoutes lists every route that serves anonymous requests, as
// "METHOD pattern". A route added outside a role group fails
// TestEveryRouteChecksRole until it is listed here on purpose.
var publicRoutes = map[string]bool{
	"GET /":                                 true,
	"GET /healthz":                          true,
	"GET /readyz":                           true,
	"GET /metrics":                          true,
	"GET /static/*":                         true,
	"GET /.well-known/did.json":             true,
	"GET /did.json":                         true,
	"GET /.well-known/jwks.json":            true,
	"GET /issuer":                           true,
	"GET /credentials/{id}":                 true,
	"GET /credentials/{id}/badge.png":       true,
	"GET /credentials/{id}/badge.svg":       true,
	"GET /credentials/{id}/qr.png":          true,
	"GET /credentials/{id}/qr.svg":          true,
	"GET /credentials/{id}/certificate.pdf": true,
	"GET /transcripts/{token}":              true,
	"GET /status/{id}":                      true,
	"GET /achievements/{id}":                true,
	"GET /achievements/{id}/image.{ext}":    true,
	"GET /activities/{id}":                  true,
	"GET /units/{name}":                     true,
	"GET /verify":                           true,
	"POST /verify":                          true,
	"POST /api/v1/verify":                   true,
	"GET /signin":                           true,
	"POST /signin":                          true,
	"GET /signin/link":                      true,
	"POST /signin/link":                     true,
	"GET /signin/link/{token}":              true,
	"POST /signin/link/{token}":             true,
	"POST /signout":                         true,
	"GET /records":                          true,
}

// staffAPIRoutes lists the API routes that organisers may call, as
// "METHOD pattern". Every other API route is for admins only, and
// TestEveryRouteChecksRole checks that it rejects an organiser's token
// with 403 before it reads the body.
var staffAPIRoutes = map[string]bool{
	"GET /api/v1/achievements":                  true,
	"GET /api/v1/activities":                    true,
	"POST /api/v1/activities":                   true,
	"GET /api/v1/activities/{id}":               true,
	"PUT /api/v1/activities/{id}":               true,
	"GET /api/v1/activities/{id}/promotion":     true,
	"POST /api/v1/organisers/{id}/sessions/end": true,
	"POST /api/v1/activities/{id}/enrolments":   true,
	"GET /api/v1/activities/{id}/template.csv":  true,
	"GET /api/v1/activities/{id}/template.xlsx": true,
	"POST /api/v1/activities/{id}/attendance":   true,
	"GET /api/v1/activities/{id}/uploads":       true,
	"GET /api/v1/uploads/{id}":                  true,
	"GET /api/v1/uploads/{id}/file":             true,
	"GET /api/v1/awards":                        true,
	"GET /api/v1/profile":                       true,
	"GET /api/v1/upload-runs/{id}":              true,
}

// roleGroups maps the path prefix of each role group to the roles it
// admits. Every route of the pages must sit under one of them.
var roleGroups = []struct {
	prefix string
	roles  []issuer.Role
}{
	{"/admin/", []issuer.Role{issuer.RoleAdmin}},
	{"/organiser/", []issuer.Role{issuer.RoleOrganiser}},
	{"/student/", []issuer.Role{issuer.RoleStudent}},
	{"/enrol/", []issuer.Role{issuer.RoleStudent}},
	{"/staff/", []issuer.Role{issuer.RoleAdmin, issuer.RoleOrganiser}},
	{"/account/", []issuer.Role{issuer.RoleAdmin, issuer.RoleOrganiser}},
}

// TestEveryRouteChecksRole walks the whole router, so that routes added
// later are covered without editing this test. It sends every route that
// is not public a request without a session, and one from each role that
// its group does not admit, and checks that none gets through.
func TestEveryRouteChecksRole(t *testing.T) {
	ts := newTestServer(t)
	srv := &Server{Service: ts.svc}
	router, ok := srv.Handler().(chi.Routes)
	if !ok {
		t.Fatal("Handler does not return a chi router")
	}

	clients := map[issuer.Role]*http.Client{
		issuer.RoleAdmin:     ts.signedIn(t, &issuer.Principal{User: ts.admin.user}),
		issuer.RoleOrganiser: ts.signedIn(t, &issuer.Principal{User: ts.organiser.user}),
		issuer.RoleStudent:   ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1001")}),
	}
	anonymous := browserClient(t)

	checked := 0
	walked := map[string]bool{}
	err := chi.Walk(router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		walked[method+" "+route] = true
		if publicRoutes[method+" "+route] {
			return nil
		}
		checked++
		path := samplePath(route)
		form := url.Values(nil)
		if method != http.MethodGet && method != http.MethodHead {
			form = url.Values{"x": {"1"}}
		}

		t.Run(method+" "+route, func(t *testing.T) {
			res := ts.pageMethod(t, anonymous, method, path, form)
			if res.StatusCode < 300 || (res.StatusCode < 400 && !strings.HasPrefix(res.Header.Get("Location"), "/signin")) {
				t.Errorf("anonymous %s %s: status %d, Location %q; want 401, 403 or a redirect to /signin",
					method, path, res.StatusCode, res.Header.Get("Location"))
			}

			if strings.HasPrefix(route, "/api/v1/student/") {
				// The student routes take a student's browser session
				// only: staff sessions and tokens get 403.
				for _, role := range []issuer.Role{issuer.RoleAdmin, issuer.RoleOrganiser} {
					res := ts.pageMethod(t, clients[role], method, path, form)
					if res.StatusCode != http.StatusForbidden {
						t.Errorf("%s session: %s %s: status %d, want 403", role, method, path, res.StatusCode)
					}
				}
				res := ts.do(t, request{method: method, path: path, token: ts.admin.token})
				if res.StatusCode != http.StatusForbidden {
					t.Errorf("admin token: %s %s: status %d, want 403", method, path, res.StatusCode)
				}
				return
			}

			if strings.HasPrefix(route, "/api/") {
				// The API takes bearer tokens only: a browser session is
				// no credential there.
				res := ts.pageMethod(t, clients[issuer.RoleAdmin], method, path, form)
				if res.StatusCode != http.StatusUnauthorized {
					t.Errorf("admin session without token: %s %s: status %d, want 401", method, path, res.StatusCode)
				}
				if !staffAPIRoutes[method+" "+route] {
					checkAdminOnlyAPI(t, ts, method, path)
				}
				return
			}

			admitted, ok := groupRoles(route)
			if !ok {
				t.Fatalf("%s %s is in no role group; put it under one of the group prefixes or, when it is public, in publicRoutes", method, route)
			}
			for role, c := range clients {
				if admitted[role] {
					continue
				}
				res := ts.pageMethod(t, c, method, path, form)
				if res.StatusCode != http.StatusForbidden {
					t.Errorf("%s %s %s: status %d, want 403", role, method, path, res.StatusCode)
				}
			}
		})
		return nil
	})
	if err != nil {
		t.Fatalf("walk routes: %v", err)
	}
	if checked < 10 {
		t.Fatalf("checked %d routes; the walk missed the role groups", checked)
	}
	for route := range staffAPIRoutes {
		if !walked[route] {
			t.Errorf("staffAPIRoutes lists %s, which the router does not serve; remove it from the list", route)
		}
	}
}

// checkAdminOnlyAPI sends an admin-only API route an organiser's token
// with a body and query that the handler would reject with 400 or 422,
// and expects 403: the role is checked before the request is read.
func checkAdminOnlyAPI(t *testing.T, ts *testServer, method, path string) {
	t.Helper()
	req := request{method: method, path: path + "?limit=-1&status=nope&state=nope", token: ts.organiser.token,
		header: http.Header{"Content-Type": {"application/json"}}}
	if method != http.MethodGet && method != http.MethodHead {
		req.body = strings.NewReader(`{"name": "unfinished`)
	}

	res := ts.do(t, req)
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("organiser token, malformed request: %s %s: status %d, want 403; body: %s", method, path, res.StatusCode, res.body)
		return
	}
	if got := res.errorBody(t).Error.Code; got != codeForbidden {
		t.Errorf("organiser token: %s %s: error code %q, want %q", method, path, got, codeForbidden)
	}
}

// samplePath fills a route pattern's parameters with a fresh UUID.
func samplePath(route string) string {
	var b strings.Builder
	for {
		start := strings.IndexByte(route, '{')
		if start < 0 {
			break
		}
		end := strings.IndexByte(route[start:], '}')
		b.WriteString(route[:start])
		b.WriteString(uuid.NewString())
		route = route[start+end+1:]
	}
	b.WriteString(route)
	return strings.ReplaceAll(b.String(), "*", "x")
}

func groupRoles(route string) (map[issuer.Role]bool, bool) {
	for _, g := range roleGroups {
		if strings.HasPrefix(route, g.prefix) {
			admitted := map[issuer.Role]bool{}
			for _, r := range g.roles {
				admitted[r] = true
			}
			return admitted, true
		}
	}
	return nil, false
}
