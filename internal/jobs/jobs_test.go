package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/internal/attendance"
	"github.com/laurel-badges/laurel/internal/jobs"
	"github.com/laurel-badges/laurel/internal/mail"
	"github.com/laurel-badges/laurel/internal/notify"
	"github.com/laurel-badges/laurel/internal/smtptest"
	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/internal/store/storetest"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/keys"
)

const testBase = "https://badges.college.example.edu"

// databases lists the stores every job test runs on; PostgreSQL skips when
// LAUREL_TEST_DATABASE_URL is unset outside CI.
var databases = []struct {
	name string
	url  func(testing.TB) string
}{
	{"sqlite", storetest.SQLiteURL},
	{"postgres", storetest.PostgresURL},
}

// harness is an issuer with a catalogue of two badges, students, an
// organiser, an activity offering both badges, an SMTP server on loopback
// and job workers that send through it.
type harness struct {
	notifier  *notify.Notifier
	db        *store.DB
	svc       *issuer.Service
	smtp      *smtptest.Server
	runner    *jobs.Runner
	organiser *issuer.User
	activity  *issuer.Activity
	students  []*issuer.Student
}

func newHarness(t testing.TB, databaseURL string, students int) *harness {
	t.Helper()
	return newHarnessWith(t, databaseURL, students, jobs.Config{
		Workers: 4, RetryBase: 5 * time.Millisecond, RetryMax: 40 * time.Millisecond, PollInterval: 20 * time.Millisecond,
	})
}

// newHarnessWith is newHarness with the given worker settings.
func newHarnessWith(t testing.TB, databaseURL string, students int, workers jobs.Config) *harness {
	t.Helper()
	ctx := t.Context()

	db, err := store.Open(ctx, databaseURL)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}

	h := &harness{db: db}
	h.svc = newService(t, db)
	h.seed(t, students)

	h.smtp = smtptest.Start(t, smtptest.Options{Username: "laurel", Password: "mail-pass"})
	raw := fmt.Sprintf("smtp://laurel:mail-pass@%s:%d", h.smtp.Host(), h.smtp.Port())
	cfg, err := mail.ParseSMTPURL(raw, "", "Badges <badges@college.example.edu>")
	if err != nil {
		t.Fatalf("parse SMTP URL: %v", err)
	}
	notifier, err := notify.New(db, h.svc.URLs, &mail.SMTP{Config: cfg, TLSConfig: h.smtp.ClientTLS()})
	if err != nil {
		t.Fatalf("notifier: %v", err)
	}
	h.notifier = notifier

	h.runner, err = jobs.New(db, notifier, h.svc, workers, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("jobs.New: %v", err)
	}
	return h
}

func (h *harness) start(t *testing.T) {
	t.Helper()
	if err := h.runner.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.runner.Stop(ctx); err != nil {
			t.Errorf("stop workers: %v", err)
		}
	})
}

func newService(t testing.TB, db *store.DB) *issuer.Service {
	t.Helper()
	did, err := keys.DIDWeb(testBase)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := keys.Open(t.Context(), db, make([]byte, 32), did, keys.ES256)
	if err != nil {
		t.Fatalf("open keys: %v", err)
	}
	builder, err := issuer.NewCredentialBuilder()
	if err != nil {
		t.Fatal(err)
	}
	urls, err := issuer.NewURLs(testBase)
	if err != nil {
		t.Fatal(err)
	}
	return &issuer.Service{Store: db, Signer: ring, Keys: ring, Builder: builder, Parser: parser{}, URLs: urls, IssuerID: did}
}

