package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

const newPassword = "a brand new passphrase"

// signInWithPassword signs in at /signin with a new browser client and
// returns the client and the response.
func (ts *testServer) signInWithPassword(t testing.TB, login, password string) (*http.Client, response) {
	t.Helper()
	c := browserClient(t)
	return c, ts.page(t, c, "/signin", url.Values{"login": {login}, "password": {password}})
}

func TestChangePassword(t *testing.T) {
	tests := []struct {
		name    string
		account func(ts *testServer) *issuer.User
		landing string
	}{
		{"admin", func(ts *testServer) *issuer.User { return ts.admin.user }, "/admin/"},
		{"organiser", func(ts *testServer) *issuer.User { return ts.organiser.user }, "/organiser/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			user := tt.account(ts)
			ts.setPassword(t, user, adminPassword)

			c, res := ts.signInWithPassword(t, user.Name, adminPassword)
			res.wantRedirect(t, tt.landing)
			other, res := ts.signInWithPassword(t, user.Name, adminPassword)
			res.wantRedirect(t, tt.landing)
			before := sessionCookie(t, c, ts.URL)

			page := ts.page(t, c, "/account/password", nil)
			page.wantStatus(t, http.StatusOK)
			page.wantBodyContains(t, `autocomplete="current-password"`)

			res = ts.page(t, c, "/account/password", url.Values{"current": {adminPassword}, "password": {newPassword}, "confirm": {newPassword}})
			res.wantRedirect(t, tt.landing)

			after := sessionCookie(t, c, ts.URL)
			if after == "" || after == before {
				t.Errorf("session cookie after the change = %q, want a new one", after)
			}
			ts.page(t, c, tt.landing, nil).wantStatus(t, http.StatusOK)
			ts.page(t, other, tt.landing, nil).wantRedirect(t, "/signin?next="+url.QueryEscape(tt.landing))
			if _, err := ts.svc.SessionPrincipal(context.Background(), before); !errors.Is(err, issuer.ErrUnauthenticated) {
				t.Errorf("session used for the change: err = %v, want ErrUnauthenticated", err)
			}

			_, res = ts.signInWithPassword(t, user.Name, adminPassword)
			res.wantStatus(t, http.StatusUnauthorized)
			_, res = ts.signInWithPassword(t, user.Name, newPassword)
			res.wantRedirect(t, tt.landing)

			entries, err := ts.db.AuditLog(context.Background(), issuer.AuditFilter{Action: "user.password_change"})
			if err != nil {
				t.Fatalf("read audit log: %v", err)
			}
			if len(entries) != 1 || entries[0].ActorID != user.ID || entries[0].Subject != user.ID {
				t.Fatalf("audit entries = %+v, want one by and about %s", entries, user.ID)
			}
			if entries[0].Detail != `{"sessions_ended":2}` {
				t.Errorf("audit detail = %s, want both sessions ended", entries[0].Detail)
			}
		})
	}
}

func TestChangePasswordRejected(t *testing.T) {
	long := strings.Repeat("x", issuer.MaxPasswordLength+1)
	tests := []struct {
		name                       string
		current, password, confirm string
		want                       string
	}{
		{"wrong current password", "not the password at all", newPassword, newPassword, "The current password is wrong"},
		{"empty current password", "", newPassword, newPassword, "The current password is wrong"},
		{"passwords differ", adminPassword, newPassword, newPassword + "!", "The two new passwords differ"},
		{"too short", adminPassword, "short", "short", "password: 5 characters is too short; use at least 12"},
		{"too long", adminPassword, long, long, "password: 257 characters is too long; use at most 256"},
		{"same as current", adminPassword, adminPassword, adminPassword, "password: is the current password; choose a new one"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := newTestServer(t)
			ts.setPassword(t, ts.admin.user, adminPassword)
			c := ts.signedIn(t, &issuer.Principal{User: ts.admin.user})

			res := ts.page(t, c, "/account/password", url.Values{"current": {tt.current}, "password": {tt.password}, "confirm": {tt.confirm}})
			res.wantStatus(t, http.StatusUnprocessableEntity)
			res.wantBodyContains(t, tt.want)

			// Nothing changed: the session still works and the old
			// password still signs in.
			ts.page(t, c, "/admin/", nil).wantStatus(t, http.StatusOK)
			_, signIn := ts.signInWithPassword(t, ts.admin.user.Name, adminPassword)
			signIn.wantRedirect(t, "/admin/")
		})
	}
}

func TestChangePasswordCrossOrigin(t *testing.T) {
	ts := newTestServer(t)
	ts.setPassword(t, ts.admin.user, adminPassword)
	c := ts.signedIn(t, &issuer.Principal{User: ts.admin.user})
	form := url.Values{"current": {adminPassword}, "password": {newPassword}, "confirm": {newPassword}}

	tests := []struct {
		name   string
		header http.Header
	}{
		{"cross-site fetch metadata", http.Header{"Sec-Fetch-Site": {"cross-site"}}},
		{"same-site fetch metadata", http.Header{"Sec-Fetch-Site": {"same-site"}}},
		{"foreign Origin without fetch metadata", http.Header{"Origin": {"https://evil.example"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := http.NewRequest(http.MethodPost, ts.URL+"/account/password", strings.NewReader(form.Encode()))
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			for k, v := range tt.header {
				r.Header[k] = v
			}
			res, err := c.Do(r)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusForbidden {
				t.Errorf("status %d, want 403", res.StatusCode)
			}
		})
	}

	_, res := ts.signInWithPassword(t, ts.admin.user.Name, adminPassword)
	res.wantRedirect(t, "/admin/")
	ts.page(t, c, "/admin/", nil).wantStatus(t, http.StatusOK)
}

func TestChangePasswordRateLimited(t *testing.T) {
	ts := newTestServer(t)
	ts.setPassword(t, ts.organiser.user, adminPassword)
	c := ts.signedIn(t, &issuer.Principal{User: ts.organiser.user})
	wrong := url.Values{"current": {"a wrong password"}, "password": {newPassword}, "confirm": {newPassword}}

	for i := range maxFailuresByLogin {
		res := ts.page(t, c, "/account/password", wrong)
		if res.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: status %d, want 422", i+1, res.StatusCode)
		}
	}
	right := url.Values{"current": {adminPassword}, "password": {newPassword}, "confirm": {newPassword}}
	res := ts.page(t, c, "/account/password", right)
	res.wantStatus(t, http.StatusTooManyRequests)
	if res.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}

	// The limit is the account's own: another organiser is not blocked.
	ts.setPassword(t, ts.otherOrganiser.user, adminPassword)
	other := ts.signedIn(t, &issuer.Principal{User: ts.otherOrganiser.user})
	ts.page(t, other, "/account/password", right).wantRedirect(t, "/organiser/")
}
