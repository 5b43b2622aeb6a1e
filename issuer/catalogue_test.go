package issuer

import (
	"errors"
	"strings"
	"testing"
)

func TestValidAchievementType(t *testing.T) {
	tests := []struct {
		value string
		want  bool
	}{
		{"MicroCredential", true},
		{"CoCurricular", true},
		{"ext:Bootcamp", true},
		{"Micro-Credential", false},
		{"microcredential", false},
		{"Bootcamp", false},
		{"Bootcamp ext:x", false},
		{"ext:", false},
	}
	for _, tt := range tests {
		if got := ValidAchievementType(tt.value); got != tt.want {
			t.Errorf("ValidAchievementType(%q) = %v, want %v", tt.value, got, tt.want)
		}
	}
}

func TestParseCatalogue(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		wantErr string
	}{
		{"valid with unknown top-level note", `{"note":"x","achievements":[{"code":"ipc","name":"N","description":"D","criteria":"C"}]}`, ""},
		{"not json", `{"achievements": [`, "not valid JSON"},
		{"empty", `{"achievements": []}`, "lists no achievements"},
		{"label instead of token", `{"achievements":[{"code":"A","name":"N","description":"D","criteria":"C","achievementType":"Micro-Credential"}]}`, `"Micro-Credential" is not an OB 3.0 AchievementType`},
		{"missing fields", `{"achievements":[{"code":"A"}]}`, "description: missing"},
		{"duplicate code", `{"achievements":[{"code":"A","name":"N","description":"D","criteria":"C"},{"code":"a","name":"N","description":"D","criteria":"C"}]}`, `repeats code "A"`},
		{"bad code", `{"achievements":[{"code":"has space","name":"N","description":"D","criteria":"C"}]}`, "capital letters"},
		{"not json syntax", `{"achievements": x}`, "not valid JSON at byte"},
		{"array body", `[1,2]`, "not an achievements file"},
		{"wrong field type", `{"achievements":[{"code":1}]}`, "achievements.code: has the wrong type (a JSON number)"},
		{"unknown field", `{"achievements":[{"code":"A","criteria_url":"https://x.example"}]}`, `"criteria_url" is not an achievement field`},
		{"script criteria URL", `{"achievements":[{"code":"A","name":"N","description":"D","criteria":"C","criteriaUrl":"javascript:alert(1)"}]}`, "not an absolute http or https URL"},
		{"name too long", `{"achievements":[{"code":"A","name":"` + strings.Repeat("n", 201) + `","description":"D","criteria":"C"}]}`, "201 characters is too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCatalogue([]byte(tt.file))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if c.Achievements[0].Code != "IPC" || c.Achievements[0].AchievementType != "Badge" {
					t.Errorf("entry not normalised: %+v", c.Achievements[0])
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrInvalid) {
				t.Fatalf("got %v, want ErrInvalid containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestDefaultBadgeImageEscapes(t *testing.T) {
	img := DefaultBadgeImage("A<B", `Name "quoted" & <script>`)
	s := string(img.Data)
	if strings.Contains(s, "<script>") || strings.Contains(s, "A<B") {
		t.Errorf("unescaped text in SVG: %s", s)
	}
	if img.ContentType != "image/svg+xml" || !strings.HasPrefix(s, "<svg ") {
		t.Errorf("not an SVG: %s", img.ContentType)
	}
}

// FuzzParseCatalogue checks that no file makes ParseCatalogue panic and
// that every accepted entry is valid.
func FuzzParseCatalogue(f *testing.F) {
	f.Add([]byte(`{"achievements":[{"code":"IPC","name":"N","description":"D","criteria":"C","achievementType":"CoCurricular","tags":["a"]}]}`))
	f.Add([]byte(`{"achievements":[{"code":"A","achievementType":"Bootcamp ext:x"}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCatalogue(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		for _, e := range c.Achievements {
			if !codePattern.MatchString(e.Code) || !ValidAchievementType(e.AchievementType) || e.Name == "" {
				t.Fatalf("accepted invalid entry %+v", e)
			}
		}
	})
}
