package verifier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Limits of Bitstring Status List v1.0 (W3C Recommendation, §2.2 and §3.2).
const (
	// minStatusEntries is the minimum number of entries in a list, so that
	// one credential hides among many (minimumNumberOfEntries).
	minStatusEntries = 131072

	// maxStatusListBytes bounds a decompressed list, so that a small GZIP
	// bomb cannot exhaust memory: 16 MiB is 128 times the minimum list.
	maxStatusListBytes = 16 << 20

	// maxStatusSize bounds statusSize, the bits per entry.
	maxStatusSize = 64
)

// maxStatusEntries bounds the credentialStatus entries checked, each of
// which may fetch a list. Credentials carry one, or two for revocation and
// suspension.
const maxStatusEntries = 8

// statusCacheMaxAge caps how long a status list stays cached, whatever its
// Cache-Control max-age states, so that a revocation is seen within a
// minute. Keys and DID documents get the longer Options.CacheMaxAge.
const statusCacheMaxAge = time.Minute

// checkStatus checks every credentialStatus entry: a
// BitstringStatusListEntry or a StatusList2021Entry is looked up in its
// list, and a 1EdTechRevocationList is searched for the credential's id.
// Other status types are not checked, which leaves the verdict open.
func (v *Verifier) checkStatus(ctx context.Context, r *Result, c *credential) {
	entries := objects(c.doc["credentialStatus"])
	if c.doc["credentialStatus"] == nil {
		r.skip(CheckStatus, nil, "The issuer gave this badge no revocation status to check.")
		return
	}
	if len(entries) == 0 {
		r.fail(CheckStatus, ErrNonConforming, "The credential's credentialStatus is not an object.")
		return
	}
	if len(entries) > maxStatusEntries {
		r.undetermined(CheckStatus, ErrNotChecked, fmt.Sprintf("The badge has %d credentialStatus entries; this verifier checks at most %d, so it is not known whether the badge was revoked.", len(entries), maxStatusEntries))
		return
	}

	// Entries are checked in order and the first that does not pass decides.
	var passed []string
	for _, e := range entries {
		var check Check
		switch typ := str(e, "type"); typ {
		case "BitstringStatusListEntry":
			check = v.checkListEntry(ctx, e, c, bitstringFormat)
		case "StatusList2021Entry":
			check = v.checkListEntry(ctx, e, c, statusList2021Format)
		case revocationListType:
			check = v.checkRevocationList(ctx, e, c)
		default:
			r.undetermined(CheckStatus, ErrNotChecked, fmt.Sprintf("Revocation status is not checked for status type %q, so this badge may have been revoked.", clip(typ)))
			return
		}
		if check.Outcome != Pass {
			r.Checks = append(r.Checks, check)
			return
		}
		passed = append(passed, check.Message)
	}
	r.pass(CheckStatus, strings.Join(passed, " "))
}

// listFormat describes one kind of bitstring status list credential.
type listFormat struct {
	credentialType string // the type the list credential must have
	name           string // the specification's name, for messages
	decode         func(encoded string) ([]byte, error)
}

// bitstringFormat is the W3C Bitstring Status List v1.0 (Recommendation).
var bitstringFormat = &listFormat{
	credentialType: "BitstringStatusListCredential",
	name:           "Bitstring Status List",
	decode:         decodeStatusList,
}

// statusEntry is a parsed BitstringStatusListEntry.
type statusEntry struct {
	purpose  string
	index    int
	size     int
	listURL  string
	messages map[int]string // statusMessage by status value; nil when absent
}

