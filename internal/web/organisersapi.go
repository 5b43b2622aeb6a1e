package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// userView is a staff account in the JSON API.
type userView struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Email     string    `json:"email,omitempty"`
	Role      string    `json:"role"`
	CanUpload bool      `json:"can_upload"`
	CreatedAt time.Time `json:"created_at"`
}

func newUserView(u *issuer.User) userView {
	return userView{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role), CanUpload: u.CanUpload, CreatedAt: u.CreatedAt}
}

// listOrganisers handles GET /api/v1/organisers.
func (s *Server) listOrganisers(w http.ResponseWriter, r *http.Request) {
	list, err := s.Service.Organisers(r.Context(), currentUser(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]userView, len(list))
	for i, u := range list {
		views[i] = newUserView(u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"organisers": views})
}

// organiserInput is the body of POST /api/v1/organisers.
type organiserInput struct {
	Name     string `json:"name"`
	Email    string `json:"email"`
	Password string `json:"password"`
}

// createOrganiserAccount handles POST /api/v1/organisers, which creates an
// organiser account with a password, as the admin's organiser page does.
func (s *Server) createOrganiserAccount(w http.ResponseWriter, r *http.Request) {
	var in organiserInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	u, err := s.Service.CreateStaffUser(r.Context(), currentUser(r), in.Name, in.Email, issuer.RoleOrganiser, in.Password)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/organisers/"+u.ID)
	writeJSON(w, http.StatusCreated, newUserView(u))
}

// organiserPatch is the body of PATCH /api/v1/organisers/{id}.
type organiserPatch struct {
	CanUpload *bool `json:"can_upload"`
}

// patchOrganiser handles PATCH /api/v1/organisers/{id}, which grants or
// withdraws an organiser's right to upload attendance.
func (s *Server) patchOrganiser(w http.ResponseWriter, r *http.Request) {
	var in organiserPatch
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.CanUpload == nil {
		s.writeError(w, r, badRequest("field can_upload is missing; send true to grant the upload right or false to withdraw it"))
		return
	}

	u, err := s.Service.SetUploadRight(r.Context(), currentUser(r), chi.URLParam(r, "id"), *in.CanUpload)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newUserView(u))
}

// endUserSessions handles POST /api/v1/organisers/{id}/sessions/end, which
// signs an organiser out of every browser.
func (s *Server) endUserSessions(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	n, err := s.Service.EndUserSessions(r.Context(), currentUser(r), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": id, "sessions_ended": n})
}

// transcriptRequestView is a transcript request in the JSON API. Student
// is set in the admin's list only.
type transcriptRequestView struct {
	ID          string       `json:"id"`
	Note        string       `json:"note"`
	RequestedAt time.Time    `json:"requested_at"`
	Student     *studentView `json:"student,omitempty"`
}

func newTranscriptRequestView(tr *issuer.TranscriptRequest) transcriptRequestView {
	return transcriptRequestView{ID: tr.ID, Note: tr.Note, RequestedAt: tr.RequestedAt}
}

// listTranscriptRequests handles GET /api/v1/transcript-requests: every
// student's requests, newest first, for the admin.
func (s *Server) listTranscriptRequests(w http.ResponseWriter, r *http.Request) {
	list, err := s.Service.TranscriptRequestsWithStudents(r.Context(), currentUser(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]transcriptRequestView, len(list))
	for i, tr := range list {
		views[i] = newTranscriptRequestView(tr.Request)
		if tr.Student != nil {
			st := newStudentView(tr.Student)
			views[i].Student = &st
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"transcript_requests": views})
}
