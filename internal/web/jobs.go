package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// DefaultBackgroundUploadBytes is the file size from which an upload is
// issued by a background job when Server.BackgroundUploadBytes is 0. At
// about 40 bytes a row, 256 KiB is some 6,000 students, which takes tens
// of seconds to sign with RS256 on two cores (an estimate).
const DefaultBackgroundUploadBytes = 256 << 10

// jobView is a queued job in the JSON API.
type jobView struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	State       string          `json:"state"`
	Args        json.RawMessage `json:"args"`
	Attempt     int             `json:"attempt"`
	MaxAttempts int             `json:"max_attempts"`
	Errors      []jobErrorView  `json:"errors"`
	CreatedAt   time.Time       `json:"created_at"`
	ScheduledAt time.Time       `json:"scheduled_at"`
	FinalizedAt *time.Time      `json:"finalized_at,omitempty"`
}

type jobErrorView struct {
	Attempt int       `json:"attempt"`
	At      time.Time `json:"at"`
	Error   string    `json:"error"`
}

func newJobView(j *issuer.JobRecord) jobView {
	v := jobView{
		ID: j.ID, Kind: j.Kind, State: string(j.State), Args: j.Args, Attempt: j.Attempt,
		MaxAttempts: j.MaxAttempts, Errors: []jobErrorView{}, CreatedAt: j.CreatedAt, ScheduledAt: j.ScheduledAt,
	}
	if !j.FinalizedAt.IsZero() {
		at := j.FinalizedAt
		v.FinalizedAt = &at
	}
	for _, e := range j.Errors {
		v.Errors = append(v.Errors, jobErrorView{Attempt: e.Attempt, At: e.At, Error: e.Message})
	}
	return v
}

// jobStates are the values of the state query parameter of /api/v1/jobs.
var jobStates = map[string]bool{
	"available": true, "cancelled": true, "completed": true, "discarded": true,
	"pending": true, "retryable": true, "running": true, "scheduled": true,
}

// listJobs handles GET /api/v1/jobs: the failed jobs (retryable, discarded
// and cancelled) with their errors, or those in the states named by
// state=…, comma-separated. Admins only.
func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) {
	var f issuer.JobFilter
	if q := r.URL.Query().Get("state"); q != "" {
		for _, st := range strings.Split(q, ",") {
			st = strings.TrimSpace(st)
			if !jobStates[st] {
				s.writeError(w, r, badRequest("state %q is not a job state; use available, running, retryable, discarded, cancelled, completed, scheduled or pending", st))
				return
			}
			f.States = append(f.States, issuer.JobState(st))
		}
	}
	limit, err := queryLimit(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f.Limit = limit

	list, err := s.Service.Jobs(r.Context(), currentUser(r), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]jobView, len(list))
	for i, j := range list {
		views[i] = newJobView(j)
	}
	writeJSON(w, http.StatusOK, map[string]any{"jobs": views})
}

// queryLimit reads the optional limit parameter, 1 to 1000.
func queryLimit(r *http.Request) (int, error) {
	q := r.URL.Query().Get("limit")
	if q == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(q)
	if err != nil || n < 1 || n > 1000 {
		return 0, badRequest("limit %q is invalid; give a number from 1 to 1000", q)
	}
	return n, nil
}

// outboxView is a kept message in the JSON API.
type outboxView struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	To          []string  `json:"to"`
	Subject     string    `json:"subject"`
	Text        string    `json:"text"`
	HTML        string    `json:"html"`
	Attachments []string  `json:"attachments"`
	CreatedAt   time.Time `json:"created_at"`
}

// listOutbox handles GET /api/v1/outbox: the messages kept because no SMTP
// server is configured, newest first. Admins only.
func (s *Server) listOutbox(w http.ResponseWriter, r *http.Request) {
	limit, err := queryLimit(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	list, err := s.Service.Outbox(r.Context(), currentUser(r), limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]outboxView, len(list))
	for i, m := range list {
		views[i] = outboxView{ID: m.ID, Kind: m.Kind, To: m.To, Subject: m.Subject, Text: m.Text, HTML: m.HTML,
			Attachments: append([]string{}, m.Attachments...), CreatedAt: m.CreatedAt}
	}
	writeJSON(w, http.StatusOK, map[string]any{"messages": views})
}

// uploadRunView is a background upload in the JSON API.
type uploadRunView struct {
	ID         string          `json:"id"`
	ActivityID string          `json:"activity_id"`
	Filename   string          `json:"filename"`
	State      string          `json:"state"`
	Done       int             `json:"done"`  // credentials written so far
	Total      int             `json:"total"` // credentials to write; 0 until the file is checked
	UploadID   string          `json:"upload_id,omitempty"`
	Error      string          `json:"error,omitempty"`
	Result     json.RawMessage `json:"result,omitempty"` // the upload result, once finished
	StatusURL  string          `json:"status_url"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

func (s *Server) uploadRunView(run *issuer.UploadRun) uploadRunView {
	v := uploadRunView{
		ID: run.ID, ActivityID: run.ActivityID, Filename: run.Filename, State: string(run.State),
		Done: run.Done, Total: run.Total, UploadID: run.UploadID, Error: run.Error,
		StatusURL: "/api/v1/upload-runs/" + run.ID, CreatedAt: run.CreatedAt, UpdatedAt: run.UpdatedAt,
	}
	if len(run.Result) > 0 {
		v.Result = run.Result
	}
	return v
}

// getUploadRun handles GET /api/v1/upload-runs/{id}: the state and progress
// of a background upload, and its result once finished.
func (s *Server) getUploadRun(w http.ResponseWriter, r *http.Request) {
	run, err := s.Service.UploadRun(r.Context(), currentUser(r), chi.URLParam(r, "id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.uploadRunView(run))
}

// startUploadRun queues a background upload and responds 202 with its
// status URL in Location.
func (s *Server) startUploadRun(w http.ResponseWriter, r *http.Request, req issuer.UploadRequest) {
	run, err := s.Service.StartUploadRun(r.Context(), currentUser(r), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v := s.uploadRunView(run)
	w.Header().Set("Location", v.StatusURL)
	writeJSON(w, http.StatusAccepted, v)
}
