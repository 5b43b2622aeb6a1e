package export

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/laurel-badges/laurel/internal/attendance"
	"github.com/laurel-badges/laurel/issuer"
)

// Source is the part of issuer.Store that the exports read.
type Source interface {
	EachAwardRecord(ctx context.Context, s issuer.AwardSearch, fn func(*issuer.AwardRecord) error) error
	EachStudentBadgeCount(ctx context.Context, fn func(*issuer.StudentBadgeCount) error) error
	Achievements(ctx context.Context) ([]*issuer.Achievement, error)
	Activities(ctx context.Context, organiserID string) ([]*issuer.Activity, error)
	ActivityAwardCounts(ctx context.Context) (map[string]int, error)
	Uploads(ctx context.Context, activityID string) ([]*issuer.Upload, error)
	Upload(ctx context.Context, id string) (*issuer.Upload, error)
}

// Dataset is a kind of record that can be exported.
type Dataset string

// Datasets.
const (
	Awards        Dataset = "awards"
	Activities    Dataset = "activities"
	Attendance    Dataset = "attendance"
	StudentBadges Dataset = "student-badges"
)

// Datasets lists every dataset in the order the exports page shows them.
var Datasets = []Dataset{Awards, Activities, Attendance, StudentBadges}

// ParseDataset returns the dataset named s.
func ParseDataset(s string) (Dataset, error) {
	for _, d := range Datasets {
		if string(d) == s {
			return d, nil
		}
	}
	return "", fmt.Errorf("unknown export %q: use one of awards, activities, attendance or student-badges", s)
}

// Title returns the name of the dataset shown to people and used as the
// XLSX sheet name.
func (d Dataset) Title() string {
	switch d {
	case Awards:
		return "Awards"
	case Activities:
		return "Activities"
	case Attendance:
		return "Attendance"
	case StudentBadges:
		return "Badges per student"
	}
	return string(d)
}

// Filename returns the download name of the dataset in format f.
func (d Dataset) Filename(f Format) string {
	return "laurel-" + string(d) + "." + string(f)
}

// Write writes dataset d from src to w in format f. The filter s applies to
// the awards export only. An error after the first row leaves w with a
// partial file, which an HTTP handler can only end by dropping the
// connection.
func Write(ctx context.Context, src Source, w io.Writer, d Dataset, f Format, s issuer.AwardSearch) error {
	var err error
	switch d {
	case Awards:
		err = writeAwards(ctx, src, w, f, s)
	case Activities:
		err = writeActivities(ctx, src, w, f)
	case Attendance:
		err = writeAttendance(ctx, src, w, f)
	case StudentBadges:
		err = writeStudentBadges(ctx, src, w, f)
	default:
		_, err = ParseDataset(string(d))
	}
	if err != nil {
		return fmt.Errorf("export %s: %w", d, err)
	}
	return nil
}

var awardColumns = []string{
	"credential_id", "status", "issued_at", "student_id", "student_name",
	"badge_code", "badge_name", "activity", "unit", "sessions_attended",
	"sessions_total", "revoked_at", "revocation_reason", "signing_key",
}

func writeAwards(ctx context.Context, src Source, w io.Writer, f Format, s issuer.AwardSearch) error {
	rw, err := NewWriter(w, f, Awards.Title(), awardColumns)
	if err != nil {
		return err
	}
	err = src.EachAwardRecord(ctx, s, func(r *issuer.AwardRecord) error {
		return rw.WriteRow(
			r.CredentialID, string(r.Status), r.IssuedAt, r.StudentNumber, r.StudentName,
			r.AchievementCode, r.AchievementName, r.ActivityTitle, r.ActivityUnit, r.SessionsAttended,
			r.SessionsTotal, r.RevokedAt, r.RevocationReason, r.KeyID,
		)
	})
	return finish(rw, err)
}

var activityColumns = []string{
	"activity_id", "title", "unit", "start", "end", "hours",
	"extracurricular", "open_to_all", "min_attendance", "badges", "awards", "created_at",
}

