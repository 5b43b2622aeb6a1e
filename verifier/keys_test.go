package verifier

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"errors"
	"math/big"
	"strings"
	"testing"
)

// encodeBase58 is the Bitcoin base58 encoding, for building test keys.
func encodeBase58(b []byte) string {
	n := new(big.Int).SetBytes(b)
	var out []byte
	base, mod := big.NewInt(58), new(big.Int)
	for n.Sign() > 0 {
		n.DivMod(n, base, mod)
		out = append(out, base58Alphabet[mod.Int64()])
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// counting returns the bytes first, first+1, … of length n.
func counting(first byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = first + byte(i)
	}
	return b
}

func TestDecodeBase58(t *testing.T) {
	tests := []struct {
		in   string
		want []byte
	}{
		{"", []byte{}},
		{"1", []byte{0}},
		{"11", []byte{0, 0}},
		{"2", []byte{1}},
		{"z", []byte{57}},
		{"21", []byte{58}},
		{"5R", []byte{1, 0}},
		{"5Q", []byte{255}},
		{"1112", []byte{0, 0, 0, 1}},
	}
	for _, tt := range tests {
		got, err := decodeBase58(tt.in)
		if err != nil || !bytes.Equal(got, tt.want) {
			t.Errorf("decodeBase58(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
		if enc := encodeBase58(tt.want); enc != tt.in {
			t.Errorf("encodeBase58(%v) = %q, want %q", tt.want, enc, tt.in)
		}
	}
	for _, bad := range []string{"0", "O", "I", "l", "+", "z z"} {
		if _, err := decodeBase58(bad); err == nil {
			t.Errorf("decodeBase58(%q) accepted a character outside the alphabet", bad)
		}
	}
}

// TestParseMultikeyEncodings decodes the same 32 bytes (0x01…0x20) written
// three ways: only the varint-prefixed form is an Ed25519 key.
func TestParseMultikeyEncodings(t *testing.T) {
	key := counting(1, 32)
	p256, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	compressed := elliptic.MarshalCompressed(elliptic.P256(), p256.X, p256.Y)
	ecdhKey, err := p256.PublicKey.ECDH()
	if err != nil {
		t.Fatal(err)
	}
	uncompressed := ecdhKey.Bytes()

	tests := []struct {
		name    string
		mb      string
		wantErr string
	}{
		{"Ed25519 with varint 0xed01", "z6MkeXCES4onVW4up9Qgz1KRnZsKmGufcaZxF6Zpv2w5QwUK", ""},
		{"Ed25519 with single byte 0xed", "z2DQV12UmiXK9LZtC9z92RqnnQwAk9Qm241B9iy55AxtU2K", "invalid public key length"},
		{"Ed25519 without prefix", "z4wBqpZM9xaSheZzJSMawUKKwhdpChKbZ5eu5ky4Vigw", "multicodec 0x1"},
		{"Ed25519 of 31 bytes", "z" + encodeBase58(append([]byte{0xed, 0x01}, key[:31]...)), "invalid public key length"},
		{"Ed25519 of 33 bytes", "z" + encodeBase58(append([]byte{0xed, 0x01}, append(key, 0x21)...)), "invalid public key length"},
		{"P-256 compressed", "z" + encodeBase58(append([]byte{0x80, 0x24}, compressed...)), ""},
		{"P-256 uncompressed", "z" + encodeBase58(append([]byte{0x80, 0x24}, uncompressed...)), "invalid public key length"},
		{"P-256 code not varint", "z" + encodeBase58(append([]byte{0x12, 0x00}, compressed...)), "multicodec 0x12"},
		{"non-minimal varint", "z" + encodeBase58(append([]byte{0xed, 0x81, 0x00}, key...)), "no valid multicodec prefix"},
		{"base64url multibase", "u" + base64.RawURLEncoding.EncodeToString(append([]byte{0xed, 0x01}, key...)), `does not start with "z"`},
		{"not base58", "z6Mk0OIl", "not base58"},
		{"too long", "z" + strings.Repeat("2", 200), "more than any supported key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pub, err := parseMultikey(tt.mb)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrInvalidKey) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseMultikey(%q) = %v, want ErrInvalidKey containing %q", tt.mb, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseMultikey(%q): %v", tt.mb, err)
			}
			switch k := pub.(type) {
			case ed25519.PublicKey:
				if !bytes.Equal(k, key) {
					t.Errorf("Ed25519 key = %x, want %x", []byte(k), key)
				}
			case *ecdsa.PublicKey:
				if !k.Equal(&p256.PublicKey) {
					t.Error("P-256 key differs from the encoded one")
				}
			default:
				t.Errorf("key of type %T", pub)
			}
		})
	}
}

func TestParseJWK(t *testing.T) {
	x := base64.RawURLEncoding.EncodeToString(counting(1, 32))
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	point, _ := ec.PublicKey.Bytes()
	ecX, ecY := base64.RawURLEncoding.EncodeToString(point[1:33]), base64.RawURLEncoding.EncodeToString(point[33:])
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	n := base64.RawURLEncoding.EncodeToString(rsaKey.N.Bytes())
	// A 32-byte value whose base64 has '+' and '/' in the standard alphabet.
	stdX := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xfb, 0xff, 0xbf}, 11)[:32])

	tests := []struct {
		name    string
		jwk     string
		wantErr string
	}{
		{"Ed25519", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `"}`, ""},
		{"Ed25519 x padded", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `="}`, "base64url without padding"},
		{"Ed25519 x standard base64", `{"kty":"OKP","crv":"Ed25519","x":"` + stdX + `"}`, "base64url without padding"},
		{"Ed25519 x of 31 bytes", `{"kty":"OKP","crv":"Ed25519","x":"` + base64.RawURLEncoding.EncodeToString(counting(1, 31)) + `"}`, "has 31 bytes, want 32"},
		{"Ed25519 x of 33 bytes", `{"kty":"OKP","crv":"Ed25519","x":"` + base64.RawURLEncoding.EncodeToString(counting(1, 33)) + `"}`, "has 33 bytes, want 32"},
		{"Ed25519 with private d", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `","d":"` + x + `"}`, `private member "d"`},
		{"X25519", `{"kty":"OKP","crv":"X25519","x":"` + x + `"}`, `curve "X25519"`},
		{"Ed448", `{"kty":"OKP","crv":"Ed448","x":"` + x + `"}`, `curve "Ed448"`},
		{"P-256", `{"kty":"EC","crv":"P-256","x":"` + ecX + `","y":"` + ecY + `"}`, ""},
		{"P-256 point off the curve", `{"kty":"EC","crv":"P-256","x":"` + ecX + `","y":"` + ecX + `"}`, "not on the curve"},
		{"P-256 y missing", `{"kty":"EC","crv":"P-256","x":"` + ecX + `"}`, `no "y"`},
		{"P-256 x of 31 bytes", `{"kty":"EC","crv":"P-256","x":"` + base64.RawURLEncoding.EncodeToString(point[1:32]) + `","y":"` + ecY + `"}`, "has 31 bytes"},
		{"P-384", `{"kty":"EC","crv":"P-384","x":"` + ecX + `","y":"` + ecY + `"}`, `curve "P-384"`},
		{"RSA 2048", `{"kty":"RSA","n":"` + n + `","e":"AQAB"}`, ""},
		{"RSA 1024", `{"kty":"RSA","n":"` + base64.RawURLEncoding.EncodeToString(small.N.Bytes()) + `","e":"AQAB"}`, "1024 bits"},
		{"RSA even exponent", `{"kty":"RSA","n":"` + n + `","e":"AQAA"}`, "not an odd number"},
		{"RSA with private p", `{"kty":"RSA","n":"` + n + `","e":"AQAB","p":"AQAB"}`, `private member "p"`},
		{"symmetric key", `{"kty":"oct","k":"c2VjcmV0"}`, `private member "k"`},
		{"no kty", `{"crv":"Ed25519","x":"` + x + `"}`, `no "kty"`},
		{"use enc", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `","use":"enc"}`, `"use"`},
		{"key_ops sign only", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `","key_ops":["sign"]}`, `"key_ops"`},
		{"key_ops verify", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `","key_ops":["verify"],"use":"sig"}`, ""},
		{"duplicate x", `{"kty":"OKP","crv":"Ed25519","x":"` + x + `","x":"` + x + `"}`, "appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := parseJWK([]byte(tt.jwk))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("parseJWK: %v", err)
				}
				if k.key == nil {
					t.Fatal("parseJWK returned no key")
				}
				return
			}
			if err == nil || !errors.Is(err, ErrInvalidKey) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("parseJWK = %v, want ErrInvalidKey containing %q", err, tt.wantErr)
			}
		})
	}
}
