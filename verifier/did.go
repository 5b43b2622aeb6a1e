package verifier

import (
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
)

// didURL is a DID URL split into the DID and its fragment. Paths and
// queries are not supported in key ids.
type didURL struct {
	did      string // did:<method>:<method-specific id>
	method   string
	id       string // method-specific id
	fragment string // without '#'; empty when absent
}

// parseDIDURL splits s into DID and fragment and checks the DID syntax of
// DID Core 1.0 §3.1: a lower-case method name and a method-specific id of
// letters, digits, '.', '-', '_', ':' and %XX escapes. Errors wrap
// ErrInvalidDID.
func parseDIDURL(s string) (didURL, error) {
	did, fragment, _ := strings.Cut(s, "#")
	rest, ok := strings.CutPrefix(did, "did:")
	if !ok {
		return didURL{}, fmt.Errorf("%w: %q does not start with \"did:\"", ErrInvalidDID, clip(s))
	}
	if strings.ContainsAny(did, "/?") {
		return didURL{}, fmt.Errorf("%w: %q: DID URLs with a path or query are not supported as key ids", ErrInvalidDID, clip(s))
	}
	method, id, ok := strings.Cut(rest, ":")
	if !ok || method == "" || id == "" {
		return didURL{}, fmt.Errorf("%w: %q has no method or method-specific id", ErrInvalidDID, clip(s))
	}
	for _, r := range method {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			return didURL{}, fmt.Errorf("%w: method %q of %q must be lower-case letters and digits", ErrInvalidDID, clip(method), clip(s))
		}
	}
	if err := checkIDChars(id); err != nil {
		return didURL{}, fmt.Errorf("%w: %q: %v", ErrInvalidDID, clip(s), err)
	}
	return didURL{did: did, method: method, id: id, fragment: fragment}, nil
}

// checkIDChars checks the characters of a method-specific id.
func checkIDChars(id string) error {
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '.', c == '-', c == '_', c == ':':
		case c == '%':
			if i+2 >= len(id) || !isHex(id[i+1]) || !isHex(id[i+2]) {
				return fmt.Errorf("'%%' at offset %d is not followed by two hex digits", i)
			}
			i += 2
		default:
			return fmt.Errorf("character %q is not allowed in a DID", c)
		}
	}
	if strings.HasSuffix(id, ":") {
		return fmt.Errorf("the method-specific id ends with ':'")
	}
	return nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// didWebURL returns the URL of the DID document of a did:web DID, following
// the did:web method's Read operation: the first segment is the host, with
// a port written as %3A<port>; further segments, separated by ':', form the
// path of <path>/did.json, and a DID without them resolves to
// /.well-known/did.json. scheme is "https", or "http" for local testing.
// For example did:web:badges.example.org%3A8443:issuers:42 resolves to
// https://badges.example.org:8443/issuers/42/did.json.
func didWebURL(d didURL, scheme string) (string, error) {
	segments := strings.Split(d.id, ":")
	host, err := url.PathUnescape(segments[0])
	if err != nil {
		return "", fmt.Errorf("%w: host of %q: %v", ErrInvalidDID, clip(d.did), err)
	}
	if err := checkWebHost(host); err != nil {
		return "", fmt.Errorf("%w: %q: %v", ErrInvalidDID, clip(d.did), err)
	}

	path := "/.well-known"
	if len(segments) > 1 {
		path = ""
		for _, s := range segments[1:] {
			if s == "" || s == "." || s == ".." {
				return "", fmt.Errorf("%w: %q has an empty or dot path segment", ErrInvalidDID, clip(d.did))
			}
			path += "/" + s
		}
	}
	return scheme + "://" + strings.ToLower(host) + path + "/did.json", nil
}

