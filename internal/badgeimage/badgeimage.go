// Package badgeimage checks badge images uploaded to the catalogue.
//
// A PNG must decode and stay within the byte and pixel limits. An SVG is
// parsed with encoding/xml and written again with only an allowlist of
// static SVG elements, and without attributes that run script or refer
// outside the image. So nothing in it can run a script or fetch from
// another site when a browser opens the image directly. Scripts, event
// handlers, animations, foreignObject, external and javascript:
// references are removed, and DOCTYPE and entity declarations are
// rejected. The sanitized SVG must then draw with package svgraster, so
// that every stored SVG also has a PNG version. An SVG that uses text or
// an effect the renderer does not draw is rejected with the fix.
package badgeimage

import (
	"bytes"
	"context"
	"errors"
	"image/png"

	"github.com/laurel-badges/laurel/internal/svgraster"
	"github.com/laurel-badges/laurel/issuer"
)

// Limits of uploaded images.
type Limits struct {
	MaxBytes  int // size of the uploaded file, in bytes
	MaxPixels int // maximum width and maximum height of a PNG, in pixels
}

// DefaultLimits are the limits when a field of Limits is 0.
var DefaultLimits = Limits{MaxBytes: 1 << 20, MaxPixels: 2048}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultLimits.MaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultLimits.MaxPixels
	}
	return l
}

// invalidf returns an issuer.ValidationError for the image field, which
// the web layer shows to the person who uploaded the file.
func invalidf(format string, args ...any) error {
	return issuer.Invalidf("image", format, args...)
}

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// Check returns the image to store for an uploaded file, and for an SVG
// a description of each part that was removed. The type follows from the
// content, not from the file name or the browser's content type.
func Check(ctx context.Context, data []byte, limits Limits) (issuer.Image, []string, error) {
	limits = limits.withDefaults()
	if len(data) == 0 {
		return issuer.Image{}, nil, invalidf("the file is empty; upload a PNG or SVG image")
	}
	if len(data) > limits.MaxBytes {
		return issuer.Image{}, nil, invalidf("the file is %d bytes, more than the maximum of %d; make the image smaller", len(data), limits.MaxBytes)
	}

	if bytes.HasPrefix(data, pngSignature) {
		if err := checkPNG(data, limits); err != nil {
			return issuer.Image{}, nil, err
		}
		return issuer.Image{ContentType: "image/png", Data: data}, nil, nil
	}

	if looksLikeXML(data) {
		clean, removed, err := SanitizeSVG(data)
		if err != nil {
			return issuer.Image{}, nil, err
		}
		if err := checkDrawable(ctx, clean); err != nil {
			return issuer.Image{}, nil, err
		}
		return issuer.Image{ContentType: "image/svg+xml", Data: clean}, removed, nil
	}
	return issuer.Image{}, nil, invalidf("the file is neither a PNG nor an SVG image; upload one of those")
}

// checkPNG decodes the whole image, after checking its dimensions from
// the header, so that a truncated or corrupt file is rejected and a small
// file cannot claim billions of pixels.
func checkPNG(data []byte, limits Limits) error {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return invalidf("the PNG header cannot be read (%v); save the image again as PNG", err)
	}
	if cfg.Width > limits.MaxPixels || cfg.Height > limits.MaxPixels {
		return invalidf("the PNG is %d×%d pixels, more than the maximum of %d×%d; scale it down", cfg.Width, cfg.Height, limits.MaxPixels, limits.MaxPixels)
	}
	if cfg.Width == 0 || cfg.Height == 0 {
		return invalidf("the PNG is %d×%d pixels; it has no content", cfg.Width, cfg.Height)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		return invalidf("the PNG cannot be decoded (%v); save the image again as PNG", err)
	}
	return nil
}

// looksLikeXML reports whether data starts, after an optional byte order
// mark and white space, with "<".
func looksLikeXML(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && data[0] == '<'
}

// checkDrawable draws a sanitized SVG as the PNG version of the badge
// will be drawn, and turns a failure into a message for the admin.
func checkDrawable(ctx context.Context, svg []byte) error {
	_, err := svgraster.Render(ctx, svg, svgraster.DefaultSize)
	var unsupported *svgraster.UnsupportedError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &unsupported):
		return invalidf("the SVG uses %s, which Laurel cannot draw for the badge's PNG version; %s, or upload the badge as a PNG image", unsupported.Feature, unsupported.Fix)
	case errors.Is(err, svgraster.ErrTooComplex):
		return invalidf("the SVG is too complex to draw as a PNG version; simplify the drawing (fewer shapes and layers), or upload the badge as a PNG image")
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return invalidf("the SVG cannot be drawn as a PNG version (%v); save it again from the drawing program, or upload the badge as a PNG image", err)
}
