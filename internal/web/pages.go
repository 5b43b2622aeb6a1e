package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// pageRoutes registers the HTML application: sign-in, and one route group
// per role. Every group's first middleware is its role guard. A test walks
// the router and checks that every route outside the public list in
// access_test.go rejects anonymous requests and requests of other roles.
func (s *Server) pageRoutes(r chi.Router) {
	r.Use(s.loadSession)

	r.Get("/signin", s.signInPage)
	r.Post("/signin", s.signIn)
	r.Get("/signin/link", s.linkRequestPage)
	r.Post("/signin/link", s.requestLink)
	r.Get("/signin/link/{token}", s.linkConfirmPage)
	r.Post("/signin/link/{token}", s.useLink)
	r.Post("/signout", s.signOut)

	r.Get("/records", s.recordsPage)
	r.Route("/enrol", func(r chi.Router) {
		r.Use(s.requireRole(issuer.RoleStudent))
		r.Get("/{token}", s.enrolPage)
		r.Post("/{token}", s.enrolSubmit)
	})

	r.Route("/admin", func(r chi.Router) {
		r.Use(s.requireRole(issuer.RoleAdmin))
		r.Get("/", s.adminHome)
		r.Get("/organisers", s.organisersPage)
		r.Post("/organisers", s.createOrganiser)
		r.Post("/organisers/{id}/upload-right", s.setUploadRight)
		r.Post("/organisers/{id}/sessions/end", s.endOrganiserSessions)
		r.Get("/transcripts", s.transcriptRequestsPage)
		s.adminPageRoutes(r)
	})

	r.Route("/account", func(r chi.Router) {
		r.Use(s.requireRole(issuer.RoleAdmin, issuer.RoleOrganiser))
		s.accountRoutes(r)
	})

	r.Route("/staff", func(r chi.Router) {
		r.Use(s.requireRole(issuer.RoleAdmin, issuer.RoleOrganiser))
		r.Get("/upload-runs/{id}", s.uploadRunStatusPage)
	})

	r.Route("/organiser", func(r chi.Router) {
		r.Use(s.requireRole(issuer.RoleOrganiser))
		s.organiserRoutes(r)
	})

	r.Route("/student", func(r chi.Router) {
		r.Use(s.requireRole(issuer.RoleStudent))
		s.studentRoutes(r)
		r.Get("/password", s.studentPasswordPage)
		r.Post("/password", s.setStudentPassword)
		r.Get("/transcript.pdf", s.studentTranscriptPDF)
		r.Get("/archive.zip", s.studentArchive)
	})
}

// wantsHTML reports whether r comes from a browser that asked for a page
// rather than from an API client, judged by the path and Accept header.
func wantsHTML(r *http.Request) bool {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		return false
	}
	for _, mr := range parseAccept(r.Header.Get("Accept")) {
		if mr.typ == "text" && mr.sub == "html" && mr.q > 0 {
			return true
		}
	}
	return false
}

// passwordForm is the data of templates/pages/student/password.html.
type passwordForm struct {
	Error     string
	MinLength int
}

// studentPasswordPage handles GET /student/password.
func (s *Server) studentPasswordPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "student/password.html", passwordForm{MinLength: issuer.MinPasswordLength})
}

// setStudentPassword handles POST /student/password.
func (s *Server) setStudentPassword(w http.ResponseWriter, r *http.Request) {
	password := r.PostFormValue("password")
	form := passwordForm{MinLength: issuer.MinPasswordLength}
	if password != r.PostFormValue("confirm") {
		form.Error = "The two passwords differ. Type the same password twice."
		s.render(w, r, http.StatusUnprocessableEntity, "student/password.html", form)
		return
	}

	err := s.Service.SetStudentPassword(r.Context(), principal(r), password)
	if errors.Is(err, issuer.ErrInvalid) {
		form.Error = "The password is not accepted: " + validationMessage(err) + "."
		s.render(w, r, http.StatusUnprocessableEntity, "student/password.html", form)
		return
	}
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.redirect(w, r, "/student/", "success", "Your password is set. You can now sign in with it or with an emailed link.")
}

// renderServiceError writes the HTML error page for an error of the
// service, with the status of the JSON API's mapping and a message that
// never includes the error's text.
func (s *Server) renderServiceError(w http.ResponseWriter, r *http.Request, err error) {
	status, _, _ := classify(err)
	s.logError(r, status, err)

	switch status {
	case http.StatusNotFound:
		s.renderError(w, r, status, "The record was not found. It may have been removed; go back and try again.")
	case http.StatusForbidden:
		s.renderError(w, r, status, "Your account may not do this. Ask the learning advisor if you need access.")
	case http.StatusUnauthorized:
		s.redirectToSignIn(w, r)
	case http.StatusConflict, http.StatusUnprocessableEntity, http.StatusBadRequest:
		s.renderError(w, r, status, "The request could not be carried out: "+validationMessage(err))
	default:
		s.renderInternalError(w, r)
	}
}
