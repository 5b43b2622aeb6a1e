package svgraster

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/image/colornames"
)

// rgba is a colour with straight (not premultiplied) components in 0…1.
type rgba struct{ r, g, b, a float64 }

// paintSpec is a fill or stroke value: none, a colour, currentColor, or a
// reference to a gradient with a fallback.
type paintSpec struct {
	none         bool
	currentColor bool
	color        rgba
	ref          string // id of a paint server, without "#"
	fallback     *paintSpec
}

// style is the computed value of every property that the renderer reads.
type style struct {
	fill, stroke                   paintSpec
	fillOpacity, strokeOpacity     float64
	evenOdd                        bool
	strokeWidth                    length
	lineCap, lineJoin              string
	miterLimit                     float64
	dashes                         []length
	dashOffset                     length
	color                          rgba
	hidden                         bool // visibility: hidden or collapse
	opacity                        float64
	display                        bool // false for display: none
	stopColor                      paintSpec
	stopOpacity                    float64
	clipPath, mask, filter         string
	markerStart, markerMid, marker string
}

func initialStyle() style {
	return style{
		fill:          paintSpec{color: rgba{a: 1}},
		stroke:        paintSpec{none: true},
		fillOpacity:   1,
		strokeOpacity: 1,
		strokeWidth:   length{value: 1},
		lineCap:       "butt",
		lineJoin:      "miter",
		miterLimit:    4,
		color:         rgba{a: 1},
		opacity:       1,
		display:       true,
		stopColor:     paintSpec{color: rgba{a: 1}},
		stopOpacity:   1,
		clipPath:      "none", mask: "none", filter: "none",
		markerStart: "none", markerMid: "none", marker: "none",
	}
}

// inherit returns the style a child starts from: the inherited
// properties of the parent and the initial value of the others.
func (s style) inherit() style {
	c := s
	init := initialStyle()
	c.opacity, c.display = init.opacity, init.display
	c.stopColor, c.stopOpacity = init.stopColor, init.stopOpacity
	c.clipPath, c.mask, c.filter = init.clipPath, init.mask, init.filter
	return c
}

// presentationProperties are the properties that may also be written as
// attributes.
var presentationProperties = map[string]bool{
	"fill": true, "fill-opacity": true, "fill-rule": true, "stroke": true, "stroke-width": true,
	"stroke-opacity": true, "stroke-linecap": true, "stroke-linejoin": true, "stroke-miterlimit": true,
	"stroke-dasharray": true, "stroke-dashoffset": true, "color": true, "visibility": true,
	"opacity": true, "display": true, "stop-color": true, "stop-opacity": true, "clip-path": true,
	"mask": true, "filter": true, "marker-start": true, "marker-mid": true, "marker-end": true, "marker": true,
}

// computeStyle applies, in order of precedence, the presentation
// attributes of n, the style sheet rules that match it and its style
// attribute to parent's inherited style.
func (doc *document) computeStyle(n *node, parent style) (style, error) {
	s := parent.inherit()
	for _, name := range sortedKeys(n.attrs) {
		if presentationProperties[name] {
			if err := s.set(name, n.attrs[name], parent); err != nil {
				return s, err
			}
		}
	}
	for _, r := range doc.rules {
		if !r.sel.matches(n) {
			continue
		}
		for _, d := range r.declarations {
			if err := s.set(d.property, d.value, parent); err != nil {
				return s, err
			}
		}
	}
	for _, d := range parseDeclarations(n.attrs["style"]) {
		if err := s.set(d.property, d.value, parent); err != nil {
			return s, err
		}
	}
	return s, nil
}

// set applies one declaration. It ignores unknown properties, such as
// those of fonts, because they do not change the drawing. It also
// ignores values that cannot be read, as browsers ignore invalid
// declarations.
func (s *style) set(property, value string, parent style) error {
	value = strings.TrimSpace(value)
	if value == "inherit" {
		s.inheritProperty(property, parent)
		return nil
	}
	switch property {
	case "fill", "stroke", "stop-color":
		p, ok := parsePaint(value)
		if !ok {
			return nil
		}
		switch property {
		case "fill":
			s.fill = p
		case "stroke":
			s.stroke = p
		default:
			s.stopColor = p
		}
	case "color":
		if p, ok := parsePaint(value); ok && !p.none && p.ref == "" {
			if p.currentColor {
				return nil
			}
			s.color = p.color
		}
	case "fill-opacity", "stroke-opacity", "opacity", "stop-opacity":
		v, ok := parseOpacity(value)
		if !ok {
			return nil
		}
		switch property {
		case "fill-opacity":
			s.fillOpacity = v
		case "stroke-opacity":
			s.strokeOpacity = v
		case "opacity":
			s.opacity = v
		default:
			s.stopOpacity = v
		}
	case "fill-rule":
		s.evenOdd = value == "evenodd"
	case "stroke-width":
		if l, ok := parseLength(value); ok && l.value >= 0 {
			s.strokeWidth = l
		}
	case "stroke-linecap":
		if value == "butt" || value == "round" || value == "square" {
			s.lineCap = value
		}
	case "stroke-linejoin":
		switch value {
		case "miter", "round", "bevel", "miter-clip", "arcs":
			s.lineJoin = value
		}
	case "stroke-miterlimit":
		if v, err := strconv.ParseFloat(value, 64); err == nil && v >= 1 {
			s.miterLimit = v
		}
	case "stroke-dasharray":
		s.dashes = parseDashes(value)
	case "stroke-dashoffset":
		if l, ok := parseLength(value); ok {
			s.dashOffset = l
		}
	case "visibility":
		s.hidden = value == "hidden" || value == "collapse"
	case "display":
		s.display = value != "none"
	case "clip-path":
		s.clipPath = value
	case "mask":
		s.mask = value
	case "filter":
		s.filter = value
	case "marker-start":
		s.markerStart = value
	case "marker-mid":
		s.markerMid = value
	case "marker-end":
		s.marker = value
	case "marker":
		s.markerStart, s.markerMid, s.marker = value, value, value
	}
	return nil
}

