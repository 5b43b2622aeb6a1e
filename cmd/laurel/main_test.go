package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/internal/config"
)

// laurel runs one command in-process and returns its exit code and output.
func laurel(t *testing.T, dataDir string, args ...string) (int, string, string) {
	t.Helper()
	return laurelOn(t, dataDir, "", args...)
}

// laurelOn runs one command on the database at databaseURL, or on the data
// folder's SQLite file when databaseURL is empty.
func laurelOn(t *testing.T, dataDir, databaseURL string, args ...string) (int, string, string) {
	t.Helper()
	env := map[string]string{"LAUREL_DATA_DIR": dataDir, "LAUREL_LOG_LEVEL": "warn"}
	if databaseURL != "" {
		env["LAUREL_DATABASE_URL"] = databaseURL
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

func TestHelpAndUsage(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"no command", nil, exitUsage, "Commands:"},
		{"help", []string{"--help"}, exitOK, "award"},
		{"unknown", []string{"frobnicate"}, exitUsage, `unknown command "frobnicate"`},
		{"command help", []string{"award", "--help"}, exitOK, "-dry-run"},
		{"token help", []string{"token", "create", "--help"}, exitOK, "-role string"},
		{"missing argument", []string{"award"}, exitUsage, "give --activity ID"},
		{"bad flag", []string{"serve", "--no-such-flag"}, exitUsage, "no-such-flag"},
		{"bad signing alg", []string{"config", "--signing-alg", "HS256"}, exitUsage, "use RS256, ES256 or EdDSA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := laurel(t, t.TempDir(), tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d\nstdout: %s\nstderr: %s", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(out+errOut, tt.wantOut) {
				t.Errorf("output does not contain %q:\n%s%s", tt.wantOut, out, errOut)
			}
		})
	}
}

func TestConfigRedactsDatabasePassword(t *testing.T) {
	code, out, _ := laurel(t, t.TempDir(), "config", "--database-url", "postgres://u:hunter2@db.example/x")
	if code != exitOK || strings.Contains(out, "hunter2") || !strings.Contains(out, "LAUREL_DATABASE_URL=postgres://u:redacted@db.example/x") {
		t.Fatalf("exit %d, output:\n%s", code, out)
	}
}

