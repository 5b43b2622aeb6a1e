package issuer

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current output")

const (
	testBase     = "https://badges.example.edu"
	testIssuerID = "did:web:badges.example.edu"
	testSalt     = "5c0a1d3e9f7b42c68e1f0a2b3c4d5e6f"
)

// testValidFrom has a fraction of a second and a +08:00 offset, which the
// credential must drop and convert to UTC.
var testValidFrom = time.Date(2025, 3, 10, 9, 30, 15, 123456789, time.FixedZone("HKT", 8*3600))

func testBuilder(tb testing.TB) *CredentialBuilder {
	tb.Helper()
	b, err := NewCredentialBuilder()
	if err != nil {
		tb.Fatalf("NewCredentialBuilder: %v", err)
	}
	return b
}

func testURLs(tb testing.TB) URLs {
	tb.Helper()
	u, err := NewURLs(testBase)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// fullInput uses every optional field: a Chinese name, an SVG image, a
// complete issuer profile and an organising unit.
func fullInput(tb testing.TB) CredentialInput {
	tb.Helper()
	return CredentialInput{
		CredentialID: "0b6f1c3e-8d2a-4f5b-9c7e-1a2b3c4d5e6f",
		IssuerID:     testIssuerID,
		Profile: &Profile{
			Name:        "Example University of Hong Kong",
			URL:         "https://www.example.edu.hk",
			Email:       "badges@example.edu.hk",
			Description: "Digital Badges Scheme for extracurricular activities",
			ImageURL:    "https://www.example.edu.hk/logo.png",
		},
		Achievement: &Achievement{
			ID:              "7d0f3b8e-5a4c-4e2b-8f1d-2c3b4a5d6e7f",
			Code:            "IPC",
			Name:            "Informed & Professionally Competent",
			Description:     "Recognises activities through which a student gains current knowledge of a profession.",
			Criteria:        "Attend the whole activity and complete its practical tasks.\n",
			AchievementType: "CoCurricular",
			Tags:            []string{"graduate attribute", " ", "professional knowledge"},
			Image:           Image{ContentType: "image/svg+xml", Data: []byte("<svg/>")},
		},
		Student: &Student{
			ID:          "3f2e1d0c-b9a8-4765-8432-10fedcba9876",
			Number:      "263207592",
			Name:        "CHAN Tai Man",
			ChineseName: "陳大文",
			Email:       " 263207592@STU.example.edu.hk ",
		},
		Activity: &Activity{
			ID:        "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d",
			Title:     "Career Workshop: Writing a CV",
			Unit:      "Careers & Placement Centre",
			StartDate: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC),
			EndDate:   time.Date(2025, 3, 8, 16, 0, 0, 0, time.UTC),
			Hours:     6,
		},
		SessionsAttended: 3,
		SessionsTotal:    4,
		ValidFrom:        testValidFrom,
		Salt:             testSalt,
		URLs:             testURLs(tb),
		Status:           StatusEntry{ListID: "5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6", Index: 94567},
	}
}

// expiringInput has an achievement that expires after a year, a PNG image,
// a criteria URL and an ext: achievement type.
func expiringInput(tb testing.TB) CredentialInput {
	tb.Helper()
	in := fullInput(tb)
	a := *in.Achievement
	a.ValidForDays = 365
	a.AchievementType = "ext:FirstAidCertificate"
	a.CriteriaURL = "https://www.example.edu.hk/badges/first-aid"
	a.Image = Image{ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}}
	in.Achievement = &a
	in.Student = &Student{ID: "11111111-2222-4333-8444-555555555555", Number: "015766261", Name: "Ėglė Šaltė", Email: "egle@stu.example.edu.hk"}
	in.SessionsAttended, in.SessionsTotal = 1, 1
	a2 := *in.Activity
	a2.Hours = 1
	in.Activity = &a2
	return in
}

// minimalInput leaves out every optional field.
func minimalInput(tb testing.TB) CredentialInput {
	tb.Helper()
	in := fullInput(tb)
	in.Profile = &Profile{Name: "Example University of Hong Kong"}
	in.Achievement = &Achievement{
		ID:          "7d0f3b8e-5a4c-4e2b-8f1d-2c3b4a5d6e7f",
		Code:        "PF",
		Name:        "Positive and Flexible",
		Description: "Recognises adapting to new settings.",
		Criteria:    "Take part.",
	}
	in.Student = &Student{ID: "66666666-7777-4888-9999-000000000000", Number: "199549477", Name: "ليلى أحمد"}
	in.Activity = &Activity{ID: "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", Title: "Volunteering Day"}
	in.SessionsAttended, in.SessionsTotal = 0, 0
	in.Salt = ""
	in.Status = StatusEntry{}
	return in
}

