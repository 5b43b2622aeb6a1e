package schemas

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
)

func TestContextResolvesEveryURL(t *testing.T) {
	urls := ContextURLs()
	if len(urls) < 10 {
		t.Fatalf("ContextURLs() returned %d URLs, want at least 10", len(urls))
	}

	for _, u := range urls {
		data, ok := Context(u)
		if !ok {
			t.Errorf("Context(%q) = false, want the embedded file", u)
			continue
		}
		var doc map[string]any
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Errorf("Context(%q) is not JSON: %v", u, err)
			continue
		}
		if _, ok := doc["@context"]; !ok {
			t.Errorf("Context(%q) has no @context member", u)
		}
	}
}

func TestContextExactMatch(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want bool
	}{
		{"vc v2", "https://www.w3.org/ns/credentials/v2", true},
		{"ob 3.0.3", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", true},
		{"extensions", "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json", true},
		{"status list 2021", "https://w3id.org/vc/status-list/2021/v1", true},
		{"trailing slash", "https://www.w3.org/ns/credentials/v2/", false},
		{"http scheme", "http://www.w3.org/ns/credentials/v2", false},
		{"fragment", "https://www.w3.org/ns/credentials/v2#x", false},
		{"unknown", "https://example.org/context.json", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, got := Context(tt.url)
			if got != tt.want {
				t.Errorf("Context(%q) found = %v, want %v", tt.url, got, tt.want)
			}
		})
	}
}

func TestContextOB303Content(t *testing.T) {
	data, ok := Context("https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json")
	if !ok {
		t.Fatal("context 3.0.3 not found")
	}
	if !strings.Contains(string(data), `"OpenBadgeCredential"`) {
		t.Error("context 3.0.3 does not define OpenBadgeCredential")
	}
}

func TestSchemasHaveIDs(t *testing.T) {
	ids := map[string]string{}
	err := fs.WalkDir(FS, "json", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := FS.ReadFile(path)
		if err != nil {
			return err
		}
		var doc struct {
			Schema string `json:"$schema"`
			ID     string `json:"$id"`
		}
		if err := json.Unmarshal(data, &doc); err != nil {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		if !strings.Contains(doc.Schema, "2019-09") {
			t.Errorf("%s: $schema = %q, want draft 2019-09", path, doc.Schema)
		}
		if other, dup := ids[doc.ID]; dup {
			t.Errorf("%s and %s share $id %q", path, other, doc.ID)
		}
		ids[doc.ID] = path
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	if got := ids[AchievementCredentialFormalID]; got != AchievementCredentialFormal {
		t.Errorf("$id %s is in %q, want %q", AchievementCredentialFormalID, got, AchievementCredentialFormal)
	}
	for _, p := range []string{AchievementCredentialJSONLD, AnyAchievementCredential, AnyEndorsementCredential} {
		if _, err := FS.ReadFile(p); err != nil {
			t.Errorf("read %s: %v", p, err)
		}
	}
}
