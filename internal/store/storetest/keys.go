package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func newKey(id string, status issuer.SigningKeyStatus) *issuer.SigningKey {
	k := &issuer.SigningKey{
		ID:               id,
		Algorithm:        "RS256",
		Status:           status,
		PublicJWK:        []byte(`{"kty":"RSA","kid":"` + id + `","n":"AQAB","e":"AQAB"}`),
		EncryptedPrivate: []byte{0x01, 0x02, 0x00, 0xff, 0x7f},
		CreatedAt:        t0,
	}
	if status == issuer.KeyRetired {
		k.RetiredAt = hours(100)
	}
	return k
}

var signingKeyCases = []testCase{
	{"empty", func(t *testing.T, s issuer.Store) {
		keys, err := s.SigningKeys(t.Context())
		requireNoError(t, "SigningKeys", err)
		assertEqual(t, "count", len(keys), 0)
	}},
	{"active first then by creation", func(t *testing.T, s issuer.Store) {
		older := newKey("k-older", issuer.KeyRetired)
		older.CreatedAt = hours(0)
		newer := newKey("k-newer", issuer.KeyRetired)
		newer.CreatedAt = hours(1)
		active := newKey("k-active", issuer.KeyActive)
		active.CreatedAt = hours(2)
		for _, k := range []*issuer.SigningKey{newer, active, older} {
			requireNoError(t, "CreateSigningKey "+k.ID, s.CreateSigningKey(t.Context(), k))
		}

		got, err := s.SigningKeys(t.Context())
		requireNoError(t, "SigningKeys", err)
		assertEqual(t, "SigningKeys", got, []*issuer.SigningKey{active, older, newer})
	}},
	{"second active key conflicts", func(t *testing.T, s issuer.Store) {
		requireNoError(t, "CreateSigningKey", s.CreateSigningKey(t.Context(), newKey("k1", issuer.KeyActive)))
		err := s.CreateSigningKey(t.Context(), newKey("k2", issuer.KeyActive))
		assertErrorIs(t, "CreateSigningKey", err, issuer.ErrConflict)

		requireNoError(t, "CreateSigningKey retired", s.CreateSigningKey(t.Context(), newKey("k3", issuer.KeyRetired)))
		keys, err := s.SigningKeys(t.Context())
		requireNoError(t, "SigningKeys", err)
		assertEqual(t, "count", len(keys), 2)
	}},
	{"duplicate id conflicts", func(t *testing.T, s issuer.Store) {
		requireNoError(t, "CreateSigningKey", s.CreateSigningKey(t.Context(), newKey("k1", issuer.KeyRetired)))
		err := s.CreateSigningKey(t.Context(), newKey("k1", issuer.KeyRetired))
		assertErrorIs(t, "CreateSigningKey", err, issuer.ErrConflict)
	}},
	{"concurrent first keys agree", func(t *testing.T, s issuer.Store) {
		const n = 8
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = s.CreateSigningKey(t.Context(), newKey(string(rune('a'+i))+"-key", issuer.KeyActive))
			})
		}
		wg.Wait()

		created := 0
		for i, err := range errs {
			switch {
			case err == nil:
				created++
			case !errors.Is(err, issuer.ErrConflict):
				t.Errorf("CreateSigningKey %d: error = %v, want nil or one matching %v", i, err, issuer.ErrConflict)
			}
		}
		assertEqual(t, "keys created", created, 1)
	}},
	{"rotate retires the active key", func(t *testing.T, s issuer.Store) {
		old := newKey("k-old", issuer.KeyActive)
		requireNoError(t, "CreateSigningKey", s.CreateSigningKey(t.Context(), old))
		next := newKey("k-next", issuer.KeyActive)
		next.CreatedAt = hours(10)
		requireNoError(t, "RotateSigningKey", s.RotateSigningKey(t.Context(), next))

		old.Status, old.RetiredAt = issuer.KeyRetired, hours(10)
		got, err := s.SigningKeys(t.Context())
		requireNoError(t, "SigningKeys", err)
		assertEqual(t, "SigningKeys", got, []*issuer.SigningKey{next, old})
	}},
	{"rotate without active key", func(t *testing.T, s issuer.Store) {
		next := newKey("k-first", issuer.KeyActive)
		requireNoError(t, "RotateSigningKey", s.RotateSigningKey(t.Context(), next))
		got, err := s.SigningKeys(t.Context())
		requireNoError(t, "SigningKeys", err)
		assertEqual(t, "SigningKeys", got, []*issuer.SigningKey{next})
	}},
	{"rotate to retired key invalid", func(t *testing.T, s issuer.Store) {
		err := s.RotateSigningKey(t.Context(), newKey("k-x", issuer.KeyRetired))
		assertErrorIs(t, "RotateSigningKey", err, issuer.ErrInvalid)
	}},
	{"concurrent rotations keep one active key", func(t *testing.T, s issuer.Store) {
		requireNoError(t, "CreateSigningKey", s.CreateSigningKey(t.Context(), newKey("k-0", issuer.KeyActive)))
		const n = 6
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				errs[i] = s.RotateSigningKey(t.Context(), newKey(fmt.Sprintf("k-%d", i+1), issuer.KeyActive))
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil && !errors.Is(err, issuer.ErrConflict) {
				t.Errorf("RotateSigningKey %d: error = %v, want nil or one matching %v", i, err, issuer.ErrConflict)
			}
		}

		keys, err := s.SigningKeys(t.Context())
		requireNoError(t, "SigningKeys", err)
		active := 0
		for _, k := range keys {
			if k.Status == issuer.KeyActive {
				active++
			}
		}
		assertEqual(t, "active keys", active, 1)
	}},
	{"revoke retired key", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		entries := recordWithStatus(t, s, f.activity, newAward(f.activity, f.students[0], f.achievements[0]))
		requireNoError(t, "CreateSigningKey", s.CreateSigningKey(t.Context(), newKey("k-active", issuer.KeyActive)))
		retired := newKey("k-retired", issuer.KeyRetired)
		requireNoError(t, "CreateSigningKey", s.CreateSigningKey(t.Context(), retired))

		requireNoError(t, "RevokeSigningKey", s.RevokeSigningKey(t.Context(), retired.ID, hours(200)))

		keys, err := s.SigningKeys(t.Context())
		requireNoError(t, "SigningKeys", err)
		retired.Status, retired.RevokedAt = issuer.KeyRevoked, hours(200)
		assertEqual(t, "revoked key", keys[1], retired)

		list, err := s.StatusList(t.Context(), entries[0].ListID)
		requireNoError(t, "StatusList", err)
		assertEqual(t, "list revision", list.Revision, int64(1))
	}},
	{"revoke key errors", func(t *testing.T, s issuer.Store) {
		requireNoError(t, "CreateSigningKey", s.CreateSigningKey(t.Context(), newKey("k-active", issuer.KeyActive)))
		requireNoError(t, "CreateSigningKey", s.CreateSigningKey(t.Context(), newKey("k-retired", issuer.KeyRetired)))
		requireNoError(t, "RevokeSigningKey", s.RevokeSigningKey(t.Context(), "k-retired", hours(1)))

		tests := []struct {
			name string
			id   string
			want error
		}{
			{"active key invalid", "k-active", issuer.ErrInvalid},
			{"unknown key not found", "k-none", issuer.ErrNotFound},
			{"revoked twice conflicts", "k-retired", issuer.ErrConflict},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				assertErrorIs(t, "RevokeSigningKey", s.RevokeSigningKey(t.Context(), tt.id, hours(2)), tt.want)
			})
		}
	}},
	{"credentials of revoked key rejected", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		kept := newAward(f.activity, f.students[0], f.achievements[0])
		recordWithStatus(t, s, f.activity, kept)
		requireNoError(t, "CreateSigningKey", s.CreateSigningKey(t.Context(), newKey("k-active", issuer.KeyActive)))
		requireNoError(t, "CreateSigningKey", s.CreateSigningKey(t.Context(), newKey("k-bad", issuer.KeyRetired)))
		requireNoError(t, "RevokeSigningKey", s.RevokeSigningKey(t.Context(), "k-bad", hours(1)))

		a := newAward(f.activity, f.students[1], f.achievements[0])
		a.Credential.KeyID = "k-bad"
		u := newUpload(f.activity)
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error { return tx.Write([]*issuer.Award{a}) })
		assertErrorIs(t, "RecordUpload", err, issuer.ErrKeyRevoked)
		assertNothingKept(t, s, u)

		err = s.ReplaceCredentials(t.Context(), func(tx issuer.ReplaceTx) error {
			next := successor(kept)
			next.KeyID = "k-bad"
			return tx.Replace([]*issuer.Replacement{{OldID: kept.Credential.ID, New: next, Revocation: revocation(2, "x")}})
		})
		assertErrorIs(t, "ReplaceCredentials", err, issuer.ErrKeyRevoked)
		assertEqual(t, "status of the credential to replace", credentialOf(t, s, kept.Credential.ID).Credential.Status, issuer.CredentialActive)
	}},
}
