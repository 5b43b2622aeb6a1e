package issuer_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

// Lists of 16 KiB with only index 0 meant to be revoked, compressed by
// zlib with a zero modification time. The first is packed most significant
// bit first, as Bitstring Status List v1.0 requires. The second is packed
// least significant bit first, the mistake that makes index 7 read as
// revoked.
const (
	msbFirstIndex0 = "uH4sIAAAAAAAC_-3BIQEAAAACIKc73RkWoAEAAAAAAAAAAAAAAAAAAADeBuRZQ2cAQAAA"
	lsbFirstIndex0 = "uH4sIAAAAAAAC_-3BIQEAAAACIP1_2hkWoAEAAAAAAAAAAAAAAAAAAADeBjn7xTYAQAAA"
)

func newBitstring(t testing.TB, size int, set ...int) issuer.Bitstring {
	t.Helper()
	b, err := issuer.NewBitstring(size)
	if err != nil {
		t.Fatal(err)
	}
	for _, i := range set {
		b.Set(i)
	}
	return b
}

func TestBitstringMostSignificantBitFirst(t *testing.T) {
	tests := []struct {
		name      string
		set       int
		wantByte  int
		wantValue byte
	}{
		{"index 0", 0, 0, 0x80},
		{"index 7", 7, 0, 0x01},
		{"index 8", 8, 1, 0x80},
		{"last index", issuer.MinStatusListSize - 1, issuer.MinStatusListSize/8 - 1, 0x01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBitstring(t, issuer.MinStatusListSize, tt.set)
			for i, v := range b {
				want := byte(0)
				if i == tt.wantByte {
					want = tt.wantValue
				}
				if v != want {
					t.Fatalf("byte %d = %#02x, want %#02x", i, v, want)
				}
			}
			if !b.Get(tt.set) {
				t.Errorf("Get(%d) = false after Set", tt.set)
			}
		})
	}
}

func TestBitstringEncodeMatchesKnownList(t *testing.T) {
	encoded, err := newBitstring(t, issuer.MinStatusListSize, 0).Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(encoded, "uH4sI") {
		t.Errorf("encodedList %q does not start with u and a GZIP header", encoded)
	}
	if strings.ContainsAny(encoded, "+/=") {
		t.Errorf("encodedList %q is not base64url without padding", encoded)
	}

	// zlib and Go's compress/flate write different DEFLATE streams for the
	// same input, so the bits are compared, not the text.
	ours, err := issuer.DecodeBitstring(encoded)
	if err != nil {
		t.Fatal(err)
	}
	known, err := issuer.DecodeBitstring(msbFirstIndex0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(ours, known) {
		t.Error("the list with index 0 revoked differs from the known MSB-first list")
	}
}

func TestDecodeBitstringKnownLists(t *testing.T) {
	tests := []struct {
		name         string
		encoded      string
		index0       bool
		index7       bool
		wantLen      int
		wantErrMatch string
	}{
		{name: "MSB first", encoded: msbFirstIndex0, index0: true, index7: false, wantLen: issuer.MinStatusListSize},
		{name: "LSB first reads index 7", encoded: lsbFirstIndex0, index0: false, index7: true, wantLen: issuer.MinStatusListSize},
		{name: "standard base64 without prefix", encoded: stdBase64(t, msbFirstIndex0), wantErrMatch: "multibase prefix u"},
		{name: "padded base64url", encoded: msbFirstIndex0 + "==", wantErrMatch: "base64url without padding"},
		{name: "not GZIP", encoded: "u" + base64.RawURLEncoding.EncodeToString([]byte("plain bits")), wantErrMatch: "not GZIP"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := issuer.DecodeBitstring(tt.encoded)
			if tt.wantErrMatch != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrMatch) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErrMatch)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if b.Len() != tt.wantLen {
				t.Errorf("Len = %d, want %d", b.Len(), tt.wantLen)
			}
			if b.Get(0) != tt.index0 || b.Get(7) != tt.index7 {
				t.Errorf("index 0 = %v, index 7 = %v; want %v, %v", b.Get(0), b.Get(7), tt.index0, tt.index7)
			}
		})
	}
}

// stdBase64 returns the GZIP bytes of a "u" list in standard base64 with
// padding and without the multibase prefix.
func stdBase64(t testing.TB, encoded string) string {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(encoded, "u"))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(raw)
}

func TestBitstringRoundTrip(t *testing.T) {
	set := []int{0, 7, 8, 1000, 94567, issuer.MinStatusListSize - 1}
	encoded, err := newBitstring(t, issuer.MinStatusListSize, set...).Encode()
	if err != nil {
		t.Fatal(err)
	}
	b, err := issuer.DecodeBitstring(encoded)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]bool{}
	for _, i := range set {
		want[i] = true
	}
	for i := range b.Len() {
		if b.Get(i) != want[i] {
			t.Fatalf("index %d = %v after a round trip, want %v", i, b.Get(i), want[i])
		}
	}
	if b.Get(-1) || b.Get(b.Len()) {
		t.Error("Get out of range returned true")
	}
}

func TestNewBitstringRejectsBadSize(t *testing.T) {
	for _, size := range []int{0, -8, 131071} {
		if _, err := issuer.NewBitstring(size); err == nil {
			t.Errorf("NewBitstring(%d) succeeded", size)
		}
	}
}
