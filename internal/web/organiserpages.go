package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// organiserRoutes registers the organiser's pages below /organiser. The
// service checks on every call that the activity belongs to the signed-in
// organiser, so a request for another organiser's activity gets 403.
func (s *Server) organiserRoutes(r chi.Router) {
	r.Get("/", s.organiserActivities)
	r.Get("/activities/new", s.newActivityPage)
	r.Post("/activities", s.createActivityPage)
	r.Get("/activities/{id}", s.activityPage)
	r.Get("/activities/{id}/edit", s.editActivityPage)
	r.Post("/activities/{id}/edit", s.updateActivityPage)
	r.Get("/activities/{id}/poster.svg", s.posterStrip)
	r.Get("/activities/{id}/template.csv", s.templatePage("csv"))
	r.Get("/activities/{id}/template.xlsx", s.templatePage("xlsx"))
	r.Get("/activities/{id}/upload", s.uploadPage)
	r.Post("/activities/{id}/upload", s.previewUploadPage)
	r.Get("/previews/{id}", s.pendingPreviewPage)
	r.Post("/previews/{id}/confirm", s.confirmUploadPage)
	r.Get("/uploads/{id}", s.uploadResultPage)
}

// organiserHomeData is the data of templates/pages/organiser/home.html.
type organiserHomeData struct {
	User       *issuer.User
	Activities []*issuer.Activity
}

// organiserActivities handles GET /organiser/, the organiser's activities.
func (s *Server) organiserActivities(w http.ResponseWriter, r *http.Request) {
	user := sessionUser(r)
	activities, err := s.Service.Activities(r.Context(), user)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "organiser/home.html", organiserHomeData{User: user, Activities: activities})
}

// activityForm is the data of the create and edit form, with the values as
// typed so that a rejected form comes back as the organiser left it.
type activityForm struct {
	ActivityID    string // empty when creating
	Title         string
	Description   string
	Unit          string
	StartDate     string
	EndDate       string
	Hours         string
	MinAttendance string // percentage of sessions
	Codes         map[string]bool
	Curricular    bool
	Restricted    bool

	Errors   []string
	Guidance []issuer.BadgeFit
	HoursSet bool // the guidance reflects the typed hours
}

// Action returns the URL the form posts to.
func (f *activityForm) Action() string {
	if f.ActivityID == "" {
		return "/organiser/activities"
	}
	return "/organiser/activities/" + f.ActivityID + "/edit"
}

func activityFormFrom(v url.Values) *activityForm {
	f := &activityForm{
		Title:         v.Get("title"),
		Description:   v.Get("description"),
		Unit:          v.Get("unit"),
		StartDate:     v.Get("start_date"),
		EndDate:       v.Get("end_date"),
		Hours:         strings.TrimSpace(v.Get("hours")),
		MinAttendance: strings.TrimSpace(v.Get("min_attendance")),
		Codes:         map[string]bool{},
		Curricular:    v.Get("curricular") == "yes",
		Restricted:    v.Get("restricted") == "yes",
	}
	for _, code := range v["achievements"] {
		f.Codes[code] = true
	}
	return f
}

func activityFormOf(a *issuer.Activity, codes map[string]string) *activityForm {
	f := &activityForm{
		ActivityID:    a.ID,
		Title:         a.Title,
		Description:   a.Description,
		Unit:          a.Unit,
		StartDate:     a.StartDate.Format(time.DateOnly),
		EndDate:       a.EndDate.Format(time.DateOnly),
		Hours:         strconv.FormatFloat(a.Hours, 'f', -1, 64),
		MinAttendance: strconv.FormatFloat(a.MinAttendance*100, 'f', -1, 64),
		Codes:         map[string]bool{},
	}
	for _, id := range a.AchievementIDs {
		f.Codes[codes[id]] = true
	}
	return f
}

// input converts the typed values. Values that do not parse are reported
// together with the service's own checks.
func (f *activityForm) input() (issuer.ActivityInput, []string) {
	in := issuer.ActivityInput{
		Title:           f.Title,
		Description:     f.Description,
		Unit:            f.Unit,
		Curricular:      f.Curricular,
		RestrictedEntry: f.Restricted,
	}
	for code := range f.Codes {
		in.AchievementCodes = append(in.AchievementCodes, code)
	}

	var problems []string
	var err error
	if in.StartDate, err = parseDate("start date", f.StartDate); err != nil {
		problems = append(problems, err.Error())
	}
	if in.EndDate, err = parseDate("end date", f.EndDate); err != nil {
		problems = append(problems, err.Error())
	}
	if f.Hours != "" {
		if in.Hours, err = strconv.ParseFloat(f.Hours, 64); err != nil {
			problems = append(problems, fmt.Sprintf("hours %q: give a number such as 3 or 1.5", f.Hours))
		}
	}
	if f.MinAttendance != "" {
		percent, err := strconv.ParseFloat(strings.TrimSuffix(f.MinAttendance, "%"), 64)
		if err != nil || percent <= 0 || percent > 100 {
			problems = append(problems, fmt.Sprintf("minimum attendance %q: give a percentage of the sessions from 1 to 100, such as 75", f.MinAttendance))
		} else {
			share := percent / 100
			in.MinAttendance = &share
		}
	}
	return in, problems
}

// withGuidance adds the badge guidance for the typed hours.
func (s *Server) withGuidance(r *http.Request, f *activityForm) error {
	hours, err := strconv.ParseFloat(f.Hours, 64)
	f.HoursSet = err == nil && hours > 0
	fits, err := s.Service.BadgeGuidance(r.Context(), sessionUser(r), hours)
	if err != nil {
		return err
	}
	f.Guidance = fits
	return nil
}

