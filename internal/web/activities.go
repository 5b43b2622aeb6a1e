package web

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// activityView is an activity in the JSON API. Dates are YYYY-MM-DD.
type activityView struct {
	ID              string    `json:"id"`
	Title           string    `json:"title"`
	Description     string    `json:"description,omitempty"`
	Unit            string    `json:"unit"`
	StartDate       string    `json:"start_date"`
	EndDate         string    `json:"end_date"`
	Hours           float64   `json:"hours"`
	Extracurricular bool      `json:"extracurricular"`
	OpenToAll       bool      `json:"open_to_all"`
	MinAttendance   float64   `json:"min_attendance"`
	AchievementIDs  []string  `json:"achievement_ids"`
	OrganiserID     string    `json:"organiser_id,omitempty"`
	CreatedAt       time.Time `json:"created_at"`
}

func newActivityView(a *issuer.Activity) activityView {
	ids := a.AchievementIDs
	if ids == nil {
		ids = []string{}
	}
	return activityView{
		ID: a.ID, Title: a.Title, Description: a.Description, Unit: a.Unit,
		StartDate: a.StartDate.Format(time.DateOnly), EndDate: a.EndDate.Format(time.DateOnly),
		Hours: a.Hours, Extracurricular: a.Extracurricular, OpenToAll: a.OpenToAll,
		MinAttendance: a.MinAttendance, AchievementIDs: ids, OrganiserID: a.OrganiserID,
		CreatedAt: a.CreatedAt,
	}
}

// activityInput is the body of POST /api/v1/activities. It also takes
// extracurricular and open_to_all, the rule fields that GET returns.
type activityInput struct {
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	Unit          string   `json:"unit"`
	StartDate     string   `json:"start_date"`
	EndDate       string   `json:"end_date"`
	Hours         float64  `json:"hours"`
	Achievements  []string `json:"achievements"`
	MinAttendance *float64 `json:"min_attendance"` // absent means issuer.DefaultMinAttendance
	Curricular    bool     `json:"curricular"`
	// Extracurricular may only be true, because the scheme recognises
	// extracurricular activities only.
	Extracurricular *bool  `json:"extracurricular"`
	OpenToAll       *bool  `json:"open_to_all"` // absent means true
	OrganiserID     string `json:"organiser_id"`
}

func (in activityInput) toService() (issuer.ActivityInput, error) {
	start, startErr := parseDate("start_date", in.StartDate)
	end, endErr := parseDate("end_date", in.EndDate)
	if err := errors.Join(startErr, endErr); err != nil {
		return issuer.ActivityInput{}, err
	}
	return issuer.ActivityInput{
		Title: in.Title, Description: in.Description, Unit: in.Unit,
		StartDate: start, EndDate: end, Hours: in.Hours,
		AchievementCodes: in.Achievements, MinAttendance: in.MinAttendance,
		Curricular:      in.Curricular || (in.Extracurricular != nil && !*in.Extracurricular),
		RestrictedEntry: in.OpenToAll != nil && !*in.OpenToAll,
		OrganiserID:     in.OrganiserID,
	}, nil
}

// parseDate reads a YYYY-MM-DD date; "" stays the zero time so that the
// service reports the missing date with the other problems. A value that
// is not a date is an invalid field, like the service's own checks.
func parseDate(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, issuer.Invalidf(field, "%q is not a date; write it as YYYY-MM-DD, such as 2025-03-14", v)
	}
	return t, nil
}

func (s *Server) listActivities(w http.ResponseWriter, r *http.Request) {
	list, err := s.Service.Activities(r.Context(), currentUser(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]activityView, len(list))
	for i, a := range list {
		views[i] = newActivityView(a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"activities": views})
}

