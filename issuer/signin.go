package issuer

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Default session and sign-in link lifetimes, used when the Service's
// SessionIdle, SessionMax or LinkTTL is zero.
const (
	DefaultSessionIdle = 30 * time.Minute
	DefaultSessionMax  = 12 * time.Hour
	DefaultLinkTTL     = 15 * time.Minute
)

// sessionTouchEvery limits writes of a session's last use to one per
// minute, so that a page with many requests writes once.
const sessionTouchEvery = time.Minute

// Principal is who a session belongs to: a staff user or a student.
type Principal struct {
	User    *User
	Student *Student
}

// Role returns the role of the principal, or "" when it is empty.
func (p *Principal) Role() Role {
	switch {
	case p == nil:
		return ""
	case p.User != nil:
		return p.User.Role
	case p.Student != nil:
		return RoleStudent
	}
	return ""
}

// Name returns the display name of the principal.
func (p *Principal) Name() string {
	switch {
	case p == nil:
		return ""
	case p.User != nil:
		return p.User.Name
	case p.Student != nil:
		return p.Student.Name
	}
	return ""
}

func (s *Service) sessionIdle() time.Duration { return orDefault(s.SessionIdle, DefaultSessionIdle) }
func (s *Service) sessionMax() time.Duration  { return orDefault(s.SessionMax, DefaultSessionMax) }
func (s *Service) linkTTL() time.Duration     { return orDefault(s.LinkTTL, DefaultLinkTTL) }

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// CreateStaffUser creates an admin or organiser account with a password.
// New organisers may upload attendance until the admin withdraws it.
func (s *Service) CreateStaffUser(ctx context.Context, actor *User, name, email string, role Role, password string) (*User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}

	name, email = strings.TrimSpace(name), strings.TrimSpace(email)
	if err := checkStaffFields(name, email, role); err != nil {
		return nil, err
	}
	if err := CheckPasswordRules(password); err != nil {
		return nil, err
	}
	if _, err := s.Store.UserByEmail(ctx, email); err == nil {
		return nil, Invalidf("email", "%q is the address of another account; use another address", email)
	}

	u := &User{ID: uuid.NewString(), Name: name, Email: email, Role: role, CanUpload: true, CreatedAt: s.now()}
	if err := s.Store.CreateUser(ctx, u); err != nil {
		if errors.Is(err, ErrConflict) {
			return nil, Invalidf("name", "%q is the name of another account; choose another name", name)
		}
		return nil, fmt.Errorf("create user %q: %w", name, err)
	}
	if err := s.Store.SetUserPassword(ctx, u.ID, HashPassword(password)); err != nil {
		return nil, fmt.Errorf("set password of user %q: %w", name, err)
	}

	s.audit(ctx, actor, "user.create", u.ID, fmt.Sprintf(`{"name":%q,"role":%q}`, u.Name, u.Role))
	return u, nil
}

func checkStaffFields(name, email string, role Role) error {
	if name == "" {
		return Invalidf("name", "missing; give the person's name")
	}
	if err := CheckLine("name", name); err != nil {
		return err
	}
	if err := checkLength("name", name, 200); err != nil {
		return err
	}
	if err := CheckLine("email", email); err != nil {
		return err
	}
	if addr, err := mail.ParseAddress(email); err != nil || addr.Address != email {
		return Invalidf("email", "%q is not an email address; give one such as name@example.edu", email)
	}
	if role != RoleAdmin && role != RoleOrganiser {
		return Invalidf("role", "%q: use admin or organiser", role)
	}
	return nil
}

