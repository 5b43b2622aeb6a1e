package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestCreateOrganiserPage(t *testing.T) {
	ts := newTestServer(t)
	c := ts.signedIn(t, &issuer.Principal{User: ts.admin.user})

	bad := ts.page(t, c, "/admin/organisers", url.Values{"name": {"Library"}, "email": {"not-an-address"}, "password": {"a long enough password"}})
	bad.wantStatus(t, http.StatusUnprocessableEntity)
	bad.wantBodyContains(t, "is not an email address")
	bad.wantBodyContains(t, `value="Library"`)

	ts.page(t, c, "/admin/organisers", url.Values{"name": {"Library"}, "email": {"library@example.edu"}, "password": {"a long enough password"}}).
		wantRedirect(t, "/admin/organisers")
	list := ts.page(t, c, "/admin/organisers", nil)
	list.wantStatus(t, http.StatusOK)
	list.wantBodyContains(t, "The organiser account of Library is created.")
	list.wantBodyContains(t, "library@example.edu")

	p, err := ts.svc.SignIn(context.Background(), "library@example.edu", "a long enough password")
	if err != nil || p.Role() != issuer.RoleOrganiser {
		t.Errorf("new organiser signs in: %+v, %v; want an organiser", p, err)
	}
}

func TestUploadRightPage(t *testing.T) {
	ts := newTestServer(t)
	c := ts.signedIn(t, &issuer.Principal{User: ts.admin.user})
	path := "/admin/organisers/" + ts.organiser.user.ID + "/upload-right"

	ts.page(t, c, path, url.Values{"can_upload": {"false"}}).wantRedirect(t, "/admin/organisers")
	if u, _ := ts.db.User(context.Background(), ts.organiser.user.ID); u.CanUpload {
		t.Error("organiser may still upload after the withdrawal")
	}

	ts.page(t, c, path, url.Values{"can_upload": {"maybe"}}).wantStatus(t, http.StatusBadRequest)
	ts.page(t, c, "/admin/organisers/"+ts.admin.user.ID+"/upload-right", url.Values{"can_upload": {"true"}}).
		wantStatus(t, http.StatusUnprocessableEntity)
	ts.page(t, c, "/admin/organisers/no-such-user/upload-right", url.Values{"can_upload": {"true"}}).
		wantStatus(t, http.StatusNotFound)
}

func TestEndOrganiserSessionsPage(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.signedIn(t, &issuer.Principal{User: ts.admin.user})
	organiser := ts.signedIn(t, &issuer.Principal{User: ts.organiser.user})
	ts.page(t, organiser, "/organiser/", nil).wantStatus(t, http.StatusOK)

	ts.page(t, admin, "/admin/organisers/"+ts.organiser.user.ID+"/sessions/end", url.Values{}).wantRedirect(t, "/admin/organisers")
	ts.page(t, admin, "/admin/organisers", nil).wantBodyContains(t, "Ended 1 session.")
	ts.page(t, organiser, "/organiser/", nil).wantRedirect(t, "/signin?next=%2Forganiser%2F")
}

func TestStudentPasswordPage(t *testing.T) {
	ts := newTestServer(t)
	student := ts.student(t, "S1003")
	c := ts.signedIn(t, &issuer.Principal{Student: student})

	differ := ts.page(t, c, "/student/password", url.Values{"password": {"my own password 1"}, "confirm": {"my own password 2"}})
	differ.wantStatus(t, http.StatusUnprocessableEntity)
	differ.wantBodyContains(t, "The two passwords differ")

	short := ts.page(t, c, "/student/password", url.Values{"password": {"short"}, "confirm": {"short"}})
	short.wantStatus(t, http.StatusUnprocessableEntity)
	short.wantBodyContains(t, "too short")

	ts.page(t, c, "/student/password", url.Values{"password": {"my own password 1"}, "confirm": {"my own password 1"}}).wantRedirect(t, "/student/")
	res := ts.page(t, browserClient(t), "/signin", url.Values{"login": {student.Email}, "password": {"my own password 1"}})
	res.wantRedirect(t, "/student/")
}

func TestInternalErrorPage(t *testing.T) {
	ts := newTestServer(t)
	c := ts.signedIn(t, &issuer.Principal{User: ts.admin.user})
	ts.store.fail.Store(true)

	res := ts.page(t, c, "/admin/organisers", nil)
	res.wantStatus(t, http.StatusInternalServerError)
	res.wantBodyContains(t, "Something went wrong on our side")
	res.wantBodyContains(t, "Reference: "+res.Header.Get(requestIDHeader))
	if strings.Contains(string(res.body), "SQLITE") {
		t.Errorf("error page shows the driver error:\n%s", res.body)
	}
}

func TestSessionCookieOverHTTPS(t *testing.T) {
	urls, err := issuer.NewURLs("https://badges.example.edu")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Service: &issuer.Service{URLs: urls}}
	s.setDefaults()

	rec := httptest.NewRecorder()
	s.setSessionCookie(rec, "secret")
	cookies := rec.Result().Cookies()
	if len(cookies) != 1 {
		t.Fatalf("got %d cookies, want 1", len(cookies))
	}
	c := cookies[0]
	if c.Name != "__Host-laurel_session" || !c.Secure || !c.HttpOnly || c.Path != "/" || c.Domain != "" || c.SameSite != http.SameSiteLaxMode {
		t.Errorf("cookie = %+v, want __Host-laurel_session, Secure, HttpOnly, Path=/, no Domain, Lax", c)
	}
}
