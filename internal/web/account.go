package web

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// accountRoutes registers the staff user's own account pages below
// /account, whose role guard admits admins and organisers. Students set
// their password at /student/password.
func (s *Server) accountRoutes(r chi.Router) {
	r.Get("/password", s.changePasswordPage)
	r.Post("/password", s.changePassword)
}

// changePasswordForm is the data of templates/pages/account/password.html.
type changePasswordForm struct {
	Error     string
	MinLength int
}

// changePasswordPage handles GET /account/password.
func (s *Server) changePasswordPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "account/password.html", changePasswordForm{MinLength: issuer.MinPasswordLength})
}

// changePassword handles POST /account/password. A wrong current password
// counts against the account like a wrong password at /signin, so that a
// stolen session cannot be used to guess it. After the change the user
// is signed out everywhere else, and this browser gets a new session.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	ctx, user := r.Context(), sessionUser(r)
	form := changePasswordForm{MinLength: issuer.MinPasswordLength}
	password := r.PostFormValue("password")
	if password != r.PostFormValue("confirm") {
		form.Error = "The two new passwords differ. Type the same new password twice."
		s.render(w, r, http.StatusUnprocessableEntity, "account/password.html", form)
		return
	}

	attempt, ok := s.countSignInAttempt(w, r, limitKey{limitPasswordChange, user.ID})
	if !ok {
		return
	}
	_, err := s.Service.ChangeOwnPassword(ctx, user, r.PostFormValue("current"), password)
	switch {
	case errors.Is(err, issuer.ErrWrongPassword):
		form.Error = "The current password is wrong. Type the password you sign in with."
		s.render(w, r, http.StatusUnprocessableEntity, "account/password.html", form)
		return
	case errors.Is(err, issuer.ErrInvalid):
		s.uncount(ctx, attempt)
		form.Error = "The new password is not accepted: " + validationMessage(err) + "."
		s.render(w, r, http.StatusUnprocessableEntity, "account/password.html", form)
		return
	case err != nil:
		s.uncount(ctx, attempt)
		s.renderServiceError(w, r, err)
		return
	}
	s.clearAttempts(ctx, limitKey{limitPasswordChange, user.ID})

	secret, err := s.Service.StartSession(ctx, &issuer.Principal{User: user})
	if err != nil {
		s.log.ErrorContext(ctx, "start session after password change", "user", user.ID, "err", err)
		s.clearSessionCookie(w)
		s.redirect(w, r, "/signin", "success", "Your password is changed. Sign in with the new password.")
		return
	}
	s.setSessionCookie(w, secret)
	s.redirect(w, r, landingPath(user.Role), "success", "Your password is changed, and every other browser signed in to your account is signed out.")
}