// SetUserPassword sets the password of a staff user. The admin may set
// anyone's password and a user their own. Every session of the user ends,
// so that a stolen session does not outlive a password change.
func (s *Service) SetUserPassword(ctx context.Context, actor *User, userID, password string) error {
	if actor == nil {
		return ErrUnauthenticated
	}
	if actor.Role != RoleAdmin && actor.ID != userID {
		return fmt.Errorf("%s may not set another user's password: %w", actor.Name, ErrForbidden)
	}
	if err := CheckPasswordRules(password); err != nil {
		return err
	}

	if err := s.Store.SetUserPassword(ctx, userID, HashPassword(password)); err != nil {
		return fmt.Errorf("set password of user %s: %w", userID, err)
	}
	if _, err := s.Store.DeleteSessions(ctx, userID, ""); err != nil {
		return fmt.Errorf("end sessions of user %s: %w", userID, err)
	}
	s.audit(ctx, actor, "user.password", userID, "{}")
	return nil
}

// ErrWrongPassword is returned by ChangeOwnPassword when the current
// password is wrong.
var ErrWrongPassword error = &ValidationError{Field: "current_password", Message: "is wrong; type the password you sign in with"}

// ChangeOwnPassword sets a new password for a signed-in admin or
// organiser, who must give the current one, and ends every session of the
// account, the caller's included, so that a stolen session does not
// outlive the change. It returns how many sessions it ended. A new
// password that breaks the rules is checked before the current one.
func (s *Service) ChangeOwnPassword(ctx context.Context, actor *User, current, password string) (int, error) {
	if err := requireStaff(actor); err != nil {
		return 0, err
	}
	if err := CheckPasswordRules(password); err != nil {
		return 0, err
	}

	stored, err := s.Store.UserPassword(ctx, actor.ID)
	if err != nil {
		return 0, fmt.Errorf("read password of user %s: %w", actor.ID, err)
	}
	if !s.passwordMatches(ctx, stored, current) {
		return 0, ErrWrongPassword
	}
	if password == current {
		return 0, Invalidf("password", "is the current password; choose a new one")
	}

	if err := s.Store.SetUserPassword(ctx, actor.ID, HashPassword(password)); err != nil {
		return 0, fmt.Errorf("set password of user %s: %w", actor.ID, err)
	}
	n, err := s.Store.DeleteSessions(ctx, actor.ID, "")
	if err != nil {
		return 0, fmt.Errorf("end sessions of user %s: %w", actor.ID, err)
	}
	s.audit(ctx, actor, "user.password_change", actor.ID, fmt.Sprintf(`{"sessions_ended":%d}`, n))
	return n, nil
}

// SetStudentPassword sets the password of the signed-in student, who may
// then sign in with it as well as with an emailed link.
func (s *Service) SetStudentPassword(ctx context.Context, p *Principal, password string) error {
	if p == nil || p.Student == nil {
		return ErrForbidden
	}
	if err := CheckPasswordRules(password); err != nil {
		return err
	}
	if err := s.Store.SetStudentPassword(ctx, p.Student.ID, HashPassword(password)); err != nil {
		return fmt.Errorf("set password of student %s: %w", p.Student.Number, err)
	}
	s.audit(ctx, &User{ID: "student:" + p.Student.ID, Name: p.Student.Name}, "student.password", p.Student.ID, "{}")
	return nil
}

// Organisers lists the organiser accounts, by name.
func (s *Service) Organisers(ctx context.Context, actor *User) ([]*User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.Store.Users(ctx, RoleOrganiser)
}

// SetUploadRight grants or withdraws an organiser's right to upload
// attendance, and audits the change.
func (s *Service) SetUploadRight(ctx context.Context, actor *User, userID string, canUpload bool) (*User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	u, err := s.Store.User(ctx, userID)
	if err != nil {
		return nil, err
	}
	if u.Role != RoleOrganiser {
		return nil, Invalidf("user", "%s is an %s; only organisers have an upload right to change", u.Name, u.Role)
	}

	u, err = s.Store.SetUserCanUpload(ctx, userID, canUpload)
	if err != nil {
		return nil, err
	}
	action := "user.upload_withdraw"
	if canUpload {
		action = "user.upload_grant"
	}
	s.audit(ctx, actor, action, u.ID, fmt.Sprintf(`{"name":%q}`, u.Name))
	return u, nil
}

