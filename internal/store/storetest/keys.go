package storetest

import (
	"errors"
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
}
