package web

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// credentialView is one credential of an award in the JSON API, with its
// status and, once revoked, who revoked it, when and why.
type credentialView struct {
	ID                   string     `json:"credential_id"`
	URL                  string     `json:"url"`
	AwardID              string     `json:"award_id"`
	Status               string     `json:"status"`
	IssuedAt             time.Time  `json:"issued_at"`
	KeyID                string     `json:"key_id"`
	StatusListCredential string     `json:"status_list_credential,omitempty"`
	StatusListIndex      *int       `json:"status_list_index,omitempty"`
	RevokedAt            *time.Time `json:"revoked_at,omitempty"`
	RevocationReason     string     `json:"revocation_reason,omitempty"`
	RevokedBy            string     `json:"revoked_by,omitempty"`
	Replaces             string     `json:"replaces,omitempty"`
	ReplacedBy           string     `json:"replaced_by,omitempty"`
}

func (s *Server) credentialView(a *issuer.Award) credentialView {
	c := a.Credential
	v := credentialView{
		ID: c.ID, URL: s.Service.URLs.Credential(c.ID), AwardID: a.ID, Status: string(c.Status),
		IssuedAt: c.IssuedAt, KeyID: c.KeyID, Replaces: c.Replaces, ReplacedBy: c.ReplacedBy,
	}
	if !c.StatusEntry.IsZero() {
		index := c.StatusEntry.Index
		v.StatusListCredential = s.Service.URLs.StatusList(c.StatusEntry.ListID)
		v.StatusListIndex = &index
	}
	if c.Status == issuer.CredentialRevoked {
		at := c.Revocation.At
		v.RevokedAt, v.RevocationReason, v.RevokedBy = &at, c.Revocation.Reason, c.Revocation.By
	}
	return v
}

// reasonInput is the body of the revoke and reissue requests.
type reasonInput struct {
	Reason string `json:"reason"`
}

// revokeCredential revokes a credential for good; the status list shows it
// at the next request.
func (s *Server) revokeCredential(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	var in reasonInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if !isUUID(id) {
		s.writeError(w, r, issuer.ErrNotFound)
		return
	}

	a, err := s.Service.Revoke(r.Context(), currentUser(r), id, in.Reason)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.credentialView(a))
}

// reissueCredential re-issues a credential from the corrected records and
// revokes the old one; it returns 201 with the new credential.
func (s *Server) reissueCredential(w http.ResponseWriter, r *http.Request) {
	id := chi.URLParam(r, "id")
	var in reasonInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if !isUUID(id) {
		s.writeError(w, r, issuer.ErrNotFound)
		return
	}

	a, err := s.Service.Correct(r.Context(), currentUser(r), id, issuer.Correction{Reason: in.Reason})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", s.Service.URLs.Credential(a.Credential.ID))
	writeJSON(w, http.StatusCreated, s.credentialView(a))
}
