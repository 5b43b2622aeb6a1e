package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vectorPath returns a signed example from the verifier's test data. The
// JWT examples carry their key in the header, so verifying them needs no
// network.
func vectorPath(name string) string {
	return filepath.Join("..", "..", "verifier", "testdata", "vectors", name)
}

// tamperedCopy writes a copy of a vector whose payload has one character
// changed.
func tamperedCopy(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(vectorPath(name))
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(strings.TrimSpace(string(data)), ".")
	p := []byte(parts[1])
	if p[40] == 'A' {
		p[40] = 'B'
	} else {
		p[40] = 'A'
	}
	parts[1] = string(p)
	path := filepath.Join(t.TempDir(), "tampered.jwt")
	if err := os.WriteFile(path, []byte(strings.Join(parts, ".")), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestVerifyCommandExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"valid with warnings", []string{"verify", vectorPath("v1.0.13-ex1-docformat-sample.jwt")}, exitOK, "Verdict: VALID WITH WARNINGS"},
		{"report names the badge", []string{"verify", vectorPath("v1.0.14-ex7-skill-case.jwt")}, exitOK, "Issuer:     1EdTech University (https://1edtech.edu/issuers/565049)"},
		{"tampered", []string{"verify", tamperedCopy(t, "v1.0.13-ex1-docformat-sample.jwt")}, exitError, "Verdict: INVALID"},
		{"Data Integrity proof", []string{"verify", vectorPath("impl-guide-eddsa-rdfc-2022.json")}, exitOK, "The proof uses eddsa-rdfc-2022."},
		{"endorsement", []string{"verify", vectorPath("v1.0.14-ex4-endorsement.jwt")}, exitError, "the verdict is invalid"},
		{"email not the recipient", []string{"verify", "--email", "someone.else@example.org", vectorPath("v1.0.14-ex3-complete.jwt")}, exitError, "was not issued to someone.else@example.org"},
		{"no argument", []string{"verify"}, exitUsage, "give one credential"},
		{"two arguments", []string{"verify", "a.jwt", "b.jwt"}, exitUsage, "give one credential"},
		{"missing file", []string{"verify", filepath.Join(t.TempDir(), "none.jwt")}, exitUsage, "no file named"},
		{"unknown flag", []string{"verify", "--strict", "a.jwt"}, exitUsage, "flag provided but not defined"},
		{"help", []string{"verify", "--help"}, exitOK, "for testing against a local server only"},
		{"blocked URL", []string{"verify", "http://10.0.0.1/credentials/1"}, exitError, "only https URLs are fetched"},
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

func TestVerifyCommandJSON(t *testing.T) {
	code, out, errOut := laurel(t, t.TempDir(), "verify", "--json", "--email", "student@1edtech.edu", vectorPath("v1.0.14-ex3-complete.jwt"))
	if code != exitError {
		t.Errorf("exit code %d, want %d (revocation status is not checked yet)\n%s", code, exitError, errOut)
	}

	var r struct {
		Verdict string `json:"verdict"`
		Checks  []struct {
			Name    string `json:"name"`
			Outcome string `json:"outcome"`
			Message string `json:"message"`
		} `json:"checks"`
		Issuer struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"issuer"`
		Credential map[string]any `json:"credential"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, out)
	}
	if r.Verdict != "indeterminate" {
		t.Errorf("verdict %q, want indeterminate", r.Verdict)
	}
	if r.Issuer.Name != "1EdTech University" {
		t.Errorf("issuer name %q", r.Issuer.Name)
	}
	outcomes := map[string]string{}
	for _, c := range r.Checks {
		outcomes[c.Name] = c.Outcome
	}
	for name, want := range map[string]string{"signature": "pass", "recipient": "pass", "status": "skip"} {
		if outcomes[name] != want {
			t.Errorf("check %s = %q, want %q", name, outcomes[name], want)
		}
	}
	if r.Credential["id"] != "http://1edtech.edu/credentials/3732" {
		t.Errorf("credential id %v", r.Credential["id"])
	}
}

func TestVerifyCommandStdinAndURL(t *testing.T) {
	data, err := os.ReadFile(vectorPath("v1.0.14-ex2-basic.jwt"))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("standard input", func(t *testing.T) {
		f, err := os.Open(vectorPath("v1.0.14-ex2-basic.jwt"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		stdin := os.Stdin
		os.Stdin = f
		defer func() { os.Stdin = stdin }()

		code, out, errOut := laurel(t, t.TempDir(), "verify", "-")
		if code != exitOK || !strings.Contains(out, "Issuer:     Example Corp") {
			t.Errorf("exit %d\n%s%s", code, out, errOut)
		}
	})

	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/jwt")
		w.Write(data)
	}))
	t.Cleanup(srv.Close)

	t.Run("local URL with flags", func(t *testing.T) {
		code, out, errOut := laurel(t, t.TempDir(), "verify", "--allow-http", "--allow-private", srv.URL+"/credentials/1")
		if code != exitOK || !strings.Contains(out, "VALID WITH WARNINGS") {
			t.Errorf("exit %d\n%s%s", code, out, errOut)
		}
	})

	blocked := []struct {
		name  string
		flags []string
		want  []string
	}{
		{"local URL without flags", nil, []string{"only https URLs are fetched", "run laurel verify with --allow-http --allow-private."}},
		{"local URL without allow-private", []string{"--allow-http"}, []string{"loopback address", "run laurel verify with --allow-private."}},
	}
	for _, tt := range blocked {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"verify"}, tt.flags...), srv.URL+"/credentials/1")
			code, out, errOut := laurel(t, t.TempDir(), args...)
			if code != exitError {
				t.Errorf("exit %d, want %d\n%s%s", code, exitError, out, errOut)
			}
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			if strings.Contains(out, "Try again later") {
				t.Errorf("output says to try again, which cannot help:\n%s", out)
			}
		})
	}
}

// TestVerifyCommandPDF verifies a PDF that attaches a signed credential
// as credential.jwt, as Laurel's certificates do.
func TestVerifyCommandPDF(t *testing.T) {
	data, err := os.ReadFile(vectorPath("v1.0.14-ex2-basic.jwt"))
	if err != nil {
		t.Fatal(err)
	}
	jws := strings.TrimSpace(string(data))
	pdf := fmt.Sprintf("%%PDF-1.3\n1 0 obj\n<< /Type /Filespec /F (credential.jwt) /EF << /F 2 0 R >> >>\nendobj\n"+
		"2 0 obj\n<< /Type /EmbeddedFile /Length %d >>\nstream\n%s\nendstream\nendobj\n%%%%EOF\n", len(jws), jws)
	path := filepath.Join(t.TempDir(), "certificate.pdf")
	if err := os.WriteFile(path, []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}

	code, out, errOut := laurel(t, t.TempDir(), "verify", path)
	if code != exitOK {
		t.Errorf("exit %d, want %d\n%s%s", code, exitOK, out, errOut)
	}
	if !strings.Contains(out, "Read from:  the credential.jwt attached to a PDF") {
		t.Errorf("report does not say where the credential came from:\n%s", out)
	}
}