// SignIn checks a password sign-in. login is a staff user's email or
// account name, or a student's college or personal email; staff accounts
// are looked up first. Every failure is ErrUnauthenticated and checks one
// hash, so the result does not reveal whether the account exists. The
// time differs only by the database lookups, which is small next to the
// argon2id hash.
func (s *Service) SignIn(ctx context.Context, login, password string) (*Principal, error) {
	login = strings.TrimSpace(login)
	p, stored, err := s.passwordOwner(ctx, login)
	if err != nil {
		return nil, err
	}
	if !s.passwordMatches(ctx, stored, password) || p == nil {
		return nil, ErrUnauthenticated
	}
	return p, nil
}

// passwordOwner returns the account of login and its stored password
// hash, or nil and "" when no single account has that login.
func (s *Service) passwordOwner(ctx context.Context, login string) (*Principal, string, error) {
	if CheckLine("login", login) != nil {
		// No account name or address holds a control character.
		return nil, "", nil
	}
	u, err := s.Store.UserByEmail(ctx, login)
	if errors.Is(err, ErrNotFound) {
		u, err = s.Store.UserByName(ctx, login)
	}
	switch {
	case err == nil:
		stored, err := s.Store.UserPassword(ctx, u.ID)
		if err != nil {
			return nil, "", fmt.Errorf("look up account: %w", err)
		}
		return &Principal{User: u}, stored, nil
	case !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict):
		return nil, "", fmt.Errorf("look up account: %w", err)
	}

	st, err := s.Store.StudentByEmail(ctx, login)
	switch {
	case err == nil:
		stored, err := s.Store.StudentPassword(ctx, st.ID)
		if err != nil {
			return nil, "", fmt.Errorf("look up account: %w", err)
		}
		return &Principal{Student: st}, stored, nil
	case !errors.Is(err, ErrNotFound) && !errors.Is(err, ErrConflict):
		return nil, "", fmt.Errorf("look up account: %w", err)
	}
	return nil, "", nil
}

// passwordMatches checks password against stored, or against a dummy hash
// when stored is empty so that the time taken is the same.
func (s *Service) passwordMatches(ctx context.Context, stored, password string) bool {
	if len(password) > 4*MaxPasswordLength {
		return false
	}
	if stored == "" {
		checkPassword(dummyHash(), password)
		return false
	}
	ok, err := checkPassword(stored, password)
	if err != nil {
		s.logger().ErrorContext(ctx, "stored password hash cannot be read", "err", err)
		return false
	}
	return ok
}

// CreateSignInLink makes a one-time sign-in secret for the student whose
// college or personal email is email. It returns the student and the
// secret to send to that same address. For an unknown address it returns
// ErrNotFound, which callers must not reveal to the requester.
func (s *Service) CreateSignInLink(ctx context.Context, email string) (*Student, string, error) {
	email = strings.TrimSpace(email)
	if CheckLine("email", email) != nil {
		// No stored address holds a control character.
		return nil, "", fmt.Errorf("no student has the email: %w", ErrNotFound)
	}
	st, err := s.Store.StudentByEmail(ctx, email)
	if errors.Is(err, ErrConflict) {
		return nil, "", fmt.Errorf("several students have the email: %w", ErrNotFound)
	}
	if err != nil {
		return nil, "", err
	}

	secret := newSecret()
	now := s.now()
	l := &SignInLink{Hash: HashToken(secret), StudentID: st.ID, CreatedAt: now, ExpiresAt: now.Add(s.linkTTL())}
	if err := s.Store.CreateSignInLink(ctx, l); err != nil {
		return nil, "", fmt.Errorf("store sign-in link: %w", err)
	}
	return st, secret, nil
}

// UseSignInLink returns the student of a sign-in link secret and makes the
// link unusable. A used, expired or unknown secret is ErrUnauthenticated.
func (s *Service) UseSignInLink(ctx context.Context, secret string) (*Student, error) {
	l, err := s.Store.UseSignInLink(ctx, HashToken(secret), s.now())
	if errors.Is(err, ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, fmt.Errorf("use sign-in link: %w", err)
	}
	return s.Store.Student(ctx, l.StudentID)
}

