package verifier

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"maps"
	"net/url"
	"strings"
)

// Proof types and cryptosuites of embedded proofs.
const (
	proofDataIntegrity  = "DataIntegrityProof"
	proofEd25519Sig2020 = "Ed25519Signature2020"
	suiteEdDSARDFC2022  = "eddsa-rdfc-2022"
	suiteEdDSA2022      = "eddsa-2022" // draft name of eddsa-rdfc-2022, same algorithm
)

// maxProofs bounds the proofs of one document that are tried. A
// credential carries one proof, or a few in a proof set; each costs a key
// lookup and a signature check.
const maxProofs = 8

// acceptControllerDocument is the Accept header of controller documents.
const acceptControllerDocument = "application/did+json, application/ld+json;q=0.9, application/json;q=0.8"

// diOutcome is the result of checking the embedded proofs of a document.
type diOutcome struct {
	signature Check
	binding   Check
	// contextErr is set when the document's JSON-LD cannot be read; the
	// signature was then not checked.
	contextErr error
}

// verifyEmbeddedProofs checks the Data Integrity proofs of doc, whose
// issuer is issuerID. Any one valid proof with purpose assertionMethod
// suffices, and the first maxProofs proofs are tried. Proofs of unknown
// types or cryptosuites are skipped: next to a valid proof they turn the
// signature check into a warning, and alone they leave it undetermined. A
// DataIntegrityProof without a cryptosuite is malformed, and fails when
// no other proof could be checked.
func (v *Verifier) verifyEmbeddedProofs(ctx context.Context, doc map[string]any, issuerID string) diOutcome {
	o := v.tryProofs(ctx, doc, issuerID)
	if n := len(objects(doc["proof"])); n > maxProofs && o.contextErr == nil {
		o.signature.Message += fmt.Sprintf(" The credential has %d proofs; only the first %d were tried.", n, maxProofs)
		if o.signature.Outcome == Pass {
			o.signature.Outcome, o.signature.Err, o.signature.Code = Warn, ErrNotChecked, codeOf(ErrNotChecked)
		}
	}
	return o
}

// tryProofs checks the first maxProofs proofs of doc.
func (v *Verifier) tryProofs(ctx context.Context, doc map[string]any, issuerID string) diOutcome {
	proofs := objects(doc["proof"])
	if len(proofs) == 0 {
		return diOutcome{
			signature: Check{Name: CheckSignature, Outcome: Fail, Err: ErrSignature, Code: codeOf(ErrSignature), Message: "The credential carries no proof, so nothing shows who issued it or that it is unchanged."},
			binding:   skipped(CheckIssuerKey, ErrNotChecked, "No key was looked up because there is no proof."),
		}
	}

	if err := checkNoBlankNodeIDs(doc); err != nil {
		return contextFailure(err)
	}
	unsigned := maps.Clone(doc)
	delete(unsigned, "proof")
	if err := expandSafe(unsigned); err != nil {
		return contextFailure(err)
	}

	var docHash [32]byte
	hashed := false
	var unknown, malformed tally
	var last *diOutcome
	for _, p := range proofs[:min(len(proofs), maxProofs)] {
		switch {
		case str(p, "type") == proofDataIntegrity && str(p, "cryptosuite") == "":
			malformed.add(proofName(p))
			continue
		case !supportedProof(p):
			unknown.add(proofName(p))
			continue
		}
		if !hashed {
			canon, err := canonicalize(unsigned)
			if err != nil {
				return contextFailure(err)
			}
			docHash, hashed = sha256.Sum256([]byte(canon)), true
		}
		o := v.verifyProof(ctx, doc["@context"], p, issuerID, docHash)
		if o.contextErr != nil {
			return o
		}
		if o.signature.Outcome == Pass || o.signature.Outcome == Warn {
			return withSkipped(o, unknown, malformed)
		}
		last = &o
	}

	noProof := skipped(CheckIssuerKey, ErrNotChecked, "The issuer's key was not looked up because no proof could be checked.")
	switch {
	case last != nil:
		return *last
	case unknown.total() > 0:
		msg := fmt.Sprintf("The credential's proofs are of kinds this verifier does not check: %s. So the signature was not verified. Supported are DataIntegrityProof with the cryptosuite eddsa-rdfc-2022 or eddsa-2022, and Ed25519Signature2020.", unknown)
		if malformed.total() > 0 {
			msg += fmt.Sprintf(" Proofs that are malformed were skipped: %s.", malformed)
		}
		return diOutcome{
			signature: Check{Name: CheckSignature, Outcome: Skip, Err: ErrUnsupportedProof, Code: codeOf(ErrUnsupportedProof), required: true, Message: msg},
			binding:   noProof,
		}
	}
	return diOutcome{
		signature: Check{Name: CheckSignature, Outcome: Fail, Err: ErrMalformed, Code: codeOf(ErrMalformed),
			Message: fmt.Sprintf("The credential's proof cannot be checked: %s. VC Data Integrity 1.0 requires a DataIntegrityProof to name its cryptosuite, such as eddsa-rdfc-2022.", malformed)},
		binding: noProof,
	}
}

