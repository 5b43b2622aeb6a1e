package svgraster

import (
	"math"
	"strings"
)

// paint returns the premultiplied colour of a device pixel centre.
type paint interface {
	at(x, y float64) [4]float32
}

type solid [4]float32

func (s solid) at(float64, float64) [4]float32 { return s }

func premultiply(c rgba, opacity float64) [4]float32 {
	a := c.a * opacity
	return [4]float32{float32(c.r * a), float32(c.g * a), float32(c.b * a), float32(a)}
}

type gradientStop struct {
	offset float64
	color  rgba // straight alpha, stop-opacity applied
}

// gradient is a linear or radial gradient mapped to device space.
type gradient struct {
	radial  bool
	inverse matrix // device space to gradient space
	// Linear: from (x1, y1) to (x2, y2). Radial: centre (x1, y1),
	// radius r, focus (x2, y2).
	x1, y1, x2, y2, r float64
	spread            string
	stops             []gradientStop
	opacity           float64
}

func (g *gradient) at(x, y float64) [4]float32 {
	gx, gy := g.inverse.apply(x, y)
	var t float64
	if g.radial {
		t = g.radialOffset(gx, gy)
	} else {
		dx, dy := g.x2-g.x1, g.y2-g.y1
		t = ((gx-g.x1)*dx + (gy-g.y1)*dy) / (dx*dx + dy*dy)
	}
	return premultiply(g.colorAt(spreadOffset(t, g.spread)), g.opacity)
}

// radialOffset solves for the circle, between the focus (t = 0) and the
// outer circle (t = 1), that passes through (x, y).
func (g *gradient) radialOffset(x, y float64) float64 {
	fx, fy := g.x2, g.y2
	ex, ey := g.x1-fx, g.y1-fy
	dx, dy := x-fx, y-fy
	a := ex*ex + ey*ey - g.r*g.r
	b := -2 * (dx*ex + dy*ey)
	c := dx*dx + dy*dy
	if math.Abs(a) < 1e-12 {
		if b == 0 {
			return 0
		}
		return -c / b
	}
	disc := b*b - 4*a*c
	if disc < 0 {
		return 0
	}
	sq := math.Sqrt(disc)
	return math.Max((-b+sq)/(2*a), (-b-sq)/(2*a))
}

func spreadOffset(t float64, spread string) float64 {
	switch spread {
	case "repeat":
		return t - math.Floor(t)
	case "reflect":
		t = math.Mod(math.Abs(t), 2)
		if t > 1 {
			t = 2 - t
		}
		return t
	}
	return clamp01(t)
}

// colorAt interpolates between stops in straight alpha, as browsers do
// for SVG gradients.
func (g *gradient) colorAt(t float64) rgba {
	s := g.stops
	if t <= s[0].offset {
		return s[0].color
	}
	for i := 1; i < len(s); i++ {
		if t <= s[i].offset {
			span := s[i].offset - s[i-1].offset
			if span <= 0 {
				return s[i].color
			}
			u := (t - s[i-1].offset) / span
			a, b := s[i-1].color, s[i].color
			return rgba{a.r + (b.r-a.r)*u, a.g + (b.g-a.g)*u, a.b + (b.b-a.b)*u, a.a + (b.a-a.a)*u}
		}
	}
	return s[len(s)-1].color
}

// gradientAttrs are the attributes a gradient may take from the one its
// href names.
var gradientAttrs = []string{"x1", "y1", "x2", "y2", "cx", "cy", "r", "fx", "fy", "gradientUnits", "gradientTransform", "spreadMethod"}

// resolvedGradient is a gradient element with the attributes and stops
// it inherits through href.
type resolvedGradient struct {
	radial bool
	attrs  map[string]string
	stops  []*node
}

func (doc *document) resolveGradient(n *node) resolvedGradient {
	rg := resolvedGradient{radial: n.name == "radialGradient", attrs: map[string]string{}}
	seen := map[*node]bool{}
	for cur := n; cur != nil && !seen[cur] && len(seen) < 16; {
		seen[cur] = true
		if cur.name == "linearGradient" || cur.name == "radialGradient" {
			for _, a := range gradientAttrs {
				if _, ok := rg.attrs[a]; !ok {
					if v, ok := cur.attrs[a]; ok {
						rg.attrs[a] = v
					}
				}
			}
			if rg.stops == nil {
				for _, c := range cur.children {
					if c.name == "stop" {
						rg.stops = append(rg.stops, c)
					}
				}
			}
		}
		href := cur.href()
		if !strings.HasPrefix(href, "#") {
			break
		}
		cur = doc.ids[href[1:]]
	}
	return rg
}

// gradientAttr reads a gradient coordinate: in objectBoundingBox units a
// fraction or a percentage of the box, otherwise a user-space length
// whose percentages refer to the viewport.
func gradientAttr(rg resolvedGradient, name, def string, bbox bool, base float64) float64 {
	v, ok := rg.attrs[name]
	if !ok {
		v = def
	}
	l, ok := parseLength(v)
	if !ok {
		l, _ = parseLength(def)
	}
	if bbox {
		if l.percent {
			return l.value / 100
		}
		return l.value
	}
	return l.resolve(base)
}