func (s *Server) renderActivityForm(w http.ResponseWriter, r *http.Request, status int, f *activityForm) {
	if err := s.withGuidance(r, f); err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, status, "organiser/activity_form.html", f)
}

// newActivityPage handles GET /organiser/activities/new. The form's "check
// badges" button submits here with the typed values, so that the guidance
// follows the hours without JavaScript.
func (s *Server) newActivityPage(w http.ResponseWriter, r *http.Request) {
	f := activityFormFrom(r.URL.Query())
	if f.MinAttendance == "" {
		f.MinAttendance = strconv.FormatFloat(issuer.DefaultMinAttendance*100, 'f', -1, 64)
	}
	s.renderActivityForm(w, r, http.StatusOK, f)
}

// createActivityPage handles POST /organiser/activities.
func (s *Server) createActivityPage(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := activityFormFrom(r.PostForm)
	in, problems := f.input()
	if len(problems) > 0 {
		f.Errors = problems
		s.renderActivityForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}

	a, err := s.Service.CreateActivity(r.Context(), sessionUser(r), in)
	if errors.Is(err, issuer.ErrInvalid) {
		f.Errors = validationMessages(err, "")
		s.renderActivityForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.redirect(w, r, "/organiser/activities/"+a.ID, "success", "The activity is created. Share its enrolment link and promotion remark below.")
}

// editActivityPage handles GET /organiser/activities/{id}/edit.
func (s *Server) editActivityPage(w http.ResponseWriter, r *http.Request) {
	a, err := s.ownActivity(r, chi.URLParam(r, "id"))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	codes, err := s.achievementCodes(r)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.renderActivityForm(w, r, http.StatusOK, activityFormOf(a, codes))
}

// updateActivityPage handles POST /organiser/activities/{id}/edit.
func (s *Server) updateActivityPage(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if !s.parseForm(w, r) {
		return
	}
	f := activityFormFrom(r.PostForm)
	f.ActivityID = id
	in, problems := f.input()
	if len(problems) > 0 {
		// Check ownership first, so that another organiser learns nothing
		// from the form's messages.
		if _, err := s.ownActivity(r, id); err != nil {
			s.renderServiceError(w, r, err)
			return
		}
		f.Errors = problems
		s.renderActivityForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}

	_, err := s.Service.UpdateActivity(r.Context(), sessionUser(r), id, in)
	if errors.Is(err, issuer.ErrInvalid) {
		f.Errors = validationMessages(err, "")
		s.renderActivityForm(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.redirect(w, r, "/organiser/activities/"+id, "success", "The activity is saved. Badges issued before keep what they state.")
}

// achievementCodes maps achievement ids to codes.
func (s *Server) achievementCodes(r *http.Request) (map[string]string, error) {
	all, err := s.Service.Achievements(r.Context(), sessionUser(r))
	if err != nil {
		return nil, err
	}
	codes := make(map[string]string, len(all))
	for _, a := range all {
		codes[a.ID] = a.Code
	}
	return codes, nil
}

// activityPageData is the data of templates/pages/organiser/activity.html.
type activityPageData struct {
	Activity      *issuer.Activity
	Promotion     *issuer.Promotion
	EnrolmentLink string
	Enrolled      int
	Uploads       []*issuer.Upload
	CanUpload     bool
}

// activityPage handles GET /organiser/activities/{id}: the details, the
// promotion remark and poster strip, the enrolment link and the uploads.
func (s *Server) activityPage(w http.ResponseWriter, r *http.Request) {
	ctx, user, id := r.Context(), sessionUser(r), chi.URLParam(r, "id")
	act, enrolled, err := s.Service.TemplateStudents(ctx, user, id)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}

	data := activityPageData{Activity: act, Enrolled: len(enrolled), CanUpload: user.CanUpload || user.Role == issuer.RoleAdmin}
	if data.Promotion, err = s.Service.Promotion(ctx, user, id); err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	if data.EnrolmentLink, err = s.Service.EnrolmentLink(ctx, user, id); err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	if data.Uploads, err = s.Service.Uploads(ctx, user, id); err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "organiser/activity.html", data)
}

// posterStrip handles GET /organiser/activities/{id}/poster.svg: the
// activity's badges side by side, for the printed or online promotion.
func (s *Server) posterStrip(w http.ResponseWriter, r *http.Request) {
	p, err := s.Service.Promotion(r.Context(), sessionUser(r), chi.URLParam(r, "id"))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	body, err := posterSVG(p.Badges)
	if err != nil {
		s.renderServiceError(w, r, fmt.Errorf("draw poster strip: %w", err))
		return
	}

	h := w.Header()
	h.Set("Content-Type", "image/svg+xml")
	h.Set("Content-Security-Policy", "default-src 'none'; img-src data:; style-src 'unsafe-inline'")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	w.Write(body)
}

// templatePage returns the handler of GET
// /organiser/activities/{id}/template.csv or .xlsx: the attendance
// template pre-filled with the enrolled students.
func (s *Server) templatePage(ext string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.serveTemplate(w, r, sessionUser(r), s.renderServiceError, ext)
	}
}

// maxFormBytes limits the body of the pages' URL-encoded forms: the
// largest, a preview's withhold boxes, stays far below it.
const maxFormBytes = 1 << 20

// parseForm reads a URL-encoded form into r.PostForm. On failure it writes
// the error page and returns false.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		s.logError(r, http.StatusBadRequest, err)
		s.renderError(w, r, http.StatusBadRequest, "The form could not be read. Reload the page and send it again.")
		return false
	}
	return true
}
