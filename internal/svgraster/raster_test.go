package svgraster

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const svgOpen = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 100 100">`

func TestRenderSize(t *testing.T) {
	tests := []struct {
		name, root string
		w, h       int
	}{
		{"viewBox square", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">`, 512, 512},
		{"viewBox wide", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 100">`, 512, 256},
		{"viewBox tall", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 400">`, 128, 512},
		{"width and height win over viewBox", `<svg xmlns="http://www.w3.org/2000/svg" width="300" height="100" viewBox="0 0 10 10">`, 512, 171},
		{"width alone keeps viewBox ratio", `<svg xmlns="http://www.w3.org/2000/svg" width="5cm" viewBox="0 0 20 10">`, 512, 256},
		{"huge width and height", `<svg xmlns="http://www.w3.org/2000/svg" width="1e9" height="2e9">`, 256, 512},
		{"percent width uses viewBox", `<svg xmlns="http://www.w3.org/2000/svg" width="100%" height="100%" viewBox="0 0 30 10">`, 512, 171},
		{"nothing gives 300 by 150", `<svg xmlns="http://www.w3.org/2000/svg">`, 512, 256},
		{"extreme ratio keeps one pixel", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100000 1">`, 512, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := Render(context.Background(), []byte(tt.root+`<rect width="100%" height="100%"/></svg>`), DefaultSize)
			if err != nil {
				t.Fatal(err)
			}
			if got := img.Bounds().Size(); got.X != tt.w || got.Y != tt.h {
				t.Errorf("size %v, want %dx%d", got, tt.w, tt.h)
			}
		})
	}
}

// TestRenderDrawsPixels checks single pixels of simple drawings, so that
// a blank or shifted rendering fails without a browser.
func TestRenderDrawsPixels(t *testing.T) {
	tests := []struct {
		name, body string
		x, y       int
		want       [4]uint8 // NRGBA
	}{
		{"fill", `<rect x="10" y="10" width="50" height="50" fill="#ff0000"/>`, 100, 100, [4]uint8{255, 0, 0, 255}},
		{"outside stays transparent", `<rect x="10" y="10" width="50" height="50"/>`, 400, 400, [4]uint8{}},
		{"default fill is black", `<circle cx="50" cy="50" r="20"/>`, 256, 256, [4]uint8{0, 0, 0, 255}},
		{"fill opacity", `<rect width="100" height="100" fill="blue" fill-opacity="0.5"/>`, 10, 10, [4]uint8{0, 0, 255, 128}},
		{"evenodd hole", `<path fill-rule="evenodd" d="M0 0h100v100h-100zM25 25h50v50h-50z"/>`, 256, 256, [4]uint8{}},
		{"nonzero fills hole", `<path d="M0 0h100v100h-100zM25 25h50v50h-50z"/>`, 256, 256, [4]uint8{0, 0, 0, 255}},
		{"stroke only", `<rect x="20" y="20" width="60" height="60" fill="none" stroke="lime" stroke-width="4"/>`, 102, 256, [4]uint8{0, 255, 0, 255}},
		{"display none", `<g display="none"><rect width="100" height="100"/></g>`, 256, 256, [4]uint8{}},
		{"visibility hidden", `<rect width="100" height="100" visibility="hidden"/>`, 256, 256, [4]uint8{}},
		{"currentColor", `<g color="#00ff00"><rect width="100" height="100" fill="currentColor"/></g>`, 256, 256, [4]uint8{0, 255, 0, 255}},
		{"style attribute wins", `<style>rect{fill:red}</style><rect width="100" height="100" style="fill:blue" fill="lime"/>`, 256, 256, [4]uint8{0, 0, 255, 255}},
		{"missing gradient uses fallback", `<rect width="100" height="100" fill="url(#nope) #ff0000"/>`, 256, 256, [4]uint8{255, 0, 0, 255}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, err := Render(context.Background(), []byte(svgOpen+tt.body+`</svg>`), DefaultSize)
			if err != nil {
				t.Fatal(err)
			}
			c := img.NRGBAAt(tt.x, tt.y)
			got := [4]uint8{c.R, c.G, c.B, c.A}
			if got != tt.want {
				t.Errorf("pixel (%d, %d) is %v, want %v", tt.x, tt.y, got, tt.want)
			}
		})
	}
}

func TestRenderRejectsUnsupported(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"text", `<text x="10" y="50">IPC</text>`, "<text> is not drawn: convert the text to paths"},
		{"text in group", `<g><g><text>IPC</text></g></g>`, "<text>"},
		{"embedded image", `<image href="data:image/png;base64,AAAA" width="10" height="10"/>`, "<image>"},
		{"clip path", `<clipPath id="c"><rect width="5" height="5"/></clipPath><rect width="9" height="9" clip-path="url(#c)"/>`, "the clip-path property on <rect> is not drawn"},
		{"mask in style", `<rect width="9" height="9" style="mask:url(#m)"/>`, "mask property"},
		{"filter", `<g filter="url(#f)"><rect width="9" height="9"/></g>`, "filter property on <g>"},
		{"marker", `<path d="M0 0L9 9" stroke="black" marker-end="url(#m)"/>`, "marker-end property"},
		{"pattern", `<pattern id="p" width="4" height="4"/><rect width="9" height="9" fill="url(#p)"/>`, "a <pattern> fill is not drawn: replace it by the shapes it repeats"},
		{"use of symbol", `<symbol id="s"><rect width="9" height="9"/></symbol><use href="#s"/>`, "<use> of a <symbol>"},
		{"nested svg", `<svg><rect width="9" height="9"/></svg>`, "nested <svg>"},
		{"switch", `<switch><rect width="9" height="9"/></switch>`, "<switch>"},
		{"complex selector", `<style>g rect{fill:red}</style>`, `the style sheet selector "g rect" is not drawn: use only element`},
		{"at-rule", `<style>@media print{rect{fill:red}}</style>`, `selector "@media print"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Render(context.Background(), []byte(svgOpen+tt.body+`</svg>`), DefaultSize)
			if !errors.Is(err, ErrUnsupported) {
				t.Fatalf("error %v, want ErrUnsupported", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

// TestRenderIgnoresUnusedDefinitions draws documents whose unsupported
// parts are never shown, as drawing programs leave them in <defs>.
func TestRenderIgnoresUnusedDefinitions(t *testing.T) {
	body := `<defs><filter id="f"><feGaussianBlur stdDeviation="2"/></filter><clipPath id="c"><text>x</text></clipPath>
<symbol id="s"><text>y</text></symbol></defs><title>Badge</title><rect width="100" height="100" fill="red"/>`
	img, err := Render(context.Background(), []byte(svgOpen+body+`</svg>`), DefaultSize)
	if err != nil {
		t.Fatal(err)
	}
	if c := img.NRGBAAt(10, 10); c.R != 255 || c.A != 255 {
		t.Errorf("pixel %v, want opaque red", c)
	}
}

func TestRenderRejectsInvalidDocuments(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"not XML", `<svg`, "not well-formed XML"},
		{"empty", ``, "no <svg> element"},
		{"other root", `<html xmlns="http://www.w3.org/1999/xhtml"/>`, "not an SVG <svg>"},
		{"zero viewBox", `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 0 10"/>`, "has no area"},
		{"zero width", `<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Render(context.Background(), []byte(tt.doc), DefaultSize)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("a zero width falls back to the default size, got %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

// tooComplex are small documents that ask for more work than a drawing
// may take.
var tooComplex = []struct{ name, doc string }{
	{"many full-size shapes", svgOpen + `<defs><g id="a">` + strings.Repeat(`<rect width="100" height="100" fill-opacity="0.1"/>`, 50) + `</g>` +
		`<g id="b"><use href="#a"/><use href="#a"/><use href="#a"/><use href="#a"/></g><g id="c"><use href="#b"/><use href="#b"/><use href="#b"/><use href="#b"/></g>` +
		`<g id="d"><use href="#c"/><use href="#c"/><use href="#c"/><use href="#c"/></g></defs><use href="#d"/><use href="#d"/><use href="#d"/></svg>`},
	{"use fan-out", svgOpen + `<defs><path id="a" d="M0 0"/>` + fanOut(6) + `</defs><use href="#u6"/></svg>`},
	{"long path off the image", svgOpen + `<defs><path id="p" d="M-5000 -5000` + strings.Repeat(` l1 0 0 1`, 20000) + `"/>` +
		`<g id="g">` + strings.Repeat(`<use href="#p"/>`, 100) + `</g></defs>` + strings.Repeat(`<use href="#g"/>`, 100) + `</svg>`},
	{"tiny dashes on a long line", svgOpen + `<path d="M-100000 50 H100000" stroke="black" stroke-dasharray="0.001"/></svg>`},
	{"many curves flattened", svgOpen + `<defs><path id="c" d="M0 0` + strings.Repeat(` c100000 100000 -100000 100000 0 0`, 2000) + `"/></defs>` +
		strings.Repeat(`<use href="#c"/>`, 200) + `</svg>`},
}

// TestRenderBoundsWork checks that the budget stops a small file that
// needs much work, whatever the machine's speed. The budget scales with
// the image, so a small image keeps the test short.
func TestRenderBoundsWork(t *testing.T) {
	for _, tt := range tooComplex {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Render(context.Background(), []byte(tt.doc), 64)
			if !errors.Is(err, ErrTooComplex) {
				t.Errorf("error %v, want ErrTooComplex", err)
			}
		})
	}
}

// BenchmarkRenderTooComplex measures how long the documents that the
// budget stops take at the default size: the longest an upload check
// or a drawing can take.
func BenchmarkRenderTooComplex(b *testing.B) {
	for _, tt := range tooComplex {
		b.Run(tt.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Render(context.Background(), []byte(tt.doc), DefaultSize); !errors.Is(err, ErrTooComplex) {
					b.Fatalf("error %v, want ErrTooComplex", err)
				}
			}
		})
	}
}

// fanOut writes groups u1…un, each using the one before ten times.
func fanOut(n int) string {
	var b strings.Builder
	prev := "a"
	for i := 1; i <= n; i++ {
		id := "u" + string(rune('0'+i))
		b.WriteString(`<g id="` + id + `">` + strings.Repeat(`<use href="#`+prev+`"/>`, 10) + `</g>`)
		prev = id
	}
	return b.String()
}

func TestRenderStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Render(ctx, []byte(svgOpen+`<rect width="9" height="9"/></svg>`), DefaultSize)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v, want context.Canceled", err)
	}
}

func TestPNGDecodes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "badge-gradient.svg"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := PNG(context.Background(), data, DefaultSize)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if got := img.Bounds().Size(); got.X != 512 || got.Y != 512 {
		t.Errorf("size %v, want 512x512", got)
	}
}

// FuzzRender feeds arbitrary documents to the renderer, which reads
// files that admins upload: it must return an image or an error, never
// panic or run without bound.
func FuzzRender(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.svg"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range seeds {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, c := range chromiumCases {
		f.Add([]byte(c.svg))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := Render(context.Background(), data, 64)
		if err == nil && (img.Bounds().Dx() != 64 && img.Bounds().Dy() != 64) {
			t.Errorf("size %v: neither side is 64 pixels", img.Bounds().Size())
		}
	})
}

// BenchmarkPNG draws the sample badge at the default size and encodes
// it, as serving badge.png for a new SVG badge does. It reports the
// PNG's size.
func BenchmarkPNG(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "badge-gradient.svg"))
	if err != nil {
		b.Fatal(err)
	}
	var out []byte
	for b.Loop() {
		if out, err = PNG(context.Background(), data, DefaultSize); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(out)), "PNG-bytes")
}

// BenchmarkRender draws the sample badge without encoding it.
func BenchmarkRender(b *testing.B) {
	data, err := os.ReadFile(filepath.Join("testdata", "badge-gradient.svg"))
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Render(context.Background(), data, DefaultSize); err != nil {
			b.Fatal(err)
		}
	}
}
