package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/issuer"
)

func TestStudentsGraduateCommand(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := laurel(t, dir, "demo"); code != exitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut := laurel(t, dir, "students", "graduate", "015766261", "S-none", "039898513")
	if code != exitError || !strings.Contains(errOut, "no student has id S-none") || !strings.Contains(errOut, "no student was changed") {
		t.Fatalf("with an unknown id: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = laurel(t, dir, "students", "graduate", "015766261", "039898513")
	if code != exitOK || !strings.Contains(out, "Marked 2 students graduated") {
		t.Fatalf("graduate: exit %d\n%s%s", code, out, errOut)
	}

	db, err := store.Open(context.Background(), filepath.Join(dir, "laurel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	found, err := db.StudentsByNumber(context.Background(), []string{"015766261", "039898513", "263207592"})
	if err != nil {
		t.Fatal(err)
	}
	for number, want := range map[string]issuer.StudentStatus{"015766261": issuer.Graduated, "039898513": issuer.Graduated, "263207592": issuer.Current} {
		if found[number].Status != want {
			t.Errorf("student %s is %s, want %s", number, found[number].Status, want)
		}
	}

	code, _, errOut = laurel(t, dir, "students", "graduate", "--personal-email", "a@example.com", "015766261", "039898513")
	if code != exitUsage || !strings.Contains(errOut, "belongs to one student") {
		t.Errorf("personal email for two students: exit %d\n%s", code, errOut)
	}
	code, out, errOut = laurel(t, dir, "students", "graduate", "149657725", "--personal-email", "ng@example.com")
	if code != exitOK {
		t.Errorf("graduate with a personal email: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, _ := laurel(t, dir, "students", "graduate"); code != exitUsage {
		t.Errorf("no ids: exit %d, want %d", code, exitUsage)
	}
}

// TestImportStudentsGraduates graduates a student through a
// register import with status and personal email columns, then imports a
// register without them: the graduation and the address must stay.
func TestImportStudentsGraduates(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := laurel(t, dir, "demo"); code != exitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}
	files := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(files, name)
		if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return path
	}

	bad := write("bad.csv", "Student ID,Name,Email,Personal Email\n015766261,TSE Cheuk Hin Marco,015766261@stu.example.edu.hk,marco at example.com\n")
	code, out, errOut := laurel(t, dir, "import", "students", bad)
	if code != exitError || !strings.Contains(errOut, `line 2: personal_email: "marco at example.com"`) {
		t.Fatalf("invalid personal email: exit %d\n%s%s", code, out, errOut)
	}

	const columns = "Student ID,Name,Chinese Name,Email,Programme,Year of Entry,Study Mode"
	marcoRow := "015766261,TSE Cheuk Hin Marco,謝卓軒,015766261@stu.example.edu.hk,Bachelor of Science (Honours) in Nursing,2023,full-time"
	natalieRow := "039898513,KWOK Kwan Ho Natalie,郭君豪,039898513@stu.example.edu.hk,Bachelor of Science (Honours) in Nursing,2022,full-time"
	graduates := write("graduates.csv", columns+",Personal Email,Status\n"+
		marcoRow+",marco@example.com,graduated\n"+
		natalieRow+",,\n")
	code, out, errOut = laurel(t, dir, "import", "students", graduates)
	if code != exitOK || !strings.Contains(out, "0 new, 1 updated.") {
		t.Fatalf("import with status: exit %d\n%s%s", code, out, errOut)
	}

	plain := write("plain.csv", columns+"\n"+strings.Replace(marcoRow, "015766261@", "marco.tse@", 1)+"\n")
	code, out, errOut = laurel(t, dir, "import", "students", plain)
	if code != exitOK || !strings.Contains(out, "1 updated") {
		t.Fatalf("import without status: exit %d\n%s%s", code, out, errOut)
	}

	db, err := store.Open(context.Background(), filepath.Join(dir, "laurel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	found, err := db.StudentsByNumber(context.Background(), []string{"015766261", "039898513"})
	if err != nil {
		t.Fatal(err)
	}
	marco, natalie := found["015766261"], found["039898513"]
	if marco.Status != issuer.Graduated {
		t.Errorf("student 015766261 is %s, want graduated", marco.Status)
	}
	if marco.PersonalEmail != "marco@example.com" {
		t.Errorf("student 015766261 has personal email %q, want marco@example.com", marco.PersonalEmail)
	}
	if marco.Email != "marco.tse@stu.example.edu.hk" {
		t.Errorf("student 015766261 has email %q, want the one imported last", marco.Email)
	}
	if natalie.Status != issuer.Current || natalie.PersonalEmail != "" {
		t.Errorf("student 039898513 = %s with personal email %q, want current with none", natalie.Status, natalie.PersonalEmail)
	}
}

func TestStudentsUpdateCommand(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := laurel(t, dir, "demo"); code != exitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}

	tests := []struct {
		name      string
		args      []string
		wantCode  int
		wantText  string
		wantState string
	}{
		{"graduate with address", []string{"--status", "graduated", "--personal-email", "marco@example.com"}, exitOK,
			"Student 015766261 is graduated; personal email: marco@example.com.", "graduated marco@example.com"},
		{"status only keeps address", []string{"--status", "current"}, exitOK,
			"personal email: marco@example.com.", "current marco@example.com"},
		{"empty address removes it", []string{"--personal-email", ""}, exitOK,
			"personal email: none.", "current "},
		{"invalid address", []string{"--personal-email", "marco@"}, exitError,
			`personal_email: "marco@"`, "current "},
		{"invalid status", []string{"--status", "expelled"}, exitError,
			`status: "expelled"`, "current "},
		{"no change", nil, exitUsage, "give --status, --personal-email or both", "current "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := laurel(t, dir, append([]string{"students", "update", "015766261"}, tt.args...)...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(out+errOut, tt.wantText) {
				t.Errorf("output does not contain %q:\n%s%s", tt.wantText, out, errOut)
			}
			if got := storedStudentState(t, dir, "015766261"); got != tt.wantState {
				t.Errorf("stored state %q, want %q", got, tt.wantState)
			}
		})
	}

	code, _, errOut := laurel(t, dir, "students", "update", "S-none", "--status", "graduated")
	if code != exitError || !strings.Contains(errOut, `no student has id "S-none"`) {
		t.Errorf("unknown student: exit %d\n%s", code, errOut)
	}
}

// storedStudentState returns a student's status and personal email as
// "status email".
func storedStudentState(t *testing.T, dir, number string) string {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(dir, "laurel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	found, err := db.StudentsByNumber(context.Background(), []string{number})
	if err != nil {
		t.Fatal(err)
	}
	if found[number] == nil {
		t.Fatalf("student %s not found", number)
	}
	return string(found[number].Status) + " " + found[number].PersonalEmail
}
