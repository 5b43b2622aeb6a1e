package web

import (
	"context"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestBrowserAdminGrantsUploadRight(t *testing.T) {
	ts := newTestServer(t)
	ctx := context.Background()
	ts.setPassword(t, ts.admin.user, "correct horse battery staple")
	if _, err := ts.svc.SetUploadRight(ctx, issuer.System, ts.organiser.user.ID, false); err != nil {
		t.Fatalf("withdraw upload right: %v", err)
	}

	b := newBrowser(t, ts.URL)
	b.open("/admin/organisers", "signin-redirect")
	if got := b.path(); !strings.HasPrefix(got, "/signin?next=") {
		t.Fatalf("anonymous visit ended on %s, want the sign-in page", got)
	}
	b.submit(map[string]string{"#login": ts.admin.user.Name, "#password": "correct horse battery staple"}, "main form button", "organisers")
	if got := b.path(); got != "/admin/organisers" {
		t.Fatalf("after sign-in the browser is on %s, want /admin/organisers", got)
	}

	b.open("/admin/", "admin-home")
	b.open("/admin/organisers", "organisers")
	form := `form[action="/admin/organisers/` + ts.organiser.user.ID + `/upload-right"] button`
	b.submit(nil, form, "organisers-granted")

	if got := b.text(".flash"); !strings.Contains(got, "may now upload attendance") {
		t.Errorf("flash message = %q, want the grant confirmed", got)
	}
	u, err := ts.db.User(ctx, ts.organiser.user.ID)
	if err != nil {
		t.Fatalf("read organiser: %v", err)
	}
	if !u.CanUpload {
		t.Error("organiser may not upload after the grant")
	}
}

func TestBrowserStudentSignsInByEmail(t *testing.T) {
	links := newFakeLinkSender()
	ts := newTestServer(t, func(s *Server) { s.SignInLinks = links })

	b := newBrowser(t, ts.URL)
	b.open("/signin", "signin")
	b.open("/signin/link", "link-request")
	b.submit(map[string]string{"#email": "S1001@stu.example.edu"}, "main form button", "link-sent")

	sent := links.next(t)
	if sent.to != "S1001@stu.example.edu" {
		t.Errorf("link sent to %q, want the address entered", sent.to)
	}
	b.open(strings.TrimPrefix(sent.link, ts.URL), "link-confirm")
	b.submit(nil, "main form button", "student-home")

	if got := b.path(); got != "/student/" {
		t.Fatalf("after the link the browser is on %s, want /student/", got)
	}
	if got := b.text("main"); !strings.Contains(got, "CHAN Tai Man") {
		t.Errorf("student page does not name the student:\n%s", got)
	}
}

func TestBrowserGraduateSignsInWithPersonalEmail(t *testing.T) {
	links := newFakeLinkSender()
	ts := newTestServer(t, func(s *Server) { s.SignInLinks = links })
	personal := "ho.kayan@mail.example.com"
	if _, err := ts.svc.UpdateStudent(context.Background(), issuer.System, "S1004", issuer.StudentUpdate{PersonalEmail: &personal}); err != nil {
		t.Fatalf("add personal email: %v", err)
	}

	b := newBrowser(t, ts.URL)
	b.open("/signin/link", "link-request")
	b.submit(map[string]string{"#email": personal}, "main form button", "link-sent")

	sent := links.next(t)
	if sent.to != personal {
		t.Errorf("link sent to %q, want the personal address %q", sent.to, personal)
	}
	b.open(strings.TrimPrefix(sent.link, ts.URL), "link-confirm")
	b.submit(nil, "main form button", "graduate-home")

	if got := b.path(); got != "/student/" {
		t.Fatalf("after the link the browser is on %s, want /student/", got)
	}
	if got := b.text("main"); !strings.Contains(got, "You have graduated") {
		t.Errorf("graduate's page does not say so:\n%s", got)
	}
}

func TestBrowserRoleLandingPages(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		name      string
		principal *issuer.Principal
		path      string
		heading   string
	}{
		{"admin", &issuer.Principal{User: ts.admin.user}, "/admin/", "Learning advisor"},
		{"organiser", &issuer.Principal{User: ts.organiser.user}, "/organiser/", "My activities"},
		{"student", &issuer.Principal{Student: ts.student(t, "S1003")}, "/student/", "My badges"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBrowser(t, ts.URL)
			b.signInAs(ts, tt.principal)
			b.open(tt.path, tt.name+"-home")
			if got := b.text("main h1"); got != tt.heading {
				t.Errorf("heading = %q, want %q", got, tt.heading)
			}
			b.open("/no/such/page", tt.name+"-not-found")
			b.open("/signin", tt.name+"-signin-again")
		})
	}
}
