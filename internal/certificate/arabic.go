package certificate

// The PDF writer draws one glyph for each character and does no Arabic
// joining, so Arabic text is shaped here: each letter is replaced
// by its contextual form from the Unicode Arabic Presentation Forms
// blocks (isolated, final, initial or medial), and lam followed by alef
// becomes one ligature. The joining types follow ArabicShaping.txt of the
// Unicode Character Database.

// arabicForms holds the presentation forms of one letter. A right-joining
// letter, which never connects to the letter after it, has no initial or
// medial form.
type arabicForms struct {
	isolated, final, initial, medial rune
}

func (f arabicForms) dual() bool { return f.initial != 0 }

// arabicLetters maps Arabic letters to their presentation forms.
var arabicLetters = map[rune]arabicForms{
	0x0621: {0xFE80, 0, 0, 0}, // hamza does not join
	0x0622: {0xFE81, 0xFE82, 0, 0},
	0x0623: {0xFE83, 0xFE84, 0, 0},
	0x0624: {0xFE85, 0xFE86, 0, 0},
	0x0625: {0xFE87, 0xFE88, 0, 0},
	0x0626: {0xFE89, 0xFE8A, 0xFE8B, 0xFE8C},
	0x0627: {0xFE8D, 0xFE8E, 0, 0},
	0x0628: {0xFE8F, 0xFE90, 0xFE91, 0xFE92},
	0x0629: {0xFE93, 0xFE94, 0, 0},
	0x062A: {0xFE95, 0xFE96, 0xFE97, 0xFE98},
	0x062B: {0xFE99, 0xFE9A, 0xFE9B, 0xFE9C},
	0x062C: {0xFE9D, 0xFE9E, 0xFE9F, 0xFEA0},
	0x062D: {0xFEA1, 0xFEA2, 0xFEA3, 0xFEA4},
	0x062E: {0xFEA5, 0xFEA6, 0xFEA7, 0xFEA8},
	0x062F: {0xFEA9, 0xFEAA, 0, 0},
	0x0630: {0xFEAB, 0xFEAC, 0, 0},
	0x0631: {0xFEAD, 0xFEAE, 0, 0},
	0x0632: {0xFEAF, 0xFEB0, 0, 0},
	0x0633: {0xFEB1, 0xFEB2, 0xFEB3, 0xFEB4},
	0x0634: {0xFEB5, 0xFEB6, 0xFEB7, 0xFEB8},
	0x0635: {0xFEB9, 0xFEBA, 0xFEBB, 0xFEBC},
	0x0636: {0xFEBD, 0xFEBE, 0xFEBF, 0xFEC0},
	0x0637: {0xFEC1, 0xFEC2, 0xFEC3, 0xFEC4},
	0x0638: {0xFEC5, 0xFEC6, 0xFEC7, 0xFEC8},
	0x0639: {0xFEC9, 0xFECA, 0xFECB, 0xFECC},
	0x063A: {0xFECD, 0xFECE, 0xFECF, 0xFED0},
	0x0641: {0xFED1, 0xFED2, 0xFED3, 0xFED4},
	0x0642: {0xFED5, 0xFED6, 0xFED7, 0xFED8},
	0x0643: {0xFED9, 0xFEDA, 0xFEDB, 0xFEDC},
	0x0644: {0xFEDD, 0xFEDE, 0xFEDF, 0xFEE0},
	0x0645: {0xFEE1, 0xFEE2, 0xFEE3, 0xFEE4},
	0x0646: {0xFEE5, 0xFEE6, 0xFEE7, 0xFEE8},
	0x0647: {0xFEE9, 0xFEEA, 0xFEEB, 0xFEEC},
	0x0648: {0xFEED, 0xFEEE, 0, 0},
	// NOTE: alef maksura is dual-joining in ArabicShaping.txt, but its
	// initial and medial forms lie outside Presentation Forms-B and few
	// fonts have them, so it is treated as right-joining. It occurs
	// almost only at the end of a word.
	0x0649: {0xFEEF, 0xFEF0, 0, 0},
	0x064A: {0xFEF1, 0xFEF2, 0xFEF3, 0xFEF4},
	// Persian and Urdu letters, from Presentation Forms-A.
	0x067E: {0xFB56, 0xFB57, 0xFB58, 0xFB59},
	0x0686: {0xFB7A, 0xFB7B, 0xFB7C, 0xFB7D},
	0x0698: {0xFB8A, 0xFB8B, 0, 0},
	0x06A9: {0xFB8E, 0xFB8F, 0xFB90, 0xFB91},
	0x06AF: {0xFB92, 0xFB93, 0xFB94, 0xFB95},
	0x06CC: {0xFBFC, 0xFBFD, 0xFBFE, 0xFBFF},
}

// lamAlef maps the alef that follows a lam to the isolated form of their
// ligature; the final form is the next code point.
var lamAlef = map[rune]rune{0x0622: 0xFEF5, 0x0623: 0xFEF7, 0x0625: 0xFEF9, 0x0627: 0xFEFB}

const (
	lam     = 0x0644
	tatweel = 0x0640 // joins on both sides and has no forms
)

// isTransparent reports whether r is an Arabic mark, which sits on a
// letter and does not break the joining of its neighbours.
func isTransparent(r rune) bool {
	return r >= 0x064B && r <= 0x065F || r == 0x0670 || r >= 0x06D6 && r <= 0x06ED
}

// joinsAfter reports whether r connects to the letter that follows it.
func joinsAfter(r rune) bool {
	f, ok := arabicLetters[r]
	return r == tatweel || ok && f.dual()
}

// joinsBefore reports whether r connects to the letter before it.
func joinsBefore(r rune) bool {
	f, ok := arabicLetters[r]
	return r == tatweel || ok && f.final != 0
}

// shapeArabic returns s, in logical order, with Arabic letters replaced by
// their contextual presentation forms. Other characters are unchanged.
func shapeArabic(s string) string {
	runes := []rune(s)
	out := make([]rune, 0, len(runes))
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		forms, ok := arabicLetters[r]
		if !ok {
			out = append(out, r)
			continue
		}
		prev := neighbour(runes, i, -1)
		next := neighbour(runes, i, +1)
		joinedBefore := prev >= 0 && joinsAfter(runes[prev]) && forms.final != 0

		if r == lam && next == i+1 {
			if lig, ok := lamAlef[runes[next]]; ok {
				if joinedBefore {
					lig++
				}
				out = append(out, lig)
				i = next
				continue
			}
		}

		joinedAfter := forms.dual() && next >= 0 && joinsBefore(runes[next])
		out = append(out, pickForm(forms, joinedBefore, joinedAfter))
	}
	return string(out)
}

// neighbour returns the index of the nearest character before (step -1)
// or after (step +1) index i that is not a transparent mark, or -1.
func neighbour(runes []rune, i, step int) int {
	for j := i + step; j >= 0 && j < len(runes); j += step {
		if !isTransparent(runes[j]) {
			return j
		}
	}
	return -1
}

func pickForm(f arabicForms, before, after bool) rune {
	switch {
	case before && after:
		return f.medial
	case before:
		return f.final
	case after:
		return f.initial
	default:
		return f.isolated
	}
}
