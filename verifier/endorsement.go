package verifier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// maxEndorsements bounds the endorsements verified for one credential,
// because each may fetch a DID document, keys and a status list.
const maxEndorsements = 16

// endorsementRef is one embedded endorsement: a compact JWS or an
// EndorsementCredential object with an embedded proof.
type endorsementRef struct {
	where string // location for messages: "the badge", "the achievement" or "the issuer's profile"
	value any
}

// endorsements returns the endorsements embedded in the credential, the
// achievement and the issuer profile, in that order. OB 3.0 puts objects
// in endorsement and compact JWS strings in endorsementJwt; either form is
// read from either member.
func (c *credential) endorsements() []endorsementRef {
	var refs []endorsementRef
	add := func(where string, holder map[string]any) {
		for _, member := range []string{"endorsement", "endorsementJwt"} {
			switch value := holder[member].(type) {
			case nil:
			case []any:
				for _, e := range value {
					refs = append(refs, endorsementRef{where: where, value: e})
				}
			default:
				refs = append(refs, endorsementRef{where: where, value: value})
			}
		}
	}
	add("the badge", c.doc)
	add("the achievement", c.achievement())
	add("the issuer's profile", object(c.doc, "issuer"))
	return refs
}

// checkEndorsements verifies each embedded endorsement on its own and
// reports one endorsement check for each. An endorsement that does not
// verify is a warning, never a failure: it is a third party's statement
// about the badge, and the badge's verdict does not depend on it.
func (v *Verifier) checkEndorsements(ctx context.Context, r *Result, c *credential) {
	refs := c.endorsements()
	for i, ref := range refs {
		if i == maxEndorsements {
			r.warn(CheckEndorsement, ErrNotChecked, fmt.Sprintf("The badge carries %d endorsements; only the first %d were checked.", len(refs), maxEndorsements))
			return
		}
		r.Checks = append(r.Checks, v.checkEndorsement(ctx, ref))
	}
}

// checkEndorsement verifies one endorsement as its own credential:
// signature and key, JWT claims, contexts, type, dates and status.
func (v *Verifier) checkEndorsement(ctx context.Context, ref endorsementRef) Check {
	data, err := endorsementBytes(ref.value)
	if err != nil {
		return endorsementWarning(fmt.Sprintf("An endorsement in %s cannot be read: %v.", ref.where, err))
	}

	sub := &Result{}
	calls := call{endorsement: true}
	switch detect(data) {
	case kindJWS:
		v.verifyJWT(ctx, sub, string(data), calls)
	case kindJSON:
		v.verifyJSON(ctx, sub, data, calls)
	default:
		return endorsementWarning(fmt.Sprintf("An endorsement in %s is neither a compact JWS nor a credential in JSON.", ref.where))
	}
	sub.finish()

	endorser := sub.Issuer.Name
	if endorser == "" {
		endorser = sub.Issuer.ID
	}
	if endorser == "" {
		endorser = "an unnamed endorser"
	}
	if sub.Verdict.Acceptable() {
		return Check{Name: CheckEndorsement, Outcome: Pass, Message: fmt.Sprintf("The endorsement in %s by %s is genuine.", ref.where, clip(endorser))}
	}
	return endorsementWarning(fmt.Sprintf("The endorsement in %s by %s cannot be relied on (%s): %s", ref.where, clip(endorser), strings.ReplaceAll(string(sub.Verdict), "_", " "), firstProblem(sub)))
}

// endorsementBytes returns a compact JWS string as is and an object as
// JSON. Data Integrity proofs sign the JSON-LD data, not the bytes, so the
// object may be written again in another key order.
func endorsementBytes(value any) ([]byte, error) {
	switch t := value.(type) {
	case string:
		return []byte(strings.TrimSpace(t)), nil
	case map[string]any:
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(t); err != nil {
			return nil, err
		}
		return bytes.TrimSpace(buf.Bytes()), nil
	}
	return nil, errors.New("it is neither a string nor an object")
}

// firstProblem returns the message of the first check that failed, or else
// of the first that was required but skipped, or else of the first
// warning.
func firstProblem(r *Result) string {
	for _, want := range []func(Check) bool{
		func(c Check) bool { return c.Outcome == Fail },
		func(c Check) bool { return c.Outcome == Skip && c.required },
		func(c Check) bool { return c.Outcome == Warn },
	} {
		if i := slices.IndexFunc(r.Checks, want); i >= 0 {
			return r.Checks[i].Message
		}
	}
	return r.Summary
}

func endorsementWarning(message string) Check {
	return Check{Name: CheckEndorsement, Outcome: Warn, Err: ErrEndorsement, Code: codeOf(ErrEndorsement), Message: message}
}

// checkEndorsementType requires VerifiableCredential and
// EndorsementCredential.
func checkEndorsementType(r *Result, c *credential) {
	types, _ := stringList(c.doc["type"])
	if !slices.Contains(types, "VerifiableCredential") || !slices.Contains(types, "EndorsementCredential") {
		r.fail(CheckType, ErrNonConforming, fmt.Sprintf("The endorsement's type %s does not include both VerifiableCredential and EndorsementCredential.", clip(types)))
		return
	}
	r.pass(CheckType, "The credential is an Open Badges 3.0 EndorsementCredential.")
}
