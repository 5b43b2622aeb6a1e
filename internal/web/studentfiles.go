package web

import (
	"bytes"
	"errors"
	"net/http"
)

// studentTranscriptPDF handles GET /student/transcript.pdf: the signed-in
// student's Non-Academic Transcript.
func (s *Server) studentTranscriptPDF(w http.ResponseWriter, r *http.Request) {
	st := sessionStudent(r)
	var b bytes.Buffer
	if err := s.writeTranscriptPDF(r.Context(), &b, st); err != nil {
		s.renderFileError(w, r, err)
		return
	}
	sendDownload(w, "application/pdf", "transcript-"+fileSafe(st.Number)+".pdf", b.Bytes())
}

// studentArchive handles GET /student/archive.zip: everything the
// signed-in student earned, in one ZIP file.
func (s *Server) studentArchive(w http.ResponseWriter, r *http.Request) {
	st := sessionStudent(r)
	var b bytes.Buffer
	if err := s.writeStudentArchive(r.Context(), &b, st); err != nil {
		s.renderFileError(w, r, err)
		return
	}
	sendDownload(w, "application/zip", "badges-"+fileSafe(st.Number)+".zip", b.Bytes())
}

// renderFileError shows why a download failed: the web layer's own
// message, such as missing fonts, or the service error's page.
func (s *Server) renderFileError(w http.ResponseWriter, r *http.Request, err error) {
	var reqErr *requestError
	if errors.As(err, &reqErr) {
		s.logError(r, reqErr.status, err)
		s.renderError(w, r, reqErr.status, reqErr.message)
		return
	}
	s.renderServiceError(w, r, err)
}

// sendDownload sends a file that only its owner may see, so no cache
// keeps it.
func sendDownload(w http.ResponseWriter, contentType, name string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Cache-Control", "private, no-store")
	w.Write(data)
}
