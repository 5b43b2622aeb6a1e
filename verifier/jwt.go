package verifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// acceptedTypes are the JOSE typ values of a credential token, compared
// without case and with an optional "application/" prefix (RFC 7515
// §4.1.9): JWT as OB 3.0 requires, and the VC-JOSE-COSE media types.
var acceptedTypes = []string{"jwt", "vc+jwt", "vc+ld+json+jwt"}

// verifyJWT verifies a VC-JWT: parse, header, key and signature, claims,
// then the checks on the credential itself.
func (v *Verifier) verifyJWT(ctx context.Context, r *Result, compact string, calls call) {
	jws, memo, err := v.parseJWS(compact)
	if err != nil {
		r.fail(CheckFormat, err, fmt.Sprintf("The input is not a well-formed compact JWS: %v.", err))
		return
	}
	payload, err := memo.decoded(jws.Payload)
	if err != nil {
		r.fail(CheckFormat, fmt.Errorf("%w: %v", ErrMalformed, err), fmt.Sprintf("The token's payload is not a JSON object: %v.", err))
		return
	}

	c, vcProblem := credentialOfPayload(payload, jws.Payload)
	c.memo = memo
	own := v.own[c.issuerID]
	lenient := !own && !v.opts.StrictClaims
	r.Format = "vc-jwt"
	c.fillResult(r)

	c.contextErr = memo.jsonld(c.doc)
	checkHeader(r, jws.Header, lenient)
	v.checkJWTProof(ctx, r, jws, c)
	expiry := checkClaims(r, payload, c, lenient, vcProblem)
	v.checkContent(ctx, r, c, own, expiry, calls)
}

// credentialOfPayload finds the credential in a JWT payload: the payload
// itself (VC Data Model 2.0), or the "vc" claim of a 1.1 token. A vc claim
// next to a 2.0 context is reported as a problem, because VC-JOSE-COSE
// forbids it and the two copies could disagree. The payload is then read
// as the credential.
func credentialOfPayload(payload map[string]any, raw []byte) (*credential, string) {
	claim, ok := payload["vc"]
	if !ok {
		return newCredential(payload, raw, 2), ""
	}
	vc, ok := claim.(map[string]any)
	if !ok {
		return newCredential(payload, raw, 2), "The token's vc claim is not a JSON object."
	}
	if contextVersion(payload) == 2 || contextVersion(vc) == 2 {
		return newCredential(payload, raw, 2), "The token has a vc claim although it uses VC Data Model 2.0, where the payload itself is the credential; a vc claim is not allowed there."
	}

	var members map[string]json.RawMessage
	vcRaw := raw
	if json.Unmarshal(raw, &members) == nil {
		vcRaw = members["vc"]
	}
	return newCredential(vc, vcRaw, 1), ""
}

// checkHeader reports the JOSE header as the format check. Members beyond
// alg, kid, typ, cty and jwk are not allowed by OB 3.0; they are a warning
// in lenient mode.
func checkHeader(r *Result, h Header, lenient bool) {
	typ := strings.TrimPrefix(strings.ToLower(h.Typ), "application/")
	switch {
	case len(h.Crit) > 0:
		r.fail(CheckFormat, ErrMalformed, fmt.Sprintf("The token marks the header members %s as critical, which this verifier does not understand.", clip(h.Crit)))
	case h.Typ != "" && !slices.Contains(acceptedTypes, typ):
		r.fail(CheckFormat, ErrMalformed, fmt.Sprintf("The token's typ %q is not a credential token type; expected JWT or vc+jwt.", clip(h.Typ)))
	case len(h.Others) > 0 && lenient:
		r.warn(CheckFormat, ErrMalformed, fmt.Sprintf("The token's header has the members %s, which Open Badges does not allow.", clip(h.Others)))
	case len(h.Others) > 0:
		r.fail(CheckFormat, ErrMalformed, fmt.Sprintf("The token's header has the members %s, which Open Badges does not allow.", clip(h.Others)))
	default:
		r.pass(CheckFormat, "The input is a VC-JWT: a signed token that carries the credential.")
	}
}

// checkJWTProof adds the signature and issuer_key checks.
func (v *Verifier) checkJWTProof(ctx context.Context, r *Result, jws *JWS, c *credential) {
	if err := checkAlgorithm(jws.Header.Alg); err != nil {
		r.fail(CheckSignature, err, fmt.Sprintf("The token's signature cannot be trusted: %v.", err))
		r.skip(CheckIssuerKey, ErrNotChecked, "No key was looked up because the algorithm is rejected.")
		return
	}

	kr, err := v.resolveKey(ctx, jws.Header, c.issuerID)
	if err != nil {
		v.reportKeyError(r, err)
		r.skip(CheckIssuerKey, ErrNotChecked, "The key could not be tied to the issuer because it was not obtained.")
		return
	}
	if len(kr.candidates) == 0 {
		r.skip(CheckSignature, ErrKeyNotBound, "The signature was not checked because the key does not belong to the issuer.")
		r.Checks = append(r.Checks, kr.binding)
		return
	}

	var lastErr error
	for _, k := range kr.candidates {
		lastErr = verifySignature(jws.Header.Alg, k.key, []byte(jws.SigningInput), jws.Signature)
		if lastErr == nil {
			r.pass(CheckSignature, signatureMessage(kr.origin, k.id))
			r.Checks = append(r.Checks, kr.binding)
			return
		}
	}
	r.fail(CheckSignature, lastErr, fmt.Sprintf("The signature does not match %s: the badge was changed after it was signed, or it was signed with another key.", kr.origin))
	r.Checks = append(r.Checks, kr.binding)
}

