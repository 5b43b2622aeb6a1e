package web

import (
	"net/http"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// awardView is an award in the JSON API. It links to the credential rather
// than embedding it; StudentUUID is Laurel's id of the student, the same id
// that the student query parameter takes.
type awardView struct {
	ID            string    `json:"id"`
	ActivityID    string    `json:"activity_id"`
	StudentUUID   string    `json:"student_uuid"`
	AchievementID string    `json:"achievement_id"`
	UploadID      string    `json:"upload_id"`
	Status        string    `json:"status"`
	IssuedAt      time.Time `json:"issued_at"`
	CredentialID  string    `json:"credential_id"`
	CredentialURL string    `json:"credential_url"`
}

func (s *Server) awardView(a *issuer.Award) awardView {
	return awardView{
		ID: a.ID, ActivityID: a.ActivityID, StudentUUID: a.StudentID,
		AchievementID: a.AchievementID, UploadID: a.UploadID,
		Status: string(a.Status), IssuedAt: a.IssuedAt,
		CredentialID:  a.Credential.ID,
		CredentialURL: s.Service.URLs.Credential(a.Credential.ID),
	}
}

// listAwards lists awards filtered by activity, student (Laurel's student
// id) and upload; organisers must give one of their activities.
func (s *Server) listAwards(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := issuer.AwardFilter{
		ActivityID: q.Get("activity"), StudentID: q.Get("student"), UploadID: q.Get("upload"),
		Limit: limit, Offset: offset,
	}

	list, err := s.Service.Awards(r.Context(), currentUser(r), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]awardView, len(list))
	for i, a := range list {
		views[i] = s.awardView(a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"awards": views, "limit": limit, "offset": offset})
}
