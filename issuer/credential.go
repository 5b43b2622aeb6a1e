package issuer

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Fixed values written into every OpenBadgeCredential.
const (
	contextVCv2       = "https://www.w3.org/ns/credentials/v2"
	contextOB303      = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	contextExtensions = "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"

	// CredentialSchemaURL is the JSON Schema that credentials name in
	// credentialSchema, of type 1EdTechJsonSchemaValidator2019.
	CredentialSchemaURL  = "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
	credentialSchemaType = "1EdTechJsonSchemaValidator2019"
)

// CredentialInput is everything one credential is built from.
type CredentialInput struct {
	CredentialID     string // UUID; the credential's id is URLs.Credential(CredentialID)
	IssuerID         string // did:web of the institution
	Profile          *Profile
	Achievement      *Achievement
	Student          *Student
	Activity         *Activity
	SessionsAttended int
	SessionsTotal    int
	ValidFrom        time.Time // truncated to whole seconds in UTC
	Salt             string    // salt of the hashed email identifier; see NewSalt
	URLs             URLs

	// Status, when set, adds a credentialStatus entry of type
	// BitstringStatusListEntry for revocation. The service sets it on
	// every credential it issues.
	Status StatusEntry
}

// CredentialBuilder builds OpenBadgeCredential documents and their VC-JWT
// payloads, and checks each against the formal OB 3.0 JSON Schema. It is safe
// for concurrent use.
type CredentialBuilder struct {
	schema *jsonschema.Schema
}

// NewCredentialBuilder compiles the embedded formal OB 3.0
// AchievementCredential schema (draft 2019-09) without network access.
func NewCredentialBuilder() (*CredentialBuilder, error) {
	sch, err := compileFormalSchema()
	if err != nil {
		return nil, fmt.Errorf("new credential builder: %w", err)
	}
	return &CredentialBuilder{schema: sch}, nil
}

// Validate checks a credential document against the formal OB 3.0 schema.
// The error wraps ErrInvalid and carries the schema's findings.
func (b *CredentialBuilder) Validate(document []byte) error {
	return validateAgainst(b.schema, document)
}

// Build returns the OpenBadgeCredential of in as JSON (document) and the
// VC-JWT payload to sign: the same members followed by the claims iss
// (issuer id), sub (subject id), jti (credential id), nbf (validFrom) and,
// when the achievement expires, exp (validUntil). Input that breaks a rule,
// or a document that fails the formal schema, gives an error wrapping
// ErrInvalid; nothing is returned to sign then.
func (b *CredentialBuilder) Build(in CredentialInput) (document, payload []byte, err error) {
	if err := checkInput(in); err != nil {
		return nil, nil, err
	}

	doc, err := newCredentialDoc(in)
	if err != nil {
		return nil, nil, err
	}
	document, err = marshalJSON(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("build credential %s: %w", in.CredentialID, err)
	}
	if err := b.Validate(document); err != nil {
		return nil, nil, fmt.Errorf("build credential %s: %w", in.CredentialID, err)
	}

	payload, err = marshalJSON(newPayload(doc))
	if err != nil {
		return nil, nil, fmt.Errorf("build credential %s: %w", in.CredentialID, err)
	}
	return document, payload, nil
}

// IdentityHash returns the OB 3.0 IdentityHash of identifier: "sha256$" and
// the hex SHA-256 of the UTF-8 bytes of identifier followed by salt. The
// identifier is hashed as given; callers normalise it first.
func IdentityHash(identifier, salt string) string {
	sum := sha256.Sum256([]byte(identifier + salt))
	return "sha256$" + hex.EncodeToString(sum[:])
}

// NewSalt returns a random salt of 128 bits in hex, for one credential's
// hashed identifiers.
func NewSalt() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// normaliseEmail is the form of an email address that is hashed, so that a
// verifier who types the address in another case still matches.
func normaliseEmail(email string) string {
	return strings.ToLower(strings.TrimSpace(email))
}

