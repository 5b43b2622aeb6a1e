package verifier

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"fmt"
	"math/big"
	"strings"
)

// checkAlgorithm rejects the JWS algorithms that cannot prove who signed:
// "none" (no signature) and the HMAC family (a shared secret), and every
// algorithm this package does not implement. Errors wrap ErrAlgorithm.
func checkAlgorithm(alg string) error {
	switch {
	case alg == "RS256", alg == "PS256", alg == "ES256", alg == "EdDSA":
		return nil
	case strings.EqualFold(alg, "none"):
		return fmt.Errorf("%w: the token uses \"alg\": %q, which means it carries no signature", ErrAlgorithm, clip(alg))
	case strings.HasPrefix(alg, "HS"):
		return fmt.Errorf("%w: the token uses %s, an HMAC algorithm whose shared secret cannot show who issued it", ErrAlgorithm, clip(alg))
	}
	return fmt.Errorf("%w: algorithm %q is not supported; badges must be signed with RS256, PS256, ES256 or EdDSA", ErrAlgorithm, clip(alg))
}

// verifySignature checks sig over input with key under alg, which
// checkAlgorithm has accepted. ES256 signatures are the 64-byte r||s form
// of RFC 7518 §3.4, never DER. Errors wrap ErrSignature, or ErrInvalidKey
// when the key does not fit alg.
func verifySignature(alg string, key crypto.PublicKey, input, sig []byte) error {
	digest := sha256.Sum256(input)

	switch alg {
	case "RS256", "PS256":
		k, ok := key.(*rsa.PublicKey)
		if !ok {
			return keyMismatch(alg, key)
		}
		var err error
		if alg == "RS256" {
			err = rsa.VerifyPKCS1v15(k, crypto.SHA256, digest[:], sig)
		} else {
			err = rsa.VerifyPSS(k, crypto.SHA256, digest[:], sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		}
		if err != nil {
			return fmt.Errorf("%w: %s", ErrSignature, alg)
		}
		return nil

	case "ES256":
		k, ok := key.(*ecdsa.PublicKey)
		if !ok || k.Curve != elliptic.P256() {
			return keyMismatch(alg, key)
		}
		if len(sig) != 64 {
			return fmt.Errorf("%w: an ES256 signature has 64 bytes (r||s), this has %d", ErrSignature, len(sig))
		}
		r := new(big.Int).SetBytes(sig[:32])
		s := new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(k, digest[:], r, s) {
			return fmt.Errorf("%w: ES256", ErrSignature)
		}
		return nil

	case "EdDSA":
		k, ok := key.(ed25519.PublicKey)
		if !ok {
			return keyMismatch(alg, key)
		}
		if !ed25519.Verify(k, input, sig) {
			return fmt.Errorf("%w: EdDSA", ErrSignature)
		}
		return nil
	}
	return checkAlgorithm(alg)
}

func keyMismatch(alg string, key crypto.PublicKey) error {
	return fmt.Errorf("%w: a %s key cannot verify an %s signature", ErrInvalidKey, keyKind(key), alg)
}

// keyKind names the type of key in words.
func keyKind(key crypto.PublicKey) string {
	switch k := key.(type) {
	case *rsa.PublicKey:
		return fmt.Sprintf("%d-bit RSA", k.N.BitLen())
	case *ecdsa.PublicKey:
		return k.Curve.Params().Name + " EC"
	case ed25519.PublicKey:
		return "Ed25519"
	}
	return fmt.Sprintf("%T", key)
}
