package svgraster

import (
	"context"
	"fmt"
	"math"

	"github.com/srwiley/rasterx"
	"golang.org/x/image/math/fixed"
)

// Limits of one drawing. Together with the element limits of the tree
// they bound its time and memory whatever the input.
const (
	// coversPerImage bounds the work of one drawing, counted in edge
	// crossings and covered pixels, at this many times the pixels of the
	// image: filling the whole image takes a little more than one.
	coversPerImage = 100
	// maxDrawnElements bounds the elements drawn, each <use> copy
	// counted, so that <use> cannot multiply empty elements without bound.
	maxDrawnElements = 100_000
	maxUseDepth      = 16
	// maxLayers bounds nested groups with opacity, each of which needs
	// an image of its own.
	maxLayers = 8
)

// canvas holds premultiplied RGBA pixels in 0…1.
type canvas struct {
	width, height int
	pix           []float32
}

func newCanvas(w, h int) *canvas { return &canvas{width: w, height: h, pix: make([]float32, 4*w*h)} }

type renderer struct {
	ctx      context.Context
	doc      *document
	layers   []*canvas
	budget   int64   // work left, see coversPerImage
	elements int     // elements drawn so far
	viewW    float64 // viewport size in user units, the base of percentages
	viewH    float64
	useStack []*node
	poly     polygon
	dasher   *rasterx.Dasher
}

func (r *renderer) top() *canvas { return r.layers[len(r.layers)-1] }

// countElement counts one element drawn and checks the limits.
func (r *renderer) countElement() error {
	r.elements++
	if r.elements > maxDrawnElements || r.budget < 0 {
		return errTooComplex
	}
	return r.ctx.Err()
}

// notRendered are elements that are never drawn where they stand: they
// are definitions, metadata, or used only by reference.
var notRendered = map[string]bool{
	"defs": true, "title": true, "desc": true, "metadata": true, "style": true,
	"linearGradient": true, "radialGradient": true, "stop": true, "symbol": true,
	"clipPath": true, "mask": true, "marker": true, "pattern": true, "filter": true,
}

// unsupportedElements are drawn by browsers but not here, with the fix
// to suggest.
var unsupportedElements = map[string]string{
	"text":          "convert the text to paths in the drawing program (Inkscape: Path > Object to Path; Illustrator: Type > Create Outlines)",
	"tspan":         "convert the text to paths in the drawing program",
	"textPath":      "convert the text to paths in the drawing program",
	"image":         "draw the embedded picture with shapes instead",
	"switch":        "remove the <switch> element and keep the drawing it shows",
	"foreignObject": "remove the embedded HTML",
	"svg":           "ungroup the nested <svg> element in the drawing program",
}

func (r *renderer) drawChildren(n *node, s style, ctm matrix) error {
	for _, c := range n.children {
		if err := r.drawNode(c, s, ctm); err != nil {
			return err
		}
	}
	return nil
}

func (r *renderer) drawNode(n *node, parent style, ctm matrix) error {
	if notRendered[n.name] {
		return nil
	}
	if fix, ok := unsupportedElements[n.name]; ok {
		return unsupported("<"+n.name+">", fix)
	}
	if err := r.countElement(); err != nil {
		return err
	}

	s, err := r.doc.computeStyle(n, parent)
	if err != nil {
		return err
	}
	if !s.display {
		return nil
	}
	if p := s.unsupportedReference(); p != "" {
		return unsupported("the "+p+" property on <"+n.name+">", "remove the effect in the drawing program")
	}
	if v, ok := n.attr("transform"); ok {
		// Browsers draw an element whose transform is invalid without it.
		if t, err := parseTransform(v); err == nil {
			ctm = ctm.mul(t)
		}
	}

	if s.opacity < 1 {
		if len(r.layers) > maxLayers {
			return unsupported(fmt.Sprintf("groups with opacity nested more than %d deep", maxLayers), "merge some of the groups")
		}
		if s.opacity == 0 {
			return nil
		}
		r.layers = append(r.layers, newCanvas(r.top().width, r.top().height))
		defer r.popLayer(s.opacity)
	}

	switch n.name {
	case "g", "a":
		return r.drawChildren(n, s, ctm)
	case "use":
		return r.drawUse(n, s, ctm)
	case "path", "rect", "circle", "ellipse", "line", "polyline", "polygon":
		return r.drawShape(n, s, ctm)
	}
	// Browsers draw nothing for elements they do not know.
	return nil
}