// marshalJSON encodes v without escaping <, > and &, which are common in
// names and descriptions and need no escaping outside HTML.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkInput applies the rules the schema cannot express, with messages
// that name the record to fix.
func checkInput(in CredentialInput) error {
	switch {
	case in.URLs.Base == "":
		return Invalidf("base URL", "is empty; configure the public base URL of the server")
	case !strings.HasPrefix(in.IssuerID, "did:web:"):
		return Invalidf("issuer id", "%q is not a did:web; derive it from the base URL", in.IssuerID)
	case in.Profile == nil || strings.TrimSpace(in.Profile.Name) == "":
		return Invalidf("issuer profile", "has no name; set the institution's name in the issuer profile")
	case in.Achievement == nil:
		return Invalidf("achievement", "is missing")
	case in.Student == nil || in.Student.ID == "":
		return Invalidf("student", "is missing or has no id")
	case in.Activity == nil || in.Activity.ID == "":
		return Invalidf("activity", "is missing or has no id")
	case in.ValidFrom.IsZero():
		return Invalidf("validFrom", "is not set")
	case in.SessionsAttended < 0 || in.SessionsTotal < 0 || in.SessionsAttended > in.SessionsTotal:
		return Invalidf("sessions", "attended %d of %d is impossible; attended must be between 0 and the total", in.SessionsAttended, in.SessionsTotal)
	case in.Achievement.ValidForDays < 0:
		return Invalidf("validForDays", "achievement %s has %d; use 0 for no expiry or a positive number of days", in.Achievement.Code, in.Achievement.ValidForDays)
	case strings.TrimSpace(in.Student.Email) != "" && in.Salt == "":
		return Invalidf("salt", "is empty; pass NewSalt() so that the student's email is not hashed unsalted")
	case !in.Status.IsZero() && (in.Status.Index < 0 || in.Status.Index >= MinStatusListSize):
		return Invalidf("statusListIndex", "%d is outside the status list; use an index from 0 to %d", in.Status.Index, MinStatusListSize-1)
	}
	if _, err := uuid.Parse(in.CredentialID); err != nil {
		return Invalidf("credential id", "%q is not a UUID", in.CredentialID)
	}
	if err := checkAchievement(in.Achievement); err != nil {
		return err
	}
	return checkProfile(in.Profile)
}

func checkAchievement(a *Achievement) error {
	switch {
	case a.ID == "":
		return Invalidf("achievement", "%s has no id", a.Code)
	case strings.TrimSpace(a.Name) == "":
		return Invalidf("achievement name", "achievement %s has no name", a.Code)
	case strings.TrimSpace(a.Description) == "":
		return Invalidf("achievement description", "achievement %s has no description; OB 3.0 requires one", a.Code)
	case strings.TrimSpace(a.Criteria) == "" && a.CriteriaURL == "":
		return Invalidf("achievement criteria", "achievement %s has neither criteria text nor a criteria URL; add one", a.Code)
	case a.AchievementType != "" && !ValidAchievementType(a.AchievementType):
		return Invalidf("achievementType", "achievement %s has %q, which is not an OB 3.0 AchievementType; use a token such as Badge or CoCurricular, or ext: followed by letters, digits, '.', '_' or '-'", a.Code, a.AchievementType)
	}
	if a.CriteriaURL != "" {
		if err := checkURL("achievement criteria URL", a.CriteriaURL); err != nil {
			return err
		}
	}
	if len(a.Image.Data) > 0 {
		if _, err := imageExtension(a.Image.ContentType); err != nil {
			return Invalidf("achievement image", "achievement %s: %v", a.Code, err)
		}
	}
	return nil
}

func checkProfile(p *Profile) error {
	if p.URL != "" {
		if err := checkURL("issuer profile URL", p.URL); err != nil {
			return err
		}
	}
	if p.ImageURL != "" {
		if err := checkURL("issuer profile image URL", p.ImageURL); err != nil {
			return err
		}
	}
	return nil
}

func checkURL(field, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return Invalidf(field, "%q is not an absolute http or https URL", raw)
	}
	return nil
}

// imageExtension returns the file extension under which URLs serves an image
// of the given content type.
func imageExtension(contentType string) (string, error) {
	switch contentType {
	case "image/svg+xml":
		return "svg", nil
	case "image/png":
		return "png", nil
	}
	return "", fmt.Errorf("content type %q is not supported; use image/svg+xml or image/png", contentType)
}
