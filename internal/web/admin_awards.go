package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// awardSearchData is the data of templates/pages/admin/awards.html.
type awardSearchData struct {
	Query        string
	BadgeID      string
	ActivityID   string
	Status       string
	From         string // 2006-01-02
	To           string // 2006-01-02, inclusive
	Achievements []*issuer.Achievement
	Awards       []*issuer.AwardRecord
	Total        int
	Pager        pager
	Error        string
	ExportQuery  string // the filters, encoded for the export links
}

// dateLayout is the value format of HTML date inputs.
const dateLayout = "2006-01-02"

// awardSearchFromQuery reads the filters of the award search and export
// forms. It returns a message for a date it cannot read.
func awardSearchFromQuery(r *http.Request) (awardSearchData, issuer.AwardSearch, string) {
	q := r.URL.Query()
	data := awardSearchData{
		Query:      strings.TrimSpace(q.Get("q")),
		BadgeID:    q.Get("badge"),
		ActivityID: q.Get("activity"),
		Status:     q.Get("status"),
		From:       strings.TrimSpace(q.Get("from")),
		To:         strings.TrimSpace(q.Get("to")),
	}
	f := issuer.AwardSearch{Query: data.Query, AchievementID: data.BadgeID, ActivityID: data.ActivityID}
	switch data.Status {
	case string(issuer.AwardActive), string(issuer.AwardRevoked):
		f.Status = issuer.AwardStatus(data.Status)
	default:
		data.Status = ""
	}

	var problem string
	if data.From != "" {
		t, err := time.Parse(dateLayout, data.From)
		if err != nil {
			problem = "The start date " + data.From + " is not a date like 2025-09-01."
		}
		f.IssuedFrom = t
	}
	if data.To != "" {
		t, err := time.Parse(dateLayout, data.To)
		if err != nil {
			problem = "The end date " + data.To + " is not a date like 2026-08-31."
		}
		// The end date counts whole: awards before the next midnight.
		f.IssuedBefore = t.AddDate(0, 0, 1)
	}
	return data, f, problem
}

// awardsPage handles GET /admin/awards with the filters q, badge,
// activity, status, from, to and page.
func (s *Server) awardsPage(w http.ResponseWriter, r *http.Request) {
	actor := sessionUser(r)
	data, f, problem := awardSearchFromQuery(r)
	achievements, err := s.Service.Achievements(r.Context(), actor)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	data.Achievements = achievements
	if problem != "" {
		data.Error = problem
		s.render(w, r, http.StatusUnprocessableEntity, "admin/awards.html", data)
		return
	}

	page := pageNumber(r)
	f.Limit, f.Offset = adminPageSize, (page-1)*adminPageSize
	records, total, err := s.Service.SearchAwards(r.Context(), actor, f)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	data.Awards, data.Total = records, total
	exportQuery := r.URL.Query()
	exportQuery.Del("page")
	data.ExportQuery = exportQuery.Encode()
	data.Pager = newPager(r, page, f.Offset+len(records) < total)
	s.render(w, r, http.StatusOK, "admin/awards.html", data)
}

// awardPageData is the data of templates/pages/admin/award.html.
type awardPageData struct {
	Award         *issuer.AwardRecord
	CredentialURL string
}

// awardPage handles GET /admin/awards/{credential}: one award with its
// revoke and re-issue forms.
func (s *Server) awardPage(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "credential")
	if !isUUID(id) {
		s.renderServiceError(w, r, issuer.ErrNotFound)
		return
	}
	records, _, err := s.Service.SearchAwards(r.Context(), sessionUser(r), issuer.AwardSearch{Query: id, Limit: 1})
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	if len(records) == 0 || records[0].CredentialID != id {
		// The id may be a replaced credential, which is no award's
		// current one. Its public page names the credential that
		// replaced it.
		s.renderServiceError(w, r, issuer.ErrNotFound)
		return
	}
	s.render(w, r, http.StatusOK, "admin/award.html", awardPageData{
		Award:         records[0],
		CredentialURL: "/credentials/" + id,
	})
}

// revokeAwardForm handles POST /admin/awards/{credential}/revoke with a
// reason.
func (s *Server) revokeAwardForm(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "credential")
	back := "/admin/awards/" + id
	reason := strings.TrimSpace(r.PostFormValue("reason"))

	_, err := s.Service.Revoke(r.Context(), sessionUser(r), id, reason)
	if errors.Is(err, issuer.ErrInvalid) || errors.Is(err, issuer.ErrConflict) {
		s.redirect(w, r, back, "error", "The credential was not revoked: "+formErrorMessage(err))
		return
	}
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.redirect(w, r, back, "success", "The credential is revoked. Its page and its status list show it from now on.")
}

// reissueAwardForm handles POST /admin/awards/{credential}/reissue with a
// reason: the award gets a new credential from the corrected records and
// the old one is revoked as replaced.
func (s *Server) reissueAwardForm(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "credential")
	reason := strings.TrimSpace(r.PostFormValue("reason"))

	a, err := s.Service.Correct(r.Context(), sessionUser(r), id, issuer.Correction{Reason: reason})
	if errors.Is(err, issuer.ErrInvalid) || errors.Is(err, issuer.ErrConflict) {
		s.redirect(w, r, "/admin/awards/"+id, "error", "The credential was not re-issued: "+formErrorMessage(err))
		return
	}
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/awards/"+a.Credential.ID, "success", "A corrected credential is issued and the old one is revoked as replaced.")
}
