package issuer_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/keys"
)

// Paths from this package's folder, where go test runs.
var (
	interopScript = filepath.Join("..", "test", "interop", "verify.mjs")
	interopJose   = filepath.Join("..", "test", "interop", "node_modules", "jose")
	formalSchema  = filepath.Join("..", "schemas", "json", "formal", "achievementcredential.json")
)

// requireNode returns the node binary, or skips the test when node or the
// script's packages are missing. In CI (CI set) their absence fails the test.
func requireNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(interopJose)
	}
	if err != nil {
		msg := "interop check needs node and its packages: run npm ci --prefix test/interop (" + err.Error() + ")"
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return node
}

// keyStore is an in-memory keys.KeyStore that keeps one active key.
type keyStore struct {
	mu   sync.Mutex
	keys []*issuer.SigningKey
}

func (s *keyStore) SigningKeys(context.Context) ([]*issuer.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var active, retired []*issuer.SigningKey
	for _, k := range s.keys {
		c := *k
		if c.Status == issuer.KeyActive {
			active = append(active, &c)
		} else {
			retired = append(retired, &c)
		}
	}
	return append(active, retired...), nil
}

func (s *keyStore) CreateSigningKey(_ context.Context, k *issuer.SigningKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.keys {
		if e.Status == issuer.KeyActive && k.Status == issuer.KeyActive {
			return issuer.ErrConflict
		}
	}
	c := *k
	s.keys = append(s.keys, &c)
	return nil
}

func (s *keyStore) retireAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, k := range s.keys {
		k.Status = issuer.KeyRetired
	}
}

// interopInput returns a credential input for a student with a non-ASCII
// name; validForDays > 0 makes the credential expire.
func interopInput(t *testing.T, did, credentialID, name string, validForDays int) issuer.CredentialInput {
	t.Helper()
	urls, err := issuer.NewURLs("https://badges.example.edu")
	if err != nil {
		t.Fatal(err)
	}
	return issuer.CredentialInput{
		CredentialID: credentialID,
		IssuerID:     did,
		Profile:      &issuer.Profile{Name: "Example University", URL: "https://www.example.edu"},
		Achievement: &issuer.Achievement{
			ID: "7d0f3b8e-5a4c-4e2b-8f1d-2c3b4a5d6e7f", Code: "EC", Name: "Effective Communicator",
			Description: "Recognises clear presentation to a real audience.", Criteria: "Deliver the pitch.",
			AchievementType: "CoCurricular", ValidForDays: validForDays,
			Image: issuer.Image{ContentType: "image/svg+xml", Data: []byte("<svg/>")},
		},
		Student:          &issuer.Student{ID: "3f2e1d0c-b9a8-4765-8432-10fedcba9876", Number: "263207592", Name: name, Email: "s@stu.example.edu"},
		Activity:         &issuer.Activity{ID: "9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d", Title: "Pitch Night", Unit: "Business School", Hours: 3},
		SessionsAttended: 2,
		SessionsTotal:    2,
		ValidFrom:        time.Date(2025, 3, 10, 1, 30, 15, 0, time.UTC),
		Salt:             issuer.NewSalt(),
		URLs:             urls,
	}
}

// verifyResult is one output line of verify.mjs.
type verifyResult struct {
	File   string   `json:"file"`
	OK     bool     `json:"ok"`
	Alg    string   `json:"alg"`
	Errors []string `json:"errors"`
}

// runVerify runs verify.mjs and returns its results keyed by file base name
// and its exit code.
func runVerify(t *testing.T, node, keyFlag, keyFile string, files []string) (map[string]verifyResult, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	args := append([]string{interopScript, formalSchema, keyFlag, keyFile}, files...)
	cmd := exec.CommandContext(ctx, node, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()

	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatalf("run verify.mjs: %v\n%s", err, stderr.Bytes())
	}
	if code == 2 {
		t.Fatalf("verify.mjs usage error:\n%s", stderr.Bytes())
	}

	t.Logf("verify.mjs %s exit %d:\n%s%s", keyFlag, code, out, stderr.Bytes())
	results := map[string]verifyResult{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var r verifyResult
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("verify.mjs printed %q: %v", sc.Text(), err)
		}
		results[filepath.Base(r.File)] = r
	}
	if len(results) != len(files) {
		t.Fatalf("verify.mjs reported %d credentials, want %d:\n%s\n%s", len(results), len(files), out, stderr.Bytes())
	}
	return results, code
}

