package issuer_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

const staffPassword = "a long enough password"

func createStaff(t *testing.T, h *harness, name, email string, role issuer.Role) *issuer.User {
	t.Helper()
	u, err := h.svc.CreateStaffUser(context.Background(), issuer.System, name, email, role, staffPassword)
	if err != nil {
		t.Fatalf("create %s: %v", name, err)
	}
	return u
}

func TestCreateStaffUser(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	organiser := createStaff(t, h, "Sports Office", "sports@example.edu", issuer.RoleOrganiser)
	if !organiser.CanUpload {
		t.Error("a new organiser may not upload attendance")
	}

	tests := []struct {
		name                string
		actor               *issuer.User
		user, email         string
		role                issuer.Role
		password            string
		wantErr             error
		wantMessageContains string
	}{
		{"organiser creates", organiser, "Other", "other@example.edu", issuer.RoleOrganiser, staffPassword, issuer.ErrForbidden, ""},
		{"missing name", issuer.System, " ", "x@example.edu", issuer.RoleOrganiser, staffPassword, issuer.ErrInvalid, "name"},
		{"bad email", issuer.System, "X", "not an address", issuer.RoleOrganiser, staffPassword, issuer.ErrInvalid, `"not an address" is not an email address`},
		{"student role", issuer.System, "X", "x@example.edu", issuer.RoleStudent, staffPassword, issuer.ErrInvalid, "use admin or organiser"},
		{"short password", issuer.System, "X", "x@example.edu", issuer.RoleOrganiser, "short", issuer.ErrInvalid, "too short"},
		{"taken name", issuer.System, "Sports Office", "new@example.edu", issuer.RoleOrganiser, staffPassword, issuer.ErrInvalid, "name of another account"},
		{"taken email", issuer.System, "New", "SPORTS@example.edu", issuer.RoleOrganiser, staffPassword, issuer.ErrInvalid, "address of another account"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.svc.CreateStaffUser(ctx, tt.actor, tt.user, tt.email, tt.role, tt.password)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMessageContains) {
				t.Errorf("err = %q, want it to contain %q", err, tt.wantMessageContains)
			}
		})
	}
}

func TestSignIn(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	advisor := createStaff(t, h, "Learning Advisor", "advisor@example.edu", issuer.RoleAdmin)

	for _, login := range []string{"advisor@example.edu", " ADVISOR@example.edu ", "Learning Advisor"} {
		p, err := h.svc.SignIn(ctx, login, staffPassword)
		if err != nil {
			t.Errorf("SignIn(%q): %v", login, err)
			continue
		}
		if p.User == nil || p.User.ID != advisor.ID || p.Role() != issuer.RoleAdmin {
			t.Errorf("SignIn(%q) = %+v, want the advisor as admin", login, p)
		}
	}

	student := firstStudent(t, h)
	if _, err := h.svc.SignIn(ctx, student.Email, staffPassword); !errors.Is(err, issuer.ErrUnauthenticated) {
		t.Errorf("student without password: err = %v, want ErrUnauthenticated", err)
	}
	if err := h.svc.SetStudentPassword(ctx, &issuer.Principal{Student: student}, "the student's own password"); err != nil {
		t.Fatalf("set student password: %v", err)
	}
	p, err := h.svc.SignIn(ctx, student.Email, "the student's own password")
	if err != nil || p.Student == nil || p.Student.ID != student.ID || p.Role() != issuer.RoleStudent {
		t.Errorf("student SignIn = %+v, %v; want the student", p, err)
	}

	for _, tt := range []struct{ login, password string }{
		{"advisor@example.edu", "the wrong password!"},
		{"nobody@example.edu", staffPassword},
		{"", ""},
		{"advisor@example.edu", strings.Repeat("x", 100000)},
	} {
		if _, err := h.svc.SignIn(ctx, tt.login, tt.password); !errors.Is(err, issuer.ErrUnauthenticated) {
			t.Errorf("SignIn(%q, %d characters): err = %v, want ErrUnauthenticated", tt.login, len(tt.password), err)
		}
	}
}

