package verifier

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Accept headers of key documents.
const (
	acceptDIDDocument = "application/did+json, application/did+ld+json;q=0.9, application/json;q=0.8"
	acceptJWK         = "application/jwk+json, application/jwk-set+json;q=0.9, application/json;q=0.8"
)

// keyResult is the outcome of resolving the key that a JOSE header names.
type keyResult struct {
	// candidates are the keys to try, more than one only when the header
	// does not say which of the issuer's keys signed.
	candidates []*publicKey
	// origin names in words where the keys came from, for messages.
	origin string
	// embedded is set when the key is the header's jwk member.
	embedded bool
	// binding is the issuer_key check: whether the keys belong to the
	// issuer.
	binding Check
}

// bound returns a passing issuer_key check.
func bound(message string) Check {
	return Check{Name: CheckIssuerKey, Outcome: Pass, Message: message}
}

// unbound returns a failing issuer_key check.
func unbound(err error, message string) Check {
	return Check{Name: CheckIssuerKey, Outcome: Fail, Message: message, Code: codeOf(err), Err: err}
}

// resolveKey finds the public key that the JOSE header names and decides
// whether it belongs to issuerID. A kid that is a DID URL or an https URL
// takes precedence over a jwk member, as in the 1EdTech validator, and an
// opaque kid falls back to the jwk. An error means no key could be
// obtained. A result without candidates carries, in its binding, the
// reason the key was not looked up.
func (v *Verifier) resolveKey(ctx context.Context, h Header, issuerID string) (*keyResult, error) {
	var kr *keyResult
	var err error
	switch {
	case strings.HasPrefix(h.Kid, "did:"):
		kr, err = v.resolveDIDKey(ctx, h.Kid, issuerID)
	case strings.HasPrefix(h.Kid, "https://"), strings.HasPrefix(h.Kid, "http://"):
		kr, err = v.resolveURLKey(ctx, h.Kid, issuerID)
	case len(h.JWK) > 0:
		kr, err = v.embeddedKey(h.JWK, issuerID)
	case h.Kid != "":
		return nil, fmt.Errorf("%w: kid %q is neither a DID URL nor an https URL, and the header carries no jwk", ErrKeyNotFound, clip(h.Kid))
	default:
		return nil, fmt.Errorf("%w: the JOSE header has neither kid nor jwk", ErrNoKey)
	}
	if err != nil {
		return nil, err
	}

	if len(h.JWK) > 0 && len(kr.candidates) > 0 && !kr.embedded {
		if err := checkHeaderJWK(h.JWK, kr.candidates); err != nil {
			return nil, err
		}
	}
	return kr, filterByAlgorithm(kr, h.Alg)
}

// checkHeaderJWK rejects a jwk member that disagrees with the key the kid
// resolved to, so that the two cannot tell different stories.
func checkHeaderJWK(raw json.RawMessage, candidates []*publicKey) error {
	embedded, err := parseJWK(raw)
	if err != nil {
		return err
	}
	for _, k := range candidates {
		if sameKey(k.key, embedded.key) {
			return nil
		}
	}
	return fmt.Errorf("%w: the header's jwk is not the key its kid names", ErrKeyNotBound)
}

// filterByAlgorithm drops keys whose JWK "alg" names another algorithm.
func filterByAlgorithm(kr *keyResult, alg string) error {
	if len(kr.candidates) == 0 {
		return nil
	}
	var kept []*publicKey
	for _, k := range kr.candidates {
		if k.alg == "" || k.alg == alg {
			kept = append(kept, k)
		}
	}
	if len(kept) == 0 {
		return fmt.Errorf("%w: the key %s is for algorithm %s, but the token uses %s", ErrInvalidKey, clip(kr.candidates[0].id), clip(kr.candidates[0].alg), clip(alg))
	}
	kr.candidates = kept
	return nil
}

// resolveDIDKey resolves a kid that is a DID URL. The DID must be the
// issuer's before anything is fetched, so a token cannot make the verifier
// fetch from a host unrelated to its issuer. For did:web, a DID at the
// issuer's own host also qualifies when the method's controller is the
// issuer.
func (v *Verifier) resolveDIDKey(ctx context.Context, kid, issuerID string) (*keyResult, error) {
	d, err := parseDIDURL(kid)
	if err != nil {
		return nil, err
	}

	switch d.method {
	case "key", "jwk":
		return selfCertifyingKey(d, issuerID)
	case "web":
		if d.did != issuerID && !sameWebAuthority(d, issuerID) {
			return &keyResult{binding: unbound(ErrKeyNotBound, fmt.Sprintf("The badge was signed with a key of %s, not of its issuer %s, so the key was not looked up.", clip(d.did), clip(issuerID)))}, nil
		}
		return v.resolveDIDWebKey(ctx, d, issuerID)
	}
	return nil, fmt.Errorf("%w: %s keys cannot be resolved; supported are did:web, did:key and did:jwk", ErrUnsupportedDID, clip("did:"+d.method))
}

