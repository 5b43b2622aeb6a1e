package verifier

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDamagedTokenMessage checks that any text yields no message or one
// short sentence, and never a panic.
func FuzzDamagedTokenMessage(f *testing.F) {
	f.Add("eyJhbGciOiJFUzI1NiJ9.e30\r\n.c2ln")
	f.Add("\u202eeyJhbGciOiJFUzI1NiJ9.e30.c2ln")
	f.Add("eyJhbGciOiJFUzI1NiJ9=.e30.c2ln")
	f.Add("a+b.c/d.e\x00")
	f.Add("eyJ\xff.a.b")

	f.Fuzz(func(t *testing.T, s string) {
		msg := damagedTokenMessage(s)
		if msg == "" {
			return
		}
		if n := utf8.RuneCountInString(msg); n > 400 {
			t.Fatalf("message has %d characters: %s", n, msg)
		}
		if !strings.HasPrefix(msg, "The ") {
			t.Fatalf("message %q does not start a sentence", msg)
		}
	})
}
