package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// profileView is the issuer profile in the JSON API.
type profileView struct {
	Name        string    `json:"name"`
	URL         string    `json:"url,omitempty"`
	Email       string    `json:"email,omitempty"`
	Description string    `json:"description,omitempty"`
	ImageURL    string    `json:"image_url,omitempty"`
	Color       string    `json:"color,omitempty"`
	AccentColor string    `json:"accent_color,omitempty"`
	UpdatedAt   time.Time `json:"updated_at,omitzero"`
}

// profileInput is the body of PUT /api/v1/profile.
type profileInput struct {
	Name        string `json:"name"`
	URL         string `json:"url"`
	Email       string `json:"email"`
	Description string `json:"description"`
	ImageURL    string `json:"image_url"`
	Color       string `json:"color"`        // #rrggbb, used in emails
	AccentColor string `json:"accent_color"` // #rrggbb, for links and buttons in emails
}

func newProfileView(p *issuer.Profile) profileView {
	return profileView{
		Name: p.Name, URL: p.URL, Email: p.Email, Description: p.Description,
		ImageURL: p.ImageURL, Color: p.Color, AccentColor: p.AccentColor, UpdatedAt: p.UpdatedAt,
	}
}

func (s *Server) getProfile(w http.ResponseWriter, r *http.Request) {
	p, err := s.Service.Profile(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newProfileView(p))
}

// putProfile replaces the issuer profile; only admins may.
func (s *Server) putProfile(w http.ResponseWriter, r *http.Request) {
	var in profileInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}

	p := &issuer.Profile{
		Name: strings.TrimSpace(in.Name), URL: strings.TrimSpace(in.URL), Email: strings.TrimSpace(in.Email),
		Description: strings.TrimSpace(in.Description), ImageURL: strings.TrimSpace(in.ImageURL),
		Color: strings.TrimSpace(in.Color), AccentColor: strings.TrimSpace(in.AccentColor),
	}
	if err := s.Service.SetProfile(r.Context(), currentUser(r), p); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newProfileView(p))
}