func (s *style) inheritProperty(property string, parent style) {
	switch property {
	case "fill":
		s.fill = parent.fill
	case "stroke":
		s.stroke = parent.stroke
	case "opacity":
		s.opacity = parent.opacity
	case "stop-color":
		s.stopColor = parent.stopColor
	case "stop-opacity":
		s.stopOpacity = parent.stopOpacity
	case "display":
		s.display = parent.display
	}
	// The other properties that the renderer reads are inherited by
	// default, so "inherit" leaves them as they are.
}

// unsupportedReference returns the first property that refers to an
// effect the renderer does not draw, such as clip-path: url(#c).
func (s style) unsupportedReference() string {
	for _, p := range []struct{ name, value string }{
		{"clip-path", s.clipPath}, {"mask", s.mask}, {"filter", s.filter},
		{"marker-start", s.markerStart}, {"marker-mid", s.markerMid}, {"marker-end", s.marker},
	} {
		if p.value != "" && p.value != "none" {
			return p.name
		}
	}
	return ""
}

func parsePaint(v string) (paintSpec, bool) {
	v = strings.TrimSpace(v)
	switch strings.ToLower(v) {
	case "none":
		return paintSpec{none: true}, true
	case "currentcolor":
		return paintSpec{currentColor: true}, true
	}
	if strings.HasPrefix(v, "url(") {
		end := strings.IndexByte(v, ')')
		if end < 0 {
			return paintSpec{}, false
		}
		ref := strings.Trim(strings.TrimSpace(v[4:end]), `'"`)
		if !strings.HasPrefix(ref, "#") {
			return paintSpec{}, false
		}
		p := paintSpec{ref: ref[1:]}
		if rest := strings.TrimSpace(v[end+1:]); rest != "" {
			if fb, ok := parsePaint(rest); ok && fb.ref == "" {
				p.fallback = &fb
			}
		}
		return p, true
	}
	c, ok := parseColor(v)
	return paintSpec{color: c}, ok
}

// parseColor reads the CSS colour forms that drawing programs write:
// names, #rgb, #rgba, #rrggbb, #rrggbbaa, rgb(), rgba(), hsl() and hsla().
func parseColor(v string) (rgba, bool) {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "transparent" {
		return rgba{}, true
	}
	if c, ok := colornames.Map[v]; ok {
		return rgba{float64(c.R) / 255, float64(c.G) / 255, float64(c.B) / 255, 1}, true
	}
	if strings.HasPrefix(v, "#") {
		return parseHexColor(v[1:])
	}
	open := strings.IndexByte(v, '(')
	if open < 0 || !strings.HasSuffix(v, ")") {
		return rgba{}, false
	}
	fn := v[:open]
	args := strings.FieldsFunc(v[open+1:len(v)-1], func(r rune) bool { return r == ',' || r == ' ' || r == '/' })
	if len(args) != 3 && len(args) != 4 {
		return rgba{}, false
	}
	alpha := 1.0
	if len(args) == 4 {
		a, ok := parseOpacity(args[3])
		if !ok {
			return rgba{}, false
		}
		alpha = a
	}
	switch fn {
	case "rgb", "rgba":
		var c [3]float64
		for i := range c {
			x, ok := parseChannel(args[i])
			if !ok {
				return rgba{}, false
			}
			c[i] = x
		}
		return rgba{c[0], c[1], c[2], alpha}, true
	case "hsl", "hsla":
		h, err := strconv.ParseFloat(strings.TrimSuffix(args[0], "deg"), 64)
		sat, ok1 := parsePercent(args[1])
		light, ok2 := parsePercent(args[2])
		if err != nil || !ok1 || !ok2 {
			return rgba{}, false
		}
		r, g, b := hslToRGB(h, sat, light)
		return rgba{r, g, b, alpha}, true
	}
	return rgba{}, false
}

