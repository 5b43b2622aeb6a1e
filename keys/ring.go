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
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// Ring holds the issuer's published public keys and the active private
// key. It is safe for concurrent use.
//
// Another process may rotate or revoke keys in the same store, such as
// laurel keys rotate while a server runs. The ring therefore re-reads the
// key set when it is more than RefreshInterval old, at the next Sign or
// Refresh. The check is one query of the small signing_keys table, and the
// keys are parsed again only when their ids or statuses changed.
type Ring struct {
	did    string
	store  KeyStore
	master []byte
	alg    string // algorithm of the keys that Rotate makes

	mu      sync.Mutex // serialises reloads, rotations and revocations
	state   atomic.Pointer[ringState]
	checked atomic.Int64 // time of the last read of the store, in Unix nanoseconds
}

// RefreshInterval is the maximum age of the ring's view of the store before
// Sign and Refresh read it again. A rotation or revocation made by another
// process reaches a running server within this time.
const RefreshInterval = 2 * time.Second

// ringState is one loaded key set. It is never changed after it is built.
type ringState struct {
	active      *activeKey
	public      []*publicKey // active first, then in store order; revoked keys left out
	jwks        []byte
	didDoc      []byte
	fingerprint string // ids and statuses of every stored key, to detect changes
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

// newRing returns a ring on the stored keys, whose active key is active.
func newRing(ks KeyStore, stored []*issuer.SigningKey, masterKey []byte, issuerDID, alg string) (*Ring, error) {
	r := &Ring{did: issuerDID, store: ks, master: masterKey, alg: alg}
	st, err := r.buildState(stored)
	if err != nil {
		return nil, fmt.Errorf("open signing keys: %w", err)
	}
	r.state.Store(st)
	r.checked.Store(time.Now().UnixNano())
	return r, nil
}

// buildState parses every published key and decrypts the active one.
func (r *Ring) buildState(stored []*issuer.SigningKey) (*ringState, error) {
	active := findActive(stored)
	if active == nil {
		return nil, errors.New("the store has no active signing key; run laurel keys rotate to make one")
	}

	st := &ringState{fingerprint: fingerprint(stored)}
	ordered := append([]*issuer.SigningKey{active}, without(stored, active)...)
	for _, k := range ordered {
		if k.Status == issuer.KeyRevoked {
			continue
		}
		pk, err := parseStoredPublic(k)
		if err != nil {
			return nil, err
		}
		st.public = append(st.public, pk)
	}

	priv, err := openPrivate(active, r.master, st.public[0].key)
	if err != nil {
		return nil, err
	}
	header, err := encodeHeader(active.Algorithm, kid(r.did, active.ID))
	if err != nil {
		return nil, err
	}
	st.active = &activeKey{id: active.ID, alg: active.Algorithm, priv: priv, header: header}

	if st.jwks, err = buildJWKS(r.did, st.public); err != nil {
		return nil, err
	}
	if st.didDoc, err = buildDIDDocument(r.did, st.public); err != nil {
		return nil, err
	}
	return st, nil
}

// fingerprint lists the id and status of every stored key, in store order.
func fingerprint(stored []*issuer.SigningKey) string {
	var b strings.Builder
	for _, k := range stored {
		b.WriteString(k.ID + "=" + string(k.Status) + ";")
	}
	return b.String()
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

// Refresh re-reads the key set from the store when the ring's view is
// older than RefreshInterval, or always when force is set, and loads the
// keys again when another process rotated or revoked one. It is cheap to
// call on every request.
func (r *Ring) Refresh(ctx context.Context, force bool) error {
	if !force && !r.stale() {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if !force && !r.stale() {
		return nil
	}
	return r.reload(ctx)
}

func (r *Ring) stale() bool {
	return time.Since(time.Unix(0, r.checked.Load())) >= RefreshInterval
}

// reload reads the store and replaces the state when the keys changed.
// The caller holds r.mu.
func (r *Ring) reload(ctx context.Context) error {
	stored, err := r.store.SigningKeys(ctx)
	if err != nil {
		return fmt.Errorf("reload signing keys: %w", err)
	}
	r.checked.Store(time.Now().UnixNano())
	if fingerprint(stored) == r.state.Load().fingerprint {
		return nil
	}

	st, err := r.buildState(stored)
	if err != nil {
		return fmt.Errorf("reload signing keys: %w", err)
	}
	r.state.Store(st)
	return nil
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
	if err := r.Refresh(ctx, false); err != nil {
		return "", "", fmt.Errorf("sign credential: %w", err)
	}

	k := r.state.Load().active
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
func (r *Ring) ActiveKeyID() string { return r.state.Load().active.id }

// Algorithm returns the JOSE algorithm of the active key.
func (r *Ring) Algorithm() string { return r.state.Load().active.alg }

// Published reports whether the key with id keyID is in the published
// documents: the active key and the retired ones, not revoked ones.
func (r *Ring) Published(keyID string) bool {
	for _, pk := range r.state.Load().public {
		if pk.id == keyID {
			return true
		}
	}
	return false
}

// DID returns the issuer DID that every kid starts with.
func (r *Ring) DID() string { return r.did }

// KID returns the JOSE kid of the key with id keyID: <issuer DID>#<keyID>.
func (r *Ring) KID(keyID string) string { return kid(r.did, keyID) }
