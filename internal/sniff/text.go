package sniff

import (
	"bytes"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormaliseLineBreaks returns data with every carriage return turned into
// a line feed when data has carriage returns but no line feed, as with the
// line breaks of classic Mac OS. Go's CSV
// reader does not end a record at a lone carriage return, so without this
// such a file reads as one long line. Other data is returned unchanged.
func NormaliseLineBreaks(data []byte) []byte {
	if bytes.IndexByte(data, '\n') >= 0 || bytes.IndexByte(data, '\r') < 0 {
		return data
	}
	return bytes.ReplaceAll(data, []byte{'\r'}, []byte{'\n'})
}

// delimiters are the column delimiters Delimiter chooses from, in the
// order that breaks ties.
var delimiters = []rune{',', ';', '\t', '|'}

// Delimiter picks the column delimiter of a header line: whichever of
// comma, semicolon, tab and vertical bar occurs most often outside quotes.
// Comma wins ties and lines without any of them, because RFC 4180 makes it
// the standard delimiter.
func Delimiter(line []byte) rune {
	var counts [4]int
	quoted := false
	for _, b := range line {
		if b == '"' {
			quoted = !quoted
			continue
		}
		if quoted {
			continue
		}
		for i, d := range delimiters {
			if rune(b) == d {
				counts[i]++
			}
		}
	}

	best := 0
	for i := range counts {
		if counts[i] > counts[best] {
			best = i
		}
	}
	return delimiters[best]
}

// FirstLine returns the first line of data that is not blank, without its
// line break.
func FirstLine(data []byte) []byte {
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		if len(bytes.TrimSpace(line)) > 0 {
			return bytes.TrimSuffix(line, []byte{'\r'})
		}
	}
	return nil
}

// HiddenDelimiter finds the character that separates column names in a
// header row that was read as one cell, because the file uses a delimiter
// that Delimiter does not choose, such as a colon or a full-width comma.
// It returns the first punctuation or symbol character that splits cell
// into at least two parts for which isColumn is true. Hyphens, dots,
// underscores and quotes are not tried, because column names contain them.
func HiddenDelimiter(cell string, isColumn func(string) bool) (rune, bool) {
	tried := map[rune]bool{}
	for _, r := range cell {
		if tried[r] || !maybeDelimiter(r) {
			continue
		}
		tried[r] = true

		known := 0
		for part := range strings.SplitSeq(cell, string(r)) {
			if isColumn(part) {
				known++
			}
		}
		if known >= 2 {
			return r, true
		}
	}
	return 0, false
}

func maybeDelimiter(r rune) bool {
	switch r {
	case '-', '.', '_', '"', '\'', utf8.RuneError:
		return false
	}
	return unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// DelimiterName names a delimiter for a message, such as "'|'" or "a tab".
func DelimiterName(r rune) string {
	switch r {
	case '\t':
		return "a tab"
	case ' ':
		return "a space"
	}
	return "'" + string(r) + "'"
}

// ScientificNotation reports whether a cell's text is a number in
// scientific notation, such as 1.58E+08 or 1,58E+08 with a decimal comma.
// A spreadsheet can show a long number in that form and save it so in a
// CSV file, so an id that became a number arrives rounded.
func ScientificNotation(s string) bool {
	mantissa, exponent, found := strings.Cut(strings.ToUpper(s), "E")
	if !found {
		return false
	}
	whole, fraction, _ := strings.Cut(strings.TrimLeft(mantissa, "+-"), ".")
	if strings.Contains(whole, ",") {
		whole, fraction, _ = strings.Cut(whole, ",")
	}
	return isDigits(whole) && (fraction == "" || isDigits(fraction)) && isDigits(strings.TrimLeft(exponent, "+-"))
}

func isDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}
