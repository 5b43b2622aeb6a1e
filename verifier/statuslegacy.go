package verifier

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// statusList2021Format is the W3C CCG community draft Status List 2021,
// the predecessor of Bitstring Status List. Its entries and list
// credentials have the same members under other type names, and its
// encodedList is base64url of the GZIP of the bits with no multibase
// prefix. Its lists get the same 16 KB minimum as Bitstring Status List.
var statusList2021Format = &listFormat{
	credentialType: "StatusList2021Credential",
	name:           "Status List 2021",
	decode:         decodeStatusList2021,
}

// decodeStatusList2021 expands the encodedList of a StatusList2021
// credential: base64url, with or without padding, of the GZIP of the bits.
// A multibase "u" prefix, as Bitstring Status List writes it, or standard
// base64 is rejected rather than guessed, because the list's type names
// the format.
func decodeStatusList2021(encoded string) ([]byte, error) {
	if strings.HasPrefix(encoded, "u") {
		return nil, errors.New(`encodedList starts with the multibase prefix "u", which Status List 2021 does not use; a list with that prefix must be a BitstringStatusListCredential`)
	}
	compressed, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(encoded, "="))
	if err != nil {
		return nil, fmt.Errorf("encodedList is not base64url: %w", err)
	}
	return gunzipList(compressed)
}

// gunzipList decompresses a GZIP bitstring of at most maxStatusListBytes.
func gunzipList(compressed []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(compressed))
	if err != nil {
		return nil, fmt.Errorf("encodedList is not GZIP: %w", err)
	}
	bits, err := io.ReadAll(io.LimitReader(zr, maxStatusListBytes+1))
	if err != nil {
		return nil, fmt.Errorf("encodedList does not decompress: %w", err)
	}
	if len(bits) > maxStatusListBytes {
		return nil, fmt.Errorf("encodedList expands to more than %d bytes", maxStatusListBytes)
	}
	return bits, nil
}

// revocationListType is the status type of the 1EdTech Revocation List
// Status Method 1.0 (https://www.imsglobal.org/spec/vcrl/v1p0/, document
// version 1.2 of 5 April 2024), which the Open Badges 3.0 verification
// steps name as "1EdTechRevocationList" (ob_v3p0/verification.md of
// 1EdTech/openbadges-specification, step 4, "Check the status"). The
// format read here is the one that 1EdTech's own validator reads, in
// RevocationListProbe.java of 1EdTech/digital-credentials-public-validator.
// A GET of the entry's id returns a JSON object whose revokedCredentials
// lists objects with the id of a revoked credential. An entry whose
// revoked is true or absent revokes that credential.
// NOTE: only the header of the method's own text could be consulted, so
// the issuer member, which that validator ignores, is checked only when
// present.
const revocationListType = "1EdTechRevocationList"

// maxRevokedCredentials bounds the entries read from one revocation list.
// The fetch size limit bounds it too; this keeps the lookup set small when
// that limit is raised.
const maxRevokedCredentials = 100000

// revocationList is the part of a 1EdTech revocation list the lookup needs.
type revocationList struct {
	issuer  string          // "" when the list names none
	revoked map[string]bool // credential id → revoked
}

// checkRevocationList looks the credential's id up in the 1EdTech
// revocation list named by the entry. Such lists are plain JSON without a
// proof, so only the HTTPS connection to the server that the signed badge
// names vouches for their content. A list that names an issuer must name
// the badge's issuer.
func (v *Verifier) checkRevocationList(ctx context.Context, e map[string]any, c *credential) Check {
	listURL := str(e, "id")
	if listURL == "" {
		return statusCheck(Fail, ErrNonConforming, "The badge's 1EdTechRevocationList entry has no id, the URL of the revocation list.")
	}
	credentialID := str(c.doc, "id")
	if credentialID == "" {
		return statusUnknown(ErrNotChecked, fmt.Sprintf("Revocation status could not be checked because the badge has no id to look up in the revocation list at %s.", clip(listURL)))
	}

	doc, err := v.fetch.getFresh(ctx, listURL, "application/json", min(statusCacheMaxAge, v.opts.CacheMaxAge))
	if err != nil {
		return statusUnknown(err, fmt.Sprintf("Revocation status could not be checked because the issuer's revocation list could not be fetched: %v.%s", err, v.fetchAdvice(err)))
	}

	const cacheKey = "1EdTech revocation list"
	var list *revocationList
	if cached, ok := doc.derived.Load(cacheKey); ok {
		list = cached.(*revocationList)
	} else {
		if list, err = parseRevocationList(doc.body); err != nil {
			return statusCheck(Fail, ErrStatusVerification, fmt.Sprintf("The revocation list at %s cannot be used: %v.", clip(listURL), err))
		}
		doc.derived.Store(cacheKey, list)
	}

	if list.issuer != "" && list.issuer != c.issuerID {
		return statusCheck(Fail, ErrStatusVerification, fmt.Sprintf("The revocation list at %s belongs to %s, not to the badge's issuer %s.", clip(listURL), clip(list.issuer), clip(c.issuerID)))
	}
	if list.revoked[credentialID] {
		return statusCheck(Fail, ErrRevoked, fmt.Sprintf("The issuer has revoked this badge (listed in the revocation list at %s).", clip(listURL)))
	}
	return Check{Name: CheckStatus, Outcome: Pass, Message: fmt.Sprintf("The issuer's revocation list at %s does not list this badge as revoked.", clip(listURL))}
}

// parseRevocationList reads a 1EdTech revocation list: a JSON object with
// revokedCredentials and optionally issuer (a string or a profile with an
// id). An entry with "revoked": false does not revoke its credential.
func parseRevocationList(data []byte) (*revocationList, error) {
	data = bytes.TrimSpace(data)
	if detect(data) != kindJSON {
		return nil, errors.New("it is not a JSON object")
	}
	doc, err := decodeObject(data)
	if err != nil {
		return nil, fmt.Errorf("it is not a JSON object: %w", err)
	}

	list := &revocationList{issuer: str(doc, "issuer"), revoked: map[string]bool{}}
	if list.issuer == "" {
		list.issuer = str(object(doc, "issuer"), "id")
	}

	entries, ok := doc["revokedCredentials"].([]any)
	if !ok {
		return nil, errors.New("it has no revokedCredentials list")
	}
	if len(entries) > maxRevokedCredentials {
		return nil, fmt.Errorf("it lists %d credentials, more than the %d read", len(entries), maxRevokedCredentials)
	}
	for i, raw := range entries {
		entry, ok := raw.(map[string]any)
		id := str(entry, "id")
		if !ok || id == "" {
			return nil, fmt.Errorf("revokedCredentials[%d] is not an object with an id", i)
		}
		if revoked, set := entry["revoked"].(bool); set && !revoked {
			continue
		}
		list.revoked[id] = true
	}
	return list, nil
}
