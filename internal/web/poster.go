package web

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"strings"

	"github.com/laurel-badges/laurel/issuer"
)

// Poster strip geometry, in SVG user units (CSS pixels at 100%).
const (
	posterCell      = 180 // width of one badge's column
	posterImage     = 120 // side of a badge image
	posterMargin    = 16
	posterLineChars = 20 // characters per line of a badge name, an estimate for 14 px sans-serif
	posterLines     = 3  // lines of name text under each badge
	posterLineGap   = 18
)

// posterSVG draws the badges side by side with their names and codes
// underneath. Images are embedded as data: URLs so that the downloaded
// file needs no other file when it is placed on a poster.
func posterSVG(badges []*issuer.Achievement) ([]byte, error) {
	width := posterMargin*2 + posterCell*max(len(badges), 1)
	height := posterMargin*2 + posterImage + 12 + posterLineGap*(posterLines+1)

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="poster-title">`, width, height, width, height)
	b.WriteString(`<title id="poster-title">`)
	writeXMLText(&b, posterTitle(badges))
	b.WriteString(`</title>`)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`, width, height)

	for i, a := range badges {
		x := posterMargin + i*posterCell
		centre := x + posterCell/2
		if len(a.Image.Data) > 0 {
			fmt.Fprintf(&b, `<image x="%d" y="%d" width="%d" height="%d" href="data:%s;base64,%s"/>`,
				centre-posterImage/2, posterMargin, posterImage, posterImage,
				imageMediaType(a.Image.ContentType), base64.StdEncoding.EncodeToString(a.Image.Data))
		}

		y := posterMargin + posterImage + 12 + posterLineGap
		for _, line := range wrapWords(a.Name, posterLineChars, posterLines) {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-family="sans-serif" font-size="14" fill="#1a1a1a">`, centre, y)
			writeXMLText(&b, line)
			b.WriteString(`</text>`)
			y += posterLineGap
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" font-family="sans-serif" font-size="13" font-weight="bold" fill="#1d4e89">`, centre, y)
		writeXMLText(&b, a.Code)
		b.WriteString(`</text>`)
	}
	b.WriteString(`</svg>`)
	return b.Bytes(), nil
}

func posterTitle(badges []*issuer.Achievement) string {
	names := make([]string, len(badges))
	for i, a := range badges {
		names[i] = a.Name + " (" + a.Code + ")"
	}
	return "Digital badges of this activity: " + strings.Join(names, ", ")
}

// imageMediaType returns contentType when it is one of the badge image
// types, so that a stored value cannot break out of the data: URL.
func imageMediaType(contentType string) string {
	if contentType == "image/svg+xml" {
		return contentType
	}
	return "image/png"
}

func writeXMLText(b *bytes.Buffer, s string) {
	// xml.EscapeText returns only the writer's errors, and bytes.Buffer.Write returns none.
	_ = xml.EscapeText(b, []byte(s))
}

// wrapWords splits text into at most maxLines lines of about width
// characters, breaking between words; the last line ends with "…" when
// text is longer.
func wrapWords(text string, width, maxLines int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case len([]rune(line))+1+len([]rune(word)) <= width:
			line += " " + word
		default:
			lines = append(lines, line)
			line = word
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	if len(lines) > maxLines {
		lines = lines[:maxLines]
		lines[maxLines-1] += " …"
	}
	return lines
}
