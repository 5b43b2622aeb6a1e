package badgeimage

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

const (
	svgNamespace   = "http://www.w3.org/2000/svg"
	xlinkNamespace = "http://www.w3.org/1999/xlink"

	// maxDepth and maxElements bound the work of the sanitizer and of
	// every later reader. Designed badges stay far below both.
	maxDepth    = 64
	maxElements = 20000
)

// allowedElements are the SVG 1.1 and 2 elements of static graphics. Left
// out on purpose: script, foreignObject (HTML inside SVG), a (links),
// animate, animateMotion, animateTransform and set (which can rewrite an
// href to javascript:), feImage (which loads a URL), and every element of
// another namespace, such as Inkscape's.
var allowedElements = setOf(
	"svg", "g", "defs", "title", "desc", "symbol", "use", "switch", "style",
	"path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
	"text", "tspan", "textPath", "image", "marker", "pattern", "clipPath", "mask",
	"linearGradient", "radialGradient", "stop",
	"filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite",
	"feConvolveMatrix", "feDiffuseLighting", "feDisplacementMap", "feDistantLight",
	"feDropShadow", "feFlood", "feFuncA", "feFuncB", "feFuncG", "feFuncR",
	"feGaussianBlur", "feMerge", "feMergeNode", "feMorphology", "feOffset",
	"fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
)

func setOf(names ...string) map[string]bool {
	m := make(map[string]bool, len(names))
	for _, n := range names {
		m[n] = true
	}
	return m
}

var (
	// urlRef finds url(…) references in attribute values and CSS.
	urlRef = regexp.MustCompile(`(?i)url\(\s*['"]?([^'")]*)`)
	// dataImage is the one kind of non-local href kept: an embedded raster
	// image on an <image> element.
	dataImage = regexp.MustCompile(`^data:image/(png|jpeg|gif);base64,`)
	// invisible matches characters a browser ignores inside a URL scheme,
	// so that "java&#9;script:" is caught as javascript:.
	invisible = regexp.MustCompile(`[\x00-\x20\x7f]+`)
)

// SanitizeSVG returns data written again without anything that could run
// a script or load another resource, and a description of each part it
// removed. It rejects data that is not well-formed XML, whose root is not
// an SVG element, or that declares a DOCTYPE or entities.
func SanitizeSVG(data []byte) ([]byte, []string, error) {
	s := &sanitizer{d: xml.NewDecoder(bytes.NewReader(data))}
	s.d.Strict = true
	if err := s.run(); err != nil {
		return nil, nil, err
	}
	return s.out.Bytes(), s.removed, nil
}

type sanitizer struct {
	d        *xml.Decoder
	out      bytes.Buffer
	removed  []string
	stack    []xml.Name // open elements, root first
	elements int
	rootDone bool
	// skipping is the depth of a removed element while its content is
	// dropped; 0 when nothing is being dropped.
	skipping int
}

func (s *sanitizer) run() error {
	for {
		tok, err := s.d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return invalidf("the SVG is not well-formed XML (%v); save it again from the drawing program", err)
		}
		if err := s.token(tok); err != nil {
			return err
		}
	}
	if !s.rootDone {
		if len(s.stack) > 0 {
			return invalidf("the SVG ends inside <%s>; save it again from the drawing program", s.stack[len(s.stack)-1].Local)
		}
		return invalidf("the file contains no <svg> element; upload a PNG or SVG image")
	}
	return nil
}

func (s *sanitizer) token(tok xml.Token) error {
	switch t := tok.(type) {
	case xml.StartElement:
		return s.start(t)
	case xml.EndElement:
		return s.end(t)
	case xml.CharData:
		s.text(t)
	case xml.Directive:
		return invalidf("the SVG contains a declaration <!%s>; DOCTYPE and entity declarations are not accepted, so remove it", cut(string(t), 40))
	case xml.ProcInst, xml.Comment:
		// The XML declaration, processing instructions and comments carry
		// nothing a badge needs; a processing instruction such as
		// xml-stylesheet would load a URL.
		if pi, ok := t.(xml.ProcInst); ok && pi.Target != "xml" {
			s.removed = append(s.removed, "processing instruction <?"+pi.Target+"?>")
		}
	}
	return nil
}

func (s *sanitizer) start(t xml.StartElement) error {
	if s.rootDone {
		return invalidf("the SVG has content after its root element; save it again from the drawing program")
	}
	s.elements++
	if s.elements > maxElements {
		return invalidf("the SVG has more than %d elements; simplify the drawing", maxElements)
	}
	s.stack = append(s.stack, t.Name)
	if len(s.stack) > maxDepth {
		return invalidf("the SVG nests elements more than %d deep; simplify the drawing", maxDepth)
	}

	if s.skipping > 0 {
		return nil
	}
	if len(s.stack) == 1 && (t.Name.Space != "" || t.Name.Local != "svg") {
		return invalidf("the root element is <%s>, not <svg>; upload an SVG image", qualified(t.Name))
	}
	if t.Name.Space != "" || !allowedElements[t.Name.Local] {
		s.removed = append(s.removed, "element <"+qualified(t.Name)+">")
		s.skipping = len(s.stack)
		return nil
	}

	attrs, err := s.attributes(t, len(s.stack) == 1)
	if err != nil {
		return err
	}
	s.out.WriteString("<" + t.Name.Local)
	for _, a := range attrs {
		s.out.WriteString(" " + qualified(a.Name) + `="`)
		escape(&s.out, a.Value)
		s.out.WriteString(`"`)
	}
	s.out.WriteString(">")
	return nil
}

