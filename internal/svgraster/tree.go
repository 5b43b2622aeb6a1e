package svgraster

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Limits of the document tree. They match the upload sanitizer of
// package badgeimage, so that every stored image can be read here.
const (
	maxDepth    = 64
	maxElements = 20000
)

// node is one SVG element with its attributes by local name.
type node struct {
	name     string
	attrs    map[string]string
	children []*node
	parent   *node
	text     strings.Builder // character data, read for <style> only
}

func (n *node) attr(name string) (string, bool) {
	v, ok := n.attrs[name]
	return v, ok
}

// href returns the element's href or xlink:href.
func (n *node) href() string {
	if v, ok := n.attrs["href"]; ok {
		return strings.TrimSpace(v)
	}
	return strings.TrimSpace(n.attrs["xlink:href"])
}

// document is a parsed SVG file.
type document struct {
	root  *node
	ids   map[string]*node
	rules []cssRule
}

// parseDocument reads data into a tree. Elements of other namespaces are
// dropped with their content, as a browser ignores them.
func parseDocument(data []byte) (*document, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	doc := &document{ids: map[string]*node{}}

	var stack []*node
	skip := 0 // depth of a foreign element whose content is dropped
	elements := 0
	rootSpace := ""
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("the SVG is not well-formed XML: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			elements++
			if elements > maxElements || len(stack)+skip >= maxDepth {
				return nil, fmt.Errorf("the SVG has more than %d elements or nests them more than %d deep", maxElements, maxDepth)
			}
			if len(stack) == 0 && doc.root == nil {
				rootSpace = t.Name.Space
			}
			if skip > 0 || t.Name.Space != rootSpace || rootSpace != "" && rootSpace != svgNamespace {
				if len(stack) == 0 {
					return nil, fmt.Errorf("the root element is <%s>, not an SVG <svg>", t.Name.Local)
				}
				skip++
				continue
			}
			n := newNode(t)
			if len(stack) == 0 {
				if doc.root != nil || n.name != "svg" {
					return nil, fmt.Errorf("the root element is <%s>, not <svg>", n.name)
				}
				doc.root = n
			} else {
				parent := stack[len(stack)-1]
				n.parent = parent
				parent.children = append(parent.children, n)
			}
			if id, ok := n.attrs["id"]; ok {
				if _, dup := doc.ids[id]; !dup {
					doc.ids[id] = n
				}
			}
			stack = append(stack, n)
		case xml.EndElement:
			if skip > 0 {
				skip--
				continue
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if skip == 0 && len(stack) > 0 && stack[len(stack)-1].name == "style" {
				stack[len(stack)-1].text.Write(t)
			}
		}
	}
	if doc.root == nil {
		return nil, errors.New("the file contains no <svg> element")
	}

	if err := doc.collectRules(doc.root); err != nil {
		return nil, err
	}
	sort.SliceStable(doc.rules, func(i, j int) bool {
		return doc.rules[i].specificity < doc.rules[j].specificity
	})
	return doc, nil
}

const (
	svgNamespace   = "http://www.w3.org/2000/svg"
	xlinkNamespace = "http://www.w3.org/1999/xlink"
)

func newNode(t xml.StartElement) *node {
	n := &node{name: t.Name.Local, attrs: make(map[string]string, len(t.Attr))}
	for _, a := range t.Attr {
		switch a.Name.Space {
		case "":
			n.attrs[a.Name.Local] = a.Value
		case xlinkNamespace:
			n.attrs["xlink:"+a.Name.Local] = a.Value
		}
	}
	return n
}

// cssRule is one selector of a <style> sheet with its declarations.
type cssRule struct {
	sel          selector
	specificity  int
	order        int
	declarations []declaration
}

type declaration struct{ property, value string }

// selector is a compound selector of at most a type, a class and an id.
type selector struct{ element, class, id string }

func (s selector) matches(n *node) bool {
	if s.element != "" && s.element != "*" && s.element != n.name {
		return false
	}
	if s.id != "" && n.attrs["id"] != s.id {
		return false
	}
	if s.class != "" && !hasClass(n.attrs["class"], s.class) {
		return false
	}
	return true
}

