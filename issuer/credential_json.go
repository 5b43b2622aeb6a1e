package issuer

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The types below fix the JSON shape and member order of a credential.
// Every multi-valued member is a slice and every image an object, as the
// formal OB 3.0 schema requires. Omitempty keeps empty values out, because
// OB 3.0 forbids nulls and empty arrays.

type credentialDoc struct {
	Context           []string           `json:"@context"`
	ID                string             `json:"id"`
	Type              []string           `json:"type"`
	Name              string             `json:"name"`
	Issuer            profileJSON        `json:"issuer"`
	ValidFrom         string             `json:"validFrom"`
	ValidUntil        string             `json:"validUntil,omitempty"`
	CredentialSubject subjectJSON        `json:"credentialSubject"`
	CredentialStatus  *statusEntryJSON   `json:"credentialStatus,omitempty"`
	Evidence          []evidenceJSON     `json:"evidence,omitempty"`
	CredentialSchema  []credentialSchema `json:"credentialSchema"`

	validFrom  time.Time
	validUntil time.Time
}

// payloadJSON is the VC-JWT payload: the credential's members, then the JWT
// claims that OB 3.0 requires. There is no "vc" claim in VC Data Model 2.0.
type payloadJSON struct {
	*credentialDoc
	Iss string `json:"iss"`
	Sub string `json:"sub"`
	Jti string `json:"jti"`
	Nbf int64  `json:"nbf"`
	Exp int64  `json:"exp,omitempty"`
}

type profileJSON struct {
	ID          string     `json:"id"`
	Type        []string   `json:"type"`
	Name        string     `json:"name"`
	URL         string     `json:"url,omitempty"`
	Email       string     `json:"email,omitempty"`
	Description string     `json:"description,omitempty"`
	Image       *imageJSON `json:"image,omitempty"`
}

type imageJSON struct {
	ID      string `json:"id"`
	Type    string `json:"type"` // a single string in the formal schema
	Caption string `json:"caption,omitempty"`
}

type subjectJSON struct {
	ID                string          `json:"id"`
	Type              []string        `json:"type"`
	Identifier        []identityJSON  `json:"identifier,omitempty"`
	Achievement       achievementJSON `json:"achievement"`
	Source            *profileJSON    `json:"source,omitempty"`
	ActivityStartDate string          `json:"activityStartDate,omitempty"`
	ActivityEndDate   string          `json:"activityEndDate,omitempty"`
	Narrative         string          `json:"narrative,omitempty"`
}

type identityJSON struct {
	Type         string `json:"type"` // a single string in the formal schema
	Hashed       bool   `json:"hashed"`
	IdentityHash string `json:"identityHash"`
	IdentityType string `json:"identityType"`
	Salt         string `json:"salt,omitempty"`
}

type achievementJSON struct {
	ID              string       `json:"id"`
	Type            []string     `json:"type"`
	Name            string       `json:"name"`
	Description     string       `json:"description"`
	Criteria        criteriaJSON `json:"criteria"`
	Image           *imageJSON   `json:"image,omitempty"`
	AchievementType string       `json:"achievementType,omitempty"`
	Tag             []string     `json:"tag,omitempty"`
}

type criteriaJSON struct {
	ID        string `json:"id,omitempty"`
	Narrative string `json:"narrative,omitempty"`
}

type evidenceJSON struct {
	ID        string   `json:"id,omitempty"`
	Type      []string `json:"type"`
	Name      string   `json:"name,omitempty"`
	Narrative string   `json:"narrative,omitempty"`
}

// statusEntryJSON is a BitstringStatusListEntry (Bitstring Status List
// v1.0, section 2.1). statusListIndex is a string of decimal digits, as
// the specification requires.
type statusEntryJSON struct {
	ID                   string `json:"id"`
	Type                 string `json:"type"`
	StatusPurpose        string `json:"statusPurpose"`
	StatusListIndex      string `json:"statusListIndex"`
	StatusListCredential string `json:"statusListCredential"`
}

type credentialSchema struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// newCredentialDoc lays out the credential of a checked input.
//
// The credential names the OB 3.0 schema in credentialSchema, as the OB 3.0
// examples do, so that verifiers validate it against that schema before
// anything else. Its type 1EdTechJsonSchemaValidator2019 is defined only in
// the extensions context, so that context is listed too: without it the
// term would have no JSON-LD definition.
func newCredentialDoc(in CredentialInput) (*credentialDoc, error) {
	validFrom := in.ValidFrom.UTC().Truncate(time.Second)
	doc := &credentialDoc{
		Context:           []string{contextVCv2, contextOB303, contextExtensions},
		ID:                in.URLs.Credential(in.CredentialID),
		Type:              []string{"VerifiableCredential", "OpenBadgeCredential"},
		Name:              in.Achievement.Name,
		Issuer:            issuerProfile(in),
		ValidFrom:         formatTime(validFrom),
		CredentialSubject: subject(in),
		Evidence:          []evidenceJSON{evidence(in)},
		CredentialSchema:  []credentialSchema{{ID: CredentialSchemaURL, Type: credentialSchemaType}},
		validFrom:         validFrom,
	}

	if !in.Status.IsZero() {
		doc.CredentialStatus = &statusEntryJSON{
			ID:                   in.URLs.StatusEntry(in.Status),
			Type:                 "BitstringStatusListEntry",
			StatusPurpose:        StatusPurposeRevocation,
			StatusListIndex:      strconv.Itoa(in.Status.Index),
			StatusListCredential: in.URLs.StatusList(in.Status.ListID),
		}
	}

	if days := in.Achievement.ValidForDays; days > 0 {
		doc.validUntil = validFrom.AddDate(0, 0, days)
		doc.ValidUntil = formatTime(doc.validUntil)
	}

	achievement, err := achievementOf(in)
	if err != nil {
		return nil, err
	}
	doc.CredentialSubject.Achievement = achievement
	return doc, nil
}

