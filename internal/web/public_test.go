package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
)

// TestCredentialLinksResolve follows every URL of this server found in an
// issued credential: a recruiter's tool must be able to open each of them.
func TestCredentialLinksResolve(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")

	var doc any
	if err := json.Unmarshal(award.Credential.Document, &doc); err != nil {
		t.Fatal(err)
	}
	var links []string
	collectLinks(doc, ts.URL, &links)
	if len(links) < 5 {
		t.Fatalf("found only %d links to this server in the credential: %v", len(links), links)
	}

	for _, link := range links {
		resp := ts.do(t, request{path: strings.TrimPrefix(link, ts.URL), header: http.Header{"Accept": {"application/json"}}})
		if resp.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %d %s", link, resp.StatusCode, resp.body)
		}
	}
}

func collectLinks(v any, base string, out *[]string) {
	switch v := v.(type) {
	case map[string]any:
		for _, child := range v {
			collectLinks(child, base, out)
		}
	case []any:
		for _, child := range v {
			collectLinks(child, base, out)
		}
	case string:
		if strings.HasPrefix(v, base+"/") {
			*out = append(*out, v)
		}
	}
}

func TestUnitProfile(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		name, path string
		wantStatus int
		wantName   string
	}{
		{"known unit", "/units/Careers%20Centre", http.StatusOK, "Careers Centre"},
		{"made-up unit", "/units/Office%20of%20Free%20Degrees", http.StatusNotFound, ""},
		{"escaped slash", "/units/Careers%2FCentre", http.StatusNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := ts.get(t, tt.path, "")
			if resp.StatusCode != tt.wantStatus {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tt.wantStatus, resp.body)
			}
			if tt.wantName == "" {
				return
			}
			var doc unitDoc
			if err := json.Unmarshal(resp.body, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Name != tt.wantName || doc.Type[0] != "Profile" || doc.ParentOrg == nil {
				t.Errorf("unit profile = %+v", doc)
			}
		})
	}
}

func TestPublicActivity(t *testing.T) {
	ts := newTestServer(t)
	resp := ts.get(t, "/activities/"+ts.activity.ID, "")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.body)
	}
	var doc activityDoc
	if err := json.Unmarshal(resp.body, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Name != "CV Writing Workshop" || doc.StartDate != "2025-03-01" || len(doc.Achievements) != 1 {
		t.Errorf("activity = %+v", doc)
	}
	if ts.get(t, "/activities/not-a-uuid", "").StatusCode != http.StatusNotFound {
		t.Error("malformed id is not 404")
	}
}

// TestDIDDocumentPaths checks that the DID document is served at the
// did:web path of a base URL with and without a path.
func TestDIDDocumentPaths(t *testing.T) {
	ts := newTestServer(t)
	root := ts.get(t, "/.well-known/did.json", "")
	pathBased := ts.get(t, "/did.json", "")
	if root.StatusCode != http.StatusOK || pathBased.StatusCode != http.StatusOK {
		t.Fatalf("status %d and %d", root.StatusCode, pathBased.StatusCode)
	}
	if string(root.body) != string(pathBased.body) {
		t.Error("the two DID document paths serve different documents")
	}
}

func TestHomePage(t *testing.T) {
	ts := newTestServer(t)
	resp := ts.get(t, "/", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	for _, want := range []string{"Example University", "/.well-known/did.json", ts.svc.IssuerID} {
		if !strings.Contains(string(resp.body), want) {
			t.Errorf("home page does not contain %q", want)
		}
	}
}

func TestStaticHasNoListing(t *testing.T) {
	ts := newTestServer(t)
	if resp := ts.get(t, "/static/", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("GET /static/: %d, want 404", resp.StatusCode)
	}
	if resp := ts.get(t, "/static/app.css", ""); resp.StatusCode != http.StatusOK {
		t.Errorf("GET /static/app.css: %d, want 200", resp.StatusCode)
	}
}
