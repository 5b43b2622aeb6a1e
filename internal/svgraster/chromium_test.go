package svgraster

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"
)

// chromiumPath is Debian's Chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// Tolerances of the comparison with Chromium, on 0…255 channels over
// white. Anti-aliasing differs along every edge, so a pixel may differ
// much where an edge crosses it; over the image the means stay small.
const (
	maxMeanDifference     = 1.5   // mean absolute difference per channel
	maxCoverageDifference = 0.005 // share of pixels drawn in one image and not the other
	minCoverage           = 0.02  // share of drawn pixels; less means a blank test image
)

// chromiumCases are drawn by Render and by Chromium. chrome, when set, is
// the document Chromium draws instead, for cases where Chromium's <img>
// sizing differs from the fixed output size on purpose.
var chromiumCases = []struct {
	name, svg, chrome string
}{
	{name: "shapes", svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">
<rect x="10" y="10" width="80" height="60" fill="#1d4e89"/>
<rect x="110" y="10" width="80" height="60" rx="15" ry="10" fill="#7a1f5c"/>
<circle cx="50" cy="130" r="35" fill="#21643a"/>
<ellipse cx="150" cy="130" rx="40" ry="25" fill="orange"/>
<polygon points="100,90 120,120 80,120" fill="rgb(75,44,131)"/>
<polyline points="10,190 40,170 70,190 100,170" fill="none" stroke="black" stroke-width="3"/>
<line x1="110" y1="190" x2="190" y2="175" stroke="#8b1e2d" stroke-width="4"/>
</svg>`},
	{name: "path with arcs", svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 240">
<path d="M20 120 A100 100 0 0 1 220 120 Z" fill="#005f6b"/>
<path d="M40,200 a30,20 30 1,0 60,0 a30,20 30 0 1 60 0" fill="none" stroke="#8a3b00" stroke-width="8"/>
<path d="M150 40a25 25 0 01 50 0 25 25 0 01-50 0z" fill="#4b2c83"/>
<path d="M20 20h40v30h-40zM30 30v10h20v-10z" fill="#3d4a5c"/>
<path d="M20 230 q20-40 40 0 t40 0 c10-20 30-20 40 0 s30 20 40 0" fill="none" stroke="black" stroke-width="3"/>
</svg>`},
	{name: "transforms", svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">
<g transform="translate(100 100)">
<rect x="-20" y="-20" width="40" height="40" fill="#1d4e89" transform="rotate(30)"/>
<g transform="scale(2)"><circle cx="30" cy="-30" r="10" fill="#7a1f5c"/></g>
<rect x="-90" y="40" width="40" height="30" fill="#21643a" transform="skewX(20)"/>
<rect x="0" y="0" width="30" height="20" fill="orange" transform="matrix(1 0.3 -0.2 1 40 40)"/>
</g>
<rect x="10" y="10" width="40" height="20" fill="#8b1e2d" transform="rotate(45 30 20)"/>
</svg>`},
	{name: "linear gradient", svg: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 200 200">
<defs>
<linearGradient id="base"><stop offset="0" stop-color="#1d4e89"/><stop offset="50%" stop-color="#ffcc00" stop-opacity="0.8"/><stop offset="1" stop-color="#8b1e2d"/></linearGradient>
<linearGradient id="diag" xlink:href="#base" x1="0" y1="0" x2="1" y2="1"/>
<linearGradient id="user" gradientUnits="userSpaceOnUse" x1="20" y1="0" x2="60" y2="0" spreadMethod="reflect">
<stop offset="0" stop-color="white"/><stop offset="1" stop-color="#005f6b"/></linearGradient>
</defs>
<rect x="10" y="10" width="180" height="80" fill="url(#base)"/>
<circle cx="60" cy="145" r="45" fill="url(#diag)"/>
<rect x="110" y="100" width="80" height="90" fill="url(#user)" transform="rotate(10 150 145)"/>
</svg>`},
	{name: "radial gradient", svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100">
<defs>
<radialGradient id="r1"><stop offset="0" stop-color="#ffffff"/><stop offset="1" stop-color="#4b2c83"/></radialGradient>
<radialGradient id="r2" cx="0.5" cy="0.5" r="0.5" fx="0.3" fy="0.3"><stop offset="0.1" stop-color="gold"/><stop offset="0.9" stop-color="#8a3b00"/></radialGradient>
</defs>
<circle cx="50" cy="50" r="45" fill="url(#r1)"/>
<ellipse cx="145" cy="50" rx="50" ry="40" fill="url(#r2)"/>
</svg>`},
	{name: "strokes", svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">
<polyline points="20,60 50,20 80,60" fill="none" stroke="#1d4e89" stroke-width="10" stroke-linejoin="miter"/>
<polyline points="110,60 140,20 170,60" fill="none" stroke="#1d4e89" stroke-width="10" stroke-linejoin="round" stroke-linecap="round"/>
<polyline points="20,120 50,80 80,120" fill="none" stroke="#7a1f5c" stroke-width="10" stroke-linejoin="bevel" stroke-linecap="square"/>
<circle cx="140" cy="105" r="30" fill="#ffcc00" stroke="#21643a" stroke-width="6" stroke-opacity="0.7"/>
<line x1="20" y1="160" x2="180" y2="160" stroke="black" stroke-width="6" stroke-dasharray="20 10"/>
<rect x="20" y="175" width="160" height="15" fill="none" stroke="#8b1e2d" stroke-width="2"/>
</svg>`},
	{name: "opacity and fill rule", svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">
<g opacity="0.5"><rect x="20" y="20" width="100" height="100" fill="#1d4e89"/><rect x="70" y="70" width="100" height="100" fill="#8b1e2d"/></g>
<circle cx="150" cy="50" r="30" fill="#21643a" fill-opacity="0.6"/>
<path fill-rule="evenodd" fill="#4b2c83" d="M20 140h60v50h-60zM35 150h30v30h-30z"/>
<path fill="#005f6b" d="M110 140h60v50h-60zM125 150h30v30h-30z"/>
</svg>`},
	{name: "style sheet and use", svg: `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 200 200">
<style>.st0{fill:#1d4e89;stroke:#ffcc00;stroke-width:4}
#big{fill:#8b1e2d} circle.small{fill:#21643a}</style>
<defs><path id="star" d="M0,-30 L9,-9 L30,-9 L13,5 L19,27 L0,14 L-19,27 L-13,5 L-30,-9 L-9,-9 Z"/></defs>
<rect class="st0" x="10" y="10" width="80" height="80"/>
<circle id="big" cx="150" cy="50" r="40"/>
<circle class="small" cx="150" cy="50" r="15"/>
<use xlink:href="#star" x="50" y="150" fill="#7a1f5c"/>
<use href="#star" transform="translate(150 150) scale(1.2)" fill="orange" stroke="black"/>
</svg>`},
	{name: "viewBox without width and height", svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="-50 -25 100 50">
<rect x="-48" y="-23" width="96" height="46" rx="8" fill="#1d4e89"/>
<circle r="18" fill="white"/><circle r="12" fill="#8b1e2d"/>
</svg>`},
	{name: "huge width and height", svg: `<svg xmlns="http://www.w3.org/2000/svg" width="1000000" height="1000000" viewBox="0 0 100 100">
<circle cx="50" cy="50" r="45" fill="#21643a"/><path d="M30 50 l15 15 l25 -30" fill="none" stroke="white" stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`, chrome: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100">
<circle cx="50" cy="50" r="45" fill="#21643a"/><path d="M30 50 l15 15 l25 -30" fill="none" stroke="white" stroke-width="8" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`},
	{name: "width and height without viewBox", svg: `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="80">
<rect x="10" y="10" width="100" height="60" fill="#8a3b00"/><circle cx="60" cy="40" r="20" fill="white"/>
</svg>`, chrome: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 80">
<rect x="10" y="10" width="100" height="60" fill="#8a3b00"/><circle cx="60" cy="40" r="20" fill="white"/>
</svg>`},
	{name: "dashes, caps and miter limit", svg: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">
<circle cx="60" cy="60" r="40" fill="none" stroke="#4b2c83" stroke-width="8" stroke-dasharray="15 10 5 10" stroke-dashoffset="7" stroke-linecap="round"/>
<polyline points="120,100 150,20 180,100" fill="none" stroke="#005f6b" stroke-width="10" stroke-miterlimit="2"/>
<path d="M20 150 h150" stroke="#8a3b00" stroke-width="12" stroke-linecap="square" stroke-dasharray="20 20"/>
<rect x="20" y="175" width="160" height="15" fill="none" stroke="black" stroke-width="3" stroke-linejoin="round" stroke-dasharray="4"/>
</svg>`},
	{name: "nested opacity and percentages", svg: `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="160" viewBox="0 0 240 160">
<rect width="100%" height="50%" fill="#ffcc00"/>
<g opacity="0.6"><rect x="10%" y="10%" width="50%" height="60%" fill="#1d4e89"/>
<g opacity="0.5"><circle cx="60%" cy="50%" r="25%" fill="#8b1e2d"/></g></g>
<ellipse cx="200" cy="120" rx="30" ry="20" fill="rgba(0,128,0,0.5)" stroke="hsl(280, 60%, 40%)" stroke-width="4"/>
</svg>`},
	{name: "preserveAspectRatio", svg: `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" viewBox="0 0 50 50" preserveAspectRatio="xMinYMid meet">
<rect width="50" height="50" fill="#4b2c83"/><circle cx="25" cy="25" r="20" fill="#ffcc00"/>
</svg>`},
}

// TestRenderMatchesChromium draws each case with Render and with headless
// Chromium, an independent SVG implementation, and compares the pixels
// over a white background.
func TestRenderMatchesChromium(t *testing.T) {
	requireChromium(t)
	dir := outputDir(t)
	cases := chromiumCases
	files, err := filepath.Glob(filepath.Join("testdata", "*.svg"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct{ name, svg, chrome string }{name: filepath.Base(name), svg: string(data)})
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			ours, err := Render(context.Background(), []byte(tt.svg), DefaultSize)
			if err != nil {
				t.Fatalf("Render: %v", err)
			}
			chromeSVG := tt.svg
			if tt.chrome != "" {
				chromeSVG = tt.chrome
			}
			b := ours.Bounds()
			theirs := chromiumScreenshot(t, chromeSVG, b.Dx(), b.Dy())
			name := safeName(tt.name)
			writePNG(t, filepath.Join(dir, name+"-laurel.png"), overWhite(ours))
			writePNG(t, filepath.Join(dir, name+"-chromium.png"), theirs)

			if theirs.Bounds().Size() != b.Size() {
				t.Fatalf("Chromium drew %v, Render %v", theirs.Bounds().Size(), b.Size())
			}
			cmp := compareImages(overWhite(ours), theirs)
			t.Logf("mean difference %.2f, coverage %.4f (Render) and %.4f (Chromium); images in %s", cmp.mean, cmp.coverageA, cmp.coverageB, dir)
			if cmp.coverageB < minCoverage {
				t.Fatalf("Chromium drew %.4f of the pixels; the test image is blank", cmp.coverageB)
			}
			if cmp.mean > maxMeanDifference {
				t.Errorf("mean difference per channel %.2f, more than %.1f", cmp.mean, maxMeanDifference)
			}
			if d := math.Abs(cmp.coverageA - cmp.coverageB); d > maxCoverageDifference {
				t.Errorf("coverage differs by %.4f: Render %.4f, Chromium %.4f", d, cmp.coverageA, cmp.coverageB)
			}
		})
	}
}

func requireChromium(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("Chromium is not installed at %s; .ci/run installs it", chromiumPath)
		}
		t.Skipf("Chromium is not installed at %s (with CI=true this test fails instead)", chromiumPath)
	}
}

// outputDir is $LAUREL_SCREENSHOT_DIR/<test name>, or a temporary folder.
func outputDir(t *testing.T) string {
	t.Helper()
	root := os.Getenv("LAUREL_SCREENSHOT_DIR")
	if root == "" {
		return t.TempDir()
	}
	dir := filepath.Join(root, safeName(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeName(s string) string { return unsafeChars.ReplaceAllString(s, "_") }

// chromiumScreenshot shows svg in an <img> of w × h CSS pixels on a white
// page and returns Chromium's screenshot at one device pixel per CSS
// pixel.
func chromiumScreenshot(t *testing.T, svg string, w, h int) image.Image {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "image.svg"), []byte(svg), 0o600); err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf(`<!doctype html><html><body style="margin:0;background:#fff"><img src="image.svg" style="display:block;width:%dpx;height:%dpx"></body></html>`, w, h)
	if err := os.WriteFile(filepath.Join(dir, "page.html"), []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}

	shot := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromiumPath, "--headless", "--no-sandbox", "--disable-gpu",
		"--hide-scrollbars", "--force-device-scale-factor=1", "--disable-background-networking",
		"--disable-component-update", "--user-data-dir="+filepath.Join(dir, "profile"),
		fmt.Sprintf("--window-size=%d,%d", w, h), "--screenshot="+shot, "file://"+filepath.Join(dir, "page.html"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	data, err := os.ReadFile(shot)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("decode Chromium's screenshot: %v", err)
	}
	return img
}

// overWhite composites img onto white, as the browser page shows it.
func overWhite(img *image.NRGBA) *image.NRGBA {
	out := image.NewNRGBA(img.Bounds())
	for i := 0; i < len(img.Pix); i += 4 {
		a := float64(img.Pix[i+3]) / 255
		for c := range 3 {
			out.Pix[i+c] = uint8(math.Round(float64(img.Pix[i+c])*a + 255*(1-a)))
		}
		out.Pix[i+3] = 255
	}
	return out
}

type comparison struct {
	mean                 float64 // mean absolute difference per channel, 0…255
	coverageA, coverageB float64 // share of pixels that differ from white
}

// compareImages compares two opaque images of the same size.
func compareImages(a, b image.Image) comparison {
	bounds := a.Bounds()
	var sum float64
	var drawnA, drawnB int
	n := bounds.Dx() * bounds.Dy()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			ra, ga, ba, _ := a.At(x, y).RGBA()
			rb, gb, bb, _ := b.At(x, y).RGBA()
			sum += (absDiff(ra, rb) + absDiff(ga, gb) + absDiff(ba, bb)) / 257
			if drawn(ra, ga, ba) {
				drawnA++
			}
			if drawn(rb, gb, bb) {
				drawnB++
			}
		}
	}
	return comparison{mean: sum / float64(3*n), coverageA: float64(drawnA) / float64(n), coverageB: float64(drawnB) / float64(n)}
}

func absDiff(a, b uint32) float64 { return math.Abs(float64(a) - float64(b)) }

// drawn reports whether a pixel is clearly not white: at least 32 of
// 255 darker on the sum of channels.
func drawn(r, g, b uint32) bool { return (3*0xffff-(r+g+b))/257 >= 32 }

func writePNG(t *testing.T, name string, img image.Image) {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