func writeTemp(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// signedCredentials signs one credential with a key of each algorithm,
// rotating after each so that two of the three keys are retired, and returns
// the final ring and the files written to dir.
func signedCredentials(t *testing.T, dir string) (*keys.Ring, map[string]string) {
	t.Helper()
	ctx := context.Background()
	did, err := keys.DIDWeb("https://badges.example.edu")
	if err != nil {
		t.Fatal(err)
	}
	master := bytes.Repeat([]byte{7}, keys.MasterKeySize)
	builder, err := issuer.NewCredentialBuilder()
	if err != nil {
		t.Fatal(err)
	}

	store := &keyStore{}
	files := map[string]string{}
	var ring *keys.Ring
	cases := []struct {
		alg, id, name string
		days          int
	}{
		{keys.RS256, "00000000-0000-4000-8000-000000000001", "陳大文", 0},
		{keys.ES256, "00000000-0000-4000-8000-000000000002", "Ėglė Šaltė", 365},
		{keys.EdDSA, "00000000-0000-4000-8000-000000000003", "ليلى أحمد", 30},
	}
	for _, c := range cases {
		store.retireAll()
		ring, err = keys.Open(ctx, store, master, did, c.alg)
		if err != nil {
			t.Fatal(err)
		}
		_, payload, err := builder.Build(interopInput(t, did, c.id, c.name, c.days))
		if err != nil {
			t.Fatal(err)
		}
		jws, _, err := ring.Sign(ctx, payload)
		if err != nil {
			t.Fatal(err)
		}
		files[c.alg] = writeTemp(t, dir, c.alg+".jws", []byte(jws))
	}
	return ring, files
}

func TestInteropNodeAcceptsSignedCredentials(t *testing.T) {
	node := requireNode(t)
	dir := t.TempDir()
	ring, files := signedCredentials(t, dir)

	jwks, err := ring.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	didDoc, err := ring.DIDDocument()
	if err != nil {
		t.Fatal(err)
	}
	keySources := map[string]string{
		"--jwks": writeTemp(t, dir, "jwks.json", jwks),
		"--did":  writeTemp(t, dir, "did.json", didDoc),
	}

	for flag, keyFile := range keySources {
		t.Run(strings.TrimPrefix(flag, "--"), func(t *testing.T) {
			results, code := runVerify(t, node, flag, keyFile, []string{files[keys.RS256], files[keys.ES256], files[keys.EdDSA]})
			for alg, path := range files {
				r := results[filepath.Base(path)]
				if !r.OK || r.Alg != alg {
					t.Errorf("%s credential: ok=%v alg=%q errors=%v", alg, r.OK, r.Alg, r.Errors)
				}
			}
			if code != 0 {
				t.Errorf("verify.mjs exit code = %d, want 0", code)
			}
		})
	}
}

func TestInteropNodeRejectsBadCredentials(t *testing.T) {
	node := requireNode(t)
	dir := t.TempDir()
	ring, files := signedCredentials(t, dir)
	jwks, err := ring.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	jwksFile := writeTemp(t, dir, "jwks.json", jwks)

	good, err := os.ReadFile(files[keys.EdDSA])
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(string(good), ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}

	bad := map[string]string{
		"tampered.jws":  tampered(t, parts, payload),
		"wrong-key.jws": signedByOtherKey(t, ring.KID(ring.ActiveKeyID()), payload),
		"schema.jws": resigned(t, ring, payload, func(m map[string]any) {
			m["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["image"] = "https://x.example/i.svg"
		}),
		"claims.jws":   resigned(t, ring, payload, func(m map[string]any) { m["sub"] = "urn:uuid:someone-else" }),
		"vc-claim.jws": resigned(t, ring, payload, func(m map[string]any) { m["vc"] = map[string]any{} }),
	}
	wantError := map[string]string{
		"tampered.jws":  "signature verification failed",
		"wrong-key.jws": "signature verification failed",
		"schema.jws":    "schema: /credentialSubject/achievement/image",
		"claims.jws":    "claim sub",
		"vc-claim.jws":  "vc claim",
	}

	var paths []string
	for name, jws := range bad {
		paths = append(paths, writeTemp(t, dir, name, []byte(jws)))
	}
	paths = append(paths, files[keys.EdDSA])

	results, code := runVerify(t, node, "--jwks", jwksFile, paths)
	if code != 1 {
		t.Errorf("verify.mjs exit code = %d, want 1", code)
	}
	for name, want := range wantError {
		r := results[name]
		if r.OK {
			t.Errorf("%s was accepted", name)
			continue
		}
		if !strings.Contains(strings.Join(r.Errors, "; "), want) {
			t.Errorf("%s rejected with %v, want an error containing %q", name, r.Errors, want)
		}
	}
	if r := results[filepath.Base(files[keys.EdDSA])]; !r.OK {
		t.Errorf("the untouched credential was rejected: %v", r.Errors)
	}
}

func TestInteropNodeRequiresAssertionMethod(t *testing.T) {
	node := requireNode(t)
	dir := t.TempDir()
	ring, files := signedCredentials(t, dir)
	raw, err := ring.DIDDocument()
	if err != nil {
		t.Fatal(err)
	}

	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["assertionMethod"] = []any{}
	changed, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	didFile := writeTemp(t, dir, "did.json", changed)

	results, code := runVerify(t, node, "--did", didFile, []string{files[keys.EdDSA]})
	r := results[filepath.Base(files[keys.EdDSA])]
	if r.OK || code != 1 {
		t.Fatalf("credential accepted with a key missing from assertionMethod (exit %d)", code)
	}
	if !strings.Contains(strings.Join(r.Errors, "; "), "not listed in assertionMethod") {
		t.Errorf("errors = %v, want the missing assertionMethod entry", r.Errors)
	}
}

// tampered returns the JWS with one character of the credential's name
// changed and the original signature.
func tampered(t *testing.T, parts []string, payload []byte) string {
	t.Helper()
	changed := bytes.Replace(payload, []byte("Effective"), []byte("Affective"), 1)
	if bytes.Equal(changed, payload) {
		t.Fatal("payload has no achievement name to change")
	}
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(changed) + "." + parts[2]
}

// resigned returns payload changed by edit and signed by ring, so that only
// the content checks can reject it.
func resigned(t *testing.T, ring *keys.Ring, payload []byte, edit func(map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(payload, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	changed, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	jws, _, err := ring.Sign(context.Background(), changed)
	if err != nil {
		t.Fatal(err)
	}
	return jws
}

// signedByOtherKey returns an EdDSA JWS whose header names kid, a published
// Ed25519 key, but whose signature comes from a fresh key that was never
// published.
func signedByOtherKey(t *testing.T, kid string, payload []byte) string {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	header, err := json.Marshal(map[string]string{"alg": "EdDSA", "kid": kid, "typ": "JWT"})
	if err != nil {
		t.Fatal(err)
	}

	input := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	sig := ed25519.Sign(priv, []byte(input))
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}
