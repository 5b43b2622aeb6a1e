// Package keys manages the issuer's signing keys. It derives the issuer's
// did:web and loads the master key. It generates signing keys and stores
// them encrypted at rest, signs VC-JWT credentials with the active key, and
// publishes every public key as a JWK Set and a DID document.
//
// Supported algorithms are RS256 (RSA 2048, the default because every OB 3.0
// verifier must accept it), ES256 (P-256) and EdDSA (Ed25519).
package keys

import (
	"context"
	"errors"
	"fmt"

	"github.com/laurel-badges/laurel/issuer"
)

// JOSE algorithm names accepted by Open.
const (
	RS256 = "RS256"
	ES256 = "ES256"
	EdDSA = "EdDSA"

	// DefaultAlgorithm is used when Open is given an empty algorithm.
	DefaultAlgorithm = RS256
)

// RSAKeyBits is the size of generated RSA keys. NIST SP 800-57 Part 1
// accepts 2048 bits (112-bit security) until 2030, and signing costs about a
// third of 3072 bits (RSA signing time grows with the cube of the size),
// which matters when one upload issues thousands of credentials.
// NOTE: existing RSA keys keep their size; raising this affects new keys only.
const RSAKeyBits = 2048

// maxOpenAttempts bounds how often Open reloads after losing the race to
// create the first active key.
const maxOpenAttempts = 3

// ErrWrongMasterKey is returned by Open when the active signing key does not
// decrypt with the given master key.
var ErrWrongMasterKey = errors.New("the encrypted key failed authentication under this master key")

// KeyStore is the part of issuer.Store that Open needs.
type KeyStore interface {
	// SigningKeys lists every key, active first, then by creation time.
	SigningKeys(ctx context.Context) ([]*issuer.SigningKey, error)
	// CreateSigningKey inserts k. It returns issuer.ErrConflict when k is
	// active and another active key exists.
	CreateSigningKey(ctx context.Context, k *issuer.SigningKey) error
}

// Open loads every signing key from ks and returns a Ring that signs with
// the active one. When the store has no active key, Open generates one with
// alg (DefaultAlgorithm when empty) and stores it with its private key
// encrypted under masterKey. alg does not change an existing active key;
// it is the algorithm of the keys that Rotate makes later.
//
// Several processes may call Open at once on an empty store: the store
// accepts one active key, and the losers reload and use it.
func Open(ctx context.Context, ks KeyStore, masterKey []byte, issuerDID, alg string) (*Ring, error) {
	if len(masterKey) != MasterKeySize {
		return nil, fmt.Errorf("open signing keys: master key has %d bytes, want %d", len(masterKey), MasterKeySize)
	}
	if issuerDID == "" {
		return nil, errors.New("open signing keys: issuer DID is empty; derive it from the base URL with DIDWeb")
	}
	if alg == "" {
		alg = DefaultAlgorithm
	}
	if !supported(alg) {
		return nil, fmt.Errorf("open signing keys: algorithm %q is not supported; use RS256, ES256 or EdDSA", alg)
	}

	for range maxOpenAttempts {
		stored, err := ks.SigningKeys(ctx)
		if err != nil {
			return nil, fmt.Errorf("open signing keys: %w", err)
		}
		if findActive(stored) != nil {
			return newRing(ks, stored, masterKey, issuerDID, alg)
		}

		k, err := generate(alg, masterKey)
		if err != nil {
			return nil, fmt.Errorf("open signing keys: %w", err)
		}
		err = ks.CreateSigningKey(ctx, k)
		if errors.Is(err, issuer.ErrConflict) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("open signing keys: store new key %s: %w", k.ID, err)
		}
	}
	return nil, fmt.Errorf("open signing keys: no active key after %d attempts to create one; check the store's unique rule on active keys", maxOpenAttempts)
}

func supported(alg string) bool {
	return alg == RS256 || alg == ES256 || alg == EdDSA
}

// findActive returns the first active key; the store keeps at most one.
func findActive(stored []*issuer.SigningKey) *issuer.SigningKey {
	for _, k := range stored {
		if k.Status == issuer.KeyActive {
			return k
		}
	}
	return nil
}