func (s *sanitizer) end(t xml.EndElement) error {
	if len(s.stack) == 0 || s.stack[len(s.stack)-1] != t.Name {
		return invalidf("the SVG has an unexpected end tag </%s>; save it again from the drawing program", qualified(t.Name))
	}
	depth := len(s.stack)
	s.stack = s.stack[:depth-1]
	if depth == 1 {
		s.rootDone = true
	}

	switch {
	case s.skipping == depth:
		s.skipping = 0
	case s.skipping == 0:
		s.out.WriteString("</" + t.Name.Local + ">")
	}
	return nil
}

func (s *sanitizer) text(t xml.CharData) {
	if s.skipping > 0 || len(s.stack) == 0 {
		return
	}
	if s.stack[len(s.stack)-1].Local == "style" && unsafeCSS(string(t)) {
		s.removed = append(s.removed, "style sheet with an external reference or script")
		return
	}
	escape(&s.out, string(t))
}

// attributes returns the attributes of t to keep, recording the others.
// On the root it ensures the SVG namespace declaration.
func (s *sanitizer) attributes(t xml.StartElement, root bool) ([]xml.Attr, error) {
	var kept []xml.Attr
	seen := map[xml.Name]bool{}
	hasNamespace := false
	for _, a := range t.Attr {
		if seen[a.Name] {
			s.removed = append(s.removed, fmt.Sprintf("repeated attribute %s on <%s>", qualified(a.Name), t.Name.Local))
			continue
		}
		seen[a.Name] = true

		if a.Name.Space == "" && a.Name.Local == "xmlns" {
			if a.Value != svgNamespace {
				return nil, invalidf("the SVG declares the namespace %q; an SVG image uses %q", a.Value, svgNamespace)
			}
			hasNamespace = true
			kept = append(kept, a)
			continue
		}
		if reason := s.attributeProblem(t.Name.Local, a); reason != "" {
			s.removed = append(s.removed, fmt.Sprintf("attribute %s on <%s> (%s)", qualified(a.Name), t.Name.Local, reason))
			continue
		}
		kept = append(kept, a)
	}
	if root && !hasNamespace {
		kept = append([]xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: svgNamespace}}, kept...)
	}
	return kept, nil
}

// attributeProblem returns why attribute a of element must go, or "".
func (s *sanitizer) attributeProblem(element string, a xml.Attr) string {
	switch a.Name.Space {
	case "":
	case "xmlns":
		if a.Name.Local == "xlink" && a.Value == xlinkNamespace {
			return ""
		}
		return "namespace of another vocabulary"
	case "xml":
		if a.Name.Local == "space" || a.Name.Local == "lang" {
			return ""
		}
		return "unknown xml: attribute"
	case "xlink":
		if a.Name.Local != "href" && a.Name.Local != "title" {
			return "link attribute"
		}
	default:
		return "attribute of another vocabulary"
	}

	name := strings.ToLower(a.Name.Local)
	value := strings.ToLower(invisible.ReplaceAllString(a.Value, ""))
	switch {
	case strings.HasPrefix(name, "on"):
		return "event handler"
	case name == "href":
		if strings.HasPrefix(value, "#") || element == "image" && dataImage.MatchString(value) {
			return ""
		}
		return "reference outside the image"
	case strings.Contains(value, "javascript:") || strings.Contains(value, "vbscript:"):
		return "script URL"
	case name == "style" && unsafeCSS(a.Value):
		return "style with an external reference or script"
	case externalURL(a.Value):
		return "reference outside the image"
	}
	return ""
}

// unsafeCSS reports whether CSS text could load a resource or run script.
func unsafeCSS(css string) bool {
	lower := strings.ToLower(invisible.ReplaceAllString(css, ""))
	if strings.Contains(lower, "@import") || strings.Contains(lower, "expression(") ||
		strings.Contains(lower, "javascript:") || strings.Contains(lower, "\\") {
		// A backslash escape could spell any of these words in CSS.
		return true
	}
	return externalURL(css)
}

// externalURL reports whether v holds a url(…) that is not a fragment of
// this image.
func externalURL(v string) bool {
	for _, m := range urlRef.FindAllStringSubmatch(v, -1) {
		if !strings.HasPrefix(strings.TrimSpace(m[1]), "#") {
			return true
		}
	}
	return false
}

func qualified(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// escape writes v escaped for XML text and double-quoted attributes.
func escape(b *bytes.Buffer, v string) {
	// bytes.Buffer never fails to write.
	_ = xml.EscapeText(b, []byte(v))
}

// cut shortens s to n characters for a message.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