// drawRoot draws the root <svg> element, whose own style and children
// are drawn like a group's.
func (r *renderer) drawRoot(ctm matrix) error {
	root := r.doc.root
	s, err := r.doc.computeStyle(root, initialStyle())
	if err != nil {
		return err
	}
	if !s.display {
		return nil
	}
	if p := s.unsupportedReference(); p != "" {
		return unsupported("the "+p+" property on <svg>", "remove the effect in the drawing program")
	}
	if s.opacity < 1 {
		r.layers = append(r.layers, newCanvas(r.top().width, r.top().height))
		defer r.popLayer(s.opacity)
	}
	return r.drawChildren(root, s, ctm)
}

func (r *renderer) popLayer(opacity float64) {
	layer := r.top()
	r.layers = r.layers[:len(r.layers)-1]
	dst := r.top()
	op := float32(opacity)
	for i := 0; i < len(layer.pix); i += 4 {
		a := layer.pix[i+3] * op
		if a == 0 {
			continue
		}
		k := 1 - a
		dst.pix[i] = layer.pix[i]*op + dst.pix[i]*k
		dst.pix[i+1] = layer.pix[i+1]*op + dst.pix[i+1]*k
		dst.pix[i+2] = layer.pix[i+2]*op + dst.pix[i+2]*k
		dst.pix[i+3] = a + dst.pix[i+3]*k
	}
}

// drawUse draws the element that a <use> names, moved by its x and y.
func (r *renderer) drawUse(n *node, s style, ctm matrix) error {
	href := n.href()
	if len(href) < 2 || href[0] != '#' {
		return nil
	}
	target := r.doc.ids[href[1:]]
	if target == nil {
		return nil
	}
	switch target.name {
	case "symbol", "svg":
		return unsupported("<use> of a <"+target.name+">", "replace it by a copy of the drawing (Inkscape: Edit > Clone > Unlink Clone)")
	}
	for _, u := range r.useStack {
		if u == target {
			return nil // a reference cycle, which browsers draw as nothing
		}
	}
	if len(r.useStack) >= maxUseDepth {
		return unsupported(fmt.Sprintf("<use> nested more than %d deep", maxUseDepth), "replace some of the <use> elements by copies")
	}

	x := attrLength(n, "x", length{}).resolve(r.viewW)
	y := attrLength(n, "y", length{}).resolve(r.viewH)
	r.useStack = append(r.useStack, target)
	defer func() { r.useStack = r.useStack[:len(r.useStack)-1] }()
	return r.drawNode(target, s, ctm.mul(translate(x, y)))
}

func (r *renderer) drawShape(n *node, s style, ctm matrix) error {
	p := r.shapePath(n)
	r.budget -= int64(len(p))
	if r.budget < 0 {
		return errTooComplex
	}
	if len(p) == 0 || s.hidden {
		return nil
	}

	fill, err := r.paintOf(s.fill, s, s.fillOpacity, p, ctm)
	if err != nil {
		return err
	}
	if fill != nil {
		if err := r.fillPath(p, ctm, s.evenOdd, fill); err != nil {
			return err
		}
	}

	stroke, err := r.paintOf(s.stroke, s, s.strokeOpacity, p, ctm)
	if err != nil {
		return err
	}
	if stroke != nil {
		return r.strokePath(p, ctm, s, stroke)
	}
	return nil
}

