package attendance

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// parseCSVText parses text as a CSV upload and fails the test on a Go error.
func parseCSVText(tb testing.TB, text string, opt Options) *Sheet {
	tb.Helper()
	sheet, err := Parse("attendance.csv", []byte(text), opt)
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return sheet
}

// problemKey is the part of a Problem that tests compare exactly.
type problemKey struct {
	Line    int
	Column  string
	Code    string
	Warning bool
}

func keys(problems []Problem) []problemKey {
	out := make([]problemKey, len(problems))
	for i, p := range problems {
		out[i] = problemKey{p.Line, p.Column, p.Code, p.Warning}
	}
	return out
}

func rowIDs(rows []Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.StudentNumber
	}
	return out
}

// checkProblemsWellFormed asserts the contract every Problem must meet.
func checkProblemsWellFormed(tb testing.TB, sheet *Sheet) {
	tb.Helper()
	for _, p := range sheet.Problems {
		if p.Code == "" || p.Message == "" {
			tb.Errorf("problem without code or message: %+v", p)
		}
		if p.Line < 0 {
			tb.Errorf("problem with negative line: %+v", p)
		}
	}
}

const sampleHeader = "student_id,name,sessions_attended,sessions_total,assessment,remarks\n"

func TestParseProblemCodes(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		opt       Options
		want      []problemKey
		wantRows  []string
		wantValue string // expected in the first problem's Value and Message
	}{
		{
			name: "empty file",
			text: "",
			want: []problemKey{{0, "", CodeEmptyFile, false}},
		},
		{
			name: "blank lines only",
			text: "\r\n,,,\n  \n",
			want: []problemKey{{0, "", CodeEmptyFile, false}},
		},
		{
			name: "header only",
			text: sampleHeader,
			want: []problemKey{{0, "", CodeEmptyFile, false}},
		},
		{
			name: "missing columns",
			text: "student_id,name\nS0001,Ann\n",
			want: []problemKey{
				{1, ColumnSessionsAttended, CodeMissingColumn, false},
				{1, ColumnSessionsTotal, CodeMissingColumn, false},
			},
		},
		{
			name: "duplicate column",
			text: "student_id,sessions_attended,sessions_total,Student ID\nS0001,1,1,S0002\n",
			want: []problemKey{{1, ColumnStudentID, CodeDuplicateColumn, false}},
		},
		{
			name:      "missing student id",
			text:      sampleHeader + ",Ann,1,2,,\nS0002,Bo,2,2,,\n",
			want:      []problemKey{{2, ColumnStudentID, CodeMissingValue, false}},
			wantRows:  []string{"S0002"},
			wantValue: "",
		},
		{
			name:      "missing sessions",
			text:      sampleHeader + "S0001,Ann,,4,,\n",
			want:      []problemKey{{2, ColumnSessionsAttended, CodeMissingValue, false}},
			wantValue: "",
		},
		{
			name:      "malformed id",
			text:      sampleHeader + "S-01,Ann,1,2,,\nS0002,Bo,2,2,,\n",
			want:      []problemKey{{2, ColumnStudentID, CodeMalformedID, false}},
			wantRows:  []string{"S0002"},
			wantValue: "S-01",
		},
		{
			name:      "malformed id custom pattern",
			text:      sampleHeader + "S0001,Ann,1,2,,\n",
			opt:       Options{StudentIDPattern: regexp.MustCompile(`^\d{9}$`)},
			want:      []problemKey{{2, ColumnStudentID, CodeMalformedID, false}},
			wantValue: "S0001",
		},
		{
			name:      "malformed number fraction",
			text:      sampleHeader + "S0001,Ann,3.5,4,,\n",
			want:      []problemKey{{2, ColumnSessionsAttended, CodeMalformedNumber, false}},
			wantValue: "3.5",
		},
		{
			name:      "malformed number negative",
			text:      sampleHeader + "S0001,Ann,2,-4,,\n",
			want:      []problemKey{{2, ColumnSessionsTotal, CodeMalformedNumber, false}},
			wantValue: "-4",
		},
		{
			name:      "malformed number text",
			text:      sampleHeader + "S0001,Ann,all,4,,\n",
			want:      []problemKey{{2, ColumnSessionsAttended, CodeMalformedNumber, false}},
			wantValue: "all",
		},
		{
			name:      "malformed number too large",
			text:      sampleHeader + "S0001,Ann,2,123456789,,\n",
			want:      []problemKey{{2, ColumnSessionsTotal, CodeMalformedNumber, false}},
			wantValue: "123456789",
		},
		{
			name:      "zero total",
			text:      sampleHeader + "S0001,Ann,0,0,,\n",
			want:      []problemKey{{2, ColumnSessionsTotal, CodeZeroTotal, false}},
			wantValue: "0",
		},
		{
			name:      "attended exceeds total",
			text:      sampleHeader + "S0001,Ann,5,4,,\n",
			want:      []problemKey{{2, ColumnSessionsAttended, CodeAttendedExceedsTotal, false}},
			wantValue: "5",
		},
		{
			name:      "duplicate row",
			text:      sampleHeader + "S0001,Ann,4,4,,\nS0002,Bo,4,4,,\ns0001,Ann,3,4,,\n",
			want:      []problemKey{{4, ColumnStudentID, CodeDuplicateRow, false}},
			wantRows:  []string{"S0001", "S0002"},
			wantValue: "s0001",
		},
		{
			name:      "invalid assessment",
			text:      sampleHeader + "S0001,Ann,4,4,merit,\n",
			want:      []problemKey{{2, ColumnAssessment, CodeInvalidAssessment, false}},
			wantValue: "merit",
		},
		{
			name:      "invalid withhold",
			text:      "student_id,sessions_attended,sessions_total,withhold\nS0001,4,4,maybe\n",
			want:      []problemKey{{2, ColumnWithhold, CodeInvalidWithhold, false}},
			wantValue: "maybe",
		},
		{
			name: "invalid encoding",
			text: sampleHeader + "S0001,Jos\xe9,4,4,,\nS0002,Bo,4,4,,\n",
			want: []problemKey{{2, ColumnName, CodeInvalidEncoding, false}},
			// The Latin-1 é is shown as U+FFFD, never re-encoded.
			wantRows:  []string{"S0002"},
			wantValue: "Jos\uFFFD",
		},
		{
			name:     "malformed csv",
			text:     sampleHeader + "S0001,\"Ann \"The\" Lee\",4,4,,\nS0002,Bo,4,4,,\n",
			want:     []problemKey{{2, "", CodeMalformedCSV, false}},
			wantRows: []string{"S0002"},
		},
		{
			name: "too many rows",
			text: sampleHeader + "S0001,Ann,4,4,,\nS0002,Bo,4,4,,\nS0003,Cy,4,4,,\n",
			opt:  Options{MaxRows: 2},
			want: []problemKey{{0, "", CodeTooManyRows, false}},
		},
		{
			name: "unreadable file",
			text: "this is not a workbook",
			want: []problemKey{{0, "", CodeUnreadableFile, false}},
		},
		{
			name: "lost leading zeros",
			text: sampleHeader + "00120,Ann,4,4,,\n00121,Bo,4,4,,\n00122,Cy,4,4,,\n0123,Di,4,4,,\n",
			want: []problemKey{{5, ColumnStudentID, CodeLostLeadingZeros, true}},
			// A warning does not drop the row.
			wantRows:  []string{"00120", "00121", "00122", "0123"},
			wantValue: "0123",
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			filename := "attendance.csv"
			if tt.name == "unreadable file" {
				filename = "attendance.xlsx"
			}
			sheet, err := Parse(filename, []byte(tt.text), tt.opt)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			checkProblemsWellFormed(t, sheet)

			if got := keys(sheet.Problems); !slices.Equal(got, tt.want) {
				t.Fatalf("problems = %+v, want %+v\nmessages: %v", got, tt.want, sheet.Problems)
			}
			if got := rowIDs(sheet.Rows); !slices.Equal(got, tt.wantRows) && !(len(got) == 0 && len(tt.wantRows) == 0) {
				t.Errorf("rows = %q, want %q", got, tt.wantRows)
			}
			if tt.wantValue != "" {
				p := sheet.Problems[0]
				if p.Value != tt.wantValue {
					t.Errorf("Value = %q, want %q", p.Value, tt.wantValue)
				}
				if !strings.Contains(p.Message, fmt.Sprintf("%q", tt.wantValue)) && !strings.Contains(p.Message, tt.wantValue) {
					t.Errorf("message %q does not name the value %q", p.Message, tt.wantValue)
				}
			}
		})
	}
}

