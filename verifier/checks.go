package verifier

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// obContextPattern matches the Open Badges 3.0 context URL, versioned
// (context-3.0.3.json) or not (context.json), as the AchievementCredential
// schema's @context rule does.
var obContextPattern = regexp.MustCompile(`^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d+\.\d+)?\.json$`)

// unversionedOBContext is the OB 3.0 context URL whose content changed
// between releases, so signatures over it cannot be checked reliably.
const unversionedOBContext = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"

// checkContext checks the order of @context: the base context of the
// credential's data model first, then an OB 3.0 context. A JSON-LD problem
// found earlier (c.contextErr) is reported when the order is right.
func checkContext(r *Result, c *credential) {
	base := contextVCv2
	if c.version == 1 {
		base = contextVCv1
	}
	list, ok := c.doc["@context"].([]any)
	if !ok || len(list) < 2 {
		r.fail(CheckContext, ErrNonConforming, fmt.Sprintf("The credential's @context must be a list that starts with %s and then the Open Badges 3.0 context.", base))
		return
	}
	if list[0] != base {
		r.fail(CheckContext, ErrNonConforming, fmt.Sprintf("The credential's first @context is %s; it must be %s.", clip(list[0]), base))
		return
	}
	ob, _ := list[1].(string)
	switch {
	case !obContextPattern.MatchString(ob):
		r.fail(CheckContext, ErrNonConforming, fmt.Sprintf("The credential's second @context is %s; it must be the Open Badges 3.0 context, such as https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json.", clip(list[1])))
	case c.contextErr != nil:
		reportContextError(r, c.contextErr, c.proofUsesJSONLD)
	case ob == unversionedOBContext:
		r.warn(CheckContext, ErrNonConforming, "The credential uses the unversioned Open Badges context, whose definitions changed over time; issuers should name a versioned context such as context-3.0.3.json.")
	default:
		r.pass(CheckContext, "The credential names the required contexts in the required order.")
	}
}

// reportContextError reports a JSON-LD problem. When the proof signs the
// canonical JSON-LD (strict), an unknown context leaves the verdict open,
// because the terms cannot be read, and any other problem fails. A VC-JWT
// signature does not depend on JSON-LD, so there the problem is a warning.
func reportContextError(r *Result, err error, strict bool) {
	switch {
	case !strict:
		r.warn(CheckContext, err, fmt.Sprintf("The credential is not valid JSON-LD: %v. Its signature does not depend on JSON-LD, but other systems may read it differently.", err))
	case errors.Is(err, ErrUnknownContext):
		r.undetermined(CheckContext, err, fmt.Sprintf("The credential could not be read as JSON-LD: %v. Ask the issuer to use the published, versioned contexts.", err))
	default:
		r.fail(CheckContext, err, fmt.Sprintf("The credential's JSON-LD is not valid: %v.", err))
	}
}

// checkType requires VerifiableCredential and OpenBadgeCredential (or its
// alias AchievementCredential), given as a string or an array.
func checkType(r *Result, c *credential) {
	types, ok := stringList(c.doc["type"])
	switch {
	case !ok:
		r.fail(CheckType, ErrNonConforming, "The credential's type is missing or is not a string or a list of strings.")
	case !slices.Contains(types, "VerifiableCredential"):
		r.fail(CheckType, ErrNonConforming, fmt.Sprintf("The credential's type %s does not include VerifiableCredential.", clip(types)))
	case slices.Contains(types, "OpenBadgeCredential"), slices.Contains(types, "AchievementCredential"):
		r.pass(CheckType, "The credential is an Open Badges 3.0 OpenBadgeCredential.")
	case slices.Contains(types, "EndorsementCredential"):
		r.fail(CheckType, ErrNonConforming, "This is an endorsement, not a badge: only OpenBadgeCredential and AchievementCredential are verified.")
	default:
		r.fail(CheckType, ErrNonConforming, fmt.Sprintf("The credential's type %s includes neither OpenBadgeCredential nor AchievementCredential, so it is not an Open Badge.", clip(types)))
	}
}

// checkSchema validates the credential against the schema that fits it.
// The issuer's own credentials must match the formal schema exactly. Other
// VC Data Model 2.0 credentials get the permissive 2026 schema, and 1.1
// credentials the 1.1 branch of the schema for both models. Both of those
// accept a type given as one string.
func checkSchema(r *Result, c *credential, s *schemaSet, own bool) {
	sch, name := s.jsonld, "the Open Badges 3.0 JSON Schema"
	switch {
	case c.version == 1:
		sch, name = s.v1p1, "the Open Badges 3.0 JSON Schema for VC Data Model 1.1 credentials"
	case own:
		sch, name = s.formal, "the formal Open Badges 3.0 JSON Schema"
	}

	if findings := c.conformsTo(sch, own); findings != "" {
		r.fail(CheckSchema, ErrNonConforming, fmt.Sprintf("The credential does not follow %s: %s.", name, findings))
		return
	}
	r.pass(CheckSchema, fmt.Sprintf("The credential follows %s.", name))
}

// schemaValidatorType is the only credentialSchema type that OB 3.0
// verification applies.
const schemaValidatorType = "1EdTechJsonSchemaValidator2019"

