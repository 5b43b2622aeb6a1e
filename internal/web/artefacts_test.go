package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/bake"
	"github.com/laurel-badges/laurel/internal/artefact"
	"github.com/laurel-badges/laurel/internal/fonts"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/verifier"
)

// withFonts gives the server the installed font chain. Without the fonts
// the test skips, and fails when CI is set: .ci/run installs them.
func withFonts(t testing.TB) func(*Server) {
	t.Helper()
	chain, err := fonts.Load(fonts.Dir())
	if errors.Is(err, fonts.ErrMissing) && os.Getenv("CI") == "" {
		t.Skipf("fonts not installed: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return func(s *Server) { s.Fonts = chain }
}

// requireTool returns the path of a command line tool, or skips the test
// without it; with CI set its absence fails the test.
func requireTool(t testing.TB, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not installed; .ci/run installs it", name)
		}
		t.Skipf("%s is not installed", name)
	}
	return path
}

// runTool runs a command and returns its standard output.
func runTool(t testing.TB, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, requireTool(t, name), args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, stderr.Bytes())
	}
	return string(out)
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// verifyBytes checks a file with the server's verifier, as an upload to
// the public verifier would.
func verifyBytes(t testing.TB, ts *testServer, data []byte) verifier.Result {
	t.Helper()
	v, err := verifier.New(verifier.Options{OwnIssuers: []string{ts.svc.IssuerID}, AllowHTTP: true, AllowPrivate: true})
	if err != nil {
		t.Fatal(err)
	}
	return *v.Verify(context.Background(), data)
}

func TestBakedBadgesVerify(t *testing.T) {
	ts := newTestServer(t, withFonts(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	path := "/credentials/" + award.Credential.ID

	tests := []struct {
		file, contentType string
		extract           func([]byte) ([]byte, error)
	}{
		{"badge.png", "image/png", verifier.ExtractPNG},
		{"badge.svg", "image/svg+xml", verifier.ExtractSVG},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			resp := ts.get(t, path+"/"+tt.file, "").wantStatus(t, http.StatusOK)
			if got := resp.Header.Get("Content-Type"); got != tt.contentType {
				t.Errorf("Content-Type %q, want %q", got, tt.contentType)
			}
			jws, err := tt.extract(resp.body)
			if err != nil {
				t.Fatalf("extract: %v", err)
			}
			if string(jws) != award.Credential.JWS {
				t.Errorf("baked credential differs from the stored JWS")
			}
			if res := verifyBytes(t, ts, resp.body); res.Verdict != verifier.Valid {
				t.Errorf("verdict %s, want valid: %+v", res.Verdict, res.Checks)
			}
		})
	}
}

