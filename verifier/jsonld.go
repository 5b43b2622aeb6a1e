package verifier

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"github.com/laurel-badges/laurel/schemas"
	"github.com/piprate/json-gold/ld"
)

// unknownContextError is returned by the document loader for a context URL
// that package schemas does not embed.
type unknownContextError struct{ url string }

func (e *unknownContextError) Error() string { return "unknown context " + e.url }

// contextLoader serves JSON-LD contexts from the embedded copies only and
// never fetches. A context that changed after a credential was signed
// would change the canonical form and break its signature silently. A
// fetch at verification time would also let the document steer the
// verifier's network traffic.
type contextLoader struct{}

// parsedContexts holds each embedded context decoded once. json-gold reads
// loaded documents without changing them, so one copy serves every call.
var parsedContexts sync.Map // URL → any

// LoadDocument implements ld.DocumentLoader.
func (contextLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	if doc, ok := parsedContexts.Load(u); ok {
		return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
	}

	data, ok := schemas.Context(u)
	if !ok {
		return nil, &unknownContextError{url: u}
	}
	doc, err := ld.DocumentFromReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("parse embedded context %s: %w", u, err)
	}
	parsedContexts.Store(u, doc)
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

// unpinnedContexts are the context URLs whose content changed while
// credentials were signed against them, so the embedded copy may differ
// from the one a signer read. The changelog of the Open Badges context
// (ob_v3p0/context.md in 1EdTech/openbadges-specification) records edits
// to the unversioned file, such as a new IRI for achievement in 3.0.1,
// which is why versioned files replaced it. 1EdTech's validator reads the
// second URL as an alias of the first.
var unpinnedContexts = []string{
	unversionedOBContext,
	"https://purl.imsglobal.org/spec/ob/v3p0/context/ob_v3p0.jsonld",
}

// unpinnedContext returns the first of unpinnedContexts that ctx, a
// @context value, names, or "".
func unpinnedContext(ctx any) string {
	switch t := ctx.(type) {
	case string:
		if slices.Contains(unpinnedContexts, t) {
			return t
		}
	case []any:
		for _, e := range t {
			if u := unpinnedContext(e); u != "" {
				return u
			}
		}
	}
	return ""
}

// ldOptions returns the JSON-LD 1.1 options every call uses: the embedded
// contexts only, and safe mode, so that a term no context defines is an
// error instead of being dropped unsigned.
func ldOptions() *ld.JsonLdOptions {
	opts := ld.NewJsonLdOptions("")
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.DocumentLoader = contextLoader{}
	opts.SafeMode = true
	return opts
}

// jwtRegisteredClaims are the JWT claims a VC-JWT payload carries next to
// the credential. The VC 2.0 context defines all but jti, so they are
// left out of the JSON-LD check of a payload.
var jwtRegisteredClaims = []string{"iss", "sub", "jti", "nbf", "exp", "iat", "aud"}

// expandSafe expands doc in safe mode. Errors wrap ErrContext and name the
// kind of JSON-LD problem found.
func expandSafe(doc map[string]any) error {
	_, err := ld.NewJsonLdProcessor().Expand(doc, ldOptions())
	if err == nil {
		return nil
	}

	var ldErr *ld.JsonLdError
	if !errors.As(err, &ldErr) {
		return contextError(err)
	}
	switch ldErr.Code {
	case ld.InvalidProperty:
		budget := maxTermSearch
		path := undefinedTerm(doc, doc["@context"], "", &budget)
		switch {
		case path == endorsementJwt, strings.HasSuffix(path, "."+endorsementJwt):
			return fmt.Errorf("%w: the property %q is part of the Open Badges 3.0 data model, but the published Open Badges contexts do not define it, so a Data Integrity proof would not cover it; put such endorsements in endorsement as EndorsementCredential objects, or issue the credential as a VC-JWT", ErrContext, clip(path))
		case path != "":
			return fmt.Errorf("%w: the property %q is not defined by any of the credential's contexts, so a Data Integrity proof would not cover it; remove it or add a context that defines it", ErrContext, clip(path))
		}
	case ld.ProtectedTermRedefinition:
		budget := maxTermSearch
		if entry, term := redefinedTerm(doc["@context"], &budget); entry > 0 {
			return protectedTermError(entry, term)
		}
	}
	return contextError(err)
}

// endorsementJwt is the member of credentials, achievements and profiles
// that holds endorsements as compact JWS strings. The OB 3.0 data model
// and JSON Schemas define it, but no published context-3.0.x does.
const endorsementJwt = "endorsementJwt"

