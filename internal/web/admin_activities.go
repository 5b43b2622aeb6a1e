package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// activitiesPage handles GET /admin/activities: every activity, newest
// first.
func (s *Server) activitiesPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.Service.Activities(r.Context(), sessionUser(r))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/activities.html", list)
}

// activityUploadsData is the data of templates/pages/admin/activity.html.
type activityUploadsData struct {
	Activity *issuer.Activity
	Uploads  []*issuer.Upload
}

// adminActivityPage handles GET /admin/activities/{id}: the activity and every
// attendance file uploaded for it.
func (s *Server) adminActivityPage(w http.ResponseWriter, r *http.Request) {
	actor := sessionUser(r)
	a, err := s.Service.Activity(r.Context(), actor, chi.URLParam(r, "id"))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	uploads, err := s.Service.Uploads(r.Context(), actor, a.ID)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/activity.html", activityUploadsData{Activity: a, Uploads: uploads})
}

// uploadFilePage handles GET /admin/uploads/{id}/file: the attendance file
// exactly as it was uploaded, as an attachment.
func (s *Server) uploadFilePage(w http.ResponseWriter, r *http.Request) {
	u, err := s.Service.Upload(r.Context(), sessionUser(r), chi.URLParam(r, "id"))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	sendAttachment(w, downloadType(u.Filename), downloadName(u), u.Original)
}