// selfCertifyingKey decodes did:key and did:jwk, whose DID is the key.
func selfCertifyingKey(d didURL, issuerID string) (*keyResult, error) {
	var k *publicKey
	var err error
	if d.method == "key" {
		k, err = didKeyPublicKey(d)
	} else {
		k, err = didJWKPublicKey(d)
	}
	if err != nil {
		return nil, err
	}

	kr := &keyResult{candidates: []*publicKey{k}, origin: "the key " + clip(d.did)}
	if d.did == issuerID {
		kr.binding = bound("The key is the issuer's own DID " + clip(d.did) + ".")
	} else {
		kr.binding = unbound(ErrKeyNotBound, fmt.Sprintf("The badge was signed with the key %s, which is not its issuer %s.", clip(d.did), clip(issuerID)))
	}
	return kr, nil
}

// resolveDIDWebKey fetches the DID document and selects the method the
// fragment names, which must be listed under assertionMethod. A kid
// without a fragment tries every assertionMethod key.
func (v *Verifier) resolveDIDWebKey(ctx context.Context, d didURL, issuerID string) (*keyResult, error) {
	docURL, err := didWebURL(d, v.webScheme())
	if err != nil {
		return nil, err
	}
	pd, methods, err := v.didWebMethods(ctx, docURL, d, v.fetch.get)
	if (errors.Is(err, ErrKeyNotPublished) || errors.Is(err, ErrKeyNotFound)) && v.fetch.isLocalURL(docURL) {
		// The server's own DID document may have gained a key, rotated
		// in by another process, since it was cached.
		pd, methods, err = v.didWebMethods(ctx, docURL, d, v.fetch.getFresh)
	}
	if err != nil {
		return nil, err
	}
	kr := &keyResult{origin: "the issuer's published key"}
	var decodeErr error
	for _, vm := range methods {
		if vm.Controller != "" && vm.Controller != d.did && vm.Controller != issuerID {
			return nil, fmt.Errorf("%w: the key %s is controlled by %s, not by the issuer %s", ErrKeyNotBound, clip(vm.ID), clip(vm.Controller), clip(issuerID))
		}
		k, err := pd.publicKey(vm)
		if err != nil {
			decodeErr = err
			continue
		}
		kr.candidates = append(kr.candidates, k)
	}
	if len(kr.candidates) == 0 {
		return nil, decodeErr
	}

	kr.binding = webBinding(d, issuerID, methods)
	if len(kr.candidates) > 1 {
		kr.binding.Outcome, kr.binding.Err, kr.binding.Code = Warn, ErrAmbiguousKey, codeOf(ErrAmbiguousKey)
		kr.binding.Message += fmt.Sprintf(" The token's kid %s does not say which of the issuer's %d keys signed it, so each was tried.", clip(d.did), len(kr.candidates))
	}
	return kr, nil
}

// didWebMethods fetches the DID document at docURL with get and selects
// the methods that d names.
func (v *Verifier) didWebMethods(ctx context.Context, docURL string, d didURL, get func(context.Context, string, string, time.Duration) (*document, error)) (*parsedDIDDocument, []verificationMethod, error) {
	doc, err := get(ctx, docURL, acceptDIDDocument, v.opts.CacheMaxAge)
	if err != nil {
		return nil, nil, fmt.Errorf("resolve %s: %w", clip(d.did), err)
	}
	pd, err := doc.didDocument(d.did)
	if err != nil {
		return nil, nil, err
	}
	methods, err := selectMethods(pd, d)
	return pd, methods, err
}

// selectMethods returns the method the DID URL's fragment names, or every
// assertionMethod when it has none.
func selectMethods(pd *parsedDIDDocument, d didURL) ([]verificationMethod, error) {
	if d.fragment == "" {
		methods := pd.assertionMethods()
		if len(methods) == 0 {
			return nil, fmt.Errorf("%w: the DID document of %s lists no key under assertionMethod", ErrKeyNotFound, clip(d.did))
		}
		return methods, nil
	}

	id := d.did + "#" + d.fragment
	vm := pd.method(id)
	switch {
	case vm == nil && len(pd.methods) > 0:
		return nil, fmt.Errorf("%w: the DID document of %s no longer lists the key %s, though it lists %d other key(s)", ErrKeyNotPublished, clip(d.did), clip(id), len(pd.methods))
	case vm == nil:
		return nil, fmt.Errorf("%w: the DID document of %s lists no keys", ErrKeyNotFound, clip(d.did))
	case !pd.assertion[id]:
		return nil, fmt.Errorf("%w: the DID document of %s lists the key %s, but not under assertionMethod, so it may not sign credentials", ErrKeyNotAuthorized, clip(d.did), clip(id))
	}
	return []verificationMethod{*vm}, nil
}