func TestParseSamples(t *testing.T) {
	for _, name := range []string{"attendance-workshop.csv", "attendance-workshop.xlsx"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile("testdata/" + name)
			if err != nil {
				t.Fatal(err)
			}
			sheet, err := Parse(name, data, Options{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}

			if len(sheet.Rows) != 60 {
				t.Errorf("rows = %d, want 60", len(sheet.Rows))
			}
			if sheet.HasBlockingProblems() {
				t.Errorf("blocking problems: %v", sheet.Problems)
			}
			first := Row{Line: 2, StudentNumber: "015766261", Name: "TSE Cheuk Hin Marco", SessionsAttended: 4, SessionsTotal: 4, Assessment: "pass"}
			if len(sheet.Rows) > 0 && sheet.Rows[0] != first {
				t.Errorf("first row = %+v, want %+v", sheet.Rows[0], first)
			}
			if last := sheet.Rows[len(sheet.Rows)-1]; last.Line != 61 {
				t.Errorf("last row line = %d, want 61", last.Line)
			}
		})
	}
}

// TestParseSamplesAgree checks that the CSV and XLSX samples, which hold the
// same table, parse to the same rows.
func TestParseSamplesAgree(t *testing.T) {
	var sheets []*Sheet
	for _, name := range []string{"attendance-workshop.csv", "attendance-workshop.xlsx"} {
		data, err := os.ReadFile("testdata/" + name)
		if err != nil {
			t.Fatal(err)
		}
		sheet, err := Parse(name, data, Options{})
		if err != nil {
			t.Fatalf("Parse %s: %v", name, err)
		}
		sheets = append(sheets, sheet)
	}
	if !slices.Equal(sheets[0].Rows, sheets[1].Rows) {
		t.Errorf("csv and xlsx rows differ")
	}
}