// shapePath returns the outline of a basic shape or path in user units.
func (r *renderer) shapePath(n *node) path {
	diag := math.Sqrt((r.viewW*r.viewW + r.viewH*r.viewH) / 2)
	x := func(name string) float64 { return attrLength(n, name, length{}).resolve(r.viewW) }
	y := func(name string) float64 { return attrLength(n, name, length{}).resolve(r.viewH) }
	var p path
	switch n.name {
	case "path":
		return parsePathData(n.attrs["d"])
	case "rect":
		return rectPath(n, x("x"), y("y"), x("width"), y("height"), r.viewW, r.viewH)
	case "circle":
		rad := attrLength(n, "r", length{}).resolve(diag)
		if rad > 0 {
			p.ellipse(x("cx"), y("cy"), rad, rad)
		}
	case "ellipse":
		rx, okX := autoLength(n, "rx", r.viewW)
		ry, okY := autoLength(n, "ry", r.viewH)
		if !okX {
			rx = ry
		}
		if !okY {
			ry = rx
		}
		if rx > 0 && ry > 0 {
			p.ellipse(x("cx"), y("cy"), rx, ry)
		}
	case "line":
		p.moveTo(x("x1"), y("y1"))
		p.lineTo(x("x2"), y("y2"))
	case "polyline", "polygon":
		pts, _ := parseNumbers(n.attrs["points"])
		for i := 0; i+1 < len(pts); i += 2 {
			if i == 0 {
				p.moveTo(pts[0], pts[1])
			} else {
				p.lineTo(pts[i], pts[i+1])
			}
		}
		if n.name == "polygon" && len(p) > 0 {
			p.close()
		}
	}
	return p
}

// autoLength reads rx or ry, which may be "auto" or missing; ok is false
// then.
func autoLength(n *node, name string, base float64) (float64, bool) {
	v, ok := n.attrs[name]
	if !ok {
		return 0, false
	}
	l, ok := parseLength(v)
	if !ok || l.value < 0 {
		return 0, false
	}
	return l.resolve(base), true
}

func rectPath(n *node, x, y, w, h, viewW, viewH float64) path {
	var p path
	if w <= 0 || h <= 0 {
		return p
	}
	rx, okX := autoLength(n, "rx", viewW)
	ry, okY := autoLength(n, "ry", viewH)
	if !okX {
		rx = ry
	}
	if !okY {
		ry = rx
	}
	rx, ry = math.Min(rx, w/2), math.Min(ry, h/2)
	if rx <= 0 || ry <= 0 {
		p.moveTo(x, y)
		p.lineTo(x+w, y)
		p.lineTo(x+w, y+h)
		p.lineTo(x, y+h)
		p.close()
		return p
	}
	// Quarter ellipses with the control point distance of a cubic arc.
	const k = 0.5522847498
	p.moveTo(x+rx, y)
	p.lineTo(x+w-rx, y)
	p.cubicTo(x+w-rx+k*rx, y, x+w, y+ry-k*ry, x+w, y+ry)
	p.lineTo(x+w, y+h-ry)
	p.cubicTo(x+w, y+h-ry+k*ry, x+w-rx+k*rx, y+h, x+w-rx, y+h)
	p.lineTo(x+rx, y+h)
	p.cubicTo(x+rx-k*rx, y+h, x, y+h-ry+k*ry, x, y+h-ry)
	p.lineTo(x, y+ry)
	p.cubicTo(x, y+ry-k*ry, x+rx-k*rx, y, x+rx, y)
	p.close()
	return p
}

// ellipse adds an ellipse drawn clockwise from its rightmost point, as
// SVG defines the shape, so that dashes start at the same place.
func (p *path) ellipse(cx, cy, rx, ry float64) {
	const k = 0.5522847498
	p.moveTo(cx+rx, cy)
	p.cubicTo(cx+rx, cy+k*ry, cx+k*rx, cy+ry, cx, cy+ry)
	p.cubicTo(cx-k*rx, cy+ry, cx-rx, cy+k*ry, cx-rx, cy)
	p.cubicTo(cx-rx, cy-k*ry, cx-k*rx, cy-ry, cx, cy-ry)
	p.cubicTo(cx+k*rx, cy-ry, cx+rx, cy-k*ry, cx+rx, cy)
	p.close()
}