func (s *Server) createActivity(w http.ResponseWriter, r *http.Request) {
	var body activityInput
	if err := s.decodeJSON(w, r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	in, err := body.toService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	a, err := s.Service.CreateActivity(r.Context(), currentUser(r), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/activities/"+a.ID)
	writeJSON(w, http.StatusCreated, newActivityView(a))
}

func (s *Server) getActivity(w http.ResponseWriter, r *http.Request) {
	a, err := s.Service.Activity(r.Context(), currentUser(r), chi.URLParam(r, "id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newActivityView(a))
}

// activityUpdate is the body of PUT /api/v1/activities/{id}: the fields
// of activityInput except the organiser, which an edit keeps.
type activityUpdate struct {
	Title         string   `json:"title"`
	Description   string   `json:"description"`
	Unit          string   `json:"unit"`
	StartDate     string   `json:"start_date"`
	EndDate       string   `json:"end_date"`
	Hours         float64  `json:"hours"`
	Achievements  []string `json:"achievements"`
	MinAttendance *float64 `json:"min_attendance"` // absent means issuer.DefaultMinAttendance
	Curricular    bool     `json:"curricular"`
	// Extracurricular may only be true, as on creation.
	Extracurricular *bool `json:"extracurricular"`
	OpenToAll       *bool `json:"open_to_all"` // absent means true
}

// updateActivity handles PUT /api/v1/activities/{id}. It replaces every
// field that the edit form sets, with the checks of creation; credentials
// issued before keep what they state.
func (s *Server) updateActivity(w http.ResponseWriter, r *http.Request) {
	var body activityUpdate
	if err := s.decodeJSON(w, r, &body); err != nil {
		s.writeError(w, r, err)
		return
	}
	in, err := activityInput{
		Title: body.Title, Description: body.Description, Unit: body.Unit,
		StartDate: body.StartDate, EndDate: body.EndDate, Hours: body.Hours,
		Achievements: body.Achievements, MinAttendance: body.MinAttendance,
		Curricular: body.Curricular, Extracurricular: body.Extracurricular, OpenToAll: body.OpenToAll,
	}.toService()
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	a, err := s.Service.UpdateActivity(r.Context(), currentUser(r), chi.URLParam(r, "id"), in)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newActivityView(a))
}

// promotionView is the promotion material of an activity in the JSON API.
type promotionView struct {
	ActivityID   string   `json:"activity_id"`
	Remark       string   `json:"remark"`
	EnrolmentURL string   `json:"enrolment_url"`
	Achievements []string `json:"achievements"` // codes of the offered badges
}

// getPromotion handles GET /api/v1/activities/{id}/promotion: the remark
// to paste into the activity's promotion and the enrolment link, as the
// organiser's activity page shows them.
func (s *Server) getPromotion(w http.ResponseWriter, r *http.Request) {
	ctx, actor, id := r.Context(), currentUser(r), chi.URLParam(r, "id")
	p, err := s.Service.Promotion(ctx, actor, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	link, err := s.Service.EnrolmentLink(ctx, actor, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	codes := make([]string, len(p.Badges))
	for i, b := range p.Badges {
		codes[i] = b.Code
	}
	writeJSON(w, http.StatusOK, promotionView{ActivityID: id, Remark: p.Remark, EnrolmentURL: link, Achievements: codes})
}

// enrolmentInput is the body of POST /api/v1/activities/{id}/enrolments.
type enrolmentInput struct {
	StudentID      string `json:"student_id"`
	PublishConsent bool   `json:"publish_consent"`
}

// enrol records or replaces a student's enrolment. Because repeating the
// request changes nothing, it returns 200 rather than 201.
func (s *Server) enrol(w http.ResponseWriter, r *http.Request) {
	var in enrolmentInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	in.StudentID = strings.TrimSpace(in.StudentID)

	activityID := chi.URLParam(r, "id")
	if err := s.Service.Enrol(r.Context(), currentUser(r), activityID, in.StudentID, in.PublishConsent); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"activity_id": activityID, "student_id": in.StudentID, "publish_consent": in.PublishConsent})
}

// Media types of the attendance templates.
const (
	csvType  = "text/csv; charset=utf-8"
	xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)

func (s *Server) templateCSV(w http.ResponseWriter, r *http.Request) {
	s.serveTemplate(w, r, currentUser(r), s.writeError, "csv")
}

func (s *Server) templateXLSX(w http.ResponseWriter, r *http.Request) {
	s.serveTemplate(w, r, currentUser(r), s.writeError, "xlsx")
}

// serveTemplate writes the template into a buffer first, so that a failure
// still gets an error response instead of a truncated download. The API
// and the organiser's pages differ in actor and in how errors are written.
func (s *Server) serveTemplate(w http.ResponseWriter, r *http.Request, actor *issuer.User, writeError func(http.ResponseWriter, *http.Request, error), ext string) {
	act, enrolled, err := s.Service.TemplateStudents(r.Context(), actor, chi.URLParam(r, "id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	students := make([]issuer.Student, len(enrolled))
	for i, st := range enrolled {
		students[i] = *st
	}

	var b bytes.Buffer
	if ext == "csv" {
		err = s.Templates.WriteCSV(&b, students)
	} else {
		err = s.Templates.WriteXLSX(&b, act.Title, students)
	}
	if err != nil {
		writeError(w, r, fmt.Errorf("write %s template: %w", ext, err))
		return
	}
	contentType := map[string]string{"csv": csvType, "xlsx": xlsxType}[ext]
	sendAttachment(w, contentType, "attendance-"+safeFilename(act.Title)+"."+ext, b.Bytes())
}

// sendAttachment sends data as a download named filename.
func sendAttachment(w http.ResponseWriter, contentType, filename string, data []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": filename}))
	h.Set("Content-Security-Policy", "sandbox")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(data)
}

// safeFilename keeps letters, digits, '-', '_' and '.' of name, in ASCII,
// turns runs of anything else into one '-', and limits the length, so that
// the name is valid on every file system and in a plain header.
func safeFilename(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range name {
		ok := c < 128 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.')
		switch {
		case ok:
			b.WriteRune(c)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}

	out := strings.Trim(b.String(), "-.")
	if len(out) > 60 {
		out = strings.TrimRight(out[:60], "-.")
	}
	if out == "" {
		return "activity"
	}
	return out
}
