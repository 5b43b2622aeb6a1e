package badgeimage

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"image"
	"image/color"
	"image/png"
	"reflect"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func encodePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	img.Set(0, 0, color.RGBA{R: 200, A: 255})
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheckPNG(t *testing.T) {
	good := encodePNG(t, 400, 400)
	truncated := good[:len(good)-20]
	tests := []struct {
		name    string
		data    []byte
		limits  Limits
		wantErr string
	}{
		{"accepted", good, Limits{}, ""},
		{"at pixel limit", encodePNG(t, 64, 32), Limits{MaxPixels: 64}, ""},
		{"too wide", encodePNG(t, 65, 10), Limits{MaxPixels: 64}, "65×10 pixels, more than the maximum of 64×64"},
		{"too tall", encodePNG(t, 10, 65), Limits{MaxPixels: 64}, "10×65 pixels"},
		{"too many bytes", good, Limits{MaxBytes: 100}, "more than the maximum of 100"},
		{"truncated", truncated, Limits{}, "cannot be decoded"},
		{"signature only", pngSignature, Limits{}, "header cannot be read"},
		{"empty", nil, Limits{}, "the file is empty"},
		{"other format", []byte("GIF89a\x01\x00\x01\x00"), Limits{}, "neither a PNG nor an SVG"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, removed, err := Check(context.Background(), tt.data, tt.limits)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				if img.ContentType != "image/png" || !bytes.Equal(img.Data, tt.data) {
					t.Errorf("Check = %s with %d bytes, want the PNG unchanged", img.ContentType, len(img.Data))
				}
				if len(removed) != 0 {
					t.Errorf("removed = %q for a PNG, want none", removed)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Check error = %v, want one containing %q", err, tt.wantErr)
			}
			if !errors.Is(err, issuer.ErrInvalid) {
				t.Errorf("Check error %v does not match issuer.ErrInvalid", err)
			}
		})
	}
}

// svgDoc wraps body in an SVG root element.
func svgDoc(body string) string {
	return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">` + body + `</svg>`
}

func TestSanitizeSVGRemoves(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		want        string
		wantRemoved []string
	}{
		{
			"clean drawing kept",
			svgDoc(`<title>IPC</title><circle cx="5" cy="5" r="4" fill="url(#g)"/><use href="#c"/>`),
			svgDoc(`<title>IPC</title><circle cx="5" cy="5" r="4" fill="url(#g)"></circle><use href="#c"></use>`),
			nil,
		},
		{
			"script element",
			svgDoc(`<script>alert(1)</script><rect width="1" height="1"/>`),
			svgDoc(`<rect width="1" height="1"></rect>`),
			[]string{"element <script>"},
		},
		{
			"event handlers",
			svgDoc(`<rect onclick="alert(1)" ONLOAD="x()" width="1"/>`),
			svgDoc(`<rect width="1"></rect>`),
			[]string{"attribute onclick on <rect> (event handler)", "attribute ONLOAD on <rect> (event handler)"},
		},
		{
			"foreignObject with HTML",
			svgDoc(`<foreignObject><div xmlns="http://www.w3.org/1999/xhtml"><img src="x" onerror="alert(1)"/></div></foreignObject>`),
			svgDoc(``),
			[]string{"element <foreignObject>"},
		},
		{
			"javascript href",
			svgDoc(`<use href="javascript:alert(1)"/><use xlink:href=" JaVa&#9;Script:alert(1)"/>`),
			svgDoc(`<use></use><use></use>`),
			[]string{"attribute href on <use> (reference outside the image)", "attribute xlink:href on <use> (reference outside the image)"},
		},
		{
			"external references",
			svgDoc(`<image href="https://evil.example/x.png"/><rect fill="url(https://evil.example/p.svg#x)"/><rect style="fill: url('http://x/y')"/>`),
			svgDoc(`<image></image><rect></rect><rect></rect>`),
			[]string{
				"attribute href on <image> (reference outside the image)",
				"attribute fill on <rect> (reference outside the image)",
				"attribute style on <rect> (style with an external reference or script)",
			},
		},
		{
			"embedded PNG kept",
			svgDoc(`<image href="data:image/png;base64,iVBORw0KGgo="/>`),
			svgDoc(`<image href="data:image/png;base64,iVBORw0KGgo="></image>`),
			nil,
		},
		{
			"embedded SVG data URL",
			svgDoc(`<image href="data:image/svg+xml;base64,PHN2Zz4="/>`),
			svgDoc(`<image></image>`),
			[]string{"attribute href on <image> (reference outside the image)"},
		},
		{
			"animation rewriting a link",
			svgDoc(`<a href="#x"><set attributeName="href" to="javascript:alert(1)"/><text>go</text></a>`),
			svgDoc(``),
			[]string{"element <a>"},
		},
		{
			"style sheet importing",
			svgDoc(`<style>@import url(https://evil.example/a.css);</style><style>.a{fill:red}</style>`),
			svgDoc(`<style></style><style>.a{fill:red}</style>`),
			[]string{"style sheet with an external reference or script"},
		},
		{
			"other vocabularies",
			`<svg xmlns="http://www.w3.org/2000/svg" xmlns:inkscape="http://www.inkscape.org/namespaces/inkscape" inkscape:version="1.3"><inkscape:grid/><metadata><rdf/></metadata></svg>`,
			`<svg xmlns="http://www.w3.org/2000/svg"></svg>`,
			[]string{
				"attribute xmlns:inkscape on <svg> (namespace of another vocabulary)",
				"attribute inkscape:version on <svg> (attribute of another vocabulary)",
				"element <inkscape:grid>",
				"element <metadata>",
			},
		},
		{
			"stylesheet processing instruction",
			`<?xml version="1.0"?><?xml-stylesheet href="https://evil.example/a.css"?><!-- made by hand --><svg xmlns="http://www.w3.org/2000/svg"/>`,
			`<svg xmlns="http://www.w3.org/2000/svg"></svg>`,
			[]string{"processing instruction <?xml-stylesheet?>"},
		},
		{
			"missing namespace added",
			`<svg viewBox="0 0 1 1"><path d="M0 0"/></svg>`,
			`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><path d="M0 0"></path></svg>`,
			nil,
		},
		{
			"text escaped again",
			svgDoc(`<text>a &lt;b&gt; &amp; "c"</text>`),
			svgDoc(`<text>a &lt;b&gt; &amp; &#34;c&#34;</text>`),
			nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, removed, err := SanitizeSVG([]byte(tt.in))
			if err != nil {
				t.Fatalf("SanitizeSVG: %v", err)
			}
			if string(got) != tt.want {
				t.Errorf("output:\n got  %s\n want %s", got, tt.want)
			}
			if !reflect.DeepEqual(removed, tt.wantRemoved) {
				t.Errorf("removed:\n got  %q\n want %q", removed, tt.wantRemoved)
			}
		})
	}
}

