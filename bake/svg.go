package bake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
)

// Namespace is the XML namespace of the credential element in a baked SVG.
const Namespace = "https://purl.imsglobal.org/ob/v3p0"

// Limits of SVG parsing: a badge image nests a few levels and has some
// thousands of tokens at most.
const (
	maxSVGDepth  = 64
	maxSVGTokens = 200_000
)

// span is a byte range [start, end) of the input.
type span struct{ start, end int }

// svgLayout holds where the root start tag and any credential elements
// are in an SVG document.
type svgLayout struct {
	root        span   // the <svg …> or <svg …/> start tag
	selfClosing bool   // the root is <svg …/>
	declared    bool   // the root already binds the prefix openbadges to Namespace
	credentials []span // existing credential elements, to be removed
}

// SVG returns a copy of img with xmlns:openbadges declared on the root
// element and <openbadges:credential verify="JWS"/> as its first child.
// Existing credential elements in Namespace are removed, whatever their
// prefix. img must be well-formed XML whose root is svg.
func SVG(img []byte, jws string) ([]byte, error) {
	if err := checkJWS(jws); err != nil {
		return nil, err
	}
	layout, err := scanSVG(img)
	if err != nil {
		return nil, err
	}

	tag := img[layout.root.start:layout.root.end]
	closing := len(tag) - 1 // index of '>'
	if layout.selfClosing {
		closing = bytes.LastIndexByte(tag[:closing], '/')
	}

	var out bytes.Buffer
	out.Write(img[:layout.root.start])
	out.Write(tag[:closing])
	if !layout.declared {
		out.WriteString(` xmlns:openbadges="` + Namespace + `"`)
	}
	out.WriteString(`><openbadges:credential verify="` + jws + `"/>`)
	if layout.selfClosing {
		out.WriteString("</svg>")
	}

	pos := layout.root.end
	for _, c := range layout.credentials {
		out.Write(img[pos:c.start])
		pos = c.end
	}
	out.Write(img[pos:])
	return out.Bytes(), nil
}

// scanSVG parses img and records the layout that SVG needs.
func scanSVG(img []byte) (*svgLayout, error) {
	dec := xml.NewDecoder(bytes.NewReader(img))
	dec.Strict = true

	var layout svgLayout
	depth, credentialDepth := 0, 0
	credentialStart := 0
	for tokens := 0; ; tokens++ {
		if tokens > maxSVGTokens {
			return nil, fmt.Errorf("%w: the SVG image has more than %d XML tokens", ErrImage, maxSVGTokens)
		}
		start := int(dec.InputOffset())
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: the SVG image is not well-formed XML: %v", ErrImage, err)
		}
		end := int(dec.InputOffset())

		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxSVGDepth {
				return nil, fmt.Errorf("%w: the SVG image nests elements deeper than %d levels", ErrImage, maxSVGDepth)
			}
			if depth == 1 {
				if err := layout.setRoot(t, img, span{start, end}); err != nil {
					return nil, err
				}
			}
			if credentialDepth == 0 && t.Name.Space == Namespace && t.Name.Local == "credential" {
				credentialDepth, credentialStart = depth, start
			}
		case xml.EndElement:
			if depth == credentialDepth {
				layout.credentials = append(layout.credentials, span{credentialStart, end})
				credentialDepth = 0
			}
			depth--
		}
	}
	if layout.root.end == 0 {
		return nil, fmt.Errorf("%w: the SVG image has no root element", ErrImage)
	}
	return &layout, nil
}

// setRoot checks the root element and records its start tag.
func (l *svgLayout) setRoot(el xml.StartElement, img []byte, tag span) error {
	if el.Name.Local != "svg" {
		return fmt.Errorf("%w: the root element is <%s>, not <svg>", ErrImage, el.Name.Local)
	}
	for _, a := range el.Attr {
		if a.Name.Space == "xmlns" && a.Name.Local == "openbadges" {
			if a.Value != Namespace {
				return fmt.Errorf("%w: the SVG image binds the prefix openbadges to %q; remove that declaration or rename its prefix", ErrImage, a.Value)
			}
			l.declared = true
		}
	}

	l.root = tag
	raw := img[tag.start:tag.end]
	// encoding/xml reports <svg/> as a start and an end element; the raw
	// bytes tell the two forms apart.
	l.selfClosing = bytes.HasSuffix(bytes.TrimRight(raw[:len(raw)-1], " \t\r\n"), []byte("/"))
	return nil
}