func clampCoordinate(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return math.Max(-maxCoordinate, math.Min(maxCoordinate, v))
}

func device(ctm matrix, q point) point {
	x, y := ctm.apply(q.x, q.y)
	return point{clampCoordinate(x), clampCoordinate(y)}
}

// fillPath flattens p in device space into a polygon and paints it.
func (r *renderer) fillPath(p path, ctm matrix, evenOdd bool, pt paint) error {
	c := r.top()
	r.poly.Clear()
	r.poly.SetBounds(c.width, c.height)
	var cur point
	for _, s := range p {
		switch s.kind {
		case moveTo:
			cur = device(ctm, s.pts[0])
			r.poly.moveTo(cur)
		case lineTo:
			cur = device(ctm, s.pts[0])
			r.poly.lineTo(cur)
		case cubicTo:
			c1, c2, end := device(ctm, s.pts[0]), device(ctm, s.pts[1]), device(ctm, s.pts[2])
			flattenCubic(cur, c1, c2, end, r.poly.lineTo)
			cur = end
		case closePath:
			r.poly.closeOutline()
		}
		if r.budget < 0 {
			return errTooComplex
		}
	}
	return r.paintPolygon(evenOdd, pt)
}

// flattenCubic calls lineTo with points of the curve so that no chord
// strays more than about a tenth of a pixel from it.
func flattenCubic(p0, p1, p2, p3 point, lineTo func(point)) {
	dd := math.Max(
		math.Hypot(p0.x-2*p1.x+p2.x, p0.y-2*p1.y+p2.y),
		math.Hypot(p1.x-2*p2.x+p3.x, p1.y-2*p2.y+p3.y))
	n := int(math.Ceil(math.Sqrt(dd * 3 / (4 * 0.1))))
	n = max(1, min(n, 500))
	for i := 1; i <= n; i++ {
		lineTo(cubicAt(p0, p1, p2, p3, float64(i)/float64(n)))
	}
}

func (r *renderer) paintPolygon(evenOdd bool, pt paint) error {
	c := r.top()
	color, isSolid := pt.(solid)
	err := r.poly.rasterize(evenOdd, func(y, x0 int, cover []float32) {
		row := c.pix[4*(y*c.width+x0) : 4*(y*c.width+x0+len(cover))]
		for i, cv := range cover {
			if cv <= 0 {
				continue
			}
			cv = min(cv, 1)
			src := [4]float32(color)
			if !isSolid {
				src = pt.at(float64(x0+i)+0.5, float64(y)+0.5)
			}
			a := src[3] * cv
			if a == 0 {
				continue
			}
			k := 1 - a
			px := row[4*i : 4*i+4 : 4*i+4]
			px[0] = src[0]*cv + px[0]*k
			px[1] = src[1]*cv + px[1]*k
			px[2] = src[2]*cv + px[2]*k
			px[3] = a + px[3]*k
		}
	})
	if err != nil {
		return err
	}
	return r.ctx.Err()
}

