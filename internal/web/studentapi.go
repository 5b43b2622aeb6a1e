package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// studentAPIRoutes registers the JSON routes of the signed-in student
// below /api/v1/student, over the same service calls as the student's
// pages. API tokens belong to staff, so these routes take the browser
// session of a student instead. http.CrossOriginProtection rejects
// cross-origin browser requests that change data here as on the pages.
func (s *Server) studentAPIRoutes(r chi.Router) {
	r.Use(s.authenticateStudent)

	r.Get("/publication", s.getPublication)
	r.Put("/publication", s.putPublication)
	r.Post("/transcript-link", s.createTranscriptLink)
	r.Get("/transcript-requests", s.listOwnTranscriptRequests)
	r.Post("/transcript-requests", s.createTranscriptRequest)
	r.Put("/enrolments/{token}", s.enrolByToken)
}

// authenticateStudent puts the principal of the request's session in the
// context when it is a student. Without a session the request gets 401; a
// staff session or API token gets 403.
func (s *Server) authenticateStudent(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token, ok := bearerToken(r); ok {
			if _, err := s.Service.Authenticate(r.Context(), token); err != nil {
				s.writeError(w, r, err)
				return
			}
			s.writeError(w, r, &requestError{status: http.StatusForbidden, code: codeForbidden,
				message: "API tokens belong to staff accounts; the student routes take the session cookie of a student signed in at /signin"})
			return
		}

		p, err := s.studentSession(r)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), principalKey, p)))
	})
}

// errNoStudentSession is the 401 of a student route without a session.
var errNoStudentSession = &requestError{status: http.StatusUnauthorized, code: codeUnauthenticated,
	message: "no student is signed in; sign in at /signin and send the session cookie with the request"}

// studentSession returns the student principal of the request's session
// cookie.
func (s *Server) studentSession(r *http.Request) (*issuer.Principal, error) {
	c, err := r.Cookie(s.sessionCookieName())
	if err != nil || c.Value == "" {
		return nil, errNoStudentSession
	}
	p, err := s.Service.SessionPrincipal(r.Context(), c.Value)
	if errors.Is(err, issuer.ErrUnauthenticated) {
		return nil, errNoStudentSession
	}
	if err != nil {
		return nil, err
	}
	if p.Student == nil {
		return nil, &requestError{status: http.StatusForbidden, code: codeForbidden,
			message: "the student routes are for signed-in students; staff use an API token on the other routes"}
	}
	return p, nil
}

// publicationView is a student's choice for the Records of Achievement
// and every badge with whether the Records show it.
type publicationView struct {
	Mode      string             `json:"mode"`
	AwardIDs  []string           `json:"award_ids"` // the checked awards when mode is "selected"
	UpdatedAt *time.Time         `json:"updated_at,omitempty"`
	Badges    []publicationBadge `json:"badges"`
}

// publicationBadge is one of the student's awards in a publicationView.
type publicationBadge struct {
	AwardID         string `json:"award_id"`
	CredentialID    string `json:"credential_id"`
	AchievementCode string `json:"achievement_code"`
	AchievementName string `json:"achievement_name"`
	ActivityTitle   string `json:"activity_title"`
	Status          string `json:"status"`
	Published       bool   `json:"published"`
}

// getPublication handles GET /api/v1/student/publication.
func (s *Server) getPublication(w http.ResponseWriter, r *http.Request) {
	view, err := s.publicationView(r.Context(), sessionStudent(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, view)
}

func (s *Server) publicationView(ctx context.Context, st *issuer.Student) (*publicationView, error) {
	setting, err := s.Service.PublicationSetting(ctx, st)
	if err != nil {
		return nil, err
	}
	badges, err := s.Service.StudentBadges(ctx, st)
	if err != nil {
		return nil, err
	}

	view := &publicationView{Mode: string(setting.Mode), AwardIDs: setting.AwardIDs, Badges: make([]publicationBadge, len(badges))}
	if view.AwardIDs == nil {
		view.AwardIDs = []string{}
	}
	if !setting.UpdatedAt.IsZero() {
		view.UpdatedAt = &setting.UpdatedAt
	}
	for i, b := range badges {
		view.Badges[i] = publicationBadge{
			AwardID: b.Award.ID, CredentialID: b.Award.Credential.ID,
			AchievementCode: b.Achievement.Code, AchievementName: b.Achievement.Name,
			ActivityTitle: b.Activity.Title, Status: string(b.Award.Status), Published: b.Published,
		}
	}
	return view, nil
}

// publicationInput is the body of PUT /api/v1/student/publication.
type publicationInput struct {
	Mode     string   `json:"mode"`
	AwardIDs []string `json:"award_ids"`
}

// putPublication handles PUT /api/v1/student/publication. mode "all" or
// "none" publishes every badge or none, "enrolment" follows the choice
// made at each enrolment, and "selected" publishes the awards in
// award_ids, which other modes ignore, as the publication page does.
func (s *Server) putPublication(w http.ResponseWriter, r *http.Request) {
	var in publicationInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}

	ctx, st := r.Context(), sessionStudent(r)
	if err := s.Service.SetPublication(ctx, st, issuer.PublicationMode(in.Mode), in.AwardIDs); err != nil {
		s.writeError(w, r, err)
		return
	}
	s.getPublication(w, r)
}

// createTranscriptLink handles POST /api/v1/student/transcript-link: the
// public URL of the page that lists and checks all of the student's
// credentials, made on first use and the same afterwards.
func (s *Server) createTranscriptLink(w http.ResponseWriter, r *http.Request) {
	link, err := s.Service.TranscriptLink(r.Context(), sessionStudent(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"url": link})
}

// listOwnTranscriptRequests handles GET /api/v1/student/transcript-requests.
func (s *Server) listOwnTranscriptRequests(w http.ResponseWriter, r *http.Request) {
	list, err := s.Service.StudentTranscriptRequests(r.Context(), sessionStudent(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]transcriptRequestView, len(list))
	for i, tr := range list {
		views[i] = newTranscriptRequestView(tr)
	}
	writeJSON(w, http.StatusOK, map[string]any{"transcript_requests": views})
}

// transcriptRequestInput is the body of POST /api/v1/student/transcript-requests.
type transcriptRequestInput struct {
	Note string `json:"note"`
}

// createTranscriptRequest handles POST /api/v1/student/transcript-requests:
// a request for a printed transcript, which the learning advisor handles.
func (s *Server) createTranscriptRequest(w http.ResponseWriter, r *http.Request) {
	var in transcriptRequestInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	tr, err := s.Service.RequestTranscript(r.Context(), sessionStudent(r), in.Note)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, newTranscriptRequestView(tr))
}

// enrolmentChoice is the body of PUT /api/v1/student/enrolments/{token}.
type enrolmentChoice struct {
	PublishConsent *bool `json:"publish_consent"`
}

// enrolByToken handles PUT /api/v1/student/enrolments/{token}, where the
// token is the last part of an activity's enrolment link: it enrols the
// student, or changes their choice of publication, as the page of the
// link does.
func (s *Server) enrolByToken(w http.ResponseWriter, r *http.Request) {
	var in enrolmentChoice
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.PublishConsent == nil {
		s.writeError(w, r, badRequest("field publish_consent is missing; send true to let the Records of Achievement show the activity's badges, or false"))
		return
	}

	a, err := s.Service.EnrolByLink(r.Context(), sessionStudent(r), chi.URLParam(r, "token"), *in.PublishConsent)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"activity_id": a.ID, "activity_title": a.Title, "publish_consent": *in.PublishConsent})
}
