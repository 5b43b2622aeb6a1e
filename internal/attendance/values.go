package attendance

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxValueLen caps Problem.Value in bytes, so one pasted paragraph does not
// swell every message that quotes it.
const maxValueLen = 100

// maxSessions is the largest session count accepted. A bigger number is
// almost always a student id or a date pasted into the wrong column.
const maxSessions = 10000

// trimCell removes leading and trailing white space, including U+00A0 and
// the other Unicode spaces (unicode.IsSpace), plus zero-width space U+200B
// and byte order marks U+FEFF that spreadsheets leave at cell edges. The
// result is a substring of s, so trimming never allocates.
func trimCell(s string) string {
	if s == "" || (isPlainASCII(s[0]) && isPlainASCII(s[len(s)-1])) {
		return s
	}
	return strings.TrimFunc(s, isTrimmable)
}

// isPlainASCII reports whether b is an ASCII byte that is not white space
// and so cannot start or end a trimmable rune.
func isPlainASCII(b byte) bool {
	return b > ' ' && b < utf8.RuneSelf
}

func isTrimmable(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200B' || r == '\uFEFF'
}

// clip shortens s to at most maxValueLen bytes without splitting a UTF-8
// sequence, marking a cut with "…".
func clip(s string) string {
	if len(s) <= maxValueLen {
		return s
	}
	cut := maxValueLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// unwrapExcelText turns ="00123", the form spreadsheet users type to keep
// leading zeros in a CSV, into 00123.
func unwrapExcelText(s string) string {
	if len(s) >= 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		return s[2 : len(s)-1]
	}
	return s
}

// parseCount reads a non-negative whole number of sessions. It accepts a
// zero fraction such as "4.0" or "4,00" because spreadsheets write whole
// numbers that way under some number formats and locales. ok is false for
// anything else, including values above maxSessions.
func parseCount(s string) (n int, ok bool) {
	i := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		n = n*10 + int(s[i]-'0')
		if n > maxSessions {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	if i == len(s) {
		return n, true
	}
	if s[i] != '.' && s[i] != ',' || i+1 == len(s) {
		return 0, false
	}
	for _, c := range []byte(s[i+1:]) {
		if c != '0' {
			return 0, false
		}
	}
	return n, true
}

// parseAssessment normalises an assessment cell to "pass", "fail" or "".
func parseAssessment(s string) (string, bool) {
	switch {
	case s == "", strings.EqualFold(s, "n/a"):
		return "", true
	case strings.EqualFold(s, "pass"), strings.EqualFold(s, "passed"):
		return "pass", true
	case strings.EqualFold(s, "fail"), strings.EqualFold(s, "failed"):
		return "fail", true
	}
	return "", false
}

// parseWithhold reads a withhold cell: a mark such as "yes" or "x"
// withholds the badge, and a blank cell or "no" does not.
func parseWithhold(s string) (withhold, ok bool) {
	for _, yes := range []string{"yes", "y", "true", "1", "x"} {
		if strings.EqualFold(s, yes) {
			return true, true
		}
	}
	for _, no := range []string{"", "no", "n", "false", "0"} {
		if strings.EqualFold(s, no) {
			return false, true
		}
	}
	return false, false
}

// isDigits reports whether s is non-empty and all ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