func TestSetUploadRightAudited(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	advisor := createStaff(t, h, "Learning Advisor", "advisor@example.edu", issuer.RoleAdmin)
	organiser := createStaff(t, h, "Sports Office", "sports@example.edu", issuer.RoleOrganiser)

	u, err := h.svc.SetUploadRight(ctx, advisor, organiser.ID, false)
	if err != nil || u.CanUpload {
		t.Fatalf("withdraw = %+v, %v; want CanUpload false", u, err)
	}
	u, err = h.svc.SetUploadRight(ctx, advisor, organiser.ID, true)
	if err != nil || !u.CanUpload {
		t.Fatalf("grant = %+v, %v; want CanUpload true", u, err)
	}

	entries, err := h.db.AuditEntries(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range entries {
		if e.Subject == organiser.ID && e.ActorID == advisor.ID {
			actions = append(actions, e.Action)
		}
	}
	if got := strings.Join(actions, ","); got != "user.upload_grant,user.upload_withdraw" {
		t.Errorf("audited actions (newest first) = %q, want grant then withdraw", got)
	}

	if _, err := h.svc.SetUploadRight(ctx, organiser, organiser.ID, true); !errors.Is(err, issuer.ErrForbidden) {
		t.Errorf("organiser grants: err = %v, want ErrForbidden", err)
	}
	if _, err := h.svc.SetUploadRight(ctx, advisor, advisor.ID, false); !errors.Is(err, issuer.ErrInvalid) {
		t.Errorf("upload right of an admin: err = %v, want ErrInvalid", err)
	}
}

func TestSessionLifetime(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h.svc.Now = func() time.Time { return clock }
	organiser := createStaff(t, h, "Sports Office", "sports@example.edu", issuer.RoleOrganiser)

	secret, err := h.svc.StartSession(ctx, &issuer.Principal{User: organiser})
	if err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(issuer.DefaultSessionIdle - time.Second)
	p, err := h.svc.SessionPrincipal(ctx, secret)
	if err != nil || p.User.ID != organiser.ID {
		t.Fatalf("session within idle limit = %+v, %v; want the organiser", p, err)
	}

	clock = clock.Add(issuer.DefaultSessionIdle + time.Second)
	if _, err := h.svc.SessionPrincipal(ctx, secret); !errors.Is(err, issuer.ErrUnauthenticated) {
		t.Errorf("idle session: err = %v, want ErrUnauthenticated", err)
	}

	other, err := h.svc.StartSession(ctx, &issuer.Principal{User: organiser})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.svc.SetUserPassword(ctx, organiser, organiser.ID, "a new long password"); err != nil {
		t.Fatalf("change own password: %v", err)
	}
	if _, err := h.svc.SessionPrincipal(ctx, other); !errors.Is(err, issuer.ErrUnauthenticated) {
		t.Errorf("session after password change: err = %v, want ErrUnauthenticated", err)
	}

	if _, err := h.svc.SessionPrincipal(ctx, "made-up secret"); !errors.Is(err, issuer.ErrUnauthenticated) {
		t.Errorf("unknown secret: err = %v, want ErrUnauthenticated", err)
	}
}

func TestEndUserSessions(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	advisor := createStaff(t, h, "Learning Advisor", "advisor@example.edu", issuer.RoleAdmin)
	alice := createStaff(t, h, "Alice", "alice@example.edu", issuer.RoleOrganiser)
	bob := createStaff(t, h, "Bob", "bob@example.edu", issuer.RoleOrganiser)

	for range 2 {
		if _, err := h.svc.StartSession(ctx, &issuer.Principal{User: alice}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.svc.EndUserSessions(ctx, bob, alice.ID); !errors.Is(err, issuer.ErrForbidden) {
		t.Errorf("organiser ends another's sessions: err = %v, want ErrForbidden", err)
	}
	n, err := h.svc.EndUserSessions(ctx, advisor, alice.ID)
	if err != nil || n != 2 {
		t.Errorf("admin ends sessions = %d, %v; want 2", n, err)
	}
}

func TestSignInLinks(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	h.svc.Now = func() time.Time { return clock }
	student := firstStudent(t, h)

	if _, _, err := h.svc.CreateSignInLink(ctx, "nobody@example.com"); !errors.Is(err, issuer.ErrNotFound) {
		t.Errorf("unknown address: err = %v, want ErrNotFound", err)
	}

	got, secret, err := h.svc.CreateSignInLink(ctx, strings.ToUpper(student.Email))
	if err != nil || got.ID != student.ID {
		t.Fatalf("CreateSignInLink = %+v, %v; want the student", got, err)
	}
	used, err := h.svc.UseSignInLink(ctx, secret)
	if err != nil || used.ID != student.ID {
		t.Fatalf("UseSignInLink = %+v, %v; want the student", used, err)
	}
	if _, err := h.svc.UseSignInLink(ctx, secret); !errors.Is(err, issuer.ErrUnauthenticated) {
		t.Errorf("second use: err = %v, want ErrUnauthenticated", err)
	}

	_, late, err := h.svc.CreateSignInLink(ctx, student.Email)
	if err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(issuer.DefaultLinkTTL)
	if _, err := h.svc.UseSignInLink(ctx, late); !errors.Is(err, issuer.ErrUnauthenticated) {
		t.Errorf("link at its expiry: err = %v, want ErrUnauthenticated", err)
	}
}

func TestGraduateSignInLinkByPersonalEmail(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	student := firstStudent(t, h)
	personal := "alumna@mail.example.com"
	graduated := issuer.Graduated
	if _, err := h.svc.UpdateStudent(ctx, issuer.System, student.Number, issuer.StudentUpdate{Status: &graduated, PersonalEmail: &personal}); err != nil {
		t.Fatal(err)
	}

	got, secret, err := h.svc.CreateSignInLink(ctx, personal)
	if err != nil || got.ID != student.ID {
		t.Fatalf("CreateSignInLink(personal) = %+v, %v; want the graduate", got, err)
	}
	used, err := h.svc.UseSignInLink(ctx, secret)
	if err != nil || used.Status != issuer.Graduated {
		t.Errorf("UseSignInLink = %+v, %v; want the graduate", used, err)
	}
}

func firstStudent(t *testing.T, h *harness) *issuer.Student {
	t.Helper()
	students, err := h.db.Students(context.Background(), issuer.StudentFilter{Limit: 1})
	if err != nil || len(students) == 0 {
		t.Fatalf("read a student: %v", err)
	}
	return students[0]
}
