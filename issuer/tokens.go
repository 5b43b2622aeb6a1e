package issuer

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// tokenPrefix marks Laurel API tokens, so that secret scanners can find
// leaked ones and people can tell them from other secrets.
const tokenPrefix = "laurel_"

// CreateToken creates an API token for the staff user called name, creating
// the user with role when there is none. It returns the secret, which is
// shown once and stored only as a SHA-256 hash.
func (s *Service) CreateToken(ctx context.Context, actor *User, role Role, name string) (string, *User, error) {
	if err := requireAdmin(actor); err != nil {
		return "", nil, err
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return "", nil, Invalidf("name", "missing; name the person or system the token is for")
	}
	if err := CheckLine("name", name); err != nil {
		return "", nil, err
	}
	if role != RoleAdmin && role != RoleOrganiser {
		return "", nil, Invalidf("role", "%q: use admin or organiser", role)
	}

	u, err := s.userForToken(ctx, role, name)
	if err != nil {
		return "", nil, err
	}

	secret, hash := newTokenSecret()
	t := &APIToken{ID: uuid.NewString(), UserID: u.ID, Name: name, Hash: hash, CreatedAt: s.now()}
	if err := s.Store.CreateToken(ctx, t); err != nil {
		return "", nil, fmt.Errorf("store token: %w", err)
	}

	s.audit(ctx, actor, "token.create", u.ID, fmt.Sprintf(`{"token_id":%q,"role":%q}`, t.ID, u.Role))
	return secret, u, nil
}

func (s *Service) userForToken(ctx context.Context, role Role, name string) (*User, error) {
	u, err := s.Store.UserByName(ctx, name)
	if err == nil {
		if u.Role != role {
			return nil, Invalidf("role", "user %q exists with role %s; use --role %s or another name", name, u.Role, u.Role)
		}
		return u, nil
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("find user %q: %w", name, err)
	}

	u = &User{ID: uuid.NewString(), Name: name, Role: role, CanUpload: true, CreatedAt: s.now()}
	if err := s.Store.CreateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("create user %q: %w", name, err)
	}
	return u, nil
}

func newTokenSecret() (secret string, hash []byte) {
	b := make([]byte, 32)
	rand.Read(b)
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(b)
	return secret, HashToken(secret)
}

// HashToken returns the stored form of a token secret. A plain SHA-256 is
// enough because the secret has 256 random bits; it cannot be guessed.
func HashToken(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// Authenticate returns the user owning a bearer token secret.
func (s *Service) Authenticate(ctx context.Context, secret string) (*User, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return nil, ErrUnauthenticated
	}
	u, err := s.Store.UserByTokenHash(ctx, HashToken(secret), s.now())
	if errors.Is(err, ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, fmt.Errorf("look up token: %w", err)
	}
	return u, nil
}
