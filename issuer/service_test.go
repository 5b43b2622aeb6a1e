package issuer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/laurel-badges/laurel/internal/attendance"
	"github.com/laurel-badges/laurel/internal/roster"
	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/internal/store/storetest"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/keys"
)

const testBase = "https://badges.example.edu"

// harness is an issuer service on a real SQLite store with a real key,
// seeded with the demonstration catalogue and students.
type harness struct {
	svc      *issuer.Service
	db       *store.DB
	ring     *keys.Ring
	activity *issuer.Activity
	signs    atomic.Int64
	failAt   int64 // when > 0, the signer fails on that signature
}

func (h *harness) Sign(ctx context.Context, payload []byte) (string, string, error) {
	n := h.signs.Add(1)
	if h.failAt > 0 && n == h.failAt {
		return "", "", errors.New("signing device unavailable")
	}
	return h.ring.Sign(ctx, payload)
}

type parser struct{}

func (parser) ParseAttendance(name string, data []byte) ([]issuer.AttendanceRow, []issuer.RowProblem, error) {
	sheet, err := attendance.Parse(name, data, attendance.Options{})
	if err != nil {
		return nil, nil, err
	}
	var rows []issuer.AttendanceRow
	for _, r := range sheet.Rows {
		rows = append(rows, issuer.AttendanceRow{Line: r.Line, StudentNumber: r.StudentNumber, Name: r.Name,
			SessionsAttended: r.SessionsAttended, SessionsTotal: r.SessionsTotal, Assessment: r.Assessment, Withhold: r.Withhold})
	}
	var problems []issuer.RowProblem
	for _, p := range sheet.Problems {
		problems = append(problems, issuer.RowProblem{Line: p.Line, Column: p.Column, Value: p.Value, Code: p.Code, Message: p.Message, Warning: p.Warning})
	}
	return rows, problems, nil
}

// databases lists the stores the pipeline tests run on; PostgreSQL skips
// when LAUREL_TEST_DATABASE_URL is unset outside CI.
var databases = []struct {
	name string
	url  func(testing.TB) string
}{
	{"sqlite", storetest.SQLiteURL},
	{"postgres", storetest.PostgresURL},
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	return newHarnessOn(t, storetest.SQLiteURL(t))
}