func build(tb testing.TB, b *CredentialBuilder, in CredentialInput) (doc, payload []byte) {
	tb.Helper()
	doc, payload, err := b.Build(in)
	if err != nil {
		tb.Fatalf("Build: %v", err)
	}
	return doc, payload
}

func TestBuildGolden(t *testing.T) {
	b := testBuilder(t)
	cases := []struct {
		name string
		in   CredentialInput
	}{
		{"full", fullInput(t)},
		{"expiring", expiringInput(t)},
		{"minimal", minimalInput(t)},
	}

	got := map[string]json.RawMessage{}
	for _, c := range cases {
		doc, _ := build(t, b, c.in)
		got[c.name] = doc
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(got); err != nil {
		t.Fatal(err)
	}

	path := filepath.Join("testdata", "credential.golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -run TestBuildGolden -update to create it): %v", err)
	}
	if !bytes.Equal(out.Bytes(), want) {
		t.Errorf("credentials differ from %s; if the change is intended, run go test ./issuer -run TestBuildGolden -update\ngot:\n%s", path, out.Bytes())
	}
}

func decode(tb testing.TB, data []byte) map[string]any {
	tb.Helper()
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		tb.Fatalf("decode %s: %v", data, err)
	}
	return m
}

func TestBuildDocumentBasics(t *testing.T) {
	doc := decode(t, first(build(t, testBuilder(t), fullInput(t))))

	wantContext := []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json"}
	if got, _ := json.Marshal(doc["@context"]); string(got) != mustJSON(t, wantContext) {
		t.Errorf("@context = %s, want %v", got, wantContext)
	}
	if doc["id"] != testBase+"/credentials/0b6f1c3e-8d2a-4f5b-9c7e-1a2b3c4d5e6f" {
		t.Errorf("id = %v, want the credential URL under %s", doc["id"], testBase)
	}
	if doc["validFrom"] != "2025-03-10T01:30:15Z" {
		t.Errorf("validFrom = %v, want 2025-03-10T01:30:15Z (UTC, whole seconds)", doc["validFrom"])
	}
	if _, ok := doc["validUntil"]; ok {
		t.Error("validUntil is set for an achievement without ValidForDays")
	}
	if doc["name"] != "Informed & Professionally Competent" {
		t.Errorf("name = %v, want the achievement name", doc["name"])
	}

	issuer := doc["issuer"].(map[string]any)
	if issuer["id"] != testIssuerID {
		t.Errorf("issuer.id = %v, want %s", issuer["id"], testIssuerID)
	}
	subject := doc["credentialSubject"].(map[string]any)
	if subject["id"] != "urn:uuid:3f2e1d0c-b9a8-4765-8432-10fedcba9876" {
		t.Errorf("credentialSubject.id = %v, want the student's urn:uuid", subject["id"])
	}
	image := subject["achievement"].(map[string]any)["image"].(map[string]any)
	if image["id"] != testBase+"/achievements/7d0f3b8e-5a4c-4e2b-8f1d-2c3b4a5d6e7f/image.svg" {
		t.Errorf("achievement image id = %v, want the .svg image URL", image["id"])
	}
	source := subject["source"].(map[string]any)
	if source["id"] != testBase+"/units/Careers%20&%20Placement%20Centre" || source["name"] != "Careers & Placement Centre" {
		t.Errorf("source = %v, want the unit's escaped URL and name", source)
	}
	evidence := doc["evidence"].([]any)[0].(map[string]any)
	if evidence["narrative"] != "Attended 3 of 4 sessions; the activity lasted 6 hours." {
		t.Errorf("evidence narrative = %q, want 3 of 4 sessions and 6 hours", evidence["narrative"])
	}
}

func first(a, _ []byte) []byte { return a }

