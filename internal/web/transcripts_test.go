package web

import (
	"bytes"
	"context"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
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