// paintOf returns the paint of a fill or stroke, or nil for none.
// Gradients in objectBoundingBox units use the box of p.
func (r *renderer) paintOf(spec paintSpec, s style, opacity float64, p path, ctm matrix) (paint, error) {
	switch {
	case spec.none:
		return nil, nil
	case spec.currentColor:
		return solid(premultiply(s.color, opacity)), nil
	case spec.ref == "":
		return solid(premultiply(spec.color, opacity)), nil
	}

	target := r.doc.ids[spec.ref]
	if target == nil || target.name != "linearGradient" && target.name != "radialGradient" {
		if target != nil && target.name == "pattern" {
			return nil, unsupported("a <pattern> fill", "replace it by the shapes it repeats")
		}
		// A reference to nothing paints the fallback, or nothing at all.
		if spec.fallback != nil {
			return r.paintOf(*spec.fallback, s, opacity, p, ctm)
		}
		return nil, nil
	}
	return r.gradientPaint(target, opacity, p, ctm)
}

func (r *renderer) gradientPaint(n *node, opacity float64, p path, ctm matrix) (paint, error) {
	rg := r.doc.resolveGradient(n)
	stops, err := r.gradientStops(rg)
	if err != nil || len(stops) == 0 {
		return nil, err
	}
	if len(stops) == 1 {
		return solid(premultiply(stops[0].color, opacity)), nil
	}

	bbox := rg.attrs["gradientUnits"] != "userSpaceOnUse"
	space := ctm
	if bbox {
		x0, y0, x1, y1, ok := p.tightBounds()
		if !ok || x1 <= x0 || y1 <= y0 {
			return nil, nil // a box without area paints nothing
		}
		space = space.mul(matrix{a: x1 - x0, d: y1 - y0, e: x0, f: y0})
	}
	if v, ok := rg.attrs["gradientTransform"]; ok {
		if t, err := parseTransform(v); err == nil {
			space = space.mul(t)
		}
	}
	inverse, ok := space.invert()
	if !ok {
		return solid(premultiply(stops[len(stops)-1].color, opacity)), nil
	}

	g := &gradient{radial: rg.radial, inverse: inverse, spread: rg.attrs["spreadMethod"], stops: stops, opacity: opacity}
	diag := math.Sqrt((r.viewW*r.viewW + r.viewH*r.viewH) / 2)
	if !rg.radial {
		g.x1 = gradientAttr(rg, "x1", "0%", bbox, r.viewW)
		g.y1 = gradientAttr(rg, "y1", "0%", bbox, r.viewH)
		g.x2 = gradientAttr(rg, "x2", "100%", bbox, r.viewW)
		g.y2 = gradientAttr(rg, "y2", "0%", bbox, r.viewH)
		if g.x1 == g.x2 && g.y1 == g.y2 {
			return solid(premultiply(stops[len(stops)-1].color, opacity)), nil
		}
		return g, nil
	}

	g.x1 = gradientAttr(rg, "cx", "50%", bbox, r.viewW)
	g.y1 = gradientAttr(rg, "cy", "50%", bbox, r.viewH)
	g.r = gradientAttr(rg, "r", "50%", bbox, diag)
	g.x2, g.y2 = g.x1, g.y1
	if _, ok := rg.attrs["fx"]; ok {
		g.x2 = gradientAttr(rg, "fx", "50%", bbox, r.viewW)
	}
	if _, ok := rg.attrs["fy"]; ok {
		g.y2 = gradientAttr(rg, "fy", "50%", bbox, r.viewH)
	}
	if g.r <= 0 {
		return solid(premultiply(stops[len(stops)-1].color, opacity)), nil
	}
	// As in SVG 1.1, a focus outside the circle moves onto its edge.
	if d := math.Hypot(g.x2-g.x1, g.y2-g.y1); d > g.r*0.999 {
		k := g.r * 0.999 / d
		g.x2, g.y2 = g.x1+(g.x2-g.x1)*k, g.y1+(g.y2-g.y1)*k
	}
	return g, nil
}

// gradientStops reads the stops with their own style: stop-color and
// stop-opacity, each offset at least the one before.
func (r *renderer) gradientStops(rg resolvedGradient) ([]gradientStop, error) {
	var out []gradientStop
	last := 0.0
	for _, n := range rg.stops {
		parent, err := r.doc.styleOfParent(n)
		if err != nil {
			return nil, err
		}
		st, err := r.doc.computeStyle(n, parent)
		if err != nil {
			return nil, err
		}
		offset := 0.0
		if v, ok := n.attrs["offset"]; ok {
			if l, ok := parseLength(v); ok {
				offset = l.value
				if l.percent {
					offset /= 100
				}
			}
		}
		offset = math.Max(clamp01(offset), last)
		last = offset

		c := st.stopColor.color
		if st.stopColor.currentColor {
			c = st.color
		}
		if st.stopColor.none || st.stopColor.ref != "" {
			c = rgba{}
		}
		c.a *= st.stopOpacity
		out = append(out, gradientStop{offset: offset, color: c})
	}
	return out, nil
}

// styleOfParent returns the computed style of n's parent, which a stop
// inherits its color property from.
func (doc *document) styleOfParent(n *node) (style, error) {
	var chain []*node
	for a := n.parent; a != nil; a = a.parent {
		chain = append(chain, a)
	}
	s := initialStyle()
	for i := len(chain) - 1; i >= 0; i-- {
		var err error
		if s, err = doc.computeStyle(chain[i], s); err != nil {
			return s, err
		}
	}
	return s, nil
}
