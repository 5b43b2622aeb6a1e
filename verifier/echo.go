package verifier

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// Bounds of the text that messages repeat from the input. The messages
// are for people, and a kid of a megabyte or ten thousand proofs would
// otherwise make a message of that size.
const (
	// maxEchoRunes bounds each value from the input or from a fetched
	// document that a message repeats, such as a kid, a URL or a type.
	maxEchoRunes = 100
	// maxListed bounds the items of a list in one message.
	maxListed = 5
	// maxMessageRunes bounds a whole check message; finish cuts longer
	// ones, which only a message that nests others can reach.
	maxMessageRunes = 2000
)

// clip returns v as text, cut after maxEchoRunes characters with an
// ellipsis. Every message that repeats a value from the input or from a
// fetched document passes it through clip.
func clip(v any) string {
	s, ok := v.(string)
	if !ok {
		s = fmt.Sprint(v)
	}
	return cutRunes(s, maxEchoRunes)
}

// cutRunes returns s cut after n characters with an ellipsis.
func cutRunes(s string, n int) string {
	count := 0
	for i := range s {
		if count == n {
			return s[:i] + "…"
		}
		count++
	}
	return s
}

// listItems joins at most maxListed items with sep and counts the rest,
// if any.
func listItems(items []string, sep string) string {
	if len(items) <= maxListed {
		return strings.Join(items, sep)
	}
	return fmt.Sprintf("%s%sand %d more", strings.Join(items[:maxListed], sep), sep, len(items)-maxListed)
}

// describeJSONError returns an encoding/json error in words that name the
// member and the JSON types, never a Go type.
func describeJSONError(err error) string {
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return fmt.Sprintf("member %q is a JSON %s; expected %s", clip(typeErr.Field), typeErr.Value, jsonKindOf(typeErr.Type))
	case errors.As(err, &typeErr):
		return fmt.Sprintf("the document is a JSON %s; expected %s", typeErr.Value, jsonKindOf(typeErr.Type))
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("not JSON at byte %d: %s", syntaxErr.Offset, strings.TrimPrefix(syntaxErr.Error(), "json: "))
	}
	return clip(strings.TrimPrefix(err.Error(), "json: "))
}

// jsonKindOf names the JSON type that decodes into a Go type.
func jsonKindOf(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map, reflect.Pointer:
		return "an object"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	}
	return "another type"
}
