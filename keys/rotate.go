package keys

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// RotationStore is the part of issuer.Store that Rotate and RevokeKey need.
type RotationStore interface {
	KeyStore
	// RotateSigningKey retires the active key and inserts next as the
	// active key, in one transaction.
	RotateSigningKey(ctx context.Context, next *issuer.SigningKey) error
	// RevokeSigningKey marks a retired key revoked at the given time.
	RevokeSigningKey(ctx context.Context, id string, at time.Time) error
}

var _ issuer.KeyManager = (*Ring)(nil)

// errCannotRotate is returned when the ring's store cannot rotate keys.
var errCannotRotate = errors.New("the key store cannot rotate or revoke keys")

// Rotate makes a new active key with the ring's algorithm and retires the
// active one, which signs nothing more but stays published, so that every
// credential it signed still verifies. It returns the new key without its
// encrypted private part.
func (r *Ring) Rotate(ctx context.Context) (*issuer.SigningKey, error) {
	rs, ok := r.store.(RotationStore)
	if !ok {
		return nil, fmt.Errorf("rotate signing key: %w", errCannotRotate)
	}
	r.mu.Lock()
	defer r.mu.Unlock()

	k, err := r.rotate(ctx, rs)
	if err != nil {
		return nil, err
	}
	return publicPart(k), nil
}

// rotate stores a new active key and reloads. The caller holds r.mu.
func (r *Ring) rotate(ctx context.Context, rs RotationStore) (*issuer.SigningKey, error) {
	k, err := generate(r.alg, r.master)
	if err != nil {
		return nil, fmt.Errorf("rotate signing key: %w", err)
	}
	if err := rs.RotateSigningKey(ctx, k); err != nil {
		return nil, fmt.Errorf("rotate signing key: %w", err)
	}
	if err := r.reload(ctx); err != nil {
		return nil, fmt.Errorf("rotate signing key: %w", err)
	}
	return k, nil
}

// RevokeKey revokes a compromised key: it is no longer published in the
// DID document and the JWK Set, so that nothing it signed verifies any
// more. When it is the active key, a new active key is made first. It
// returns issuer.ErrNotFound for an unknown key and issuer.ErrConflict for
// a key revoked already. Re-issuing the credentials the key signed is the
// caller's task; Service.RevokeSigningKey does it.
func (r *Ring) RevokeKey(ctx context.Context, keyID string) error {
	rs, ok := r.store.(RotationStore)
	if !ok {
		return fmt.Errorf("revoke signing key %s: %w", keyID, errCannotRotate)
	}
	r.mu.Lock()
	defer r.mu.Unlock()

	// The store's view decides whether the key is active, not the ring's,
	// which may be up to RefreshInterval old.
	if err := r.reload(ctx); err != nil {
		return fmt.Errorf("revoke signing key %s: %w", keyID, err)
	}
	if r.state.Load().active.id == keyID {
		if _, err := r.rotate(ctx, rs); err != nil {
			return fmt.Errorf("revoke signing key %s: %w", keyID, err)
		}
	}

	if err := rs.RevokeSigningKey(ctx, keyID, time.Now()); err != nil {
		return fmt.Errorf("revoke signing key %s: %w", keyID, err)
	}
	if err := r.reload(ctx); err != nil {
		return fmt.Errorf("revoke signing key %s: %w", keyID, err)
	}
	return nil
}

// publicPart returns a copy of k without its encrypted private key.
func publicPart(k *issuer.SigningKey) *issuer.SigningKey {
	c := *k
	c.EncryptedPrivate = nil
	return &c
}
