package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

const adminPassword = "correct horse battery staple"

func sessionCookie(t testing.TB, c *http.Client, base string) string {
	t.Helper()
	u, _ := url.Parse(base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == "laurel_session" {
			return ck.Value
		}
	}
	return ""
}

func TestPasswordSignIn(t *testing.T) {
	ts := newTestServer(t)
	ts.setPassword(t, ts.admin.user, adminPassword)

	// A session id planted before sign-in must not survive it.
	c := ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1001")})
	planted := sessionCookie(t, c, ts.URL)

	res := ts.page(t, c, "/signin", url.Values{"login": {ts.admin.user.Name}, "password": {adminPassword}, "next": {"/admin/organisers"}})
	res.wantRedirect(t, "/admin/organisers")

	var cookie *http.Cookie
	for _, ck := range res.Cookies() {
		if ck.Name == "laurel_session" {
			cookie = ck
		}
	}
	if cookie == nil {
		t.Fatal("sign-in set no session cookie")
	}
	if !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" {
		t.Errorf("session cookie HttpOnly=%v SameSite=%v Path=%q, want HttpOnly, Lax and /", cookie.HttpOnly, cookie.SameSite, cookie.Path)
	}
	if cookie.Value == planted {
		t.Error("sign-in kept the session id from before")
	}
	if _, err := ts.svc.SessionPrincipal(context.Background(), planted); !errors.Is(err, issuer.ErrUnauthenticated) {
		t.Errorf("old session after sign-in: err = %v, want ErrUnauthenticated", err)
	}

	home := ts.page(t, c, "/admin/organisers", nil)
	home.wantStatus(t, http.StatusOK)
	home.wantBodyContains(t, "Careers Centre Organiser")

	ts.page(t, c, "/signout", url.Values{}).wantRedirect(t, "/signin")
	ts.page(t, c, "/admin/", nil).wantRedirect(t, "/signin?next=%2Fadmin%2F")
}

func TestPasswordSignInRejected(t *testing.T) {
	ts := newTestServer(t)
	ts.setPassword(t, ts.admin.user, adminPassword)

	tests := []struct {
		name, login, password string
	}{
		{"wrong password", ts.admin.user.Name, "not the password at all"},
		{"unknown account", "nobody@example.edu", adminPassword},
		{"account without password", ts.organiser.user.Name, adminPassword},
		{"student without password", "s1001@stu.example.edu", adminPassword},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := ts.page(t, browserClient(t), "/signin", url.Values{"login": {tt.login}, "password": {tt.password}})
			res.wantStatus(t, http.StatusUnauthorized)
			res.wantBodyContains(t, "The email or password is wrong")
		})
	}
}

func TestSignInRateLimited(t *testing.T) {
	ts := newTestServer(t)
	ts.setPassword(t, ts.admin.user, adminPassword)
	form := url.Values{"login": {ts.admin.user.Name}, "password": {"a wrong password"}}

	for i := range maxFailuresByLogin {
		res := ts.page(t, browserClient(t), "/signin", form)
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("attempt %d: status %d, want 401", i+1, res.StatusCode)
		}
	}

	// Now even the right password waits, so that guessing cannot go on.
	form.Set("password", adminPassword)
	res := ts.page(t, browserClient(t), "/signin", form)
	res.wantStatus(t, http.StatusTooManyRequests)
	res.wantBodyContains(t, "Too many sign-in attempts")
	seconds, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || seconds < 1 || seconds > int(signInWindow.Seconds()) {
		t.Errorf("Retry-After = %q, want 1 to %d seconds", res.Header.Get("Retry-After"), int(signInWindow.Seconds()))
	}
}

func TestLinkRequestRevealsNoAccount(t *testing.T) {
	links := newFakeLinkSender()
	var srv *Server
	ts := newTestServer(t, func(s *Server) { s.SignInLinks = links; srv = s })

	known := ts.page(t, browserClient(t), "/signin/link", url.Values{"email": {"s1001@stu.example.edu"}})
	known.wantStatus(t, http.StatusOK)
	if got := links.next(t); got.to != "s1001@stu.example.edu" || got.name != "CHAN Tai Man" {
		t.Errorf("link sent to %q for %q, want s1001@stu.example.edu for CHAN Tai Man", got.to, got.name)
	}

	unknown := ts.page(t, browserClient(t), "/signin/link", url.Values{"email": {"x9999@stu.example.edu"}})
	unknown.wantStatus(t, http.StatusOK)
	links.none(t, srv)

	// The pages differ only in the address, which they repeat.
	a := bytes.ReplaceAll(known.body, []byte("s1001@stu.example.edu"), []byte("ADDRESS"))
	b := bytes.ReplaceAll(unknown.body, []byte("x9999@stu.example.edu"), []byte("ADDRESS"))
	if !bytes.Equal(a, b) {
		t.Errorf("link pages differ for a known and an unknown address:\n%s\n---\n%s", a, b)
	}
}