func newHarnessOn(t *testing.T, databaseURL string) *harness {
	t.Helper()
	ctx := context.Background()

	db, err := store.Open(ctx, databaseURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	did, err := keys.DIDWeb(testBase)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := keys.Open(ctx, db, make([]byte, 32), did, "ES256")
	if err != nil {
		t.Fatal(err)
	}
	builder, err := issuer.NewCredentialBuilder()
	if err != nil {
		t.Fatal(err)
	}
	urls, _ := issuer.NewURLs(testBase)

	h := &harness{db: db, ring: ring}
	h.svc = &issuer.Service{Store: db, Signer: ring, Builder: builder, Parser: parser{}, URLs: urls, IssuerID: did}
	h.seed(t)
	h.svc.Signer = signerFunc(h.Sign)
	return h
}

type signerFunc func(context.Context, []byte) (string, string, error)

func (f signerFunc) Sign(ctx context.Context, p []byte) (string, string, error) { return f(ctx, p) }

func (h *harness) seed(t *testing.T) {
	t.Helper()
	ctx := context.Background()

	if err := h.svc.SetProfile(ctx, issuer.System, &issuer.Profile{Name: "Example College", URL: testBase}); err != nil {
		t.Fatal(err)
	}
	cat, err := issuer.ParseCatalogue(readFile(t, "../internal/demo/achievements.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.svc.ImportAchievements(ctx, issuer.System, cat); err != nil {
		t.Fatal(err)
	}
	students, err := roster.ReadStudents("students.csv", readFile(t, "../internal/demo/students.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := h.svc.ImportStudents(ctx, issuer.System, students); err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	h.activity, err = h.svc.CreateActivity(ctx, issuer.System, issuer.ActivityInput{
		Title: "Career Readiness Workshop", Unit: "Careers Centre", StartDate: day, EndDate: day, Hours: 8,
		AchievementCodes: []string{"IPC", "EC"},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func (h *harness) upload(t *testing.T, actor *issuer.User, name string, data []byte, dryRun bool) (*issuer.UploadResult, error) {
	t.Helper()
	return h.svc.ProcessUpload(context.Background(), actor, issuer.UploadRequest{
		ActivityID: h.activity.ID, Filename: name, Data: data, DryRun: dryRun,
	})
}

func (h *harness) awardCount(t *testing.T) int {
	t.Helper()
	awards, err := h.db.Awards(context.Background(), issuer.AwardFilter{ActivityID: h.activity.ID})
	if err != nil {
		t.Fatal(err)
	}
	return len(awards)
}

func TestUploadSampleFiles(t *testing.T) {
	for _, db := range databases {
		for _, name := range []string{"attendance-workshop.csv", "attendance-workshop.xlsx"} {
			t.Run(db.name+"/"+name, func(t *testing.T) {
				testUploadSampleFile(t, newHarnessOn(t, db.url(t)), name)
			})
		}
	}
}

func testUploadSampleFile(t *testing.T, h *harness, name string) {
	data := readFile(t, "../internal/demo/"+name)

	preview, err := h.upload(t, issuer.System, name, data, true)
	if err != nil {
		t.Fatal(err)
	}
	want := issuer.UploadCounts{Rows: 60, Students: 43, Awards: 86, NotEligible: 17}
	if preview.Counts != want {
		t.Errorf("dry-run counts = %+v, want %+v", preview.Counts, want)
	}
	if n := h.awardCount(t); n != 0 {
		t.Fatalf("dry run wrote %d awards", n)
	}

	res, err := h.upload(t, issuer.System, name, data, false)
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts != want || len(res.Credentials) != 86 || res.UploadID == "" {
		t.Fatalf("issue counts = %+v, %d credentials, upload %q", res.Counts, len(res.Credentials), res.UploadID)
	}
	if n := h.awardCount(t); n != 86 {
		t.Errorf("stored %d awards, want 86", n)
	}
	up, err := h.db.Upload(context.Background(), res.UploadID)
	if err != nil {
		t.Fatal(err)
	}
	if string(up.Original) != string(data) {
		t.Error("the stored original file differs from the upload")
	}

	assertStatusEntries(t, h, res)

	again, err := h.upload(t, issuer.System, name, data, false)
	if err != nil {
		t.Fatal(err)
	}
	if again.Counts.Awards != 0 || again.Counts.AlreadyAwarded != 43 {
		t.Errorf("re-upload counts = %+v, want 0 awards and 43 already awarded", again.Counts)
	}
	if n := h.awardCount(t); n != 86 {
		t.Errorf("after re-upload %d awards, want 86", n)
	}
}

// assertStatusEntries checks that every credential of an upload states the
// status entry stored with it, and that no two share an entry.
func assertStatusEntries(t *testing.T, h *harness, res *issuer.UploadResult) {
	t.Helper()
	seen := map[issuer.StatusEntry]string{}
	for _, c := range res.Credentials {
		a, err := h.db.AwardByCredential(context.Background(), c.CredentialID)
		if err != nil {
			t.Fatal(err)
		}
		e := a.Credential.StatusEntry
		if e.IsZero() {
			t.Fatalf("credential %s has no status entry", c.CredentialID)
		}
		if other, dup := seen[e]; dup {
			t.Errorf("credentials %s and %s share status entry %+v", other, c.CredentialID, e)
		}
		seen[e] = c.CredentialID

		var doc struct {
			CredentialStatus map[string]string `json:"credentialStatus"`
		}
		if err := json.Unmarshal(a.Credential.Document, &doc); err != nil {
			t.Fatal(err)
		}
		list := h.svc.URLs.StatusList(e.ListID)
		want := map[string]string{
			"id": list + "#" + strconv.Itoa(e.Index), "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
			"statusListIndex": strconv.Itoa(e.Index), "statusListCredential": list,
		}
		if !maps.Equal(doc.CredentialStatus, want) {
			t.Errorf("credential %s: credentialStatus = %v, want %v", c.CredentialID, doc.CredentialStatus, want)
		}
	}
}

func TestUploadRules(t *testing.T) {
	h := newHarness(t)
	file := "student_id,name,sessions_attended,sessions_total,assessment,withhold\n" +
		"015766261,TSE Cheuk Hin Marco,4,4,pass,\n" + // award
		"039898513,KWOK Kwan Ho Natalie,3,4,,\n" + // 75 %: award
		"149657725,NG Kwan Ho Natalie,2,4,pass,\n" + // 50 %: not eligible
		"249300991,MAK Pak Hei Marco,4,4,fail,\n" + // failed: not eligible
		"239726338,TSE Chi Hung Natalie,4,4,pass,yes\n" // withheld
	res, err := h.upload(t, issuer.System, "a.csv", []byte(file), true)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]issuer.RowStatus{
		"015766261": issuer.RowAward, "039898513": issuer.RowAward, "149657725": issuer.RowNotEligible,
		"249300991": issuer.RowNotEligible, "239726338": issuer.RowWithheld,
	}
	for _, r := range res.Rows {
		if r.Status != want[r.StudentNumber] {
			t.Errorf("line %d (%s): status %s (%s), want %s", r.Line, r.StudentNumber, r.Status, r.Reason, want[r.StudentNumber])
		}
	}

	res, err = h.svc.ProcessUpload(context.Background(), issuer.System, issuer.UploadRequest{
		ActivityID: h.activity.ID, Filename: "a.csv", Data: []byte(file), DryRun: true, Withhold: []string{"015766261"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows[0].Status != issuer.RowWithheld {
		t.Errorf("withhold list ignored: %+v", res.Rows[0])
	}
}

func TestUploadProblems(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	graduated := &issuer.Student{Number: "900000001", Name: "Old Grad", Email: "old@example.edu", StudyMode: issuer.FullTime, Status: issuer.Graduated}
	if _, _, err := h.svc.ImportStudents(ctx, issuer.System, []*issuer.Student{graduated}); err != nil {
		t.Fatal(err)
	}

	header := "student_id,name,sessions_attended,sessions_total,assessment\n"
	tests := []struct {
		name     string
		file     string
		wantCode string
		wantLine int
		wantText string
	}{
		{"unknown student", header + "123456789,Nobody,4,4,pass\n", "unknown_student", 2, "123456789"},
		{"leading zeros lost", header + "039898513,KWOK Kwan Ho Natalie,4,4,pass\n15766261,TSE Cheuk Hin Marco,4,4,pass\n", "unknown_student", 3, "but 015766261 (TSE Cheuk Hin Marco) does"},
		{"student not current", header + "900000001,Old Grad,4,4,pass\n", "student_not_current", 2, "graduated"},
		{"malformed id", header + "12-34!,X,4,4,pass\n", "malformed_id", 2, "12-34!"},
		{"duplicate row", header + "015766261,TSE Cheuk Hin Marco,4,4,pass\n015766261,TSE Cheuk Hin Marco,4,4,pass\n", "duplicate_row", 3, "line 2"},
		{"attended more than total", header + "015766261,TSE Cheuk Hin Marco,5,4,pass\n", "attended_exceeds_total", 2, "5"},
		{"empty file", "", "empty_file", 0, ""},
		{"missing column", "student_id,name\n015766261,X\n", "missing_column", 1, "sessions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := h.upload(t, issuer.System, "a.csv", []byte(tt.file), false)
			if !errors.Is(err, issuer.ErrInvalid) {
				t.Fatalf("got error %v, want ErrInvalid", err)
			}
			found := false
			for _, p := range res.Problems {
				if p.Code == tt.wantCode && p.Line == tt.wantLine && strings.Contains(p.Message, tt.wantText) && !p.Warning {
					found = true
				}
			}
			if !found {
				t.Errorf("no %s problem on line %d mentioning %q in %+v", tt.wantCode, tt.wantLine, tt.wantText, res.Problems)
			}
			if n := h.awardCount(t); n != 0 {
				t.Errorf("a rejected upload wrote %d awards", n)
			}
		})
	}
}

// TestUploadProblemsReadAlike checks that the register's problems are
// listed among the parser's in line order, and that every message is
// written as sentences, as the parser's are.
func TestUploadProblemsReadAlike(t *testing.T) {
	h := newHarness(t)
	graduated := &issuer.Student{Number: "900000001", Name: "Old Grad", Email: "old@example.edu", StudyMode: issuer.FullTime, Status: issuer.Graduated}
	if _, _, err := h.svc.ImportStudents(context.Background(), issuer.System, []*issuer.Student{graduated}); err != nil {
		t.Fatal(err)
	}

	file := "student_id,name,sessions_attended,sessions_total,assessment\n" +
		"123456789,Nobody,4,4,pass\n" + // line 2: unknown student
		"015766261,TSE Cheuk Hin Marco,x,4,pass\n" + // line 3: parser problem
		"900000001,Old Grad,4,4,pass\n" + // line 4: not current
		"039898513,Someone Else,4,4,pass\n" + // line 5: name mismatch warning
		"149657725,NG Kwan Ho Natalie,4,4,merit\n" // line 6: parser problem
	res, err := h.upload(t, issuer.System, "a.csv", []byte(file), true)
	if !errors.Is(err, issuer.ErrInvalid) {
		t.Fatalf("got error %v, want ErrInvalid", err)
	}

	var lines []int
	var codes []string
	for _, p := range res.Problems {
		lines = append(lines, p.Line)
		codes = append(codes, p.Code)
		first, _ := utf8.DecodeRuneInString(p.Message)
		if !unicode.IsUpper(first) || !strings.HasSuffix(p.Message, ".") {
			t.Errorf("line %d %s: message is not written as sentences: %q", p.Line, p.Code, p.Message)
		}
	}
	if want := []int{2, 3, 4, 5, 6}; !slices.Equal(lines, want) {
		t.Errorf("problem lines %v, want %v (codes %v)", lines, want, codes)
	}
}

func TestUploadAllOrNothing(t *testing.T) {
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			testUploadAllOrNothing(t, newHarnessOn(t, db.url(t)))
		})
	}
}

func testUploadAllOrNothing(t *testing.T, h *harness) {
	h.failAt = 40 // fails midway through the 86 signatures

	_, err := h.upload(t, issuer.System, "a.csv", readFile(t, "../internal/demo/attendance-workshop.csv"), false)
	if err == nil || !strings.Contains(err.Error(), "signing device unavailable") {
		t.Fatalf("got %v, want the signer's error", err)
	}
	if n := h.awardCount(t); n != 0 {
		t.Errorf("%d awards kept after a failed upload, want 0", n)
	}
	uploads, err := h.db.Uploads(context.Background(), h.activity.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(uploads) != 0 {
		t.Errorf("%d uploads kept after a failed upload, want 0", len(uploads))
	}
}

func TestUploadAuthorization(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	data := readFile(t, "../internal/demo/attendance-workshop.csv")

	_, owner, err := h.svc.CreateToken(ctx, issuer.System, issuer.RoleOrganiser, "Owner")
	if err != nil {
		t.Fatal(err)
	}
	_, other, err := h.svc.CreateToken(ctx, issuer.System, issuer.RoleOrganiser, "Other")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)
	owned, err := h.svc.CreateActivity(ctx, owner, issuer.ActivityInput{Title: "Owned", Unit: "Library", StartDate: day, EndDate: day, Hours: 2, AchievementCodes: []string{"IDL"}})
	if err != nil {
		t.Fatal(err)
	}
	noRight := *owner
	noRight.CanUpload = false

	tests := []struct {
		name    string
		actor   *issuer.User
		want    error
		wantMsg string
	}{
		{"no actor", nil, issuer.ErrUnauthenticated, ""},
		{"other organiser", other, issuer.ErrForbidden, "another organiser"},
		{"owner without upload right", &noRight, issuer.ErrForbidden, "no right to upload"},
		{"owner", owner, nil, ""},
		{"admin", issuer.System, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.svc.ProcessUpload(ctx, tt.actor, issuer.UploadRequest{ActivityID: owned.ID, Filename: "a.csv", Data: data, DryRun: true})
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if tt.wantMsg != "" && !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not say %q", err, tt.wantMsg)
			}
		})
	}
}

func TestCreateActivityRules(t *testing.T) {
	h := newHarness(t)
	day := time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)
	base := issuer.ActivityInput{Title: "T", Unit: "U", StartDate: day, EndDate: day, Hours: 2, AchievementCodes: []string{"PS"}}

	tests := []struct {
		name    string
		mutate  func(*issuer.ActivityInput)
		wantErr string
	}{
		{"valid", func(*issuer.ActivityInput) {}, ""},
		{"curricular", func(in *issuer.ActivityInput) { in.Curricular = true }, "extracurricular"},
		{"restricted", func(in *issuer.ActivityInput) { in.RestrictedEntry = true }, "open to all"},
		{"unknown badge", func(in *issuer.ActivityInput) { in.AchievementCodes = []string{"XYZ"} }, `"XYZ"`},
		{"end before start", func(in *issuer.ActivityInput) { in.EndDate = day.AddDate(0, 0, -1) }, "before the start date"},
		{"no hours", func(in *issuer.ActivityInput) { in.Hours = 0 }, "hours"},
		{"attendance share", func(in *issuer.ActivityInput) { in.MinAttendance = ptr(75.0) }, "above 0 and at most 1"},
		{"attendance zero", func(in *issuer.ActivityInput) { in.MinAttendance = ptr(0.0) }, "min_attendance: 0 would award the badges to students who attended no session"},
		{"attendance half", func(in *issuer.ActivityInput) { in.MinAttendance = ptr(0.5) }, ""},
		{"title too long", func(in *issuer.ActivityInput) { in.Title = strings.Repeat("活", 201) }, "201 characters is too long"},
		{"title NUL", func(in *issuer.ActivityInput) { in.Title = "a\x00b" }, "title: contains a control character U+0000 at position 2; remove it"},
		{"title line break", func(in *issuer.ActivityInput) { in.Title = "Career\nDay" }, "title: contains a line break at position 7"},
		{"title C1 control", func(in *issuer.ActivityInput) { in.Title = "Caf\u0085 talk" }, "U+0085 at position 4"},
		{"title not UTF-8", func(in *issuer.ActivityInput) { in.Title = "Caf\xe9 talk" }, "title: is not valid UTF-8 text: byte 0xE9 at position 4"},
		{"description lines", func(in *issuer.ActivityInput) { in.Description = "Day one:\r\n\tCVs\nDay two" }, ""},
		{"description bell", func(in *issuer.ActivityInput) { in.Description = "ring\a" }, "description: contains a control character U+0007 at position 5"},
		{"description lone CR", func(in *issuer.ActivityInput) { in.Description = "a\rb" }, "description: contains a line break at position 2"},
		{"unit slash", func(in *issuer.ActivityInput) { in.Unit = "U/../.." }, "unit: \"U/../..\" contains a slash"},
		{"unit backslash", func(in *issuer.ActivityInput) { in.Unit = `U\x` }, "contains a slash"},
		{"unit dot segment", func(in *issuer.ActivityInput) { in.Unit = ".." }, `unit: ".." is not a name`},
		{"unit escape", func(in *issuer.ActivityInput) { in.Unit = "U\x1b[31m" }, "unit: contains a control character U+001B at position 2"},
		{"badge code NUL", func(in *issuer.ActivityInput) { in.AchievementCodes = []string{"PS\x00"} }, "achievements: contains a control character U+0000 at position 3"},
		{"badge code shape", func(in *issuer.ActivityInput) { in.AchievementCodes = []string{"P S"} }, `"P S" is not a badge code`},
		{"organiser NUL", func(in *issuer.ActivityInput) { in.OrganiserID = "u\x00" }, "organiser: contains a control character U+0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := base
			tt.mutate(&in)
			_, err := h.svc.CreateActivity(context.Background(), issuer.System, in)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, issuer.ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want ErrInvalid mentioning %q", err, tt.wantErr)
			}
		})
	}
}

