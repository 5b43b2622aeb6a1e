package svgraster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"strings"
)

// DefaultSize is the length in pixels of the longer side of a rendering:
// twice the 256-pixel default badge, and 260 dpi on a certificate, which
// prints the badge 50 mm wide.
const DefaultSize = 512

// MaxSize bounds the size a caller may ask for, so that a rendering
// needs at most 4 × 16 MiB for its image and its float buffer.
const MaxSize = 2048

// ErrUnsupported is wrapped by every error about SVG features that are
// not drawn; errors.As with *UnsupportedError gives its parts.
var ErrUnsupported = errors.New("unsupported SVG feature")

// UnsupportedError names what the renderer does not draw and how to
// change the drawing so that it can.
type UnsupportedError struct {
	Feature string // such as "<text>" or "the filter property on <g>"
	Fix     string // such as "convert the text to paths"
}

func (e *UnsupportedError) Error() string { return e.Feature + " is not drawn: " + e.Fix }
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

func unsupported(feature, fix string) error {
	return &UnsupportedError{Feature: feature, Fix: fix}
}

// ErrTooComplex is returned for a drawing that needs more work than the
// renderer allows one image.
var ErrTooComplex = fmt.Errorf("the drawing is too complex: %w", errTooComplex)

// Render draws the SVG document data with its longer side size pixels
// long, keeping the aspect ratio of its width and height or viewBox.
// Errors describe the input for the person who made it; an error wraps
// ErrUnsupported when the document uses a feature that is not drawn.
func Render(ctx context.Context, data []byte, size int) (*image.NRGBA, error) {
	if size <= 0 || size > MaxSize {
		return nil, fmt.Errorf("image size %d is out of range 1 to %d", size, MaxSize)
	}
	doc, err := parseDocument(data)
	if err != nil {
		return nil, err
	}
	vp, err := doc.viewport()
	if err != nil {
		return nil, err
	}

	w, h := outputSize(vp.width, vp.height, size)
	r := &renderer{ctx: ctx, doc: doc, budget: coversPerImage * int64(w) * int64(h), viewW: vp.box[2], viewH: vp.box[3]}
	r.layers = []*canvas{newCanvas(w, h)}
	r.poly.budget = &r.budget
	if err := r.drawRoot(vp.transform(float64(w), float64(h))); err != nil {
		if errors.Is(err, errTooComplex) {
			return nil, ErrTooComplex
		}
		return nil, err
	}
	return r.top().image(), nil
}

// PNG draws data as Render does and encodes the result as a PNG image.
func PNG(ctx context.Context, data []byte, size int) ([]byte, error) {
	img, err := Render(ctx, data, size)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.DefaultCompression}
	if err := enc.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("encode PNG: %w", err)
	}
	return b.Bytes(), nil
}

func (c *canvas) image() *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, c.width, c.height))
	for i := 0; i < len(c.pix); i += 4 {
		a := c.pix[i+3]
		if a <= 0 {
			continue
		}
		a = min(a, 1)
		img.Pix[i] = to8(c.pix[i] / a)
		img.Pix[i+1] = to8(c.pix[i+1] / a)
		img.Pix[i+2] = to8(c.pix[i+2] / a)
		img.Pix[i+3] = to8(a)
	}
	return img
}

func to8(v float32) uint8 {
	return uint8(math.Round(float64(min(max(v, 0), 1)) * 255))
}

// viewport is the root element's geometry: its size in CSS pixels, the
// viewBox and how the viewBox is fitted into that size.
type viewport struct {
	width, height float64
	box           [4]float64 // x, y, width, height of the viewBox
	align         string     // preserveAspectRatio alignment, such as xMidYMid
	slice         bool
}

// defaultWidth and defaultHeight are the CSS size of a replaced element
// without one, which browsers give an SVG without width, height and
// viewBox.
const defaultWidth, defaultHeight = 300, 150

func (doc *document) viewport() (viewport, error) {
	root := doc.root
	vp := viewport{align: "xMidYMid"}
	w, okW := absoluteLength(root.attrs["width"])
	h, okH := absoluteLength(root.attrs["height"])

	box, hasBox, err := parseViewBox(root.attrs["viewBox"])
	if err != nil {
		return vp, err
	}
	switch {
	case hasBox && okW && okH:
	case hasBox && okW:
		h = w * box[3] / box[2]
	case hasBox && okH:
		w = h * box[2] / box[3]
	case hasBox:
		w, h = box[2], box[3]
	default:
		if !okW {
			w = defaultWidth
		}
		if !okH {
			h = defaultHeight
		}
		box = [4]float64{0, 0, w, h}
	}
	if !(w > 0 && h > 0) || !finite(w/h) || !finite(h/w) {
		return vp, fmt.Errorf("the SVG has no area: width %g, height %g; give it a viewBox such as viewBox=\"0 0 256 256\"", w, h)
	}
	vp.width, vp.height, vp.box = w, h, box

	par := strings.Fields(root.attrs["preserveAspectRatio"])
	if len(par) > 0 && par[0] == "defer" {
		par = par[1:]
	}
	if len(par) > 0 {
		vp.align = par[0]
	}
	vp.slice = len(par) > 1 && par[1] == "slice"
	return vp, nil
}

// absoluteLength reads a width or height; percentages and "auto" are
// left to the viewBox.
func absoluteLength(v string) (float64, bool) {
	l, ok := parseLength(v)
	if !ok || l.percent || l.value <= 0 {
		return 0, false
	}
	return l.value, true
}

func parseViewBox(v string) ([4]float64, bool, error) {
	var box [4]float64
	if strings.TrimSpace(v) == "" {
		return box, false, nil
	}
	n, err := parseNumbers(v)
	if err != nil || len(n) != 4 {
		// Browsers ignore an invalid viewBox.
		return box, false, nil
	}
	if n[2] <= 0 || n[3] <= 0 {
		return box, false, fmt.Errorf("the viewBox %q has no area; its width and height must be positive", v)
	}
	copy(box[:], n)
	return box, true, nil
}

// transform maps the viewBox onto an image of w × h pixels.
func (vp viewport) transform(w, h float64) matrix {
	sx, sy := w/vp.box[2], h/vp.box[3]
	if vp.align == "none" {
		return matrix{a: sx, d: sy, e: -vp.box[0] * sx, f: -vp.box[1] * sy}
	}
	s := math.Min(sx, sy)
	if vp.slice {
		s = math.Max(sx, sy)
	}
	tx, ty := -vp.box[0]*s, -vp.box[1]*s
	extraX, extraY := w-vp.box[2]*s, h-vp.box[3]*s
	switch {
	case strings.HasPrefix(vp.align, "xMid"):
		tx += extraX / 2
	case strings.HasPrefix(vp.align, "xMax"):
		tx += extraX
	}
	switch {
	case strings.HasSuffix(vp.align, "YMid"):
		ty += extraY / 2
	case strings.HasSuffix(vp.align, "YMax"):
		ty += extraY
	}
	return matrix{a: s, d: s, e: tx, f: ty}
}

// outputSize returns the pixel size with the longer side size long and
// the shorter at least one pixel.
func outputSize(w, h float64, size int) (int, int) {
	if w >= h {
		return size, max(1, int(math.Round(float64(size)*h/w)))
	}
	return max(1, int(math.Round(float64(size)*w/h))), size
}

// Describe returns the reason in an error of Render as a clause that
// can follow "because", such as "it uses <text> (convert …)".
func Describe(err error) string {
	var u *UnsupportedError
	if errors.As(err, &u) {
		return "it uses " + u.Feature + " (" + u.Fix + ")"
	}
	return err.Error()
}
