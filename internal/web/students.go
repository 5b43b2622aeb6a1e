package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// studentView is a student in the JSON API. StudentID is the institution's
// student number; ID is Laurel's own id.
type studentView struct {
	ID          string `json:"id"`
	StudentID   string `json:"student_id"`
	Name        string `json:"name"`
	ChineseName string `json:"chinese_name,omitempty"`
	Email       string `json:"email"`
	Programme   string `json:"programme,omitempty"`
	YearOfEntry int    `json:"year_of_entry,omitempty"`
	StudyMode   string `json:"study_mode"`
	Status      string `json:"status"`
	// PersonalEmail lets alumni sign in after the institutional address lapses.
	PersonalEmail string    `json:"personal_email,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func newStudentView(st *issuer.Student) studentView {
	return studentView{
		ID: st.ID, StudentID: st.Number, Name: st.Name, ChineseName: st.ChineseName,
		Email: st.Email, Programme: st.Programme, YearOfEntry: st.YearOfEntry,
		StudyMode: string(st.StudyMode), Status: string(st.Status), PersonalEmail: st.PersonalEmail,
		CreatedAt: st.CreatedAt, UpdatedAt: st.UpdatedAt,
	}
}

// studentInput is one student of an import request.
type studentInput struct {
	StudentID   string `json:"student_id"`
	Name        string `json:"name"`
	ChineseName string `json:"chinese_name"`
	Email       string `json:"email"`
	Programme   string `json:"programme"`
	YearOfEntry int    `json:"year_of_entry"`
	StudyMode   string `json:"study_mode"`
	// Status and PersonalEmail, when given, set the student's status and
	// personal address; an import that leaves either out or empty keeps the
	// stored value.
	Status        string `json:"status"`
	PersonalEmail string `json:"personal_email"`
}

// student normalises the input's spellings. Values it cannot map are kept
// as given, so that Student.Validate names them in its message.
func (in studentInput) student() *issuer.Student {
	st := &issuer.Student{
		Number:      strings.TrimSpace(in.StudentID),
		Name:        strings.TrimSpace(in.Name),
		ChineseName: strings.TrimSpace(in.ChineseName),
		Email:       strings.TrimSpace(in.Email),
		Programme:   strings.TrimSpace(in.Programme),
		YearOfEntry: in.YearOfEntry,
		StudyMode:   issuer.StudyMode(in.StudyMode),
		Status:      issuer.StudentStatus(in.Status),

		PersonalEmail: strings.TrimSpace(in.PersonalEmail),
	}
	if mode, ok := issuer.NormaliseStudyMode(in.StudyMode); ok {
		st.StudyMode = mode
	}
	if strings.TrimSpace(in.Status) == "" {
		st.Status = ""
	} else if status, ok := issuer.NormaliseStudentStatus(in.Status); ok {
		st.Status = status
	}
	return st
}

func (s *Server) listStudents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset, err := paging(q)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := issuer.StudentFilter{Query: q.Get("q"), Limit: limit, Offset: offset}
	if v := q.Get("status"); v != "" {
		status, ok := issuer.NormaliseStudentStatus(v)
		if !ok {
			s.writeError(w, r, badRequest("query parameter status=%q: use current or graduated", v))
			return
		}
		f.Status = status
	}

	list, err := s.Service.Students(r.Context(), currentUser(r), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]studentView, len(list))
	for i, st := range list {
		views[i] = newStudentView(st)
	}
	writeJSON(w, http.StatusOK, map[string]any{"students": views, "limit": limit, "offset": offset})
}

// importStudents takes a JSON array of students and creates or updates
// each by student number, all or nothing.
func (s *Server) importStudents(w http.ResponseWriter, r *http.Request) {
	var in []studentInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}

	students := make([]*issuer.Student, len(in))
	for i, st := range in {
		students[i] = st.student()
	}
	created, updated, err := s.Service.ImportStudents(r.Context(), currentUser(r), students)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, importCounts{Created: created, Updated: updated})
}

// studentPatch is the body of PATCH /api/v1/students/{student_id}; absent
// fields stay unchanged.
type studentPatch struct {
	Status        *string `json:"status"`
	PersonalEmail *string `json:"personal_email"`
}

// patchStudent changes the status or personal email of the student whose
// institutional number is in the path, such as at graduation.
func (s *Server) patchStudent(w http.ResponseWriter, r *http.Request) {
	var in studentPatch
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}

	u := issuer.StudentUpdate{PersonalEmail: in.PersonalEmail}
	if in.Status != nil {
		status := issuer.StudentStatus(*in.Status)
		u.Status = &status
	}
	st, err := s.Service.UpdateStudent(r.Context(), currentUser(r), chi.URLParam(r, "student_id"), u)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newStudentView(st))
}
