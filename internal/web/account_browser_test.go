package web

import (
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

// TestBrowserOrganiserChangesPassword fills the password form in Chromium
// and checks the page and its result with axe-core.
func TestBrowserOrganiserChangesPassword(t *testing.T) {
	ts := newTestServer(t)
	ts.setPassword(t, ts.organiser.user, adminPassword)

	b := newBrowser(t, ts.URL)
	b.signInAs(ts, &issuer.Principal{User: ts.organiser.user})
	b.open("/account/password", "password")
	b.submit(map[string]string{"#current": "a wrong password", "#password": newPassword, "#confirm": newPassword}, "main form button", "password-wrong")
	if got := b.text(".flash-error"); !strings.Contains(got, "The current password is wrong") {
		t.Errorf("error message = %q, want the wrong current password named", got)
	}

	b.submit(map[string]string{"#current": adminPassword, "#password": newPassword, "#confirm": newPassword}, "main form button", "password-changed")
	if got := b.path(); got != "/organiser/" {
		t.Errorf("after the change the browser is on %s, want /organiser/", got)
	}
	if got := b.text(".flash"); !strings.Contains(got, "Your password is changed") {
		t.Errorf("flash message = %q, want the change confirmed", got)
	}
}
