package web

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// organisersPageData is the data of templates/pages/admin/organisers.html.
type organisersPageData struct {
	Organisers []*issuer.User
	Form       organiserForm
	MinLength  int
}

// organiserForm is the form that creates an organiser account.
type organiserForm struct {
	Name  string
	Email string
	Error string
}

// organisersPage handles GET /admin/organisers.
func (s *Server) organisersPage(w http.ResponseWriter, r *http.Request) {
	s.renderOrganisers(w, r, http.StatusOK, organiserForm{})
}

func (s *Server) renderOrganisers(w http.ResponseWriter, r *http.Request, status int, form organiserForm) {
	list, err := s.Service.Organisers(r.Context(), sessionUser(r))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, status, "admin/organisers.html", organisersPageData{Organisers: list, Form: form, MinLength: issuer.MinPasswordLength})
}

// createOrganiser handles POST /admin/organisers.
func (s *Server) createOrganiser(w http.ResponseWriter, r *http.Request) {
	form := organiserForm{Name: r.PostFormValue("name"), Email: r.PostFormValue("email")}
	u, err := s.Service.CreateStaffUser(r.Context(), sessionUser(r), form.Name, form.Email, issuer.RoleOrganiser, r.PostFormValue("password"))
	if errors.Is(err, issuer.ErrInvalid) {
		form.Error = validationMessage(err)
		s.renderOrganisers(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/organisers", "success", "The organiser account of "+u.Name+" is created. Give them their password in person or by phone.")
}

// setUploadRight handles POST /admin/organisers/{id}/upload-right with
// can_upload=true or false.
func (s *Server) setUploadRight(w http.ResponseWriter, r *http.Request) {
	var canUpload bool
	switch r.PostFormValue("can_upload") {
	case "true":
		canUpload = true
	case "false":
	default:
		s.renderError(w, r, http.StatusBadRequest, "The form sent no valid choice. Go back to the organisers page and use its buttons.")
		return
	}

	u, err := s.Service.SetUploadRight(r.Context(), sessionUser(r), chi.URLParam(r, "id"), canUpload)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}

	message := u.Name + " may no longer upload attendance."
	if canUpload {
		message = u.Name + " may now upload attendance."
	}
	s.redirect(w, r, "/admin/organisers", "success", message)
}

// endOrganiserSessions handles POST /admin/organisers/{id}/sessions/end,
// which signs an organiser out on every browser, for example after a
// lost laptop.
func (s *Server) endOrganiserSessions(w http.ResponseWriter, r *http.Request) {
	n, err := s.Service.EndUserSessions(r.Context(), sessionUser(r), chi.URLParam(r, "id"))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/organisers", "success", "Ended "+plural(n, "session")+".")
}