// StartSession creates a session for p and returns its secret, the cookie
// value. Only the secret's hash is stored.
func (s *Service) StartSession(ctx context.Context, p *Principal) (string, error) {
	sess := &Session{CreatedAt: s.now()}
	switch {
	case p != nil && p.User != nil:
		sess.UserID = p.User.ID
	case p != nil && p.Student != nil:
		sess.StudentID = p.Student.ID
	default:
		return "", fmt.Errorf("start session: %w", ErrUnauthenticated)
	}
	sess.LastSeenAt = sess.CreatedAt

	secret := newSecret()
	sess.Hash = HashToken(secret)
	if err := s.Store.CreateSession(ctx, sess); err != nil {
		return "", fmt.Errorf("start session: %w", err)
	}
	return secret, nil
}

// SessionPrincipal returns who the session with secret belongs to. A
// session idle for longer than SessionIdle or older than SessionMax is
// ended and ErrUnauthenticated, as is an unknown secret.
func (s *Service) SessionPrincipal(ctx context.Context, secret string) (*Principal, error) {
	hash := HashToken(secret)
	sess, err := s.Store.Session(ctx, hash)
	if errors.Is(err, ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}

	now := s.now()
	if now.Sub(sess.LastSeenAt) > s.sessionIdle() || now.Sub(sess.CreatedAt) > s.sessionMax() {
		if err := s.Store.DeleteSession(ctx, hash); err != nil {
			return nil, fmt.Errorf("end expired session: %w", err)
		}
		return nil, ErrUnauthenticated
	}
	if now.Sub(sess.LastSeenAt) >= sessionTouchEvery {
		if err := s.Store.TouchSession(ctx, hash, now); err != nil && !errors.Is(err, ErrNotFound) {
			return nil, fmt.Errorf("touch session: %w", err)
		}
	}

	p := &Principal{}
	if sess.UserID != "" {
		p.User, err = s.Store.User(ctx, sess.UserID)
	} else {
		p.Student, err = s.Store.Student(ctx, sess.StudentID)
	}
	if errors.Is(err, ErrNotFound) {
		return nil, ErrUnauthenticated
	}
	if err != nil {
		return nil, fmt.Errorf("read session owner: %w", err)
	}
	return p, nil
}

// EndSession ends the session with secret; an unknown one is not an error.
func (s *Service) EndSession(ctx context.Context, secret string) error {
	return s.Store.DeleteSession(ctx, HashToken(secret))
}

// EndUserSessions ends every session of a staff user and returns how many
// ended. The admin may end anyone's sessions and a user their own.
func (s *Service) EndUserSessions(ctx context.Context, actor *User, userID string) (int, error) {
	if actor == nil {
		return 0, ErrUnauthenticated
	}
	if actor.Role != RoleAdmin && actor.ID != userID {
		return 0, fmt.Errorf("%s may not end another user's sessions: %w", actor.Name, ErrForbidden)
	}
	n, err := s.Store.DeleteSessions(ctx, userID, "")
	if err != nil {
		return 0, fmt.Errorf("end sessions of user %s: %w", userID, err)
	}
	s.audit(ctx, actor, "user.sessions_end", userID, fmt.Sprintf(`{"ended":%d}`, n))
	return n, nil
}

// DeleteStaleSessions removes expired sessions and sign-in links, and
// returns how many sessions it removed. The server runs it now and then;
// expired rows are never accepted either way.
func (s *Service) DeleteStaleSessions(ctx context.Context) (int, error) {
	now := s.now()
	return s.Store.DeleteStaleSessions(ctx, now.Add(-s.sessionMax()), now.Add(-s.sessionIdle()))
}

// newSecret returns 256 random bits, base64url-encoded without padding.
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
