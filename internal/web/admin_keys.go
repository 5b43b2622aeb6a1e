package web

import (
	"net/http"

	"github.com/laurel-badges/laurel/issuer"
)

// keysPageData is the data of templates/pages/admin/keys.html.
type keysPageData struct {
	IssuerID string
	Keys     []*issuer.SigningKey
}

// keysPage handles GET /admin/keys.
func (s *Server) keysPage(w http.ResponseWriter, r *http.Request) {
	list, err := s.Service.SigningKeys(r.Context(), sessionUser(r))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/keys.html", keysPageData{IssuerID: s.Service.IssuerID, Keys: list})
}

// rotateKeyForm handles POST /admin/keys/rotate: a new key signs from now
// on and the old one stays published for verification.
func (s *Server) rotateKeyForm(w http.ResponseWriter, r *http.Request) {
	k, err := s.Service.RotateKey(r.Context(), sessionUser(r))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/keys", "success", "The new key "+k.ID+" ("+k.Algorithm+") signs from now on. The previous key is retired and stays published, so its credentials still verify.")
}