func TestSignInLinkWorksOnce(t *testing.T) {
	links := newFakeLinkSender()
	ts := newTestServer(t, func(s *Server) { s.SignInLinks = links })

	ts.page(t, browserClient(t), "/signin/link", url.Values{"email": {"s1002@stu.example.edu"}}).wantStatus(t, http.StatusOK)
	path := strings.TrimPrefix(links.next(t).link, ts.URL)
	if !strings.HasPrefix(path, "/signin/link/") {
		t.Fatalf("link %q is not a sign-in link of this server", path)
	}

	// Opening the link, as a mail scanner does, does not use it up.
	c := browserClient(t)
	ts.page(t, c, path, nil).wantStatus(t, http.StatusOK)
	ts.page(t, c, path, url.Values{}).wantRedirect(t, "/student/")
	home := ts.page(t, c, "/student/", nil)
	home.wantStatus(t, http.StatusOK)
	home.wantBodyContains(t, "&lt;script&gt;alert(1)&lt;/script&gt; LEE")

	again := ts.page(t, browserClient(t), path, url.Values{})
	again.wantStatus(t, http.StatusBadRequest)
	again.wantBodyContains(t, "has expired or was used already")

	secret := strings.TrimPrefix(path, "/signin/link/")
	if strings.Contains(ts.logs.String(), secret) {
		t.Error("the log contains the sign-in link's secret")
	}
}

func TestSignInLinkExpires(t *testing.T) {
	links := newFakeLinkSender()
	ts := newTestServer(t, func(s *Server) { s.SignInLinks = links })
	clock := time.Now()
	ts.svc.Now = func() time.Time { return clock }

	ts.page(t, browserClient(t), "/signin/link", url.Values{"email": {"s1003@stu.example.edu"}}).wantStatus(t, http.StatusOK)
	path := strings.TrimPrefix(links.next(t).link, ts.URL)

	clock = clock.Add(issuer.DefaultLinkTTL + time.Second)
	ts.page(t, browserClient(t), path, url.Values{}).wantStatus(t, http.StatusBadRequest)
}

func TestSessionExpiry(t *testing.T) {
	tests := []struct {
		name    string
		steps   []time.Duration // time between requests
		wantOut bool
	}{
		{"active within idle limit", []time.Duration{20 * time.Minute, 20 * time.Minute, 20 * time.Minute}, false},
		{"idle too long", []time.Duration{issuer.DefaultSessionIdle + time.Second}, true},
		// Requests every 25 minutes keep the session from idling out,
		// until the 12 hours of its maximum age have passed.
		{"older than maximum", repeat(25*time.Minute, int(issuer.DefaultSessionMax/(25*time.Minute))+1), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			clock := time.Now()
			ts.svc.Now = func() time.Time { return clock }
			c := ts.signedIn(t, &issuer.Principal{User: ts.admin.user})

			var res response
			for _, step := range tt.steps {
				clock = clock.Add(step)
				res = ts.page(t, c, "/admin/", nil)
			}
			signedOut := res.StatusCode == http.StatusSeeOther
			if signedOut != tt.wantOut {
				t.Errorf("signed out = %v (status %d), want %v", signedOut, res.StatusCode, tt.wantOut)
			}
		})
	}
}

func repeat(d time.Duration, n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = d
	}
	return out
}

