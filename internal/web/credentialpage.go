package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// credentialDoc holds the fields of an OpenBadgeCredential that the badge
// page shows. Fields the OB 3.0 schema allows as a string or an object
// (issuer, image) are read as either.
type credentialDoc struct {
	Name              string  `json:"name"`
	ValidFrom         string  `json:"validFrom"`
	ValidUntil        string  `json:"validUntil"`
	Issuer            profile `json:"issuer"`
	CredentialSubject struct {
		Name        string           `json:"name"`
		Identifier  []identityObject `json:"identifier"`
		Achievement struct {
			Name        string `json:"name"`
			Description string `json:"description"`
			Criteria    struct {
				ID        string `json:"id"`
				Narrative string `json:"narrative"`
			} `json:"criteria"`
			Image imageRef `json:"image"`
		} `json:"achievement"`
		Source            profile `json:"source"`
		ActivityStartDate string  `json:"activityStartDate"`
		ActivityEndDate   string  `json:"activityEndDate"`
		Narrative         string  `json:"narrative"`
	} `json:"credentialSubject"`
	Evidence []struct {
		Name      string `json:"name"`
		Narrative string `json:"narrative"`
	} `json:"evidence"`
}

type identityObject struct {
	IdentityType string `json:"identityType"`
	IdentityHash string `json:"identityHash"`
	Hashed       bool   `json:"hashed"`
}

// profile is a Profile object or a bare profile URI.
type profile struct {
	ID   string   `json:"id"`
	Name string   `json:"name"`
	URL  string   `json:"url"`
	Logo imageRef `json:"image"`
}

func (p *profile) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		return json.Unmarshal(data, &p.ID)
	}
	type plain profile
	return json.Unmarshal(data, (*plain)(p))
}

// imageRef is an Image object or a bare image URI.
type imageRef struct {
	ID      string `json:"id"`
	Caption string `json:"caption"`
}

func (i *imageRef) UnmarshalJSON(data []byte) error {
	if len(data) > 0 && data[0] == '"' {
		return json.Unmarshal(data, &i.ID)
	}
	type plain imageRef
	return json.Unmarshal(data, (*plain)(i))
}

// errNoAchievement reports a credential document without an achievement name.
var errNoAchievement = errors.New("credential document has no achievement name")

// credentialPage is the data of templates/credential.html. Every string is
// escaped by html/template; none is trusted markup.
type credentialPage struct {
	CredentialName   string
	AchievementName  string
	Description      string
	Criteria         string
	CriteriaURL      string
	ImageURL         string
	ImageAlt         string
	RecipientNames   []string // the name, then any other-script name
	IssuerName       string
	IssuerURL        string
	Unit             string
	Activity         string // name of the activity that earned the badge
	ActivityDates    string // such as "1 March 2025" or "1 – 8 March 2025"
	Narrative        string // participation, such as the sessions attended
	IssuedOn         string // for people, such as "14 March 2025"
	IssuedAt         string // RFC 3339 for the <time> element
	ExpiresOn        string
	Status           string // "Active", "Revoked" or "Expired"
	Revoked, Expired bool
	RevokedOn        string // for people, such as "14 March 2025"
	ReplacedByURL    string // path of the corrected credential that replaced this one
	JWTURL, JSONURL  string

	// Verification is the result of verifying the credential as any
	// verifier would; nil when the server cannot verify.
	Verification *verificationView

	// Link preview (Open Graph and Twitter card): absolute URLs only.
	PageURL        string
	PreviewImage   string // empty unless the badge image has an http(s) URL
	PreviewTitle   string
	PreviewSummary string
}

