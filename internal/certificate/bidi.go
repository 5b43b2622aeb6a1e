package certificate

import (
	"slices"
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// visualLine returns one line of text in the order its glyphs are drawn
// from left to right. Arabic is shaped first. Then the Unicode
// Bidirectional Algorithm orders the runs of a left-to-right paragraph,
// and the characters of each right-to-left run are reversed. A mark stays
// after its base character, where the font expects it.
func visualLine(s string) string {
	shaped := shapeArabic(s)
	if !hasRTL(shaped) {
		return shaped
	}

	var p bidi.Paragraph
	if _, err := p.SetString(shaped, bidi.DefaultDirection(bidi.LeftToRight)); err != nil {
		return shaped
	}
	order, err := p.Order()
	if err != nil {
		return shaped
	}

	var out []rune
	for i := range order.NumRuns() {
		run := order.Run(i)
		text := []rune(run.String())
		if run.Direction() == bidi.RightToLeft {
			text = reverseClusters(text)
		}
		out = append(out, text...)
	}
	return string(out)
}

// hasRTL reports whether s holds a right-to-left letter.
func hasRTL(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Arabic, unicode.Hebrew, unicode.Syriac, unicode.Thaana, unicode.Nko) {
			return true
		}
	}
	return false
}

// reverseClusters reverses runes, keeping each combining mark after its
// base character and mirroring brackets.
func reverseClusters(runes []rune) []rune {
	var clusters [][]rune
	for _, r := range runes {
		if unicode.Is(unicode.Mn, r) && len(clusters) > 0 {
			last := len(clusters) - 1
			clusters[last] = append(clusters[last], r)
			continue
		}
		clusters = append(clusters, []rune{mirror(r)})
	}
	slices.Reverse(clusters)

	out := make([]rune, 0, len(runes))
	for _, c := range clusters {
		out = append(out, c...)
	}
	return out
}

func mirror(r rune) rune {
	switch r {
	case '(':
		return ')'
	case ')':
		return '('
	case '[':
		return ']'
	case ']':
		return '['
	case '{':
		return '}'
	case '}':
		return '{'
	case '<':
		return '>'
	case '>':
		return '<'
	}
	return r
}