func TestSanitizeSVGRejects(t *testing.T) {
	deep := strings.Repeat("<g>", maxDepth) + strings.Repeat("</g>", maxDepth)
	many := strings.Repeat("<rect/>", maxElements)
	tests := []struct {
		name    string
		in      string
		wantErr string
	}{
		{"entity declaration", `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY lol "lol">]><svg xmlns="http://www.w3.org/2000/svg">&lol;</svg>`, "DOCTYPE and entity declarations are not accepted"},
		{"doctype", `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>`, "DOCTYPE"},
		{"undeclared entity", svgDoc(`<text>&nbsp;</text>`), "not well-formed XML"},
		{"html root", `<html><svg/></html>`, "root element is <html>, not <svg>"},
		{"wrong namespace", `<svg xmlns="http://www.w3.org/1999/xhtml"/>`, "declares the namespace"},
		{"mismatched end", `<svg><g></rect></svg>`, "unexpected end tag </rect>"},
		{"unclosed", `<svg><g>`, "ends inside <g>"},
		{"two roots", `<svg/><svg/>`, "content after its root element"},
		{"no element", `<?xml version="1.0"?>`, "contains no <svg> element"},
		{"too deep", svgDoc(deep), "more than 64 deep"},
		{"too many elements", svgDoc(many), "more than 20000 elements"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := SanitizeSVG([]byte(tt.in))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("SanitizeSVG error = %v, want one containing %q", err, tt.wantErr)
			}
			if !errors.Is(err, issuer.ErrInvalid) {
				t.Errorf("error %v does not match issuer.ErrInvalid", err)
			}
			if out != nil {
				t.Errorf("SanitizeSVG returned %d bytes with an error, want none", len(out))
			}
		})
	}
}

func TestCheckSVG(t *testing.T) {
	in := "\xEF\xBB\xBF\n  " + svgDoc(`<script>x</script><circle r="1"/>`)
	img, removed, err := Check(context.Background(), []byte(in), Limits{})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if img.ContentType != "image/svg+xml" {
		t.Errorf("content type = %q, want image/svg+xml", img.ContentType)
	}
	if bytes.Contains(img.Data, []byte("script")) {
		t.Errorf("stored SVG still contains script: %s", img.Data)
	}
	if !reflect.DeepEqual(removed, []string{"element <script>"}) {
		t.Errorf("removed = %q", removed)
	}

	// The default badge images of the catalogue pass the sanitizer
	// unchanged in meaning, but their text cannot be drawn as PNG from an
	// upload: Laurel draws them itself, with its fonts.
	def := issuer.DefaultBadgeImage("IPC", `Informed & "professionally" competent`)
	_, removed, err = SanitizeSVG(def.Data)
	if err != nil || len(removed) != 0 {
		t.Errorf("SanitizeSVG(default badge) removed %q, error %v; want nothing removed", removed, err)
	}
	if _, _, err := Check(context.Background(), def.Data, Limits{}); err == nil || !strings.Contains(err.Error(), "<text>") {
		t.Errorf("Check(default badge) error %v, want one about <text>", err)
	}
}

