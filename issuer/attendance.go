package issuer

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/google/uuid"
)

// AttendanceRow is one valid row of an attendance file.
type AttendanceRow struct {
	Line             int // line or sheet row number shown to the organiser, with the header as line 1
	StudentNumber    string
	Name             string
	SessionsAttended int
	SessionsTotal    int
	Assessment       string // "pass", "fail" or "" when the activity has no assessment
	Withhold         bool
	Remarks          string
}

// RowProblem is one problem found in an attendance file. Problems that are
// not warnings block issuing.
type RowProblem struct {
	Line    int    `json:"line"` // 0 for problems of the whole file
	Column  string `json:"column,omitempty"`
	Value   string `json:"value,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Warning bool   `json:"warning,omitempty"`
}

// AttendanceParser reads an attendance file. It reports every problem it
// can express as a RowProblem and returns an error only when it cannot read
// the file at all.
type AttendanceParser interface {
	ParseAttendance(filename string, data []byte) ([]AttendanceRow, []RowProblem, error)
}

// UploadRequest is one attendance file to check or issue.
type UploadRequest struct {
	ActivityID  string
	Filename    string
	ContentType string
	Data        []byte
	DryRun      bool     // check and preview only; nothing is written
	Withhold    []string // student numbers to leave out, besides the file's withhold column

	// Progress, when not nil, is called with the number of credentials
	// written so far and the number to write: once with 0 before signing
	// starts and after each batch. It runs on the issuing goroutine, so it
	// must return quickly.
	Progress func(done, total int)
}

// checkText checks the text of req that is stored with the upload: the
// file's name and type, and the withheld student numbers, which a
// background run keeps one per line.
func (req *UploadRequest) checkText() error {
	errs := []error{
		CheckLine("filename", req.Filename),
		CheckLine("content_type", req.ContentType),
	}
	for _, n := range req.Withhold {
		errs = append(errs, CheckLine("withhold", n))
	}
	return errors.Join(errs...)
}

// RowStatus is the outcome of an upload for one row.
type RowStatus string

// Row statuses.
const (
	RowAward          RowStatus = "award"           // new awards are (or would be) issued
	RowAlreadyAwarded RowStatus = "already_awarded" // every offered badge was issued before
	RowNotEligible    RowStatus = "not_eligible"    // the award rule is not met
	RowWithheld       RowStatus = "withheld"        // the organiser withheld the badges
	RowInvalid        RowStatus = "invalid"         // the row has a blocking problem
)

// RowOutcome is the preview or result of one row.
type RowOutcome struct {
	Line          int       `json:"line"`
	StudentNumber string    `json:"student_id"`
	Name          string    `json:"name"`
	Status        RowStatus `json:"status"`
	Reason        string    `json:"reason,omitempty"`
	Achievements  []string  `json:"achievements,omitempty"` // codes of the new awards
}

// UploadCounts sums up an upload.
type UploadCounts struct {
	Rows           int `json:"rows"`
	Students       int `json:"students_awarded"`
	Awards         int `json:"awards"`
	AlreadyAwarded int `json:"already_awarded"`
	NotEligible    int `json:"not_eligible"`
	Withheld       int `json:"withheld"`
	Problems       int `json:"problems"`
	Warnings       int `json:"warnings"`
}

// IssuedCredential names one credential issued by an upload.
type IssuedCredential struct {
	CredentialID    string `json:"credential_id"`
	URL             string `json:"url"`
	StudentNumber   string `json:"student_id"`
	AchievementCode string `json:"achievement"`
}

// UploadResult is the preview (dry run) or the outcome of an upload.
type UploadResult struct {
	UploadID    string             `json:"upload_id,omitempty"`
	ActivityID  string             `json:"activity_id"`
	DryRun      bool               `json:"dry_run"`
	Counts      UploadCounts       `json:"counts"`
	Problems    []RowProblem       `json:"problems"`
	Rows        []RowOutcome       `json:"rows"`
	Credentials []IssuedCredential `json:"credentials,omitempty"`
}

// Blocking reports whether any problem stops the upload from issuing.
func (r *UploadResult) Blocking() bool { return r.Counts.Problems > 0 }

// plannedAward is one award an upload will issue.
type plannedAward struct {
	row         *AttendanceRow
	student     *Student
	achievement *Achievement
	status      StatusEntry // reserved inside the upload's transaction
}

// ProcessUpload runs the attendance pipeline shared by the API and the CLI:
// parse, check every row against the register, apply the award rule, and
// unless req.DryRun issue every new award in one transaction.
//
// When the file has blocking problems the result lists them all and the
// error wraps ErrInvalid; nothing is written.
func (s *Service) ProcessUpload(ctx context.Context, actor *User, req UploadRequest) (*UploadResult, error) {
	act, err := s.Activity(ctx, actor, req.ActivityID)
	if err != nil {
		return nil, err
	}
	if actor.Role == RoleOrganiser && !actor.CanUpload {
		return nil, fmt.Errorf("%s has no right to upload attendance; ask the learning advisor to grant it: %w", actor.Name, ErrForbidden)
	}
	if err := req.checkText(); err != nil {
		return nil, err
	}

	rows, problems, err := s.Parser.ParseAttendance(req.Filename, req.Data)
	if err != nil {
		return nil, fmt.Errorf("read attendance file: %w", err)
	}

	res := &UploadResult{ActivityID: act.ID, DryRun: req.DryRun, Problems: problems, Rows: []RowOutcome{}}
	plans, err := s.planAwards(ctx, act, rows, req.Withhold, res)
	if err != nil {
		return nil, err
	}
	res.count()
	// The parser's problems come first and the register checks' after
	// them, so the combined list is put back in line order. Problems of
	// the whole file (line 0) stay at the top.
	slices.SortStableFunc(res.Problems, func(a, b RowProblem) int { return a.Line - b.Line })
	res.Problems = capProblems(res.Problems)

	if res.Blocking() {
		return res, Invalidf("file", "the file has %s; fix them or withhold those rows, then upload again", plural(res.Counts.Problems, "problem"))
	}
	if req.DryRun {
		return res, nil
	}

	if err := s.issue(ctx, actor, act, req, plans, res); err != nil {
		return nil, err
	}
	return res, nil
}

// maxReportedProblems bounds the problems an upload reports, so that a file
// of 200,000 wrong rows gets a readable response instead of a huge one. The
// counts still cover every problem.
const maxReportedProblems = 1000

// capProblems keeps the first maxReportedProblems problems and adds one
// saying how many more there are.
func capProblems(problems []RowProblem) []RowProblem {
	if len(problems) <= maxReportedProblems {
		return problems
	}
	more := len(problems) - maxReportedProblems
	return append(problems[:maxReportedProblems:maxReportedProblems], RowProblem{
		Code:    "more_problems",
		Message: fmt.Sprintf("%s not listed. Fix the ones above first, since many are often the same mistake.", plural(more, "more problem")),
	})
}

// plural writes n with word, adding an s unless n is 1.
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

func (r *UploadResult) count() {
	c := UploadCounts{Rows: len(r.Rows)}
	for _, p := range r.Problems {
		if p.Warning {
			c.Warnings++
		} else {
			c.Problems++
		}
	}
	for _, row := range r.Rows {
		switch row.Status {
		case RowAward:
			c.Students++
			c.Awards += len(row.Achievements)
		case RowAlreadyAwarded:
			c.AlreadyAwarded++
		case RowNotEligible:
			c.NotEligible++
		case RowWithheld:
			c.Withheld++
		}
	}
	r.Counts = c
}

// planAwards checks rows against the register and the award rule, appends
// an outcome per row and problems to res, and returns the awards to issue.
func (s *Service) planAwards(ctx context.Context, act *Activity, rows []AttendanceRow, withhold []string, res *UploadResult) ([]plannedAward, error) {
	offered, err := s.activityAchievements(ctx, act)
	if err != nil {
		return nil, err
	}

	students, err := s.lookupStudents(ctx, rows)
	if err != nil {
		return nil, err
	}
	existing, err := s.existingAwards(ctx, act.ID, students)
	if err != nil {
		return nil, err
	}

	withheld := make(map[string]bool, len(withhold))
	for _, n := range withhold {
		withheld[strings.ToUpper(strings.TrimSpace(n))] = true
	}

	width := 0
	for _, r := range rows {
		width = max(width, len(r.StudentNumber))
	}

	var plans []plannedAward
	emails := map[string]int{}
	for i := range rows {
		row := &rows[i]
		out := RowOutcome{Line: row.Line, StudentNumber: row.StudentNumber, Name: row.Name}
		st := students[row.StudentNumber]
		row.Withhold = row.Withhold || withheld[strings.ToUpper(row.StudentNumber)]

		var suggestion *Student
		if padded, ok := zeroPadded(row.StudentNumber, width); ok && st == nil {
			suggestion = students[padded]
		}
		if p, ok := checkRowStudent(row, st, suggestion); ok {
			res.Problems = append(res.Problems, p)
			if !p.Warning {
				out.Status, out.Reason = RowInvalid, p.Message
				res.Rows = append(res.Rows, out)
				continue
			}
		}
		if st == nil {
			// Only a withheld row reaches here without a student, because
			// its unknown number is a warning: it issues nothing.
			out.Status, out.Reason = decideRow(act, row)
			res.Rows = append(res.Rows, out)
			continue
		}
		if prev, dup := emails[strings.ToLower(st.Email)]; dup {
			res.Problems = append(res.Problems, RowProblem{Line: row.Line, Column: "student_id", Value: row.StudentNumber, Code: "shared_email", Warning: true,
				Message: fmt.Sprintf("Student %s has the same email address as the student on line %d, so their credentials carry the same hashed email.", row.StudentNumber, prev)})
		}
		emails[strings.ToLower(st.Email)] = row.Line

		out.Status, out.Reason = decideRow(act, row)
		if out.Status == RowAward {
			for _, a := range offered {
				if existing[AwardKey{StudentID: st.ID, AchievementID: a.ID}] {
					continue
				}
				out.Achievements = append(out.Achievements, a.Code)
				plans = append(plans, plannedAward{row: row, student: st, achievement: a})
			}
			if len(out.Achievements) == 0 {
				out.Status, out.Reason = RowAlreadyAwarded, "every badge of this activity was issued to this student before"
			}
		}
		res.Rows = append(res.Rows, out)
	}
	return plans, nil
}

// zeroPadded returns number with leading zeros up to width when it is all
// digits and shorter than width.
func zeroPadded(number string, width int) (string, bool) {
	if len(number) >= width || strings.Trim(number, "0123456789") != "" {
		return "", false
	}
	return strings.Repeat("0", width-len(number)) + number, true
}

// checkRowStudent reports a problem when the row's student is unknown, not
// current or recorded under another name. Withheld rows only get warnings,
// because they issue nothing. suggestion is the student the number would
// name with its leading zeros back, or nil.
func checkRowStudent(row *AttendanceRow, st, suggestion *Student) (RowProblem, bool) {
	p := RowProblem{Line: row.Line, Column: "student_id", Value: row.StudentNumber, Warning: row.Withhold}
	switch {
	case st == nil && suggestion != nil:
		p.Code = "unknown_student"
		p.Message = fmt.Sprintf("No student has ID %s, but %s (%s) does, so a spreadsheet may have dropped the leading zeros. Format the column as Text and type the ID again.", row.StudentNumber, suggestion.Number, suggestion.Name)
		return p, true
	case st == nil:
		p.Code = "unknown_student"
		p.Message = fmt.Sprintf("No student has ID %s. Check the ID, or import the student first.", row.StudentNumber)
		return p, true
	case st.Status != Current:
		p.Code = "student_not_current"
		p.Message = fmt.Sprintf("Student %s is %s and cannot receive new badges. Remove the row.", row.StudentNumber, st.Status)
		return p, true
	case row.Name != "" && !sameName(row.Name, st.Name):
		p.Code, p.Column, p.Value, p.Warning = "name_mismatch", "name", row.Name, true
		p.Message = fmt.Sprintf("Student %s is %q in the register, not %q. Check the ID.", row.StudentNumber, st.Name, row.Name)
		return p, true
	}
	return RowProblem{}, false
}

func sameName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// decideRow applies the activity's award rule to a row of a known, current student.
func decideRow(act *Activity, row *AttendanceRow) (RowStatus, string) {
	switch {
	case row.Withhold:
		return RowWithheld, "withheld by the organiser"
	case row.Assessment == "fail":
		return RowNotEligible, "the assessment was failed"
	case row.SessionsTotal <= 0:
		return RowNotEligible, "the row gives no sessions"
	case float64(row.SessionsAttended) < act.MinAttendance*float64(row.SessionsTotal)-1e-9:
		return RowNotEligible, fmt.Sprintf("attended %d of %d sessions; at least %.0f%% is needed", row.SessionsAttended, row.SessionsTotal, act.MinAttendance*100)
	}
	return RowAward, ""
}

func (s *Service) activityAchievements(ctx context.Context, act *Activity) ([]*Achievement, error) {
	out := make([]*Achievement, 0, len(act.AchievementIDs))
	for _, id := range act.AchievementIDs {
		a, err := s.Store.Achievement(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("load achievement %s of activity %s: %w", id, act.ID, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// lookupStudents returns the register entries of the rows' students, keyed
// by number. It also looks up each all-digit number padded with zeros to
// the widest number of the file, so that an id a spreadsheet stripped of
// its leading zeros can be suggested.
func (s *Service) lookupStudents(ctx context.Context, rows []AttendanceRow) (map[string]*Student, error) {
	numbers := make([]string, 0, len(rows))
	width := 0
	for _, r := range rows {
		numbers = append(numbers, r.StudentNumber)
		width = max(width, len(r.StudentNumber))
	}
	for _, r := range rows {
		if padded, ok := zeroPadded(r.StudentNumber, width); ok {
			numbers = append(numbers, padded)
		}
	}
	found, err := s.Store.StudentsByNumber(ctx, numbers)
	if err != nil {
		return nil, fmt.Errorf("look up students: %w", err)
	}
	return found, nil
}

func (s *Service) existingAwards(ctx context.Context, activityID string, students map[string]*Student) (map[AwardKey]bool, error) {
	ids := make([]string, 0, len(students))
	for _, st := range students {
		ids = append(ids, st.ID)
	}
	existing, err := s.Store.ExistingAwards(ctx, activityID, ids)
	if err != nil {
		return nil, fmt.Errorf("look up existing awards: %w", err)
	}
	return existing, nil
}

// issue writes the upload and signs and stores every planned award in one
// transaction, then records the credentials in res.
func (s *Service) issue(ctx context.Context, actor *User, act *Activity, req UploadRequest, plans []plannedAward, res *UploadResult) error {
	profile, err := s.Store.Profile(ctx)
	if errors.Is(err, ErrNotFound) {
		return Invalidf("profile", "the issuer profile is not set; set the institution's name and URL first (laurel profile set)")
	}
	if err != nil {
		return fmt.Errorf("load issuer profile: %w", err)
	}

	sum := sha256.Sum256(req.Data)
	up := &Upload{
		ID:          uuid.NewString(),
		ActivityID:  act.ID,
		UploadedBy:  actor.ID,
		Filename:    req.Filename,
		ContentType: req.ContentType,
		Original:    req.Data,
		SHA256:      hex.EncodeToString(sum[:]),
		RowCount:    res.Counts.Rows,
		AwardCount:  len(plans),
		CreatedAt:   s.now(),
	}

	progress := req.Progress
	if progress == nil {
		progress = func(int, int) {}
	}
	progress(0, len(plans))

	issued := make([]IssuedCredential, 0, len(plans))
	err = s.Store.RecordUpload(ctx, up, func(tx UploadTx) error {
		// The entries are reserved before signing, because each credential
		// states its own entry under its signature.
		entries, err := tx.AllocateStatus(len(plans))
		if err != nil {
			return fmt.Errorf("reserve status list entries: %w", err)
		}
		for i := range plans {
			plans[i].status = entries[i]
		}

		job := signJob{profile: profile, activity: act, uploadID: up.ID, plans: plans}
		err = s.signAwards(ctx, job, func(batch []signedAward) error {
			awards := make([]*Award, len(batch))
			for i, sa := range batch {
				awards[i] = sa.award
			}
			if err := tx.Write(awards); err != nil {
				return err
			}
			for _, sa := range batch {
				issued = append(issued, s.issuedCredential(sa.award, plans[sa.plan]))
			}
			progress(len(issued), len(plans))
			return nil
		})
		if err != nil {
			return err
		}
		return tx.Enqueue(notifications(up.ID, plans)...)
	})
	if errors.Is(err, ErrKeyRevoked) {
		return s.keyRevokedWhileSigning(ctx, err, "upload the file again")
	}
	if errors.Is(err, ErrConflict) {
		return fmt.Errorf("another upload issued some of these awards at the same time; upload the file again to issue the rest: %w", err)
	}
	if err != nil {
		return fmt.Errorf("issue upload: %w", err)
	}

	res.UploadID = up.ID
	res.Credentials = issued
	s.records.invalidate()
	s.audit(ctx, actor, "upload.issue", up.ID, fmt.Sprintf(`{"activity":%q,"rows":%d,"awards":%d}`, act.ID, up.RowCount, up.AwardCount))
	s.logger().InfoContext(ctx, "upload issued", "upload_id", up.ID, "activity_id", act.ID, "awards", len(issued))
	return nil
}

// notifications returns the jobs that tell people about an issued upload:
// one message to each student who received a badge, however many badges
// that was, then the organiser's summary and the learning advisor's copy.
func notifications(uploadID string, plans []plannedAward) []Job {
	jobs := []Job{UploadSummary{UploadID: uploadID}, UploadCopy{UploadID: uploadID}}
	seen := make(map[string]bool, len(plans))
	for _, p := range plans {
		if seen[p.student.ID] {
			continue
		}
		seen[p.student.ID] = true
		jobs = append(jobs, AwardNotice{UploadID: uploadID, StudentID: p.student.ID})
	}
	return jobs
}

func (s *Service) issuedCredential(a *Award, p plannedAward) IssuedCredential {
	return IssuedCredential{
		CredentialID:    a.Credential.ID,
		URL:             s.URLs.Credential(a.Credential.ID),
		StudentNumber:   p.student.Number,
		AchievementCode: p.achievement.Code,
	}
}