func webBinding(d didURL, issuerID string, methods []verificationMethod) Check {
	if d.did == issuerID {
		return bound(fmt.Sprintf("The key is listed for issuing in the issuer's DID document %s.", clip(d.did)))
	}
	for _, vm := range methods {
		if vm.Controller != issuerID {
			return unbound(ErrKeyNotBound, fmt.Sprintf("The key %s is published at the issuer's host but is not controlled by the issuer %s.", clip(vm.ID), clip(issuerID)))
		}
	}
	return bound(fmt.Sprintf("The key is published in %s at the issuer's host and controlled by the issuer.", clip(d.did)))
}

// sameWebAuthority reports whether a did:web DID lives at the host of the
// issuer id, itself an http(s) URL or a did:web.
func sameWebAuthority(d didURL, issuerID string) bool {
	authority := issuerAuthority(issuerID)
	return authority != "" && authority == trimDefaultPort(didWebAuthority(d))
}

// issuerAuthority returns host[:port] of an issuer id that is an http(s)
// URL or a did:web, or "".
func issuerAuthority(issuerID string) string {
	if strings.HasPrefix(issuerID, "did:web:") {
		d, err := parseDIDURL(issuerID)
		if err != nil {
			return ""
		}
		return trimDefaultPort(didWebAuthority(d))
	}
	u, err := url.Parse(issuerID)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return ""
	}
	return urlAuthority(u)
}

func trimDefaultPort(authority string) string {
	return strings.TrimSuffix(authority, ":443")
}

// resolveURLKey resolves a kid that is an http(s) URL of a JWK or JWK Set.
// Key provenance follows the OB 3.0 implementation guide: the key must be
// in the issuer's JWK Set at /.well-known/jwks.json of the issuer id's
// host. A kid on another host is not fetched at all.
func (v *Verifier) resolveURLKey(ctx context.Context, kid, issuerID string) (*keyResult, error) {
	ku, err := url.Parse(kid)
	if err != nil {
		return nil, fmt.Errorf("%w: kid %q is not a URL: %s", ErrKeyNotFound, clip(kid), clip(err))
	}
	authority := issuerAuthority(issuerID)
	if authority == "" {
		return &keyResult{binding: unbound(ErrKeyNotBound, fmt.Sprintf("The issuer id %s has no web address, so the key at %s cannot be tied to it.", clip(issuerID), clip(kid)))}, nil
	}
	if urlAuthority(ku) != authority {
		return &keyResult{binding: unbound(ErrKeyNotBound, fmt.Sprintf("The key is published at %s, which is not the issuer's host %s, so it was not looked up.", clip(ku.Host), clip(authority)))}, nil
	}

	doc, err := v.fetch.get(ctx, kid, acceptJWK, v.opts.CacheMaxAge)
	if err != nil {
		return nil, fmt.Errorf("fetch key %s: %w", clip(kid), err)
	}
	keys, err := selectJWK(doc.body, kid)
	if err != nil {
		return nil, err
	}

	kr := &keyResult{candidates: keys, origin: "the issuer's published key"}
	kr.binding = v.jwksBinding(ctx, keys, issuerID, authority)
	return kr, nil
}

// jwksBinding checks that one of keys is in the issuer's JWK Set.
func (v *Verifier) jwksBinding(ctx context.Context, keys []*publicKey, issuerID, authority string) Check {
	for _, k := range keys {
		if k.iss != "" && k.iss != issuerID {
			return unbound(ErrKeyNotBound, fmt.Sprintf("The key says it belongs to %s, not to the issuer %s.", clip(k.iss), clip(issuerID)))
		}
	}

	setURL := v.webScheme() + "://" + authority + "/.well-known/jwks.json"
	doc, err := v.fetch.get(ctx, setURL, acceptJWK, v.opts.CacheMaxAge)
	if err != nil {
		return Check{Name: CheckIssuerKey, Outcome: Skip, required: true, Err: err, Code: codeOf(err),
			Message: fmt.Sprintf("The issuer's key set could not be fetched, so it is not known whether the key is the issuer's: %v.%s", err, v.fetchAdvice(err))}
	}
	published, err := parseJWKSet(doc.body)
	if err != nil {
		return unbound(ErrKeyNotBound, fmt.Sprintf("The issuer's key set at %s is not a JWK Set: %v.", clip(setURL), err))
	}
	for _, k := range keys {
		for _, p := range published {
			if sameKey(k.key, p.key) {
				return bound(fmt.Sprintf("The key is in the issuer's key set at %s.", clip(setURL)))
			}
		}
	}
	return unbound(ErrKeyNotBound, fmt.Sprintf("The key is not in the issuer's key set at %s.", clip(setURL)))
}