func writeActivities(ctx context.Context, src Source, w io.Writer, f Format) error {
	codes, err := achievementCodes(ctx, src)
	if err != nil {
		return err
	}
	counts, err := src.ActivityAwardCounts(ctx)
	if err != nil {
		return err
	}
	activities, err := src.Activities(ctx, "")
	if err != nil {
		return err
	}

	rw, err := NewWriter(w, f, Activities.Title(), activityColumns)
	if err != nil {
		return err
	}
	for _, a := range activities {
		badges := make([]string, len(a.AchievementIDs))
		for i, id := range a.AchievementIDs {
			badges[i] = codes[id]
		}
		err = rw.WriteRow(
			a.ID, a.Title, a.Unit, a.StartDate, a.EndDate, a.Hours,
			a.Extracurricular, a.OpenToAll, a.MinAttendance, strings.Join(badges, " "), counts[a.ID], a.CreatedAt,
		)
		if err != nil {
			break
		}
	}
	return finish(rw, err)
}

var attendanceColumns = []string{
	"activity", "upload_id", "uploaded_at", "file", "line", "student_id", "name",
	"sessions_attended", "sessions_total", "assessment", "withhold", "remarks",
}

// writeAttendance writes every row of every stored attendance file, read
// again from the original upload, one upload in memory at a time.
func writeAttendance(ctx context.Context, src Source, w io.Writer, f Format) error {
	activities, err := src.Activities(ctx, "")
	if err != nil {
		return err
	}

	rw, err := NewWriter(w, f, Attendance.Title(), attendanceColumns)
	if err != nil {
		return err
	}
	for _, a := range activities {
		if err = writeActivityAttendance(ctx, src, rw, a); err != nil {
			break
		}
	}
	return finish(rw, err)
}

func writeActivityAttendance(ctx context.Context, src Source, rw RowWriter, a *issuer.Activity) error {
	uploads, err := src.Uploads(ctx, a.ID)
	if err != nil {
		return err
	}
	for _, listed := range uploads {
		u, err := src.Upload(ctx, listed.ID)
		if err != nil {
			return err
		}
		sheet, err := attendance.Parse(u.Filename, u.Original, attendance.Options{})
		if err != nil {
			return fmt.Errorf("read upload %s (%s): %w", u.ID, u.Filename, err)
		}
		for _, row := range sheet.Rows {
			err := rw.WriteRow(
				a.Title, u.ID, u.CreatedAt, u.Filename, row.Line, row.StudentNumber, row.Name,
				row.SessionsAttended, row.SessionsTotal, row.Assessment, row.Withhold, row.Remarks,
			)
			if err != nil {
				return err
			}
		}
	}
	return nil
}

var studentBadgeColumns = []string{
	"student_id", "name", "programme", "year_of_entry", "status", "badges", "awards",
}

func writeStudentBadges(ctx context.Context, src Source, w io.Writer, f Format) error {
	rw, err := NewWriter(w, f, StudentBadges.Title(), studentBadgeColumns)
	if err != nil {
		return err
	}
	err = src.EachStudentBadgeCount(ctx, func(c *issuer.StudentBadgeCount) error {
		return rw.WriteRow(c.Number, c.Name, c.Programme, c.YearOfEntry, string(c.Status), c.Badges, c.Awards)
	})
	return finish(rw, err)
}

// finish closes rw after the rows were written with result err, and
// returns the first error.
func finish(rw RowWriter, err error) error {
	if err != nil {
		rw.Abort()
		return err
	}
	return rw.Close()
}

func achievementCodes(ctx context.Context, src Source) (map[string]string, error) {
	achievements, err := src.Achievements(ctx)
	if err != nil {
		return nil, err
	}
	codes := make(map[string]string, len(achievements))
	for _, a := range achievements {
		codes[a.ID] = a.Code
	}
	return codes, nil
}
