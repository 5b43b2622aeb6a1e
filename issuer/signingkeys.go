package issuer

import (
	"context"
	"errors"
	"fmt"
)

// KeyManager rotates and revokes the issuer's signing keys. keys.Ring
// implements it, and is the Service's Signer as well.
type KeyManager interface {
	// Rotate makes a new active key and retires the active one, which
	// stays published. It returns the new key without its private part.
	Rotate(ctx context.Context) (*SigningKey, error)
	// RevokeKey stops publishing a compromised key, making a new active
	// key first when it is the active one. It returns ErrNotFound for an
	// unknown key and ErrConflict for a key revoked already.
	RevokeKey(ctx context.Context, keyID string) error
	// Refresh loads the key set again when another process changed it. It
	// reads the store at most every few seconds unless force is set.
	Refresh(ctx context.Context, force bool) error
	// Published reports whether a key is in the published documents.
	Published(keyID string) bool
}

// errNoKeyManager is returned by the key operations of a Service without Keys.
var errNoKeyManager = errors.New("this service manages no signing keys; set Service.Keys")

// SigningKeys lists every signing key, the active one first, without the
// encrypted private keys. Only admins may list them.
func (s *Service) SigningKeys(ctx context.Context, actor *User) ([]*SigningKey, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	stored, err := s.Store.SigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list signing keys: %w", err)
	}
	out := make([]*SigningKey, len(stored))
	for i, k := range stored {
		c := *k
		c.EncryptedPrivate = nil
		out[i] = &c
	}
	return out, nil
}

// RotateKey makes a new active signing key and retires the active one. The
// retired key signs nothing more and stays published for good, so that
// every credential it signed still verifies. Only admins may rotate.
func (s *Service) RotateKey(ctx context.Context, actor *User) (*SigningKey, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if s.Keys == nil {
		return nil, errNoKeyManager
	}

	k, err := s.Keys.Rotate(ctx)
	if err != nil {
		return nil, err
	}
	s.audit(ctx, actor, "key.rotate", k.ID, auditJSON(map[string]any{"algorithm": k.Algorithm}))
	s.logger().InfoContext(ctx, "signing key rotated", "key_id", k.ID, "algorithm", k.Algorithm)
	return k, nil
}

// keyRevokedWhileSigning reloads the keys after the store rejected
// credentials signed by a key that another process revoked meanwhile. It
// returns a ConflictError whose message names the next step.
func (s *Service) keyRevokedWhileSigning(ctx context.Context, err error, next string) error {
	s.logger().WarnContext(ctx, "credentials signed by a key revoked meanwhile were rejected", "err", err)
	if s.Keys != nil {
		if err := s.Keys.Refresh(ctx, true); err != nil {
			s.logger().ErrorContext(ctx, "reload signing keys", "err", err)
		}
	}
	return Conflictf("the signing key was revoked while the credentials were signed, so nothing was issued; %s to sign with the new key", next)
}

// KeyRevocation reports the revocation of a compromised signing key.
type KeyRevocation struct {
	KeyID string

	// AlreadyRevoked is true when an earlier run revoked the key; this run
	// re-issued the credentials that run left.
	AlreadyRevoked bool

	// Found is the number of active credentials the key had signed, and
	// Reissued the number now replaced by credentials of the active key.
	Found    int
	Reissued int

	// Replaced maps the id of each revoked credential to its successor.
	Replaced map[string]string
}

// compromisedReason is the revocation reason of the credentials of a
// revoked key.
const compromisedReason = "signing key compromised"

// RevokeSigningKey revokes a compromised signing key and re-issues, with
// the active key, every active credential it signed. The key leaves the
// DID document and the JWK Set, so its credentials stop verifying. Their
// successors get new ids and status entries. Each old credential is
// revoked with the reason "signing key compromised" and linked to its
// successor. Running it again for a revoked key re-issues what an
// interrupted run left. Only admins may revoke keys.
func (s *Service) RevokeSigningKey(ctx context.Context, actor *User, keyID string) (*KeyRevocation, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if s.Keys == nil {
		return nil, errNoKeyManager
	}

	report := &KeyRevocation{KeyID: keyID, Replaced: map[string]string{}}
	err := s.Keys.RevokeKey(ctx, keyID)
	switch {
	case errors.Is(err, ErrConflict):
		report.AlreadyRevoked = true
	case err != nil:
		return nil, err
	default:
		s.audit(ctx, actor, "key.revoke", keyID, "")
		s.logger().WarnContext(ctx, "signing key revoked", "key_id", keyID)
	}

	awards, err := s.Store.Awards(ctx, AwardFilter{KeyID: keyID, Status: AwardActive})
	if err != nil {
		return report, fmt.Errorf("list the credentials of key %s: %w", keyID, err)
	}
	report.Found = len(awards)

	done, err := s.reissue(ctx, actor, awards, reissuePlan{reason: func(string) string { return compromisedReason }})
	for _, a := range done {
		report.Replaced[a.Credential.Replaces] = a.Credential.ID
	}
	report.Reissued = len(done)
	if len(done) > 0 {
		s.audit(ctx, actor, "key.revoke.reissue", keyID, auditJSON(map[string]any{"found": report.Found, "reissued": report.Reissued}))
	}
	if err != nil {
		return report, fmt.Errorf("re-issued %d of %d credentials of key %s; run the revocation again to re-issue the rest: %w", report.Reissued, report.Found, keyID, err)
	}
	return report, nil
}
