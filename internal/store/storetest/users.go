package storetest

import (
	"crypto/sha256"
	"testing"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

var userCases = []testCase{
	{"round trip", func(t *testing.T, s issuer.Store) {
		want := &issuer.User{Name: "advisor", Email: "advisor@example.edu", Role: issuer.RoleAdmin, CreatedAt: t0}
		requireNoError(t, "CreateUser", s.CreateUser(t.Context(), want))
		if want.ID == "" {
			t.Fatal("CreateUser left ID empty, want a new UUID")
		}

		got, err := s.User(t.Context(), want.ID)
		requireNoError(t, "User", err)
		assertEqual(t, "User", got, want)

		got, err = s.UserByName(t.Context(), "advisor")
		requireNoError(t, "UserByName", err)
		assertEqual(t, "UserByName", got, want)
	}},
	{"organiser upload right", func(t *testing.T, s issuer.Store) {
		want := createUser(t, s, "organiser", issuer.RoleOrganiser)
		got, err := s.User(t.Context(), want.ID)
		requireNoError(t, "User", err)
		assertEqual(t, "CanUpload", got.CanUpload, true)
		assertEqual(t, "Role", got.Role, issuer.RoleOrganiser)
	}},
	{"duplicate name conflicts", func(t *testing.T, s issuer.Store) {
		createUser(t, s, "alice", issuer.RoleOrganiser)
		err := s.CreateUser(t.Context(), &issuer.User{Name: "alice", Role: issuer.RoleAdmin})
		assertErrorIs(t, "CreateUser", err, issuer.ErrConflict)
	}},
	{"unknown role invalid", func(t *testing.T, s issuer.Store) {
		err := s.CreateUser(t.Context(), &issuer.User{Name: "mallory", Role: "superuser"})
		assertErrorIs(t, "CreateUser", err, issuer.ErrInvalid)
	}},
	{"missing not found", func(t *testing.T, s issuer.Store) {
		got, err := s.User(t.Context(), uuid.NewString())
		assertErrorIs(t, "User", err, issuer.ErrNotFound)
		if got != nil {
			t.Errorf("User = %+v, want nil with the error", got)
		}

		got, err = s.UserByName(t.Context(), "nobody")
		assertErrorIs(t, "UserByName", err, issuer.ErrNotFound)
		if got != nil {
			t.Errorf("UserByName = %+v, want nil with the error", got)
		}
	}},
}

func tokenHash(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

var tokenCases = []testCase{
	{"user by hash", func(t *testing.T, s issuer.Store) {
		user := createUser(t, s, "sis", issuer.RoleAdmin)
		createUser(t, s, "other", issuer.RoleOrganiser)
		token := &issuer.APIToken{UserID: user.ID, Name: "student information system", Hash: tokenHash("secret"), CreatedAt: t0}
		requireNoError(t, "CreateToken", s.CreateToken(t.Context(), token))
		if token.ID == "" {
			t.Fatal("CreateToken left ID empty, want a new UUID")
		}

		got, err := s.UserByTokenHash(t.Context(), tokenHash("secret"), hours(1))
		requireNoError(t, "UserByTokenHash", err)
		assertEqual(t, "UserByTokenHash", got, user)

		// A second use works too: recording the time of use changes nothing else.
		got, err = s.UserByTokenHash(t.Context(), tokenHash("secret"), hours(2))
		requireNoError(t, "UserByTokenHash again", err)
		assertEqual(t, "UserByTokenHash again", got, user)
	}},
	{"unknown hash not found", func(t *testing.T, s issuer.Store) {
		user := createUser(t, s, "sis", issuer.RoleAdmin)
		requireNoError(t, "CreateToken", s.CreateToken(t.Context(), &issuer.APIToken{UserID: user.ID, Name: "t", Hash: tokenHash("secret")}))

		got, err := s.UserByTokenHash(t.Context(), tokenHash("guess"), t0)
		assertErrorIs(t, "UserByTokenHash", err, issuer.ErrNotFound)
		if got != nil {
			t.Errorf("UserByTokenHash = %+v, want nil with the error", got)
		}
	}},
	{"duplicate hash conflicts", func(t *testing.T, s issuer.Store) {
		user := createUser(t, s, "sis", issuer.RoleAdmin)
		requireNoError(t, "CreateToken", s.CreateToken(t.Context(), &issuer.APIToken{UserID: user.ID, Name: "one", Hash: tokenHash("secret")}))
		err := s.CreateToken(t.Context(), &issuer.APIToken{UserID: user.ID, Name: "two", Hash: tokenHash("secret")})
		assertErrorIs(t, "CreateToken", err, issuer.ErrConflict)
	}},
	{"unknown user not found", func(t *testing.T, s issuer.Store) {
		err := s.CreateToken(t.Context(), &issuer.APIToken{UserID: uuid.NewString(), Name: "t", Hash: tokenHash("secret")})
		assertErrorIs(t, "CreateToken", err, issuer.ErrNotFound)
	}},
}