func (h *harness) seed(t testing.TB, n int) {
	t.Helper()
	ctx := t.Context()
	must := func(label string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", label, err)
		}
	}

	must("profile", h.db.SetProfile(ctx, &issuer.Profile{Name: "Harbour College", URL: "https://college.example.edu", Email: "advisor@college.example.edu", Color: "#7a0019"}))

	var achievementIDs []string
	for _, code := range []string{"IPC", "EC"} {
		a := &issuer.Achievement{
			Code: code, Name: "Badge " + code, Description: "Awarded for " + code + ".", Criteria: "Attend.",
			AchievementType: "Badge",
			Image:           issuer.Image{ContentType: "image/svg+xml", Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		}
		must("achievement "+code, h.db.CreateAchievement(ctx, a))
		achievementIDs = append(achievementIDs, a.ID)
	}

	students := make([]*issuer.Student, n)
	for i := range students {
		students[i] = &issuer.Student{
			Number: fmt.Sprintf("S%05d", i+1), Name: fmt.Sprintf("Student %d", i+1),
			Email: fmt.Sprintf("s%05d@student.example.edu", i+1), Programme: "BBA", YearOfEntry: 2024,
			StudyMode: issuer.FullTime, Status: issuer.Current,
		}
	}
	_, _, err := h.db.UpsertStudents(ctx, students)
	must("students", err)
	h.students = students

	h.organiser = &issuer.User{Name: "organiser", Email: "organiser@college.example.edu", Role: issuer.RoleOrganiser, CanUpload: true}
	must("organiser", h.db.CreateUser(ctx, h.organiser))

	h.activity = &issuer.Activity{
		Title: "Negotiation Workshop", Description: "A workshop.", Unit: "Careers Centre",
		StartDate: time.Date(2025, 2, 10, 14, 0, 0, 0, time.UTC), EndDate: time.Date(2025, 2, 10, 17, 0, 0, 0, time.UTC),
		Hours: 3, Extracurricular: true, OpenToAll: true, MinAttendance: 0.75,
		AchievementIDs: achievementIDs, OrganiserID: h.organiser.ID,
	}
	must("activity", h.db.CreateActivity(ctx, h.activity))
}

// attendanceCSV returns an attendance file in which every student attended.
func attendanceCSV(students []*issuer.Student) []byte {
	var b strings.Builder
	b.WriteString("student_id,name,sessions_attended,sessions_total,assessment,remarks\n")
	for _, s := range students {
		fmt.Fprintf(&b, "%s,%s,4,4,pass,\n", s.Number, s.Name)
	}
	return []byte(b.String())
}

func (h *harness) upload(t testing.TB) *issuer.UploadResult {
	t.Helper()
	res, err := h.svc.ProcessUpload(t.Context(), h.organiser, issuer.UploadRequest{
		ActivityID: h.activity.ID, Filename: "attendance.csv", ContentType: "text/csv", Data: attendanceCSV(h.students),
	})
	if err != nil {
		t.Fatalf("ProcessUpload: %v", err)
	}
	return res
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

// waitJobs polls until f returns true or 3 minutes pass. The
// wait bounds a test that would otherwise hang; it asserts no speed.
func waitJobs(t *testing.T, what string, f func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute)
	for !f() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// parsedByRecipient reads every received message, keyed by its one recipient.
func parsedByRecipient(t *testing.T, envelopes []*smtptest.Envelope) map[string]*smtptest.Parsed {
	t.Helper()
	out := map[string]*smtptest.Parsed{}
	for _, e := range envelopes {
		if len(e.To) != 1 {
			t.Errorf("message has recipients %v, want one", e.To)
			continue
		}
		p, err := e.Parse()
		if err != nil {
			t.Fatalf("parse message to %s: %v", e.To[0], err)
		}
		if _, dup := out[e.To[0]]; dup {
			t.Errorf("%s received more than one message", e.To[0])
		}
		out[e.To[0]] = p
	}
	return out
}

func TestUploadNotifications(t *testing.T) {
	for _, d := range databases {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, d.url(t), 3)
			res := h.upload(t)
			h.start(t)

			// One message per student however many badges, the organiser's
			// summary and the advisor's copy.
			got := parsedByRecipient(t, h.smtp.WaitMessages(5, 3*time.Minute))
			if len(got) != 5 {
				t.Fatalf("received messages for %d recipients, want 5: %v", len(got), slices.Collect(mapKeys(got)))
			}

			for _, s := range h.students {
				m := got[s.Email]
				if m == nil {
					t.Errorf("no message to %s", s.Email)
					continue
				}
				if m.Subject != "You earned 2 badges for Negotiation Workshop" {
					t.Errorf("student subject = %q", m.Subject)
				}
				for _, part := range []struct{ name, body string }{{"text", m.Text}, {"HTML", m.HTML}} {
					for _, want := range []string{s.Name, "Badge IPC", "Badge EC", "Negotiation Workshop", testBase + "/credentials/"} {
						if !strings.Contains(part.body, want) {
							t.Errorf("%s part to %s lacks %q", part.name, s.Email, want)
						}
					}
				}
				if !strings.Contains(m.HTML, "#7a0019") || !strings.Contains(m.HTML, `<img src="`+testBase+"/achievements/") {
					t.Errorf("HTML part to %s lacks the colour or the badge image", s.Email)
				}
				if !strings.Contains(m.HTML, `/image.png" alt="`) {
					t.Errorf("HTML part to %s links the badge image's SVG, which many email clients do not show", s.Email)
				}
				if !strings.Contains(m.HTML, "linkedin.com/sharing") || !strings.Contains(m.Text, ".json") {
					t.Errorf("message to %s lacks the share or download link", s.Email)
				}
			}

			summary := got["organiser@college.example.edu"]
			if summary == nil || summary.Subject != "6 badges issued for Negotiation Workshop" || !strings.Contains(summary.Text, "Students who received badges:  3") {
				t.Errorf("organiser summary = %+v", summary)
			}

			advisorCopy := got["advisor@college.example.edu"]
			if advisorCopy == nil {
				t.Fatal("no copy to the learning advisor")
			}
			if len(advisorCopy.Attachments) != 1 || advisorCopy.Attachments[0].Name != "attendance.csv" ||
				string(advisorCopy.Attachments[0].Data) != string(attendanceCSV(h.students)) {
				t.Errorf("advisor copy attachments = %+v", advisorCopy.Attachments)
			}
			if !strings.Contains(advisorCopy.HTML, "organiser") || !strings.Contains(advisorCopy.Text, "attendance.csv") {
				t.Errorf("advisor copy body lacks the uploader or file name")
			}

			awards, err := h.db.Awards(t.Context(), issuer.AwardFilter{UploadID: res.UploadID})
			if err != nil {
				t.Fatal(err)
			}
			if len(awards) != 6 {
				t.Errorf("upload has %d awards, want 6", len(awards))
			}
		})
	}
}

