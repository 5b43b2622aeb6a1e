package issuer_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

func TestCheckLine(t *testing.T) {
	tests := []struct {
		name      string
		value     string
		multiline bool
		want      string // part of the error; "" for none
	}{
		{"plain", "Career Readiness Workshop", false, ""},
		{"empty", "", false, ""},
		{"CJK and emoji", "陳大文 🎓", false, ""},
		{"replacement character", "a\uFFFDb", false, ""},
		{"NUL", "a\x00b", false, "title: contains a control character U+0000 at position 2; remove it"},
		{"NUL after CJK", "陳\x00", false, "U+0000 at position 2"},
		{"escape", "\x1b[2J", false, "U+001B at position 1"},
		{"delete", "a\x7f", false, "U+007F at position 2"},
		{"C1 control", "a\u009bb", false, "U+009B at position 2"},
		{"tab", "a\tb", false, "title: contains a tab at position 2; use a space instead"},
		{"line feed", "a\nb", false, "title: contains a line break at position 2; write it on one line"},
		{"carriage return", "a\r\nb", false, "line break at position 2"},
		{"invalid byte", "ab\xff", false, "title: is not valid UTF-8 text: byte 0xFF at position 3"},
		{"truncated sequence", "caf\xc3", false, "byte 0xC3 at position 4"},
		{"multiline tab and lines", "one\r\n\ttwo\nthree", true, ""},
		{"multiline NUL", "one\n\x00", true, "U+0000 at position 5"},
		{"multiline lone CR", "one\rtwo", true, "line break at position 4"},
		{"multiline form feed", "one\ftwo", true, "U+000C at position 4"},
		{"multiline invalid byte", "one\n\xfe", true, "byte 0xFE at position 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := issuer.CheckLine
			if tt.multiline {
				check = issuer.CheckMultiline
			}
			err := check("title", tt.value)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("%q: %v, want no error", tt.value, err)
				}
				return
			}
			if !errors.Is(err, issuer.ErrInvalid) {
				t.Fatalf("%q: error %v, want ErrInvalid", tt.value, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%q: error %q, want it to contain %q", tt.value, err, tt.want)
			}
		})
	}
}

// TestServiceRejectsControlText sends a NUL character through every
// service function that stores or looks up text a person typed. On
// PostgreSQL the database cannot store it, and on SQLite it would be
// stored. Either way the service must return a ValidationError that
// names the field, and store nothing.
func TestServiceRejectsControlText(t *testing.T) {
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			h := newHarnessOn(t, db.url(t))
			testServiceRejectsControlText(t, h)
		})
	}
}

