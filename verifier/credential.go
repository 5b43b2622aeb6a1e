package verifier

import (
	"fmt"
	"strings"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Base contexts of the two VC data models.
const (
	contextVCv2 = "https://www.w3.org/ns/credentials/v2"
	contextVCv1 = "https://www.w3.org/2018/credentials/v1"
)

// credential is a decoded credential with the members the checks read.
type credential struct {
	doc     map[string]any
	raw     []byte // JSON of doc as received
	version int    // VC Data Model major version: 1 or 2

	id         string
	issuerID   string
	issuerName string
	subject    map[string]any // nil when credentialSubject is not one object
	subjectID  string

	// contextErr is the JSON-LD problem found in safe-mode expansion; the
	// context check reports it.
	contextErr error
	// proofUsesJSONLD is set for Data Integrity proofs, which sign the
	// canonical JSON-LD, so a JSON-LD problem is fatal.
	proofUsesJSONLD bool
	// memo caches the findings per content; nil when not cached.
	memo *memoEntry
}

func newCredential(doc map[string]any, raw []byte, version int) *credential {
	c := &credential{doc: doc, raw: raw, version: version, id: str(doc, "id")}

	c.issuerID = idOf(doc["issuer"])
	if issuer, ok := doc["issuer"].(map[string]any); ok {
		c.issuerName = text(issuer["name"])
	}
	c.subject = object(doc, "credentialSubject")
	if c.subject != nil {
		c.subjectID = str(c.subject, "id")
	}
	return c
}

// conformsTo validates the credential against sch and returns the
// findings, or "". The issuer's own credentials must match the schema
// exactly; other credentials may give a type as one string.
func (c *credential) conformsTo(sch *jsonschema.Schema, own bool) string {
	if c.memo != nil {
		return c.memo.validated(sch, own, any(c.doc))
	}
	if own {
		return validate(sch, any(c.doc))
	}
	return validateCompacted(sch, any(c.doc))
}

// contextVersion returns the VC Data Model version that the first
// @context entry names, or 0.
func contextVersion(doc map[string]any) int {
	list, ok := doc["@context"].([]any)
	if !ok || len(list) == 0 {
		return 0
	}
	switch list[0] {
	case contextVCv2:
		return 2
	case contextVCv1:
		return 1
	}
	return 0
}

// dateNames returns the members that hold the start and end of validity
// in the credential's data model.
func (c *credential) dateNames() (from, until string) {
	if c.version == 1 {
		return "issuanceDate", "expirationDate"
	}
	return "validFrom", "validUntil"
}

// dateValue is a parsed date member.
type dateValue struct {
	name    string
	raw     string
	t       time.Time
	present bool
	noZone  bool // the value had no offset and was read as UTC
	err     error
}

func (c *credential) date(name string) dateValue {
	d := dateValue{name: name}
	v, ok := c.doc[name]
	if !ok {
		return d
	}
	d.present = true
	s, ok := v.(string)
	if !ok {
		d.err = fmt.Errorf("%s is not a string", name)
		return d
	}
	d.raw = s
	d.t, d.noZone, d.err = parseDateTime(s)
	return d
}

// noZoneLayout is an XML Schema dateTime without a time zone.
const noZoneLayout = "2006-01-02T15:04:05.999999999"

// parseDateTime reads an RFC 3339 date-time. A value without an offset
// does not conform to Open Badges (DateTimeZ) but is read as UTC, as VC
// Data Model 2.0 §5.8 requires, and reported with noZone set.
func parseDateTime(s string) (t time.Time, noZone bool, err error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, false, nil
	}
	if t, err := time.ParseInLocation(noZoneLayout, s, time.UTC); err == nil {
		return t, true, nil
	}
	return time.Time{}, false, fmt.Errorf("%q is not a date-time such as 2025-03-10T09:00:00Z", clip(s))
}

// formatDate writes t for a reader: "3 March 2025", with the UTC time of
// day added when it is not midnight.
func formatDate(t time.Time) string {
	t = t.UTC()
	if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
		return t.Format("2 January 2006")
	}
	return t.Format("2 January 2006 at 15:04 UTC")
}

// achievement returns credentialSubject.achievement when it is an object.
func (c *credential) achievement() map[string]any {
	if c.subject == nil {
		return nil
	}
	return object(c.subject, "achievement")
}

// identifiers returns the IdentityObjects of credentialSubject.identifier,
// which may be one object or an array.
func (c *credential) identifiers() []map[string]any {
	if c.subject == nil {
		return nil
	}
	switch v := c.subject["identifier"].(type) {
	case map[string]any:
		return []map[string]any{v}
	case []any:
		var out []map[string]any
		for _, e := range v {
			if o, ok := e.(map[string]any); ok {
				out = append(out, o)
			}
		}
		return out
	}
	return nil
}

// recipientName returns the first name identifier that is not hashed.
func (c *credential) recipientName() string {
	for _, ident := range c.identifiers() {
		if str(ident, "identityType") == "name" && ident["hashed"] == false {
			return strings.TrimSpace(str(ident, "identityHash"))
		}
	}
	return ""
}

// fillResult copies the credential's descriptive members into r.
func (c *credential) fillResult(r *Result) {
	r.Credential = c.raw
	r.Issuer = IssuerInfo{ID: c.issuerID, Name: c.issuerName}

	if a := c.achievement(); a != nil {
		r.Achievement = AchievementInfo{ID: str(a, "id"), Name: text(a["name"])}
	}
	if name := c.recipientName(); name != "" || c.subjectID != "" {
		r.Recipient = &RecipientInfo{ID: c.subjectID, Name: name}
	}

	fromName, untilName := c.dateNames()
	if d := c.date(fromName); d.err == nil && d.present {
		r.ValidFrom = &d.t
	}
	if d := c.date(untilName); d.err == nil && d.present {
		r.ValidUntil = &d.t
	}
}