func newPayload(doc *credentialDoc) payloadJSON {
	p := payloadJSON{
		credentialDoc: doc,
		Iss:           doc.Issuer.ID,
		Sub:           doc.CredentialSubject.ID,
		Jti:           doc.ID,
		Nbf:           doc.validFrom.Unix(),
	}
	if !doc.validUntil.IsZero() {
		p.Exp = doc.validUntil.Unix()
	}
	return p
}

// formatTime writes t in UTC with whole seconds and a Z, e.g.
// 2025-03-10T09:00:00Z.
func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

func issuerProfile(in CredentialInput) profileJSON {
	p := in.Profile
	out := profileJSON{
		ID:          in.IssuerID,
		Type:        []string{"Profile"},
		Name:        p.Name,
		URL:         p.URL,
		Email:       p.Email,
		Description: p.Description,
	}
	if p.ImageURL != "" {
		out.Image = &imageJSON{ID: p.ImageURL, Type: "Image", Caption: p.Name}
	}
	return out
}

func subject(in CredentialInput) subjectJSON {
	s := subjectJSON{
		ID:         in.Student.SubjectID(),
		Type:       []string{"AchievementSubject"},
		Identifier: identifiers(in.Student, in.Salt),
		Narrative:  attendanceNarrative(in),
	}

	if unit := strings.TrimSpace(in.Activity.Unit); unit != "" {
		s.Source = &profileJSON{ID: in.URLs.Unit(unit), Type: []string{"Profile"}, Name: unit}
	}
	if !in.Activity.StartDate.IsZero() {
		s.ActivityStartDate = formatTime(in.Activity.StartDate)
	}
	if !in.Activity.EndDate.IsZero() {
		s.ActivityEndDate = formatTime(in.Activity.EndDate)
	}
	return s
}

// identifiers lists the student's hashed email and plain names (the
// Chinese name as a second one when set). The student number is never
// written, because it would identify the student to anyone who reads the
// badge.
//
// NOTE: the salt is published beside the hash, so the hash hides only
// addresses that cannot be guessed. An institution whose addresses are
// <student number>@domain lets anyone recover the number by trying every
// number; such institutions need another identifier here.
func identifiers(st *Student, salt string) []identityJSON {
	var out []identityJSON
	if email := normaliseEmail(st.Email); email != "" {
		out = append(out, identityJSON{
			Type:         "IdentityObject",
			Hashed:       true,
			IdentityHash: IdentityHash(email, salt),
			IdentityType: "emailAddress",
			Salt:         salt,
		})
	}

	name := strings.TrimSpace(st.Name)
	if name != "" {
		out = append(out, nameIdentifier(name))
	}
	if chinese := strings.TrimSpace(st.ChineseName); chinese != "" && chinese != name {
		out = append(out, nameIdentifier(chinese))
	}
	return out
}

func nameIdentifier(name string) identityJSON {
	return identityJSON{Type: "IdentityObject", Hashed: false, IdentityHash: name, IdentityType: "name"}
}

func achievementOf(in CredentialInput) (achievementJSON, error) {
	a := in.Achievement
	out := achievementJSON{
		ID:              in.URLs.Achievement(a.ID),
		Type:            []string{"Achievement"},
		Name:            a.Name,
		Description:     a.Description,
		Criteria:        criteriaJSON{ID: a.CriteriaURL, Narrative: strings.TrimSpace(a.Criteria)},
		AchievementType: a.AchievementType,
		Tag:             nonEmpty(a.Tags),
	}

	if len(a.Image.Data) > 0 {
		ext, err := imageExtension(a.Image.ContentType)
		if err != nil {
			return achievementJSON{}, Invalidf("achievement image", "achievement %s: %v", a.Code, err)
		}
		out.Image = &imageJSON{ID: in.URLs.AchievementImage(a.ID, ext), Type: "Image", Caption: a.Name}
	}
	return out, nil
}

// nonEmpty returns the trimmed non-empty strings of in, or nil.
func nonEmpty(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func evidence(in CredentialInput) evidenceJSON {
	return evidenceJSON{
		ID:        in.URLs.Activity(in.Activity.ID),
		Type:      []string{"Evidence"},
		Name:      in.Activity.Title,
		Narrative: attendanceNarrative(in),
	}
}

// attendanceNarrative states the sessions attended and the activity's
// length, e.g. "Attended 3 of 4 sessions; the activity lasted 6 hours."
// The hours are the activity's catalogued length, not hours the student
// attended, which the attendance form does not record.
func attendanceNarrative(in CredentialInput) string {
	sessions := "Took part in the activity"
	if in.SessionsTotal > 0 {
		sessions = fmt.Sprintf("Attended %d of %d %s", in.SessionsAttended, in.SessionsTotal, pluralS("session", float64(in.SessionsTotal)))
	}
	if in.Activity.Hours <= 0 {
		return sessions + "."
	}

	hours := math.Round(in.Activity.Hours*100) / 100
	return fmt.Sprintf("%s; the activity lasted %s %s.", sessions, strconv.FormatFloat(hours, 'f', -1, 64), pluralS("hour", hours))
}

func pluralS(noun string, n float64) string {
	if n == 1 {
		return noun
	}
	return noun + "s"
}
