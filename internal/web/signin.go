package web

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// LinkSender sends a student's one-time sign-in link by email.
type LinkSender interface {
	SendSignInLink(ctx context.Context, to, name, link string) error
}

// sendLinkTimeout bounds the sending of one sign-in link, which runs after
// the response so that its duration does not tell whether the address is
// known.
const sendLinkTimeout = time.Minute

// signInForm is the data of templates/pages/account/signin.html.
type signInForm struct {
	Login string
	Next  string
	Error string
}

// signInPage handles GET /signin.
func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	if p := principal(r); p != nil {
		http.Redirect(w, r, landingPath(p.Role()), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "account/signin.html", signInForm{Next: safeNext(r.URL.Query().Get("next"))})
}

// signIn handles POST /signin: a password sign-in by a staff user or a
// student.
func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	login := strings.TrimSpace(r.PostFormValue("login"))
	form := signInForm{Login: login, Next: safeNext(r.PostFormValue("next"))}

	attempt, ok := s.countSignInAttempt(w, r, byClient(ctx), byLogin(login))
	if !ok {
		return
	}

	p, err := s.Service.SignIn(ctx, login, r.PostFormValue("password"))
	if errors.Is(err, issuer.ErrUnauthenticated) {
		form.Error = "The email or password is wrong. Check them and try again, or ask for a sign-in link by email."
		s.render(w, r, http.StatusUnauthorized, "account/signin.html", form)
		return
	}
	s.uncount(ctx, attempt)
	if err != nil {
		s.log.ErrorContext(ctx, "sign in", "err", err)
		s.renderInternalError(w, r)
		return
	}
	s.clearAttempts(ctx, byLogin(login))

	s.startSession(w, r, p, form.Next)
}

// countSignInAttempt counts an attempt against keys before the attempt is
// made. When a limit is reached it writes the 429 page, and when the
// counts cannot be stored the 503 page, and returns false.
func (s *Server) countSignInAttempt(w http.ResponseWriter, r *http.Request, keys ...limitKey) (*attempt, bool) {
	attempt, wait, err := s.countAttempt(r.Context(), keys...)
	switch {
	case err != nil:
		s.log.ErrorContext(r.Context(), "sign-in attempt rejected: storing its count failed", "err", err)
		s.renderError(w, r, http.StatusServiceUnavailable,
			"Signing in is not possible right now, because the server cannot check its sign-in limits. Try again in a few minutes.")
		return nil, false
	case wait > 0:
		s.renderTooManyAttempts(w, r, wait)
		return nil, false
	}
	return attempt, true
}

// startSession ends the request's old session, if any, and starts a new
// one with a new secret, so that a session id planted before sign-in is
// worthless after it.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, p *issuer.Principal, next string) {
	if c, err := r.Cookie(s.sessionCookieName()); err == nil && c.Value != "" {
		if err := s.Service.EndSession(r.Context(), c.Value); err != nil {
			s.log.ErrorContext(r.Context(), "end previous session", "err", err)
		}
	}

	secret, err := s.Service.StartSession(r.Context(), p)
	if err != nil {
		s.log.ErrorContext(r.Context(), "start session", "err", err)
		s.renderInternalError(w, r)
		return
	}
	s.setSessionCookie(w, secret)

	if next == "" {
		next = landingPath(p.Role())
	}
	s.redirect(w, r, next, "success", "You are signed in as "+p.Name()+".")
}

// signOut handles POST /signout.
func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(s.sessionCookieName()); err == nil && c.Value != "" {
		if err := s.Service.EndSession(r.Context(), c.Value); err != nil {
			s.log.ErrorContext(r.Context(), "end session", "err", err)
			s.renderInternalError(w, r)
			return
		}
	}
	s.clearSessionCookie(w)
	s.redirect(w, r, "/signin", "success", "You are signed out.")
}

// linkRequestForm is the data of templates/pages/account/link.html.
type linkRequestForm struct {
	Email string
	Sent  bool
	Error string
}

