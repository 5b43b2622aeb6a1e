package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/internal/badgeimage"
	"github.com/laurel-badges/laurel/internal/svgraster"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/verifier"
)

// uploadedSVG is a badge image as a drawing program exports it: a
// gradient, arcs, strokes and a transform, and no text.
const uploadedSVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="300" height="300" viewBox="0 0 300 300">
<defs><linearGradient id="rim" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f2c14e"/><stop offset="1" stop-color="#b5651d"/></linearGradient></defs>
<circle cx="150" cy="150" r="140" fill="url(#rim)"/>
<circle cx="150" cy="150" r="110" fill="#1d4e89" stroke="#ffffff" stroke-width="6"/>
<path d="M95 160 a55 55 0 0 1 110 0 z" fill="#ffffff" transform="rotate(-10 150 150)"/>
</svg>`

// useUploadedSVG gives the test server's achievement an SVG image checked
// as the admin's upload page checks it.
func useUploadedSVG(t *testing.T, ts *testServer, svg string) *issuer.Achievement {
	t.Helper()
	img, err := checkedSVG(svg)
	if err != nil {
		t.Fatalf("upload check: %v", err)
	}
	return storeAchievementImage(t, ts, img)
}

func checkedSVG(svg string) (issuer.Image, error) {
	img, _, err := badgeimage.Check(context.Background(), []byte(svg), badgeimage.Limits{})
	return img, err
}

// storeAchievementImage writes an image straight to the store, as one
// stored before uploads were checked would be.
func storeAchievementImage(t *testing.T, ts *testServer, img issuer.Image) *issuer.Achievement {
	t.Helper()
	ach := *ts.achievement
	ach.Image = img
	if err := ts.db.UpdateAchievement(context.Background(), &ach); err != nil {
		t.Fatal(err)
	}
	return &ach
}

// TestUploadedSVGBadge checks every file made from an uploaded SVG badge
// image on one server, which draws the image's PNG version once.
func TestUploadedSVGBadge(t *testing.T) {
	var srv *Server
	ts := newTestServer(t, withFonts(t), func(s *Server) { srv = s })
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	ach := useUploadedSVG(t, ts, uploadedSVG)
	baked := ts.get(t, "/credentials/"+award.Credential.ID+"/badge.png", "").wantStatus(t, http.StatusOK)

	t.Run("badge.png carries the credential", func(t *testing.T) {
		if got := baked.Header.Get("Content-Type"); got != "image/png" {
			t.Errorf("Content-Type %q, want image/png", got)
		}
		jws, err := verifier.ExtractPNG(baked.body)
		if err != nil {
			t.Fatalf("extract: %v", err)
		}
		if string(jws) != award.Credential.JWS {
			t.Error("baked credential differs from the stored JWS")
		}
		if res := verifyBytes(t, ts, baked.body); res.Verdict != verifier.Valid {
			t.Errorf("verdict %s, want valid: %+v", res.Verdict, res.Checks)
		}
	})

	t.Run("badge.png shows the drawing", func(t *testing.T) {
		// The pixels are svgraster's drawing of the stored SVG, which the
		// comparison with Chromium in package svgraster checks.
		got, err := png.Decode(bytes.NewReader(baked.body))
		if err != nil {
			t.Fatalf("decode badge.png: %v", err)
		}
		want, err := svgraster.Render(context.Background(), ach.Image.Data, svgraster.DefaultSize)
		if err != nil {
			t.Fatal(err)
		}
		if got.Bounds() != want.Bounds() {
			t.Fatalf("badge.png is %v, want %v", got.Bounds(), want.Bounds())
		}
		if c := colorAt(got, 256, 100); c != [4]uint32{0x1d, 0x4e, 0x89, 0xff} {
			t.Errorf("pixel (256, 100) is %v, want the badge's blue #1d4e89", c)
		}
		for _, p := range []image.Point{{256, 256}, {30, 256}, {5, 5}} {
			if colorAt(got, p.X, p.Y) != colorAt(want, p.X, p.Y) {
				t.Errorf("pixel %v of badge.png differs from svgraster's drawing", p)
			}
		}
	})

	t.Run("independent PNG chunk reader", func(t *testing.T) {
		// test/interop/pngchunks.mjs shares no code with Laurel.
		node := requireNodeOnly(t)
		out := runTool(t, node, filepath.Join("..", "..", "test", "interop", "pngchunks.mjs"), writeTemp(t, "badge.png", baked.body))
		var got struct {
			Credentials []struct {
				Type string `json:"type"`
				Text string `json:"text"`
			} `json:"credentials"`
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatalf("pngchunks.mjs printed %q: %v", out, err)
		}
		if len(got.Credentials) != 1 || got.Credentials[0].Text != award.Credential.JWS {
			t.Errorf("credential chunks %s, want one holding the credential's JWS", out)
		}
	})

	t.Run("certificate shows the badge", func(t *testing.T) {
		body := ts.get(t, "/credentials/"+award.Credential.ID+"/certificate.pdf", "").wantStatus(t, http.StatusOK).body
		list := runTool(t, "pdfimages", "-list", writeTemp(t, "certificate.pdf", body))
		if !hasPDFImage(list, 512, 512) {
			t.Errorf("certificate has no 512×512 badge image:\n%s", list)
		}
	})

	t.Run("transcript shows the badge", func(t *testing.T) {
		var b bytes.Buffer
		if err := srv.writeTranscriptPDF(context.Background(), &b, ts.student(t, "S1001")); err != nil {
			t.Fatal(err)
		}
		list := runTool(t, "pdfimages", "-list", writeTemp(t, "transcript.pdf", b.Bytes()))
		if !hasPDFImage(list, 512, 512) {
			t.Errorf("transcript has no 512×512 badge image:\n%s", list)
		}
	})

	t.Run("image.png", func(t *testing.T) {
		resp := ts.get(t, "/achievements/"+ach.ID+"/image.png", "").wantStatus(t, http.StatusOK)
		if got := resp.Header.Get("Content-Type"); got != "image/png" {
			t.Errorf("Content-Type %q, want image/png", got)
		}
		img, err := png.Decode(bytes.NewReader(resp.body))
		if err != nil {
			t.Fatalf("decode: %v", err)
		}
		if got := img.Bounds().Size(); got.X != 512 || got.Y != 512 {
			t.Errorf("size %v, want 512x512", got)
		}
		ts.get(t, "/achievements/"+ach.ID+"/image.svg", "").wantStatus(t, http.StatusOK)
	})

	t.Run("archive has both baked images", func(t *testing.T) {
		files := studentArchiveFiles(t, ts, srv, "S1001")
		folder := "01-IPC-" + award.IssuedAt.UTC().Format("2006-01-02") + "/"
		for _, name := range []string{"badge.png", "badge.svg"} {
			data, ok := files[folder+name]
			if !ok {
				t.Errorf("archive lacks %s", name)
				continue
			}
			if res := verifyBytes(t, ts, data); res.Verdict != verifier.Valid {
				t.Errorf("%s: verdict %s, want valid", name, res.Verdict)
			}
		}
	})
}

// colorAt returns a pixel as straight 8-bit RGBA.
func colorAt(img image.Image, x, y int) [4]uint32 {
	r, g, b, a := img.At(x, y).RGBA()
	if a == 0 {
		return [4]uint32{}
	}
	return [4]uint32{(r * 0xffff / a) >> 8, (g * 0xffff / a) >> 8, (b * 0xffff / a) >> 8, a >> 8}
}

// hasPDFImage reports whether the output of pdfimages -list has an image
// (not a soft mask) of w × h pixels.
func hasPDFImage(list string, w, h int) bool {
	for _, line := range strings.Split(list, "\n") {
		f := strings.Fields(line)
		if len(f) > 4 && f[2] == "image" && f[3] == strconv.Itoa(w) && f[4] == strconv.Itoa(h) {
			return true
		}
	}
	return false
}

// TestUndrawableStoredSVG covers an SVG stored before uploads were
// checked, which svgraster cannot draw. The 404 of badge.png explains
// this and points to badge.svg, and the other files leave the image out.
func TestUndrawableStoredSVG(t *testing.T) {
	var srv *Server
	ts := newTestServer(t, withFonts(t), func(s *Server) { srv = s })
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	storeAchievementImage(t, ts, issuer.Image{ContentType: "image/svg+xml",
		Data: []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><text y="5">IPC</text></svg>`)})

	resp := ts.get(t, "/credentials/"+award.Credential.ID+"/badge.png", "").wantStatus(t, http.StatusNotFound)
	if msg := resp.errorBody(t).Error.Message; !strings.Contains(msg, "download badge.svg") {
		t.Errorf("message %q does not point to badge.svg", msg)
	}
	ts.get(t, "/credentials/"+award.Credential.ID+"/badge.svg", "").wantStatus(t, http.StatusOK)
	ts.get(t, "/credentials/"+award.Credential.ID+"/certificate.pdf", "").wantStatus(t, http.StatusOK)

	files := studentArchiveFiles(t, ts, srv, "S1001")
	folder := "01-IPC-" + award.IssuedAt.UTC().Format("2006-01-02") + "/"
	if _, ok := files[folder+"badge.png"]; ok {
		t.Error("archive has a badge.png for an SVG that cannot be drawn")
	}
	if _, ok := files[folder+"badge.svg"]; !ok {
		t.Error("archive lacks badge.svg")
	}
}

func studentArchiveFiles(t *testing.T, ts *testServer, srv *Server, number string) map[string][]byte {
	t.Helper()
	ctx := context.Background()
	students, err := ts.db.StudentsByNumber(ctx, []string{number})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := srv.writeStudentArchive(ctx, &b, students[number]); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, f := range zr.File {
		files[f.Name] = readZipFile(t, f)
	}
	return files
}
