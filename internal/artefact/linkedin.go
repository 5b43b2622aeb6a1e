package artefact

import (
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// linkedInAddURL is the address of LinkedIn's "Add to profile" form for
// licenses and certifications.
const linkedInAddURL = "https://www.linkedin.com/profile/add"

// LinkedInCertification is one award as LinkedIn's "Add to profile" form
// for licenses and certifications takes it.
type LinkedInCertification struct {
	Name string // the certification name: the achievement's name

	// OrganizationID is the institution's numeric LinkedIn company id.
	// When it is set, LinkedIn links the entry to the company page and
	// OrganizationName is not sent.
	OrganizationID   string
	OrganizationName string

	Issued        time.Time // only the month and year are sent
	Expires       time.Time // zero when the credential never expires
	CredentialURL string
	CredentialID  string
}

// LinkedInAddURL returns the link that opens LinkedIn's "Add to profile"
// form filled with c. The query parameters are those of LinkedIn's Add
// to Profile for certifications: startTask=CERTIFICATION_NAME, name,
// organizationId or organizationName, issueYear, issueMonth,
// expirationYear, expirationMonth, certUrl and certId.
func LinkedInAddURL(c LinkedInCertification) (string, error) {
	if c.Name == "" {
		return "", fmt.Errorf("LinkedIn link: the certification name is missing")
	}
	if c.OrganizationID == "" && c.OrganizationName == "" {
		return "", fmt.Errorf("LinkedIn link for %q: set the organization name or its LinkedIn id", c.Name)
	}
	if c.OrganizationID != "" {
		if _, err := strconv.ParseUint(c.OrganizationID, 10, 64); err != nil {
			return "", fmt.Errorf("LinkedIn organization id %q: want the number from the company page's admin URL", c.OrganizationID)
		}
	}

	q := url.Values{}
	q.Set("startTask", "CERTIFICATION_NAME")
	q.Set("name", c.Name)
	if c.OrganizationID != "" {
		q.Set("organizationId", c.OrganizationID)
	} else {
		q.Set("organizationName", c.OrganizationName)
	}
	if !c.Issued.IsZero() {
		q.Set("issueYear", strconv.Itoa(c.Issued.UTC().Year()))
		q.Set("issueMonth", strconv.Itoa(int(c.Issued.UTC().Month())))
	}
	if !c.Expires.IsZero() {
		q.Set("expirationYear", strconv.Itoa(c.Expires.UTC().Year()))
		q.Set("expirationMonth", strconv.Itoa(int(c.Expires.UTC().Month())))
	}
	if c.CredentialURL != "" {
		q.Set("certUrl", c.CredentialURL)
	}
	if c.CredentialID != "" {
		q.Set("certId", c.CredentialID)
	}
	return linkedInAddURL + "?" + q.Encode(), nil
}
