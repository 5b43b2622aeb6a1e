package issuer

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
)

// SetStudentStatus records that a student graduated, or is current again.
// A graduated student keeps every credential, all of which stay valid, and
// receives no new ones: uploads reject rows of students who are not
// current. Only admins may change the register.
func (s *Service) SetStudentStatus(ctx context.Context, actor *User, number string, status StudentStatus) (*Student, error) {
	return s.UpdateStudent(ctx, actor, number, StudentUpdate{Status: &status})
}

// UpdateStudent changes a student's status or personal email, the two
// fields that change after the register import: at graduation, and when an
// alumnus gives an address that outlives the institutional one.
func (s *Service) UpdateStudent(ctx context.Context, actor *User, number string, u StudentUpdate) (*Student, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	number = strings.TrimSpace(number)
	if err := CheckLine("student_id", number); err != nil {
		return nil, err
	}
	if err := checkStudentUpdate(&u); err != nil {
		return nil, err
	}

	st, err := s.Store.UpdateStudent(ctx, number, u)
	if err != nil {
		return nil, fmt.Errorf("update student %s: %w", number, err)
	}

	changed := map[string]any{}
	if u.Status != nil {
		changed["status"] = *u.Status
	}
	if u.PersonalEmail != nil {
		// The audit log records that the address changed, not the address.
		changed["personal_email"] = *u.PersonalEmail != ""
	}
	s.audit(ctx, actor, "student.update", st.ID, auditJSON(changed))
	return st, nil
}

// checkStudentUpdate normalises u and checks its values.
func checkStudentUpdate(u *StudentUpdate) error {
	if u.Status == nil && u.PersonalEmail == nil {
		return Invalidf("update", "names no field; give status, personal_email or both")
	}
	if u.Status != nil {
		status, ok := NormaliseStudentStatus(string(*u.Status))
		if !ok || strings.TrimSpace(string(*u.Status)) == "" {
			return Invalidf("status", "%q: use current or graduated", *u.Status)
		}
		u.Status = &status
	}
	if u.PersonalEmail != nil {
		email := strings.TrimSpace(*u.PersonalEmail)
		u.PersonalEmail = &email
		if email != "" {
			return CheckPersonalEmail(email)
		}
	}
	return nil
}

// CheckPersonalEmail checks a student's personal address: one plain
// address of at most 254 bytes, without a display name.
func CheckPersonalEmail(email string) error {
	if err := CheckLine("personal_email", email); err != nil {
		return err
	}
	if err := checkLength("personal_email", email, 254); err != nil {
		return err
	}
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return Invalidf("personal_email", "%q is not an email address such as name@example.com", email)
	}
	return nil
}
