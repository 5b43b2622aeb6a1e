package certificate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/laurel-badges/laurel/internal/fonts"
)

// loadChain loads the installed fonts. Without them the test skips, and
// fails when CI is set: .ci/run installs them.
func loadChain(t testing.TB) *fonts.Chain {
	t.Helper()
	chain, err := fonts.Load(fonts.Dir())
	if errors.Is(err, fonts.ErrMissing) && os.Getenv("CI") == "" {
		t.Skipf("fonts not installed: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return chain
}

// needTool skips without a command line tool, and fails when CI is set.
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; .ci/run installs it", name)
		}
		t.Skipf("%s is not installed", name)
	}
}

const testJWS = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJkaWQ6d2ViOmV4YW1wbGUuZWR1In0.c2lnbmF0dXJl"

func testCertificate(recipient string, others ...string) *Certificate {
	return &Certificate{
		Institution: "Example University", Recipient: recipient, OtherNames: others,
		Achievement: "Informed and Professionally Competent", Description: "Gains current knowledge of a profession.",
		Activity: "CV Writing Workshop", ActivityDates: "1 – 8 March 2025", Unit: "Careers Centre",
		IssuedOn: "14 March 2025", URL: "https://badges.example.edu/credentials/6f1c9a52-3a7e-4f7b-9a55-0c6b1e1e2d10",
		VerifyURL: "https://badges.example.edu/verify", JWS: testJWS,
		IssuedAt: time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC),
	}
}

func writePDF(t testing.TB, chain *fonts.Chain, c *Certificate) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, chain, c); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "certificate.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v: %s", name, args, err, stderr.Bytes())
	}
	return string(out)
}

// TestCertificateNamesExtract checks that pdftotext returns each name. For
// Arabic, pdftotext (poppler 22.02) returns U+202B, the presentation forms
// the PDF draws in logical order, then U+202C; the NFKC normalization of
// those forms is the name as typed.
func TestCertificateNamesExtract(t *testing.T) {
	chain := loadChain(t)
	needTool(t, "pdftotext")
	tests := []struct {
		name, recipient string
		others          []string
	}{
		{"traditional chinese", "CHAN Tai Man", []string{"陳大文"}},
		{"simplified chinese", "Wang Xiaoming", []string{"王小明"}},
		{"japanese", "山田 花子", nil},
		{"korean", "김하늘", nil},
		{"arabic", "ليلى أحمد", nil},
		{"lithuanian", "Ėglė Šaltė", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writePDF(t, chain, testCertificate(tt.recipient, tt.others...))
			text := norm.NFKC.String(run(t, "pdftotext", "-enc", "UTF-8", path, "-"))
			for _, want := range append([]string{tt.recipient}, tt.others...) {
				if !strings.Contains(text, want) {
					t.Errorf("pdftotext output lacks %q:\n%s", want, text)
				}
			}
		})
	}
}

func TestCertificateQRDecodes(t *testing.T) {
	chain := loadChain(t)
	needTool(t, "pdftoppm")
	needTool(t, "zbarimg")
	c := testCertificate("Ėglė Šaltė")
	path := writePDF(t, chain, c)

	prefix := filepath.Join(t.TempDir(), "page")
	run(t, "pdftoppm", "-png", "-r", "150", path, prefix)
	pages, err := filepath.Glob(prefix + "*.png")
	if err != nil || len(pages) != 1 {
		t.Fatalf("pdftoppm wrote %v, %v; want one page", pages, err)
	}
	got := strings.TrimSpace(run(t, "zbarimg", "--quiet", "--raw", pages[0]))
	if got != c.URL {
		t.Errorf("QR code holds %q, want %q", got, c.URL)
	}
}

func TestCertificateAttachesJWS(t *testing.T) {
	chain := loadChain(t)
	needTool(t, "pdfdetach")
	path := writePDF(t, chain, testCertificate("김하늘"))

	out := filepath.Join(t.TempDir(), "out.jwt")
	if list := run(t, "pdfdetach", "-list", path); !strings.Contains(list, "1: "+AttachmentName) {
		t.Fatalf("pdfdetach -list = %q, want one file %s", list, AttachmentName)
	}
	run(t, "pdfdetach", "-save", "1", "-o", out, path)
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != testJWS {
		t.Errorf("attachment %q, want the JWS %q", got, testJWS)
	}
}

func TestCertificateMetadata(t *testing.T) {
	chain := loadChain(t)
	needTool(t, "pdfinfo")
	info := run(t, "pdfinfo", writePDF(t, chain, testCertificate("陳大文")))
	for _, want := range []string{
		"Title:           Informed and Professionally Competent – 陳大文",
		"Author:          Example University",
		"Subject:         Open Badges 3.0 credential https://badges.example.edu/credentials/",
		"Pages:           1",
		"Page size:       841.89 x 595.28 pts (A4)",
	} {
		if !strings.Contains(info, want) {
			t.Errorf("pdfinfo lacks %q:\n%s", want, info)
		}
	}
}

