package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

type contextKey int

const (
	requestIDKey contextKey = iota
	userKey
)

// requestIDHeader carries the request id in both directions.
const requestIDHeader = "X-Request-Id"

// inboundRequestID is the pattern that an X-Request-Id from a client or
// proxy must match to be kept. Other values are replaced, so that log lines
// cannot be forged or bloated through the header.
var inboundRequestID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// RequestID returns the id of the request that ctx belongs to, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey).(string)
	return id
}

// withRequestID keeps a well-formed inbound X-Request-Id or makes a new one,
// puts it in the context and echoes it in the response.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(requestIDHeader)
		if !inboundRequestID.MatchString(id) {
			id = uuid.NewString()
		}
		w.Header().Set(requestIDHeader, id)

		ctx := context.WithValue(r.Context(), requestIDKey, id)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// logHandler adds the request id of the context to every record.
type logHandler struct{ slog.Handler }

// NewLogHandler wraps h so that every record logged with a request's
// context carries a request_id attribute. The command wraps the handler of
// the whole program with it, so that service log lines carry the id too.
func NewLogHandler(h slog.Handler) slog.Handler {
	if _, ok := h.(*logHandler); ok {
		return h
	}
	return &logHandler{h}
}

// Handle adds request_id to r when ctx belongs to a request.
func (h *logHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

// WithAttrs keeps the wrapper around the derived handler.
func (h *logHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return &logHandler{h.Handler.WithAttrs(attrs)}
}

// WithGroup keeps the wrapper around the derived handler.
func (h *logHandler) WithGroup(name string) slog.Handler {
	return &logHandler{h.Handler.WithGroup(name)}
}

// accessLog writes one log line and the request metrics per request. It
// logs the route pattern but not the path or query, because credential ids
// in paths are share links and queries may contain secrets. Headers and
// bodies are not logged at all.
func (s *Server) accessLog(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)

		next.ServeHTTP(ww, r)

		status := ww.Status()
		if status == 0 {
			status = http.StatusOK
		}
		route := routePattern(r)
		elapsed := time.Since(start)
		s.metrics.observe(r.Method, route, status, elapsed)

		s.log.LogAttrs(r.Context(), levelFor(status), "request",
			slog.String("method", r.Method),
			slog.String("route", route),
			slog.Int("status", status),
			slog.Int("bytes", ww.BytesWritten()),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
		)
	})
}

// routePattern returns the chi pattern that served r, such as
// /api/v1/activities/{id}, or "unmatched" so that unknown paths do not
// create a metric series each.
func routePattern(r *http.Request) string {
	if rc := chi.RouteContext(r.Context()); rc != nil {
		if p := rc.RoutePattern(); p != "" {
			return p
		}
	}
	return "unmatched"
}

func levelFor(status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelError
	case status >= 400:
		return slog.LevelWarn
	}
	return slog.LevelInfo
}

// recoverPanics turns a panic in a handler into the generic 500 and logs
// the panic with its stack.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.log.ErrorContext(r.Context(), "handler panicked", "panic", v, "stack", string(debug.Stack()))
			body := errorBody{Error: errorDetail{Code: codeInternal, Message: "internal error", RequestID: RequestID(r.Context())}}
			writeJSON(w, http.StatusInternalServerError, body)
		}()
		next.ServeHTTP(w, r)
	})
}

// baseCSP applies to every response that does not set its own policy:
// JSON and downloads need no scripts, styles or frames.
const baseCSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

// securityHeaders sets the headers every response carries. Handlers that
// serve HTML or SVG replace the Content-Security-Policy with their own.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", baseCSP)
		next.ServeHTTP(w, r)
	})
}

// rejectControlText returns 400 when the path or a query parameter is not
// valid UTF-8 or contains a control character, before any handler reads
// it. Such text names no record, and PostgreSQL rejects it in a query.
// Query values may contain tabs and line breaks, because the organiser's
// activity form sends its description by GET to refresh the badge
// guidance. The service checks bodies, field by field.
func (s *Server) rejectControlText(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := checkRequestText(r)
		if err == nil {
			next.ServeHTTP(w, r)
			return
		}

		if wantsHTML(r) {
			s.logError(r, http.StatusBadRequest, err)
			s.loadSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				s.renderError(w, r, http.StatusBadRequest, "The address is not valid: "+err.Error()+".")
			})).ServeHTTP(w, r)
			return
		}
		s.writeError(w, r, err)
	})
}

// checkRequestText applies issuer.CheckLine to the path and the query
// parameter names, and issuer.CheckMultiline to their values, in name
// order, and returns a 400 for the first problem.
func checkRequestText(r *http.Request) error {
	if msg := textProblem(issuer.CheckLine("path", r.URL.Path)); msg != "" {
		return badRequest("the path %s", msg)
	}

	q := r.URL.Query()
	for _, name := range slices.Sorted(maps.Keys(q)) {
		if msg := textProblem(issuer.CheckLine("name", name)); msg != "" {
			return badRequest("the name of query parameter %q %s", name, msg)
		}
		for _, v := range q[name] {
			if msg := textProblem(issuer.CheckMultiline(name, v)); msg != "" {
				return badRequest("query parameter %s %s", name, msg)
			}
		}
	}
	return nil
}

// textProblem returns the message of a ValidationError without its field,
// or "" for nil.
func textProblem(err error) string {
	var v *issuer.ValidationError
	if !errors.As(err, &v) {
		return ""
	}
	return v.Message
}

// publicCORS lets browser-based verifiers on other origins read the public
// documents: credentials, achievements, the issuer profile and the keys.
// These carry no cookies and no authorisation, so a wildcard is safe.
func publicCORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		next.ServeHTTP(w, r)
	})
}

// authenticate resolves the bearer token to a user, or returns 401.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r)
		if !ok {
			s.writeError(w, r, issuer.ErrUnauthenticated)
			return
		}

		user, err := s.Service.Authenticate(r.Context(), token)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		ctx := context.WithValue(r.Context(), userKey, user)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// requireTokenRole returns 403 unless the user that authenticate found has
// one of roles.
func (s *Server) requireTokenRole(roles ...issuer.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u := currentUser(r)
			if u == nil {
				s.writeError(w, r, issuer.ErrUnauthenticated)
				return
			}
			if !slices.Contains(roles, u.Role) {
				s.writeError(w, r, fmt.Errorf("user %s has role %s, and the route needs %v: %w", u.ID, u.Role, roles, issuer.ErrForbidden))
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// bearerToken returns the token of an "Authorization: Bearer <token>"
// header; the scheme is case-insensitive (RFC 9110 section 11.1).
func bearerToken(r *http.Request) (string, bool) {
	const scheme = "bearer "
	h := r.Header.Get("Authorization")
	if len(h) <= len(scheme) || !strings.EqualFold(h[:len(scheme)], scheme) {
		return "", false
	}
	token := strings.TrimLeft(h[len(scheme):], " ")
	return token, token != ""
}

// currentUser returns the user that authenticate put in the context.
func currentUser(r *http.Request) *issuer.User {
	u, _ := r.Context().Value(userKey).(*issuer.User)
	return u
}
