package issuer

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"
)

// Status list sizes and purposes, from W3C Bitstring Status List v1.0.
const (
	// StatusPurposeRevocation is the only purpose Laurel issues: a set bit
	// means the credential is revoked for good.
	StatusPurposeRevocation = "revocation"

	// MinStatusListSize is the smallest list the specification allows:
	// 131,072 entries (16 KiB), so that one credential hides among many.
	// Every list Laurel creates has exactly this size.
	MinStatusListSize = 131072
)

// StatusList is one Bitstring Status List. Its entries are reserved in the
// store, and a bit is set when the credential at that index is revoked.
type StatusList struct {
	ID        string // UUID; the list credential's URL is URLs.StatusList(ID)
	Purpose   string // always StatusPurposeRevocation
	Size      int    // number of entries, a multiple of 8 and at least MinStatusListSize
	Revision  int64  // incremented by every change of a bit, so that caches can compare it
	CreatedAt time.Time
	UpdatedAt time.Time // time of the last change of a bit; the list credential's validFrom
}

// StatusEntry is a credential's position in a status list.
type StatusEntry struct {
	ListID string // empty when the credential has no entry
	Index  int
}

// IsZero reports whether e names no list.
func (e StatusEntry) IsZero() bool { return e.ListID == "" }

// Bitstring is the uncompressed bit array of a status list. Index 0 is the
// most significant bit of byte 0, as Bitstring Status List v1.0 requires
// (section 3.3, "Bitstring Generation Algorithm").
type Bitstring []byte

// NewBitstring returns a bitstring of size bits, all clear. Size must be a
// positive multiple of 8.
func NewBitstring(size int) (Bitstring, error) {
	if size <= 0 || size%8 != 0 {
		return nil, fmt.Errorf("bitstring size %d: use a positive multiple of 8", size)
	}
	return make(Bitstring, size/8), nil
}

// Len returns the number of bits.
func (b Bitstring) Len() int { return len(b) * 8 }

// Set sets the bit at index. It panics when index is out of range, like a
// slice index would.
func (b Bitstring) Set(index int) {
	b[index/8] |= 0x80 >> (index % 8)
}

// Get reports whether the bit at index is set; it returns false for an
// index out of range.
func (b Bitstring) Get(index int) bool {
	if index < 0 || index >= b.Len() {
		return false
	}
	return b[index/8]&(0x80>>(index%8)) != 0
}

// Encode returns the encodedList of the bitstring: "u" (the multibase
// prefix of base64url) followed by the base64url, without padding, of the
// GZIP (RFC 1952) of the bits. The GZIP header has no name and a zero
// modification time, so equal bits give equal text.
func (b Bitstring) Encode() (string, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return "", fmt.Errorf("encode bitstring: %w", err)
	}
	if _, err := zw.Write(b); err != nil {
		return "", fmt.Errorf("encode bitstring: %w", err)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("encode bitstring: %w", err)
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes()), nil
}

// maxBitstringBytes bounds a decoded bitstring, so that a small GZIP bomb
// cannot exhaust memory: 16 MiB is 128 times the minimum list.
const maxBitstringBytes = 16 << 20

// DecodeBitstring reverses Encode. It accepts only the multibase prefix "u"
// with base64url without padding, as the specification requires, and
// rejects plain or padded base64.
func DecodeBitstring(encoded string) (Bitstring, error) {
	text, ok := strings.CutPrefix(encoded, "u")
	if !ok {
		return nil, fmt.Errorf("decode bitstring: encodedList must start with the multibase prefix u (base64url)")
	}
	compressed, err := base64.RawURLEncoding.Strict().DecodeString(text)
	if err != nil {
		return nil, fmt.Errorf("decode bitstring: not base64url without padding: %w", err)
	}

	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("decode bitstring: not GZIP: %w", err)
	}
	bits, err := io.ReadAll(io.LimitReader(zr, maxBitstringBytes+1))
	if err != nil {
		return nil, fmt.Errorf("decode bitstring: %w", err)
	}
	if len(bits) > maxBitstringBytes {
		return nil, fmt.Errorf("decode bitstring: more than %d bytes uncompressed", maxBitstringBytes)
	}
	return Bitstring(bits), nil
}