// checkCredentialSchemas applies each credentialSchema entry whose type is
// 1EdTechJsonSchemaValidator2019 and whose schema is embedded. Other
// schemas are never fetched: entries naming them, or another type, are
// reported as warnings.
func checkCredentialSchemas(r *Result, c *credential, s *schemaSet, own bool) {
	entries := objects(c.doc["credentialSchema"])
	if len(entries) == 0 {
		r.skip(CheckCredentialSchema, nil, "The credential names no JSON Schema of its own.")
		return
	}

	var failed, skipped, passed []string
	for _, e := range entries {
		id, typ := str(e, "id"), str(e, "type")
		if typ != schemaValidatorType {
			skipped = append(skipped, fmt.Sprintf("%s was skipped because its type %q is not %s", clip(id), clip(typ), schemaValidatorType))
			continue
		}
		sch := s.byID(id, c.version)
		if sch == nil {
			skipped = append(skipped, fmt.Sprintf("%s was not checked because schemas are not downloaded", clip(id)))
			continue
		}
		if findings := c.conformsTo(sch, own); findings != "" {
			failed = append(failed, fmt.Sprintf("%s: %s", clip(id), findings))
			continue
		}
		passed = append(passed, clip(id))
	}

	switch {
	case len(failed) > 0:
		r.fail(CheckCredentialSchema, ErrNonConforming, "The credential does not follow the schema it names: "+listItems(failed, "; ")+".")
	case len(skipped) > 0:
		r.warn(CheckCredentialSchema, ErrNotChecked, "Not every schema the credential names was applied: "+listItems(skipped, "; ")+".")
	default:
		r.pass(CheckCredentialSchema, "The credential follows the schema it names: "+listItems(passed, ", ")+".")
	}
}

// objects returns v as a list of objects when it is one object or an
// array; non-object entries are dropped.
func objects(v any) []map[string]any {
	switch t := v.(type) {
	case map[string]any:
		return []map[string]any{t}
	case []any:
		var out []map[string]any
		for _, e := range t {
			if o, ok := e.(map[string]any); ok {
				out = append(out, o)
			}
		}
		return out
	}
	return nil
}

// checkSubject requires credentialSubject to be one object with an id or
// at least one identifier.
func checkSubject(r *Result, c *credential) {
	switch {
	case c.subject == nil:
		r.fail(CheckSubject, ErrNonConforming, "The credential's credentialSubject is missing or is not a single object.")
	case c.subjectID != "":
		r.pass(CheckSubject, fmt.Sprintf("The badge names its recipient as %s.", clip(c.subjectID)))
	case len(c.identifiers()) > 0:
		r.pass(CheckSubject, "The badge identifies its recipient by an identifier.")
	default:
		r.fail(CheckSubject, ErrNonConforming, "The badge names no recipient: credentialSubject has neither an id nor an identifier.")
	}
}

// achievementTypes is the AchievementType enumeration of OB 3.0.
var achievementTypes = []string{
	"Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree", "Award",
	"Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification", "CommunityService",
	"Competency", "Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork",
	"GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram", "License", "Membership",
	"ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate", "MasterDegree",
	"MicroCredential", "ResearchDoctorate", "SecondarySchoolDiploma",
}

// extTypePattern is the extension naming rule of AchievementType,
// anchored: the schema's own pattern is not, so it accepts "Bootcamp ext:x".
var extTypePattern = regexp.MustCompile(`^ext:[A-Za-z0-9._-]+$`)

// checkAchievementType requires each achievementType to be an enumeration
// token or an ext: extension.
func checkAchievementType(r *Result, c *credential) {
	a := c.achievement()
	if a == nil || a["achievementType"] == nil {
		r.skip(CheckAchievementType, nil, "The achievement states no achievementType.")
		return
	}
	values, ok := stringList(a["achievementType"])
	if !ok {
		r.fail(CheckAchievementType, ErrNonConforming, "The achievement's achievementType is not a string.")
		return
	}
	for _, t := range values {
		if !slices.Contains(achievementTypes, t) && !extTypePattern.MatchString(t) {
			r.fail(CheckAchievementType, ErrNonConforming, fmt.Sprintf("The achievementType %q is not an Open Badges type: use a token such as Badge or MicroCredential, or an extension such as ext:Bootcamp.", clip(t)))
			return
		}
	}
	r.pass(CheckAchievementType, fmt.Sprintf("The achievement type %s is an Open Badges type.", clip(strings.Join(values, ", "))))
}

// checkValidity compares the validity period with now, allowing skew in
// both directions for clocks that differ. expiry, when not zero, is a JWT
// exp that applies when the credential states no end of validity.
func checkValidity(r *Result, c *credential, now time.Time, skew time.Duration, expiry time.Time) {
	fromName, untilName := c.dateNames()
	from, until := c.date(fromName), c.date(untilName)

	switch {
	case !from.present:
		r.fail(CheckValidity, ErrNonConforming, fmt.Sprintf("The credential has no %s, so it is not known from when it is valid.", fromName))
		return
	case from.err != nil:
		r.fail(CheckValidity, ErrNonConforming, fmt.Sprintf("The credential's %s: %v.", fromName, from.err))
		return
	case until.err != nil:
		r.fail(CheckValidity, ErrNonConforming, fmt.Sprintf("The credential's %s: %v.", untilName, until.err))
		return
	}
	end := until.t
	if !until.present {
		end = expiry
	}

	var note string
	if from.noZone || until.noZone {
		note = " Dates without a time zone were read as UTC."
	}
	switch {
	case from.t.After(now.Add(skew)):
		r.fail(CheckValidity, ErrNotYetValid, fmt.Sprintf("This badge is not valid yet: it becomes valid on %s.%s", formatDate(from.t), note))
	case !end.IsZero() && end.Before(now.Add(-skew)):
		r.fail(CheckValidity, ErrExpired, fmt.Sprintf("This badge expired on %s.%s", formatDate(end), note))
	case end.IsZero():
		r.pass(CheckValidity, fmt.Sprintf("Valid since %s, with no expiry date.%s", formatDate(from.t), note))
	default:
		r.pass(CheckValidity, fmt.Sprintf("Valid since %s until %s.%s", formatDate(from.t), formatDate(end), note))
	}
}