// newCredentialPage reads the page data from the credential document as
// it was signed, so that the page shows what the credential states.
func newCredentialPage(a *issuer.Award) (*credentialPage, error) {
	var doc credentialDoc
	if err := json.Unmarshal(a.Credential.Document, &doc); err != nil {
		return nil, fmt.Errorf("decode credential document: %w", err)
	}
	ach := doc.CredentialSubject.Achievement
	if ach.Name == "" {
		return nil, errNoAchievement
	}

	path := "/credentials/" + a.Credential.ID
	p := &credentialPage{
		CredentialName:  doc.Name,
		AchievementName: ach.Name,
		Description:     ach.Description,
		Criteria:        ach.Criteria.Narrative,
		CriteriaURL:     ach.Criteria.ID,
		ImageURL:        ach.Image.ID,
		ImageAlt:        "Badge: " + ach.Name,
		RecipientNames:  recipientNames(&doc),
		IssuerName:      doc.Issuer.Name,
		IssuerURL:       doc.Issuer.URL,
		Unit:            doc.CredentialSubject.Source.Name,
		ActivityDates:   dateRange(doc.CredentialSubject.ActivityStartDate, doc.CredentialSubject.ActivityEndDate),
		Narrative:       doc.CredentialSubject.Narrative,
		Revoked:         a.Credential.Status == issuer.CredentialRevoked,
		JWTURL:          path + "?format=jwt",
		JSONURL:         path + "?format=json",
	}
	if p.Revoked {
		// The reason is not shown: it may concern the student, and the
		// audit log keeps it for staff.
		if !a.Credential.Revocation.At.IsZero() {
			p.RevokedOn = a.Credential.Revocation.At.UTC().Format("2 January 2006")
		}
		if a.Credential.ReplacedBy != "" {
			p.ReplacedByURL = "/credentials/" + a.Credential.ReplacedBy
		}
	}
	if len(doc.Evidence) > 0 {
		p.Activity = doc.Evidence[0].Name
		if p.Narrative == "" {
			p.Narrative = doc.Evidence[0].Narrative
		}
	}
	p.setDates(doc.ValidFrom, doc.ValidUntil, a.IssuedAt)
	return p, nil
}

// setPreview fills the link preview tags for the page at pageURL.
func (p *credentialPage) setPreview(pageURL string) {
	p.PageURL = pageURL
	if u, err := url.Parse(p.ImageURL); err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" {
		p.PreviewImage = p.ImageURL
	}

	p.PreviewTitle = p.AchievementName
	if len(p.RecipientNames) > 0 {
		p.PreviewTitle += " – " + p.RecipientNames[0]
	}
	summary := "Open Badge"
	if p.IssuerName != "" {
		summary += " issued by " + p.IssuerName
	}
	if p.IssuedOn != "" {
		summary += " on " + p.IssuedOn
	}
	summary += "."
	if p.Description != "" {
		summary += " " + p.Description
	}
	p.PreviewSummary = summary
}

// dateRange writes the activity's dates for people; it is empty when the
// start date is missing or unreadable.
func dateRange(start, end string) string {
	from, err := time.Parse(time.RFC3339, start)
	if err != nil {
		return ""
	}
	to, err := time.Parse(time.RFC3339, end)
	if err != nil || from.Format(time.DateOnly) == to.Format(time.DateOnly) {
		return from.UTC().Format("2 January 2006")
	}
	return from.UTC().Format("2 January 2006") + " – " + to.UTC().Format("2 January 2006")
}

// recipientNames returns the unhashed name identifiers of the subject, in
// document order, or the subject's name property when there are none.
func recipientNames(doc *credentialDoc) []string {
	var names []string
	for _, id := range doc.CredentialSubject.Identifier {
		if id.IdentityType == "name" && !id.Hashed && id.IdentityHash != "" {
			names = append(names, id.IdentityHash)
		}
	}
	if len(names) == 0 && doc.CredentialSubject.Name != "" {
		names = append(names, doc.CredentialSubject.Name)
	}
	return names
}

// setDates fills the issue and expiry dates and the status. The issue date
// comes from validFrom and falls back to the award's time.
func (p *credentialPage) setDates(validFrom, validUntil string, issuedAt time.Time) {
	if t, err := time.Parse(time.RFC3339, validFrom); err == nil {
		issuedAt = t
	}
	if !issuedAt.IsZero() {
		p.IssuedOn = issuedAt.UTC().Format("2 January 2006")
		p.IssuedAt = issuedAt.UTC().Format(time.RFC3339)
	}

	if t, err := time.Parse(time.RFC3339, validUntil); err == nil {
		p.ExpiresOn = t.UTC().Format("2 January 2006")
		p.Expired = time.Now().After(t)
	}

	switch {
	case p.Revoked:
		p.Status = "Revoked"
	case p.Expired:
		p.Status = "Expired"
	default:
		p.Status = "Active"
	}
}