// redefinedTerm finds the @context entry that redefines a protected term
// of an earlier entry, and the term when that entry is an inline context.
// entry counts from 1; it is 0 when no top-level entry is to blame, as for
// a redefinition inside a type-scoped context. The context list is
// processed for each growing prefix, then for the prefix with each member
// of the blamed entry alone.
func redefinedTerm(ctx any, budget *int) (entry int, term string) {
	list, ok := ctx.([]any)
	if !ok {
		return 0, ""
	}
	for i := 1; i < len(list); i++ {
		if !redefines(list[:i+1], budget) {
			continue
		}
		inline, ok := list[i].(map[string]any)
		if !ok {
			return i + 1, ""
		}
		for _, k := range slices.Sorted(maps.Keys(inline)) {
			if !strings.HasPrefix(k, "@") && redefines(append(slices.Clone(list[:i]), map[string]any{k: inline[k]}), budget) {
				return i + 1, k
			}
		}
		return i + 1, ""
	}
	return 0, ""
}

// redefines reports whether processing the context list ctx raises a
// protected term redefinition, spending one unit of budget; an exhausted
// budget reports false.
func redefines(ctx []any, budget *int) bool {
	if *budget <= 0 {
		return false
	}
	*budget--
	_, err := ld.NewJsonLdProcessor().Expand(map[string]any{"@context": ctx}, ldOptions())
	var ldErr *ld.JsonLdError
	return errors.As(err, &ldErr) && ldErr.Code == ld.ProtectedTermRedefinition
}

// protectedTermError reports a redefined protected term found by
// redefinedTerm.
func protectedTermError(entry int, term string) error {
	finding := fmt.Sprintf("@context entry %d redefines a protected term", entry)
	if term != "" {
		finding = fmt.Sprintf("@context entry %d redefines the protected term %q", entry, clip(term))
	}
	return fmt.Errorf("%w: %s of an earlier context, which JSON-LD 1.1 forbids (§4.1.11 Protected Term Definitions); remove the redefinition, because the earlier context already defines the term", ErrContext, finding)
}

// maxTermSearch bounds the expansions undefinedTerm runs to name the
// property that safe mode rejected.
const maxTermSearch = 200

// undefinedTerm returns the path of a property of obj that does not
// expand, such as "credentialSubject.achievement.colour", or "". It
// expands each member alone inside its enclosing objects, reduced to
// their id and type and the member leading down, because type-scoped and
// property-scoped contexts depend on them. It descends into the first
// member that fails.
func undefinedTerm(obj map[string]any, ctx any, prefix string, budget *int) string {
	return searchTerm(ctx, nil, obj, prefix, budget)
}

// enclosing is an object on the way down and the member followed.
type enclosing struct {
	obj map[string]any
	key string
}

func searchTerm(ctx any, chain []enclosing, obj map[string]any, prefix string, budget *int) string {
	for key, value := range obj {
		if isIdentity(key) || key == "@context" {
			continue
		}
		if *budget <= 0 {
			return ""
		}
		*budget--
		if expands(probeDocument(ctx, chain, obj, key)) {
			continue
		}

		path := prefix + key
		down := append(slices.Clone(chain), enclosing{obj, key})
		for _, child := range objects(value) {
			if deeper := searchTerm(ctx, down, child, path+".", budget); deeper != "" {
				return deeper
			}
		}
		return path
	}
	return ""
}

func isIdentity(key string) bool {
	return key == "id" || key == "type" || key == "@id" || key == "@type"
}

// probeDocument nests obj reduced to its identity and key inside the
// chain of enclosing objects, each reduced the same way.
func probeDocument(ctx any, chain []enclosing, obj map[string]any, key string) map[string]any {
	inner := identity(obj)
	inner[key] = obj[key]
	for i := len(chain) - 1; i >= 0; i-- {
		outer := identity(chain[i].obj)
		outer[chain[i].key] = inner
		inner = outer
	}
	inner["@context"] = ctx
	return inner
}

// identity returns the id and type members of obj, and a nested
// @context, which scopes the terms below it.
func identity(obj map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range obj {
		if isIdentity(k) || k == "@context" {
			out[k] = v
		}
	}
	return out
}

func expands(doc map[string]any) bool {
	_, err := ld.NewJsonLdProcessor().Expand(doc, ldOptions())
	return err == nil
}

// canonicalize returns the RDFC-1.0 (URDNA2015) canonical N-Quads of doc.
// Safe mode stays on, although json-gold v0.9.1 reports undefined terms
// only from Expand, which expandSafe runs first.
func canonicalize(doc map[string]any) (string, error) {
	opts := ldOptions()
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"

	out, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		return "", contextError(err)
	}
	s, ok := out.(string)
	if !ok {
		return "", fmt.Errorf("%w: canonicalization returned %T, not N-Quads", ErrContext, out)
	}
	return s, nil
}

