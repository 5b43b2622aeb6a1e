package web

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// JSON-LD contexts of Open Badges 3.0 documents, in the required order.
var ob3Context = []string{
	"https://www.w3.org/ns/credentials/v2",
	"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
}

// achievementView is an achievement in the JSON API.
type achievementView struct {
	ID              string    `json:"id"`
	Code            string    `json:"code"`
	Name            string    `json:"name"`
	Description     string    `json:"description"`
	Criteria        string    `json:"criteria"`
	CriteriaURL     string    `json:"criteria_url,omitempty"`
	AchievementType string    `json:"achievement_type"`
	Tags            []string  `json:"tags"`
	MinHours        float64   `json:"min_hours"`
	ValidForDays    int       `json:"valid_for_days"`
	URL             string    `json:"url"`
	ImageURL        string    `json:"image_url"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func (s *Server) achievementView(a *issuer.Achievement) achievementView {
	tags := a.Tags
	if tags == nil {
		tags = []string{}
	}
	return achievementView{
		ID: a.ID, Code: a.Code, Name: a.Name, Description: a.Description,
		Criteria: a.Criteria, CriteriaURL: a.CriteriaURL, AchievementType: a.AchievementType,
		Tags: tags, MinHours: a.MinHours, ValidForDays: a.ValidForDays,
		URL:       s.Service.URLs.Achievement(a.ID),
		ImageURL:  s.Service.URLs.AchievementImage(a.ID, imageExt(a.Image.ContentType)),
		CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt,
	}
}

// imageExt returns the URL extension of an image content type.
func imageExt(contentType string) string {
	if contentType == "image/png" {
		return "png"
	}
	return "svg"
}

func (s *Server) listAchievements(w http.ResponseWriter, r *http.Request) {
	list, err := s.Service.Achievements(r.Context(), currentUser(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	views := make([]achievementView, len(list))
	for i, a := range list {
		views[i] = s.achievementView(a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"achievements": views})
}

// importAchievements takes a catalogue {"achievements": [...]} and creates
// or updates each entry by code.
func (s *Server) importAchievements(w http.ResponseWriter, r *http.Request) {
	body, err := s.readBody(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !json.Valid(body) {
		s.writeError(w, r, badRequest(`the request body is not valid JSON; send {"achievements": [{"code": "IPC", "name": ...}]}`))
		return
	}

	catalogue, err := issuer.ParseCatalogue(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	created, updated, err := s.Service.ImportAchievements(r.Context(), currentUser(r), catalogue)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, importCounts{Created: created, Updated: updated})
}

// importCounts is the response of the import endpoints.
type importCounts struct {
	Created int `json:"created"`
	Updated int `json:"updated"`
}

// publicAchievementDoc is the public OB 3.0 Achievement document.
type publicAchievementDoc struct {
	Context         []string      `json:"@context"`
	ID              string        `json:"id"`
	Type            []string      `json:"type"`
	Name            string        `json:"name"`
	Description     string        `json:"description"`
	Criteria        criteriaDoc   `json:"criteria"`
	Image           imageDoc      `json:"image"`
	AchievementType string        `json:"achievementType,omitempty"`
	Tag             []string      `json:"tag,omitempty"`
	Creator         *profileRefID `json:"creator,omitempty"`
}

type criteriaDoc struct {
	ID        string `json:"id,omitempty"`
	Narrative string `json:"narrative,omitempty"`
}

type imageDoc struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

type profileRefID struct {
	ID   string   `json:"id"`
	Type []string `json:"type"`
}

// publicAchievement serves the Achievement that credentials link to: its
// OB 3.0 JSON, or a page for a browser that asks for HTML.
func (s *Server) publicAchievement(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Accept")
	if wantsHTML(r) {
		s.achievementPage(w, r)
		return
	}
	a, err := s.findAchievement(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	doc := publicAchievementDoc{
		Context: ob3Context, ID: s.Service.URLs.Achievement(a.ID), Type: []string{"Achievement"},
		Name: a.Name, Description: a.Description,
		Criteria:        criteriaDoc{ID: a.CriteriaURL, Narrative: a.Criteria},
		Image:           imageDoc{ID: s.Service.URLs.AchievementImage(a.ID, imageExt(a.Image.ContentType)), Type: "Image"},
		AchievementType: a.AchievementType, Tag: a.Tags,
	}
	if s.Service.IssuerID != "" {
		doc.Creator = &profileRefID{ID: s.Service.IssuerID, Type: []string{"Profile"}}
	}
	serveCachedJSON(w, r, "application/json", doc, cachePublicDocument)
}

// achievementImage serves a badge image as stored, or the PNG version of
// an SVG image at image.png, which email clients show where many do not
// show SVG. An SVG can hold scripts, so it gets a policy that allows none.
func (s *Server) achievementImage(w http.ResponseWriter, r *http.Request) {
	a, err := s.findAchievement(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ext := chi.URLParam(r, "ext")
	if len(a.Image.Data) > 0 && ext == "png" && a.Image.ContentType == "image/svg+xml" {
		img, err := s.badgePNG(r.Context(), a)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		serveCached(w, r, img, cacheImage)
		return
	}
	if len(a.Image.Data) == 0 || imageExt(a.Image.ContentType) != ext {
		s.writeError(w, r, issuer.ErrNotFound)
		return
	}

	if a.Image.ContentType == "image/svg+xml" {
		w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	}
	w.Header().Set("Content-Type", a.Image.ContentType)
	serveCached(w, r, a.Image.Data, cacheImage)
}

// findAchievement loads the achievement named by the {id} route parameter.
func (s *Server) findAchievement(r *http.Request) (*issuer.Achievement, error) {
	id := chi.URLParam(r, "id")
	if !isUUID(id) {
		return nil, issuer.ErrNotFound
	}
	a, err := s.Service.Achievement(r.Context(), id)
	if err != nil {
		return nil, err
	}
	return a, nil
}
