package verifier

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxStrayShare bounds the share of characters outside the compact JWS
// alphabet in text that is still read as a damaged token. A token wrapped
// by an email program has about one line break in 76 characters. One
// converted to standard base64 has a '+' or '/' in about 32. Prose has a
// space in about six, and a URL has ':' and '/' in its first eight.
const maxStrayShare = 10 // percent

// damagedTokenMessage explains, in words for the person who pasted it, why
// text that looks like a compact JWS is not one, or returns "" when the
// text does not look like one. Text looks like a token when it starts with
// "eyJ" (the encoding of `{"`) and has two dots or more, or has exactly
// two dots, and at most maxStrayShare percent of its characters are
// outside the alphabet. The reason comes from ParseJWS, with the position
// of the first character it rejects.
func damagedTokenMessage(s string) string {
	dots := strings.Count(s, ".")
	if !(strings.HasPrefix(s, "eyJ") && dots >= 2) && dots != 2 {
		return ""
	}
	stray, total := 0, 0
	for _, r := range s {
		total++
		if r >= utf8.RuneSelf || !jwsAlphabet[r] {
			stray++
		}
	}
	if stray*100 > total*maxStrayShare {
		return ""
	}

	_, err := ParseJWS(s)
	var ce *charError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &ce):
		return charMessage(s, ce.offset)
	}
	return fmt.Sprintf("The input looks like a token (a compact JWS), but it is damaged: %s. Copy the token again as the issuer sent it.", strings.TrimPrefix(err.Error(), ErrMalformed.Error()+": "))
}

// charNames names invisible characters that copying text adds.
var charNames = map[rune]string{
	0x0000: "NUL",
	0x00A0: "NO-BREAK SPACE",
	0x00AD: "SOFT HYPHEN",
	0x200B: "ZERO WIDTH SPACE",
	0x200C: "ZERO WIDTH NON-JOINER",
	0x200D: "ZERO WIDTH JOINER",
	0x200E: "LEFT-TO-RIGHT MARK",
	0x200F: "RIGHT-TO-LEFT MARK",
	0x202A: "LEFT-TO-RIGHT EMBEDDING",
	0x202B: "RIGHT-TO-LEFT EMBEDDING",
	0x202C: "POP DIRECTIONAL FORMATTING",
	0x202D: "LEFT-TO-RIGHT OVERRIDE",
	0x202E: "RIGHT-TO-LEFT OVERRIDE",
	0x2060: "WORD JOINER",
	0xFEFF: "ZERO WIDTH NO-BREAK SPACE",
}

// charMessage explains the character at byte offset of token, which is
// not in the compact JWS alphabet. Positions are counted in characters
// from 1.
func charMessage(token string, offset int) string {
	r, _ := utf8.DecodeRuneInString(token[offset:])
	at := "at character " + formatCount(utf8.RuneCountInString(token[:offset])+1)

	switch {
	case r == '\n' || r == '\r':
		return fmt.Sprintf("The token has a line break %s, which email programs add when they wrap long lines; remove it and try again.", at)
	case r == '=':
		return fmt.Sprintf("The token has padding '=' %s, which compact JWS does not use; copy the token again as the issuer sent it.", at)
	case r == '+' || r == '/':
		return fmt.Sprintf("The token uses '+' and '/' (the first %s), so it is not base64url, the alphabet of compact JWS; it was probably converted to standard base64. Copy the token again as the issuer sent it.", at)
	case r == ' ' || r == '\t':
		return fmt.Sprintf("The token has a space %s; remove it and try again.", at)
	case r == utf8.RuneError:
		return fmt.Sprintf("The token has the byte 0x%02X %s, which is not text; copy the token again as the issuer sent it.", token[offset], at)
	case r < utf8.RuneSelf && unicode.IsPrint(r):
		return fmt.Sprintf("The token has the character %q %s; a compact JWS has only letters, digits, '-', '_' and two dots. Copy the token again as the issuer sent it.", r, at)
	}

	described := fmt.Sprintf("the character %c (U+%04X)", r, r)
	if name, ok := charNames[r]; ok || !unicode.IsPrint(r) {
		described = fmt.Sprintf("an invisible character U+%04X", r)
		if name != "" {
			described += " (" + name + ")"
		}
	}
	if offset == 0 {
		return fmt.Sprintf("The token starts with %s, which copying from a web page or document can add; remove it and try again.", described)
	}
	return fmt.Sprintf("The token has %s %s, which copying from a web page or document can add; remove it and try again.", described, at)
}

// formatCount writes n with commas between groups of three digits, as in
// 2,150.
func formatCount(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