// parseStatusEntry reads the members of a BitstringStatusListEntry.
// statusListIndex is a decimal string; a JSON number is accepted too,
// because 1EdTech's validator fixtures write one.
func parseStatusEntry(e map[string]any) (*statusEntry, error) {
	s := &statusEntry{purpose: str(e, "statusPurpose"), listURL: str(e, "statusListCredential"), size: 1}
	if s.purpose == "" || s.listURL == "" {
		return nil, errors.New("the entry has no statusPurpose or statusListCredential")
	}

	var err error
	switch idx := e["statusListIndex"].(type) {
	case string:
		s.index, err = parseIndex(idx)
	case json.Number:
		s.index, err = parseIndex(string(idx))
	default:
		err = errors.New("statusListIndex is missing")
	}
	if err != nil {
		return nil, err
	}

	if raw, ok := e["statusSize"]; ok {
		n, ok := raw.(json.Number)
		size, err := strconv.Atoi(string(n))
		if !ok || err != nil || size < 1 || size > maxStatusSize {
			return nil, fmt.Errorf("statusSize %s is not a number from 1 to %d", clip(raw), maxStatusSize)
		}
		s.size = size
	}
	if s.size > 1 {
		s.messages = statusMessages(e)
	}
	return s, nil
}

// parseIndex reads a non-negative decimal integer without sign or spaces.
func parseIndex(s string) (int, error) {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return 0, fmt.Errorf("statusListIndex %q is not a non-negative decimal integer", clip(s))
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > maxStatusListBytes*8 {
		return 0, fmt.Errorf("statusListIndex %q is out of range", clip(s))
	}
	return n, nil
}

// statusMessages reads statusMessage: entries {status: "0x…", message}.
func statusMessages(e map[string]any) map[int]string {
	out := map[int]string{}
	for _, m := range objects(e["statusMessage"]) {
		hex := strings.TrimPrefix(strings.ToLower(str(m, "status")), "0x")
		if n, err := strconv.ParseInt(hex, 16, 64); err == nil {
			out[int(n)] = str(m, "message")
		}
	}
	return out
}

// checkListEntry follows the validate algorithm of Bitstring Status List
// v1.0 §3.2, which Status List 2021 shares: fetch and verify the list
// credential, compare purposes, expand the list, check its length and the
// index, and read the status.
func (v *Verifier) checkListEntry(ctx context.Context, e map[string]any, c *credential, f *listFormat) Check {
	entry, err := parseStatusEntry(e)
	if err != nil {
		return statusCheck(Fail, ErrNonConforming, fmt.Sprintf("The badge's revocation entry cannot be read: %v.", err))
	}

	list, check := v.fetchStatusList(ctx, entry.listURL, c, f)
	if list == nil {
		return check
	}
	if !slices.Contains(list.purposes, entry.purpose) {
		return statusCheck(Fail, ErrStatusVerification, fmt.Sprintf("The status list at %s is for %s, but the badge's entry is for %s (STATUS_VERIFICATION_ERROR).", clip(entry.listURL), clip(strings.Join(list.purposes, " and ")), clip(entry.purpose)))
	}

	bits, err := list.bits()
	if err != nil {
		return statusCheck(Fail, ErrStatusVerification, fmt.Sprintf("The status list at %s cannot be decoded: %v (STATUS_VERIFICATION_ERROR).", clip(entry.listURL), err))
	}
	if entries := len(bits) * 8 / entry.size; entries < minStatusEntries {
		return statusCheck(Fail, ErrStatusListLength, fmt.Sprintf("The status list at %s has %d entries, fewer than the %d that %s requires (STATUS_LIST_LENGTH_ERROR).", clip(entry.listURL), entries, minStatusEntries, f.name))
	}
	position := entry.index * entry.size
	if position+entry.size > len(bits)*8 {
		return statusCheck(Fail, ErrStatusRange, fmt.Sprintf("The badge's entry %d lies beyond the end of the status list at %s (RANGE_ERROR).", entry.index, clip(entry.listURL)))
	}

	return statusOutcome(entry, readBits(bits, position, entry.size))
}

