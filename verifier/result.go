package verifier

import (
	"encoding/json"
	"errors"
	"time"
)

// Verdict is the overall outcome of a verification.
type Verdict string

// Verdicts, from best to worst for the holder.
const (
	// Valid: every check passed.
	Valid Verdict = "valid"
	// ValidWithWarnings: nothing failed, but at least one check warns.
	ValidWithWarnings Verdict = "valid_with_warnings"
	// Invalid: a check failed; the credential must not be trusted.
	Invalid Verdict = "invalid"
	// Revoked: the issuer's status list marks the credential as revoked.
	Revoked Verdict = "revoked"
	// Expired: validUntil has passed.
	Expired Verdict = "expired"
	// NotYetValid: validFrom is still ahead.
	NotYetValid Verdict = "not_yet_valid"
	// Indeterminate: a required check could not be done, for example
	// because the issuer's key or DID document could not be fetched.
	Indeterminate Verdict = "indeterminate"
)

// Acceptable reports whether v is Valid or ValidWithWarnings.
func (v Verdict) Acceptable() bool {
	return v == Valid || v == ValidWithWarnings
}

// Outcome is the result of one check.
type Outcome string

// Outcomes of a check.
const (
	Pass Outcome = "pass"
	Fail Outcome = "fail"
	Warn Outcome = "warn"
	Skip Outcome = "skip"
)

// Names of the checks, in the order they appear in a Result.
const (
	CheckFormat           = "format"
	CheckSignature        = "signature"
	CheckIssuerKey        = "issuer_key"
	CheckClaims           = "jwt_claims"
	CheckContext          = "context"
	CheckType             = "type"
	CheckSchema           = "schema"
	CheckCredentialSchema = "credential_schema"
	CheckSubject          = "subject"
	CheckAchievementType  = "achievement_type"
	CheckValidity         = "validity"
	CheckStatus           = "status"
	CheckRecipient        = "recipient"
	// CheckEndorsement appears once for each embedded endorsement.
	CheckEndorsement = "endorsement"
)

// Check is the outcome of one verification step with a message in plain
// words for the person who reads the report.
type Check struct {
	Name    string  `json:"name"`
	Outcome Outcome `json:"outcome"`
	Message string  `json:"message"`
	// Code names the sentinel error of a failed, warned or skipped check,
	// e.g. "key_not_published"; empty when the check passed.
	Code string `json:"code,omitempty"`
	// Err wraps one of the package's sentinel errors when Outcome is not
	// Pass.
	Err error `json:"-"`

	// required is set on a skipped check whose absence leaves the verdict
	// open (Indeterminate).
	required bool
}

// IssuerInfo names the issuer as the credential states it.
type IssuerInfo struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// RecipientInfo names the recipient when the credential carries a name
// identifier that is not hashed.
type RecipientInfo struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// AchievementInfo names the achievement the credential awards.
type AchievementInfo struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Result is the report of one verification. Issuer, Recipient,
// Achievement and the dates are read from the credential as given and are
// trustworthy only when Verdict.Acceptable() is true.
type Result struct {
	Verdict Verdict `json:"verdict"`
	Summary string  `json:"summary"`
	Format  string  `json:"format,omitempty"` // "vc-jwt" or "json"
	// Baked is "png" or "svg" when the credential was read from an image,
	// and "pdf" when it was the credential.jwt attached to a PDF.
	Baked       string          `json:"baked,omitempty"`
	Checks      []Check         `json:"checks"`
	Issuer      IssuerInfo      `json:"issuer"`
	Recipient   *RecipientInfo  `json:"recipient,omitempty"`
	Achievement AchievementInfo `json:"achievement"`
	ValidFrom   *time.Time      `json:"validFrom,omitempty"`
	ValidUntil  *time.Time      `json:"validUntil,omitempty"`
	// Credential is the credential JSON: for VC-JWT the payload (VC Data
	// Model 2.0) or the "vc" claim (1.1).
	Credential json.RawMessage `json:"credential,omitempty"`
}

// Check returns the check named name, or nil.
func (r *Result) Check(name string) *Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

func (r *Result) pass(name, message string) {
	r.Checks = append(r.Checks, Check{Name: name, Outcome: Pass, Message: message})
}

func (r *Result) fail(name string, err error, message string) {
	r.add(name, Fail, err, message)
}

func (r *Result) warn(name string, err error, message string) {
	r.add(name, Warn, err, message)
}

// skip records a check that was not done and does not affect the verdict.
func (r *Result) skip(name string, err error, message string) {
	r.add(name, Skip, err, message)
}

// undetermined records a required check that could not be done, which
// makes the verdict Indeterminate unless another check fails.
func (r *Result) undetermined(name string, err error, message string) {
	r.add(name, Skip, err, message)
	r.Checks[len(r.Checks)-1].required = true
}

func (r *Result) add(name string, o Outcome, err error, message string) {
	r.Checks = append(r.Checks, Check{Name: name, Outcome: o, Message: message, Code: codeOf(err), Err: err})
}

// finish sets Verdict and Summary from the checks, and cuts messages
// longer than maxMessageRunes.
func (r *Result) finish() {
	r.Verdict = decide(r.Checks)
	r.Summary = summaries[r.Verdict]
	for i := range r.Checks {
		r.Checks[i].Message = cutRunes(r.Checks[i].Message, maxMessageRunes)
	}
}

// decide ranks the checks. Any failure makes the credential invalid,
// except the date and status failures, which have verdicts of their own.
// Next a required check that was not done leaves the verdict open. Then
// come revoked, expired and not yet valid, and last the warnings.
func decide(checks []Check) Verdict {
	var indeterminate, revoked, expired, notYet, warned bool
	for _, c := range checks {
		switch {
		case c.Outcome == Fail && errors.Is(c.Err, ErrRevoked):
			revoked = true
		case c.Outcome == Fail && errors.Is(c.Err, ErrExpired):
			expired = true
		case c.Outcome == Fail && errors.Is(c.Err, ErrNotYetValid):
			notYet = true
		case c.Outcome == Fail:
			return Invalid
		case c.Outcome == Skip && c.required:
			indeterminate = true
		case c.Outcome == Warn:
			warned = true
		}
	}

	switch {
	case indeterminate:
		return Indeterminate
	case revoked:
		return Revoked
	case expired:
		return Expired
	case notYet:
		return NotYetValid
	case warned:
		return ValidWithWarnings
	}
	return Valid
}

var summaries = map[Verdict]string{
	Valid:             "This badge is genuine: it was signed by its issuer and has not been changed since.",
	ValidWithWarnings: "This badge is genuine, but read the warnings below before relying on it.",
	Invalid:           "Do not trust this badge: at least one check failed.",
	Revoked:           "The issuer has revoked this badge.",
	Expired:           "This badge was genuine but has expired.",
	NotYetValid:       "This badge is not valid yet.",
	Indeterminate:     "This badge could not be fully checked; see the checks that were skipped.",
}