// TestDemoIssueServe follows the README: demo, award the sample files, then
// serve and fetch each credential as a browser, a JWT client and a JSON
// client would, and verify it with the independent Node.js checker.
func TestDemoIssueServe(t *testing.T) {
	dir := t.TempDir()

	code, out, errOut := laurel(t, dir, "demo")
	if code != exitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}
	activity := regexp.MustCompile(`Activity "[^"]+": ([0-9a-f-]{36})`).FindStringSubmatch(out)
	if activity == nil {
		t.Fatalf("demo printed no activity id:\n%s", out)
	}
	token := lastLine(out)

	if code, _, _ := laurel(t, dir, "demo"); code != exitError {
		t.Errorf("second demo in the same folder: exit %d, want %d", code, exitError)
	}

	code, out, errOut = laurel(t, dir, "award", "--activity", activity[1], "--dry-run", filepath.Join(dir, "demo", "attendance-workshop.csv"))
	if code != exitOK || !strings.Contains(out, "86 badges to 43 students from 60 rows.") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.HasPrefix(strings.TrimSpace(out), "Would ") {
		t.Errorf("dry run output does not start with the conditional verb:\n%s", out)
	}

	code, out, errOut = laurel(t, dir, "award", "--json", "--activity", activity[1], filepath.Join(dir, "demo", "attendance-workshop.xlsx"))
	if code != exitOK {
		t.Fatalf("award: exit %d\n%s%s", code, out, errOut)
	}
	var res struct {
		Credentials []struct{ CredentialID, URL string } `json:"credentials"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Credentials) != 86 {
		t.Fatalf("award --json: %v, %d credentials\n%s", err, len(res.Credentials), out)
	}

	code, out, _ = laurel(t, dir, "award", "--activity", activity[1], filepath.Join(dir, "demo", "attendance-workshop.csv"))
	if code != exitOK || !strings.Contains(out, "Issued 0 badges") || !strings.Contains(out, "Already awarded: 43") {
		t.Errorf("re-upload: exit %d\n%s", code, out)
	}

	base := startServer(t, dir)
	cred := base + "/credentials/" + path.Base(res.Credentials[0].URL)
	jws := fetch(t, cred, "application/vc+jwt", token, "text/plain")
	doc := fetch(t, cred, "application/json", "", "application/json")
	page := fetch(t, cred, "text/html", "", "text/html")
	if strings.Count(jws, ".") != 2 || !strings.Contains(doc, `"OpenBadgeCredential"`) || !strings.Contains(page, "<html") {
		t.Fatalf("credential URL served unexpected content:\n%.200s\n%.200s\n%.200s", jws, doc, page)
	}
	fetch(t, base+"/.well-known/did.json", "", "", "json")
	fetch(t, base+"/api/v1/activities", "", token, "application/json")

	verifyWithNode(t, base, []string{jws})
}

// startServer serves the data folder on a loopback port until the test ends.
func startServer(t *testing.T, dir string) string {
	t.Helper()
	return startServerOn(t, dir, "")
}

// startServerOn serves the data folder and the database at databaseURL,
// or the folder's SQLite file when databaseURL is empty.
func startServerOn(t *testing.T, dir, databaseURL string) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := &config.Config{DataDir: dir, DatabaseURL: databaseURL, BaseURL: "http://localhost:8080", SigningAlg: "RS256", LogFormat: "text", LogLevel: "warn"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	a, err := openApp(ctx, cfg, newLogger(cfg, io.Discard))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, a, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	return base
}

func fetch(t *testing.T, url, accept, token, wantType string) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(resp.Header.Get("Content-Type"), wantType) {
		t.Fatalf("GET %s (Accept %s): %d %s\n%.300s", url, accept, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	return string(body)
}

// verifyWithNode checks JWS files with the independent checker in
// test/interop (npm jose and ajv), with the key taken from the served JWKS.
func verifyWithNode(t *testing.T, base string, jwss []string) {
	t.Helper()
	root, _ := filepath.Abs("../..")
	script := filepath.Join(root, "test", "interop", "verify.mjs")
	if _, err := os.Stat(filepath.Join(root, "test", "interop", "node_modules")); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("test/interop/node_modules is missing; run npm ci --prefix test/interop")
		}
		t.Skip("independent check skipped: run npm ci --prefix test/interop first")
	}

	var files []string
	for i, j := range jwss {
		p := filepath.Join(t.TempDir(), "c"+string(rune('0'+i))+".jwt")
		if err := os.WriteFile(p, []byte(j), 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	args := append([]string{script, filepath.Join(root, "schemas", "json", "formal", "achievementcredential.json"), "--jwks", base + "/.well-known/jwks.json"}, files...)
	out, err := exec.Command("node", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("independent verifier rejected the credential: %v\n%s", err, out)
	}
}

func TestTemplateCommand(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := laurel(t, dir, "demo")
	if code != exitOK {
		t.Fatalf("demo: %d\n%s%s", code, out, errOut)
	}
	activity := regexp.MustCompile(`Activity "[^"]+": ([0-9a-f-]{36})`).FindStringSubmatch(out)[1]

	code, out, errOut = laurel(t, dir, "template", "--activity", activity)
	if code != exitOK || !strings.Contains(out, "student_id,name,sessions_attended,sessions_total") {
		t.Errorf("CSV template: exit %d\n%s%s", code, out, errOut)
	}

	xlsx := filepath.Join(dir, "t.xlsx")
	if code, _, errOut := laurel(t, dir, "template", "--activity", activity, "--out", xlsx); code != exitOK {
		t.Fatalf("XLSX template: exit %d\n%s", code, errOut)
	}
	data, err := os.ReadFile(xlsx)
	if err != nil || !bytes.HasPrefix(data, []byte("PK\x03\x04")) {
		t.Errorf("XLSX template is not a workbook: %v", err)
	}

	code, _, errOut = laurel(t, dir, "template", "--activity", "00000000-0000-0000-0000-000000000000")
	if code != exitError || !strings.Contains(errOut, "no activity has id") {
		t.Errorf("unknown activity: exit %d\n%s", code, errOut)
	}
}

func TestMissingMasterKeyIsNotRegenerated(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := laurel(t, dir, "demo"); code != exitOK {
		t.Fatalf("demo: %d\n%s%s", code, out, errOut)
	}
	if err := os.Remove(filepath.Join(dir, "master.key")); err != nil {
		t.Fatal(err)
	}

	code, _, errOut := laurel(t, dir, "activity", "list")
	if code != exitError || !strings.Contains(errOut, "master key") || !strings.Contains(errOut, "restore it from a backup") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(dir, "master.key")); err == nil {
		t.Error("a new master key was generated over the lost one")
	}
}

func TestAwardRejectsOversizedInput(t *testing.T) {
	dir := t.TempDir()
	code, _, errOut := laurel(t, dir, "award", "--activity", "x", "/dev/zero")
	if code != exitError || !strings.Contains(errOut, "larger than 64 MiB") {
		t.Fatalf("exit %d, stderr:\n%s", code, errOut)
	}
}
