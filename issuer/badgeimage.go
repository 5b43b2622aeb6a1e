package issuer

import (
	"bytes"
	"fmt"
	"hash/fnv"
	"html"
)

// badgePalette holds fill colours with at least 4.5:1 contrast against white
// text, so that the code stays readable (WCAG 2.1 AA).
var badgePalette = []string{"#1d4e89", "#7a1f5c", "#21643a", "#8a3b00", "#4b2c83", "#005f6b", "#8b1e2d", "#3d4a5c"}

// DefaultBadgeImage draws a round SVG badge showing the achievement code,
// for catalogues that come without images. The colour follows from the code,
// so the same code always gets the same colour.
func DefaultBadgeImage(code, name string) Image {
	h := fnv.New32a()
	h.Write([]byte(code))
	fill := badgePalette[h.Sum32()%uint32(len(badgePalette))]

	size := 64
	if len([]rune(code)) > 3 {
		size = 44
	}

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256" role="img" aria-label="%s">`, html.EscapeString(name))
	fmt.Fprintf(&b, `<title>%s</title>`, html.EscapeString(name))
	fmt.Fprintf(&b, `<circle cx="128" cy="128" r="120" fill="%s"/>`, fill)
	b.WriteString(`<circle cx="128" cy="128" r="104" fill="none" stroke="#ffffff" stroke-width="6"/>`)
	fmt.Fprintf(&b, `<text x="128" y="128" dominant-baseline="central" text-anchor="middle" font-family="DejaVu Sans, Arial, sans-serif" font-weight="700" font-size="%d" fill="#ffffff">%s</text>`, size, html.EscapeString(code))
	b.WriteString(`</svg>`)

	return Image{ContentType: "image/svg+xml", Data: b.Bytes()}
}
