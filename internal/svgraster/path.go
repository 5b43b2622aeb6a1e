package svgraster

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// matrix is the affine transform [a c e; b d f; 0 0 1], as SVG writes it.
type matrix struct{ a, b, c, d, e, f float64 }

var identity = matrix{a: 1, d: 1}

// mul returns m·n: n is applied first.
func (m matrix) mul(n matrix) matrix {
	return matrix{
		a: m.a*n.a + m.c*n.b, b: m.b*n.a + m.d*n.b,
		c: m.a*n.c + m.c*n.d, d: m.b*n.c + m.d*n.d,
		e: m.a*n.e + m.c*n.f + m.e, f: m.b*n.e + m.d*n.f + m.f,
	}
}

func (m matrix) apply(x, y float64) (float64, float64) {
	return m.a*x + m.c*y + m.e, m.b*x + m.d*y + m.f
}

func (m matrix) invert() (matrix, bool) {
	det := m.a*m.d - m.b*m.c
	if det == 0 || !finite(det) {
		return matrix{}, false
	}
	return matrix{
		a: m.d / det, b: -m.b / det, c: -m.c / det, d: m.a / det,
		e: (m.c*m.f - m.d*m.e) / det, f: (m.b*m.e - m.a*m.f) / det,
	}, true
}

// scale returns the factor by which m scales lengths on average, the
// square root of its determinant: exact for rotations and uniform scales.
func (m matrix) scale() float64 { return math.Sqrt(math.Abs(m.a*m.d - m.b*m.c)) }

func translate(x, y float64) matrix { return matrix{a: 1, d: 1, e: x, f: y} }

// parseTransform reads a transform list such as
// "translate(10 20) rotate(45 5 5) scale(2)".
func parseTransform(v string) (matrix, error) {
	m := identity
	rest := strings.TrimSpace(v)
	for rest != "" {
		open := strings.IndexByte(rest, '(')
		end := strings.IndexByte(rest, ')')
		if open < 0 || end < open {
			return m, fmt.Errorf("invalid transform %q", cut(v, 60))
		}
		name := strings.TrimSpace(rest[:open])
		args, err := parseNumbers(rest[open+1 : end])
		if err != nil {
			return m, fmt.Errorf("invalid transform %q: %w", cut(v, 60), err)
		}
		rest = strings.TrimLeft(rest[end+1:], " \t\r\n,")

		t, ok := transformOf(name, args)
		if !ok {
			return m, fmt.Errorf("invalid transform %s with %d numbers", name, len(args))
		}
		m = m.mul(t)
	}
	return m, nil
}

func transformOf(name string, a []float64) (matrix, bool) {
	switch {
	case name == "matrix" && len(a) == 6:
		return matrix{a[0], a[1], a[2], a[3], a[4], a[5]}, true
	case name == "translate" && len(a) == 1:
		return translate(a[0], 0), true
	case name == "translate" && len(a) == 2:
		return translate(a[0], a[1]), true
	case name == "scale" && len(a) == 1:
		return matrix{a: a[0], d: a[0]}, true
	case name == "scale" && len(a) == 2:
		return matrix{a: a[0], d: a[1]}, true
	case name == "rotate" && (len(a) == 1 || len(a) == 3):
		s, c := math.Sincos(a[0] * math.Pi / 180)
		r := matrix{a: c, b: s, c: -s, d: c}
		if len(a) == 3 {
			r = translate(a[1], a[2]).mul(r).mul(translate(-a[1], -a[2]))
		}
		return r, true
	case name == "skewX" && len(a) == 1:
		return matrix{a: 1, c: math.Tan(a[0] * math.Pi / 180), d: 1}, true
	case name == "skewY" && len(a) == 1:
		return matrix{a: 1, b: math.Tan(a[0] * math.Pi / 180), d: 1}, true
	}
	return matrix{}, false
}

