package roster

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestReadStudentsSample(t *testing.T) {
	data, err := os.ReadFile("../demo/students.csv")
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadStudents("students.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 400 {
		t.Fatalf("got %d students, want 400", len(got))
	}
	first := got[0]
	if first.Number != "263207592" || first.ChineseName != "陳凱晴" || first.StudyMode != issuer.PartTime || first.YearOfEntry != 2023 || first.Status != issuer.Current {
		t.Errorf("first student = %+v", first)
	}
	if !strings.Contains(first.Programme, "Horticulture, Arboriculture") {
		t.Errorf("quoted programme with comma lost: %q", first.Programme)
	}
}

func TestReadStudents(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		want    int
		wantErr string
	}{
		{"semicolon and leading zeros", "student_id;name;email\r\n00123;Ėglė Šaltė;e@example.edu\r\n", 1, ""},
		{"no-break space trimmed", "student_id,name,email,status\n\u00a000124\u00a0,A B,a@example.edu,graduated\n", 1, ""},
		{"missing email column", "student_id,name\n1,A\n", 0, "email: missing column"},
		{"header only", "student_id,name,email\n", 0, "no students found"},
		{"bad status", "student_id,name,email,status\n1,A,a@example.edu,expelled\n", 0, `line 2: status: "expelled"`},
		{"bad year", "student_id,name,email,year_of_entry\n1,A,a@example.edu,20x4\n", 0, "line 2: year_of_entry"},
		{"not utf-8", "student_id,name,email\n1,Ren\xe9,a@example.edu\n", 0, "not UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadStudents("s.csv", []byte(tt.file))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				if !errors.Is(err, issuer.ErrInvalid) {
					t.Errorf("error %v does not wrap ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.want {
				t.Fatalf("got %d students, want %d", len(got), tt.want)
			}
			if strings.HasPrefix(got[0].Number, "0012") && got[0].Number != "00123" && got[0].Number != "00124" {
				t.Errorf("student id = %q", got[0].Number)
			}
		})
	}
}

// FuzzReadStudents checks that no file makes ReadStudents panic, and that
// every student it returns passes the checks the import applies.
func FuzzReadStudents(f *testing.F) {
	sample, err := os.ReadFile("../demo/students.csv")
	if err != nil {
		f.Fatal(err)
	}
	f.Add("students.csv", sample[:2000])
	f.Add("s.csv", []byte("student_id;name;email\r\n00123;A;a@example.edu\r\n"))
	f.Add("s.xlsx", []byte("PK\x03\x04garbage"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		students, err := ReadStudents(name, data)
		if err != nil {
			if !errors.Is(err, issuer.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		for _, st := range students {
			if st.StudyMode == "" || st.Status == "" {
				t.Fatalf("student %+v has no study mode or status", st)
			}
		}
	})
}
