package keys

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/laurel-badges/laurel/issuer"
)

// RotateSigningKey retires the active key and stores next, like the real stores.
func (m *memStore) RotateSigningKey(ctx context.Context, next *issuer.SigningKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range m.keys {
		if k.Status == issuer.KeyActive {
			k.Status, k.RetiredAt = issuer.KeyRetired, next.CreatedAt
		}
	}
	c := *next
	m.keys = append(m.keys, &c)
	return nil
}

// RevokeSigningKey revokes a retired key, like the real stores.
func (m *memStore) RevokeSigningKey(ctx context.Context, id string, at time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range m.keys {
		if k.ID != id {
			continue
		}
		switch k.Status {
		case issuer.KeyActive:
			return issuer.ErrInvalid
		case issuer.KeyRevoked:
			return issuer.ErrConflict
		}
		k.Status, k.RevokedAt = issuer.KeyRevoked, at
		return nil
	}
	return issuer.ErrNotFound
}

// publishedKIDs returns the kids of the ring's JWK Set and of its DID
// document's assertionMethod, which must agree.
func publishedKIDs(t *testing.T, r *Ring) []string {
	t.Helper()
	raw, err := r.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	set, err := jwk.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	var fromJWKS []string
	for i := range set.Len() {
		k, _ := set.Key(i)
		kid, _ := k.KeyID()
		fromJWKS = append(fromJWKS, kid)
	}

	var doc struct {
		AssertionMethod []string `json:"assertionMethod"`
	}
	raw, err = r.DIDDocument()
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(fromJWKS, doc.AssertionMethod) {
		t.Errorf("JWKS kids %v differ from assertionMethod %v", fromJWKS, doc.AssertionMethod)
	}
	return fromJWKS
}

// verifyWith checks token against the ring's published JWK Set.
func verifyWith(t *testing.T, r *Ring, token string) error {
	t.Helper()
	raw, err := r.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	set, err := jwk.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	_, err = jws.Verify([]byte(token), jws.WithKeySet(set, jws.WithInferAlgorithmFromKey(true)))
	return err
}