// statusOutcome turns the status value of an entry into a check.
func statusOutcome(entry *statusEntry, value uint64) Check {
	where := fmt.Sprintf("(entry %d of %s)", entry.index, clip(entry.listURL))
	switch {
	case value == 0 && (entry.purpose == "revocation" || entry.purpose == "suspension"):
		return Check{Name: CheckStatus, Outcome: Pass, Message: fmt.Sprintf("The issuer's status list shows that this badge has not been %s %s.", pastTense(entry.purpose), where)}
	case entry.purpose == "revocation":
		return statusCheck(Fail, ErrRevoked, fmt.Sprintf("The issuer has revoked this badge %s.", where))
	case entry.purpose == "suspension":
		return statusCheck(Fail, ErrSuspended, fmt.Sprintf("The issuer has suspended this badge %s; it may be reinstated later.", where))
	}

	message := entry.messages[int(value)]
	if message == "" {
		message = fmt.Sprintf("status 0x%x", value)
	}
	return Check{Name: CheckStatus, Outcome: Pass, Message: fmt.Sprintf("The issuer's %s status for this badge is: %s %s.", clip(entry.purpose), clip(message), where)}
}

func pastTense(purpose string) string {
	if purpose == "suspension" {
		return "suspended"
	}
	return "revoked"
}

func statusCheck(o Outcome, err error, message string) Check {
	return Check{Name: CheckStatus, Outcome: o, Err: err, Code: codeOf(err), Message: message}
}

// readBits returns size bits starting at position; index 0 is the most
// significant bit of byte 0 (Bitstring Status List v1.0 §3.3).
func readBits(bits []byte, position, size int) uint64 {
	var value uint64
	for i := position; i < position+size; i++ {
		value <<= 1
		if bits[i/8]&(0x80>>(i%8)) != 0 {
			value |= 1
		}
	}
	return value
}

// decodeStatusList expands an encodedList: the multibase prefix "u", then
// base64url without padding of the GZIP of the bits. Plain or padded
// base64 is rejected rather than guessed.
func decodeStatusList(encoded string) ([]byte, error) {
	text, ok := strings.CutPrefix(encoded, "u")
	if !ok {
		return nil, errors.New(`encodedList does not start with the multibase prefix "u" (base64url)`)
	}
	compressed, err := decodeBase64URL(text)
	if err != nil {
		return nil, fmt.Errorf("encodedList is not base64url without padding: %w", err)
	}
	return gunzipList(compressed)
}

// statusList is the part of a verified status list credential that the
// lookup needs.
type statusList struct {
	purposes []string
	encoded  string
	decode   func(string) ([]byte, error)

	decodeOnce sync.Once
	decoded    []byte
	decodeErr  error
}

// bits returns the decoded bitstring, decoding it once; callers must not
// change it.
func (l *statusList) bits() ([]byte, error) {
	l.decodeOnce.Do(func() { l.decoded, l.decodeErr = l.decode(l.encoded) })
	return l.decoded, l.decodeErr
}

// fetchStatusList fetches and verifies the status list credential at
// listURL. It returns nil and the status check to report when the list
// cannot be used.
func (v *Verifier) fetchStatusList(ctx context.Context, listURL string, c *credential, f *listFormat) (*statusList, Check) {
	doc, err := v.fetch.getFresh(ctx, listURL, acceptCredential, min(statusCacheMaxAge, v.opts.CacheMaxAge))
	if err != nil {
		return nil, statusUnknown(err, fmt.Sprintf("Revocation status could not be checked because the issuer's status list could not be fetched: %v (STATUS_RETRIEVAL_ERROR).%s", err, v.fetchAdvice(err)))
	}

	// A list that verified is kept with its document, for as long as the
	// fetch cache keeps the body (at most statusCacheMaxAge), so that
	// verifying many badges does not verify the same list each time.
	cacheKey := f.credentialType + " of " + c.issuerID
	if v, ok := doc.derived.Load(cacheKey); ok {
		return v.(*statusList), Check{}
	}
	list, check := v.readStatusList(ctx, doc, listURL, c, f)
	if list != nil {
		doc.derived.Store(cacheKey, list)
	}
	return list, check
}

