package keys

import (
	"fmt"
	"net/url"
	"strings"
)

// DIDWeb returns the did:web identifier of the issuer served at baseURL.
//
// Following the did:web method, the host comes first, a port is written as
// %3A<port>, and each path segment follows after a colon:
// https://b.example.org:8443/x/y gives did:web:b.example.org%3A8443:x:y. The
// DID of a base URL with a path resolves to <base>/did.json, one without a
// path to <base>/.well-known/did.json. did:web resolution always uses
// HTTPS, so an http base URL yields a DID that only local tools resolve.
func DIDWeb(baseURL string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", fmt.Errorf("base URL %q: %w", baseURL, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", fmt.Errorf("base URL %q: want an absolute http or https URL such as https://badges.example.edu", baseURL)
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Errorf("base URL %q: remove the user name, query or fragment", baseURL)
	}

	host := strings.ToLower(u.Hostname())
	if !isDIDHost(host) {
		return "", fmt.Errorf("base URL %q: host %q cannot be written in a did:web; use an ASCII DNS name (punycode for international names) or an IPv4 address", baseURL, u.Hostname())
	}

	did := "did:web:" + host
	if port := u.Port(); port != "" {
		did += "%3A" + port
	}

	segments, err := pathSegments(u)
	if err != nil {
		return "", fmt.Errorf("base URL %q: %w", baseURL, err)
	}
	for _, s := range segments {
		did += ":" + s
	}
	return did, nil
}

// pathSegments returns the escaped, non-empty segments of u's path. A
// trailing slash is ignored; an empty segment in the middle is an error.
func pathSegments(u *url.URL) ([]string, error) {
	p := strings.TrimSuffix(u.EscapedPath(), "/")
	p = strings.TrimPrefix(p, "/")
	if p == "" {
		return nil, nil
	}

	segments := strings.Split(p, "/")
	for _, s := range segments {
		if s == "" {
			return nil, fmt.Errorf("path %q has an empty segment; remove the doubled slash", u.Path)
		}
		if strings.Contains(s, ":") || s == "." || s == ".." {
			return nil, fmt.Errorf("path segment %q cannot be written in a did:web; rename it", s)
		}
	}
	return segments, nil
}

// isDIDHost reports whether host contains only characters that a did:web
// method-specific id allows unescaped (letters, digits, '.', '-', '_').
func isDIDHost(host string) bool {
	if host == "" {
		return false
	}
	for _, r := range host {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
		default:
			return false
		}
	}
	return true
}
