package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/laurel-badges/laurel/issuer"
)

func TestBrowserAdminDashboard(t *testing.T) {
	ts := newTestServer(t)
	ts.issue(t)
	b := newBrowser(t, ts.URL)
	b.signInAs(ts, &issuer.Principal{User: ts.admin.user})

	b.open("/admin/", "dashboard")
	if got := b.text("#chart-awards-month-heading"); got != "Awards per month by badge" {
		t.Errorf("first chart heading = %q", got)
	}
	if got := b.text(".counts div:nth-child(6) dd"); got != "3" {
		t.Errorf("active awards shown = %q, want 3", got)
	}
}

func TestBrowserAdminUploadsSVGBadge(t *testing.T) {
	ts := newTestServer(t)
	b := newBrowser(t, ts.URL)
	b.signInAs(ts, &issuer.Principal{User: ts.admin.user})

	svg := filepath.Join(t.TempDir(), "badge.svg")
	if err := os.WriteFile(svg, []byte(hostileSVG), 0o644); err != nil {
		t.Fatal(err)
	}

	path := "/admin/badges/" + ts.achievement.ID
	b.open(path, "badge-edit")
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#image"), []string{svg}))
	b.submit(map[string]string{"#name": "Informed Professional"}, "main form button", "badge-saved")

	if got := b.path(); got != path {
		t.Errorf("after saving, the browser is at %s, want %s", got, path)
	}
	if got := b.text(".flash"); !strings.Contains(got, "removed: attribute onload on <svg> (event handler); element <script>") {
		t.Errorf("flash = %q, want it to list what the SVG lost", got)
	}
	a, err := ts.db.Achievement(context.Background(), ts.achievement.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "Informed Professional" || bytes.Contains(a.Image.Data, []byte("script")) {
		t.Errorf("stored %q with image %s, want the new name and no script", a.Name, a.Image.Data)
	}
}

func TestBrowserAdminDownloadsExport(t *testing.T) {
	ts := newTestServer(t)
	ts.issue(t)
	b := newBrowser(t, ts.URL)
	b.signInAs(ts, &issuer.Principal{User: ts.admin.user})
	b.open("/admin/exports", "exports")

	dir := t.TempDir()
	progress := chromedp.Events(b.ctx, cdpbrowser.DownloadProgress)
	eventsEnabled := true
	b.do(chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
			Behavior:      cdpbrowser.SetDownloadBehaviorBehaviorAllowAndName,
			DownloadPath:  dir,
			EventsEnabled: &eventsEnabled,
		})
		return err
	}))
	b.do(chromedp.Click(chromedp.CSS(`a[href="/admin/exports/laurel-awards.csv"]`)))

	var file string
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("download: %v", err)
		}
		if ev.State == cdpbrowser.DownloadProgressStateCanceled {
			t.Fatalf("download of the awards CSV was cancelled")
		}
		if ev.State == cdpbrowser.DownloadProgressStateCompleted {
			file = filepath.Join(dir, ev.GUID)
			break
		}
	}

	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read downloaded file: %v", err)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatalf("downloaded file is not CSV: %v", err)
	}
	if len(records) != 4 || records[0][0] != "credential_id" {
		t.Errorf("downloaded %d records starting %q, want the header and 3 awards", len(records), records[0])
	}
}

func TestBrowserAdminReadsOutbox(t *testing.T) {
	ts := newTestServer(t)
	msg := &issuer.OutboxMessage{
		Kind: "upload_summary", To: []string{"organiser@example.edu"}, Subject: "Badges issued for CV clinic",
		Text: "3 badges were issued to 3 students.\nSee https://badges.example.edu/organiser/uploads/1 for the list.",
		HTML: "<p>3 badges</p>",
	}
	if err := ts.db.AddOutboxMessage(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, ts.URL)
	b.signInAs(ts, &issuer.Principal{User: ts.admin.user})

	b.open("/admin/outbox", "outbox")
	if got := b.text("main td a"); got != "Badges issued for CV clinic" {
		t.Errorf("listed subject = %q", got)
	}

	messages, err := ts.db.OutboxMessages(context.Background(), 1)
	if err != nil || len(messages) != 1 {
		t.Fatalf("outbox messages = %v, %v", messages, err)
	}
	b.open("/admin/outbox/"+messages[0].ID, "outbox-message")
	if got := b.text("main h2"); got != "Badges issued for CV clinic" {
		t.Errorf("message heading = %q", got)
	}
	if got := b.text("pre.message-text"); !strings.Contains(got, "3 badges were issued") {
		t.Errorf("message body = %q", got)
	}
}