// TestCheckSVGMustDraw checks that every SVG the catalogue accepts draws
// as PNG, and that one that cannot is rejected with the fix.
func TestCheckSVGMustDraw(t *testing.T) {
	tests := []struct {
		name, body, wantErr string
	}{
		{"shapes and gradient", `<defs><linearGradient id="g"><stop offset="0" stop-color="red"/><stop offset="1" stop-color="blue"/></linearGradient></defs><circle cx="5" cy="5" r="4" fill="url(#g)"/>`, ""},
		{"script removed, rest drawn", `<script>x</script><rect width="9" height="9"/>`, ""},
		{"text", `<text x="1" y="5">IPC</text>`, "the SVG uses <text>, which Laurel cannot draw for the badge's PNG version; convert the text to paths in the drawing program"},
		{"clip path", `<clipPath id="c"><rect width="5" height="5"/></clipPath><rect width="9" height="9" clip-path="url(#c)"/>`, "uses the clip-path property on <rect>, which Laurel cannot draw for the badge's PNG version; remove the effect in the drawing program, or upload the badge as a PNG image"},
		{"embedded image", `<image href="data:image/png;base64,iVBORw0KGgo=" width="9" height="9"/>`, "upload the badge as a PNG image"},
		{"filter", `<filter id="f"><feGaussianBlur stdDeviation="1"/></filter><g filter="url(#f)"><rect width="9" height="9"/></g>`, "uses the filter property"},
		{"too complex", `<defs><g id="a">` + strings.Repeat(`<rect width="10" height="10"/>`, 400) + `</g></defs>` + strings.Repeat(`<use href="#a"/>`, 400), "too complex to draw"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			img, _, err := Check(context.Background(), []byte(svgDoc(tt.body)), Limits{})
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				if img.ContentType != "image/svg+xml" {
					t.Errorf("content type %q, want image/svg+xml", img.ContentType)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Check error = %v, want one containing %q", err, tt.wantErr)
			}
			if !errors.Is(err, issuer.ErrInvalid) {
				t.Errorf("Check error %v does not match issuer.ErrInvalid", err)
			}
		})
	}
}

// assertSafe fails when out, the output of SanitizeSVG, contains anything the
// sanitizer promises to remove.
func assertSafe(t *testing.T, out []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(out))
	d.Strict = true
	for {
		tok, err := d.RawToken()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("output does not parse: %v\n%s", err, out)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			if tok.Name.Space != "" || !allowedElements[tok.Name.Local] {
				t.Fatalf("output has element %v", tok.Name)
			}
			for _, a := range tok.Attr {
				name := strings.ToLower(a.Name.Local)
				if strings.HasPrefix(name, "on") {
					t.Fatalf("output has event handler %s", a.Name.Local)
				}
				if name == "href" && !strings.HasPrefix(a.Value, "#") && !dataImage.MatchString(strings.ToLower(a.Value)) {
					t.Fatalf("output has href %q", a.Value)
				}
			}
		case xml.Directive, xml.ProcInst:
			t.Fatalf("output has %T %q", tok, tok)
		}
	}
}

func FuzzSanitizeSVG(f *testing.F) {
	f.Add([]byte(svgDoc(`<circle r="1"/>`)))
	f.Add([]byte(svgDoc(`<script>alert(1)</script><rect onload="x" style="fill:url(http://x)"/>`)))
	f.Add([]byte(svgDoc(`<foreignObject><p/></foreignObject><use xlink:href="javascript:x"/>`)))
	f.Add([]byte(`<!DOCTYPE svg [<!ENTITY a "b">]><svg>&a;</svg>`))
	f.Add([]byte(`<svg><style>@import url(x)</style><text>&lt;&amp;</text></svg>`))
	f.Add(issuer.DefaultBadgeImage("EC", "Effective communicators").Data)

	f.Fuzz(func(t *testing.T, data []byte) {
		out, removed, err := SanitizeSVG(data)
		if err != nil {
			if out != nil || removed != nil {
				t.Fatalf("error %v came with output", err)
			}
			if !errors.Is(err, issuer.ErrInvalid) {
				t.Fatalf("error %v does not match issuer.ErrInvalid", err)
			}
			return
		}
		assertSafe(t, out)

		// Sanitizing is idempotent: the output has nothing left to remove.
		again, removedAgain, err := SanitizeSVG(out)
		if err != nil {
			t.Fatalf("sanitizing the output again: %v\n%s", err, out)
		}
		if !bytes.Equal(again, out) || len(removedAgain) != 0 {
			t.Fatalf("second pass changed the output (removed %q):\n first  %s\n second %s", removedAgain, out, again)
		}
	})
}
