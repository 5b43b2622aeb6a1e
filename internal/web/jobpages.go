package web

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// progressRefreshSeconds is how often the progress page of a running
// upload reloads itself, with a meta refresh that needs no JavaScript.
const progressRefreshSeconds = 2

// jobsPage is the data of templates/pages/admin/jobs.html.
type jobsPage struct {
	Jobs []*issuer.JobRecord
}

// adminJobsPage handles GET /admin/jobs: the failed and retrying background
// jobs, each with the error of every attempt.
func (s *Server) adminJobsPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.Service.Jobs(r.Context(), sessionUser(r), issuer.JobFilter{})
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/jobs.html", jobsPage{Jobs: list})
}

// outboxPage is the data of templates/pages/admin/outbox.html.
type outboxPage struct {
	Messages []*issuer.OutboxMessage
	Selected *issuer.OutboxMessage // the message shown in full, if any
}

// adminOutboxPage handles GET /admin/outbox and /admin/outbox/{id}: the
// messages kept because no SMTP server is configured, and the plain-text
// part of one of them. The HTML part is not shown, because the page's
// Content-Security-Policy and its layout cannot contain a whole email.
func (s *Server) adminOutboxPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.Service.Outbox(r.Context(), sessionUser(r), 200)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}

	page := outboxPage{Messages: list}
	if id := chi.URLParam(r, "id"); id != "" {
		for _, m := range list {
			if m.ID == id {
				page.Selected = m
			}
		}
		if page.Selected == nil {
			s.renderError(w, r, http.StatusNotFound, "This message is not among the 200 newest in the outbox.")
			return
		}
	}
	s.render(w, r, http.StatusOK, "admin/outbox.html", page)
}

// uploadRunPage is the data of templates/pages/staff/upload-run.html.
type uploadRunPage struct {
	Run       *issuer.UploadRun
	Percent   int
	Refresh   string // content of the meta refresh while the run goes on; empty once finished
	Result    *issuer.UploadResult
	ResultURL string // the issued upload's page for the viewer's role, once done
	BackURL   string // the page to try the upload again from
}

// uploadRunStatusPage handles GET /staff/upload-runs/{id}: the progress of a
// background upload. It reloads itself every few seconds until the run
// finishes, so it works without JavaScript, and it can be left and
// opened again from its URL.
func (s *Server) uploadRunStatusPage(w http.ResponseWriter, r *http.Request) {
	run, err := s.Service.UploadRun(r.Context(), sessionUser(r), chi.URLParam(r, "id"))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}

	v := s.uploadRunView(run)
	run.Done, run.Total = v.Done, v.Total
	page := uploadRunPage{Run: run}
	if run.Total > 0 {
		page.Percent = run.Done * 100 / run.Total
	}
	if !run.Finished() {
		page.Refresh = strconv.Itoa(progressRefreshSeconds)
	}
	if len(run.Result) > 0 {
		var res issuer.UploadResult
		if err := json.Unmarshal(run.Result, &res); err != nil {
			s.log.ErrorContext(r.Context(), "read upload run result", "run_id", run.ID, "err", err)
		} else {
			page.Result = &res
		}
	}

	// The admin has no page per upload, only per activity.
	if sessionUser(r).Role == issuer.RoleAdmin {
		page.BackURL = "/admin/activities/" + run.ActivityID
		page.ResultURL = page.BackURL
	} else {
		page.BackURL = "/organiser/activities/" + run.ActivityID + "/upload"
		page.ResultURL = "/organiser/uploads/" + run.UploadID
	}
	s.render(w, r, http.StatusOK, "staff/upload-run.html", page)
}