func TestFailingSMTPRetriesThenFails(t *testing.T) {
	for _, d := range databases {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, d.url(t), 2)
			h.smtp.Reject(true)
			res := h.upload(t)
			h.start(t)

			// Every job (2 students, summary, copy) uses all its attempts.
			var failed []*issuer.JobRecord
			waitJobs(t, "four discarded jobs", func() bool {
				var err error
				failed, err = h.db.Jobs(t.Context(), issuer.JobFilter{States: []issuer.JobState{issuer.JobDiscarded}})
				if err != nil {
					t.Fatalf("list jobs: %v", err)
				}
				return len(failed) == 4
			})

			for _, j := range failed {
				if j.Attempt != store.JobMaxAttempts {
					t.Errorf("job %d (%s) made %d attempts, want %d", j.ID, j.Kind, j.Attempt, store.JobMaxAttempts)
				}
				if len(j.Errors) != store.JobMaxAttempts || !strings.Contains(j.Errors[len(j.Errors)-1].Message, "451") {
					t.Errorf("job %d (%s) errors = %+v, want one per attempt naming the 451 reply", j.ID, j.Kind, j.Errors)
				}
			}
			listed, err := h.db.Jobs(t.Context(), issuer.JobFilter{})
			if err != nil {
				t.Fatal(err)
			}
			if len(listed) != 4 {
				t.Errorf("default job list shows %d failed jobs, want 4", len(listed))
			}
			if n := len(h.smtp.Messages()); n != 0 {
				t.Errorf("rejecting server kept %d messages", n)
			}

			// The awards stand, once each, however the mail failed.
			awards, err := h.db.Awards(t.Context(), issuer.AwardFilter{ActivityID: h.activity.ID})
			if err != nil {
				t.Fatal(err)
			}
			if len(awards) != 4 {
				t.Errorf("activity has %d awards, want 4", len(awards))
			}
			for _, a := range awards {
				if a.UploadID != res.UploadID || a.Status != issuer.AwardActive {
					t.Errorf("award %s: upload %s status %s, want upload %s active", a.ID, a.UploadID, a.Status, res.UploadID)
				}
			}
		})
	}
}

func TestRetryAfterTemporaryFailure(t *testing.T) {
	for _, d := range databases {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, d.url(t), 1)
			h.smtp.Reject(true)
			h.upload(t)
			h.start(t)

			waitJobs(t, "a retryable or failed attempt", func() bool {
				jobs, err := h.db.Jobs(t.Context(), issuer.JobFilter{States: []issuer.JobState{"available", issuer.JobRetryable, issuer.JobDiscarded}})
				if err != nil {
					t.Fatal(err)
				}
				for _, j := range jobs {
					if len(j.Errors) > 0 {
						return true
					}
				}
				return false
			})
			h.smtp.Reject(false)

			// 1 student, the summary and the copy arrive once each.
			got := parsedByRecipient(t, h.smtp.WaitMessages(3, 3*time.Minute))
			if len(got) != 3 {
				t.Errorf("received messages for %d recipients, want 3", len(got))
			}
		})
	}
}