// withSkipped adds the proofs that were not checked to a verified
// signature check as a warning.
func withSkipped(o diOutcome, unknown, malformed tally) diOutcome {
	if unknown.total()+malformed.total() == 0 {
		return o
	}
	if unknown.total() > 0 {
		o.signature.Message += fmt.Sprintf(" Proofs of kinds this verifier does not check were skipped: %s.", unknown)
	}
	if malformed.total() > 0 {
		o.signature.Message += fmt.Sprintf(" Proofs that are malformed were skipped: %s.", malformed)
	}
	if o.signature.Outcome == Pass {
		o.signature.Outcome, o.signature.Err, o.signature.Code = Warn, ErrUnsupportedProof, codeOf(ErrUnsupportedProof)
	}
	return o
}

// tally counts descriptions, such as the kinds of proofs skipped, keeping
// the order in which each first appeared.
type tally struct {
	order  []string
	counts map[string]int
}

func (t *tally) add(description string) {
	if t.counts == nil {
		t.counts = map[string]int{}
	}
	if t.counts[description] == 0 {
		t.order = append(t.order, description)
	}
	t.counts[description]++
}

func (t tally) total() int {
	n := 0
	for _, c := range t.counts {
		n += c
	}
	return n
}

// String lists each description once, with its count when above one.
func (t tally) String() string {
	items := make([]string, 0, len(t.order))
	for _, d := range t.order {
		if n := t.counts[d]; n > 1 {
			d = fmt.Sprintf("%s (%d proofs)", d, n)
		}
		items = append(items, d)
	}
	return listItems(items, ", ")
}

// supportedProof reports whether p is a proof type and cryptosuite this
// package verifies.
func supportedProof(p map[string]any) bool {
	switch str(p, "type") {
	case proofDataIntegrity:
		suite := str(p, "cryptosuite")
		return suite == suiteEdDSARDFC2022 || suite == suiteEdDSA2022
	case proofEd25519Sig2020:
		return true
	}
	return false
}

// proofName describes a proof by its type and, for a DataIntegrityProof,
// its cryptosuite.
func proofName(p map[string]any) string {
	typ, suite := str(p, "type"), str(p, "cryptosuite")
	switch {
	case typ == "":
		return "a proof without a type"
	case typ == proofDataIntegrity && suite == "":
		return "DataIntegrityProof without a cryptosuite"
	case typ == proofDataIntegrity && !supportedProof(p):
		return fmt.Sprintf("DataIntegrityProof with the cryptosuite %q", clip(suite))
	case suite != "":
		return fmt.Sprintf("%s with the cryptosuite %q", clip(typ), clip(suite))
	}
	return clip(typ)
}

func skipped(name string, err error, message string) Check {
	return Check{Name: name, Outcome: Skip, Err: err, Code: codeOf(err), Message: message}
}

// contextFailure reports a document whose JSON-LD cannot be read. The
// signature is not blamed: the context check carries the error.
func contextFailure(err error) diOutcome {
	return diOutcome{
		contextErr: err,
		signature:  skipped(CheckSignature, ErrNotChecked, "The signature was not checked because the credential's JSON-LD contexts could not be read; see the context check."),
		binding:    skipped(CheckIssuerKey, ErrNotChecked, "The issuer's key was not looked up because the signature was not checked."),
	}
}

