package verifier

import (
	"bytes"
	"context"
	"fmt"
	"sort"
	"strings"
	"time"
)

// inputKind is the kind of document an input appears to be.
type inputKind int

const (
	kindUnknown inputKind = iota
	kindJWS
	kindJSON
	kindHTML
	kindImage
	kindPDF
)

// detect classifies trimmed input by its first bytes: '{' is JSON, a run of
// base64url characters and dots is a compact JWS, markup with an html
// element is a web page, PNG or SVG is a baked image, and %PDF- starts a
// PDF. Empty input is unknown.
func detect(data []byte) inputKind {
	switch {
	case len(data) == 0:
		return kindUnknown
	case data[0] == '{':
		return kindJSON
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return kindImage
	case bytes.HasPrefix(data, pdfHeader):
		return kindPDF
	case data[0] == '<':
		head := bytes.ToLower(data[:min(len(data), 1024)])
		if bytes.Contains(head, []byte("<html")) || bytes.Contains(head, []byte("<!doctype html")) {
			return kindHTML
		}
		if bytes.Contains(head, []byte("<svg")) {
			return kindImage
		}
		return kindUnknown
	case looksLikeJWS(data):
		return kindJWS
	}
	return kindUnknown
}

// looksLikeJWS reports whether data holds only base64url characters and
// at least one dot.
func looksLikeJWS(data []byte) bool {
	dots := 0
	for _, c := range data {
		if !jwsAlphabet[c] {
			return false
		}
		if c == '.' {
			dots++
		}
	}
	return dots > 0
}

// jwsAlphabet marks the bytes of a compact JWS: base64url and the dot.
var jwsAlphabet = func() (table [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.") {
		table[c] = true
	}
	return table
}()

// verifyJSON verifies a credential given as JSON, with its embedded Data
// Integrity proofs.
func (v *Verifier) verifyJSON(ctx context.Context, r *Result, data []byte, calls call) {
	doc, err := decodeObject(data)
	if err != nil {
		r.fail(CheckFormat, fmt.Errorf("%w: %v", ErrMalformed, err), fmt.Sprintf("The input starts like JSON but cannot be read: %v.", err))
		return
	}
	if doc["@context"] == nil && doc["type"] == nil {
		r.fail(CheckFormat, ErrNotCredential, wrapperMessage(doc))
		return
	}

	version := contextVersion(doc)
	if version == 0 {
		version = 2
	}
	c := newCredential(doc, data, version)
	c.fillResult(r)
	r.Format = "json"
	r.pass(CheckFormat, "The input is a credential in JSON, which must carry its proof inside.")

	v.checkEmbeddedProof(ctx, r, c)
	v.checkContent(ctx, r, c, v.own[c.issuerID], time.Time{}, calls)
}

// reportUnsigned adds the signature and issuer_key checks of a credential
// in JSON without a proof member. Issuers that sign VC-JWTs serve such a
// copy for reading, and people paste it where the signed form belongs.
//
// The signature check is skipped as required, which makes the verdict
// Indeterminate rather than Invalid. Nothing shows that the copy was
// changed, so "do not trust this badge" would accuse a holder whose badge
// is most likely genuine. Nothing shows that it is genuine either, and
// Indeterminate is not an acceptable verdict, so an unsigned forgery gains
// nothing: it reads as "could not be checked" with the way to check it.
func reportUnsigned(r *Result, c *credential) {
	msg := "This is a readable copy of a credential without its signature, so it cannot be checked. Verify the credential's link or its signed form (.jwt) instead."
	if strings.HasPrefix(c.id, "https://") {
		msg += " The credential names its link as " + clip(c.id) + "."
	}
	r.undetermined(CheckSignature, ErrUnsigned, msg)
	r.skip(CheckIssuerKey, ErrNotChecked, "No key was looked up because the credential carries no proof.")
}

// unsignedCredential reports whether data is a credential in JSON without
// a proof member, and returns its id.
func unsignedCredential(data []byte) (id string, ok bool) {
	data = bytes.TrimSpace(data)
	if detect(data) != kindJSON {
		return "", false
	}
	doc, err := decodeObject(data)
	if err != nil || (doc["@context"] == nil && doc["type"] == nil) {
		return "", false
	}
	_, signed := doc["proof"]
	return str(doc, "id"), !signed
}

// wrapperMessage explains JSON that is not a credential, naming the member
// that holds a token when there is one.
func wrapperMessage(doc map[string]any) string {
	names := make([]string, 0, len(doc))
	for name := range doc {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if s, ok := doc[name].(string); ok && len(s) > 0 && looksLikeJWS([]byte(s)) && bytes.Count([]byte(s), []byte(".")) == 2 {
			return fmt.Sprintf("This is JSON that wraps a token in its %q member; expected a compact JWS or a credential. Verify the token itself.", clip(name))
		}
	}
	return "This JSON has neither @context nor type, so it is not a credential; expected a compact JWS or a credential."
}

// checkEmbeddedProof adds the signature and issuer_key checks of a JSON
// credential from its Data Integrity proofs.
func (v *Verifier) checkEmbeddedProof(ctx context.Context, r *Result, c *credential) {
	if _, ok := c.doc["proof"]; !ok {
		reportUnsigned(r, c)
		return
	}
	o := v.verifyEmbeddedProofs(ctx, c.doc, c.issuerID)
	c.contextErr, c.proofUsesJSONLD = o.contextErr, true
	r.Checks = append(r.Checks, o.signature, o.binding)
}