func TestMissingAdvisorAddressCancels(t *testing.T) {
	h := newHarness(t, storetest.SQLiteURL(t), 1)
	if err := h.db.SetProfile(t.Context(), &issuer.Profile{Name: "Harbour College", URL: "https://college.example.edu"}); err != nil {
		t.Fatal(err)
	}
	h.upload(t)
	h.start(t)

	var failed []*issuer.JobRecord
	waitJobs(t, "a cancelled copy job", func() bool {
		var err error
		failed, err = h.db.Jobs(t.Context(), issuer.JobFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(failed) == 1
	})
	j := failed[0]
	if j.Kind != "upload_copy" || j.State != issuer.JobCancelled || j.Attempt != 1 {
		t.Errorf("failed job = %s %s after %d attempts, want upload_copy cancelled after 1", j.Kind, j.State, j.Attempt)
	}
	if len(j.Errors) == 0 || !strings.Contains(j.Errors[0].Message, "LAUREL_ADVISOR_EMAIL") {
		t.Errorf("errors = %+v, want the fix named", j.Errors)
	}
}

// TestSummaryWithoutUploaderEmail uploads as a user without an email
// address, as made by `laurel token create` without --email. The summary
// job must log that and succeed, because no retry could find an address,
// and the other messages must go out.
func TestSummaryWithoutUploaderEmail(t *testing.T) {
	for _, d := range databases {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, d.url(t), 1)
			var logs lockedBuffer
			h.notifier.Logger = slog.New(slog.NewTextHandler(&logs, nil))

			uploader := &issuer.User{Name: "Register Bot", Role: issuer.RoleAdmin}
			if err := h.db.CreateUser(t.Context(), uploader); err != nil {
				t.Fatal(err)
			}
			_, err := h.svc.ProcessUpload(t.Context(), uploader, issuer.UploadRequest{
				ActivityID: h.activity.ID, Filename: "attendance.csv", ContentType: "text/csv", Data: attendanceCSV(h.students),
			})
			if err != nil {
				t.Fatalf("ProcessUpload: %v", err)
			}
			h.start(t)

			// The student's message and the advisor's copy.
			got := parsedByRecipient(t, h.smtp.WaitMessages(2, 3*time.Minute))
			if got[h.students[0].Email] == nil || got["advisor@college.example.edu"] == nil {
				t.Errorf("received messages for %v, want the student and the advisor", slices.Collect(mapKeys(got)))
			}
			waitJobs(t, "every job finished", func() bool {
				pending, err := h.db.Jobs(t.Context(), issuer.JobFilter{States: []issuer.JobState{"available", "running", issuer.JobRetryable}})
				if err != nil {
					t.Fatal(err)
				}
				return len(pending) == 0
			})

			failed, err := h.db.Jobs(t.Context(), issuer.JobFilter{})
			if err != nil {
				t.Fatal(err)
			}
			for _, j := range failed {
				t.Errorf("job %s failed: %s after %d attempts: %+v", j.Kind, j.State, j.Attempt, j.Errors)
			}
			if !strings.Contains(logs.String(), "level=INFO msg=\"upload summary not sent: the uploader has no email address\"") ||
				!strings.Contains(logs.String(), "user_id="+uploader.ID) {
				t.Errorf("log lacks the skipped summary with the user's id:\n%s", logs.String())
			}
			if n := len(h.smtp.Messages()); n != 2 {
				t.Errorf("SMTP server received %d messages, want 2", n)
			}
		})
	}
}

// lockedBuffer collects the log lines of the job workers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestRevocationNotice(t *testing.T) {
	for _, d := range databases {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, d.url(t), 1)
			res := h.upload(t)
			h.start(t)
			h.smtp.WaitMessages(3, 3*time.Minute)

			admin := &issuer.User{Name: "advisor", Email: "advisor@college.example.edu", Role: issuer.RoleAdmin}
			if err := h.db.CreateUser(t.Context(), admin); err != nil {
				t.Fatal(err)
			}
			if _, err := h.svc.Revoke(t.Context(), admin, res.Credentials[0].CredentialID, "awarded to the wrong student"); err != nil {
				t.Fatalf("Revoke: %v", err)
			}

			all := h.smtp.WaitMessages(4, 3*time.Minute)
			if len(all) != 4 {
				t.Fatalf("received %d messages, want 4", len(all))
			}
			notice, err := all[3].Parse()
			if err != nil {
				t.Fatal(err)
			}
			if all[3].To[0] != h.students[0].Email || !strings.HasPrefix(notice.Subject, "Your Badge ") || !strings.HasSuffix(notice.Subject, " badge was revoked") {
				t.Errorf("notice to %v with subject %q", all[3].To, notice.Subject)
			}
			for _, body := range []string{notice.Text, notice.HTML} {
				if !strings.Contains(body, "awarded to the wrong student") {
					t.Errorf("notice lacks the reason:\n%s", body)
				}
			}
		})
	}
}