// verifyProof checks one supported proof against the hash of the
// canonical document without proofs.
func (v *Verifier) verifyProof(ctx context.Context, docContext any, p map[string]any, issuerID string, docHash [32]byte) diOutcome {
	if purpose := str(p, "proofPurpose"); purpose != "assertionMethod" {
		return proofFailure(ErrKeyNotAuthorized, fmt.Sprintf("The proof's purpose is %q; a credential must be signed for assertionMethod.", clip(purpose)))
	}
	sig, err := decodeProofValue(str(p, "proofValue"))
	if err != nil {
		return proofFailure(err, fmt.Sprintf("The proof's signature cannot be read: %v.", err))
	}

	config := maps.Clone(p)
	delete(config, "proofValue")
	if _, ok := config["@context"]; !ok || str(p, "type") == proofDataIntegrity {
		config["@context"] = docContext
	}
	if err := expandSafe(config); err != nil {
		return contextFailure(err)
	}
	canon, err := canonicalize(config)
	if err != nil {
		return contextFailure(err)
	}
	configHash := sha256.Sum256([]byte(canon))

	kr, err := v.resolveVerificationMethod(ctx, str(p, "verificationMethod"), issuerID)
	if err != nil {
		return diOutcome{
			signature: v.keyErrorCheck(err),
			binding:   skipped(CheckIssuerKey, ErrNotChecked, "The key could not be tied to the issuer because it was not obtained."),
		}
	}
	if len(kr.candidates) == 0 {
		return diOutcome{signature: skipped(CheckSignature, ErrKeyNotBound, "The signature was not checked because the key does not belong to the issuer."), binding: kr.binding}
	}

	data := append(configHash[:], docHash[:]...)
	for _, k := range kr.candidates {
		pub, ok := k.key.(ed25519.PublicKey)
		if !ok {
			return diOutcome{signature: Check{Name: CheckSignature, Outcome: Fail, Err: ErrInvalidKey, Code: codeOf(ErrInvalidKey), Message: fmt.Sprintf("The proof names a %s key, but %s proofs need an Ed25519 key.", keyKind(k.key), proofName(p))}, binding: kr.binding}
		}
		if ed25519.Verify(pub, data, sig) {
			return diOutcome{signature: verifiedCheck(p, signatureMessage(kr.origin, k.id)), binding: kr.binding}
		}
	}
	if unpinnedContext(docContext) != "" || unpinnedContext(config["@context"]) != "" {
		return diOutcome{signature: contextChangedCheck(), binding: kr.binding}
	}
	return diOutcome{
		signature: Check{Name: CheckSignature, Outcome: Fail, Err: ErrSignature, Code: codeOf(ErrSignature), Message: fmt.Sprintf("The Data Integrity proof does not match %s: the credential was changed after it was signed, or it was signed with another key.", kr.origin)},
		binding:   kr.binding,
	}
}

// contextChangedCheck is the signature check of a proof that does not
// verify over a credential that names an unpinned context. The verdict is
// left open (Indeterminate) rather than Invalid. The signer may have read
// other definitions at that URL, under which the same JSON canonicalizes
// to other N-Quads and the signature verifies. So the mismatch does not
// show that anyone changed the credential. It does not show that the
// credential is genuine either, and Indeterminate is not an acceptable
// verdict, so a forged credential gains nothing by naming such a context.
func contextChangedCheck() Check {
	return Check{Name: CheckSignature, Outcome: Skip, Err: ErrContextChanged, Code: codeOf(ErrContextChanged), required: true,
		Message: "The credential was signed against a version of the Open Badges context that has since changed, so its signature cannot be checked: it may be genuine, or it may have been altered. Ask the issuer to re-issue it with a versioned context such as context-3.0.3.json."}
}

// verifiedCheck is the signature check of a proof that verified. The
// suites that eddsa-rdfc-2022 replaced get a warning, because issuers
// should move to it.
func verifiedCheck(p map[string]any, message string) Check {
	switch {
	case str(p, "type") == proofEd25519Sig2020:
		return Check{Name: CheckSignature, Outcome: Warn, Err: ErrDeprecatedProof, Code: codeOf(ErrDeprecatedProof),
			Message: message + " The proof uses Ed25519Signature2020, an older suite that eddsa-rdfc-2022 replaced."}
	case str(p, "cryptosuite") == suiteEdDSA2022:
		return Check{Name: CheckSignature, Outcome: Warn, Err: ErrDeprecatedProof, Code: codeOf(ErrDeprecatedProof),
			Message: message + " The proof uses eddsa-2022, the deprecated draft name of eddsa-rdfc-2022."}
	}
	return Check{Name: CheckSignature, Outcome: Pass, Message: message + " The proof uses eddsa-rdfc-2022."}
}

