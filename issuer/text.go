package issuer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// CheckLine returns a ValidationError for field when value is not valid
// UTF-8 or contains a control character: the C0 range U+0000 to U+001F
// (tab and line breaks included), U+007F or the C1 range U+0080 to
// U+009F. It is the rule for one-line text such as names, titles, units,
// email addresses, ids and search queries.
//
// PostgreSQL cannot store U+0000 in a text column, terminals and
// spreadsheets act on the other control characters, and a line break in
// a name breaks the layout of credentials, certificates and CSV exports.
// Invalid UTF-8 would reach the database as text it rejects or garbles.
func CheckLine(field, value string) error {
	return checkText(field, value, false)
}

// CheckMultiline is CheckLine for text that may span lines, such as
// descriptions, criteria and reasons: it allows tab, line feed, and a
// carriage return that comes before a line feed, as browsers send the
// lines of a textarea.
func CheckMultiline(field, value string) error {
	return checkText(field, value, true)
}

func checkText(field, value string, multiline bool) error {
	position := 0
	for i, r := range value {
		position++
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(value[i:]); size == 1 {
				return Invalidf(field, "is not valid UTF-8 text: byte 0x%02X at position %d is not a character; save or type the text again as UTF-8", value[i], position)
			}
		}
		if !unicode.IsControl(r) || allowedControl(value[i:], r, multiline) {
			continue
		}
		switch r {
		case '\n', '\r':
			return Invalidf(field, "contains a line break at position %d; write it on one line", position)
		case '\t':
			return Invalidf(field, "contains a tab at position %d; use a space instead", position)
		}
		return Invalidf(field, "contains a control character U+%04X at position %d; remove it", r, position)
	}
	return nil
}

// allowedControl reports whether the control character r at the start of
// rest is allowed in multi-line text.
func allowedControl(rest string, r rune, multiline bool) bool {
	if !multiline {
		return false
	}
	switch r {
	case '\t', '\n':
		return true
	case '\r':
		return strings.HasPrefix(rest, "\r\n")
	}
	return false
}

// checkUnit checks the name of an organising unit, which is also the last
// segment of its profile URL /units/{name}. A proxy may decode a slash
// escaped as %2F into a path separator, and clients remove a segment of .
// or .. from a path (RFC 3986 section 5.2.4), so either would make the
// unit's URL name another page.
func checkUnit(unit string) error {
	if err := CheckLine("unit", unit); err != nil {
		return err
	}
	if strings.ContainsAny(unit, `/\`) {
		return Invalidf("unit", "%q contains a slash, which would split the unit's web address /units/{name}; write it without / or \\, such as \"Careers and Alumni Office\"", unit)
	}
	if unit == "." || unit == ".." {
		return Invalidf("unit", "%q is not a name; name the organising unit, such as Careers Centre", unit)
	}
	return nil
}
