package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/laurel-badges/laurel/internal/store/storetest"
)

// TestCommandsRejectControlText passes control characters through the
// files and flags of the commands, on both stores. Each command must fail
// with a message that names the line or field, and store nothing.
func TestCommandsRejectControlText(t *testing.T) {
	databases := []struct {
		name string
		url  func(testing.TB) string
	}{
		{"sqlite", func(testing.TB) string { return "" }},
		{"postgres", storetest.PostgresURL},
	}
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			dir, databaseURL := t.TempDir(), db.url(t)
			if code, out, errOut := laurelOn(t, dir, databaseURL, "demo"); code != exitOK {
				t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
			}
			files := t.TempDir()

			tests := []struct {
				name string
				args []string
				want string
			}{
				{"students CSV", []string{"import", "students", writeFile(t, files, "esc.csv",
					"student_id,name,email\nT9001,Ann\x1b LEE,t9001@stu.example.edu\n")},
					"line 2: name: contains a control character U+001B at position 4; remove it"},
				// A NUL byte marks the file as binary before any cell is read.
				{"students CSV with NUL", []string{"import", "students", writeFile(t, files, "nul.csv",
					"student_id,name,email\nT9001,Ann\x00 LEE,t9001@stu.example.edu\n")},
					"is a binary file, not a student register"},
				// A workbook holds a control character in the escaped form
				// _xHHHH_ of Office Open XML, which excelize decodes.
				{"students XLSX", []string{"import", "students", writeXLSX(t, files, "esc.xlsx",
					[][]string{{"student_id", "name", "email", "programme"}, {"T9002", "Bo WONG", "t9002@stu.example.edu", "BBA_x001B_[2J"}})},
					"line 2: programme: contains a control character U+001B at position 4"},
				{"achievements JSON", []string{"import", "achievements", writeFile(t, files, "nul.json",
					`{"achievements": [{"code": "NEW", "name": "New\u0000", "description": "d", "criteria": "c"}]}`)},
					"name: contains a control character U+0000 at position 4"},
				{"profile flag", []string{"profile", "set", "--name", "Example\x1bCollege"},
					"name: contains a control character U+001B at position 8"},
				{"activity flag", []string{"activity", "create", "--title", "Career\nDay", "--unit", "Careers Centre",
					"--start", "2026-03-02", "--hours", "3", "--achievements", "IPC"},
					"title: contains a line break at position 7"},
				{"activity unit flag", []string{"activity", "create", "--title", "Career Day", "--unit", "U/../..",
					"--start", "2026-03-02", "--hours", "3", "--achievements", "IPC"},
					`unit: "U/../.." contains a slash`},
				{"token flag", []string{"token", "create", "--role", "organiser", "--name", "Bot\x00"},
					"name: contains a control character U+0000 at position 4"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					code, out, errOut := laurelOn(t, dir, databaseURL, tt.args...)
					if code != exitError || !strings.Contains(errOut, tt.want) {
						t.Errorf("exit %d, want %d with %q\n%s%s", code, exitError, tt.want, out, errOut)
					}
				})
			}

			code, out, errOut := laurelOn(t, dir, databaseURL, "activity", "list")
			if code != exitOK || strings.Count(out, "\n") != 2 {
				t.Errorf("activity list: exit %d, want the header and the demo activity only\n%s%s", code, out, errOut)
			}
		})
	}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func writeXLSX(t *testing.T, dir, name string, rows [][]string) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, name)
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}
