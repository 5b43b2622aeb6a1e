package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/internal/roster"
	"github.com/laurel-badges/laurel/issuer"
)

// adminPageSize is the number of rows on one page of the admin lists.
const adminPageSize = 50

// pager is the position of one page in a list, for the previous and next
// links of a page.
type pager struct {
	Page     int // from 1
	Previous string
	Next     string
}

// pageNumber reads the page query parameter; anything but a positive
// number is page 1.
func pageNumber(r *http.Request) int {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 {
		return 1
	}
	return n
}

// newPager returns the links around page of r's list, where more reports
// whether a following page has rows.
func newPager(r *http.Request, page int, more bool) pager {
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	p := pager{Page: page}
	if page > 1 {
		p.Previous = link(page - 1)
	}
	if more {
		p.Next = link(page + 1)
	}
	return p
}

// studentsData is the data of templates/pages/admin/students.html.
type studentsData struct {
	Query    string
	Status   string
	Students []*issuer.Student
	Pager    pager
	Error    string
}

// studentsPage handles GET /admin/students?q=&status=&page=.
func (s *Server) studentsPage(w http.ResponseWriter, r *http.Request) {
	s.renderStudents(w, r, http.StatusOK, "")
}

func (s *Server) renderStudents(w http.ResponseWriter, r *http.Request, status int, formError string) {
	data := studentsData{
		Query:  strings.TrimSpace(r.URL.Query().Get("q")),
		Status: r.URL.Query().Get("status"),
		Error:  formError,
	}
	f := issuer.StudentFilter{Query: data.Query, Limit: adminPageSize + 1}
	switch data.Status {
	case string(issuer.Current), string(issuer.Graduated):
		f.Status = issuer.StudentStatus(data.Status)
	default:
		data.Status = ""
	}
	page := pageNumber(r)
	f.Offset = (page - 1) * adminPageSize

	list, err := s.Service.Students(r.Context(), sessionUser(r), f)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	more := len(list) > adminPageSize
	if more {
		list = list[:adminPageSize]
	}
	data.Students = list
	data.Pager = newPager(r, page, more)
	s.render(w, r, status, "admin/students.html", data)
}

// importStudentsForm handles POST /admin/students/import, a multipart form
// with a CSV or XLSX file in the field "file".
func (s *Server) importStudentsForm(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, DefaultMaxUploadBytes+64<<10)
	file, header, err := r.FormFile("file")
	if err != nil {
		s.renderStudents(w, r, http.StatusUnprocessableEntity, fmt.Sprintf("No student file arrived. Choose a CSV or XLSX file of at most %d MiB and try again.", DefaultMaxUploadBytes>>20))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(file)
	if err != nil {
		s.renderStudents(w, r, http.StatusUnprocessableEntity, "The student file could not be read completely. Try again.")
		return
	}

	students, err := roster.ReadStudents(header.Filename, data)
	if err == nil {
		var created, updated int
		created, updated, err = s.Service.ImportStudents(r.Context(), sessionUser(r), students)
		if err == nil {
			s.redirect(w, r, "/admin/students", "success", fmt.Sprintf("Imported %s: %d students created, %d updated.", header.Filename, created, updated))
			return
		}
	}
	if errors.Is(err, issuer.ErrInvalid) {
		s.renderStudents(w, r, http.StatusUnprocessableEntity, "Nothing was imported from "+header.Filename+": "+validationMessage(err))
		return
	}
	s.renderServiceError(w, r, err)
}

// setStudentStatusForm handles POST /admin/students/{number}/status with
// status=current or graduated.
func (s *Server) setStudentStatusForm(w http.ResponseWriter, r *http.Request) {
	number := chi.URLParam(r, "number")
	status, ok := issuer.NormaliseStudentStatus(r.PostFormValue("status"))
	if !ok {
		s.renderError(w, r, http.StatusBadRequest, "The form sent no valid status. Go back to the students page and use its buttons.")
		return
	}

	st, err := s.Service.SetStudentStatus(r.Context(), sessionUser(r), number, status)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}

	back := "/admin/students?q=" + url.QueryEscape(st.Number)
	s.redirect(w, r, back, "success", fmt.Sprintf("%s (%s) is now %s.", st.Name, st.Number, st.Status))
}