func sign(t *testing.T, r *Ring) (token, keyID string) {
	t.Helper()
	token, keyID, err := r.Sign(context.Background(), []byte(`{"jti":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	return token, keyID
}

func TestRotateKeepsOldKeysPublished(t *testing.T) {
	store := &memStore{}
	r := openRing(t, store, ES256)
	first, firstKey := sign(t, r)

	var rotated []string
	for range 2 {
		k, err := r.Rotate(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if k.Status != issuer.KeyActive || k.Algorithm != ES256 || k.EncryptedPrivate != nil {
			t.Errorf("Rotate returned %+v; want an active ES256 key without its private part", k)
		}
		rotated = append(rotated, k.ID)
	}

	token, keyID := sign(t, r)
	if keyID != rotated[1] || r.ActiveKeyID() != rotated[1] {
		t.Errorf("signed with %s (active %s), want the newest key %s", keyID, r.ActiveKeyID(), rotated[1])
	}
	want := []string{r.KID(rotated[1]), r.KID(firstKey), r.KID(rotated[0])}
	if got := publishedKIDs(t, r); !slices.Equal(got, want) {
		t.Errorf("published kids = %v, want %v", got, want)
	}
	for name, tok := range map[string]string{"first": first, "newest": token} {
		if err := verifyWith(t, r, tok); err != nil {
			t.Errorf("%s credential does not verify after two rotations: %v", name, err)
		}
	}
}

func TestRotateUsesConfiguredAlgorithm(t *testing.T) {
	store := &memStore{}
	openRing(t, store, RS256)
	r := openRing(t, store, EdDSA) // the existing RS256 key stays active

	if r.Algorithm() != RS256 {
		t.Fatalf("Algorithm = %s before rotation, want RS256", r.Algorithm())
	}
	if _, err := r.Rotate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r.Algorithm() != EdDSA {
		t.Errorf("Algorithm = %s after rotation, want the configured EdDSA", r.Algorithm())
	}
}

func TestRevokeKeyRemovesItFromPublication(t *testing.T) {
	store := &memStore{}
	r := openRing(t, store, ES256)
	old, oldKey := sign(t, r)
	if _, err := r.Rotate(context.Background()); err != nil {
		t.Fatal(err)
	}

	if err := r.RevokeKey(context.Background(), oldKey); err != nil {
		t.Fatal(err)
	}
	if got := publishedKIDs(t, r); slices.Contains(got, r.KID(oldKey)) || len(got) != 1 {
		t.Errorf("published kids = %v, want only the active key", got)
	}
	if r.Published(oldKey) || !r.Published(r.ActiveKeyID()) {
		t.Errorf("Published(revoked) = %v, Published(active) = %v", r.Published(oldKey), r.Published(r.ActiveKeyID()))
	}
	if err := verifyWith(t, r, old); err == nil {
		t.Error("a credential of the revoked key still verifies against the published keys")
	}

	tests := []struct {
		name string
		id   string
		want error
	}{
		{"twice", oldKey, issuer.ErrConflict},
		{"unknown", "knotakey0000", issuer.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := r.RevokeKey(context.Background(), tt.id); !errors.Is(err, tt.want) {
				t.Errorf("RevokeKey error = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestRevokeActiveKeyRotatesFirst(t *testing.T) {
	store := &memStore{}
	r := openRing(t, store, ES256)
	active := r.ActiveKeyID()

	if err := r.RevokeKey(context.Background(), active); err != nil {
		t.Fatal(err)
	}
	if r.ActiveKeyID() == active || r.Published(active) {
		t.Errorf("active key %s after revoking %s; published %v", r.ActiveKeyID(), active, r.Published(active))
	}
	if _, keyID := sign(t, r); keyID == active {
		t.Error("the ring still signs with the revoked key")
	}
}

func TestRefreshPicksUpAnotherProcess(t *testing.T) {
	store := &memStore{}
	server := openRing(t, store, ES256)
	command := openRing(t, store, ES256) // as laurel keys rotate would open it
	if _, err := command.Rotate(context.Background()); err != nil {
		t.Fatal(err)
	}

	if _, keyID := sign(t, server); keyID == command.ActiveKeyID() {
		t.Fatal("the server picked up the rotation before its view was stale; the test cannot tell a refresh from luck")
	}
	server.checked.Store(time.Now().Add(-RefreshInterval).UnixNano())
	if _, keyID := sign(t, server); keyID != command.ActiveKeyID() {
		t.Errorf("after the refresh interval the server signs with %s, want %s", keyID, command.ActiveKeyID())
	}

	revoked := server.ActiveKeyID()
	if _, err := command.Rotate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := command.RevokeKey(context.Background(), revoked); err != nil {
		t.Fatal(err)
	}
	if err := server.Refresh(context.Background(), true); err != nil {
		t.Fatal(err)
	}
	if server.Published(revoked) {
		t.Error("a forced refresh still publishes the key revoked by the other process")
	}
}

func TestRotateNeedsRotationStore(t *testing.T) {
	r := openRing(t, keyStoreOnly{&memStore{}}, ES256)
	if _, err := r.Rotate(context.Background()); !errors.Is(err, errCannotRotate) {
		t.Errorf("Rotate error = %v, want %v", err, errCannotRotate)
	}
}

// keyStoreOnly hides the rotation methods of memStore.
type keyStoreOnly struct{ s *memStore }

func (k keyStoreOnly) SigningKeys(ctx context.Context) ([]*issuer.SigningKey, error) {
	return k.s.SigningKeys(ctx)
}

func (k keyStoreOnly) CreateSigningKey(ctx context.Context, key *issuer.SigningKey) error {
	return k.s.CreateSigningKey(ctx, key)
}
