package web

import (
	"mime"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/internal/export"
	"github.com/laurel-badges/laurel/issuer"
)

// exportLink is one download on templates/pages/admin/exports.html.
type exportLink struct {
	Title string
	CSV   string
	XLSX  string
}

// exportsPage handles GET /admin/exports.
func (s *Server) exportsPage(w http.ResponseWriter, r *http.Request) {
	var links []exportLink
	for _, d := range export.Datasets {
		links = append(links, exportLink{
			Title: d.Title(),
			CSV:   "/admin/exports/" + d.Filename(export.CSV),
			XLSX:  "/admin/exports/" + d.Filename(export.XLSX),
		})
	}
	s.render(w, r, http.StatusOK, "admin/exports.html", links)
}

// countingWriter records whether anything reached the response.
type countingWriter struct {
	http.ResponseWriter
	written int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.ResponseWriter.Write(p)
	c.written += int64(n)
	return n, err
}

// exportFile handles GET /admin/exports/{file}, where file is a name that
// Dataset.Filename returns, such as laurel-awards.xlsx. The awards export
// takes the filters of the award search in the query.
func (s *Server) exportFile(w http.ResponseWriter, r *http.Request) {
	dataset, format, ok := parseExportName(chi.URLParam(r, "file"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "There is no such export. Choose one on the exports page.")
		return
	}
	_, search, problem := awardSearchFromQuery(r)
	if problem != "" {
		s.renderError(w, r, http.StatusUnprocessableEntity, problem+" Go back to the award search and correct it.")
		return
	}

	out := &countingWriter{ResponseWriter: w}
	err := s.Service.Export(r.Context(), sessionUser(r), string(dataset), func(st issuer.Store) error {
		h := w.Header()
		h.Set("Content-Type", format.ContentType())
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": dataset.Filename(format)}))
		h.Set("Cache-Control", "no-store")
		return export.Write(r.Context(), st, out, dataset, format, search)
	})
	if err == nil {
		return
	}
	if out.written == 0 {
		w.Header().Del("Content-Disposition")
		s.renderServiceError(w, r, err)
		return
	}

	// Half a file has been sent with status 200. Aborting the connection
	// makes the browser report a failed download instead of saving a
	// file that looks complete.
	s.log.ErrorContext(r.Context(), "export failed after the first bytes", "export", dataset, "format", format, "bytes", out.written, "err", err)
	panic(http.ErrAbortHandler)
}

// parseExportName splits a name such as laurel-awards.csv into its
// dataset and format.
func parseExportName(name string) (export.Dataset, export.Format, bool) {
	base, ext, ok := strings.Cut(strings.TrimPrefix(name, "laurel-"), ".")
	if !ok || !strings.HasPrefix(name, "laurel-") {
		return "", "", false
	}
	d, err := export.ParseDataset(base)
	if err != nil {
		return "", "", false
	}
	f, err := export.ParseFormat(ext)
	if err != nil {
		return "", "", false
	}
	return d, f, true
}
