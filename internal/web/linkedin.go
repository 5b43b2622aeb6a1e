package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/internal/artefact"
	"github.com/laurel-badges/laurel/issuer"
)

// linkedInURL returns the LinkedIn "Add to profile" link of an award, for
// the student's badge page: the achievement's name, the institution, the
// month of the first issue, the expiry, and the credential's URL and id.
func (s *Server) linkedInURL(ctx context.Context, award *issuer.Award) (string, error) {
	page, err := newCredentialPage(award)
	if err != nil {
		return "", fmt.Errorf("read credential %s: %w", award.Credential.ID, err)
	}
	organization := page.IssuerName
	if organization == "" {
		profile, err := s.Service.Profile(ctx)
		if err != nil && !errors.Is(err, issuer.ErrNotFound) {
			return "", err
		}
		if profile != nil {
			organization = profile.Name
		}
	}

	c := artefact.LinkedInCertification{
		Name:             page.AchievementName,
		OrganizationID:   s.LinkedInOrganizationID,
		OrganizationName: organization,
		Issued:           award.IssuedAt,
		CredentialURL:    s.Service.URLs.Credential(award.Credential.ID),
		CredentialID:     award.Credential.ID,
	}
	if c.Issued.IsZero() {
		c.Issued = award.Credential.IssuedAt
	}
	var doc credentialDoc
	if err := json.Unmarshal(award.Credential.Document, &doc); err == nil && doc.ValidUntil != "" {
		if t, err := time.Parse(time.RFC3339, doc.ValidUntil); err == nil {
			c.Expires = t
		}
	}
	return artefact.LinkedInAddURL(c)
}
