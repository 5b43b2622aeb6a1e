package issuer

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
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
	return s.IssueToken(ctx, actor, TokenRequest{Role: role, Name: name})
}

// TokenRequest names the user of a new API token.
type TokenRequest struct {
	Role Role
	Name string
	// Email is the address of a user that the token creates, which
	// receives the summaries of that user's uploads. Empty leaves the
	// new user without one. For an existing user it must be empty or
	// equal to the stored address.
	Email string
}

// IssueToken is CreateToken with the options of req.
func (s *Service) IssueToken(ctx context.Context, actor *User, req TokenRequest) (string, *User, error) {
	if err := requireAdmin(actor); err != nil {
		return "", nil, err
	}
	req.Name, req.Email = strings.TrimSpace(req.Name), strings.TrimSpace(req.Email)
	if err := checkTokenRequest(req); err != nil {
		return "", nil, err
	}

	u, err := s.userForToken(ctx, req)
	if err != nil {
		return "", nil, err
	}

	secret, hash := newTokenSecret()
	t := &APIToken{ID: uuid.NewString(), UserID: u.ID, Name: req.Name, Hash: hash, CreatedAt: s.now()}
	if err := s.Store.CreateToken(ctx, t); err != nil {
		return "", nil, fmt.Errorf("store token: %w", err)
	}

	s.audit(ctx, actor, "token.create", u.ID, fmt.Sprintf(`{"token_id":%q,"role":%q}`, t.ID, u.Role))
	return secret, u, nil
}

func checkTokenRequest(req TokenRequest) error {
	if req.Name == "" {
		return Invalidf("name", "missing; name the person or system the token is for")
	}
	if err := CheckLine("name", req.Name); err != nil {
		return err
	}
	if err := checkLength("name", req.Name, maxNameLength); err != nil {
		return err
	}
	if req.Role != RoleAdmin && req.Role != RoleOrganiser {
		return Invalidf("role", "%q: use admin or organiser", req.Role)
	}
	if req.Email == "" {
		return nil
	}
	if err := CheckLine("email", req.Email); err != nil {
		return err
	}
	if a, err := mail.ParseAddress(req.Email); err != nil || a.Address != req.Email {
		return Invalidf("email", "%q is not an email address; give one such as name@example.edu", req.Email)
	}
	return nil
}

func (s *Service) userForToken(ctx context.Context, req TokenRequest) (*User, error) {
	u, err := s.Store.UserByName(ctx, req.Name)
	if err == nil {
		return existingTokenUser(u, req)
	}
	if !errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("find user %q: %w", req.Name, err)
	}

	if req.Email != "" {
		if _, err := s.Store.UserByEmail(ctx, req.Email); err == nil {
			return nil, Invalidf("email", "%q is the address of another account; use another address", req.Email)
		}
	}
	u = &User{ID: uuid.NewString(), Name: req.Name, Email: req.Email, Role: req.Role, CanUpload: true, CreatedAt: s.now()}
	if err := s.Store.CreateUser(ctx, u); err != nil {
		return nil, fmt.Errorf("create user %q: %w", req.Name, err)
	}
	return u, nil
}

// existingTokenUser checks that req agrees with the user u of that name.
func existingTokenUser(u *User, req TokenRequest) (*User, error) {
	if u.Role != req.Role {
		return nil, Invalidf("role", "user %q exists with role %s; use --role %s or another name", req.Name, u.Role, u.Role)
	}
	if req.Email != "" && !strings.EqualFold(req.Email, u.Email) {
		// NOTE: no command changes a user's address yet; a token for a
		// user made without one keeps the user without an address.
		return nil, Invalidf("email", "user %q exists with the address %q; --email sets the address of a new user only, so leave it out or use another name", req.Name, u.Email)
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