// checkWebHost accepts a DNS name or IPv4 address with an optional port.
func checkWebHost(host string) error {
	name, port := host, ""
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		name, port = host[:i], host[i+1:]
		if port == "" || len(port) > 5 || strings.Trim(port, "0123456789") != "" {
			return fmt.Errorf("port %q is not a number", clip(port))
		}
	}
	if name == "" {
		return fmt.Errorf("the host is empty")
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return fmt.Errorf("host %q contains %q", clip(name), c)
		}
	}
	return nil
}

// didWebAuthority returns host[:port] of a did:web DID, lower-cased.
func didWebAuthority(d didURL) string {
	host, err := url.PathUnescape(strings.Split(d.id, ":")[0])
	if err != nil {
		return ""
	}
	return strings.ToLower(host)
}

// didDocument is the part of a DID document the verifier reads.
type didDocument struct {
	ID                 string            `json:"id"`
	VerificationMethod []json.RawMessage `json:"verificationMethod"`
	AssertionMethod    []json.RawMessage `json:"assertionMethod"`
}

// verificationMethod is one entry of verificationMethod or an object
// embedded in assertionMethod.
type verificationMethod struct {
	ID                 string          `json:"id"`
	Type               string          `json:"type"`
	Controller         string          `json:"controller"`
	PublicKeyJwk       json.RawMessage `json:"publicKeyJwk"`
	PublicKeyMultibase string          `json:"publicKeyMultibase"`
}

// parsedDIDDocument lists the methods of a document with absolute ids and
// which of them may sign credentials.
type parsedDIDDocument struct {
	id        string
	methods   []verificationMethod // every method, from both lists
	assertion map[string]bool      // absolute ids listed under assertionMethod
	keys      sync.Map             // method id → parsedKey, decoded once
}

// parsedKey is the decoded key material of a method, or why it failed.
type parsedKey struct {
	key *publicKey
	err error
}

// parsedDocument is a DID or controller document parsed for one id.
type parsedDocument struct {
	doc *parsedDIDDocument
	err error
}

// didDocument parses the document's body as the DID or controller
// document of id, once per cached document. Callers must not change the
// result.
func (d *document) didDocument(id string) (*parsedDIDDocument, error) {
	if v, ok := d.derived.Load("did " + id); ok {
		p := v.(parsedDocument)
		return p.doc, p.err
	}
	pd, err := parseDIDDocument(d.body, id)
	d.derived.Store("did "+id, parsedDocument{pd, err})
	return pd, err
}

// publicKey decodes the key of vm, a method of p, once. The returned key
// is shared and must not be changed.
func (p *parsedDIDDocument) publicKey(vm verificationMethod) (*publicKey, error) {
	if v, ok := p.keys.Load(vm.ID); ok {
		k := v.(parsedKey)
		return k.key, k.err
	}
	k, err := vm.publicKey()
	p.keys.Store(vm.ID, parsedKey{k, err})
	return k, err
}

// parseDIDDocument decodes a DID document and checks that its id is
// exactly did. Relative method ids ("#key-1") are made absolute. Errors
// wrap ErrDIDDocument.
func parseDIDDocument(data []byte, did string) (*parsedDIDDocument, error) {
	if err := checkJSONObject(data); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDIDDocument, err)
	}
	var doc didDocument
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %s", ErrDIDDocument, describeJSONError(err))
	}
	if doc.ID != did {
		return nil, fmt.Errorf("%w: the document served for %s has id %q; a DID document must carry exactly the DID it was resolved for", ErrDIDDocument, clip(did), clip(doc.ID))
	}

	p := &parsedDIDDocument{id: did, assertion: map[string]bool{}}
	for _, raw := range doc.VerificationMethod {
		var vm verificationMethod
		if err := json.Unmarshal(raw, &vm); err != nil {
			return nil, fmt.Errorf("%w: verificationMethod: %s", ErrDIDDocument, describeJSONError(err))
		}
		vm.ID = absoluteID(did, vm.ID)
		p.methods = append(p.methods, vm)
	}

	// assertionMethod holds references (strings) or embedded methods.
	for _, raw := range doc.AssertionMethod {
		var ref string
		if err := json.Unmarshal(raw, &ref); err == nil {
			p.assertion[absoluteID(did, ref)] = true
			continue
		}
		var vm verificationMethod
		if err := json.Unmarshal(raw, &vm); err != nil {
			return nil, fmt.Errorf("%w: assertionMethod: %s", ErrDIDDocument, describeJSONError(err))
		}
		vm.ID = absoluteID(did, vm.ID)
		p.methods = append(p.methods, vm)
		p.assertion[vm.ID] = true
	}
	return p, nil
}

