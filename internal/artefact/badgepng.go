package artefact

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"regexp"
	"strconv"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"

	"github.com/laurel-badges/laurel/internal/fonts"
	"github.com/laurel-badges/laurel/internal/svgraster"
	"github.com/laurel-badges/laurel/issuer"
)

// ErrNoRaster reports a badge image that Laurel cannot turn into a PNG
// image: an SVG stored before uploads were checked with svgraster that
// uses a feature svgraster does not draw, or an image of another type.
var ErrNoRaster = errors.New("no PNG rendering of this badge image")

// defaultBadgeSize is the width and height of issuer.DefaultBadgeImage in
// SVG user units, and of its PNG rendering in pixels.
const defaultBadgeSize = 256

var defaultBadgeFill = regexp.MustCompile(`<circle cx="128" cy="128" r="120" fill="#([0-9a-f]{6})"/>`)

// BadgePNG returns the achievement's image as PNG: a PNG image as stored,
// Laurel's own drawing of the default SVG badge (issuer.DefaultBadgeImage,
// whose text needs the fonts of chain), or any other SVG image drawn by
// svgraster with svgraster.DefaultSize pixels on its longer side. An SVG
// that svgraster cannot draw gives ErrNoRaster.
func BadgePNG(ctx context.Context, a *issuer.Achievement, chain *fonts.Chain) ([]byte, error) {
	switch a.Image.ContentType {
	case "image/png":
		return a.Image.Data, nil
	case "image/svg+xml":
	default:
		return nil, fmt.Errorf("%w: the image type is %q", ErrNoRaster, a.Image.ContentType)
	}

	if !bytes.Equal(a.Image.Data, issuer.DefaultBadgeImage(a.Code, a.Name).Data) {
		img, err := svgraster.PNG(ctx, a.Image.Data, svgraster.DefaultSize)
		if err != nil && ctx.Err() == nil {
			return nil, fmt.Errorf("%w: the SVG image of achievement %s cannot be drawn because %s", ErrNoRaster, a.Code, svgraster.Describe(err))
		}
		return img, err
	}
	m := defaultBadgeFill.FindSubmatch(a.Image.Data)
	if m == nil {
		return nil, fmt.Errorf("%w: the default badge image has no fill colour", ErrNoRaster)
	}
	fill, err := strconv.ParseUint(string(m[1]), 16, 32)
	if err != nil {
		return nil, fmt.Errorf("%w: fill colour %q: %v", ErrNoRaster, m[1], err)
	}
	return drawDefaultBadge(a.Code, color.RGBA{R: uint8(fill >> 16), G: uint8(fill >> 8), B: uint8(fill), A: 255}, chain)
}

// drawDefaultBadge draws what issuer.DefaultBadgeImage describes: a filled
// disc of radius 120, a white ring of radius 104 and width 6, and the
// code in white bold type, centred.
func drawDefaultBadge(code string, fill color.RGBA, chain *fonts.Chain) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, defaultBadgeSize, defaultBadgeSize))
	c := float32(defaultBadgeSize / 2)

	disc := vector.NewRasterizer(defaultBadgeSize, defaultBadgeSize)
	addCircle(disc, c, c, 120, false)
	disc.Draw(img, img.Bounds(), image.NewUniform(fill), image.Point{})

	ring := vector.NewRasterizer(defaultBadgeSize, defaultBadgeSize)
	addCircle(ring, c, c, 107, false)
	addCircle(ring, c, c, 101, true)
	ring.Draw(img, img.Bounds(), image.White, image.Point{})

	size := 64.0
	if len([]rune(code)) > 3 {
		size = 44
	}
	if err := drawCentredText(img, code, size, chain); err != nil {
		return nil, err
	}

	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, fmt.Errorf("encode badge PNG: %w", err)
	}
	return b.Bytes(), nil
}

// addCircle adds a circle as four cubic Bézier curves; reverse draws it
// the other way round, which cuts it out of a circle drawn before.
func addCircle(z *vector.Rasterizer, cx, cy, r float32, reverse bool) {
	const k = 0.5523 // control point distance of a quarter circle, per unit radius
	sign := float32(1)
	if reverse {
		sign = -1
	}
	z.MoveTo(cx+r, cy)
	for q := range 4 {
		a0 := float64(q) * math.Pi / 2 * float64(sign)
		a1 := float64(q+1) * math.Pi / 2 * float64(sign)
		x0, y0 := float32(math.Cos(a0)), float32(math.Sin(a0))
		x1, y1 := float32(math.Cos(a1)), float32(math.Sin(a1))
		z.CubeTo(
			cx+r*(x0-k*y0*sign), cy+r*(y0+k*x0*sign),
			cx+r*(x1+k*y1*sign), cy+r*(y1-k*x1*sign),
			cx+r*x1, cy+r*y1,
		)
	}
	z.ClosePath()
}

// drawCentredText writes text in white, each character with the first
// bold font of the chain that has it, centred on the image.
func drawCentredText(img *image.RGBA, text string, size float64, chain *fonts.Chain) error {
	faces := map[int]font.Face{}
	faceFor := func(r rune) (font.Face, error) {
		i := max(fonts.Pick(chain.Bold, r), 0)
		if f, ok := faces[i]; ok {
			return f, nil
		}
		f, err := opentype.NewFace(chain.Bold[i].Font, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return nil, fmt.Errorf("load font %s: %w", chain.Bold[i].Name, err)
		}
		faces[i] = f
		return f, nil
	}

	var width fixed.Int26_6
	for _, r := range text {
		f, err := faceFor(r)
		if err != nil {
			return err
		}
		adv, _ := f.GlyphAdvance(r)
		width += adv
	}
	first, err := faceFor('H')
	if err != nil {
		return err
	}
	// The top of a capital H lies cap height above the baseline; bounds
	// grow downwards, so Min.Y is minus the cap height.
	bounds, _, _ := first.GlyphBounds('H')
	capHeight := -bounds.Min.Y

	d := font.Drawer{Dst: img, Src: image.White}
	d.Dot = fixed.Point26_6{
		X: fixed.I(defaultBadgeSize/2) - width/2,
		Y: fixed.I(defaultBadgeSize/2) + capHeight/2,
	}
	for _, r := range text {
		f, err := faceFor(r)
		if err != nil {
			return err
		}
		d.Face = f
		d.DrawString(string(r))
	}
	return nil
}