func TestOwnershipHelpers(t *testing.T) {
	ts := newTestServer(t)
	srv := &Server{Service: ts.svc}
	lee, chan_ := ts.student(t, "S1002"), ts.student(t, "S1001")

	as := func(p *issuer.Principal) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		return r.WithContext(context.WithValue(r.Context(), principalKey, p))
	}

	if _, err := srv.ownActivity(as(&issuer.Principal{User: ts.organiser.user}), ts.activity.ID); err != nil {
		t.Errorf("organiser's own activity: %v", err)
	}
	if _, err := srv.ownActivity(as(&issuer.Principal{User: ts.otherOrganiser.user}), ts.activity.ID); !errors.Is(err, issuer.ErrForbidden) {
		t.Errorf("another organiser's activity: err = %v, want ErrForbidden", err)
	}
	if _, err := srv.ownActivity(as(&issuer.Principal{User: ts.admin.user}), ts.activity.ID); err != nil {
		t.Errorf("admin on any activity: %v", err)
	}

	if err := requireOwnStudent(as(&issuer.Principal{Student: lee}), lee.ID); err != nil {
		t.Errorf("student's own data: %v", err)
	}
	if err := requireOwnStudent(as(&issuer.Principal{Student: lee}), chan_.ID); !errors.Is(err, issuer.ErrForbidden) {
		t.Errorf("another student's data: err = %v, want ErrForbidden", err)
	}
	if err := requireOwnStudent(as(&issuer.Principal{User: ts.organiser.user}), lee.ID); !errors.Is(err, issuer.ErrForbidden) {
		t.Errorf("organiser on a student's data: err = %v, want ErrForbidden", err)
	}
	if err := requireOwnStudent(as(&issuer.Principal{User: ts.admin.user}), lee.ID); err != nil {
		t.Errorf("admin on a student's data: %v", err)
	}
	if err := requireOwnStudent(as(nil), lee.ID); !errors.Is(err, issuer.ErrUnauthenticated) {
		t.Errorf("anonymous: err = %v, want ErrUnauthenticated", err)
	}
}

func TestPagesSecurityHeaders(t *testing.T) {
	ts := newTestServer(t)
	res := ts.page(t, browserClient(t), "/signin", nil)
	res.wantStatus(t, http.StatusOK)
	if got := res.Header.Get("Content-Security-Policy"); got != appCSP {
		t.Errorf("Content-Security-Policy = %q, want %q", got, appCSP)
	}
	if strings.Contains(string(res.body), "<script") || strings.Contains(string(res.body), "style=") {
		t.Error("sign-in page has inline script or style")
	}

	css, err := assetURL("app.css")
	if err != nil {
		t.Fatal(err)
	}
	res.wantBodyContains(t, `href="`+css+`"`)
	static := ts.page(t, browserClient(t), css, nil)
	static.wantStatus(t, http.StatusOK)
	if got := static.Header.Get("Cache-Control"); got != "public, max-age=31536000, immutable" {
		t.Errorf("hashed static Cache-Control = %q, want a year, immutable", got)
	}
	if got := static.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/css") {
		t.Errorf("hashed static Content-Type = %q, want text/css", got)
	}
}

func TestErrorPagesShowNoInternals(t *testing.T) {
	ts := newTestServer(t)
	c := ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1001")})

	notFound := ts.page(t, c, "/no/such/page", nil)
	notFound.wantStatus(t, http.StatusNotFound)
	notFound.wantBodyContains(t, "There is no page at this address")
	notFound.wantBodyContains(t, "Signed in as")

	forbidden := ts.page(t, c, "/admin/organisers", nil)
	forbidden.wantStatus(t, http.StatusForbidden)
	forbidden.wantBodyContains(t, "Your account cannot open this page")
}

func TestSafeNext(t *testing.T) {
	tests := map[string]string{
		"/admin/organisers":    "/admin/organisers",
		"/student/?tab=badges": "/student/?tab=badges",
		"":                     "",
		"https://evil.example": "",
		"//evil.example/x":     "",
		"/\\evil.example":      "",
		"admin":                "",
		"javascript:alert(1)":  "",
	}
	for in, want := range tests {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLinkRequestsRateLimited(t *testing.T) {
	links := newFakeLinkSender()
	ts := newTestServer(t, func(s *Server) { s.SignInLinks = links })

	for range maxLinksByEmail {
		ts.page(t, browserClient(t), "/signin/link", url.Values{"email": {"s1001@stu.example.edu"}}).wantStatus(t, http.StatusOK)
		links.next(t)
	}
	perEmail := ts.page(t, browserClient(t), "/signin/link", url.Values{"email": {"S1001@stu.example.edu"}})
	perEmail.wantStatus(t, http.StatusTooManyRequests)

	// Every address counts against the client, known or not.
	for i := maxLinksByEmail; i < maxAttemptsByClient; i++ {
		res := ts.page(t, browserClient(t), "/signin/link", url.Values{"email": {"nobody" + strconv.Itoa(i) + "@example.com"}})
		if res.StatusCode != http.StatusOK {
			t.Fatalf("request %d: status %d, want 200", i+1, res.StatusCode)
		}
	}
	perClient := ts.page(t, browserClient(t), "/signin/link", url.Values{"email": {"s1002@stu.example.edu"}})
	perClient.wantStatus(t, http.StatusTooManyRequests)
	if perClient.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
}