func TestParseSemicolonWithDecimalComma(t *testing.T) {
	text := "email;name;student_id;score;sessions_attended;sessions_total\r\n" +
		"learner.one@example.org;Learner One;00123;8,5;3;4\r\n" +
		"learner.two@example.org;\"Two; Learner\";00124;7,25;4,0;4\r\n"
	sheet := parseCSVText(t, text, Options{})

	if sheet.Delimiter != ";" {
		t.Errorf("delimiter = %q, want \";\"", sheet.Delimiter)
	}
	if len(sheet.Problems) != 0 {
		t.Fatalf("problems: %v", sheet.Problems)
	}
	want := []Row{
		{Line: 2, StudentNumber: "00123", Name: "Learner One", SessionsAttended: 3, SessionsTotal: 4},
		{Line: 3, StudentNumber: "00124", Name: "Two; Learner", SessionsAttended: 4, SessionsTotal: 4},
	}
	if !slices.Equal(sheet.Rows, want) {
		t.Errorf("rows = %+v, want %+v", sheet.Rows, want)
	}
}

func TestParseSepLine(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		delimiter string
	}{
		{"semicolon", "sep=;\r\nstudent_id;sessions_attended;sessions_total\r\n00123;8;10\r\n", ";"},
		{"quoted", "\"sep=;\"\nstudent_id;sessions_attended;sessions_total\n00123;8;10\n", ";"},
		{"after bom", "\ufeffSEP=|\nstudent_id|sessions_attended|sessions_total\n00123|8|10\n", "|"},
		// The header would suggest comma, but the sep= line decides.
		{"overrides detection", "sep=\t\nstudent_id\tsessions_attended\tsessions_total\n00123\t8\t10\n", "\t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := parseCSVText(t, tt.text, Options{})
			if sheet.Delimiter != tt.delimiter {
				t.Errorf("delimiter = %q, want %q", sheet.Delimiter, tt.delimiter)
			}
			if len(sheet.Problems) != 0 {
				t.Fatalf("problems: %v", sheet.Problems)
			}
			want := []Row{{Line: 2, StudentNumber: "00123", SessionsAttended: 8, SessionsTotal: 10}}
			if !slices.Equal(sheet.Rows, want) {
				t.Errorf("rows = %+v, want %+v", sheet.Rows, want)
			}
		})
	}
}

