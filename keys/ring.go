package keys

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/laurel-badges/laurel/issuer"
)

// Ring holds the issuer's public keys and the active private key. It is
// immutable after Open and safe for concurrent use.
type Ring struct {
	did    string
	active *activeKey
	public []*publicKey // active first, then in store order
	jwks   []byte
	didDoc []byte
}

// activeKey is the parsed private key that signs, with its protected header
// already encoded.
type activeKey struct {
	id     string
	alg    string
	priv   crypto.Signer
	header []byte // base64url of the protected header, then "."
}

// publicKey is one published key.
type publicKey struct {
	id  string
	alg string
	key crypto.PublicKey
}

var _ issuer.Signer = (*Ring)(nil)

// newRing parses every stored public key and decrypts the active private key.
func newRing(stored []*issuer.SigningKey, active *issuer.SigningKey, masterKey []byte, issuerDID string) (*Ring, error) {
	r := &Ring{did: issuerDID}

	ordered := append([]*issuer.SigningKey{active}, without(stored, active)...)
	for _, k := range ordered {
		pk, err := parseStoredPublic(k)
		if err != nil {
			return nil, fmt.Errorf("open signing keys: %w", err)
		}
		r.public = append(r.public, pk)
	}

	priv, err := openPrivate(active, masterKey, r.public[0].key)
	if err != nil {
		return nil, fmt.Errorf("open signing keys: %w", err)
	}
	header, err := encodeHeader(active.Algorithm, kid(issuerDID, active.ID))
	if err != nil {
		return nil, fmt.Errorf("open signing keys: %w", err)
	}
	r.active = &activeKey{id: active.ID, alg: active.Algorithm, priv: priv, header: header}

	if r.jwks, err = r.buildJWKS(); err != nil {
		return nil, fmt.Errorf("open signing keys: %w", err)
	}
	if r.didDoc, err = r.buildDIDDocument(); err != nil {
		return nil, fmt.Errorf("open signing keys: %w", err)
	}
	return r, nil
}

func without(keys []*issuer.SigningKey, skip *issuer.SigningKey) []*issuer.SigningKey {
	out := make([]*issuer.SigningKey, 0, len(keys))
	for _, k := range keys {
		if k != skip {
			out = append(out, k)
		}
	}
	return out
}

// protectedHeader is the whole JOSE header: OB 3.0 allows no other members.
type protectedHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ"`
}

func encodeHeader(alg, kid string) ([]byte, error) {
	h, err := json.Marshal(protectedHeader{Alg: alg, Kid: kid, Typ: "JWT"})
	if err != nil {
		return nil, fmt.Errorf("encode JOSE header: %w", err)
	}
	out := base64.RawURLEncoding.AppendEncode(nil, h)
	return append(out, '.'), nil
}

// Sign returns the compact JWS of payload signed with the active key, and
// the active key's id. The protected header holds only alg, kid
// (<issuer DID>#<key id>) and typ "JWT". ES256 signatures are the 64-byte
// r||s form of RFC 7518, not DER.
func (r *Ring) Sign(ctx context.Context, payload []byte) (jws, keyID string, err error) {
	if err := ctx.Err(); err != nil {
		return "", "", fmt.Errorf("sign credential: %w", err)
	}

	k := r.active
	enc := base64.RawURLEncoding
	buf := make([]byte, 0, len(k.header)+enc.EncodedLen(len(payload))+1+enc.EncodedLen(512))
	buf = append(buf, k.header...)
	buf = enc.AppendEncode(buf, payload)

	sig, err := k.sign(buf)
	if err != nil {
		return "", "", fmt.Errorf("sign credential with key %s: %w", k.id, err)
	}

	buf = append(buf, '.')
	buf = enc.AppendEncode(buf, sig)
	return string(buf), k.id, nil
}

// sign returns the JWS signature of the signing input.
func (k *activeKey) sign(input []byte) ([]byte, error) {
	switch priv := k.priv.(type) {
	case *rsa.PrivateKey:
		digest := sha256.Sum256(input)
		return rsa.SignPKCS1v15(nil, priv, crypto.SHA256, digest[:])

	case *ecdsa.PrivateKey:
		digest := sha256.Sum256(input)
		r, s, err := ecdsa.Sign(rand.Reader, priv, digest[:])
		if err != nil {
			return nil, err
		}
		sig := make([]byte, 64)
		r.FillBytes(sig[:32])
		s.FillBytes(sig[32:])
		return sig, nil

	case ed25519.PrivateKey:
		return ed25519.Sign(priv, input), nil
	}
	return nil, fmt.Errorf("private key of type %T cannot sign", k.priv)
}

// ActiveKeyID returns the id of the key that signs, without the DID.
func (r *Ring) ActiveKeyID() string { return r.active.id }

// Algorithm returns the JOSE algorithm of the active key.
func (r *Ring) Algorithm() string { return r.active.alg }

// DID returns the issuer DID that every kid starts with.
func (r *Ring) DID() string { return r.did }

// KID returns the JOSE kid of the key with id keyID: <issuer DID>#<keyID>.
func (r *Ring) KID(keyID string) string { return kid(r.did, keyID) }