// parseNumbers reads numbers separated by white space or commas.
func parseNumbers(s string) ([]float64, error) {
	sc := numberScanner{s: s}
	var out []float64
	for {
		sc.skipSeparators()
		if sc.done() {
			return out, nil
		}
		x, err := sc.number()
		if err != nil {
			return nil, err
		}
		out = append(out, x)
	}
}

// segment kinds of a path.
const (
	moveTo = iota
	lineTo
	cubicTo
	closePath
)

// segment is one command of a path in absolute user coordinates; pts
// holds the end point last, after the control points of a curve.
type segment struct {
	kind int
	pts  [3]point
}

type point struct{ x, y float64 }

type path []segment

func (p *path) moveTo(x, y float64) { *p = append(*p, segment{kind: moveTo, pts: [3]point{{x, y}}}) }
func (p *path) lineTo(x, y float64) { *p = append(*p, segment{kind: lineTo, pts: [3]point{{x, y}}}) }
func (p *path) close()              { *p = append(*p, segment{kind: closePath}) }
func (p *path) cubicTo(x1, y1, x2, y2, x, y float64) {
	*p = append(*p, segment{kind: cubicTo, pts: [3]point{{x1, y1}, {x2, y2}, {x, y}}})
}

// maxPathSegments bounds the segments of one path, arcs included.
const maxPathSegments = 200000

// parsePathData reads the d attribute of a <path>. The SVG specification
// requires a path with an error to be drawn up to the last complete
// command, and so it returns the commands before the first error.
func parsePathData(d string) path {
	sc := numberScanner{s: d}
	var p path
	var cur, start, ctrl point
	var cmd, last byte
	for len(p) < maxPathSegments {
		sc.skipSpace()
		if sc.done() {
			break
		}
		if c := sc.s[sc.i]; isCommand(c) {
			cmd = c
			sc.i++
		} else if cmd == 0 || cmd == 'z' || cmd == 'Z' {
			break
		}
		rel := cmd >= 'a'
		base := point{}
		if rel {
			base = cur
		}

		var n []float64
		if arity := commandArity(cmd); arity > 0 {
			var ok bool
			if n, ok = sc.args(cmd, arity); !ok {
				break
			}
		}
		switch cmd | 0x20 { // lower case
		case 'm':
			cur = point{base.x + n[0], base.y + n[1]}
			start = cur
			p.moveTo(cur.x, cur.y)
			// Further pairs after a moveto are implicit linetos.
			if cmd == 'm' {
				cmd = 'l'
			} else {
				cmd = 'L'
			}
		case 'l':
			cur = point{base.x + n[0], base.y + n[1]}
			p.lineTo(cur.x, cur.y)
		case 'h':
			cur.x = base.x + n[0]
			if !rel {
				cur.x = n[0]
			}
			p.lineTo(cur.x, cur.y)
		case 'v':
			cur.y = base.y + n[0]
			if !rel {
				cur.y = n[0]
			}
			p.lineTo(cur.x, cur.y)
		case 'c':
			c1 := point{base.x + n[0], base.y + n[1]}
			ctrl = point{base.x + n[2], base.y + n[3]}
			cur = point{base.x + n[4], base.y + n[5]}
			p.cubicTo(c1.x, c1.y, ctrl.x, ctrl.y, cur.x, cur.y)
		case 's':
			c1 := cur
			if last|0x20 == 'c' || last|0x20 == 's' {
				c1 = point{2*cur.x - ctrl.x, 2*cur.y - ctrl.y}
			}
			ctrl = point{base.x + n[0], base.y + n[1]}
			cur = point{base.x + n[2], base.y + n[3]}
			p.cubicTo(c1.x, c1.y, ctrl.x, ctrl.y, cur.x, cur.y)
		case 'q':
			ctrl = point{base.x + n[0], base.y + n[1]}
			end := point{base.x + n[2], base.y + n[3]}
			p.quadTo(cur, ctrl, end)
			cur = end
		case 't':
			ctrl2 := cur
			if last|0x20 == 'q' || last|0x20 == 't' {
				ctrl2 = point{2*cur.x - ctrl.x, 2*cur.y - ctrl.y}
			}
			ctrl = ctrl2
			end := point{base.x + n[0], base.y + n[1]}
			p.quadTo(cur, ctrl, end)
			cur = end
		case 'a':
			end := point{base.x + n[5], base.y + n[6]}
			p.arcTo(cur, n[0], n[1], n[2], n[3] != 0, n[4] != 0, end)
			cur = end
		case 'z':
			p.close()
			cur = start
		}
		last = cmd
	}
	return p
}