func TestParseDelimiterDetection(t *testing.T) {
	tests := []struct {
		name   string
		header string
		want   string
	}{
		{"comma", "student_id,sessions_attended,sessions_total", ","},
		{"semicolon", "student_id;sessions_attended;sessions_total", ";"},
		{"tab", "student_id\tsessions_attended\tsessions_total", "\t"},
		{"quoted commas ignored", "\"a,b,c,d\";student_id;sessions_attended;sessions_total", ";"},
		{"single column", "student_id", ","},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := parseCSVText(t, "\n"+tt.header+"\n", Options{})
			if sheet.Delimiter != tt.want {
				t.Errorf("delimiter = %q, want %q", sheet.Delimiter, tt.want)
			}
		})
	}
}

func TestParseTrimsUnicodeSpaces(t *testing.T) {
	text := "\ufeff Student ID ,\u00a0Name\u00a0,Attended,Total Sessions,Assessment,Remarks\r\n" +
		"\u00a0S0001\u00a0 ,\u2003Learner One\u00a0,\u00a04\u00a0,4\u200b, PASSED\u3000,\u00a0\r\n"
	sheet := parseCSVText(t, text, Options{})

	if len(sheet.Problems) != 0 {
		t.Fatalf("problems: %v", sheet.Problems)
	}
	want := []Row{{Line: 2, StudentNumber: "S0001", Name: "Learner One", SessionsAttended: 4, SessionsTotal: 4, Assessment: "pass"}}
	if !slices.Equal(sheet.Rows, want) {
		t.Errorf("rows = %+v, want %+v", sheet.Rows, want)
	}
}

func TestParseLineNumbers(t *testing.T) {
	// Line 3 is blank and line 4 a row of empty cells: both are skipped but
	// still counted, as a text editor and a spreadsheet both show them.
	text := "student_id,sessions_attended,sessions_total\n" +
		"S0001,1,1\n" +
		"\n" +
		",,\n" +
		"S0002,x,1\n" +
		"S0003,1,1\n"
	sheet := parseCSVText(t, text, Options{})

	if got, want := keys(sheet.Problems), []problemKey{{5, ColumnSessionsAttended, CodeMalformedNumber, false}}; !slices.Equal(got, want) {
		t.Errorf("problems = %+v, want %+v", got, want)
	}
	lines := []int{}
	for _, r := range sheet.Rows {
		lines = append(lines, r.Line)
	}
	if want := []int{2, 6}; !slices.Equal(lines, want) {
		t.Errorf("row lines = %v, want %v", lines, want)
	}
}

func TestParseReportsAllProblems(t *testing.T) {
	text := sampleHeader +
		"S0001,Ann,5,4,merit,\n" + // two problems on one line
		"S0002,Bo,4,4,pass,\n" +
		"S0003,Cy,4,,fail,\n" +
		"bad id,Di,x,4,,\n" +
		"S0002,Bo,4,4,pass,\n"
	sheet := parseCSVText(t, text, Options{})

	want := []problemKey{
		{2, ColumnSessionsAttended, CodeAttendedExceedsTotal, false},
		{2, ColumnAssessment, CodeInvalidAssessment, false},
		{4, ColumnSessionsTotal, CodeMissingValue, false},
		{5, ColumnStudentID, CodeMalformedID, false},
		{5, ColumnSessionsAttended, CodeMalformedNumber, false},
		{6, ColumnStudentID, CodeDuplicateRow, false},
	}
	if got := keys(sheet.Problems); !slices.Equal(got, want) {
		t.Errorf("problems = %+v, want %+v", got, want)
	}
	if got := rowIDs(sheet.Rows); !slices.Equal(got, []string{"S0002"}) {
		t.Errorf("rows = %q, want only S0002", got)
	}
}