func testServiceRejectsControlText(t *testing.T, h *harness) {
	ctx := context.Background()
	svc := h.svc
	day := time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)
	activity := issuer.ActivityInput{Title: "Talk", Unit: "Careers Centre", StartDate: day, EndDate: day, Hours: 2, AchievementCodes: []string{"PS"}}
	withActivity := func(change func(*issuer.ActivityInput)) issuer.ActivityInput {
		in := activity
		change(&in)
		return in
	}
	student := func(change func(*issuer.Student)) []*issuer.Student {
		st := &issuer.Student{Number: "T9001", Name: "New Student", Email: "t9001@stu.example.edu"}
		change(st)
		return []*issuer.Student{st}
	}
	enrolled, err := h.db.StudentsByNumber(ctx, []string{"015766261"})
	if err != nil || enrolled["015766261"] == nil {
		t.Fatalf("find a demo student: %v", err)
	}
	firstStudent := enrolled["015766261"]
	achievementID := func() string {
		a, err := h.db.AchievementByCode(ctx, "PS")
		if err != nil {
			t.Fatal(err)
		}
		return a.ID
	}()

	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"activity title", func() error {
			_, err := svc.CreateActivity(ctx, issuer.System, withActivity(func(in *issuer.ActivityInput) { in.Title = "a\x00b" }))
			return err
		}, "title"},
		{"activity unit", func() error {
			_, err := svc.CreateActivity(ctx, issuer.System, withActivity(func(in *issuer.ActivityInput) { in.Unit = "U\x00" }))
			return err
		}, "unit"},
		{"activity edit description", func() error {
			_, err := svc.UpdateActivity(ctx, issuer.System, h.activity.ID, withActivity(func(in *issuer.ActivityInput) { in.Description = "one\n\x00" }))
			return err
		}, "description"},
		{"activity organiser", func() error {
			_, err := svc.CreateActivity(ctx, issuer.System, withActivity(func(in *issuer.ActivityInput) { in.OrganiserID = "x\x00" }))
			return err
		}, "organiser"},
		{"activity badge code", func() error {
			_, err := svc.CreateActivity(ctx, issuer.System, withActivity(func(in *issuer.ActivityInput) { in.AchievementCodes = []string{"P\x00S"} }))
			return err
		}, "achievements"},
		{"student name", func() error {
			_, _, err := svc.ImportStudents(ctx, issuer.System, student(func(st *issuer.Student) { st.Name = "a\x00b" }))
			return err
		}, "name"},
		{"student number", func() error {
			_, _, err := svc.ImportStudents(ctx, issuer.System, student(func(st *issuer.Student) { st.Number = "T\x00" }))
			return err
		}, "student_id"},
		{"student programme", func() error {
			_, _, err := svc.ImportStudents(ctx, issuer.System, student(func(st *issuer.Student) { st.Programme = "BBA\x00" }))
			return err
		}, "programme"},
		{"student personal email", func() error {
			_, err := svc.UpdateStudent(ctx, issuer.System, firstStudent.Number, issuer.StudentUpdate{PersonalEmail: ptr("a\x00@example.com")})
			return err
		}, "personal_email"},
		{"student update number", func() error {
			_, err := svc.SetStudentStatus(ctx, issuer.System, "0157\x00", issuer.Graduated)
			return err
		}, "student_id"},
		{"achievement name", func() error {
			cat, err := issuer.ParseCatalogue([]byte(`{"achievements": [{"code": "NEW", "name": "a\u0000b", "description": "d", "criteria": "c"}]}`))
			if err != nil {
				return err
			}
			_, _, err = svc.ImportAchievements(ctx, issuer.System, cat)
			return err
		}, "name"},
		{"achievement edit criteria", func() error {
			_, err := svc.EditAchievement(ctx, issuer.System, achievementID, issuer.CatalogueEntry{Code: "PS", Name: "PS", Description: "d", Criteria: "c\x00"}, nil)
			return err
		}, "criteria"},
		{"achievement tag", func() error {
			_, err := svc.EditAchievement(ctx, issuer.System, achievementID, issuer.CatalogueEntry{Code: "PS", Name: "PS", Description: "d", Criteria: "c", Tags: []string{"t\x00"}}, nil)
			return err
		}, "tags"},
		{"profile name", func() error {
			return svc.SetProfile(ctx, issuer.System, &issuer.Profile{Name: "Example\x00College"})
		}, "name"},
		{"profile description", func() error {
			return svc.SetProfile(ctx, issuer.System, &issuer.Profile{Name: "Example College", Description: "\x00"})
		}, "description"},
		{"revoke reason", func() error {
			_, err := svc.Revoke(ctx, issuer.System, "any-credential", "typo\x00")
			return err
		}, "reason"},
		{"reissue reason", func() error {
			_, err := svc.Correct(ctx, issuer.System, "any-credential", issuer.Correction{Reason: "typo\x00"})
			return err
		}, "reason"},
		{"staff user name", func() error {
			_, err := svc.CreateStaffUser(ctx, issuer.System, "Ann\x00", "ann@example.edu", issuer.RoleOrganiser, "correct horse battery staple")
			return err
		}, "name"},
		{"token name", func() error {
			_, _, err := svc.CreateToken(ctx, issuer.System, issuer.RoleOrganiser, "Bot\x00")
			return err
		}, "name"},
		{"token email", func() error {
			_, _, err := svc.IssueToken(ctx, issuer.System, issuer.TokenRequest{Role: issuer.RoleOrganiser, Name: "Bot", Email: "bot\x00@example.edu"})
			return err
		}, "email"},
		{"enrolment student", func() error {
			return svc.Enrol(ctx, issuer.System, h.activity.ID, "0157\x00", true)
		}, "student_id"},
		{"transcript note", func() error {
			_, err := svc.RequestTranscript(ctx, firstStudent, "post it\x00")
			return err
		}, "note"},
		{"student search", func() error {
			_, err := svc.Students(ctx, issuer.System, issuer.StudentFilter{Query: "a\x00b"})
			return err
		}, "q"},
		{"award search", func() error {
			_, _, err := svc.SearchAwards(ctx, issuer.System, issuer.AwardSearch{Query: "a\x00b"})
			return err
		}, "q"},
		{"records search", func() error {
			_, err := svc.RecordsOfAchievement(ctx, issuer.RecordFilter{Query: "a\x00b"})
			return err
		}, "q"},
		{"upload filename", func() error {
			_, err := h.upload(t, issuer.System, "attendance\x00.csv", readFile(t, "../internal/demo/attendance-workshop.csv"), false)
			return err
		}, "filename"},
		{"upload withhold", func() error {
			_, err := svc.ProcessUpload(ctx, issuer.System, issuer.UploadRequest{ActivityID: h.activity.ID, Filename: "a.csv",
				Data: readFile(t, "../internal/demo/attendance-workshop.csv"), Withhold: []string{"015766261\x00"}})
			return err
		}, "withhold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var v *issuer.ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("error %v, want a ValidationError", err)
			}
			if v.Field != tt.field {
				t.Errorf("error names field %q, want %q: %v", v.Field, tt.field, err)
			}
			if !strings.Contains(v.Message, "U+0000") {
				t.Errorf("message %q does not name the character", v.Message)
			}
		})
	}

	t.Run("nothing stored", func(t *testing.T) {
		p, err := h.db.Profile(ctx)
		if err != nil || p.Name != "Example College" {
			t.Errorf("profile = %+v, %v; want it unchanged", p, err)
		}
		acts, err := h.db.Activities(ctx, "")
		if err != nil || len(acts) != 1 {
			t.Errorf("%d activities, %v; want only the seeded one", len(acts), err)
		}
		found, err := h.db.StudentsByNumber(ctx, []string{"T9001"})
		if err != nil || len(found) != 0 {
			t.Errorf("students T9001: %v, %v; want none", found, err)
		}
		if n := h.awardCount(t); n != 0 {
			t.Errorf("%d awards issued, want none", n)
		}
	})

	t.Run("sign-in", func(t *testing.T) {
		if _, err := svc.SignIn(ctx, "a\x00@example.edu", "correct horse battery staple"); !errors.Is(err, issuer.ErrUnauthenticated) {
			t.Errorf("SignIn error %v, want ErrUnauthenticated", err)
		}
		if _, _, err := svc.CreateSignInLink(ctx, "a\x00@example.edu"); !errors.Is(err, issuer.ErrNotFound) {
			t.Errorf("CreateSignInLink error %v, want ErrNotFound", err)
		}
	})
}
