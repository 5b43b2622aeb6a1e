package verifier

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"
)

// maxJSONDepth bounds the nesting of objects and arrays. Credentials nest
// about ten levels deep (endorsements inside issuer profiles inside the
// credential); 64 leaves room and stops pathological input early.
const maxJSONDepth = 64

// checkJSONObject reports whether data is exactly one JSON object in UTF-8
// with no duplicate member names at any depth and at most maxJSONDepth
// levels. Duplicate names are rejected because decoders disagree on which
// value wins, so a signer and a verifier could read different credentials.
// Other encodings are rejected because encoding/json would replace their
// bytes with U+FFFD and verify text that nobody signed.
func checkJSONObject(data []byte) error {
	if !utf8.Valid(data) {
		return errors.New("not UTF-8, which JSON between systems must be (RFC 8259 §8.1); the file may have been saved in another encoding such as Windows-1252, so use the file as the issuer sent it")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()

	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return errors.New("not a JSON object")
	}
	if err := checkObject(dec, 1); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("text follows the JSON object")
	}
	return nil
}

// checkObject reads the members of an object whose '{' has been read.
func checkObject(dec *json.Decoder, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("nested deeper than %d levels", maxJSONDepth)
	}
	seen := map[string]bool{}
	for {
		tok, err := dec.Token()
		if err != nil {
			return fmt.Errorf("not JSON: %w", err)
		}
		if d, ok := tok.(json.Delim); ok && d == '}' {
			return nil
		}
		name, ok := tok.(string)
		if !ok {
			return errors.New("not JSON: expected a member name")
		}
		if seen[name] {
			return fmt.Errorf("member %q appears twice in one object", clip(name))
		}
		seen[name] = true
		if err := checkValue(dec, depth); err != nil {
			return err
		}
	}
}

func checkValue(dec *json.Decoder, depth int) error {
	tok, err := dec.Token()
	if err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	d, ok := tok.(json.Delim)
	if !ok {
		return nil
	}
	switch d {
	case '{':
		return checkObject(dec, depth+1)
	case '[':
		return checkArray(dec, depth+1)
	}
	return fmt.Errorf("not JSON: unexpected %q", d)
}

func checkArray(dec *json.Decoder, depth int) error {
	if depth > maxJSONDepth {
		return fmt.Errorf("nested deeper than %d levels", maxJSONDepth)
	}
	for dec.More() {
		if err := checkValue(dec, depth); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return fmt.Errorf("not JSON: %w", err)
	}
	return nil
}

// decodeObject checks data with checkJSONObject and decodes it with
// numbers kept as json.Number, the form the JSON Schema validator expects.
func decodeObject(data []byte) (map[string]any, error) {
	if err := checkJSONObject(data); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("not JSON: %w", err)
	}
	return m, nil
}

// str returns m[key] when it is a string, else "".
func str(m map[string]any, key string) string {
	s, _ := m[key].(string)
	return s
}

// object returns m[key] when it is a JSON object, else nil.
func object(m map[string]any, key string) map[string]any {
	o, _ := m[key].(map[string]any)
	return o
}

// stringList returns v as a list when it is a string or an array of
// strings. For any other shape, including arrays with other values, ok is
// false.
func stringList(v any) (list []string, ok bool) {
	switch t := v.(type) {
	case string:
		return []string{t}, true
	case []any:
		for _, e := range t {
			s, isString := e.(string)
			if !isString {
				return nil, false
			}
			list = append(list, s)
		}
		return list, true
	}
	return nil, false
}

// idOf returns the id of a value that is either an IRI string or an object
// with an "id" member.
func idOf(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		return str(t, "id")
	}
	return ""
}

// text returns a human-readable string: the value itself, or for a JSON-LD
// language map the English entry or else the entry of the first language in
// sorted order.
func text(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case map[string]any:
		if s, ok := t["en"].(string); ok {
			return s
		}
		best := ""
		for lang, val := range t {
			if _, ok := val.(string); ok && (best == "" || lang < best) {
				best = lang
			}
		}
		if best != "" {
			return t[best].(string)
		}
	}
	return ""
}

// numericDate reads a JWT NumericDate as whole seconds since the epoch,
// truncating any fraction.
func numericDate(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return i, true
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsNaN(f) || math.Abs(f) > 1e15 {
		return 0, false
	}
	return int64(f), true
}
