package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// activityDoc is the public description of an activity, which credentials
// link to as their evidence.
type activityDoc struct {
	ID           string        `json:"id"`
	Name         string        `json:"name"`
	Description  string        `json:"description,omitempty"`
	Organiser    *profileRefID `json:"organiser"`
	StartDate    string        `json:"startDate"`
	EndDate      string        `json:"endDate"`
	Hours        float64       `json:"hours"`
	Achievements []string      `json:"achievements"`
}

// publicActivity handles GET /activities/{id}.
func (s *Server) publicActivity(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	if !isUUID(id) {
		s.writeError(w, r, issuer.ErrNotFound)
		return
	}
	a, err := s.Service.PublicActivity(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	urls := s.Service.URLs
	doc := activityDoc{
		ID:          urls.Activity(a.ID),
		Name:        a.Title,
		Description: a.Description,
		Organiser:   &profileRefID{ID: urls.Unit(a.Unit), Type: []string{"Profile"}},
		StartDate:   a.StartDate.Format(time.DateOnly),
		EndDate:     a.EndDate.Format(time.DateOnly),
		Hours:       a.Hours,
	}
	for _, achID := range a.AchievementIDs {
		doc.Achievements = append(doc.Achievements, urls.Achievement(achID))
	}
	serveCachedJSON(w, r, "application/json", doc, cachePublicDocument)
}

// unitDoc is the OB 3.0 Profile of an organising unit, the
// credentialSubject.source of credentials from its activities.
type unitDoc struct {
	Context   []string      `json:"@context"`
	ID        string        `json:"id"`
	Type      []string      `json:"type"`
	Name      string        `json:"name"`
	ParentOrg *profileRefID `json:"parentOrg,omitempty"`
}

// unitProfile handles GET /units/{name}. Only units that organise an
// activity have a profile, so that no one can mint an official-looking
// page for a made-up unit.
func (s *Server) unitProfile(w http.ResponseWriter, r *http.Request) {
	name, err := unescapedParam(r, "name")
	if err != nil {
		s.writeError(w, r, issuer.ErrNotFound)
		return
	}
	known, err := s.Service.UnitExists(r.Context(), name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !known {
		s.writeError(w, r, issuer.ErrNotFound)
		return
	}

	doc := unitDoc{Context: ob3Context, ID: s.Service.URLs.Unit(name), Type: []string{"Profile"}, Name: name}
	if s.Service.IssuerID != "" {
		doc.ParentOrg = &profileRefID{ID: s.Service.IssuerID, Type: []string{"Profile"}}
	}
	serveCachedJSON(w, r, "application/json", doc, cachePublicDocument)
}

// unescapedParam returns the route parameter key in its decoded form.
// chi matches on r.URL.RawPath when the request escaped a character that
// need not be escaped, such as %2F, and then gives the parameter still
// escaped. Otherwise chi matches on the decoded r.URL.Path, and decoding
// again would misread a name that contains %.
func unescapedParam(r *http.Request, key string) (string, error) {
	v := chi.URLParam(r, key)
	if r.URL.RawPath == "" {
		return v, nil
	}
	return url.PathUnescape(v)
}

// home handles GET /, the landing page that the issuer's "Issued by" link
// leads to when the profile's URL is this server.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	p, err := s.Service.Profile(r.Context())
	if errors.Is(err, issuer.ErrNotFound) {
		p, err = &issuer.Profile{Name: "Laurel"}, nil
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.renderPublic(w, r, http.StatusOK, "public/home.html", pageCSP, map[string]string{
		"Name": p.Name, "Description": p.Description, "IssuerID": s.Service.IssuerID,
	})
}
