package keys

import (
	"strings"
	"testing"
)

func TestDIDWeb(t *testing.T) {
	tests := []struct {
		name    string
		baseURL string
		want    string
		wantErr string // substring of the error; empty when no error is expected
	}{
		{name: "localhost with port", baseURL: "http://localhost:8080", want: "did:web:localhost%3A8080"},
		{name: "port and path", baseURL: "https://b.example.org:8443/x/y", want: "did:web:b.example.org%3A8443:x:y"},
		{name: "host only", baseURL: "https://badges.example.edu", want: "did:web:badges.example.edu"},
		{name: "trailing slash", baseURL: "https://badges.example.edu/", want: "did:web:badges.example.edu"},
		{name: "path trailing slash", baseURL: "https://example.edu/badges/", want: "did:web:example.edu:badges"},
		{name: "upper-case host", baseURL: "https://Badges.Example.EDU", want: "did:web:badges.example.edu"},
		{name: "ipv4", baseURL: "http://127.0.0.1:9000", want: "did:web:127.0.0.1%3A9000"},
		{name: "escaped path", baseURL: "https://example.edu/a%20b", want: "did:web:example.edu:a%20b"},
		{name: "empty", baseURL: "", wantErr: "absolute http or https URL"},
		{name: "relative", baseURL: "badges.example.edu", wantErr: "absolute http or https URL"},
		{name: "ftp scheme", baseURL: "ftp://example.edu", wantErr: "absolute http or https URL"},
		{name: "query", baseURL: "https://example.edu/?a=1", wantErr: "query"},
		{name: "fragment", baseURL: "https://example.edu/#top", wantErr: "fragment"},
		{name: "user info", baseURL: "https://admin@example.edu", wantErr: "user name"},
		{name: "ipv6", baseURL: "http://[::1]:8080", wantErr: "cannot be written in a did:web"},
		{name: "double slash", baseURL: "https://example.edu/a//b", wantErr: "empty segment"},
		{name: "colon in path", baseURL: "https://example.edu/a:b", wantErr: "cannot be written in a did:web"},
		{name: "unparsable", baseURL: "https://exa mple.edu", wantErr: "base URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DIDWeb(tt.baseURL)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("DIDWeb(%q) = %q, want an error containing %q", tt.baseURL, got, tt.wantErr)
				}
				if !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("DIDWeb(%q) error = %q, want it to contain %q", tt.baseURL, err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("DIDWeb(%q): %v", tt.baseURL, err)
			}
			if got != tt.want {
				t.Errorf("DIDWeb(%q) = %q, want %q", tt.baseURL, got, tt.want)
			}
		})
	}
}
