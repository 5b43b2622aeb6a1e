package verifier_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

// TestVerifyDamagedToken verifies tokens damaged the ways copying damages
// them. The format check names the problem and its position.
func TestVerifyDamagedToken(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	jws := ti.issue(t, ti.input(t, 0))
	if len(jws) < 2200 {
		t.Fatalf("the harness token has %d characters; the line break case needs 2,200", len(jws))
	}
	header := jws[:strings.IndexByte(jws, '.')]
	insert := func(at int, s string) string { return jws[:at] + s + jws[at:] }
	standard := strings.NewReplacer("-", "+", "_", "/").Replace(jws)
	firstStandard := strings.IndexAny(standard, "+/")

	tests := []struct {
		name  string
		input string
		code  string
		want  string
	}{
		{"line break", insert(2149, "\r\n"), "malformed", "The token has a line break at character 2,150, which email programs add when they wrap long lines; remove it and try again."},
		{"line feed in the header", insert(10, "\n"), "malformed", "line break at character 11"},
		{"padding", insert(len(header), "=="), "malformed", "The token has padding '=' at character " + formatted(len(header)+1) + ", which compact JWS does not use"},
		{"standard base64", standard, "malformed", "uses '+' and '/' (the first at character " + formatted(firstStandard+1) + "), so it is not base64url"},
		{"leading U+202E", "\u202e" + jws, "malformed", "The token starts with an invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)"},
		{"NUL", insert(100, "\x00"), "malformed", "an invisible character U+0000 (NUL) at character 101"},
		{"zero width space", insert(500, "\u200b"), "malformed", "an invisible character U+200B (ZERO WIDTH SPACE) at character 501"},
		{"space", insert(50, " "), "malformed", "The token has a space at character 51"},
		{"accented letter", insert(7, "é"), "malformed", "the character é (U+00E9) at character 8"},
		{"four parts", insert(len(jws), ".\nx"), "malformed", "looks like a token (a compact JWS), but it is damaged: a compact JWS has 3 parts separated by dots, this has 4"},
		{"prose with two dots", "Hello there. This is not a token. Bye", "not_credential", "neither a compact JWS nor a JSON credential"},
		{"link", "https://badges.example.edu/credentials/1.jwt", "not_credential", "neither a compact JWS nor a JSON credential"},
	}
	v := newVerifier(t, localOptions(ti.did))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v.Verify(context.Background(), []byte(tt.input))

			wantVerdict(t, r, verifier.Invalid)
			c := checkOf(t, r, verifier.CheckFormat)
			if c.Code != tt.code {
				t.Errorf("format check code %q, want %q", c.Code, tt.code)
			}
			if !strings.Contains(c.Message, tt.want) {
				t.Errorf("format message lacks %q:\n%s", tt.want, c.Message)
			}
		})
	}
}

// formatted writes n as the messages do, with commas between thousands.
func formatted(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
