package web

import (
	"context"
	"net/http"
	"time"
)

// didDocument serves the issuer's did:web document. It is sent as
// application/did+json to clients that ask for that type and as
// application/json to everyone else, which is what most resolvers expect.
func (s *Server) didDocument(w http.ResponseWriter, r *http.Request) {
	s.refreshKeys(r)
	doc, err := s.Keys.DIDDocument()
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	contentType := "application/json"
	if accepts(r.Header.Get("Accept"), "application/did+json") {
		contentType = "application/did+json"
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Add("Vary", "Accept")
	serveCached(w, r, doc, cachePublicDocument)
}

// jwks serves the JWK Set of every published public key.
func (s *Server) jwks(w http.ResponseWriter, r *http.Request) {
	s.refreshKeys(r)
	set, err := s.Keys.JWKS()
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/jwk-set+json")
	serveCached(w, r, set, cachePublicDocument)
}

// refreshKeys picks up a key rotation or revocation made by another
// process. When the store does not respond, the keys loaded before are
// served, because they are the newest the server has.
func (s *Server) refreshKeys(r *http.Request) {
	if err := s.Keys.Refresh(r.Context(), false); err != nil {
		s.log.WarnContext(r.Context(), "refresh signing keys", "err", err)
	}
}

// issuerDoc is the public OB 3.0 Profile of the issuer.
type issuerDoc struct {
	Context     []string  `json:"@context"`
	ID          string    `json:"id"`
	Type        []string  `json:"type"`
	Name        string    `json:"name"`
	URL         string    `json:"url,omitempty"`
	Email       string    `json:"email,omitempty"`
	Description string    `json:"description,omitempty"`
	Image       *imageDoc `json:"image,omitempty"`
}

// issuerProfile serves the issuer Profile, whose id is the issuer's DID, as
// JSON, or a page for a browser that asks for HTML.
func (s *Server) issuerProfile(w http.ResponseWriter, r *http.Request) {
	w.Header().Add("Vary", "Accept")
	if wantsHTML(r) {
		s.issuerPage(w, r)
		return
	}
	p, err := s.Service.Profile(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	doc := issuerDoc{
		Context: ob3Context, ID: s.Service.IssuerID, Type: []string{"Profile"},
		Name: p.Name, URL: p.URL, Email: p.Email, Description: p.Description,
	}
	if p.ImageURL != "" {
		doc.Image = &imageDoc{ID: p.ImageURL, Type: "Image"}
	}
	serveCachedJSON(w, r, "application/json", doc, cachePublicDocument)
}

// healthz reports that the process is up; it checks nothing else, so that
// an orchestrator does not restart the server when the database is down.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyTimeout bounds the database ping of /readyz, so that a hung
// database makes the probe fail rather than hang.
const readyTimeout = 2 * time.Second

// readyz reports whether the server can serve requests, which needs a
// database that responds to a ping. It returns 503 when the ping fails.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if s.Ready == nil {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
		return
	}

	ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
	defer cancel()
	if err := s.Ready(ctx); err != nil {
		s.log.ErrorContext(r.Context(), "readiness check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]any{
			"status": "unavailable",
			"error": errorDetail{Code: codeUnavailable, Message: "the database does not respond; try again later",
				RequestID: RequestID(r.Context())},
		})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}
