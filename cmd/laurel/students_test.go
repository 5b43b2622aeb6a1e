package main

import (
	"context"
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
