package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/laurel-badges/laurel/issuer"
)

// fakeLinkSender captures sign-in links instead of emailing them.
type fakeLinkSender struct {
	sent chan sentLink
}

type sentLink struct {
	to, name, link string
}

func newFakeLinkSender() *fakeLinkSender {
	return &fakeLinkSender{sent: make(chan sentLink, 16)}
}

func (f *fakeLinkSender) SendSignInLink(ctx context.Context, to, name, link string) error {
	f.sent <- sentLink{to: to, name: name, link: link}
	return nil
}

// next returns the next link sent. The server sends after responding, so
// it waits; the timeout only stops a broken test from hanging.
func (f *fakeLinkSender) next(t testing.TB) sentLink {
	t.Helper()
	select {
	case l := <-f.sent:
		return l
	case <-time.After(30 * time.Second):
		t.Fatal("no sign-in link was sent")
		return sentLink{}
	}
}

// none checks that no link was sent, after the server has finished
// sending.
func (f *fakeLinkSender) none(t testing.TB, srv *Server) {
	t.Helper()
	srv.Wait()
	select {
	case l := <-f.sent:
		t.Fatalf("a sign-in link was sent to %s, want none", l.to)
	default:
	}
}

// browserClient returns an HTTP client with a cookie jar that does not
// follow redirects, so that tests see each 303.
func browserClient(t testing.TB) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatalf("cookie jar: %v", err)
	}
	return &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// signedIn returns a browser client with a session of p, made through the
// service so that tests need no password hashing.
func (ts *testServer) signedIn(t testing.TB, p *issuer.Principal) *http.Client {
	t.Helper()
	secret, err := ts.svc.StartSession(context.Background(), p)
	if err != nil {
		t.Fatalf("start session: %v", err)
	}
	c := browserClient(t)
	u, _ := url.Parse(ts.URL)
	c.Jar.SetCookies(u, []*http.Cookie{{Name: "laurel_session", Value: secret, Path: "/"}})
	return c
}

// page sends a browser request: GET when form is nil and a same-origin
// form POST otherwise.
func (ts *testServer) page(t testing.TB, c *http.Client, path string, form url.Values) response {
	t.Helper()
	method := http.MethodGet
	if form != nil {
		method = http.MethodPost
	}
	return ts.pageMethod(t, c, method, path, form)
}

// pageMethod sends a browser request with method, and form as the body
// unless it is nil.
func (ts *testServer) pageMethod(t testing.TB, c *http.Client, method, path string, form url.Values) response {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r, err := http.NewRequest(method, ts.URL+path, body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	r.Header.Set("Accept", "text/html")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}

	res, err := c.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s %s: %v", method, path, err)
	}
	return response{Response: res, body: b}
}

// wantRedirect checks for a 303 to target.
func (r response) wantRedirect(t testing.TB, target string) {
	t.Helper()
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("status = %d, want 303 to %s; body:\n%s", r.StatusCode, target, r.body)
	}
	if got := r.Header.Get("Location"); got != target {
		t.Fatalf("Location = %q, want %q", got, target)
	}
}

func (r response) wantBodyContains(t testing.TB, want string) {
	t.Helper()
	if !strings.Contains(string(r.body), want) {
		t.Fatalf("body does not contain %q:\n%s", want, r.body)
	}
}

// student returns the stored test student with number.
func (ts *testServer) student(t testing.TB, number string) *issuer.Student {
	t.Helper()
	found, err := ts.db.StudentsByNumber(context.Background(), []string{number})
	if err != nil || found[number] == nil {
		t.Fatalf("find student %s: %v", number, err)
	}
	return found[number]
}

// setPassword gives a staff user a password, stored as an argon2id hash
// with the smallest parameters (64 KiB, one pass, one lane). The
// production ones (64 MiB, three passes) take about half a second per
// check under the race detector on two cores. Sign-in reads the
// parameters from the stored hash, so it runs the same code either way.
// Passwords set through the service still get the production parameters.
func (ts *testServer) setPassword(t testing.TB, u *issuer.User, password string) {
	t.Helper()
	if err := ts.db.SetUserPassword(context.Background(), u.ID, fastPasswordHash(password)); err != nil {
		t.Fatalf("set password of %s: %v", u.Name, err)
	}
}

// fastPasswordHash returns the argon2id PHC string of password with the
// smallest parameters that the sign-in code accepts.
func fastPasswordHash(password string) string {
	const memory, passes, lanes = 64, 1, 1 // KiB, passes, lanes
	salt := make([]byte, 16)
	rand.Read(salt)
	tag := argon2.IDKey([]byte(password), salt, passes, memory, lanes, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, memory, passes, lanes, b64.EncodeToString(salt), b64.EncodeToString(tag))
}
