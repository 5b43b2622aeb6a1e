package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/laurel-badges/laurel/issuer"
)

// TestBrowserAttendanceToRecords follows one badge from the organiser's
// activity to the public pages. The organiser creates an activity,
// uploads attendance with a row of an unknown student, withholds that row
// and one student, and confirms. The student who earned the badge signs
// in, finds it and the progress, and publishes it. The Records of
// Achievement then list the student, and a visitor opens the credential
// page and gets the verdict Valid.
func TestBrowserAttendanceToRecords(t *testing.T) {
	ts := newTestServer(t)
	const password = "correct horse battery staple"
	ts.setPassword(t, ts.organiser.user, password)
	student := ts.student(t, "S1001")
	if err := ts.svc.SetStudentPassword(context.Background(), &issuer.Principal{Student: student}, password); err != nil {
		t.Fatalf("set student password: %v", err)
	}

	b := newBrowser(t, ts.URL)
	b.open("/signin", "signin")
	b.submit(map[string]string{"#login": ts.organiser.user.Name, "#password": password}, "main form button", "organiser-home")

	b.open("/organiser/activities/new", "activity-new")
	b.do(chromedp.Click(chromedp.CSS(`input[name="achievements"][value="IPC"]`)))
	fields := map[string]string{"#title": "Mock Interviews", "#unit": "Careers Centre", "#start_date": "2025-04-01", "#end_date": "2025-04-01", "#hours": "3"}
	b.submit(fields, "main form > button[type=submit]", "activity")
	activityPath := b.path()
	if !strings.HasPrefix(activityPath, "/organiser/activities/") {
		t.Fatalf("after creating the browser is on %s, want the activity page", activityPath)
	}
	remark, err := chromedp.Run(b.ctx, chromedp.Value(chromedp.CSS("#remark")))
	if err != nil {
		t.Fatalf("browser: read the promotion remark: %v", err)
	}
	if !strings.Contains(remark, "(IPC)") {
		t.Errorf("promotion remark %q does not name IPC", remark)
	}

	file := filepath.Join(t.TempDir(), "attendance.csv")
	rows := attendanceCSV("S1001,CHAN Tai Man,4,4,pass,", "S1003,WONG Siu Ming,4,4,,", "S9999,Nobody,4,4,,")
	if err := os.WriteFile(file, rows, 0o600); err != nil {
		t.Fatal(err)
	}
	b.open(activityPath+"/upload", "upload")
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}))
	b.submit(nil, "main form button", "preview")
	if got := b.text("table.preview"); !strings.Contains(got, "No student has ID S9999") {
		t.Errorf("preview does not report the unknown student:\n%s", got)
	}

	b.do(
		chromedp.Click(chromedp.CSS(`input[name="withhold"][value="S9999"]`)),
		chromedp.Click(chromedp.CSS(`input[name="withhold"][value="S1003"]`)),
	)
	b.submit(nil, ".actions button:not(.secondary)", "upload-result")
	if got := b.text(".flash"); !strings.Contains(got, "Issued 1 badge to 1 student; 2 rows withheld.") {
		t.Errorf("result message = %q", got)
	}
	b.submit(nil, "form.signout button", "signed-out")

	b.open("/signin", "student-signin")
	b.submit(map[string]string{"#login": student.Email, "#password": password}, "main form button", "student-home")
	if got := b.text("main"); !strings.Contains(got, "1 of 1") || !strings.Contains(got, "Mock Interviews") {
		t.Errorf("student page lacks the progress or the badge:\n%s", got)
	}
	b.open("/student/publication", "publication")
	b.do(chromedp.Click(chromedp.CSS(`input[name="mode"][value="all"]`)))
	b.submit(nil, "main form button", "publication-saved")

	awards, err := ts.db.Awards(context.Background(), issuer.AwardFilter{StudentID: student.ID})
	if err != nil || len(awards) != 1 {
		t.Fatalf("awards of S1001: %d, %v; want 1", len(awards), err)
	}
	b.open("/student/badges/"+awards[0].ID, "student-badge")
	b.submit(nil, "form.signout button", "student-signed-out")

	b.open("/records", "records")
	if got := b.text("main table"); !strings.Contains(got, "CHAN Tai Man") {
		t.Errorf("records do not list the student:\n%s", got)
	}
	b.open("/credentials/"+awards[0].Credential.ID, "credential")
	if got := b.text("main"); !strings.Contains(got, "Informed and Professionally Competent") {
		t.Errorf("credential page does not name the badge:\n%s", got)
	}
	if got := b.text(".verification .status strong"); !strings.EqualFold(got, "valid") {
		t.Errorf("credential page verdict = %q, want valid", got)
	}
}