// selectJWK reads a JWK, or a JWK Set from which it picks the keys whose
// kid is the whole kid URL or its fragment. A set without a match but with
// other keys means the key was withdrawn.
func selectJWK(body []byte, kid string) ([]*publicKey, error) {
	if err := checkJSONObject(body); err != nil {
		return nil, fmt.Errorf("%w: the document at %s is not a JWK or JWK Set: %v", ErrInvalidKey, clip(kid), err)
	}
	var probe struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &probe); err != nil || probe.Keys == nil {
		k, err := parseJWK(body)
		if err != nil {
			return nil, err
		}
		if k.id == "" {
			k.id = kid
		}
		return []*publicKey{k}, nil
	}

	_, fragment, _ := strings.Cut(kid, "#")
	var picked []*publicKey
	for _, raw := range probe.Keys {
		var meta struct {
			Kid string `json:"kid"`
		}
		if json.Unmarshal(raw, &meta) != nil {
			continue
		}
		if fragment != "" && meta.Kid != kid && meta.Kid != fragment {
			continue
		}
		k, err := parseJWK(raw)
		if err != nil {
			if fragment != "" {
				return nil, err
			}
			continue
		}
		picked = append(picked, k)
	}

	switch {
	case len(picked) > 0:
		return picked, nil
	case len(probe.Keys) > 0 && fragment != "":
		return nil, fmt.Errorf("%w: the key set no longer lists %s, though it lists %d other key(s)", ErrKeyNotPublished, clip(kid), len(probe.Keys))
	}
	return nil, fmt.Errorf("%w: the key set at %s has no usable key", ErrKeyNotFound, clip(kid))
}

// parseJWKSet reads every usable key of a JWK Set; keys of unsupported
// types are skipped.
func parseJWKSet(body []byte) ([]*publicKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := checkJSONObject(body); err != nil {
		return nil, err
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, errors.New(describeJSONError(err))
	}
	if set.Keys == nil {
		return nil, errors.New("no \"keys\" member")
	}
	var out []*publicKey
	for _, raw := range set.Keys {
		if k, err := parseJWK(raw); err == nil {
			out = append(out, k)
		}
	}
	return out, nil
}

// embeddedKey uses the jwk member of the header. Such a key proves only
// that the holder of its private key signed, so it counts as the issuer's
// only when the issuer id is that very key (did:jwk or did:key) or when
// policy trusts embedded keys.
func (v *Verifier) embeddedKey(raw json.RawMessage, issuerID string) (*keyResult, error) {
	k, err := parseJWK(raw)
	if err != nil {
		return nil, err
	}
	kr := &keyResult{candidates: []*publicKey{k}, origin: "the key carried inside the badge", embedded: true}

	switch {
	case issuerKeyEquals(issuerID, k):
		kr.binding = bound("The key carried inside the badge is the issuer's own DID " + clip(issuerID) + ".")
	case v.opts.TrustEmbeddedJWK:
		kr.binding = bound("The key is carried inside the badge; it is accepted because embedded keys are trusted by policy.")
	default:
		kr.binding = Check{Name: CheckIssuerKey, Outcome: Warn, Err: ErrKeyNotBound, Code: codeOf(ErrKeyNotBound),
			Message: "The key is carried inside the badge and is not bound to the issuer, so the signature does not prove who issued it."}
	}
	return kr, nil
}

// issuerKeyEquals reports whether issuerID is a did:key or did:jwk of k.
func issuerKeyEquals(issuerID string, k *publicKey) bool {
	d, err := parseDIDURL(issuerID)
	if err != nil || (d.method != "key" && d.method != "jwk") {
		return false
	}
	own, err := selfCertifyingKey(d, issuerID)
	return err == nil && sameKey(own.candidates[0].key, k.key)
}

// webScheme is the scheme used for did:web documents and issuer key sets:
// https, or http when the options allow plain HTTP for local testing.
func (v *Verifier) webScheme() string {
	if v.opts.AllowHTTP {
		return "http"
	}
	return "https"
}