// readStatusList verifies the status list credential in doc.
func (v *Verifier) readStatusList(ctx context.Context, doc *document, listURL string, c *credential, f *listFormat) (*statusList, Check) {
	data := bytes.TrimSpace(doc.body)
	switch {
	case len(data) == 0:
		return nil, statusCheck(Fail, ErrStatusVerification, fmt.Sprintf("The status list at %s is empty (STATUS_VERIFICATION_ERROR).", clip(listURL)))
	case detect(data) == kindJWS:
		return v.verifyStatusListJWT(ctx, string(data), listURL, c, f)
	case detect(data) == kindJSON:
		return v.verifyStatusListJSON(ctx, data, listURL, c, f)
	}
	return nil, statusCheck(Fail, ErrStatusVerification, fmt.Sprintf("The document at %s is not a status list credential (STATUS_VERIFICATION_ERROR).", clip(listURL)))
}

// statusUnknown returns a skipped status check that leaves the verdict
// open.
func statusUnknown(err error, message string) Check {
	c := statusCheck(Skip, err, message)
	c.required = true
	return c
}

// verifyStatusListJWT verifies a status list credential given as a VC-JWT
// with the same key resolution and signature checks as a badge. The list
// must have the type of f, come from the badge's own issuer and be within
// its validity period.
func (v *Verifier) verifyStatusListJWT(ctx context.Context, compact, listURL string, c *credential, f *listFormat) (*statusList, Check) {
	invalid := func(format string, args ...any) (*statusList, Check) {
		msg := fmt.Sprintf("The status list at %s cannot be trusted: %s (STATUS_VERIFICATION_ERROR).", clip(listURL), fmt.Sprintf(format, args...))
		return nil, statusCheck(Fail, ErrStatusVerification, msg)
	}

	jws, err := ParseJWS(compact)
	if err != nil {
		return invalid("%v", err)
	}
	payload, err := decodeObject(jws.Payload)
	if err != nil {
		return invalid("its payload is not a JSON object: %v", err)
	}
	lc, problem := credentialOfPayload(payload, jws.Payload)
	if problem != "" {
		return invalid("%s", strings.TrimSuffix(problem, "."))
	}

	if payload["iss"] != nil && payload["iss"] != lc.issuerID {
		return invalid("its iss claim %s differs from its issuer", clip(payload["iss"]))
	}
	return v.useStatusList(lc, listURL, c, f, func() (Check, bool) { return v.statusListProof(ctx, jws, lc, listURL) })
}

// verifyStatusListJSON verifies a status list credential in JSON with an
// embedded Data Integrity proof, like a badge.
func (v *Verifier) verifyStatusListJSON(ctx context.Context, data []byte, listURL string, c *credential, f *listFormat) (*statusList, Check) {
	doc, err := decodeObject(data)
	if err != nil {
		return nil, statusCheck(Fail, ErrStatusVerification, fmt.Sprintf("The status list at %s cannot be trusted: it is not a JSON object: %v (STATUS_VERIFICATION_ERROR).", clip(listURL), err))
	}
	version := contextVersion(doc)
	if version == 0 {
		version = 2
	}
	lc := newCredential(doc, data, version)

	return v.useStatusList(lc, listURL, c, f, func() (Check, bool) {
		o := v.verifyEmbeddedProofs(ctx, lc.doc, lc.issuerID)
		if o.contextErr != nil {
			return statusCheck(Fail, ErrStatusVerification, fmt.Sprintf("The status list at %s cannot be trusted: %v (STATUS_VERIFICATION_ERROR).", clip(listURL), o.contextErr)), false
		}
		return judgeListProof(&o.signature, &o.binding, listURL)
	})
}

