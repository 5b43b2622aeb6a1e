package web

import (
	"bytes"
	"encoding/xml"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestPosterSVGParses(t *testing.T) {
	badges := []*issuer.Achievement{
		{Code: "IPC", Name: "Informed and Professionally Competent", Image: issuer.Image{ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}}},
		{Code: "X&Y", Name: `</text><script>alert(1)</script>`, Image: issuer.Image{ContentType: `image/svg+xml"><script>`, Data: []byte("<svg/>")}},
	}
	body, err := posterSVG(badges)
	if err != nil {
		t.Fatal(err)
	}

	var texts []string
	var images, scripts int
	dec := xml.NewDecoder(bytes.NewReader(body))
	var inText bool
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("poster is not well-formed XML: %v\n%s", err, body)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			switch el.Name.Local {
			case "text":
				inText = true
				texts = append(texts, "")
			case "image":
				images++
			case "script":
				scripts++
			}
		case xml.EndElement:
			inText = false
		case xml.CharData:
			if inText {
				texts[len(texts)-1] += string(el)
			}
		}
	}

	if images != 2 {
		t.Errorf("images = %d, want 2", images)
	}
	if scripts != 0 {
		t.Errorf("script elements = %d, want 0: names must be escaped", scripts)
	}
	joined := strings.Join(texts, "|")
	for _, want := range []string{"Informed and", "IPC", "X&Y", "<script>alert(1)</script>"} {
		if !strings.Contains(joined, want) {
			t.Errorf("texts %q do not contain %q", joined, want)
		}
	}
	if !bytes.Contains(body, []byte(`href="data:image/png;base64,PHN2Zy8+"`)) {
		t.Errorf("an unexpected content type was not replaced by image/png:\n%s", body)
	}
}

func TestWrapWords(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"Problem-Solver", []string{"Problem-Solver"}},
		{"Informed and Professionally Competent", []string{"Informed and", "Professionally", "Competent"}},
		{"one two three four five six seven eight nine ten eleven twelve", []string{"one two three four", "five six seven eight", "nine ten eleven …"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := wrapWords(tt.text, 20, 3); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("wrapWords(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// FuzzPosterSVG checks that any badge name and code give a well-formed
// SVG, because catalogue text goes into it unchanged.
func FuzzPosterSVG(f *testing.F) {
	f.Add("Informed and Professionally Competent", "IPC")
	f.Add("</text><script>alert(1)</script>", "X&Y")
	f.Add("\x00\xff]]>", "")
	f.Fuzz(func(t *testing.T, name, code string) {
		body, err := posterSVG([]*issuer.Achievement{{Name: name, Code: code}})
		if err != nil {
			t.Fatal(err)
		}
		dec := xml.NewDecoder(bytes.NewReader(body))
		for {
			_, err := dec.Token()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatalf("poster for name %q, code %q is not well-formed: %v", name, code, err)
			}
		}
	})
}
