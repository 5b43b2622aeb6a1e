package verifier

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"encoding/binary"
	"fmt"
)

// Multicodec codes of the public keys that Multikey values may hold.
const (
	codecEd25519 = 0xed   // written as the varint bytes 0xed 0x01
	codecP256    = 0x1200 // written as the varint bytes 0x80 0x24, compressed point
)

// maxMultibaseLen bounds a Multikey value, whose base58 decoding is
// quadratic in its length. A compressed P-256 key needs 49 characters.
const maxMultibaseLen = 128

// parseMultikey decodes a publicKeyMultibase value or did:key identifier:
// "z" (base58btc), an unsigned varint multicodec code and the raw key. It
// accepts Ed25519 keys of exactly 32 bytes and compressed P-256 points.
// Errors wrap ErrInvalidKey.
func parseMultikey(mb string) (crypto.PublicKey, error) {
	if len(mb) < 2 || mb[0] != 'z' {
		return nil, fmt.Errorf("%w: multibase key %q does not start with \"z\" (base58btc)", ErrInvalidKey, clip(mb))
	}
	if len(mb) > maxMultibaseLen {
		return nil, fmt.Errorf("%w: multibase key has %d characters, more than any supported key", ErrInvalidKey, len(mb))
	}
	raw, err := decodeBase58(mb[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: multibase key %q: %v", ErrInvalidKey, clip(mb), err)
	}

	code, n := binary.Uvarint(raw)
	if n <= 0 || n != len(binary.AppendUvarint(nil, code)) {
		return nil, fmt.Errorf("%w: multibase key %q has no valid multicodec prefix", ErrInvalidKey, clip(mb))
	}
	key := raw[n:]

	switch code {
	case codecEd25519:
		if len(key) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("%w: invalid public key length: the Ed25519 key in %q has %d bytes, want 32", ErrInvalidKey, clip(mb), len(key))
		}
		return ed25519.PublicKey(key), nil
	case codecP256:
		return compressedP256(key)
	}
	return nil, fmt.Errorf("%w: multicodec 0x%x in %q is not an Ed25519 or P-256 public key", ErrInvalidKey, code, clip(mb))
}

// compressedP256 decodes a SEC 1 compressed P-256 point (0x02 or 0x03 and
// 32 bytes of x).
func compressedP256(b []byte) (crypto.PublicKey, error) {
	if len(b) != 33 || (b[0] != 2 && b[0] != 3) {
		return nil, fmt.Errorf("%w: invalid public key length: a compressed P-256 key has 33 bytes starting 0x02 or 0x03, got %d bytes", ErrInvalidKey, len(b))
	}
	x, y := elliptic.UnmarshalCompressed(elliptic.P256(), b)
	if x == nil {
		return nil, fmt.Errorf("%w: the compressed P-256 point is not on the curve", ErrInvalidKey)
	}

	point := make([]byte, 65)
	point[0] = 4
	x.FillBytes(point[1:33])
	y.FillBytes(point[33:])
	return ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58Index maps a character to its digit value, or -1.
var base58Index = func() [256]int8 {
	var idx [256]int8
	for i := range idx {
		idx[i] = -1
	}
	for i := 0; i < len(base58Alphabet); i++ {
		idx[base58Alphabet[i]] = int8(i)
	}
	return idx
}()

// decodeBase58 decodes the Bitcoin base58 alphabet; each leading '1'
// stands for one leading zero byte.
func decodeBase58(s string) ([]byte, error) {
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}

	// out holds the number in base 256, least significant byte first.
	var out []byte
	for i := zeros; i < len(s); i++ {
		digit := base58Index[s[i]]
		if digit < 0 {
			return nil, fmt.Errorf("character %q is not base58", s[i])
		}
		carry := int(digit)
		for j := range out {
			carry += int(out[j]) * 58
			out[j] = byte(carry)
			carry >>= 8
		}
		for carry > 0 {
			out = append(out, byte(carry))
			carry >>= 8
		}
	}

	result := make([]byte, zeros, zeros+len(out))
	for i := len(out) - 1; i >= 0; i-- {
		result = append(result, out[i])
	}
	return result, nil
}