// contextError turns a json-gold error into an ErrContext error with a
// message for the reader; unknown contexts also wrap ErrUnknownContext.
func contextError(err error) error {
	var unknown *unknownContextError
	if errors.As(err, &unknown) {
		return fmt.Errorf("%w: %w: the context %s is not one of the contexts this verifier knows, or its content changed, so the credential's terms cannot be read", ErrContext, ErrUnknownContext, clip(unknown.url))
	}
	var ldErr *ld.JsonLdError
	if !errors.As(err, &ldErr) {
		return fmt.Errorf("%w: %s", ErrContext, clip(err))
	}

	switch ldErr.Code {
	case ld.ProtectedTermRedefinition:
		return fmt.Errorf("%w: a context redefines a protected term of an earlier context, which JSON-LD 1.1 forbids (§4.1.11 Protected Term Definitions); remove the redefinition", ErrContext)
	case ld.InvalidProperty:
		return fmt.Errorf("%w: a property is not defined by any of the credential's contexts, so it would not be covered by a Data Integrity proof", ErrContext)
	}
	return fmt.Errorf("%w: %s: %s", ErrContext, ldErr.Code, clip(ldErr.Details))
}

// checkPayloadJSONLD expands the credential of a VC-JWT in safe mode,
// without the JWT registered claims and without endorsementJwt members,
// and returns the JSON-LD problem or nil. The signature of a token does
// not depend on JSON-LD, but a term no context defines still means the
// credential does not conform.
//
// endorsementJwt is left out because the fault is the context's, not the
// credential's. The OB 3.0 data model and JSON Schemas define the member
// on credentials, achievements and profiles, but context-3.0.3 omits it.
// 1EdTech's validator adds it to its own copy of that context. A token
// signs the member's bytes whatever JSON-LD makes of them, so a warning
// would only alarm the readers of genuine badges. A Data Integrity proof
// signs the JSON-LD data instead, so expandSafe still rejects the member
// there.
func checkPayloadJSONLD(doc map[string]any) error {
	trimmed := doc
	for _, claim := range jwtRegisteredClaims {
		if _, ok := doc[claim]; ok {
			trimmed = withoutClaims(doc)
			break
		}
	}
	if pruned, changed := withoutMember(trimmed, endorsementJwt); changed {
		trimmed = pruned.(map[string]any)
	}
	return expandSafe(trimmed)
}

// withoutMember returns v without the member name in any object at any
// depth, and whether there was one. Only the objects and arrays on the way
// to a removed member are copied, so v is not changed.
func withoutMember(v any, name string) (any, bool) {
	switch t := v.(type) {
	case map[string]any:
		var out map[string]any
		for k, e := range t {
			if k == name {
				if out == nil {
					out = maps.Clone(t)
				}
				delete(out, k)
				continue
			}
			if pruned, changed := withoutMember(e, name); changed {
				if out == nil {
					out = maps.Clone(t)
				}
				out[k] = pruned
			}
		}
		if out == nil {
			return t, false
		}
		return out, true
	case []any:
		var out []any
		for i, e := range t {
			if pruned, changed := withoutMember(e, name); changed {
				if out == nil {
					out = slices.Clone(t)
				}
				out[i] = pruned
			}
		}
		if out == nil {
			return t, false
		}
		return out, true
	}
	return v, false
}

// withoutClaims returns a copy of doc without the JWT registered claims.
func withoutClaims(doc map[string]any) map[string]any {
	out := make(map[string]any, len(doc))
	for k, val := range doc {
		if !slices.Contains(jwtRegisteredClaims, k) {
			out[k] = val
		}
	}
	return out
}

// checkNoBlankNodeIDs rejects a document that names blank nodes ("_:…")
// in a value or a member name. Without them a JSON document is a tree,
// which RDFC-1.0 canonicalizes quickly. With them a document can describe
// a clique of look-alike blank nodes, whose canonicalization takes time
// factorial in their number: json-gold v0.9.1, which has no work limit,
// needs about a second for seven such nodes (measured on the 2 vCPU
// development machine). Open Badges credentials never need them.
func checkNoBlankNodeIDs(v any) error {
	switch t := v.(type) {
	case string:
		if strings.HasPrefix(t, "_:") {
			return fmt.Errorf("%w: the value %q names a blank node; credentials with blank node identifiers are not accepted because canonicalizing them can take unbounded time", ErrContext, clip(t))
		}
	case map[string]any:
		for k, e := range t {
			if strings.HasPrefix(k, "_:") {
				return fmt.Errorf("%w: the member %q names a blank node; credentials with blank node identifiers are not accepted because canonicalizing them can take unbounded time", ErrContext, clip(k))
			}
			if err := checkNoBlankNodeIDs(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range t {
			if err := checkNoBlankNodeIDs(e); err != nil {
				return err
			}
		}
	}
	return nil
}