func signatureMessage(origin, keyID string) string {
	if keyID == "" {
		return fmt.Sprintf("The signature matches %s.", origin)
	}
	return fmt.Sprintf("The signature matches %s (%s).", origin, clip(keyID))
}

// reportKeyError adds the signature check for a key that could not be
// obtained: a key the issuer withdrew fails with its own message, a key
// that could not be fetched leaves the verdict open, anything else fails.
func (v *Verifier) reportKeyError(r *Result, err error) {
	switch {
	case errors.Is(err, ErrKeyNotPublished):
		r.fail(CheckSignature, err, fmt.Sprintf("The issuer no longer publishes the key that signed this badge, so the signature cannot be checked. The issuer may have withdrawn the key; ask the issuer whether the badge still stands. (%v)", err))
	case errors.Is(err, ErrFetch), errors.Is(err, ErrBlockedAddress), errors.Is(err, ErrBlockedURL),
		errors.Is(err, ErrTooLarge), errors.Is(err, ErrUnsupportedDID):
		r.undetermined(CheckSignature, err, fmt.Sprintf("The issuer's key could not be obtained, so the signature could not be checked: %v.%s", err, v.fetchAdvice(err)))
	default:
		r.fail(CheckSignature, err, fmt.Sprintf("The key that signed this badge cannot be used: %v.", err))
	}
}

// claimCheck collects the findings of the claim rules.
type claimCheck struct {
	lenient  bool
	failures []string
	warnings []string
}

// rule records a broken rule: a failure, or a warning when it is one of
// the rules that lenient mode relaxes.
func (cc *claimCheck) rule(relaxable bool, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if relaxable && cc.lenient {
		cc.warnings = append(cc.warnings, msg)
		return
	}
	cc.failures = append(cc.failures, msg)
}

// checkClaims compares the registered claims with the credential (OB 3.0
// §8.2.4.2): iss = issuer.id, sub = credentialSubject.id, jti = id,
// nbf = validFrom and exp = validUntil (issuanceDate and expirationDate for
// VC Data Model 1.1), dates compared in whole seconds. It returns the exp
// time when the credential itself states no end of validity.
func checkClaims(r *Result, payload map[string]any, c *credential, lenient bool, vcProblem string) time.Time {
	cc := &claimCheck{lenient: lenient}
	if vcProblem != "" {
		cc.failures = append(cc.failures, vcProblem)
	}

	compareString(cc, payload, "iss", c.issuerID, "issuer.id")
	compareString(cc, payload, "jti", c.id, "the credential id")
	checkSubjectClaim(cc, payload, c.subjectID)

	fromName, untilName := c.dateNames()
	compareDate(cc, payload, "nbf", c.date(fromName))
	expiry := compareDate(cc, payload, "exp", c.date(untilName))

	switch {
	case len(cc.failures) > 0:
		r.fail(CheckClaims, ErrClaims, "The token's claims do not match the credential: "+strings.Join(append(cc.failures, cc.warnings...), " ")+"")
	case len(cc.warnings) > 0:
		r.warn(CheckClaims, ErrClaims, "The token's claims do not follow every Open Badges rule: "+strings.Join(cc.warnings, " "))
	default:
		r.pass(CheckClaims, "The token's claims (issuer, subject, id and dates) match the credential.")
	}
	return expiry
}

func compareString(cc *claimCheck, payload map[string]any, claim, want, what string) {
	got, present := payload[claim]
	switch {
	case !present:
		cc.rule(false, "The %s claim is missing; it must be %s %q.", claim, what, clip(want))
	case got != want:
		cc.rule(false, "The %s claim %s differs from %s %q.", claim, clip(got), what, clip(want))
	}
}

// checkSubjectClaim compares sub with credentialSubject.id. Some issuers,
// 1EdTech's own samples among them, put the subject in aud instead.
func checkSubjectClaim(cc *claimCheck, payload map[string]any, subjectID string) {
	sub, present := payload["sub"]
	switch {
	case present && sub != subjectID:
		cc.rule(false, "The sub claim %s differs from credentialSubject.id %q.", clip(sub), clip(subjectID))
	case present, subjectID == "":
	case audienceContains(payload["aud"], subjectID):
		cc.rule(true, "The token names the subject in aud instead of sub.")
	default:
		cc.rule(false, "The sub claim is missing; it must be credentialSubject.id %q.", clip(subjectID))
	}
}

func audienceContains(aud any, id string) bool {
	list, ok := stringList(aud)
	return ok && slices.Contains(list, id)
}

// compareDate compares the NumericDate claim nbf or exp with the credential
// date d and returns the claim's time when d is absent.
func compareDate(cc *claimCheck, payload map[string]any, claim string, d dateValue) time.Time {
	raw, present := payload[claim]
	if !present {
		if claim == "nbf" || d.present {
			cc.rule(true, "The %s claim is missing; it must be %s.", claim, d.name)
		}
		return time.Time{}
	}
	seconds, ok := numericDate(raw)
	if !ok {
		cc.rule(false, "The %s claim %s is not a number of seconds.", claim, clip(raw))
		return time.Time{}
	}
	t := time.Unix(seconds, 0).UTC()

	switch {
	case !d.present && claim == "exp":
		cc.warnings = append(cc.warnings, fmt.Sprintf("The exp claim sets an expiry (%s) that the credential does not state in %s.", formatDate(t), d.name))
		return t
	case !d.present, d.err != nil:
		// The validity check reports a missing or unreadable date.
	case d.t.Unix() != seconds:
		cc.rule(false, "The %s claim (%s) differs from %s (%s).", claim, formatDate(t), d.name, formatDate(d.t))
	}
	return time.Time{}
}