func isCommand(c byte) bool { return strings.IndexByte("MmLlHhVvCcSsQqTtAaZz", c) >= 0 }

func commandArity(cmd byte) int {
	switch cmd | 0x20 {
	case 'm', 'l', 't':
		return 2
	case 'h', 'v':
		return 1
	case 'c':
		return 6
	case 's', 'q':
		return 4
	case 'a':
		return 7
	}
	return 0
}

// quadTo adds a quadratic Bézier curve as the cubic curve it equals.
func (p *path) quadTo(from, c, to point) {
	p.cubicTo(from.x+2.0/3*(c.x-from.x), from.y+2.0/3*(c.y-from.y),
		to.x+2.0/3*(c.x-to.x), to.y+2.0/3*(c.y-to.y), to.x, to.y)
}

// arcTo adds an elliptical arc as cubic curves of at most 90 degrees,
// after the endpoint to centre conversion of SVG 1.1, appendix F.6.
func (p *path) arcTo(from point, rx, ry, angle float64, large, sweep bool, to point) {
	if from == to {
		return
	}
	rx, ry = math.Abs(rx), math.Abs(ry)
	if rx == 0 || ry == 0 {
		p.lineTo(to.x, to.y)
		return
	}
	sinPhi, cosPhi := math.Sincos(angle * math.Pi / 180)
	dx, dy := (from.x-to.x)/2, (from.y-to.y)/2
	x1 := cosPhi*dx + sinPhi*dy
	y1 := -sinPhi*dx + cosPhi*dy

	// Scale up radii that cannot reach from one end to the other.
	if l := x1*x1/(rx*rx) + y1*y1/(ry*ry); l > 1 {
		s := math.Sqrt(l)
		rx, ry = rx*s, ry*s
	}
	num := rx*rx*ry*ry - rx*rx*y1*y1 - ry*ry*x1*x1
	den := rx*rx*y1*y1 + ry*ry*x1*x1
	coef := 0.0
	if den != 0 && num > 0 {
		coef = math.Sqrt(num / den)
	}
	if large == sweep {
		coef = -coef
	}
	cx1, cy1 := coef*rx*y1/ry, -coef*ry*x1/rx
	cx := cosPhi*cx1 - sinPhi*cy1 + (from.x+to.x)/2
	cy := sinPhi*cx1 + cosPhi*cy1 + (from.y+to.y)/2

	theta1 := vectorAngle(1, 0, (x1-cx1)/rx, (y1-cy1)/ry)
	delta := vectorAngle((x1-cx1)/rx, (y1-cy1)/ry, (-x1-cx1)/rx, (-y1-cy1)/ry)
	if !sweep && delta > 0 {
		delta -= 2 * math.Pi
	} else if sweep && delta < 0 {
		delta += 2 * math.Pi
	}
	if !finite(delta) || !finite(theta1) {
		p.lineTo(to.x, to.y)
		return
	}

	n := int(math.Ceil(math.Abs(delta) / (math.Pi / 2)))
	step := delta / float64(n)
	k := 4.0 / 3 * math.Tan(step/4)
	onEllipse := func(t float64) (x, y, tx, ty float64) {
		sin, cos := math.Sincos(t)
		ex, ey := rx*cos, ry*sin
		dex, dey := -rx*sin, ry*cos
		return cosPhi*ex - sinPhi*ey + cx, sinPhi*ex + cosPhi*ey + cy,
			cosPhi*dex - sinPhi*dey, sinPhi*dex + cosPhi*dey
	}
	t := theta1
	x0, y0, tx0, ty0 := onEllipse(t)
	for i := range n {
		t += step
		x, y, tx, ty := onEllipse(t)
		if i == n-1 {
			x, y = to.x, to.y
		}
		p.cubicTo(x0+k*tx0, y0+k*ty0, x-k*tx, y-k*ty, x, y)
		x0, y0, tx0, ty0 = x, y, tx, ty
	}
}

