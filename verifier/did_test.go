package verifier

import (
	"errors"
	"strings"
	"testing"
)

func TestDIDWebURL(t *testing.T) {
	tests := []struct {
		name    string
		did     string
		want    string
		wantErr string
	}{
		{"port", "did:web:localhost%3A8443", "https://localhost:8443/.well-known/did.json", ""},
		{"port and path", "did:web:badges.example.org%3A8443:issuers:42", "https://badges.example.org:8443/issuers/42/did.json", ""},
		{"deep path", "did:web:badges.example.org:api:v1:obi:v3:issuers:3f2a", "https://badges.example.org/api/v1/obi/v3/issuers/3f2a/did.json", ""},
		{"host only", "did:web:example.edu", "https://example.edu/.well-known/did.json", ""},
		{"lower-case port escape", "did:web:localhost%3a8443", "https://localhost:8443/.well-known/did.json", ""},
		{"upper-case host", "did:web:Badges.Example.ORG", "https://badges.example.org/.well-known/did.json", ""},
		{"ipv4", "did:web:127.0.0.1%3A9000", "https://127.0.0.1:9000/.well-known/did.json", ""},
		{"escaped path segment", "did:web:example.edu:a%20b", "https://example.edu/a%20b/did.json", ""},
		// The port written with a bare colon is a path segment.
		{"wrong port form", "did:web:localhost:8443", "https://localhost/8443/did.json", ""},
		{"empty segment", "did:web:example.edu::x", "", "empty or dot path segment"},
		{"dot segment", "did:web:example.edu:..:x", "", "empty or dot path segment"},
		{"bad port", "did:web:localhost%3Ahttp", "", "not a number"},
		{"user info", "did:web:user%40example.edu", "", `contains '@'`},
		{"escaped slash in host", "did:web:example.edu%2Fevil", "", `contains '/'`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := parseDIDURL(tt.did)
			if err != nil {
				t.Fatalf("parseDIDURL(%q): %v", tt.did, err)
			}
			got, err := didWebURL(d, "https")
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrInvalidDID) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("didWebURL(%q) = %q, %v; want ErrInvalidDID containing %q", tt.did, got, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("didWebURL(%q): %v", tt.did, err)
			}
			if got != tt.want {
				t.Errorf("didWebURL(%q) = %q, want %q", tt.did, got, tt.want)
			}
		})
	}
}

func TestParseDIDURL(t *testing.T) {
	tests := []struct {
		in           string
		did, frag    string
		method, msid string
		wantErr      string
	}{
		{in: "did:web:example.edu#key-1", did: "did:web:example.edu", frag: "key-1", method: "web", msid: "example.edu"},
		{in: "did:key:z6Mkabc#z6Mkabc", did: "did:key:z6Mkabc", frag: "z6Mkabc", method: "key", msid: "z6Mkabc"},
		{in: "did:web:localhost%3A8443", did: "did:web:localhost%3A8443", method: "web", msid: "localhost%3A8443"},
		{in: "https://example.edu#k", wantErr: `does not start with "did:"`},
		{in: "did:web:", wantErr: "no method or method-specific id"},
		{in: "did::x", wantErr: "no method or method-specific id"},
		{in: "did:WEB:example.edu", wantErr: "lower-case letters"},
		{in: "did:web:example.edu/path#k", wantErr: "path or query"},
		{in: "did:web:example.edu?service=x", wantErr: "path or query"},
		{in: "did:web:exa mple.edu", wantErr: "not allowed"},
		{in: "did:web:example.edu%4", wantErr: "two hex digits"},
		{in: "did:web:example.edu%G0", wantErr: "two hex digits"},
		{in: "did:web:example.edu:", wantErr: "ends with ':'"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			d, err := parseDIDURL(tt.in)
			if tt.wantErr != "" {
				if err == nil || !errors.Is(err, ErrInvalidDID) || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseDIDURL(%q) = %+v, %v; want ErrInvalidDID containing %q", tt.in, d, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseDIDURL(%q): %v", tt.in, err)
			}
			if d.did != tt.did || d.fragment != tt.frag || d.method != tt.method || d.id != tt.msid {
				t.Errorf("parseDIDURL(%q) = %+v", tt.in, d)
			}
		})
	}
}

func TestParseDIDDocument(t *testing.T) {
	const did = "did:web:example.edu"
	jwk := `{"kty":"OKP","crv":"Ed25519","x":"AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA"}`

	t.Run("relative ids and references", func(t *testing.T) {
		doc := `{"id":"did:web:example.edu",
			"verificationMethod":[{"id":"#key-1","type":"JsonWebKey","controller":"did:web:example.edu","publicKeyJwk":` + jwk + `}],
			"assertionMethod":["#key-1"]}`
		p, err := parseDIDDocument([]byte(doc), did)
		if err != nil {
			t.Fatal(err)
		}
		if vm := p.method(did + "#key-1"); vm == nil {
			t.Fatal("relative method id was not made absolute")
		}
		if !p.assertion[did+"#key-1"] {
			t.Error("relative assertionMethod reference was not made absolute")
		}
	})

	t.Run("embedded assertion method", func(t *testing.T) {
		doc := `{"id":"did:web:example.edu",
			"assertionMethod":[{"id":"did:web:example.edu#key-2","type":"Multikey","controller":"did:web:example.edu",
				"publicKeyMultibase":"z6MkeXCES4onVW4up9Qgz1KRnZsKmGufcaZxF6Zpv2w5QwUK"}]}`
		p, err := parseDIDDocument([]byte(doc), did)
		if err != nil {
			t.Fatal(err)
		}
		methods := p.assertionMethods()
		if len(methods) != 1 || methods[0].ID != did+"#key-2" {
			t.Fatalf("assertion methods = %+v", methods)
		}
		if _, err := methods[0].publicKey(); err != nil {
			t.Errorf("embedded Multikey: %v", err)
		}
	})

	t.Run("id mismatch", func(t *testing.T) {
		// The document of did:web:localhost%3A8443 written with the wrong,
		// bare-colon form of the port.
		doc := `{"id":"did:web:localhost:8443","verificationMethod":[],"assertionMethod":[]}`
		_, err := parseDIDDocument([]byte(doc), "did:web:localhost%3A8443")
		if !errors.Is(err, ErrDIDDocument) || !strings.Contains(err.Error(), `has id "did:web:localhost:8443"`) {
			t.Fatalf("parseDIDDocument = %v, want ErrDIDDocument naming the served id", err)
		}
	})

	t.Run("not JSON", func(t *testing.T) {
		_, err := parseDIDDocument([]byte("<html>"), did)
		if !errors.Is(err, ErrDIDDocument) {
			t.Fatalf("parseDIDDocument = %v, want ErrDIDDocument", err)
		}
	})
}
