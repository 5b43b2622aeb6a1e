package issuer_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestGraduationKeepsCredentialsValid(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	creds := h.issueSample(t)
	number := creds[0].StudentNumber

	st, err := h.svc.SetStudentStatus(ctx, admin(), number, issuer.Graduated)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != issuer.Graduated {
		t.Fatalf("status = %s, want graduated", st.Status)
	}

	for _, c := range creds {
		if c.StudentNumber != number {
			continue
		}
		a := h.award(t, c.CredentialID)
		if a.Status != issuer.AwardActive || a.Credential.Status != issuer.CredentialActive {
			t.Errorf("credential %s is %s after graduation, want active", c.CredentialID, a.Credential.Status)
		}
		if h.statusBits(t, a).Get(a.Credential.StatusEntry.Index) {
			t.Errorf("credential %s reads as revoked after graduation", c.CredentialID)
		}
	}

	file := "student_id,name,sessions_attended,sessions_total\n" + number + ",,4,4\n"
	res, err := h.upload(t, issuer.System, "late.csv", []byte(file), false)
	if !errors.Is(err, issuer.ErrInvalid) || res == nil || len(res.Problems) == 0 || res.Problems[0].Code != "student_not_current" {
		t.Errorf("upload for a graduate: %v, problems %+v; want student_not_current", err, res)
	}
}

func TestUpdateStudentRules(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	students, err := h.db.Students(ctx, issuer.StudentFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	number := students[0].Number
	organiser := &issuer.User{ID: "org-1", Name: "Organiser", Role: issuer.RoleOrganiser}
	status := func(s string) *issuer.StudentStatus { v := issuer.StudentStatus(s); return &v }
	text := func(s string) *string { return &s }

	tests := []struct {
		name    string
		actor   *issuer.User
		number  string
		update  issuer.StudentUpdate
		wantErr error
		wantMsg string
	}{
		{"organiser forbidden", organiser, number, issuer.StudentUpdate{Status: status("graduated")}, issuer.ErrForbidden, ""},
		{"no field", admin(), number, issuer.StudentUpdate{}, issuer.ErrInvalid, "names no field"},
		{"unknown status", admin(), number, issuer.StudentUpdate{Status: status("expelled")}, issuer.ErrInvalid, `"expelled": use current or graduated`},
		{"empty status", admin(), number, issuer.StudentUpdate{Status: status(" ")}, issuer.ErrInvalid, "use current or graduated"},
		{"bad email", admin(), number, issuer.StudentUpdate{PersonalEmail: text("not an address")}, issuer.ErrInvalid, "personal_email"},
		{"unknown student", admin(), "S-none", issuer.StudentUpdate{Status: status("graduated")}, issuer.ErrNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.svc.UpdateStudent(ctx, tt.actor, tt.number, tt.update)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
		})
	}

	st, err := h.svc.UpdateStudent(ctx, admin(), number, issuer.StudentUpdate{Status: status("alumni"), PersonalEmail: text(" me@example.com ")})
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != issuer.Graduated || st.PersonalEmail != "me@example.com" {
		t.Errorf("student = %s, %q; want graduated, me@example.com", st.Status, st.PersonalEmail)
	}
	entries, err := h.db.AuditEntries(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if e := entries[0]; e.Action != "student.update" || strings.Contains(e.Detail, "me@example.com") || !strings.Contains(e.Detail, `"status":"graduated"`) {
		t.Errorf("audit entry = %+v, want the change without the address", e)
	}
}