func parseHexColor(h string) (rgba, bool) {
	if len(h) == 3 || len(h) == 4 {
		var long strings.Builder
		for _, c := range h {
			long.WriteRune(c)
			long.WriteRune(c)
		}
		h = long.String()
	}
	if len(h) != 6 && len(h) != 8 {
		return rgba{}, false
	}
	n, err := strconv.ParseUint(h, 16, 32)
	if err != nil {
		return rgba{}, false
	}
	if len(h) == 6 {
		n = n<<8 | 0xff
	}
	return rgba{float64(n>>24&0xff) / 255, float64(n>>16&0xff) / 255, float64(n>>8&0xff) / 255, float64(n&0xff) / 255}, true
}

func parseChannel(v string) (float64, bool) {
	if strings.HasSuffix(v, "%") {
		return parsePercent(v)
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(x) {
		return 0, false
	}
	return clamp01(x / 255), true
}

func parsePercent(v string) (float64, bool) {
	x, err := strconv.ParseFloat(strings.TrimSuffix(v, "%"), 64)
	if err != nil || math.IsNaN(x) {
		return 0, false
	}
	return clamp01(x / 100), true
}

// parseOpacity reads a number or a percentage, clamped to 0…1.
func parseOpacity(v string) (float64, bool) {
	v = strings.TrimSpace(v)
	if strings.HasSuffix(v, "%") {
		return parsePercent(v)
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil || math.IsNaN(x) {
		return 0, false
	}
	return clamp01(x), true
}

func hslToRGB(h, s, l float64) (float64, float64, float64) {
	h = math.Mod(h, 360)
	if h < 0 {
		h += 360
	}
	c := (1 - math.Abs(2*l-1)) * s
	x := c * (1 - math.Abs(math.Mod(h/60, 2)-1))
	m := l - c/2
	var r, g, b float64
	switch {
	case h < 60:
		r, g = c, x
	case h < 120:
		r, g = x, c
	case h < 180:
		g, b = c, x
	case h < 240:
		g, b = x, c
	case h < 300:
		r, b = x, c
	default:
		r, b = c, x
	}
	return r + m, g + m, b + m
}

func clamp01(x float64) float64 { return math.Max(0, math.Min(1, x)) }

// length is a number with its unit; percentages are kept apart because
// their base depends on where the length is used.
type length struct {
	value   float64
	percent bool
}

// unitPixels are the CSS pixels of one unit. Font-relative units take
// the CSS default font size of 16px, because badge images have no text.
var unitPixels = map[string]float64{
	"": 1, "px": 1, "pt": 96.0 / 72, "pc": 16, "in": 96, "cm": 96 / 2.54, "mm": 96 / 25.4,
	"q": 96 / 101.6, "em": 16, "rem": 16, "ex": 8,
}

func parseLength(v string) (length, bool) {
	v = strings.TrimSpace(v)
	if strings.HasSuffix(v, "%") {
		x, err := strconv.ParseFloat(v[:len(v)-1], 64)
		if err != nil || !finite(x) {
			return length{}, false
		}
		return length{value: x, percent: true}, true
	}
	i := len(v)
	for i > 0 && (v[i-1] >= 'a' && v[i-1] <= 'z' || v[i-1] >= 'A' && v[i-1] <= 'Z') {
		i--
	}
	scale, ok := unitPixels[strings.ToLower(v[i:])]
	if !ok {
		return length{}, false
	}
	x, err := strconv.ParseFloat(v[:i], 64)
	if err != nil || !finite(x) {
		return length{}, false
	}
	return length{value: x * scale}, true
}

// resolve returns the length in user units; base is what 100% is.
func (l length) resolve(base float64) float64 {
	if l.percent {
		return l.value / 100 * base
	}
	return l.value
}

func parseDashes(v string) []length {
	if strings.TrimSpace(v) == "none" {
		return nil
	}
	var out []length
	sum := 0.0
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		l, ok := parseLength(f)
		if !ok || l.value < 0 {
			return nil // an invalid list draws a solid line
		}
		out = append(out, l)
		sum += l.value
	}
	if sum == 0 {
		return nil
	}
	if len(out)%2 == 1 {
		out = append(out, out...)
	}
	return out
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// attrLength reads a geometry attribute; a missing or invalid one is
// def.
func attrLength(n *node, name string, def length) length {
	v, ok := n.attrs[name]
	if !ok {
		return def
	}
	l, ok := parseLength(v)
	if !ok {
		return def
	}
	return l
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Any fixed order does: each attribute names a different property.
	sort.Strings(keys)
	return keys
}

func (c rgba) String() string { return fmt.Sprintf("rgba(%.3f,%.3f,%.3f,%.3f)", c.r, c.g, c.b, c.a) }