// TestCreateActivityMinAttendance checks that an absent share takes the
// default and a given one is kept as given.
func TestCreateActivityMinAttendance(t *testing.T) {
	h := newHarness(t)
	day := time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		given *float64
		want  float64
	}{
		{"absent", nil, issuer.DefaultMinAttendance},
		{"half", ptr(0.5), 0.5},
		{"all", ptr(1.0), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := issuer.ActivityInput{Title: "T", Unit: "U", StartDate: day, EndDate: day, Hours: 2, AchievementCodes: []string{"PS"}, MinAttendance: tt.given}
			a, err := h.svc.CreateActivity(t.Context(), issuer.System, in)
			if err != nil {
				t.Fatal(err)
			}
			stored, err := h.db.Activity(t.Context(), a.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.MinAttendance != tt.want {
				t.Errorf("stored min attendance = %g, want %g", stored.MinAttendance, tt.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestCreateActivityForAnotherOrganiser(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	_, alice, err := h.svc.CreateToken(ctx, issuer.System, issuer.RoleOrganiser, "Alice")
	if err != nil {
		t.Fatal(err)
	}
	_, bob, err := h.svc.CreateToken(ctx, issuer.System, issuer.RoleOrganiser, "Bob")
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)
	in := issuer.ActivityInput{Title: "T", Unit: "U", StartDate: day, EndDate: day, Hours: 2, AchievementCodes: []string{"PS"}, OrganiserID: bob.ID}

	if _, err := h.svc.CreateActivity(ctx, alice, in); !errors.Is(err, issuer.ErrForbidden) {
		t.Errorf("organiser creating for another: got %v, want ErrForbidden", err)
	}
	act, err := h.svc.CreateActivity(ctx, issuer.System, in)
	if err != nil {
		t.Fatal(err)
	}
	if act.OrganiserID != bob.ID {
		t.Errorf("admin-created activity belongs to %q, want %q", act.OrganiserID, bob.ID)
	}
}

func TestSetProfileChecks(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name    string
		profile issuer.Profile
		wantErr string
	}{
		{"valid", issuer.Profile{Name: "College", URL: "https://www.example.edu", Email: "badges@example.edu"}, ""},
		{"no name", issuer.Profile{URL: "https://www.example.edu"}, "name: missing"},
		{"bad email", issuer.Profile{Name: "College", Email: "not an email"}, "email"},
		{"script URL", issuer.Profile{Name: "College", URL: "javascript:alert(1)"}, "url"},
		{"relative logo", issuer.Profile{Name: "College", ImageURL: "/logo.png"}, "image"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.profile
			err := h.svc.SetProfile(context.Background(), issuer.System, &p)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, issuer.ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want ErrInvalid mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestUploadCapsReportedProblems(t *testing.T) {
	h := newHarness(t)
	var b strings.Builder
	b.WriteString("student_id,sessions_attended,sessions_total\n")
	for i := range 1500 {
		fmt.Fprintf(&b, "%09d,4,4\n", 800000000+i)
	}
	res, err := h.upload(t, issuer.System, "a.csv", []byte(b.String()), true)
	if !errors.Is(err, issuer.ErrInvalid) || !strings.Contains(err.Error(), "1500 problems") {
		t.Fatalf("got %v, want ErrInvalid counting 1500 problems", err)
	}
	if len(res.Problems) != 1001 || res.Problems[1000].Code != "more_problems" || !strings.Contains(res.Problems[1000].Message, "500 more problems") {
		t.Errorf("got %d problems, last %+v", len(res.Problems), res.Problems[len(res.Problems)-1])
	}
}

// TestUploadCancelledMidway cancels the caller's context while credentials
// are being signed: the upload must fail and leave nothing behind.
func TestUploadCancelledMidway(t *testing.T) {
	h := newHarness(t)
	ctx, cancel := context.WithCancel(context.Background())
	signer := h.svc.Signer
	h.svc.Signer = signerFunc(func(c context.Context, p []byte) (string, string, error) {
		if h.signs.Load() == 30 {
			cancel()
		}
		return signer.Sign(c, p)
	})

	_, err := h.svc.ProcessUpload(ctx, issuer.System, issuer.UploadRequest{
		ActivityID: h.activity.ID, Filename: "a.csv", Data: readFile(t, "../internal/demo/attendance-workshop.csv"),
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if n := h.awardCount(t); n != 0 {
		t.Errorf("%d awards kept after a cancelled upload, want 0", n)
	}
}

func TestWithholdUnknownStudent(t *testing.T) {
	h := newHarness(t)
	file := []byte("student_id,name,sessions_attended,sessions_total,withhold\n" +
		"015766261,TSE Cheuk Hin Marco,4,4,\n999999999,Nobody,4,4,yes\n")

	res, err := h.upload(t, issuer.System, "attendance.csv", file, true)
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts.Withheld != 1 || res.Counts.Problems != 0 || res.Counts.Warnings != 1 {
		t.Errorf("counts = %+v, want 1 withheld row with a warning and no problem", res.Counts)
	}
	if got := res.Rows[1].Status; got != issuer.RowWithheld {
		t.Errorf("row of the unknown student: status %s, want %s", got, issuer.RowWithheld)
	}
}
