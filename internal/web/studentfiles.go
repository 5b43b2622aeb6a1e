package web

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/laurel-badges/laurel/issuer"
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
	f, size, err := s.studentArchiveFile(r.Context(), st)
	if err != nil {
		s.renderFileError(w, r, err)
		return
	}
	defer removeTemp(f)

	h := w.Header()
	h.Set("Content-Type", "application/zip")
	h.Set("Content-Disposition", `attachment; filename="badges-`+fileSafe(st.Number)+`.zip"`)
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	if _, err := io.Copy(w, f); err != nil {
		// The client went away; the status line is sent already.
		s.log.WarnContext(r.Context(), "send student archive", "student_id", st.ID, "err", err)
	}
}

// studentArchiveFile writes the student's archive to a temporary file,
// which the caller removes with removeTemp, and returns it at its start
// with its size. A file, not memory: the archive of a student with 60
// awards is about 6 MiB (docs/benchmarks.md). Every step that can fail
// runs before the response starts, so a failure never sends half a ZIP.
func (s *Server) studentArchiveFile(ctx context.Context, st *issuer.Student) (*os.File, int64, error) {
	f, err := os.CreateTemp("", "laurel-archive-*.zip")
	if err != nil {
		return nil, 0, fmt.Errorf("create archive file: %w", err)
	}
	buffered := bufio.NewWriter(f)
	err = s.writeStudentArchive(ctx, buffered, st)
	if err == nil {
		err = buffered.Flush()
	}
	var size int64
	if err == nil {
		size, err = f.Seek(0, io.SeekCurrent)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		removeTemp(f)
		return nil, 0, fmt.Errorf("write archive of student %s: %w", st.ID, err)
	}
	return f, size, nil
}

func removeTemp(f *os.File) {
	f.Close()
	os.Remove(f.Name())
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