// linkRequestPage handles GET /signin/link.
func (s *Server) linkRequestPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account/link.html", linkRequestForm{})
}

// requestLink handles POST /signin/link. The page it returns is the same
// whether or not a student has the address, and the email goes out after
// the response, so that the form does not reveal who studies here.
func (s *Server) requestLink(w http.ResponseWriter, r *http.Request) {
	email := strings.TrimSpace(r.PostFormValue("email"))
	if email == "" || !strings.Contains(email, "@") || len(email) > 320 {
		s.render(w, r, http.StatusUnprocessableEntity, "account/link.html",
			linkRequestForm{Email: email, Error: "Enter the email address you study with, or the personal address you added, such as name@example.com."})
		return
	}

	if _, ok := s.countSignInAttempt(w, r, byClient(r.Context()), byEmail(email)); !ok {
		return
	}

	student, secret, err := s.Service.CreateSignInLink(r.Context(), email)
	switch {
	case errors.Is(err, issuer.ErrNotFound):
		s.log.InfoContext(r.Context(), "sign-in link requested for an unknown address")
	case err != nil:
		s.log.ErrorContext(r.Context(), "create sign-in link", "err", err)
		s.renderInternalError(w, r)
		return
	default:
		s.sendLink(r.Context(), email, student, s.Service.URLs.Base+"/signin/link/"+secret)
	}

	s.render(w, r, http.StatusOK, "account/link.html", linkRequestForm{Email: email, Sent: true})
}

// sendLink sends the link in the background and logs a failure without the
// link, which is a credential.
func (s *Server) sendLink(ctx context.Context, to string, student *issuer.Student, link string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), sendLinkTimeout)
	s.sending.Add(1)
	go func() {
		defer s.sending.Done()
		defer cancel()
		if s.SignInLinks == nil {
			s.log.ErrorContext(ctx, "sign-in link not sent: no mail sender is configured", "student", student.Number)
			return
		}
		if err := s.SignInLinks.SendSignInLink(ctx, to, student.Name, link); err != nil {
			s.log.ErrorContext(ctx, "send sign-in link", "student", student.Number, "err", err)
		}
	}()
}

// Wait blocks until every sign-in link being sent has been sent or has
// failed. The command calls it after shutting the HTTP server down.
func (s *Server) Wait() { s.sending.Wait() }

// linkConfirmPage handles GET /signin/link/{token}. It only shows a button
// that posts the token, because mail scanners open links in emails and
// would otherwise use up the one-time link before the student does.
func (s *Server) linkConfirmPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account/confirm.html", map[string]string{"Token": chi.URLParam(r, "token")})
}

// useLink handles POST /signin/link/{token}.
func (s *Server) useLink(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	attempt, ok := s.countSignInAttempt(w, r, byClient(ctx))
	if !ok {
		return
	}

	student, err := s.Service.UseSignInLink(ctx, chi.URLParam(r, "token"))
	if errors.Is(err, issuer.ErrUnauthenticated) {
		s.render(w, r, http.StatusBadRequest, "account/link.html",
			linkRequestForm{Error: "This sign-in link has expired or was used already. Each link works once and for a short time only. Ask for a new one below."})
		return
	}
	s.uncount(ctx, attempt)
	if err != nil {
		s.log.ErrorContext(ctx, "use sign-in link", "err", err)
		s.renderInternalError(w, r)
		return
	}
	s.startSession(w, r, &issuer.Principal{Student: student}, "")
}

// renderTooManyAttempts writes the 429 page with a Retry-After in whole
// seconds.
func (s *Server) renderTooManyAttempts(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	seconds := int(math.Ceil(wait.Seconds()))
	minutes := (seconds + 59) / 60
	w.Header().Set("Retry-After", strconv.Itoa(seconds))
	s.render(w, r, http.StatusTooManyRequests, "errors/error.html", errorPage{
		Status:  http.StatusTooManyRequests,
		Message: "Too many sign-in attempts. Wait " + plural(minutes, "minute") + " and try again.",
	})
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
