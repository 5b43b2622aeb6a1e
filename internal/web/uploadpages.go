package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// uploadFormData is the data of templates/pages/organiser/upload.html.
type uploadFormData struct {
	Activity *issuer.Activity
	Error    string
}

// uploadPage handles GET /organiser/activities/{id}/upload.
func (s *Server) uploadPage(w http.ResponseWriter, r *http.Request) {
	a, err := s.ownActivity(r, chi.URLParam(r, "id"))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "organiser/upload.html", uploadFormData{Activity: a})
}

// previewUploadPage handles POST /organiser/activities/{id}/upload: it
// checks the file without issuing, keeps it, and shows the preview.
func (s *Server) previewUploadPage(w http.ResponseWriter, r *http.Request) {
	a, err := s.ownActivity(r, chi.URLParam(r, "id"))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}

	req, err := s.readUploadForm(w, r)
	if err == nil {
		req.ActivityID = a.ID
		var id string
		id, _, err = s.Service.PreviewUpload(r.Context(), sessionUser(r), req)
		if err == nil {
			http.Redirect(w, r, "/organiser/previews/"+id, http.StatusSeeOther)
			return
		}
	}

	status, _, message := classify(err)
	switch {
	case errors.Is(err, issuer.ErrInvalid):
		message = validationMessage(err)
	case status >= http.StatusInternalServerError || status == http.StatusForbidden || status == http.StatusNotFound:
		s.renderServiceError(w, r, err)
		return
	}
	s.logError(r, status, err)
	s.render(w, r, status, "organiser/upload.html", uploadFormData{Activity: a, Error: message})
}

// previewRow is one attendance row with its problems, for the preview table.
type previewRow struct {
	issuer.RowOutcome
	Problems []issuer.RowProblem
	Withheld bool
}

// previewData is the data of templates/pages/organiser/preview.html.
type previewData struct {
	PendingID    string
	Activity     *issuer.Activity
	Filename     string
	Result       *issuer.UploadResult
	FileProblems []issuer.RowProblem // problems of the whole file (line 0) and of lines that have no row
	Rows         []previewRow
	Error        string
}

func newPreviewData(pendingID string, a *issuer.Activity, filename string, res *issuer.UploadResult) *previewData {
	byLine := map[int][]issuer.RowProblem{}
	d := &previewData{PendingID: pendingID, Activity: a, Filename: filename, Result: res}
	for _, p := range res.Problems {
		if p.Line == 0 {
			d.FileProblems = append(d.FileProblems, p)
			continue
		}
		byLine[p.Line] = append(byLine[p.Line], p)
	}
	for _, row := range res.Rows {
		d.Rows = append(d.Rows, previewRow{RowOutcome: row, Problems: byLine[row.Line], Withheld: row.Status == issuer.RowWithheld})
		delete(byLine, row.Line)
	}

	// A line that the parser could not read, such as one whose sessions
	// are not a number, has problems but no row, so the table cannot show
	// them.
	for _, p := range res.Problems {
		if _, noRow := byLine[p.Line]; noRow {
			d.FileProblems = append(d.FileProblems, p)
		}
	}
	return d
}

// pendingPreviewPage handles GET /organiser/previews/{id}. The withhold
// query parameters, sent by the preview's "check again" button, list the
// student ids to leave out.
func (s *Server) pendingPreviewPage(w http.ResponseWriter, r *http.Request) {
	s.renderPreview(w, r, http.StatusOK, r.URL.Query()["withhold"], "")
}

func (s *Server) renderPreview(w http.ResponseWriter, r *http.Request, status int, withhold []string, message string) {
	ctx, user := r.Context(), sessionUser(r)
	p, res, err := s.Service.PendingPreview(ctx, user, chi.URLParam(r, "id"), withhold)
	if err != nil && (res == nil || !errors.Is(err, issuer.ErrInvalid)) {
		s.renderServiceError(w, r, err)
		return
	}
	a, err := s.Service.Activity(ctx, user, p.ActivityID)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}

	d := newPreviewData(p.ID, a, p.Filename, res)
	d.Error = message
	s.render(w, r, status, "organiser/preview.html", d)
}

// confirmUploadPage handles POST /organiser/previews/{id}/confirm: it
// issues the badges of the kept file, leaving out the checked rows.
func (s *Server) confirmUploadPage(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	withhold := r.PostForm["withhold"]
	pendingID := chi.URLParam(r, "id")
	p, err := s.Service.PendingUpload(r.Context(), sessionUser(r), pendingID)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	if int64(len(p.Data)) >= s.backgroundUploadBytes() {
		s.confirmUploadInBackground(w, r, pendingID, withhold)
		return
	}

	res, err := s.Service.ConfirmUpload(r.Context(), sessionUser(r), pendingID, withhold)
	if errors.Is(err, issuer.ErrInvalid) {
		s.logError(r, http.StatusUnprocessableEntity, err)
		s.renderPreview(w, r, http.StatusUnprocessableEntity, withhold, "Nothing was issued: "+validationMessage(err)+".")
		return
	}
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}

	s.metrics.issued.Add(float64(len(res.Credentials)))
	s.redirect(w, r, "/organiser/uploads/"+res.UploadID, "success", uploadSummary(res.Counts))
}

// confirmUploadInBackground queues a large kept file for a background job
// and sends the organiser to the run's progress page.
func (s *Server) confirmUploadInBackground(w http.ResponseWriter, r *http.Request, pendingID string, withhold []string) {
	run, err := s.Service.ConfirmUploadInBackground(r.Context(), sessionUser(r), pendingID, withhold)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	http.Redirect(w, r, "/staff/upload-runs/"+run.ID, http.StatusSeeOther)
}

// uploadSummary writes the counts of an issued upload as one sentence.
func uploadSummary(c issuer.UploadCounts) string {
	parts := []string{
		fmt.Sprintf("Issued %s to %s", countOf(c.Awards, "badge"), countOf(c.Students, "student")),
	}
	if c.Withheld > 0 {
		parts = append(parts, fmt.Sprintf("%s withheld", countOf(c.Withheld, "row")))
	}
	if c.NotEligible > 0 {
		parts = append(parts, fmt.Sprintf("%s below the award rule", countOf(c.NotEligible, "row")))
	}
	if c.AlreadyAwarded > 0 {
		parts = append(parts, fmt.Sprintf("%s awarded before", countOf(c.AlreadyAwarded, "row")))
	}
	return strings.Join(parts, "; ") + "."
}

func countOf(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// uploadResultData is the data of templates/pages/organiser/upload_result.html.
type uploadResultData struct {
	Activity    *issuer.Activity
	Upload      *issuer.Upload
	Credentials []issuer.IssuedCredential
}

// uploadResultPage handles GET /organiser/uploads/{id}: an issued upload
// with links to every credential it issued.
func (s *Server) uploadResultPage(w http.ResponseWriter, r *http.Request) {
	ctx, user := r.Context(), sessionUser(r)
	u, credentials, err := s.Service.UploadCredentials(ctx, user, chi.URLParam(r, "id"))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	a, err := s.Service.Activity(ctx, user, u.ActivityID)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "organiser/upload_result.html", uploadResultData{Activity: a, Upload: u, Credentials: credentials})
}
