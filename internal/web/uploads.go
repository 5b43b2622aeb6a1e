package web

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// uploadView is an upload in the JSON API, without the file itself.
type uploadView struct {
	ID          string    `json:"id"`
	ActivityID  string    `json:"activity_id"`
	UploadedBy  string    `json:"uploaded_by"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	SHA256      string    `json:"sha256"`
	RowCount    int       `json:"row_count"`
	AwardCount  int       `json:"award_count"`
	FileURL     string    `json:"file_url"`
	CreatedAt   time.Time `json:"created_at"`
}

func newUploadView(u *issuer.Upload) uploadView {
	return uploadView{
		ID: u.ID, ActivityID: u.ActivityID, UploadedBy: u.UploadedBy,
		Filename: u.Filename, ContentType: u.ContentType, SHA256: u.SHA256,
		RowCount: u.RowCount, AwardCount: u.AwardCount,
		FileURL: "/api/v1/uploads/" + u.ID + "/file", CreatedAt: u.CreatedAt,
	}
}

// uploadAttendance checks an attendance file and, unless it is a dry run,
// issues its awards. Dry runs return 200 with the preview, real runs 201
// with the outcome, and files with blocking problems 422 with every problem.
// A large file, or one sent with background=true, is queued instead: the
// response is 202 with the upload run, whose status_url reports progress.
func (s *Server) uploadAttendance(w http.ResponseWriter, r *http.Request) {
	req, err := s.readUploadForm(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	req.ActivityID = chi.URLParam(r, "id")

	background, err := queryBool("background", r.URL.Query().Get("background"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !req.DryRun && (background || int64(len(req.Data)) >= s.backgroundUploadBytes()) {
		s.startUploadRun(w, r, req)
		return
	}

	res, err := s.Service.ProcessUpload(r.Context(), currentUser(r), req)
	if err != nil && res != nil && errors.Is(err, issuer.ErrInvalid) {
		s.writeUploadProblems(w, r, res, err)
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	if req.DryRun {
		writeJSON(w, http.StatusOK, res)
		return
	}
	s.metrics.issued.Add(float64(len(res.Credentials)))
	w.Header().Set("Location", "/api/v1/uploads/"+res.UploadID)
	writeJSON(w, http.StatusCreated, res)
}

func (s *Server) backgroundUploadBytes() int64 {
	if s.BackgroundUploadBytes > 0 {
		return s.BackgroundUploadBytes
	}
	return DefaultBackgroundUploadBytes
}

// readUploadForm streams the multipart body: the file field "file", an
// optional "dry_run" and any number of "withhold" student numbers. The
// query parameter dry_run=true also requests a dry run.
func (s *Server) readUploadForm(w http.ResponseWriter, r *http.Request) (issuer.UploadRequest, error) {
	var req issuer.UploadRequest
	dryRun, err := queryBool("dry_run", r.URL.Query().Get("dry_run"))
	if err != nil {
		return req, err
	}
	req.DryRun = dryRun

	r.Body = http.MaxBytesReader(w, r.Body, s.maxUploadBytes)
	mr, err := r.MultipartReader()
	if err != nil {
		return req, badRequest("send the attendance file as multipart/form-data in the field \"file\"")
	}

	file := false
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return req, multipartError(err)
		}
		if err := readUploadPart(part, &req, &file); err != nil {
			return req, err
		}
	}
	if !file {
		return req, badRequest("the form field \"file\" is missing; attach the attendance file (CSV or XLSX) as \"file\"")
	}
	return req, nil
}

func readUploadPart(part *multipart.Part, req *issuer.UploadRequest, file *bool) error {
	defer part.Close()

	data, err := io.ReadAll(part)
	if err != nil {
		return multipartError(err)
	}

	switch part.FormName() {
	case "file":
		if *file {
			return badRequest("the form has more than one \"file\" field; upload one attendance file at a time")
		}
		*file = true
		req.Filename = uploadedName(part.FileName())
		req.ContentType = part.Header.Get("Content-Type")
		req.Data = data
	case "dry_run":
		dryRun, err := queryBool("dry_run", strings.TrimSpace(string(data)))
		if err != nil {
			return err
		}
		req.DryRun = req.DryRun || dryRun
	case "withhold":
		separator := func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t' }
		req.Withhold = append(req.Withhold, strings.FieldsFunc(string(data), separator)...)
	}
	return nil
}

// uploadedName returns the last element of a client's file name, which
// browsers on Windows may send as a full path, or "" when there is none.
func uploadedName(name string) string {
	base := path.Base(strings.ReplaceAll(name, `\`, "/"))
	if base == "." || base == "/" {
		return ""
	}
	return base
}

// multipartError keeps the body-too-large error, which becomes a 413, and
// reports any other failure as a malformed form.
func multipartError(err error) error {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return err
	}
	return badRequest("the multipart form is malformed (%v); send it as multipart/form-data with the file in the field \"file\"", err)
}

func (s *Server) listUploads(w http.ResponseWriter, r *http.Request) {
	list, err := s.Service.Uploads(r.Context(), currentUser(r), chi.URLParam(r, "id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]uploadView, len(list))
	for i, u := range list {
		views[i] = newUploadView(u)
	}
	writeJSON(w, http.StatusOK, map[string]any{"uploads": views})
}

func (s *Server) getUpload(w http.ResponseWriter, r *http.Request) {
	u, err := s.Service.Upload(r.Context(), currentUser(r), chi.URLParam(r, "id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newUploadView(u))
}

// uploadFile sends the attendance file exactly as it was uploaded.
func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request) {
	u, err := s.Service.Upload(r.Context(), currentUser(r), chi.URLParam(r, "id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sendAttachment(w, downloadType(u.Filename), downloadName(u), u.Original)
}

// downloadType picks the content type from the file name rather than from
// what the client claimed at upload, so that an upload can never be served
// back as HTML or script.
func downloadType(filename string) string {
	switch strings.ToLower(path.Ext(filename)) {
	case ".csv":
		return csvType
	case ".xlsx":
		return xlsxType
	}
	return "application/octet-stream"
}

// downloadName returns the uploaded file name when it can go in a header,
// and a name made from the upload id otherwise.
func downloadName(u *issuer.Upload) string {
	name := u.Filename
	if name == "" || mime.FormatMediaType("attachment", map[string]string{"filename": name}) == "" {
		return fmt.Sprintf("upload-%s%s", u.ID, safeExt(u.Filename))
	}
	return name
}

func safeExt(filename string) string {
	switch ext := strings.ToLower(path.Ext(filename)); ext {
	case ".csv", ".xlsx":
		return ext
	}
	return ""
}
