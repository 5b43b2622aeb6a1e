package verifier

import "fmt"

// maxEchoRunes bounds each value from the input that a message repeats,
// such as a kid, a URL or a type name. The messages are for people, and a
// value of a megabyte would otherwise make a megabyte message.
const maxEchoRunes = 100

// clip returns v as text, cut after maxEchoRunes characters with an
// ellipsis.
func clip(v any) string {
	s, ok := v.(string)
	if !ok {
		s = fmt.Sprint(v)
	}
	n := 0
	for i := range s {
		if n == maxEchoRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}
