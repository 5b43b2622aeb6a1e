package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// keyView is a signing key in the JSON API, without any private part.
type keyView struct {
	ID        string     `json:"id"`
	KID       string     `json:"kid"` // the JOSE kid: <issuer DID>#<id>
	Algorithm string     `json:"algorithm"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	RetiredAt *time.Time `json:"retired_at,omitempty"`
	RevokedAt *time.Time `json:"revoked_at,omitempty"`
}

func (s *Server) keyView(k *issuer.SigningKey) keyView {
	v := keyView{
		ID: k.ID, KID: s.Service.IssuerID + "#" + k.ID, Algorithm: k.Algorithm,
		Status: string(k.Status), CreatedAt: k.CreatedAt,
	}
	if !k.RetiredAt.IsZero() {
		at := k.RetiredAt
		v.RetiredAt = &at
	}
	if !k.RevokedAt.IsZero() {
		at := k.RevokedAt
		v.RevokedAt = &at
	}
	return v
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) {
	list, err := s.Service.SigningKeys(r.Context(), currentUser(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	views := make([]keyView, len(list))
	for i, k := range list {
		views[i] = s.keyView(k)
	}
	writeJSON(w, http.StatusOK, map[string]any{"keys": views})
}

// rotateKey makes a new active key and responds 201 with that key.
func (s *Server) rotateKey(w http.ResponseWriter, r *http.Request) {
	k, err := s.Service.RotateKey(r.Context(), currentUser(r))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.keyView(k))
}

// keyRevocationView reports a key revocation and the re-issue it caused.
type keyRevocationView struct {
	KeyID          string            `json:"key_id"`
	AlreadyRevoked bool              `json:"already_revoked"`
	Found          int               `json:"credentials_found"`
	Reissued       int               `json:"credentials_reissued"`
	Replaced       map[string]string `json:"replaced"` // old credential id to new one
}

// revokeKey revokes a compromised key and re-issues its credentials.
func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) {
	report, err := s.Service.RevokeSigningKey(r.Context(), currentUser(r), chi.URLParam(r, "id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, keyRevocationView{
		KeyID: report.KeyID, AlreadyRevoked: report.AlreadyRevoked,
		Found: report.Found, Reissued: report.Reissued, Replaced: report.Replaced,
	})
}