func mustJSON(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestBuildIdentifiers(t *testing.T) {
	doc := decode(t, first(build(t, testBuilder(t), fullInput(t))))
	ids := doc["credentialSubject"].(map[string]any)["identifier"].([]any)
	if len(ids) != 3 {
		t.Fatalf("%d identifiers, want hashed email, name and Chinese name", len(ids))
	}

	email := ids[0].(map[string]any)
	wantHash := IdentityHash("263207592@stu.example.edu.hk", testSalt)
	if email["hashed"] != true || email["identityType"] != "emailAddress" || email["salt"] != testSalt || email["identityHash"] != wantHash {
		t.Errorf("email identifier = %v, want hash %s of the trimmed lower-case address", email, wantHash)
	}
	for i, want := range []string{"CHAN Tai Man", "陳大文"} {
		name := ids[i+1].(map[string]any)
		if name["hashed"] != false || name["identityType"] != "name" || name["identityHash"] != want {
			t.Errorf("identifier %d = %v, want plain name %q", i+1, name, want)
		}
		if _, ok := name["salt"]; ok {
			t.Errorf("plain name identifier %d has a salt", i+1)
		}
	}
}

func TestBuildNeverPublishesStudentNumber(t *testing.T) {
	b := testBuilder(t)
	for _, in := range []CredentialInput{fullInput(t), expiringInput(t), minimalInput(t)} {
		doc, payload := build(t, b, in)
		if bytes.Contains(doc, []byte(in.Student.Number)) || bytes.Contains(payload, []byte(in.Student.Number)) {
			t.Errorf("credential of %s contains the student number %s", in.Student.Name, in.Student.Number)
		}
	}
}

func TestBuildNonASCIINames(t *testing.T) {
	b := testBuilder(t)
	for _, name := range []string{"陳大文", "Ėglė Šaltė", "ليلى أحمد"} {
		t.Run(name, func(t *testing.T) {
			in := minimalInput(t)
			in.Student = &Student{ID: "66666666-7777-4888-9999-000000000000", Name: name}

			doc, _ := build(t, b, in)
			if !bytes.Contains(doc, []byte(`"identityHash":"`+name+`"`)) {
				t.Errorf("document does not carry the name as raw UTF-8: %s", doc)
			}
			ids := decode(t, doc)["credentialSubject"].(map[string]any)["identifier"].([]any)
			if len(ids) != 1 || ids[0].(map[string]any)["identityHash"] != name {
				t.Errorf("identifiers = %v, want the single name %q", ids, name)
			}
		})
	}
}

func TestBuildPayloadClaims(t *testing.T) {
	b := testBuilder(t)
	tests := []struct {
		name    string
		in      CredentialInput
		wantExp int64 // 0 when exp must be absent
	}{
		{"no expiry", fullInput(t), 0},
		{"365 days", expiringInput(t), time.Date(2026, 3, 10, 1, 30, 15, 0, time.UTC).Unix()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docJSON, payloadJSON := build(t, b, tt.in)
			doc, payload := decode(t, docJSON), decode(t, payloadJSON)

			for k, v := range doc {
				if mustJSON(t, payload[k]) != mustJSON(t, v) {
					t.Errorf("payload %s = %v, want the document's %v", k, payload[k], v)
				}
			}
			subject := doc["credentialSubject"].(map[string]any)
			claims := map[string]any{
				"iss": doc["issuer"].(map[string]any)["id"],
				"sub": subject["id"],
				"jti": doc["id"],
				"nbf": float64(time.Date(2025, 3, 10, 1, 30, 15, 0, time.UTC).Unix()),
			}
			for k, want := range claims {
				if payload[k] != want {
					t.Errorf("claim %s = %v, want %v", k, payload[k], want)
				}
			}
			if _, ok := payload["vc"]; ok {
				t.Error("payload has a vc claim")
			}
			if len(payload) != len(doc)+len(claims)+btoi(tt.wantExp != 0) {
				t.Errorf("payload has %d members, want the document's %d plus the claims", len(payload), len(doc))
			}

			exp, hasExp := payload["exp"]
			if tt.wantExp == 0 {
				if hasExp || doc["validUntil"] != nil {
					t.Errorf("exp = %v, validUntil = %v; want neither", exp, doc["validUntil"])
				}
				return
			}
			if exp != float64(tt.wantExp) {
				t.Errorf("exp = %v, want %d", exp, tt.wantExp)
			}
			if doc["validUntil"] != "2026-03-10T01:30:15Z" {
				t.Errorf("validUntil = %v, want 2026-03-10T01:30:15Z", doc["validUntil"])
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestBuildNoNullsOrEmptyValues(t *testing.T) {
	b := testBuilder(t)
	for _, in := range []CredentialInput{fullInput(t), expiringInput(t), minimalInput(t)} {
		doc, _ := build(t, b, in)
		var v any
		if err := json.Unmarshal(doc, &v); err != nil {
			t.Fatal(err)
		}
		walkJSON(t, "", v)
	}
}

func walkJSON(tb testing.TB, path string, v any) {
	tb.Helper()
	switch x := v.(type) {
	case nil:
		tb.Errorf("%s is null", path)
	case string:
		if x == "" {
			tb.Errorf("%s is an empty string", path)
		}
	case []any:
		if len(x) == 0 {
			tb.Errorf("%s is an empty array", path)
		}
		for i, e := range x {
			walkJSON(tb, path+"/"+strconv.Itoa(i), e)
		}
	case map[string]any:
		for k, e := range x {
			walkJSON(tb, path+"/"+k, e)
		}
	}
}

func TestBuildAchievementType(t *testing.T) {
	b := testBuilder(t)
	tests := []struct {
		name    string
		value   string
		wantErr bool
	}{
		{"enum token", "Badge", false},
		{"extension", "ext:Workshop-1.0_a", false},
		{"empty is left out", "", false},
		{"lower-case token", "badge", true},
		{"unanchored extension", "Bootcamp ext:x", true},
		{"bare prefix", "ext:", true},
		{"space in extension", "ext:a b", true},
		{"non-ASCII extension", "ext:Übung", true},
		{"pipe in extension", "ext:a|b", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := fullInput(t)
			a := *in.Achievement
			a.AchievementType = tt.value
			in.Achievement = &a

			_, _, err := b.Build(in)
			if tt.wantErr {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Build error = %v, want ErrInvalid", err)
				}
				if !strings.Contains(err.Error(), tt.value) {
					t.Errorf("error %q does not name the value %q", err, tt.value)
				}
				return
			}
			if err != nil {
				t.Errorf("Build: %v", err)
			}
		})
	}
}

func TestBuildRejectsBadInput(t *testing.T) {
	b := testBuilder(t)
	tests := []struct {
		name    string
		change  func(in *CredentialInput)
		wantErr string
	}{
		{"no profile", func(in *CredentialInput) { in.Profile = nil }, "issuer profile"},
		{"not a did:web", func(in *CredentialInput) { in.IssuerID = "https://example.edu" }, "not a did:web"},
		{"credential id not a UUID", func(in *CredentialInput) { in.CredentialID = "../x" }, "not a UUID"},
		{"no salt with email", func(in *CredentialInput) { in.Salt = "" }, "salt"},
		{"attended more than total", func(in *CredentialInput) { in.SessionsAttended = 5 }, "attended 5 of 4"},
		{"zero validFrom", func(in *CredentialInput) { in.ValidFrom = time.Time{} }, "validFrom"},
		{"no base URL", func(in *CredentialInput) { in.URLs = URLs{} }, "base URL"},
		{"student without id", func(in *CredentialInput) { in.Student = &Student{Name: "x"} }, "student"},
		{"gif image", func(in *CredentialInput) {
			a := *in.Achievement
			a.Image = Image{ContentType: "image/gif", Data: []byte("GIF89a")}
			in.Achievement = &a
		}, `"image/gif"`},
		{"no criteria", func(in *CredentialInput) {
			a := *in.Achievement
			a.Criteria, a.CriteriaURL = " ", ""
			in.Achievement = &a
		}, "criteria"},
		{"relative criteria URL", func(in *CredentialInput) {
			a := *in.Achievement
			a.CriteriaURL = "/criteria"
			in.Achievement = &a
		}, `"/criteria"`},
		{"status index past the list", func(in *CredentialInput) {
			in.Status.Index = MinStatusListSize
		}, "statusListIndex"},
		{"negative status index", func(in *CredentialInput) { in.Status.Index = -1 }, "statusListIndex"},
		{"negative validity", func(in *CredentialInput) {
			a := *in.Achievement
			a.ValidForDays = -1
			in.Achievement = &a
		}, "validForDays"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := fullInput(t)
			tt.change(&in)

			doc, payload, err := b.Build(in)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Build error = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
			if doc != nil || payload != nil {
				t.Error("Build returned a document with its error")
			}
		})
	}
}

func TestBuildCredentialStatus(t *testing.T) {
	doc := decode(t, first(build(t, testBuilder(t), fullInput(t))))
	list := testBase + "/status/5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6"
	want := map[string]any{
		"id":                   list + "#94567",
		"type":                 "BitstringStatusListEntry",
		"statusPurpose":        "revocation",
		"statusListIndex":      "94567",
		"statusListCredential": list,
	}
	if got := mustJSON(t, doc["credentialStatus"]); got != mustJSON(t, want) {
		t.Errorf("credentialStatus = %s, want %s", got, mustJSON(t, want))
	}

	plain := decode(t, first(build(t, testBuilder(t), minimalInput(t))))
	if _, ok := plain["credentialStatus"]; ok {
		t.Error("a credential without a status entry has credentialStatus")
	}
}

func TestValidateRejectsSchemaViolations(t *testing.T) {
	b := testBuilder(t)
	doc, _ := build(t, b, fullInput(t))
	if err := b.Validate(doc); err != nil {
		t.Fatalf("Validate rejects the built credential: %v", err)
	}

	tests := []struct {
		name    string
		change  func(m map[string]any)
		wantLoc string // JSON pointer the schema error must name
	}{
		{"image as a string", func(m map[string]any) {
			subjectMap(m)["achievement"].(map[string]any)["image"] = "https://badges.example.edu/i.svg"
		}, "/credentialSubject/achievement/image"},
		{"evidence as an object", func(m map[string]any) {
			m["evidence"] = m["evidence"].([]any)[0]
		}, "/evidence"},
		{"validFrom missing", func(m map[string]any) { delete(m, "validFrom") }, "validFrom"},
		{"validFrom not a date-time", func(m map[string]any) { m["validFrom"] = "10 March 2025" }, "/validFrom"},
		{"wrong OB context", func(m map[string]any) {
			m["@context"].([]any)[1] = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.jsonld"
		}, "/@context/1"},
		{"identifier type as array", func(m map[string]any) {
			subjectMap(m)["identifier"].([]any)[0].(map[string]any)["type"] = []any{"IdentityObject"}
		}, "/credentialSubject/identifier/0"},
		{"achievement without criteria", func(m map[string]any) {
			delete(subjectMap(m)["achievement"].(map[string]any), "criteria")
		}, "/credentialSubject/achievement"},
		{"type without OpenBadgeCredential", func(m map[string]any) {
			m["type"] = []any{"VerifiableCredential"}
		}, "/type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := decode(t, doc)
			tt.change(m)
			changed, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}

			err = b.Validate(changed)
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate error = %v, want ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.wantLoc) {
				t.Errorf("error %q does not name %s", err, tt.wantLoc)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error spans several lines: %q", err)
			}
		})
	}
}