// useStatusList checks a decoded status list credential: its type, that
// the badge's issuer issued it, its proof (by proof), its validity period
// and its subject. It returns the list, or nil and the check to report.
func (v *Verifier) useStatusList(lc *credential, listURL string, c *credential, f *listFormat, proof func() (Check, bool)) (*statusList, Check) {
	invalid := func(format string, args ...any) (*statusList, Check) {
		msg := fmt.Sprintf("The status list at %s cannot be trusted: %s (STATUS_VERIFICATION_ERROR).", clip(listURL), fmt.Sprintf(format, args...))
		return nil, statusCheck(Fail, ErrStatusVerification, msg)
	}

	types, _ := stringList(lc.doc["type"])
	switch {
	case !slices.Contains(types, f.credentialType):
		return invalid("it is not a %s", f.credentialType)
	case lc.issuerID != c.issuerID:
		// NOTE: lists of another issuer are rejected; no option trusts them.
		return invalid("it was issued by %s, not by the badge's issuer %s", clip(lc.issuerID), clip(c.issuerID))
	}

	if check, ok := proof(); !ok {
		return nil, check
	}
	if msg := v.statusListDates(lc); msg != "" {
		return invalid("%s", msg)
	}

	subject := objects(lc.doc["credentialSubject"])
	if len(subject) == 0 {
		return invalid("it has no credentialSubject")
	}
	purposes, _ := stringList(subject[0]["statusPurpose"])
	encoded := str(subject[0], "encodedList")
	if len(purposes) == 0 || encoded == "" {
		return invalid("its credentialSubject has no statusPurpose or encodedList")
	}
	return &statusList{purposes: purposes, encoded: encoded, decode: f.decode}, Check{}
}

// statusListProof checks the signature of a status list credential and
// that its key belongs to the issuer. ok is false when the list cannot be
// used, with the check to report.
func (v *Verifier) statusListProof(ctx context.Context, jws *JWS, lc *credential, listURL string) (check Check, ok bool) {
	scratch := &Result{}
	v.checkJWTProof(ctx, scratch, jws, lc)
	return judgeListProof(scratch.Check(CheckSignature), scratch.Check(CheckIssuerKey), listURL)
}

// judgeListProof turns the signature and issuer_key checks of a status
// list into the status check to report, or ok when the list can be used.
// A deprecated but valid proof suite is accepted.
func judgeListProof(sig, bind *Check, listURL string) (check Check, ok bool) {
	switch {
	case sig.required:
		return statusUnknown(sig.Err, fmt.Sprintf("Revocation status could not be checked because the signature of the status list at %s could not be checked: %s (STATUS_RETRIEVAL_ERROR).", clip(listURL), sig.Message)), false
	case sig.Outcome != Pass && !(sig.Outcome == Warn && errors.Is(sig.Err, ErrDeprecatedProof)):
		return statusCheck(Fail, ErrStatusVerification, fmt.Sprintf("The status list at %s cannot be trusted: %s (STATUS_VERIFICATION_ERROR)", clip(listURL), sig.Message)), false
	case bind.required:
		return statusUnknown(bind.Err, fmt.Sprintf("Revocation status could not be checked: %s (STATUS_RETRIEVAL_ERROR)", bind.Message)), false
	case bind.Outcome == Fail, bind.Outcome == Warn && errors.Is(bind.Err, ErrKeyNotBound):
		return statusCheck(Fail, ErrStatusVerification, fmt.Sprintf("The status list at %s cannot be trusted: %s (STATUS_VERIFICATION_ERROR)", clip(listURL), bind.Message)), false
	}
	return Check{}, true
}

// statusListDates returns why the list is outside its validity period,
// allowing the clock skew, or "".
func (v *Verifier) statusListDates(lc *credential) string {
	fromName, untilName := lc.dateNames()
	from, until := lc.date(fromName), lc.date(untilName)
	now, skew := v.opts.Now(), v.opts.ClockSkew
	switch {
	case from.err != nil:
		return from.err.Error()
	case until.err != nil:
		return until.err.Error()
	case from.present && from.t.After(now.Add(skew)):
		return "it is not valid until " + formatDate(from.t)
	case until.present && until.t.Before(now.Add(-skew)):
		return "it expired on " + formatDate(until.t)
	}
	return ""
}