func proofFailure(err error, message string) diOutcome {
	return diOutcome{
		signature: Check{Name: CheckSignature, Outcome: Fail, Err: err, Code: codeOf(err), Message: message},
		binding:   skipped(CheckIssuerKey, ErrNotChecked, "No key was looked up because the proof is malformed."),
	}
}

// keyErrorCheck turns a key resolution error into the signature check, as
// reportKeyError does for tokens.
func (v *Verifier) keyErrorCheck(err error) Check {
	var r Result
	v.reportKeyError(&r, err)
	return r.Checks[0]
}

// decodeProofValue decodes a multibase base58btc ('z') Ed25519 signature.
func decodeProofValue(s string) ([]byte, error) {
	if len(s) < 2 || s[0] != 'z' {
		return nil, fmt.Errorf("%w: proofValue %q is not multibase base58btc (it must start with \"z\")", ErrMalformed, clip(s))
	}
	if len(s) > 2*ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: proofValue has %d characters, more than an Ed25519 signature needs", ErrMalformed, len(s))
	}
	sig, err := decodeBase58(s[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: proofValue: %v", ErrMalformed, err)
	}
	if len(sig) != ed25519.SignatureSize {
		return nil, fmt.Errorf("%w: proofValue decodes to %d bytes, but an Ed25519 signature has %d", ErrSignature, len(sig), ed25519.SignatureSize)
	}
	return sig, nil
}

// resolveVerificationMethod finds the key a proof's verificationMethod
// names. A DID URL resolves like a JWS kid. An http(s) URL whose fragment
// is a Multikey under the issuer's own id is decoded without a fetch,
// because the issuer id controls that key by construction. Other http(s)
// URLs are fetched as a controller document, which must be the issuer's.
func (v *Verifier) resolveVerificationMethod(ctx context.Context, vm, issuerID string) (*keyResult, error) {
	switch {
	case vm == "":
		return nil, fmt.Errorf("%w: the proof has no verificationMethod", ErrNoKey)
	case strings.HasPrefix(vm, "did:"):
		return v.resolveDIDKey(ctx, vm, issuerID)
	case strings.HasPrefix(vm, "https://"), strings.HasPrefix(vm, "http://"):
		return v.resolveControllerKey(ctx, vm, issuerID)
	}
	return nil, fmt.Errorf("%w: verificationMethod %q is neither a DID URL nor an https URL", ErrKeyNotFound, clip(vm))
}

// resolveControllerKey resolves an http(s) verificationMethod.
func (v *Verifier) resolveControllerKey(ctx context.Context, vm, issuerID string) (*keyResult, error) {
	controller, fragment, _ := strings.Cut(vm, "#")
	if controller != issuerID {
		return &keyResult{binding: unbound(ErrKeyNotBound, fmt.Sprintf("The proof's key %s is not under the issuer's id %s, so it was not looked up.", clip(vm), clip(issuerID)))}, nil
	}

	if strings.HasPrefix(fragment, "z6Mk") {
		key, err := parseMultikey(fragment)
		if err != nil {
			return nil, err
		}
		return &keyResult{
			candidates: []*publicKey{{key: key, id: vm}},
			origin:     "the key named in the issuer's id",
			binding:    bound("The key is named under the issuer's own id " + clip(issuerID) + "."),
		}, nil
	}

	if _, err := url.Parse(controller); err != nil {
		return nil, fmt.Errorf("%w: verificationMethod %q is not a URL: %v", ErrKeyNotFound, clip(vm), err)
	}
	doc, err := v.fetch.get(ctx, controller, acceptControllerDocument, v.opts.CacheMaxAge)
	if err != nil {
		return nil, fmt.Errorf("fetch controller document %s: %w", clip(controller), err)
	}
	pd, err := doc.didDocument(controller)
	if err != nil {
		return nil, err
	}
	m := pd.method(vm)
	if m == nil {
		return nil, fmt.Errorf("%w: the controller document %s lists no key %s", ErrKeyNotFound, clip(controller), clip(vm))
	}
	if !pd.assertion[vm] {
		return nil, fmt.Errorf("%w: the controller document %s does not list %s under assertionMethod", ErrKeyNotAuthorized, clip(controller), clip(vm))
	}
	k, err := pd.publicKey(*m)
	if err != nil {
		return nil, err
	}
	return &keyResult{candidates: []*publicKey{k}, origin: "the issuer's published key", binding: bound("The key is listed for issuing in the issuer's controller document " + clip(controller) + ".")}, nil
}