func hasClass(list, class string) bool {
	for _, c := range strings.Fields(list) {
		if c == class {
			return true
		}
	}
	return false
}

// collectRules reads every <style> element of the document, in order.
func (doc *document) collectRules(n *node) error {
	if n.name == "style" {
		if err := doc.parseStyleSheet(n.text.String()); err != nil {
			return err
		}
	}
	for _, c := range n.children {
		if err := doc.collectRules(c); err != nil {
			return err
		}
	}
	return nil
}

// parseStyleSheet reads rules of simple selectors: an element name, a
// class, an id, or one of each, such as path.st0 or #logo. Other
// selectors and at-rules are unsupported, because getting them wrong
// would change colours without notice.
func (doc *document) parseStyleSheet(css string) error {
	css = stripComments(css)
	css = strings.ReplaceAll(css, "<![CDATA[", "")
	css = strings.ReplaceAll(css, "]]>", "")
	for {
		open := strings.IndexByte(css, '{')
		if open < 0 {
			if strings.TrimSpace(css) != "" {
				return unsupported(fmt.Sprintf("style sheet text %q outside a rule", cut(css, 40)), "remove that text")
			}
			return nil
		}
		end := strings.IndexByte(css[open:], '}')
		if end < 0 {
			return unsupported("a style sheet rule without a closing brace", "close the rule with }")
		}
		selectors, body := css[:open], css[open+1:open+end]
		css = css[open+end+1:]

		decls := parseDeclarations(body)
		for _, text := range strings.Split(selectors, ",") {
			sel, specificity, err := parseSelector(strings.TrimSpace(text))
			if err != nil {
				return err
			}
			doc.rules = append(doc.rules, cssRule{sel: sel, specificity: specificity, order: len(doc.rules), declarations: decls})
		}
	}
}

func parseSelector(text string) (selector, int, error) {
	var s selector
	if text == "" || strings.HasPrefix(text, "@") || strings.ContainsAny(text, " >+~:[()\t\n\r") {
		return s, 0, unsupported(fmt.Sprintf("the style sheet selector %q", cut(text, 40)), "use only element, .class and #id selectors, or set the style on the elements")
	}
	rest := text
	if i := strings.IndexAny(rest, ".#"); i != 0 {
		if i < 0 {
			i = len(rest)
		}
		s.element, rest = rest[:i], rest[i:]
	}
	for rest != "" {
		kind := rest[0]
		rest = rest[1:]
		i := strings.IndexAny(rest, ".#")
		if i < 0 {
			i = len(rest)
		}
		name := rest[:i]
		rest = rest[i:]
		switch {
		case name == "":
			return s, 0, unsupported(fmt.Sprintf("the style sheet selector %q", cut(text, 40)), "use only element, .class and #id selectors")
		case kind == '.' && s.class == "":
			s.class = name
		case kind == '#' && s.id == "":
			s.id = name
		default:
			return s, 0, unsupported(fmt.Sprintf("the style sheet selector %q", cut(text, 40)), "use at most one class and one id in a selector")
		}
	}
	specificity := 0
	if s.id != "" {
		specificity += 100
	}
	if s.class != "" {
		specificity += 10
	}
	if s.element != "" && s.element != "*" {
		specificity++
	}
	return s, specificity, nil
}

// parseDeclarations reads "property: value; …" as in a style attribute.
// A trailing !important is dropped: rules of simple selectors rarely need
// it, and style attributes still win over sheets.
func parseDeclarations(text string) []declaration {
	var out []declaration
	for _, part := range strings.Split(stripComments(text), ";") {
		k, v, ok := strings.Cut(part, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "!important"))
		out = append(out, declaration{property: strings.ToLower(strings.TrimSpace(k)), value: v})
	}
	return out
}

func stripComments(css string) string {
	for {
		i := strings.Index(css, "/*")
		if i < 0 {
			return css
		}
		j := strings.Index(css[i+2:], "*/")
		if j < 0 {
			return css[:i]
		}
		css = css[:i] + " " + css[i+2+j+2:]
	}
}

// cut shortens s to n characters for a message.
func cut(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