func TestParseDuplicateRowMessages(t *testing.T) {
	text := "student_id,name,sessions_attended,sessions_total\n" +
		"S001,Learner One,4,4\n" +
		" s001 ,learner  ONE\u00a0,4,4\n" +
		"S002,Learner Two,4,4\n" +
		"S001,Learner Four,4,4\n"
	sheet := parseCSVText(t, text, Options{StudentIDPattern: regexp.MustCompile(`^S\d{3}$|^s\d{3}$`)})

	want := []problemKey{
		{3, ColumnStudentID, CodeDuplicateRow, false},
		{5, ColumnStudentID, CodeDuplicateRow, false},
	}
	if got := keys(sheet.Problems); !slices.Equal(got, want) {
		t.Fatalf("problems = %+v, want %+v", got, want)
	}

	same := sheet.Problems[0].Message
	if !strings.Contains(same, "line 2") || !strings.Contains(same, `"s001"`) {
		t.Errorf("message for the same person does not name line 2 and the id: %q", same)
	}
	if strings.Contains(same, "different name") {
		t.Errorf("message for the same person (case and spaces differ) claims a different name: %q", same)
	}

	other := sheet.Problems[1].Message
	for _, part := range []string{"line 2", `"Learner One"`, `"Learner Four"`, "different name"} {
		if !strings.Contains(other, part) {
			t.Errorf("message for a different person lacks %q: %q", part, other)
		}
	}
}

func TestParseInvalidUTF8(t *testing.T) {
	// Windows-1252 text: "Núñez" and a curly apostrophe.
	text := sampleHeader +
		"S0001,N\xfa\xf1ez,4,4,,\r\n" +
		"S0002,Bo,4,4,,O\x92Brien said hi\r\n" +
		"S0003,Cy,4,4,,\r\n"
	sheet := parseCSVText(t, text, Options{})

	want := []problemKey{
		{2, ColumnName, CodeInvalidEncoding, false},
		{3, ColumnRemarks, CodeInvalidEncoding, false},
	}
	if got := keys(sheet.Problems); !slices.Equal(got, want) {
		t.Fatalf("problems = %+v, want %+v", got, want)
	}
	if msg := sheet.Problems[0].Message; !strings.Contains(msg, "0xFA") || !strings.Contains(msg, "UTF-8") {
		t.Errorf("message does not name the byte and the fix: %q", msg)
	}
	if got := rowIDs(sheet.Rows); !slices.Equal(got, []string{"S0003"}) {
		t.Errorf("rows = %q, want only S0003", got)
	}
}

func TestParseUTF16(t *testing.T) {
	sheet := parseCSVText(t, "\xff\xfes\x00t\x00", Options{})
	if got, want := keys(sheet.Problems), []problemKey{{0, "", CodeInvalidEncoding, false}}; !slices.Equal(got, want) {
		t.Errorf("problems = %+v, want %+v", got, want)
	}
}

func TestParseMalformedCSVContinues(t *testing.T) {
	text := sampleHeader +
		"S0001,Ann,4,4,,\n" +
		"S0002,Bo \"B\",4,4,,\n" +
		"S0003,Cy,4,4,,\n" +
		"S0004,\"Di,4,4,,\n" // unclosed quote runs to the end of the file
	sheet := parseCSVText(t, text, Options{})

	want := []problemKey{{3, "", CodeMalformedCSV, false}, {5, "", CodeMalformedCSV, false}}
	if got := keys(sheet.Problems); !slices.Equal(got, want) {
		t.Fatalf("problems = %+v, want %+v", got, want)
	}
	if got := rowIDs(sheet.Rows); !slices.Equal(got, []string{"S0001", "S0003"}) {
		t.Errorf("rows = %q, want S0001 and S0003", got)
	}
}

func TestParseHeaderAliases(t *testing.T) {
	tests := []struct {
		name   string
		header string
	}{
		{"canonical", "student_id,name,sessions_attended,sessions_total,assessment,withhold,remarks"},
		{"spaced", "Student ID,Student Name,Attended,Total Sessions,Result,Withheld,Remark"},
		{"compact", "StudentID,NAME,attended,total,assessment,withhold,notes"},
		{"student no", "Student No.,Full-Name,Sessions Attended,No. of Sessions,Assessment,Withhold,Comments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := parseCSVText(t, tt.header+"\nS0001,Ann,3,4,Pass,x,ok\n", Options{})
			if len(sheet.Problems) != 0 {
				t.Fatalf("problems: %v", sheet.Problems)
			}
			want := []Row{{Line: 2, StudentNumber: "S0001", Name: "Ann", SessionsAttended: 3, SessionsTotal: 4, Assessment: "pass", Withhold: true, Remarks: "ok"}}
			if !slices.Equal(sheet.Rows, want) {
				t.Errorf("rows = %+v, want %+v", sheet.Rows, want)
			}
		})
	}
}

