package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/laurel-badges/laurel/issuer"
)

// TestFormsWorkWithoutJavaScript runs the main forms in a browser with
// JavaScript turned off. An organiser signs in with a password, uploads
// attendance, withholds a row, checks the preview again and confirms.
// Then a student signs in, enrols with consent to publish, and publishes
// all badges. Each form must post and redirect to its result page.
func TestFormsWorkWithoutJavaScript(t *testing.T) {
	ts := newTestServer(t)
	const password = "correct horse battery staple"
	ts.setPassword(t, ts.organiser.user, password)
	student := ts.student(t, "S1001")
	if err := ts.svc.SetStudentPassword(context.Background(), &issuer.Principal{Student: student}, password); err != nil {
		t.Fatalf("set student password: %v", err)
	}
	enrolment, err := ts.svc.EnrolmentLink(context.Background(), ts.organiser.user, ts.activity.ID)
	if err != nil {
		t.Fatalf("enrolment link: %v", err)
	}

	b := newBrowser(t, ts.URL)
	b.do(chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return err
	}))
	b.do(chromedp.Navigate(`data:text/html,<title>off</title><script>document.title = "on"</script>`))
	if title, err := chromedp.Run(b.ctx, chromedp.Title()); err != nil || title != "off" {
		t.Fatalf("page title %q, %v: JavaScript still runs", title, err)
	}

	b.do(chromedp.Navigate(ts.URL + "/signin"))
	b.post(map[string]string{"#login": ts.organiser.user.Name, "#password": password}, "main form button")
	b.wantPath(t, "/organiser/")

	file := filepath.Join(t.TempDir(), "attendance.csv")
	if err := os.WriteFile(file, attendanceCSV("S1001,CHAN Tai Man,4,4,pass,", "S1003,WONG Siu Ming,4,4,,", "S9999,Nobody,4,4,,"), 0o600); err != nil {
		t.Fatal(err)
	}
	b.do(chromedp.Navigate(ts.URL + "/organiser/activities/" + ts.activity.ID + "/upload"))
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{file}))
	b.post(nil, "main form button")
	preview := b.path()
	if !strings.HasPrefix(preview, "/organiser/previews/") {
		t.Fatalf("after uploading the browser is on %s, want the preview", preview)
	}

	b.do(chromedp.Click(chromedp.CSS(`input[name="withhold"][value="S9999"]`)))
	b.post(nil, ".actions button.secondary")
	if got := b.path(); !strings.HasPrefix(got, preview+"?withhold=S9999") {
		t.Errorf("check again went to %s, want the preview with S9999 withheld", got)
	}
	if got := b.text("table.preview"); !strings.Contains(got, "Withheld") {
		t.Errorf("preview after checking again does not show the row withheld:\n%s", got)
	}

	b.post(nil, ".actions button:not(.secondary)")
	if got := b.path(); !strings.HasPrefix(got, "/organiser/uploads/") {
		t.Errorf("after confirming the browser is on %s, want the upload result", got)
	}
	if got := b.text(".flash"); !strings.Contains(got, "Issued 2 badges to 2 students; 1 row withheld.") {
		t.Errorf("result message = %q", got)
	}
	b.post(nil, "form.signout button")
	b.wantPath(t, "/signin")

	b.post(map[string]string{"#login": student.Email, "#password": password}, "main form button")
	b.wantPath(t, "/student/")

	b.do(chromedp.Navigate(enrolment))
	b.do(chromedp.Click(chromedp.CSS(`input[name="publish"]`)))
	b.post(nil, "main form button")
	b.wantPath(t, "/student/activities")
	if got := b.text("main"); !strings.Contains(got, "may be published") {
		t.Errorf("activities page does not show the consent:\n%s", got)
	}

	b.do(chromedp.Navigate(ts.URL + "/student/publication"))
	b.do(chromedp.Click(chromedp.CSS(`input[name="mode"][value="all"]`)))
	b.post(nil, "main form button")
	b.wantPath(t, "/student/publication")
	setting, err := ts.db.PublicationSetting(context.Background(), student.ID)
	if err != nil {
		t.Fatalf("read publication setting: %v", err)
	}
	if setting.Mode != issuer.PublishAll {
		t.Errorf("publication mode = %q, want %q", setting.Mode, issuer.PublishAll)
	}
}

// post fills fields (CSS selector to value), clicks the button that the
// CSS selector button matches and waits for the page the form leads to.
func (b *browser) post(fields map[string]string, button string) {
	b.t.Helper()
	for sel, value := range fields {
		b.do(chromedp.SetValue(chromedp.CSS(sel), value))
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(button))); err != nil {
		b.t.Fatalf("browser: submit with %s: %v", button, err)
	}
}

// wantPath fails the test unless the browser is on path.
func (b *browser) wantPath(t *testing.T, path string) {
	t.Helper()
	if got := b.path(); got != path {
		t.Fatalf("the browser is on %s, want %s", got, path)
	}
}