// TestCertificateSize checks that a certificate with Latin, Chinese,
// Korean and Arabic text, which embeds four fonts, stays well under 1 MB:
// fpdf embeds only the glyphs used.
func TestCertificateSize(t *testing.T) {
	chain := loadChain(t)
	c := testCertificate("ليلى أحمد", "陳大文 山田 花子 김하늘 Ėglė Šaltė")
	c.Description = strings.Repeat("學生在工作坊中學習撰寫履歷。", 6)
	var b bytes.Buffer
	if err := Write(&b, chain, c); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 1<<20 {
		t.Errorf("certificate is %d bytes, want under 1 MB", b.Len())
	}
}

// TestCertificateTextHasGlyphs checks that every character a certificate
// draws has a glyph in the font chain, so no missing-glyph box appears.
func TestCertificateTextHasGlyphs(t *testing.T) {
	chain := loadChain(t)
	c := testCertificate("ليلى أحمد", "陳大文", "山田 花子", "김하늘", "Ėglė Šaltė", "王小明")
	texts := append([]string{c.Institution, c.Recipient, c.Achievement, c.Description, c.Activity,
		c.ActivityDates, c.Unit, c.IssuedOn, c.URL, "How to verify: · – …"}, c.OtherNames...)
	for _, s := range texts {
		for _, faces := range [][]*fonts.Face{chain.Regular, chain.Bold} {
			if missing := fonts.Missing(faces, visualLine(s)); len(missing) > 0 {
				t.Errorf("no font has a glyph for %q in %q", missing, s)
			}
		}
	}
}

func TestCertificateRejectsMissingFields(t *testing.T) {
	chain := loadChain(t)
	c := testCertificate("")
	if err := Write(&bytes.Buffer{}, chain, c); !errors.Is(err, ErrInput) {
		t.Errorf("error %v, want ErrInput", err)
	}
	c = testCertificate("Ėglė Šaltė")
	c.URL = "javascript:alert(1)"
	if err := Write(&bytes.Buffer{}, chain, c); !errors.Is(err, ErrInput) {
		t.Errorf("error %v for a non-web URL, want ErrInput", err)
	}
}

func TestFontsMissingNamesPackage(t *testing.T) {
	_, err := fonts.Load(t.TempDir())
	if !errors.Is(err, fonts.ErrMissing) || !strings.Contains(err.Error(), "fonts-dejavu-core") {
		t.Errorf("error %v, want ErrMissing naming the Debian package", err)
	}
}

func testTranscript(groups int) *Transcript {
	tr := &Transcript{
		Institution: "Example University", Student: "CHAN Tai Man", OtherNames: []string{"陳大文"},
		StudentNumber: "S1001", Programme: "BSc Computer Science",
		Link: "https://badges.example.edu/transcripts/q8LsC1aB0x7Vd2YtGm5Kp9Rw3Ez6Hn4JfUo-TlQ_iSc",
		Made: time.Date(2025, 6, 30, 9, 0, 0, 0, time.UTC),
	}
	for i := range groups {
		g := TranscriptGroup{Badge: fmt.Sprintf("Badge %d", i+1), Description: "Gains current knowledge of a profession."}
		for j := range 3 {
			g.Awards = append(g.Awards, TranscriptAward{
				Activity: fmt.Sprintf("Workshop %d.%d", i+1, j+1), Dates: "1 – 8 March 2025", IssuedOn: "14 March 2025", Status: "Active",
				URL: fmt.Sprintf("https://badges.example.edu/credentials/00000000-0000-4000-8000-%012d", i*10+j),
			})
		}
		tr.Groups = append(tr.Groups, g)
	}
	return tr
}

func TestTranscriptGroupsAndQR(t *testing.T) {
	chain := loadChain(t)
	needTool(t, "pdftotext")
	needTool(t, "pdftoppm")
	needTool(t, "zbarimg")
	tr := testTranscript(8)
	tr.Groups[1].Awards[2].Status = "Revoked"
	var b bytes.Buffer
	if err := WriteTranscript(&b, chain, tr); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "transcript.pdf")
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}

	text := run(t, "pdftotext", "-enc", "UTF-8", path, "-")
	for _, want := range []string{"CHAN Tai Man", "陳大文", "Badge 1", "Badge 8", "Workshop 8.3", "· Revoked", tr.Groups[7].Awards[2].URL} {
		if !strings.Contains(text, want) {
			t.Errorf("transcript text lacks %q", want)
		}
	}
	if strings.Index(text, "Workshop 1.3") > strings.Index(text, "Badge 2") {
		t.Error("the awards of badge 1 are not listed under badge 1")
	}

	info := run(t, "pdfinfo", path)
	if !strings.Contains(info, "Pages:           2") {
		t.Errorf("8 badges with 3 awards each should fill 2 pages:\n%s", info)
	}

	prefix := filepath.Join(t.TempDir(), "page")
	run(t, "pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", path, prefix)
	pages, _ := filepath.Glob(prefix + "*.png")
	if len(pages) != 1 {
		t.Fatalf("pdftoppm wrote %v", pages)
	}
	if got := strings.TrimSpace(run(t, "zbarimg", "--quiet", "--raw", pages[0])); got != tr.Link {
		t.Errorf("QR code holds %q, want the transcript link %q", got, tr.Link)
	}
}
