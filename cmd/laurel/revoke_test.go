package main

import (
	"encoding/json"
	"flag"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// demoCredentials sets up the demonstration institution in dir, issues the
// sample attendance file and returns the credential URLs and the admin token.
func demoCredentials(t *testing.T, dir string) ([]string, string) {
	t.Helper()
	return demoCredentialsOn(t, dir, "")
}

// demoCredentialsOn is demoCredentials on the database at databaseURL.
func demoCredentialsOn(t *testing.T, dir, databaseURL string) ([]string, string) {
	t.Helper()
	code, out, errOut := laurelOn(t, dir, databaseURL, "demo")
	if code != exitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}
	activity := regexp.MustCompile(`Activity "[^"]+": ([0-9a-f-]{36})`).FindStringSubmatch(out)
	if activity == nil {
		t.Fatalf("demo printed no activity id:\n%s", out)
	}
	token := lastLine(out)

	code, out, errOut = laurelOn(t, dir, databaseURL, "award", "--json", "--activity", activity[1], filepath.Join(dir, "demo", "attendance-workshop.csv"))
	if code != exitOK {
		t.Fatalf("award: exit %d\n%s%s", code, out, errOut)
	}
	var res struct {
		Credentials []struct{ URL string } `json:"credentials"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || len(res.Credentials) == 0 {
		t.Fatalf("award --json: %v\n%s", err, out)
	}
	urls := make([]string, len(res.Credentials))
	for i, c := range res.Credentials {
		urls[i] = c.URL
	}
	return urls, token
}

func TestRevokeCommand(t *testing.T) {
	dir := t.TempDir()
	urls, _ := demoCredentials(t, dir)
	id := filepath.Base(urls[0])

	code, out, errOut := laurel(t, dir, "revoke", id, "--reason", "awarded to the wrong student")
	if code != exitOK || !strings.Contains(out, "Revoked "+urls[0]) || !strings.Contains(out, "/status/") {
		t.Fatalf("revoke: exit %d\n%s%s", code, out, errOut)
	}
	if !strings.Contains(out, "see it within a minute.") {
		t.Errorf("revoke does not give the status list's lifetime in words:\n%s", out)
	}

	code, _, errOut = laurel(t, dir, "revoke", "--reason", "again", urls[0])
	if code != exitError || !strings.Contains(errOut, "was revoked at") {
		t.Errorf("second revoke: exit %d, stderr:\n%s", code, errOut)
	}

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no reason", []string{"revoke", filepath.Base(urls[1])}, exitUsage, "--reason TEXT"},
		{"blank reason", []string{"revoke", filepath.Base(urls[1]), "--reason", " "}, exitUsage, "--reason TEXT"},
		{"no id", []string{"revoke", "--reason", "x"}, exitUsage, "give one credential id"},
		{"unknown id", []string{"revoke", "00000000-0000-4000-8000-000000000000", "--reason", "x"}, exitError, "no credential has id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := laurel(t, dir, tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d, want %d; stderr does not contain %q:\n%s%s", code, tt.wantCode, tt.wantErr, out, errOut)
			}
		})
	}
}

func TestReissueCommand(t *testing.T) {
	dir := t.TempDir()
	urls, _ := demoCredentials(t, dir)

	code, out, errOut := laurel(t, dir, "reissue", urls[0]+".jwt", "--reason", "name corrected in the register")
	if code != exitOK || !strings.Contains(out, "Re-issued "+urls[0]) {
		t.Fatalf("reissue: exit %d\n%s%s", code, out, errOut)
	}
	next := regexp.MustCompile(`(?m)^(http\S+/credentials/[0-9a-f-]{36})$`).FindStringSubmatch(out)
	if next == nil || next[1] == urls[0] {
		t.Fatalf("reissue printed no new credential URL:\n%s", out)
	}

	code, _, errOut = laurel(t, dir, "reissue", urls[0], "--reason", "again")
	if code != exitError || !strings.Contains(errOut, "replaced by "+next[1]) {
		t.Errorf("reissue of the replaced credential: exit %d, stderr:\n%s", code, errOut)
	}
}

func TestParseInterspersed(t *testing.T) {
	tests := []struct {
		name           string
		args           []string
		wantPositional []string
		wantReason     string
	}{
		{"flags first", []string{"--reason", "r", "id"}, []string{"id"}, "r"},
		{"flags last", []string{"id", "--reason", "r"}, []string{"id"}, "r"},
		{"flags between", []string{"a", "--reason=r", "b"}, []string{"a", "b"}, "r"},
		{"double dash ends flags", []string{"a", "--", "--reason", "r"}, []string{"a", "--reason", "r"}, ""},
		{"no arguments", nil, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			reason := fs.String("reason", "", "")
			got, err := parseInterspersed(fs, tt.args)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.wantPositional) || *reason != tt.wantReason {
				t.Errorf("positional %q, reason %q; want %q, %q", got, *reason, tt.wantPositional, tt.wantReason)
			}
		})
	}
}

func TestDurationWords(t *testing.T) {
	tests := []struct {
		d    time.Duration
		want string
	}{
		{60 * time.Second, "a minute"},
		{5 * time.Minute, "5 minutes"},
		{90 * time.Second, "90 seconds"},
		{time.Second, "a second"},
		{1500 * time.Millisecond, "a second"},
		{2 * time.Hour, "2 hours"},
		{90 * time.Minute, "90 minutes"},
		{time.Hour, "an hour"},
		{0, "less than a second"},
	}
	for _, tt := range tests {
		t.Run(tt.d.String(), func(t *testing.T) {
			if got := durationWords(tt.d); got != tt.want {
				t.Errorf("durationWords(%v) = %q, want %q", tt.d, got, tt.want)
			}
		})
	}
}
