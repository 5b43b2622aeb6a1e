package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/laurel-badges/laurel/issuer"
)

const principalKey contextKey = 100

// sessionCookieName returns the cookie name of the browser session. With
// an https base URL it has the __Host- prefix, which makes browsers
// require Secure, Path=/ and no Domain (RFC 6265bis section 4.1.3.2), so
// that a sibling subdomain cannot set or shadow it.
func (s *Server) sessionCookieName() string {
	if s.secureCookies {
		return "__Host-laurel_session"
	}
	return "laurel_session"
}

// setSessionCookie sends the session secret as an HttpOnly, SameSite=Lax
// cookie that lasts as long as the browser unless the session ends first.
func (s *Server) setSessionCookie(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{
		Name:     s.sessionCookieName(),
		Value:    secret,
		Path:     "/",
		HttpOnly: true,
		Secure:   s.secureCookies,
		SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{
		Name:     s.sessionCookieName(),
		Path:     "/",
		MaxAge:   -1,
		HttpOnly: true,
		Secure:   s.secureCookies,
		SameSite: http.SameSiteLaxMode,
	})
}

// loadSession puts the principal of the request's session cookie, if any,
// in the context. A missing, expired or unknown session leaves the request
// anonymous; the guards decide what an anonymous request may see.
func (s *Server) loadSession(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(s.sessionCookieName())
		if err != nil || c.Value == "" {
			next.ServeHTTP(w, r)
			return
		}

		p, err := s.Service.SessionPrincipal(r.Context(), c.Value)
		switch {
		case errors.Is(err, issuer.ErrUnauthenticated):
			s.clearSessionCookie(w)
		case err != nil:
			s.log.ErrorContext(r.Context(), "read session", "err", err)
			s.renderInternalError(w, r)
			return
		default:
			r = r.WithContext(context.WithValue(r.Context(), principalKey, p))
		}
		next.ServeHTTP(w, r)
	})
}

// principal returns the signed-in user or student of the request, or nil.
func principal(r *http.Request) *issuer.Principal {
	p, _ := r.Context().Value(principalKey).(*issuer.Principal)
	return p
}

// sessionUser returns the signed-in staff user, or nil for a student or an
// anonymous request. Handlers behind requireRole(admin or organiser) can
// rely on it being set.
func sessionUser(r *http.Request) *issuer.User {
	if p := principal(r); p != nil {
		return p.User
	}
	return nil
}

// sessionStudent returns the signed-in student, or nil. Handlers behind
// requireRole(student) can rely on it being set.
func sessionStudent(r *http.Request) *issuer.Student {
	if p := principal(r); p != nil {
		return p.Student
	}
	return nil
}

// requireRole lets a request through when its principal has one of roles.
// An anonymous request is sent to the sign-in page, which returns to the
// page after signing in; a signed-in one with another role gets 403.
func (s *Server) requireRole(roles ...issuer.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			p := principal(r)
			if p == nil {
				s.redirectToSignIn(w, r)
				return
			}
			for _, role := range roles {
				if p.Role() == role {
					next.ServeHTTP(w, r)
					return
				}
			}
			s.renderError(w, r, http.StatusForbidden, "Your account cannot open this page. Sign in with another account or go back to your own pages.")
		})
	}
}

// redirectToSignIn sends an anonymous request to the sign-in page. A GET
// comes back to the same page afterwards; a POST loses its form and comes
// back to nothing.
func (s *Server) redirectToSignIn(w http.ResponseWriter, r *http.Request) {
	target := "/signin"
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// safeNext returns next when it is a path on this server, and "" for
// anything else, so that the sign-in page cannot redirect to another site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return next
}

// landingPath returns the first page of role after signing in.
func landingPath(role issuer.Role) string {
	switch role {
	case issuer.RoleAdmin:
		return "/admin/"
	case issuer.RoleOrganiser:
		return "/organiser/"
	case issuer.RoleStudent:
		return "/student/"
	}
	return "/"
}

// ownActivity returns the activity with id when the signed-in staff user
// may manage it: the admin any, an organiser only their own. Another
// organiser's activity is issuer.ErrForbidden.
func (s *Server) ownActivity(r *http.Request, id string) (*issuer.Activity, error) {
	return s.Service.Activity(r.Context(), sessionUser(r), id)
}

// requireOwnStudent returns issuer.ErrForbidden unless the signed-in
// principal is the student with id (the internal UUID) or the admin. Pages
// that take a student id from the URL or a form call it first.
func requireOwnStudent(r *http.Request, studentID string) error {
	p := principal(r)
	switch {
	case p == nil:
		return issuer.ErrUnauthenticated
	case p.User != nil && p.User.Role == issuer.RoleAdmin:
		return nil
	case p.Student != nil && p.Student.ID == studentID:
		return nil
	}
	return issuer.ErrForbidden
}
