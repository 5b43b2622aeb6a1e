package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestExportCommand(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := laurel(t, dir, "demo"); code != exitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut := laurel(t, dir, "export", "student-badges")
	if code != exitOK {
		t.Fatalf("export to stdout: exit %d\n%s", code, errOut)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(out, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	if len(records) != 401 || records[0][0] != "student_id" {
		t.Errorf("got %d records starting %q, want the header and the 400 demo students", len(records), records[0])
	}

	file := filepath.Join(t.TempDir(), "activities.xlsx")
	if code, _, errOut := laurel(t, dir, "export", "activities", "--out", file); code != exitOK {
		t.Fatalf("export to xlsx: exit %d\n%s", code, errOut)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Activities")
	if err != nil {
		t.Fatalf("GetRows: %v", err)
	}
	if len(rows) != 2 {
		t.Errorf("got %d rows, want the header and the demo activity", len(rows))
	}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown dataset", []string{"export", "grades"}, `unknown export "grades"`},
		{"no dataset", []string{"export"}, "give one export"},
		{"unknown extension", []string{"export", "awards", "--out", filepath.Join(t.TempDir(), "a.pdf")}, "name the file .xlsx or .csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := laurel(t, dir, tt.args...)
			if code != exitUsage || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, exitUsage, tt.want)
			}
		})
	}
}
