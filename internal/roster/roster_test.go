package roster

import (
	"archive/zip"
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

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
		{"bad personal email", "student_id,name,email,personal_email\n1,A,a@example.edu,a@example.edu\n2,B,b@example.edu,Bo <bo@example.com>\n", 0, `line 3: personal_email: "Bo <bo@example.com>"`},
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

func TestReadStudentsLineBreaksAndDelimiters(t *testing.T) {
	rows := []string{"student_id", "name", "email", "00123", "Ann Lee", "a@example.edu", "00124", "Bo Chan", "b@example.edu"}
	table := func(delimiter, lineBreak string) string {
		return strings.Join(rows[0:3], delimiter) + lineBreak + strings.Join(rows[3:6], delimiter) + lineBreak + strings.Join(rows[6:9], delimiter) + lineBreak
	}
	tests := []struct {
		name string
		file string
	}{
		{"lone carriage returns", table(",", "\r")},
		{"lone carriage returns with semicolons", table(";", "\r")},
		{"tabs", table("\t", "\n")},
		{"vertical bars", table("|", "\r\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadStudents("s.csv", []byte(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 2 || got[0].Number != "00123" || got[1].Email != "b@example.edu" {
				t.Errorf("students = %+v, %+v; want 00123 and 00124", got[0], got[len(got)-1])
			}
		})
	}
}

func TestReadStudentsDiagnosesWrongFiles(t *testing.T) {
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n")
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	docx := zipWith(t, "[Content_Types].xml", "word/document.xml")
	tests := []struct {
		name    string
		file    []byte
		wantErr []string
	}{
		{"pdf", pdf, []string{"s.csv is a PDF document", "XLSX or as CSV UTF-8"}},
		{"png", png, []string{"s.csv is a PNG image"}},
		{"docx", docx, []string{"s.csv is a Word document (.docx)"}},
		{"utf-16", []byte("s\x00t\x00u\x00d\x00e\x00n\x00t\x00_\x00i\x00d\x00,\x00n\x00"), []string{"UTF-16"}},
		{"colon delimiter", []byte("student_id:name:email\n00123:Ann:a@example.edu\n"), []string{"seems to use ':' between columns"}},
		{"scientific notation id", []byte("student_id,name,email\n2.63E+08,Ann,a@example.edu\n"), []string{"line 2", `"2.63E+08"`, "scientific notation", "format the student_id column as Text"}},
		{"unclosed quote", []byte("student_id,name,email\n00123,\"Ann,a@example.edu\n"), []string{"from line 2", `two quotes ("")`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadStudents("s.csv", tt.file)
			if !errors.Is(err, issuer.ErrInvalid) {
				t.Fatalf("got error %v, want ErrInvalid", err)
			}
			for _, part := range tt.wantErr {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error lacks %q: %v", part, err)
				}
			}
			if strings.Contains(err.Error(), "not UTF-8") || strings.Contains(err.Error(), "missing column") {
				t.Errorf("error blames the encoding or the columns: %v", err)
			}
		})
	}
}

func zipWith(tb testing.TB, names ...string) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range names {
		if _, err := zw.Create(name); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestReadStudentsPersonalEmailAndStatus(t *testing.T) {
	tests := []struct {
		name       string
		file       string
		wantEmail  []string
		wantStatus []issuer.StudentStatus
	}{
		{
			"snake case headers",
			"student_id,name,email,personal_email,status\n1,A,a@example.edu,a@example.com,graduated\n2,B,b@example.edu,,\n",
			[]string{"a@example.com", ""},
			[]issuer.StudentStatus{issuer.Graduated, ""},
		},
		{
			"spreadsheet headers",
			"Student ID,Name,Email,Personal Email,Student Status\n1,A,a@example.edu,\u00a0a@example.com ,Alumni\n2,B,b@example.edu, ,Current\n",
			[]string{"a@example.com", ""},
			[]issuer.StudentStatus{issuer.Graduated, issuer.Current},
		},
		{
			"hyphenated e-mail header",
			"student_id;name;email;Personal E-mail\n1;A;a@example.edu;a@example.com\n",
			[]string{"a@example.com"},
			[]issuer.StudentStatus{""},
		},
		{
			"no optional columns",
			"student_id,name,email\n1,A,a@example.edu\n",
			[]string{""},
			[]issuer.StudentStatus{""},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadStudents("s.csv", []byte(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.wantEmail) {
				t.Fatalf("got %d students, want %d", len(got), len(tt.wantEmail))
			}
			for i, st := range got {
				if st.PersonalEmail != tt.wantEmail[i] {
					t.Errorf("student %s: PersonalEmail = %q, want %q", st.Number, st.PersonalEmail, tt.wantEmail[i])
				}
				if st.Status != tt.wantStatus[i] {
					t.Errorf("student %s: Status = %q, want %q", st.Number, st.Status, tt.wantStatus[i])
				}
			}
		})
	}
}

func TestReadStudentsXLSXPersonalEmail(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	rows := [][]any{
		{"Student ID", "Name", "Email", "Personal Email", "Status"},
		{"00123", "A", "a@example.edu", "a@example.com", "graduated"},
		{"00124", "B", "b@example.edu", "", ""},
	}
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}

	got, err := ReadStudents("students.xlsx", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("got %d students, want 2", len(got))
	}
	if got[0].PersonalEmail != "a@example.com" || got[0].Status != issuer.Graduated {
		t.Errorf("first student = %+v, want personal email a@example.com and graduated", got[0])
	}
	if got[1].PersonalEmail != "" || got[1].Status != "" {
		t.Errorf("second student = %+v, want blank personal email and status", got[1])
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
	f.Add("s.csv", []byte("Student ID,Name,Email,Personal Email,Status\n1,A,a@example.edu,a@example.com,alumni\n2,B,b@example.edu,,\n"))
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		students, err := ReadStudents(name, data)
		if err != nil {
			if !errors.Is(err, issuer.ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		for _, st := range students {
			if st.StudyMode == "" {
				t.Fatalf("student %+v has no study mode", st)
			}
			if st.Status != "" && st.Status != issuer.Current && st.Status != issuer.Graduated {
				t.Fatalf("student %+v has status %q", st, st.Status)
			}
			if st.PersonalEmail != "" {
				if err := issuer.CheckPersonalEmail(st.PersonalEmail); err != nil {
					t.Fatalf("student %+v: %v", st, err)
				}
			}
		}
	})
}
