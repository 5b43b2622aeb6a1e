package web

import (
	"archive/zip"
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestStudentDownloads(t *testing.T) {
	ts := newTestServer(t, withFonts(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	c := ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1001")})

	pdf := ts.page(t, c, "/student/transcript.pdf", nil).wantStatus(t, http.StatusOK)
	if got := pdf.Header.Get("Content-Type"); got != "application/pdf" {
		t.Errorf("transcript Content-Type %q", got)
	}
	if got := pdf.Header.Get("Cache-Control"); got != "private, no-store" {
		t.Errorf("transcript Cache-Control %q, want private, no-store", got)
	}
	text := runTool(t, "pdftotext", "-enc", "UTF-8", writeTemp(t, "transcript.pdf", pdf.body), "-")
	if !strings.Contains(text, award.Credential.ID) {
		t.Errorf("transcript lacks the credential %s", award.Credential.ID)
	}

	archive := ts.page(t, c, "/student/archive.zip", nil).wantStatus(t, http.StatusOK)
	zr, err := zip.NewReader(bytes.NewReader(archive.body), int64(len(archive.body)))
	if err != nil {
		t.Fatal(err)
	}
	// The test badge's image is Laurel's default SVG, so the award has
	// both badge.png and badge.svg.
	if len(zr.File) != 6 {
		t.Errorf("archive has %d files, want the README and 5 files of one award", len(zr.File))
	}
}

func TestStudentDownloadsOfOtherStudent(t *testing.T) {
	ts := newTestServer(t, withFonts(t))
	ts.credentialOf(t, ts.issue(t), "S1001")
	c := ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1003")})

	archive := ts.page(t, c, "/student/archive.zip", nil).wantStatus(t, http.StatusOK)
	zr, err := zip.NewReader(bytes.NewReader(archive.body), int64(len(archive.body)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "README.txt" && !strings.Contains(f.Name, "IPC") {
			t.Errorf("unexpected file %s", f.Name)
		}
	}
	readme := readZipFile(t, zr.File[0])
	if strings.Contains(string(readme), "CHAN Tai Man") {
		t.Error("another student's archive names CHAN Tai Man")
	}
}