func TestCorrectionQueuesNotice(t *testing.T) {
	for _, d := range databases {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, d.url(t), 1)
			res := h.upload(t)
			admin := &issuer.User{Name: "advisor", Email: "advisor@college.example.edu", Role: issuer.RoleAdmin}
			if err := h.db.CreateUser(t.Context(), admin); err != nil {
				t.Fatal(err)
			}

			old := res.Credentials[0].CredentialID
			if _, err := h.svc.Correct(t.Context(), admin, old, issuer.Correction{Reason: "name fixed in the register"}); err != nil {
				t.Fatalf("Correct: %v", err)
			}
			// A second correction of the now revoked credential fails and
			// must queue nothing.
			if _, err := h.svc.Correct(t.Context(), admin, old, issuer.Correction{Reason: "again"}); !errors.Is(err, issuer.ErrConflict) {
				t.Fatalf("second Correct error = %v, want ErrConflict", err)
			}

			queued, err := h.db.Jobs(t.Context(), issuer.JobFilter{States: []issuer.JobState{"available"}})
			if err != nil {
				t.Fatal(err)
			}
			var notices []string
			for _, j := range queued {
				if j.Kind == "revocation_notice" {
					notices = append(notices, string(j.Args))
				}
			}
			if len(notices) != 1 || !strings.Contains(notices[0], old) {
				t.Errorf("queued revocation notices = %q, want one for %s", notices, old)
			}
		})
	}
}

func TestSignInLinkAndEscaping(t *testing.T) {
	h := newHarness(t, storetest.SQLiteURL(t), 0)
	link := testBase + "/sign-in/confirm?token=abc&next=%2F"
	if err := h.notifier.SendSignInLink(t.Context(), "ann@student.example.edu", "Ann <script>alert(1)</script>", link); err != nil {
		t.Fatalf("SendSignInLink: %v", err)
	}

	got := h.smtp.Messages()
	if len(got) != 1 || got[0].To[0] != "ann@student.example.edu" {
		t.Fatalf("messages = %+v, want one to ann@student.example.edu", got)
	}
	m, err := got[0].Parse()
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Your sign-in link for Harbour College" {
		t.Errorf("subject = %q", m.Subject)
	}
	if !strings.Contains(m.Text, link) {
		t.Errorf("text part lacks the link:\n%s", m.Text)
	}
	if !strings.Contains(m.HTML, `href="`+testBase+`/sign-in/confirm?token=abc&amp;next=%2F"`) {
		t.Errorf("HTML part lacks the escaped link:\n%s", m.HTML)
	}
	if strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "Ann &lt;script&gt;") {
		t.Errorf("HTML part does not escape the name:\n%s", m.HTML)
	}
}

func TestOutboxWithoutSMTP(t *testing.T) {
	h := newHarness(t, storetest.SQLiteURL(t), 1)
	outbox, err := notify.New(h.db, h.svc.URLs, &mail.Outbox{Store: h.db})
	if err != nil {
		t.Fatal(err)
	}
	res := h.upload(t)

	if err := outbox.SendUploadCopy(t.Context(), issuer.UploadCopy{UploadID: res.UploadID}); err != nil {
		t.Fatalf("SendUploadCopy: %v", err)
	}
	kept, err := h.db.OutboxMessages(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(kept) != 1 {
		t.Fatalf("outbox has %d messages, want 1", len(kept))
	}
	m := kept[0]
	if m.Kind != "upload_copy" || m.To[0] != "advisor@college.example.edu" || !strings.HasPrefix(m.Subject, "Attendance upload for Negotiation Workshop") {
		t.Errorf("outbox message = %s to %v: %q", m.Kind, m.To, m.Subject)
	}
	if len(m.Attachments) != 1 || m.Attachments[0] != "attendance.csv" || !strings.Contains(m.HTML, "attendance.csv") || m.Text == "" {
		t.Errorf("outbox message parts or attachments missing: %+v", m.Attachments)
	}
	if n := len(h.smtp.Messages()); n != 0 {
		t.Errorf("SMTP server received %d messages, want none", n)
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}