func vectorAngle(ux, uy, vx, vy float64) float64 {
	return math.Atan2(ux*vy-uy*vx, ux*vx+uy*vy)
}

// numberScanner reads SVG numbers, which may follow each other without
// separators as in "M10-5.5.5" or, for arc flags, "a1 1 0 01-2 2".
type numberScanner struct {
	s string
	i int
}

func (sc *numberScanner) done() bool { return sc.i >= len(sc.s) }

func (sc *numberScanner) skipSpace() {
	for sc.i < len(sc.s) && strings.IndexByte(" \t\r\n\f", sc.s[sc.i]) >= 0 {
		sc.i++
	}
}

func (sc *numberScanner) skipSeparators() {
	sc.skipSpace()
	if sc.i < len(sc.s) && sc.s[sc.i] == ',' {
		sc.i++
		sc.skipSpace()
	}
}

// args reads the arity numbers of one command; arc flags are single
// digits.
func (sc *numberScanner) args(cmd byte, arity int) ([]float64, bool) {
	out := make([]float64, arity)
	for k := range arity {
		sc.skipSeparators()
		if sc.done() {
			return nil, false
		}
		if cmd|0x20 == 'a' && (k == 3 || k == 4) {
			c := sc.s[sc.i]
			if c != '0' && c != '1' {
				return nil, false
			}
			out[k] = float64(c - '0')
			sc.i++
			continue
		}
		x, err := sc.number()
		if err != nil {
			return nil, false
		}
		out[k] = x
	}
	return out, true
}

func (sc *numberScanner) number() (float64, error) {
	start := sc.i
	s := sc.s
	i := sc.i
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, fmt.Errorf("expected a number at %q", cut(s[start:], 20))
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if j < len(s) && s[j] >= '0' && s[j] <= '9' {
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			i = j
		}
	}
	x, err := strconv.ParseFloat(s[start:i], 64)
	if err != nil || !finite(x) {
		return 0, fmt.Errorf("invalid number %q", s[start:i])
	}
	sc.i = i
	return x, nil
}

// tightBounds returns the bounding box of p's outline, curves sampled,
// as gradients in objectBoundingBox units need.
func (p path) tightBounds() (minX, minY, maxX, maxY float64, ok bool) {
	minX, minY = math.Inf(1), math.Inf(1)
	maxX, maxY = math.Inf(-1), math.Inf(-1)
	add := func(q point) {
		minX, maxX = math.Min(minX, q.x), math.Max(maxX, q.x)
		minY, maxY = math.Min(minY, q.y), math.Max(maxY, q.y)
	}
	var cur point
	for _, s := range p {
		switch s.kind {
		case moveTo, lineTo:
			cur = s.pts[0]
			add(cur)
		case cubicTo:
			for i := 1; i <= 16; i++ {
				add(cubicAt(cur, s.pts[0], s.pts[1], s.pts[2], float64(i)/16))
			}
			cur = s.pts[2]
		}
	}
	return minX, minY, maxX, maxY, minX <= maxX
}

func cubicAt(p0, p1, p2, p3 point, t float64) point {
	u := 1 - t
	a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
	return point{a*p0.x + b*p1.x + c*p2.x + d*p3.x, a*p0.y + b*p1.y + c*p2.y + d*p3.y}
}
