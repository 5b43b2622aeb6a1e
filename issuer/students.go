package issuer

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"strings"
)

// NormaliseStudyMode maps the spellings found in student records to a StudyMode.
func NormaliseStudyMode(v string) (StudyMode, bool) {
	switch strings.ToLower(strings.NewReplacer(" ", "", "-", "", "_", "").Replace(v)) {
	case "fulltime", "ft":
		return FullTime, true
	case "parttime", "pt":
		return PartTime, true
	}
	return "", false
}

// NormaliseStudentStatus maps a status cell to a StudentStatus; blank means
// current. Importers that keep the stored status for a blank cell check for
// blank before they call it.
func NormaliseStudentStatus(v string) (StudentStatus, bool) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "", "current", "active":
		return Current, true
	case "graduated", "alumni", "alumnus", "alumna":
		return Graduated, true
	}
	return "", false
}

// Validate checks a student record before it is stored. An empty Status or
// PersonalEmail is valid: the import keeps the stored value, and a new
// student starts current with no personal email.
func (st *Student) Validate() error {
	var errs []error
	if st.Number == "" {
		errs = append(errs, Invalidf("student_id", "missing"))
	}
	if strings.TrimSpace(st.Name) == "" {
		errs = append(errs, Invalidf("name", "missing for student %s", st.Number))
	}
	errs = append(errs,
		CheckLine("student_id", st.Number),
		CheckLine("name", st.Name),
		CheckLine("chinese_name", st.ChineseName),
		CheckLine("email", st.Email),
		CheckLine("programme", st.Programme),
		checkLength("student_id", st.Number, 64),
		checkLength("name", st.Name, maxNameLength),
		checkLength("chinese_name", st.ChineseName, maxNameLength),
		checkLength("email", st.Email, 254),
		checkLength("programme", st.Programme, maxNameLength))
	if a, err := mail.ParseAddress(st.Email); err != nil || a.Address != st.Email {
		errs = append(errs, Invalidf("email", "%q is not an email address such as name@example.edu", st.Email))
	}
	if st.PersonalEmail != "" {
		errs = append(errs, CheckPersonalEmail(st.PersonalEmail))
	}
	if st.StudyMode != FullTime && st.StudyMode != PartTime {
		errs = append(errs, Invalidf("study_mode", "%q: use full-time or part-time, or leave it empty for full-time", st.StudyMode))
	}
	if st.Status != "" && st.Status != Current && st.Status != Graduated {
		errs = append(errs, Invalidf("status", "%q: use current or graduated, or leave it empty to keep the stored status", st.Status))
	}
	if st.YearOfEntry != 0 && (st.YearOfEntry < 1900 || st.YearOfEntry > 2200) {
		errs = append(errs, Invalidf("year_of_entry", "%d is not a plausible year", st.YearOfEntry))
	}
	return errors.Join(errs...)
}

// ImportStudents creates or updates students matched by number, all or
// nothing: when any record is invalid, nothing is stored and every problem
// is returned. A student with an empty Status or PersonalEmail keeps the
// stored one, so a register export without those columns neither
// un-graduates alumni nor erases their personal addresses. An empty
// StudyMode means full-time, also for a stored part-time student.
func (s *Service) ImportStudents(ctx context.Context, actor *User, students []*Student) (created, updated int, err error) {
	if err := requireAdmin(actor); err != nil {
		return 0, 0, err
	}
	if len(students) == 0 {
		return 0, 0, Invalidf("file", "no students found; expected a header row and one row per student")
	}

	var errs []error
	seen := make(map[string]bool, len(students))
	for _, st := range students {
		st.Email = strings.TrimSpace(st.Email)
		st.PersonalEmail = strings.TrimSpace(st.PersonalEmail)
		if strings.TrimSpace(string(st.StudyMode)) == "" {
			// Registers often leave the column out because most students
			// study full-time; every import reads a blank mode so.
			st.StudyMode = FullTime
		}
		if err := st.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("student %s: %w", st.Number, err))
		}
		key := strings.ToUpper(st.Number)
		if seen[key] {
			errs = append(errs, Invalidf("student_id", "%s appears more than once", st.Number))
		}
		seen[key] = true
		if len(errs) >= 50 {
			errs = append(errs, Invalidf("file", "stopped after 50 problems; fix these and import again"))
			break
		}
	}
	if err := errors.Join(errs...); err != nil {
		return 0, 0, err
	}

	created, updated, err = s.Store.UpsertStudents(ctx, students)
	if err != nil {
		return 0, 0, fmt.Errorf("store students: %w", err)
	}
	s.audit(ctx, actor, "students.import", "", fmt.Sprintf(`{"created":%d,"updated":%d}`, created, updated))
	return created, updated, nil
}

// Students lists students; only admins may see the whole register.
func (s *Service) Students(ctx context.Context, actor *User, f StudentFilter) ([]*Student, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if err := CheckLine("q", f.Query); err != nil {
		return nil, err
	}
	return s.Store.Students(ctx, f)
}
