package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/internal/badgeimage"
	"github.com/laurel-badges/laurel/issuer"
)

// badgeRow is one achievement in templates/pages/admin/badges.html.
type badgeRow struct {
	*issuer.Achievement
	ImageURL string
}

// badgeImagePath returns the same-origin path of an achievement's image,
// with the update time as a version so that the browser shows a new
// image at once after an edit.
func badgeImagePath(a *issuer.Achievement) string {
	return fmt.Sprintf("/achievements/%s/image.%s?v=%d", a.ID, imageExt(a.Image.ContentType), a.UpdatedAt.Unix())
}

// badgesPage handles GET /admin/badges.
func (s *Server) badgesPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.Service.Achievements(r.Context(), sessionUser(r))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	rows := make([]badgeRow, len(list))
	for i, a := range list {
		rows[i] = badgeRow{Achievement: a, ImageURL: badgeImagePath(a)}
	}
	s.render(w, r, http.StatusOK, "admin/badges.html", rows)
}

// badgeForm is the data of templates/pages/admin/badge.html.
type badgeForm struct {
	ID              string
	StoredCode      string // the code before this edit, for the heading
	ImageURL        string
	Code            string
	Name            string
	Description     string
	Criteria        string
	CriteriaURL     string
	AchievementType string
	Tags            string // comma-separated
	MinHours        string
	ValidForDays    string
	Error           string
	MaxImageBytes   int
	MaxImagePixels  int
}

func newBadgeForm(a *issuer.Achievement) badgeForm {
	return badgeForm{
		ID:              a.ID,
		StoredCode:      a.Code,
		ImageURL:        badgeImagePath(a),
		Code:            a.Code,
		Name:            a.Name,
		Description:     a.Description,
		Criteria:        a.Criteria,
		CriteriaURL:     a.CriteriaURL,
		AchievementType: a.AchievementType,
		Tags:            strings.Join(a.Tags, ", "),
		MinHours:        strconv.FormatFloat(a.MinHours, 'f', -1, 64),
		ValidForDays:    strconv.Itoa(a.ValidForDays),
		MaxImageBytes:   badgeimage.DefaultLimits.MaxBytes,
		MaxImagePixels:  badgeimage.DefaultLimits.MaxPixels,
	}
}

// badgeEditPage handles GET /admin/badges/{id}.
func (s *Server) badgeEditPage(w http.ResponseWriter, r *http.Request) {
	a, err := s.Service.Achievement(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/badge.html", newBadgeForm(a))
}

// maxBadgeFormBytes bounds the edit form: the image plus the text fields.
const maxBadgeFormBytes = 1<<20 + 64<<10

// saveBadge handles POST /admin/badges/{id}, a multipart form with the
// catalogue fields and an optional new image.
func (s *Server) saveBadge(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	r.Body = http.MaxBytesReader(w, r.Body, maxBadgeFormBytes)
	if err := r.ParseMultipartForm(maxBadgeFormBytes); err != nil {
		s.renderError(w, r, http.StatusRequestEntityTooLarge, fmt.Sprintf("The form could not be read: the image may be larger than %d bytes. Choose a smaller image and try again.", badgeimage.DefaultLimits.MaxBytes))
		return
	}

	form := badgeForm{
		ID:              id,
		Code:            r.PostFormValue("code"),
		Name:            r.PostFormValue("name"),
		Description:     r.PostFormValue("description"),
		Criteria:        r.PostFormValue("criteria"),
		CriteriaURL:     strings.TrimSpace(r.PostFormValue("criteria_url")),
		AchievementType: strings.TrimSpace(r.PostFormValue("achievement_type")),
		Tags:            r.PostFormValue("tags"),
		MinHours:        strings.TrimSpace(r.PostFormValue("min_hours")),
		ValidForDays:    strings.TrimSpace(r.PostFormValue("valid_for_days")),
		MaxImageBytes:   badgeimage.DefaultLimits.MaxBytes,
		MaxImagePixels:  badgeimage.DefaultLimits.MaxPixels,
	}
	if a, err := s.Service.Achievement(r.Context(), id); err == nil {
		form.StoredCode, form.ImageURL = a.Code, badgeImagePath(a)
	}

	entry, err := form.entry()
	var image *issuer.Image
	var removed []string
	if err == nil {
		image, removed, err = readBadgeImage(r)
	}
	if err == nil {
		_, err = s.Service.EditAchievement(r.Context(), sessionUser(r), id, entry, image)
	}
	if errors.Is(err, issuer.ErrInvalid) || errors.Is(err, issuer.ErrConflict) {
		form.Error = formErrorMessage(err)
		s.render(w, r, http.StatusUnprocessableEntity, "admin/badge.html", form)
		return
	}
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}

	message := "The badge " + strings.ToUpper(strings.TrimSpace(form.Code)) + " is saved."
	if len(removed) > 0 {
		message += " The SVG image was cleaned; removed: " + strings.Join(removed, "; ") + "."
	}
	s.redirect(w, r, "/admin/badges/"+id, "success", message)
}

// entry converts the form into a catalogue entry.
func (f badgeForm) entry() (issuer.CatalogueEntry, error) {
	e := issuer.CatalogueEntry{
		Code:            f.Code,
		Name:            f.Name,
		Description:     f.Description,
		Criteria:        f.Criteria,
		CriteriaURL:     f.CriteriaURL,
		AchievementType: f.AchievementType,
	}
	for _, tag := range strings.Split(f.Tags, ",") {
		if tag = strings.TrimSpace(tag); tag != "" {
			e.Tags = append(e.Tags, tag)
		}
	}

	var err error
	if f.MinHours != "" {
		if e.MinHours, err = strconv.ParseFloat(f.MinHours, 64); err != nil {
			return e, issuer.Invalidf("min_hours", "%q is not a number of hours; write it like 2 or 1.5", f.MinHours)
		}
	}
	if f.ValidForDays != "" {
		if e.ValidForDays, err = strconv.Atoi(f.ValidForDays); err != nil {
			return e, issuer.Invalidf("valid_for_days", "%q is not a whole number of days; write 0 for credentials that never expire", f.ValidForDays)
		}
	}
	return e, nil
}

// readBadgeImage returns the checked image of the form's image field, or
// nil when no file was chosen.
func readBadgeImage(r *http.Request) (*issuer.Image, []string, error) {
	file, _, err := r.FormFile("image")
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read badge image: %w", err)
	}
	defer file.Close()

	data, err := io.ReadAll(io.LimitReader(file, int64(badgeimage.DefaultLimits.MaxBytes)+1))
	if err != nil {
		return nil, nil, fmt.Errorf("read badge image: %w", err)
	}
	if len(data) == 0 {
		// A browser sends an empty part when no file was chosen.
		return nil, nil, nil
	}
	img, removed, err := badgeimage.Check(r.Context(), data, badgeimage.Limits{})
	if err != nil {
		return nil, nil, err
	}
	return &img, removed, nil
}

// formErrorMessage returns the message of a validation or conflict error
// for the person who filled in the form.
func formErrorMessage(err error) string {
	var conflict *issuer.ConflictError
	if errors.As(err, &conflict) {
		return conflict.Message
	}
	return validationMessage(err)
}
