package verifier

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
)

// publicKey is a verification key with the metadata its source states.
type publicKey struct {
	key crypto.PublicKey
	id  string // kid of the JWK or id of the DID verification method
	alg string // "alg" member of the JWK; empty when absent
	iss string // "iss" member of the JWK; empty when absent
}

// RSA key sizes accepted, in bits. NIST SP 800-57 Part 1 sets 2048 bits as
// the minimum; the maximum bounds the cost of one verification.
const (
	minRSABits = 2048
	maxRSABits = 8192
)

// privateMembers are the JWK members of private and symmetric keys
// (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2).
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// parseJWK reads a public JWK strictly: no private members, every binary
// member base64url without padding and of the exact length its curve
// needs, and only the key types that RS256, PS256, ES256 and EdDSA use.
// Errors wrap ErrInvalidKey.
func parseJWK(data []byte) (*publicKey, error) {
	if err := checkJSONObject(data); err != nil {
		return nil, fmt.Errorf("%w: JWK: %v", ErrInvalidKey, err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%w: JWK: %s", ErrInvalidKey, describeJSONError(err))
	}

	for _, name := range privateMembers {
		if _, ok := m[name]; ok {
			return nil, fmt.Errorf("%w: the JWK contains the private member %q; a published key must hold only public members", ErrInvalidKey, name)
		}
	}
	if err := checkKeyUse(m); err != nil {
		return nil, err
	}

	key, err := jwkPublicKey(m)
	if err != nil {
		return nil, err
	}
	return &publicKey{key: key, id: str(m, "kid"), alg: str(m, "alg"), iss: str(m, "iss")}, nil
}

// checkKeyUse rejects a JWK whose "use" or "key_ops" forbids verifying.
func checkKeyUse(m map[string]any) error {
	if use, ok := m["use"]; ok && use != "sig" {
		return fmt.Errorf("%w: the JWK has \"use\": %s; a signing key needs \"sig\"", ErrInvalidKey, clip(use))
	}
	if ops, ok := m["key_ops"]; ok {
		list, isList := stringList(ops)
		if !isList || !slices.Contains(list, "verify") {
			return fmt.Errorf("%w: the JWK \"key_ops\" does not include \"verify\"", ErrInvalidKey)
		}
	}
	return nil
}

func jwkPublicKey(m map[string]any) (crypto.PublicKey, error) {
	switch kty := str(m, "kty"); kty {
	case "RSA":
		return rsaKey(m)
	case "EC":
		return ecKey(m)
	case "OKP":
		return okpKey(m)
	case "":
		return nil, fmt.Errorf("%w: the JWK has no \"kty\"", ErrInvalidKey)
	default:
		return nil, fmt.Errorf("%w: JWK key type %q is not supported; use RSA, EC (P-256) or OKP (Ed25519)", ErrInvalidKey, clip(kty))
	}
}

// jwkBytes decodes the base64url member name of a JWK. When size is not 0
// the decoded value must have exactly size bytes.
func jwkBytes(m map[string]any, name string, size int) ([]byte, error) {
	s, ok := m[name].(string)
	if !ok {
		return nil, fmt.Errorf("%w: the JWK has no %q string", ErrInvalidKey, name)
	}
	b, err := decodeBase64URL(s)
	if err != nil {
		return nil, fmt.Errorf("%w: JWK member %q is not base64url without padding: %v", ErrInvalidKey, name, err)
	}
	if size != 0 && len(b) != size {
		return nil, fmt.Errorf("%w: JWK member %q has %d bytes, want %d", ErrInvalidKey, name, len(b), size)
	}
	return b, nil
}

func rsaKey(m map[string]any) (crypto.PublicKey, error) {
	n, err := jwkBytes(m, "n", 0)
	if err != nil {
		return nil, err
	}
	e, err := jwkBytes(m, "e", 0)
	if err != nil {
		return nil, err
	}

	modulus := new(big.Int).SetBytes(n)
	if bits := modulus.BitLen(); bits < minRSABits || bits > maxRSABits {
		return nil, fmt.Errorf("%w: the RSA key has %d bits; use %d to %d bits", ErrInvalidKey, bits, minRSABits, maxRSABits)
	}
	if len(e) == 0 || len(e) > 4 {
		return nil, fmt.Errorf("%w: the RSA exponent has %d bytes; use 65537", ErrInvalidKey, len(e))
	}
	exp := new(big.Int).SetBytes(e).Int64()
	if exp < 3 || exp%2 == 0 || exp > 1<<31-1 {
		return nil, fmt.Errorf("%w: the RSA exponent %d is not an odd number from 3 to 2^31-1", ErrInvalidKey, exp)
	}
	return &rsa.PublicKey{N: modulus, E: int(exp)}, nil
}

func ecKey(m map[string]any) (crypto.PublicKey, error) {
	if crv := str(m, "crv"); crv != "P-256" {
		return nil, fmt.Errorf("%w: EC curve %q is not supported; ES256 needs P-256", ErrInvalidKey, clip(crv))
	}
	x, err := jwkBytes(m, "x", 32)
	if err != nil {
		return nil, err
	}
	y, err := jwkBytes(m, "y", 32)
	if err != nil {
		return nil, err
	}

	point := append([]byte{4}, x...)
	point = append(point, y...)
	key, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
	if err != nil {
		return nil, fmt.Errorf("%w: the P-256 point is not on the curve", ErrInvalidKey)
	}
	return key, nil
}

func okpKey(m map[string]any) (crypto.PublicKey, error) {
	if crv := str(m, "crv"); crv != "Ed25519" {
		return nil, fmt.Errorf("%w: OKP curve %q is not supported; EdDSA needs Ed25519", ErrInvalidKey, clip(crv))
	}
	x, err := jwkBytes(m, "x", ed25519.PublicKeySize)
	if err != nil {
		return nil, err
	}
	return ed25519.PublicKey(x), nil
}

// sameKey reports whether a and b are the same public key.
func sameKey(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}
