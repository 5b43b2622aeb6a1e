package main

import (
	"strings"
	"testing"
)

func TestUsageErrorsAreShort(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		command string
		wantErr string
	}{
		{"revoke without reason", []string{"revoke", "abc"}, "revoke", "laurel revoke: give one credential id (or its URL) and --reason TEXT"},
		{"unknown export", []string{"export", "bogus"}, "export", `laurel export: unknown export "bogus"`},
		{"verify without argument", []string{"verify", "--json"}, "verify", "laurel verify: give one credential"},
		{"unknown flag", []string{"award", "--bogus"}, "award", "laurel award: flag provided but not defined: -bogus"},
		{"flag without value", []string{"template", "--activity"}, "template", "laurel template: flag needs an argument: -activity"},
		{"two-word command", []string{"keys", "revoke"}, "keys revoke", "laurel keys revoke: give the id of the compromised key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := laurel(t, t.TempDir(), tt.args...)
			if code != exitUsage {
				t.Errorf("exit code %d, want %d", code, exitUsage)
			}
			if out != "" {
				t.Errorf("standard output is not empty:\n%s", out)
			}
			lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
			if len(lines) != 3 {
				t.Fatalf("got %d lines, want the error, the usage and the hint:\n%s", len(lines), errOut)
			}
			if !strings.HasPrefix(lines[0], tt.wantErr) {
				t.Errorf("first line %q does not start with %q", lines[0], tt.wantErr)
			}
			if !strings.HasPrefix(lines[1], "Usage: laurel "+tt.command+" ") {
				t.Errorf("second line %q is not the usage of %s", lines[1], tt.command)
			}
			if want := "Run laurel " + tt.command + " -h for all options."; lines[2] != want {
				t.Errorf("third line %q, want %q", lines[2], want)
			}
		})
	}
}

func TestCommandHelpListsFlags(t *testing.T) {
	code, out, errOut := laurel(t, t.TempDir(), "revoke", "-h")
	if code != exitOK {
		t.Fatalf("exit code %d, want %d\n%s", code, exitOK, errOut)
	}
	if errOut != "" {
		t.Errorf("help went to standard error:\n%s", errOut)
	}
	for _, want := range []string{"Usage: laurel revoke --reason TEXT [flags] CREDENTIAL_ID", "-reason string", "-data-dir string", "LAUREL_DATA_DIR"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q:\n%s", want, out)
		}
	}
	own, shared := strings.Index(out, "-reason"), strings.Index(out, "Settings of every command")
	if own < 0 || shared < 0 || own > shared {
		t.Errorf("the command's own flags do not come before the shared settings:\n%s", out)
	}
}