// strokePath outlines p with rasterx in device space and paints the
// outline. The stroke width is scaled by the transform's mean scale.
// NOTE: under a non-uniform scale or a skew, browsers draw a stroke
// whose width varies with direction; here it keeps one width. And when
// a dash starts exactly at the end of an open path, rasterx draws its
// caps as a dot, which Chromium leaves out.
func (r *renderer) strokePath(p path, ctm matrix, s style, pt paint) error {
	diag := math.Sqrt((r.viewW*r.viewW + r.viewH*r.viewH) / 2)
	scale := ctm.scale()
	width := s.strokeWidth.resolve(diag) * scale
	if width <= 0 || !finite(width) {
		return nil
	}
	width = math.Min(width, maxCoordinate)

	var dashes []float64
	for _, d := range s.dashes {
		dashes = append(dashes, d.resolve(diag)*scale)
	}
	offset := s.dashOffset.resolve(diag) * scale
	if !finite(offset) {
		offset = 0
	}
	if len(dashes) > 0 && !r.affordDashes(p, ctm, dashes) {
		return errTooComplex
	}
	capFn, join, gap := strokeShape(s)

	c := r.top()
	r.poly.Clear()
	r.poly.SetBounds(c.width, c.height)
	if r.dasher == nil {
		r.dasher = rasterx.NewDasher(c.width, c.height, &r.poly)
	}
	d := r.dasher
	d.SetBounds(c.width, c.height)
	d.SetStroke(fixed.Int26_6(width*64), fixed.Int26_6(s.miterLimit*64), capFn, nil, gap, join, dashes, offset)

	open := false
	for _, seg := range p {
		switch seg.kind {
		case moveTo:
			if open {
				d.Stop(false)
			}
			d.Start(toFixed(device(ctm, seg.pts[0])))
			open = true
		case lineTo:
			d.Line(toFixed(device(ctm, seg.pts[0])))
		case cubicTo:
			d.CubeBezier(toFixed(device(ctm, seg.pts[0])), toFixed(device(ctm, seg.pts[1])), toFixed(device(ctm, seg.pts[2])))
		case closePath:
			if open {
				d.Stop(true)
				open = false
			}
		}
		if r.budget < 0 {
			return errTooComplex
		}
	}
	if open {
		d.Stop(false)
	}
	d.Draw()
	return r.paintPolygon(false, pt)
}

// affordDashes reports whether the dashes of p fit in the work budget,
// before rasterx makes them: a long path with tiny dashes would otherwise
// make millions of them within one segment. The length of the control
// polygon, in device pixels, bounds the length of the path.
func (r *renderer) affordDashes(p path, ctm matrix, dashes []float64) bool {
	pattern := 0.0
	for _, d := range dashes {
		pattern += math.Max(d, 1.0/64) // rasterx's fixed point has 1/64-pixel steps
	}
	var length float64
	var cur, start point
	for _, seg := range p {
		n := 1
		switch seg.kind {
		case closePath:
			length += math.Hypot(start.x-cur.x, start.y-cur.y)
			cur = start
			continue
		case cubicTo:
			n = 3
		}
		for _, q := range seg.pts[:n] {
			d := device(ctm, q)
			if seg.kind != moveTo {
				length += math.Hypot(d.x-cur.x, d.y-cur.y)
			}
			cur = d
		}
		if seg.kind == moveTo {
			start = cur
		}
	}
	dashCount := length / pattern * float64(len(dashes))
	return dashCount < float64(r.budget)/8 // a dash makes several edges
}

func toFixed(q point) fixed.Point26_6 {
	return fixed.Point26_6{X: fixed.Int26_6(math.Round(q.x * 64)), Y: fixed.Int26_6(math.Round(q.y * 64))}
}

func strokeShape(s style) (rasterx.CapFunc, rasterx.JoinMode, rasterx.GapFunc) {
	capFn := rasterx.ButtCap
	switch s.lineCap {
	case "round":
		capFn = rasterx.RoundCap
	case "square":
		capFn = rasterx.SquareCap
	}
	switch s.lineJoin {
	case "round":
		return capFn, rasterx.Round, rasterx.RoundGap
	case "bevel":
		return capFn, rasterx.Bevel, rasterx.FlatGap
	case "miter-clip":
		return capFn, rasterx.MiterClip, rasterx.FlatGap
	case "arcs":
		return capFn, rasterx.Arc, rasterx.FlatGap
	}
	// SVG's miter falls back to a bevel past the miter limit.
	return capFn, rasterx.Miter, rasterx.FlatGap
}