func TestBakedBadgeTamperedIsInvalid(t *testing.T) {
	ts := newTestServer(t, withFonts(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	img := ts.get(t, "/credentials/"+award.Credential.ID+"/badge.png", "").wantStatus(t, http.StatusOK).body

	parts := strings.Split(award.Credential.JWS, ".")
	claims := []byte(parts[1])
	// Swapping the case of one letter keeps valid base64url but changes the claims.
	i := strings.IndexAny(parts[1][10:], "abcdefghijklmnopqrstuvwxyz") + 10
	claims[i] -= 'a' - 'A'
	forged := parts[0] + "." + string(claims) + "." + parts[2]

	tampered, err := bake.PNG(img, forged)
	if err != nil {
		t.Fatal(err)
	}
	if res := verifyBytes(t, ts, tampered); res.Verdict != verifier.Invalid {
		t.Errorf("verdict %s for a tampered credential, want invalid", res.Verdict)
	}
}

func TestRevokedCredentialStillBakes(t *testing.T) {
	ts := newTestServer(t, withFonts(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	if _, err := ts.svc.Revoke(context.Background(), ts.admin.user, award.Credential.ID, "entered in error"); err != nil {
		t.Fatal(err)
	}

	img := ts.get(t, "/credentials/"+award.Credential.ID+"/badge.png", "").wantStatus(t, http.StatusOK).body
	res := verifyBytes(t, ts, img)
	if res.Verdict != verifier.Revoked {
		t.Errorf("verdict %s for a revoked credential's badge, want revoked", res.Verdict)
	}
}

func TestArtefactETag(t *testing.T) {
	ts := newTestServer(t, withFonts(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	for kind := range artefactTypes {
		t.Run(string(kind), func(t *testing.T) {
			path := "/credentials/" + award.Credential.ID + "/" + string(kind)
			first := ts.get(t, path, "").wantStatus(t, http.StatusOK)
			etag := first.Header.Get("ETag")
			if etag == "" {
				t.Fatal("no ETag")
			}
			again := ts.get(t, path, "").wantStatus(t, http.StatusOK)
			if !bytes.Equal(first.body, again.body) || again.Header.Get("ETag") != etag {
				t.Error("a second request got other bytes or another ETag")
			}
			ts.do(t, request{path: path, header: http.Header{"If-None-Match": {etag}}}).wantStatus(t, http.StatusNotModified)
		})
	}
}

func TestBakedBadgeFromPNGAchievement(t *testing.T) {
	ts := newTestServer(t, withFonts(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	ctx := context.Background()

	raster, err := artefact.BadgePNG(context.Background(), ts.achievement, loadFontsOrSkip(t))
	if err != nil {
		t.Fatal(err)
	}
	ach := *ts.achievement
	ach.Image = issuer.Image{ContentType: "image/png", Data: raster}
	if err := ts.db.UpdateAchievement(ctx, &ach); err != nil {
		t.Fatal(err)
	}

	resp := ts.get(t, "/credentials/"+award.Credential.ID+"/badge.png", "").wantStatus(t, http.StatusOK)
	if jws, err := verifier.ExtractPNG(resp.body); err != nil || string(jws) != award.Credential.JWS {
		t.Errorf("extract: %v", err)
	}
	svg := ts.get(t, "/credentials/"+award.Credential.ID+"/badge.svg", "").wantStatus(t, http.StatusNotFound)
	if msg := svg.errorBody(t).Error.Message; !strings.Contains(msg, "download badge.png") {
		t.Errorf("message %q does not point to badge.png", msg)
	}
}

func TestArtefactsOfUnknownCredential(t *testing.T) {
	ts := newTestServer(t, withFonts(t))
	for kind := range artefactTypes {
		ts.get(t, "/credentials/6f1c9a52-3a7e-4f7b-9a55-0c6b1e1e2d10/"+string(kind), "").wantStatus(t, http.StatusNotFound)
		ts.get(t, "/credentials/not-a-uuid/"+string(kind), "").wantStatus(t, http.StatusNotFound)
	}
}

func TestCertificateWithoutFontsIsUnavailable(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	resp := ts.get(t, "/credentials/"+award.Credential.ID+"/certificate.pdf", "").wantStatus(t, http.StatusServiceUnavailable)
	if msg := resp.errorBody(t).Error.Message; !strings.Contains(msg, "LAUREL_FONT_DIR") {
		t.Errorf("message %q does not say how to add fonts", msg)
	}
}

// TestBakedPNGNode reads a baked PNG with test/interop/pngchunks.mjs,
// which shares no code with Laurel.
func TestBakedPNGNode(t *testing.T) {
	node := requireNodeOnly(t)
	ts := newTestServer(t, withFonts(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	img := ts.get(t, "/credentials/"+award.Credential.ID+"/badge.png", "").wantStatus(t, http.StatusOK).body
	rebaked, err := bake.PNG(img, award.Credential.JWS)
	if err != nil {
		t.Fatal(err)
	}

	for name, data := range map[string][]byte{"baked": img, "baked twice": rebaked} {
		t.Run(name, func(t *testing.T) {
			out := runTool(t, node, filepath.Join("..", "..", "test", "interop", "pngchunks.mjs"), writeTemp(t, "badge.png", data))
			var got struct {
				Chunks      []string `json:"chunks"`
				Credentials []struct {
					Type       string `json:"type"`
					Compressed *int   `json:"compressed"`
					Text       string `json:"text"`
				} `json:"credentials"`
			}
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("pngchunks.mjs printed %q: %v", out, err)
			}
			if len(got.Credentials) != 1 {
				t.Fatalf("%d credential chunks, want 1: %s", len(got.Credentials), out)
			}
			c := got.Credentials[0]
			if c.Type != "iTXt" || c.Compressed == nil || *c.Compressed != 0 {
				t.Errorf("credential chunk %s with compression %v, want uncompressed iTXt", c.Type, c.Compressed)
			}
			if c.Text != award.Credential.JWS {
				t.Errorf("chunk text differs from the credential's JWS")
			}
			if got.Chunks[0] != "IHDR" || got.Chunks[len(got.Chunks)-1] != "IEND" {
				t.Errorf("chunks %v, want IHDR first and IEND last", got.Chunks)
			}
		})
	}
}

func TestQRCodeDecodes(t *testing.T) {
	ts := newTestServer(t, withFonts(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	want := ts.svc.URLs.Credential(award.Credential.ID)

	body := ts.get(t, "/credentials/"+award.Credential.ID+"/qr.png", "").wantStatus(t, http.StatusOK).body
	got := strings.TrimSpace(runTool(t, "zbarimg", "--quiet", "--raw", writeTemp(t, "qr.png", body)))
	if got != want {
		t.Errorf("QR code holds %q, want %q", got, want)
	}

	img, err := png.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	quiet := 4 * artefact.QRModulePixels
	for y := range quiet {
		for x := range img.Bounds().Dx() {
			if r, _, _, _ := img.At(x, y).RGBA(); r != 0xffff {
				t.Fatalf("pixel (%d, %d) is dark, inside the 4-module quiet zone", x, y)
			}
		}
	}

	svg := ts.get(t, "/credentials/"+award.Credential.ID+"/qr.svg", "").wantStatus(t, http.StatusOK).body
	if !bytes.HasPrefix(svg, []byte("<svg ")) || !bytes.Contains(svg, []byte("M4 4h1v1h-1z")) {
		t.Errorf("QR SVG lacks the first dark module at (4, 4), after the quiet zone: %.200s", svg)
	}
}

func TestCertificateFromServer(t *testing.T) {
	ts := newTestServer(t, withFonts(t))
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	resp := ts.get(t, "/credentials/"+award.Credential.ID+"/certificate.pdf", "").wantStatus(t, http.StatusOK)
	if got := resp.Header.Get("Content-Type"); got != "application/pdf" {
		t.Errorf("Content-Type %q", got)
	}
	pdf := writeTemp(t, "certificate.pdf", resp.body)

	text := runTool(t, "pdftotext", "-enc", "UTF-8", pdf, "-")
	for _, want := range []string{"CHAN Tai Man", "陳大文", "Informed and Professionally Competent", "CV Writing Workshop", "Example University", ts.svc.URLs.Credential(award.Credential.ID)} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate text lacks %q:\n%s", want, text)
		}
	}

	out := filepath.Join(t.TempDir(), "credential.jwt")
	runTool(t, "pdfdetach", "-save", "1", "-o", out, pdf)
	jws, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(jws) != award.Credential.JWS {
		t.Fatal("attached file differs from the credential's JWS")
	}
	if res := verifyBytes(t, ts, jws); res.Verdict != verifier.Valid {
		t.Errorf("attached credential: verdict %s, want valid", res.Verdict)
	}

	prefix := filepath.Join(t.TempDir(), "page")
	runTool(t, "pdftoppm", "-png", "-r", "150", pdf, prefix)
	got := strings.TrimSpace(runTool(t, "zbarimg", "--quiet", "--raw", prefix+"-1.png"))
	if got != ts.svc.URLs.Credential(award.Credential.ID) {
		t.Errorf("certificate QR code holds %q", got)
	}
}

func TestCertificateShowsLogo(t *testing.T) {
	logo, err := artefact.BadgePNG(context.Background(), &issuer.Achievement{Code: "EU", Name: "Example University", Image: issuer.DefaultBadgeImage("EU", "Example University")}, loadFontsOrSkip(t))
	if err != nil {
		t.Fatal(err)
	}
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Write(logo)
	}))
	t.Cleanup(site.Close)

	ts := newTestServer(t, withFonts(t), func(s *Server) { s.Logos = &artefact.LogoFetcher{} })
	err = ts.svc.SetProfile(context.Background(), issuer.System, &issuer.Profile{
		Name: "Example University", URL: "https://www.example.edu", ImageURL: site.URL + "/logo.png"})
	if err != nil {
		t.Fatal(err)
	}
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	body := ts.get(t, "/credentials/"+award.Credential.ID+"/certificate.pdf", "").wantStatus(t, http.StatusOK).body

	// pdfimages lists a header line, a rule, then one line an image: the
	// logo and the badge.
	list := runTool(t, "pdfimages", "-list", writeTemp(t, "certificate.pdf", body))
	if n := len(strings.Split(strings.TrimSpace(list), "\n")) - 2; n < 2 {
		t.Errorf("certificate has %d images, want the logo and the badge:\n%s", n, list)
	}
}

func loadFontsOrSkip(t testing.TB) *fonts.Chain {
	t.Helper()
	s := &Server{}
	withFonts(t)(s)
	return s.Fonts
}