func subjectMap(m map[string]any) map[string]any {
	return m["credentialSubject"].(map[string]any)
}

func TestBuildRejectsDocumentFailingSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	if err := c.AddResource("urn:test:strict", map[string]any{"required": []any{"proof"}}); err != nil {
		t.Fatal(err)
	}
	strict, err := c.Compile("urn:test:strict")
	if err != nil {
		t.Fatal(err)
	}
	b := &CredentialBuilder{schema: strict}

	doc, payload, err := b.Build(fullInput(t))
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("Build error = %v, want ErrInvalid from the schema", err)
	}
	if !strings.Contains(err.Error(), "proof") {
		t.Errorf("error %q does not carry the schema's message", err)
	}
	if doc != nil || payload != nil {
		t.Error("Build returned a document that failed the schema")
	}
}

func TestIdentityHashKnownVector(t *testing.T) {
	got := IdentityHash("a@example.com", "Kosher")
	want := "sha256$b5809d8a92f8858436d7e6b87c12ebc0ae1eac4baecc2c0b913aee2c922ef399"
	if got != want {
		t.Errorf("IdentityHash = %s, want %s", got, want)
	}
}

func TestIdentityHashHashesRawIdentifier(t *testing.T) {
	if IdentityHash("A@example.com", "Kosher") == IdentityHash("a@example.com", "Kosher") {
		t.Error("IdentityHash normalises case; it must hash the identifier as given")
	}
}

func TestNewSalt(t *testing.T) {
	a, b := NewSalt(), NewSalt()
	if len(a) != 32 || strings.Trim(a, "0123456789abcdef") != "" {
		t.Errorf("NewSalt() = %q, want 32 lower-case hex digits", a)
	}
	if a == b {
		t.Error("two salts are equal")
	}
}

func BenchmarkBuild(b *testing.B) {
	builder := testBuilder(b)
	in := fullInput(b)

	b.Run("single", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := builder.Build(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, _, err := builder.Build(in); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
