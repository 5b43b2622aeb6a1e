package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/issuer"
)

// auditPageData is the data of templates/pages/admin/audit.html.
type auditPageData struct {
	Action  string
	ActorID string
	Subject string
	Entries []*issuer.AuditEntry
	Older   string // link to the next page of older entries, or ""
}

// auditPage handles GET /admin/audit with the filters action, actor and
// subject, and before, the id below which the page starts.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	data := auditPageData{
		Action:  strings.TrimSpace(q.Get("action")),
		ActorID: strings.TrimSpace(q.Get("actor")),
		Subject: strings.TrimSpace(q.Get("subject")),
	}
	f := issuer.AuditFilter{Action: data.Action, ActorID: data.ActorID, Subject: data.Subject, Limit: adminPageSize + 1}
	if before, err := strconv.ParseInt(q.Get("before"), 10, 64); err == nil && before > 0 {
		f.BeforeID = before
	}

	entries, err := s.Service.AuditLog(r.Context(), sessionUser(r), f)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	if len(entries) > adminPageSize {
		entries = entries[:adminPageSize]
		next := url.Values{"before": {strconv.FormatInt(entries[len(entries)-1].ID, 10)}}
		for key, value := range map[string]string{"action": data.Action, "actor": data.ActorID, "subject": data.Subject} {
			if value != "" {
				next.Set(key, value)
			}
		}
		data.Older = "/admin/audit?" + next.Encode()
	}
	data.Entries = entries
	s.render(w, r, http.StatusOK, "admin/audit.html", data)
}
