package verifier

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// JWS is a parsed compact JWS (RFC 7515 §7.1). Nothing in it is verified.
type JWS struct {
	Header    Header
	Payload   []byte // decoded payload
	Signature []byte // decoded signature

	// SigningInput is the ASCII text the signature covers: the encoded
	// header, a dot and the encoded payload.
	SigningInput string
}

// Header is the JOSE header of a JWS.
type Header struct {
	Alg  string          `json:"alg"`
	Kid  string          `json:"kid,omitempty"`
	Typ  string          `json:"typ,omitempty"`
	Cty  string          `json:"cty,omitempty"`
	JWK  json.RawMessage `json:"jwk,omitempty"`
	Crit []string        `json:"crit,omitempty"`

	// Others lists the names of members other than alg, kid, typ, cty, jwk
	// and crit, which OB 3.0 does not allow.
	Others []string `json:"-"`
}

// b64 decodes base64url without padding and rejects non-zero trailing
// bits. Use decodeBase64URL, which also rejects line breaks.
var b64 = base64.RawURLEncoding.Strict()

// decodeBase64URL decodes s as base64url without padding, accepting
// exactly one encoding of each byte string. encoding/base64 skips CR and
// LF even in strict mode, so a JWS part with a line break inside would
// decode to the same bytes as the part without it, while the signature
// covers the text with it.
func decodeBase64URL(s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return nil, &charError{index: i, offset: i, char: c}
		}
	}
	return b64.DecodeString(s)
}

// charError is a byte outside the base64url alphabet.
type charError struct {
	index  int  // in the decoded string
	offset int  // in the whole compact JWS, when the string is one of its parts
	char   byte // the byte at index
}

func (e *charError) Error() string {
	return fmt.Sprintf("byte %d is %q, which is not in the base64url alphabet", e.index, e.char)
}

// ParseJWS parses a compact JWS strictly: three base64url parts without
// padding separated by dots, a header that is a JSON object without
// duplicate members and with a string "alg", and a payload that is not
// empty. Surrounding whitespace must be trimmed by the caller. Errors wrap
// ErrMalformed.
func ParseJWS(compact string) (*JWS, error) {
	parts := strings.Split(compact, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("%w: a compact JWS has 3 parts separated by dots, this has %d", ErrMalformed, len(parts))
	}

	header, err := decodePartAt("header", parts[0], 0)
	if err != nil {
		return nil, err
	}
	payload, err := decodePartAt("payload", parts[1], len(parts[0])+1)
	if err != nil {
		return nil, err
	}
	var sig []byte
	if parts[2] != "" {
		if sig, err = decodePartAt("signature", parts[2], len(parts[0])+len(parts[1])+2); err != nil {
			return nil, err
		}
	}

	h, err := parseHeader(header)
	if err != nil {
		return nil, err
	}
	return &JWS{Header: *h, Payload: payload, Signature: sig, SigningInput: parts[0] + "." + parts[1]}, nil
}

func decodePart(name, part string) ([]byte, error) {
	return decodePartAt(name, part, 0)
}

// decodePartAt decodes the JWS part that starts at byte start of the
// compact JWS. An error for a byte outside the alphabet wraps a
// *charError with its offset in the compact JWS.
func decodePartAt(name, part string, start int) ([]byte, error) {
	if part == "" {
		return nil, fmt.Errorf("%w: the JWS %s is empty", ErrMalformed, name)
	}
	out, err := decodeBase64URL(part)
	if ce, ok := err.(*charError); ok {
		ce.offset = start + ce.index
		return nil, fmt.Errorf("%w: the JWS %s is not base64url without padding: %w", ErrMalformed, name, ce)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: the JWS %s is not base64url without padding: %v", ErrMalformed, name, err)
	}
	return out, nil
}

// knownHeaders are the members that Header decodes.
var knownHeaders = map[string]bool{"alg": true, "kid": true, "typ": true, "cty": true, "jwk": true, "crit": true}

func parseHeader(data []byte) (*Header, error) {
	if err := checkJSONObject(data); err != nil {
		return nil, fmt.Errorf("%w: JOSE header: %v", ErrMalformed, err)
	}

	var members map[string]json.RawMessage
	if err := json.Unmarshal(data, &members); err != nil {
		return nil, fmt.Errorf("%w: JOSE header: %v", ErrMalformed, err)
	}
	var h Header
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("%w: JOSE header: %s", ErrMalformed, describeJSONError(err))
	}
	if raw, ok := members["alg"]; !ok || !isJSONString(raw) || h.Alg == "" {
		return nil, fmt.Errorf("%w: the JOSE header has no \"alg\" string", ErrMalformed)
	}
	if raw, ok := members["jwk"]; ok && (len(raw) == 0 || raw[0] != '{') {
		return nil, fmt.Errorf("%w: the JOSE header \"jwk\" is not a JSON object", ErrMalformed)
	}

	for name := range members {
		if !knownHeaders[name] {
			h.Others = append(h.Others, name)
		}
	}
	slices.Sort(h.Others)
	return &h, nil
}

func isJSONString(raw json.RawMessage) bool {
	return len(raw) > 0 && raw[0] == '"'
}