func TestParseMissingColumnMessage(t *testing.T) {
	sheet := parseCSVText(t, "Attendance for Workshop\nstudent_id,sessions_attended,sessions_total\n", Options{})
	if len(sheet.Problems) != 3 {
		t.Fatalf("problems = %v, want 3 missing columns", sheet.Problems)
	}
	msg := sheet.Problems[0].Message
	if !strings.Contains(msg, "student_id") || !strings.Contains(msg, `"student_no"`) {
		t.Errorf("message does not name the column and its aliases: %q", msg)
	}
	if len(sheet.Rows) != 0 {
		t.Errorf("rows = %d, want none when a column is missing", len(sheet.Rows))
	}
}

func TestParseExcelTextID(t *testing.T) {
	sheet := parseCSVText(t, "student_id,sessions_attended,sessions_total\n\"=\"\"00123\"\"\",1,1\n", Options{})
	if got := rowIDs(sheet.Rows); !slices.Equal(got, []string{"00123"}) {
		t.Errorf("rows = %q, want 00123 (problems %v)", got, sheet.Problems)
	}
}

func TestParseLostLeadingZerosMalformed(t *testing.T) {
	// 00123 saved by Excel as 123 is too short for the id pattern: the row
	// is rejected and also flagged as a likely lost-zeros case.
	text := "student_id,sessions_attended,sessions_total\n00120,1,1\n00121,1,1\n00122,1,1\n123,1,1\n"
	sheet := parseCSVText(t, text, Options{})

	want := []problemKey{
		{5, ColumnStudentID, CodeMalformedID, false},
		{5, ColumnStudentID, CodeLostLeadingZeros, true},
	}
	if got := keys(sheet.Problems); !slices.Equal(got, want) {
		t.Fatalf("problems = %+v, want %+v", got, want)
	}
	if msg := sheet.Problems[1].Message; !strings.Contains(msg, `"00123"`) {
		t.Errorf("message does not suggest 00123: %q", msg)
	}
}

func TestParseNoLostZerosWarning(t *testing.T) {
	tests := []struct {
		name string
		ids  []string
	}{
		{"same width", []string{"00120", "00121", "00122", "00123"}},
		{"too few ids", []string{"00120", "00121", "0123"}},
		{"no majority", []string{"00120", "00121", "00122", "0123", "0124", "0125"}},
		{"short id with letters", []string{"00120", "00121", "00122", "A123"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b strings.Builder
			b.WriteString("student_id,sessions_attended,sessions_total\n")
			for _, id := range tt.ids {
				b.WriteString(id + ",1,1\n")
			}
			sheet := parseCSVText(t, b.String(), Options{})
			if len(sheet.Problems) != 0 {
				t.Errorf("problems = %v, want none", sheet.Problems)
			}
		})
	}
}

func TestParseMaxRowsBoundary(t *testing.T) {
	text := sampleHeader + "S0001,Ann,4,4,,\n\nS0002,Bo,4,4,,\n"
	sheet := parseCSVText(t, text, Options{MaxRows: 2})
	if len(sheet.Problems) != 0 || len(sheet.Rows) != 2 {
		t.Errorf("rows = %d, problems = %v; want 2 rows and no problems at the limit", len(sheet.Rows), sheet.Problems)
	}
}

func TestParseLegacyXLS(t *testing.T) {
	data := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 512)...)
	sheet, err := Parse("attendance.xls", data, Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if got, want := keys(sheet.Problems), []problemKey{{0, "", CodeUnreadableFile, false}}; !slices.Equal(got, want) {
		t.Errorf("problems = %+v, want %+v", got, want)
	}
}

func TestProblemString(t *testing.T) {
	tests := []struct {
		name string
		p    Problem
		want string
	}{
		{"row", Problem{Line: 4, Column: "name", Message: "bad"}, "line 4, name: bad"},
		{"file", Problem{Message: "empty"}, "file: empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}