// absoluteID resolves a method id relative to the document's DID.
func absoluteID(did, id string) string {
	if strings.HasPrefix(id, "#") {
		return did + id
	}
	return id
}

// method returns the method with the absolute id, or nil.
func (p *parsedDIDDocument) method(id string) *verificationMethod {
	for i := range p.methods {
		if p.methods[i].ID == id {
			return &p.methods[i]
		}
	}
	return nil
}

// assertionMethods returns the methods listed under assertionMethod.
func (p *parsedDIDDocument) assertionMethods() []verificationMethod {
	var out []verificationMethod
	seen := map[string]bool{}
	for _, vm := range p.methods {
		if p.assertion[vm.ID] && !seen[vm.ID] {
			seen[vm.ID] = true
			out = append(out, vm)
		}
	}
	return out
}

// publicKey decodes the key material of a verification method:
// publicKeyJwk, or else publicKeyMultibase.
func (vm *verificationMethod) publicKey() (*publicKey, error) {
	switch {
	case len(vm.PublicKeyJwk) > 0 && string(vm.PublicKeyJwk) != "null":
		k, err := parseJWK(vm.PublicKeyJwk)
		if err != nil {
			return nil, fmt.Errorf("verification method %s: %w", clip(vm.ID), err)
		}
		k.id = vm.ID
		return k, nil
	case vm.PublicKeyMultibase != "":
		key, err := parseMultikey(vm.PublicKeyMultibase)
		if err != nil {
			return nil, fmt.Errorf("verification method %s: %w", clip(vm.ID), err)
		}
		return &publicKey{key: key, id: vm.ID}, nil
	}
	return nil, fmt.Errorf("%w: verification method %s has neither publicKeyJwk nor publicKeyMultibase", ErrInvalidKey, clip(vm.ID))
}

// didKeyPublicKey decodes a did:key DID: its method-specific id is a
// Multikey value.
func didKeyPublicKey(d didURL) (*publicKey, error) {
	key, err := parseMultikey(d.id)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", clip(d.did), err)
	}
	if d.fragment != "" && d.fragment != d.id {
		return nil, fmt.Errorf("%w: the fragment of %s#%s must repeat the key", ErrInvalidDID, clip(d.did), clip(d.fragment))
	}
	return &publicKey{key: key, id: d.did + "#" + d.id}, nil
}

// didJWKPublicKey decodes a did:jwk DID: its method-specific id is the
// base64url JWK.
func didJWKPublicKey(d didURL) (*publicKey, error) {
	raw, err := decodeBase64URL(d.id)
	if err != nil {
		return nil, fmt.Errorf("%w: %s is not base64url without padding: %v", ErrInvalidDID, clip(d.did), err)
	}
	k, err := parseJWK(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", clip(d.did), err)
	}
	k.id = d.did + "#0"
	return k, nil
}

// urlAuthority returns host[:port] of an http(s) URL in lower case, with
// the scheme's default port removed.
func urlAuthority(u *url.URL) string {
	host, port := strings.ToLower(u.Hostname()), u.Port()
	if port == "" || (u.Scheme == "https" && port == "443") || (u.Scheme == "http" && port == "80") {
		return host
	}
	return net.JoinHostPort(host, port)
}
