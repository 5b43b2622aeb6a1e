package certificate

import (
	"strconv"
	"strings"
	"unicode"

	"codeberg.org/go-pdf/fpdf"

	"github.com/laurel-badges/laurel/internal/fonts"
)

// textWriter draws text with a font chain on a PDF. Each run of
// characters goes to the first font of the chain that has their glyphs. A
// font is added to the document when a run first needs it, so a document
// embeds only the fonts it uses, and fpdf cuts each down to the glyphs it
// uses.
type textWriter struct {
	pdf   *fpdf.Fpdf
	chain *fonts.Chain
	added map[string]bool
	size  float64 // points
	bold  bool
}

// segment is a run of characters drawn with one font.
type segment struct {
	family string
	face   *fonts.Face
	text   string
}

func newTextWriter(pdf *fpdf.Fpdf, chain *fonts.Chain) *textWriter {
	return &textWriter{pdf: pdf, chain: chain, added: map[string]bool{}, size: 11}
}

// setFont selects the style and size, in points, of the next text.
func (w *textWriter) setFont(bold bool, size float64) {
	w.bold, w.size = bold, size
}

// segments splits a line, already in visual order, into runs of one font.
// A character no font has, or a space, stays with the run before it, so
// that spaces do not split runs.
func (w *textWriter) segments(line string) []segment {
	faces, prefix := w.chain.Regular, "r"
	if w.bold {
		faces, prefix = w.chain.Bold, "b"
	}

	var segs []segment
	var b strings.Builder
	current := -1
	flush := func() {
		if b.Len() > 0 {
			segs = append(segs, segment{family: prefix + strconv.Itoa(current), face: faces[current], text: b.String()})
			b.Reset()
		}
	}
	for _, r := range line {
		i := current
		if !unicode.IsSpace(r) || current < 0 {
			if picked := fonts.Pick(faces, r); picked >= 0 {
				i = picked
			} else if current < 0 {
				i = 0
			}
		}
		if i != current {
			flush()
			current = i
		}
		b.WriteRune(r)
	}
	flush()
	return segs
}

func (w *textWriter) use(s segment) {
	if !w.added[s.family] {
		w.pdf.AddUTF8FontFromBytes(s.family, "", s.face.Data)
		w.added[s.family] = true
	}
	w.pdf.SetFont(s.family, "", w.size)
}

// width returns the width of a logical line in the document unit.
func (w *textWriter) width(line string) float64 {
	total := 0.0
	for _, s := range w.segments(visualLine(line)) {
		w.use(s)
		total += w.pdf.GetStringWidth(s.text)
	}
	return total
}

// draw writes a logical line with its baseline at y, starting at x.
func (w *textWriter) draw(x, y float64, line string) {
	for _, s := range w.segments(visualLine(line)) {
		w.use(s)
		w.pdf.Text(x, y, s.text)
		x += w.pdf.GetStringWidth(s.text)
	}
}

// drawCentered writes a logical line centred on x.
func (w *textWriter) drawCentered(x, y float64, line string) {
	w.draw(x-w.width(line)/2, y, line)
}

// wrap breaks text into lines no wider than maxWidth: at spaces, and
// anywhere inside a word that alone is too wide, such as Chinese text,
// which has no spaces.
func (w *textWriter) wrap(text string, maxWidth float64) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			candidate := word
			if line != "" {
				candidate = line + " " + word
			}
			if w.width(candidate) <= maxWidth {
				line = candidate
				continue
			}
			if line != "" {
				lines = append(lines, line)
			}
			line = w.breakWord(word, maxWidth, &lines)
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

// breakWord appends the full-width pieces of a word to lines and returns
// the last piece.
func (w *textWriter) breakWord(word string, maxWidth float64, lines *[]string) string {
	piece := ""
	for _, r := range word {
		if piece != "" && w.width(piece+string(r)) > maxWidth {
			*lines = append(*lines, piece)
			piece = ""
		}
		piece += string(r)
	}
	return piece
}
