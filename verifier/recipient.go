package verifier

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
)

// Recipient is who the caller expects a credential to name. Set Email, or
// Identifier for any other identifier (a DID, a URL, a student number);
// when both are set either may match.
type Recipient struct {
	Email      string
	Identifier string
}

func (p Recipient) empty() bool {
	return strings.TrimSpace(p.Email) == "" && strings.TrimSpace(p.Identifier) == ""
}

// String returns the values in the order they are tried.
func (p Recipient) String() string {
	var parts []string
	for _, s := range []string{p.Email, p.Identifier} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, " or ")
}

// checkRecipient compares the expected recipient with credentialSubject.id
// and with each IdentityObject, hashed or not. Email addresses compare
// without regard to case, and a hashed identifier is tried with the address
// as typed and in lower case, because issuers hash either form.
func checkRecipient(r *Result, c *credential, want Recipient) {
	if want.empty() {
		return
	}
	if matchesRecipient(c, want) {
		r.pass(CheckRecipient, fmt.Sprintf("The badge was issued to %s.", clip(want)))
		return
	}
	r.fail(CheckRecipient, ErrRecipientMismatch, fmt.Sprintf("This badge was not issued to %s: none of its recipient identifiers matches.", clip(want)))
}

func matchesRecipient(c *credential, want Recipient) bool {
	email := strings.TrimSpace(want.Email)
	ident := strings.TrimSpace(want.Identifier)

	if c.subjectID != "" {
		if ident != "" && c.subjectID == ident {
			return true
		}
		if email != "" && strings.EqualFold(c.subjectID, "mailto:"+email) {
			return true
		}
	}

	for _, obj := range c.identifiers() {
		isEmail := str(obj, "identityType") == "emailAddress"
		if email != "" && isEmail && identityMatches(obj, email, true) {
			return true
		}
		if ident != "" && identityMatches(obj, ident, isEmail) {
			return true
		}
	}
	return false
}

// identityMatches compares value with one IdentityObject. foldCase makes a
// plain comparison case-insensitive and tries the lower-case value when
// hashing.
func identityMatches(obj map[string]any, value string, foldCase bool) bool {
	stored := str(obj, "identityHash")
	if stored == "" {
		return false
	}
	if obj["hashed"] != true {
		if foldCase {
			return strings.EqualFold(stored, value)
		}
		return stored == value
	}

	candidates := []string{value}
	if lower := strings.ToLower(value); foldCase && lower != value {
		candidates = append(candidates, lower)
	}
	salt := str(obj, "salt")
	for _, v := range candidates {
		if hashMatches(stored, v+salt) {
			return true
		}
	}
	return false
}

// hashMatches compares an IdentityHash ("sha256$<hex>" or "md5$<hex>")
// with the hash of input; the hex digits compare without regard to case.
func hashMatches(identityHash, input string) bool {
	alg, digest, ok := strings.Cut(identityHash, "$")
	if !ok {
		return false
	}
	var sum []byte
	switch strings.ToLower(alg) {
	case "sha256":
		s := sha256.Sum256([]byte(input))
		sum = s[:]
	case "md5":
		s := md5.Sum([]byte(input))
		sum = s[:]
	default:
		return false
	}
	return strings.EqualFold(digest, hex.EncodeToString(sum))
}
