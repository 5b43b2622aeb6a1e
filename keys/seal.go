package keys

import (
	"crypto"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// sealVersion is the first byte of an encrypted private key, so that the
// format can change without guessing.
const sealVersion = 1

// sealInfo separates the AES key derived for signing keys from any other key
// that is derived from the same master key.
const sealInfo = "laurel signing key encryption v1"

// keyIDEncoding writes key ids in lowercase base32 without padding.
var keyIDEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// newKeyID returns "k" and 12 base32 characters (60 random bits). The store
// rejects a duplicate id, so an id is never reused.
func newKeyID() string {
	b := make([]byte, 8)
	rand.Read(b)
	return "k" + keyIDEncoding.EncodeToString(b)[:12]
}

// generate creates a new active key for alg with its private part sealed
// under masterKey.
func generate(alg string, masterKey []byte) (*issuer.SigningKey, error) {
	priv, err := newPrivateKey(alg)
	if err != nil {
		return nil, fmt.Errorf("generate %s key: %w", alg, err)
	}

	id := newKeyID()
	pub := priv.Public()
	jwkJSON, err := marshalPublicJWK(pub, id, alg)
	if err != nil {
		return nil, fmt.Errorf("generate %s key: %w", alg, err)
	}

	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("generate %s key: %w", alg, err)
	}
	sealed, err := seal(masterKey, id, der)
	if err != nil {
		return nil, fmt.Errorf("generate %s key: %w", alg, err)
	}

	return &issuer.SigningKey{
		ID:               id,
		Algorithm:        alg,
		Status:           issuer.KeyActive,
		PublicJWK:        jwkJSON,
		EncryptedPrivate: sealed,
		CreatedAt:        time.Now().UTC(),
	}, nil
}

func newPrivateKey(alg string) (crypto.Signer, error) {
	switch alg {
	case RS256:
		return rsa.GenerateKey(rand.Reader, RSAKeyBits)
	case ES256:
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case EdDSA:
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	}
	return nil, fmt.Errorf("algorithm %q is not supported", alg)
}

// sealKey derives the AES-256 key for signing keys from the master key.
func sealKey(masterKey []byte) ([]byte, error) {
	return hkdf.Key(sha256.New, masterKey, nil, sealInfo, 32)
}

// seal encrypts plaintext with AES-256-GCM and binds it to the key id as
// additional data, so that a sealed key copied to another id does not open.
// The result is the version byte, the 12-byte nonce and the ciphertext.
func seal(masterKey []byte, keyID string, plaintext []byte) ([]byte, error) {
	aead, err := newAEAD(masterKey)
	if err != nil {
		return nil, err
	}

	out := make([]byte, 1+aead.NonceSize(), 1+aead.NonceSize()+len(plaintext)+aead.Overhead())
	out[0] = sealVersion
	rand.Read(out[1:])
	return aead.Seal(out, out[1:], plaintext, []byte(keyID)), nil
}

// errUnseal is returned when authentication fails: the master key or the
// key id differs from the ones used to seal, or the data was changed.
var errUnseal = errors.New("message authentication failed")

// unseal reverses seal.
func unseal(masterKey []byte, keyID string, sealed []byte) ([]byte, error) {
	aead, err := newAEAD(masterKey)
	if err != nil {
		return nil, err
	}
	if len(sealed) < 1+aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("sealed key has %d bytes, too short to be valid", len(sealed))
	}
	if sealed[0] != sealVersion {
		return nil, fmt.Errorf("sealed key has format version %d, want %d", sealed[0], sealVersion)
	}

	nonce := sealed[1 : 1+aead.NonceSize()]
	plaintext, err := aead.Open(nil, nonce, sealed[1+aead.NonceSize():], []byte(keyID))
	if err != nil {
		return nil, errUnseal
	}
	return plaintext, nil
}

func newAEAD(masterKey []byte) (cipher.AEAD, error) {
	key, err := sealKey(masterKey)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// openPrivate decrypts and parses the private key of k and checks that it
// matches alg and the stored public key.
func openPrivate(k *issuer.SigningKey, masterKey []byte, pub crypto.PublicKey) (crypto.Signer, error) {
	der, err := unseal(masterKey, k.ID, k.EncryptedPrivate)
	if errors.Is(err, errUnseal) {
		return nil, fmt.Errorf("cannot decrypt signing key %s: wrong master key? Start with the master key file or data folder master.key in use when the key was created: %w", k.ID, ErrWrongMasterKey)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot decrypt signing key %s: %w", k.ID, err)
	}

	parsed, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, fmt.Errorf("parse signing key %s: %w", k.ID, err)
	}
	priv, ok := parsed.(crypto.Signer)
	if !ok || !matchesAlgorithm(priv.Public(), k.Algorithm) {
		return nil, fmt.Errorf("signing key %s: private key of type %T does not fit algorithm %s", k.ID, parsed, k.Algorithm)
	}
	if !publicEqual(priv.Public(), pub) {
		return nil, fmt.Errorf("signing key %s: private key does not match the stored public key", k.ID)
	}
	if rk, ok := priv.(*rsa.PrivateKey); ok {
		if err := rk.Validate(); err != nil {
			return nil, fmt.Errorf("signing key %s: %w", k.ID, err)
		}
	}
	return priv, nil
}

// matchesAlgorithm reports whether pub is a key of the type and size that
// alg needs.
func matchesAlgorithm(pub crypto.PublicKey, alg string) bool {
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return alg == RS256 && k.N.BitLen() >= 2048
	case *ecdsa.PublicKey:
		return alg == ES256 && k.Curve == elliptic.P256()
	case ed25519.PublicKey:
		return alg == EdDSA
	}
	return false
}

func publicEqual(a, b crypto.PublicKey) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

// kid returns the JOSE key id of keyID: the DID URL <issuer DID>#<keyID>.
func kid(issuerDID, keyID string) string {
	return issuerDID + "#" + keyID
}

// isKeyID reports whether id can stand unescaped in a DID URL fragment.
func isKeyID(id string) bool {
	return id != "" && !strings.ContainsAny(id, "#/?: \t\r\n")
}
