package issuer

import (
	"context"
	"fmt"
	"log/slog"
	"text/template"
	"time"
)

// Service is the issuing core that the JSON API, the web pages and every
// CLI command call, so that all of them apply the same rules.
type Service struct {
	Store    Store
	Signer   Signer
	Keys     KeyManager // rotates and revokes keys; usually the same keys.Ring as Signer
	Builder  *CredentialBuilder
	Parser   AttendanceParser
	URLs     URLs
	IssuerID string // did:web of the institution
	Logger   *slog.Logger

	// PromotionRemark writes an activity's promotion remark from a
	// PromotionData; nil means DefaultPromotionRemark.
	PromotionRemark *template.Template

	// SessionIdle and SessionMax end a browser session after that long
	// without a request or after that long in all; LinkTTL is how long an
	// emailed sign-in link works. Zero means the Default constants.
	SessionIdle time.Duration
	SessionMax  time.Duration
	LinkTTL     time.Duration

	// Now returns the current time; tests replace it.
	Now func() time.Time

	statusLists statusListCache
	records     recordsCache
}

// System is the actor of commands run on the server itself. Anyone who can
// run the laurel binary against the data directory already controls the store.
var System = &User{ID: "", Name: "system", Role: RoleAdmin, CanUpload: true}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.New(slog.DiscardHandler)
}

// requireAdmin returns ErrForbidden unless actor is an admin.
func requireAdmin(actor *User) error {
	if actor == nil {
		return ErrUnauthenticated
	}
	if actor.Role != RoleAdmin {
		return fmt.Errorf("%s is not an admin: %w", actor.Name, ErrForbidden)
	}
	return nil
}

// requireStaff returns ErrForbidden unless actor is an admin or an organiser.
func requireStaff(actor *User) error {
	if actor == nil {
		return ErrUnauthenticated
	}
	if actor.Role != RoleAdmin && actor.Role != RoleOrganiser {
		return fmt.Errorf("role %q: %w", actor.Role, ErrForbidden)
	}
	return nil
}

// canManageActivity reports whether actor may see the uploads and awards of
// activity a, and upload attendance to it.
func canManageActivity(actor *User, a *Activity) error {
	if err := requireStaff(actor); err != nil {
		return err
	}
	if actor.Role == RoleAdmin {
		return nil
	}
	if a.OrganiserID != actor.ID {
		return fmt.Errorf("activity %s belongs to another organiser: %w", a.ID, ErrForbidden)
	}
	return nil
}

// audit writes an audit entry and logs, but does not return, a failure to do
// so: the change it records has already been committed.
func (s *Service) audit(ctx context.Context, actor *User, action, subject, detail string) {
	e := &AuditEntry{At: s.now(), Action: action, Subject: subject, Detail: detail, Remote: RemoteAddr(ctx)}
	if actor != nil {
		e.ActorID = actor.ID
		if e.ActorID == "" {
			e.ActorID = actor.Name
		}
	}
	if err := s.Store.Audit(ctx, e); err != nil {
		s.logger().ErrorContext(ctx, "write audit entry", "action", action, "subject", subject, "err", err)
	}
}

type remoteKey struct{}

// WithRemoteAddr returns ctx carrying the client address for the audit log.
func WithRemoteAddr(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, remoteKey{}, addr)
}

// RemoteAddr returns the client address stored by WithRemoteAddr, or "local".
func RemoteAddr(ctx context.Context) string {
	if v, ok := ctx.Value(remoteKey{}).(string); ok && v != "" {
		return v
	}
	return "local"
}
