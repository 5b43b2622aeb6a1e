package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestOutputPathErrors(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no-such-folder")
	folder := filepath.Join(t.TempDir(), "out.csv")
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"export to missing folder", []string{"export", "awards", "--out", filepath.Join(missing, "x.csv")}, "the folder " + missing + " does not exist; create it or choose another --out"},
		{"template to missing folder", []string{"template", "--activity", "a1", "--out", filepath.Join(missing, "t.xlsx")}, "the folder " + missing + " does not exist; create it or choose another --out"},
		{"backup to missing folder", []string{"backup", filepath.Join(missing, "b.db")}, "the folder " + missing + " does not exist; create it or choose another backup file"},
		{"export onto a folder", []string{"export", "awards", "--out", folder}, folder + " is a folder; give a file name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := laurel(t, t.TempDir(), tt.args...)
			if code != exitError {
				t.Errorf("exit code %d, want %d", code, exitError)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.wantErr, errOut)
			}
			if strings.Contains(errOut, ".partial") || strings.Contains(errOut, ".export-") {
				t.Errorf("stderr names a temporary file:\n%s", errOut)
			}
		})
	}
}
