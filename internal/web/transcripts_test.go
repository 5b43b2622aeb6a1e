package web

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestTranscriptPDFAndPage(t *testing.T) {
	var srv *Server
	ts := newTestServer(t, withFonts(t), func(s *Server) { srv = s })
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	ctx := context.Background()
	students, err := ts.db.StudentsByNumber(ctx, []string{"S1001"})
	if err != nil {
		t.Fatal(err)
	}
	st := students["S1001"]

	var b bytes.Buffer
	if err := srv.writeTranscriptPDF(ctx, &b, st); err != nil {
		t.Fatal(err)
	}
	pdf := writeTemp(t, "transcript.pdf", b.Bytes())
	text := runTool(t, "pdftotext", "-enc", "UTF-8", pdf, "-")
	credURL := ts.svc.URLs.Credential(award.Credential.ID)
	for _, want := range []string{"CHAN Tai Man", "陳大文", "Informed and Professionally Competent", "CV Writing Workshop", credURL} {
		if !strings.Contains(text, want) {
			t.Errorf("transcript lacks %q:\n%s", want, text)
		}
	}

	// The PDF made the student's token, so asking again returns the same link.
	link, err := ts.svc.TranscriptLink(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, ts.URL+"/transcripts/") {
		t.Fatalf("transcript link %q is not on this server", link)
	}
	prefix := filepath.Join(t.TempDir(), "page")
	runTool(t, "pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", pdf, prefix)
	if got := strings.TrimSpace(runTool(t, "zbarimg", "--quiet", "--raw", prefix+"-1.png")); got != link {
		t.Errorf("transcript QR code holds %q, want the transcript link %q", got, link)
	}

	page := ts.get(t, strings.TrimPrefix(link, ts.URL), "").wantStatus(t, http.StatusOK)
	body := string(page.body)
	for _, want := range []string{"CHAN Tai Man", "Informed and Professionally Competent", credURL, `data-verdict="valid"`} {
		if !strings.Contains(body, want) {
			t.Errorf("transcript page lacks %q", want)
		}
	}
	if got := page.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("Referrer-Policy %q, want no-referrer: the URL is the only key to the page", got)
	}
}

func TestTranscriptPageUnknownToken(t *testing.T) {
	ts := newTestServer(t)
	for _, token := range []string{"short", strings.Repeat("A", 43)} {
		ts.get(t, "/transcripts/"+token, "").wantStatus(t, http.StatusNotFound)
	}
}

func TestReplaceTranscriptLink(t *testing.T) {
	ts := newTestServer(t, withFonts(t))
	ts.credentialOf(t, ts.issue(t), "S1001")
	ctx := context.Background()
	st := ts.student(t, "S1001")
	old, err := ts.svc.TranscriptLink(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	oldPath := strings.TrimPrefix(old, ts.URL)
	ts.get(t, oldPath, "").wantStatus(t, http.StatusOK)

	c := ts.signedIn(t, &issuer.Principal{Student: st})
	ts.page(t, c, "/student/transcript", nil).wantBodyContains(t, `action="/student/transcript/link"`)

	// A cross-site form post is rejected and changes nothing.
	ts.do(t, request{method: http.MethodPost, path: "/student/transcript/link", header: http.Header{
		"Content-Type": {"application/x-www-form-urlencoded"}, "Origin": {"https://attacker.example"}, "Sec-Fetch-Site": {"cross-site"}}}).
		wantStatus(t, http.StatusForbidden)
	ts.get(t, oldPath, "").wantStatus(t, http.StatusOK)

	ts.page(t, c, "/student/transcript/link", url.Values{}).wantRedirect(t, "/student/transcript")
	ts.get(t, oldPath, "").wantStatus(t, http.StatusNotFound)

	renewed, err := ts.svc.TranscriptLink(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if renewed == old {
		t.Fatal("the transcript link did not change")
	}
	page := ts.get(t, strings.TrimPrefix(renewed, ts.URL), "").wantStatus(t, http.StatusOK)
	page.wantBodyContains(t, "CHAN Tai Man")

	// The transcript PDF carries the new link.
	pdf := ts.page(t, c, "/student/transcript.pdf", nil).wantStatus(t, http.StatusOK)
	prefix := filepath.Join(t.TempDir(), "page")
	runTool(t, "pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", writeTemp(t, "transcript.pdf", pdf.body), prefix)
	if got := strings.TrimSpace(runTool(t, "zbarimg", "--quiet", "--raw", prefix+"-1.png")); got != renewed {
		t.Errorf("transcript QR code holds %q, want the new link %q", got, renewed)
	}

	entries, err := ts.db.AuditEntries(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range entries {
		if e.Action == "transcript.link_replace" && e.Subject == st.ID && e.ActorID == "student:"+st.ID {
			found = true
		}
	}
	if !found {
		t.Error("audit log has no transcript.link_replace entry by the student")
	}
}
