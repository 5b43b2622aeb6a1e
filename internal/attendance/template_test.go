package attendance

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var templateStudents = []TemplateStudent{
	{Number: "00123", Name: "Learner One"},
	{Number: "S0002", Name: "陳大文"},
	{Number: "000045678", Name: "O'Brien, \"Bo\" Łukasz"},
}

func TestWriteCSVTemplateFormat(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSVTemplate(&buf, templateStudents); err != nil {
		t.Fatalf("WriteCSVTemplate: %v", err)
	}
	out := buf.String()

	if !strings.HasPrefix(out, "\ufeff") {
		t.Errorf("output does not start with a UTF-8 byte order mark")
	}
	if strings.Count(out, "\r\n") != 4 || strings.Count(out, "\n") != 4 {
		t.Errorf("output does not end every one of 4 lines with CRLF: %q", out)
	}
	wantHeader := "\ufeffstudent_id,name,sessions_attended,sessions_total,assessment,withhold,remarks\r\n"
	if !strings.HasPrefix(out, wantHeader) {
		t.Errorf("header = %q, want %q", strings.SplitAfter(out, "\n")[0], wantHeader)
	}
	if !strings.Contains(out, "\r\nS0002,陳大文,,,,,\r\n") {
		t.Errorf("student row missing or not blank after the name: %q", out)
	}
}

// fillCSVTemplate sets sessions_attended to 3 and sessions_total to 4 on
// every student row, as an organiser would.
func fillCSVTemplate(tb testing.TB, text string) string {
	tb.Helper()
	lines := strings.Split(text, "\r\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] == "" {
			continue
		}
		if !strings.HasSuffix(lines[i], ",,,,,") {
			tb.Fatalf("line %d does not end with five empty cells: %q", i+1, lines[i])
		}
		lines[i] = strings.TrimSuffix(lines[i], ",,,,,") + ",3,4,pass,,"
	}
	return strings.Join(lines, "\r\n")
}

func wantTemplateRows() []Row {
	rows := make([]Row, len(templateStudents))
	for i, s := range templateStudents {
		rows[i] = Row{Line: i + 2, StudentNumber: s.Number, Name: s.Name, SessionsAttended: 3, SessionsTotal: 4, Assessment: "pass"}
	}
	return rows
}

func TestCSVTemplateRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSVTemplate(&buf, templateStudents); err != nil {
		t.Fatalf("WriteCSVTemplate: %v", err)
	}

	t.Run("blank", func(t *testing.T) {
		sheet := parseCSVText(t, buf.String(), Options{})
		checkBlankTemplate(t, sheet)
	})

	t.Run("filled", func(t *testing.T) {
		sheet := parseCSVText(t, fillCSVTemplate(t, buf.String()), Options{})
		if len(sheet.Problems) != 0 {
			t.Fatalf("problems: %v", sheet.Problems)
		}
		if !slices.Equal(sheet.Rows, wantTemplateRows()) {
			t.Errorf("rows = %+v, want %+v", sheet.Rows, wantTemplateRows())
		}
	})
}

// checkBlankTemplate asserts that an unfilled template yields each student
// id back unchanged, in a missing_value problem per sessions cell.
func checkBlankTemplate(tb testing.TB, sheet *Sheet) {
	tb.Helper()
	if len(sheet.Rows) != 0 {
		tb.Errorf("rows = %d, want none from a blank template", len(sheet.Rows))
	}

	var want []problemKey
	for i := range templateStudents {
		want = append(want,
			problemKey{i + 2, ColumnSessionsAttended, CodeMissingValue, false},
			problemKey{i + 2, ColumnSessionsTotal, CodeMissingValue, false})
	}
	if got := keys(sheet.Problems); !slices.Equal(got, want) {
		tb.Errorf("problems = %+v, want %+v", got, want)
	}
}

func writeXLSXTemplate(tb testing.TB) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := WriteXLSXTemplate(&buf, "Data Analysis Basics 数据分析基础", templateStudents); err != nil {
		tb.Fatalf("WriteXLSXTemplate: %v", err)
	}
	return buf.Bytes()
}

func TestXLSXTemplateRoundTrip(t *testing.T) {
	data := writeXLSXTemplate(t)

	t.Run("blank", func(t *testing.T) {
		checkBlankTemplate(t, parseXLSXBytes(t, data))
	})

	t.Run("filled", func(t *testing.T) {
		f, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("open template: %v", err)
		}
		defer f.Close()
		for i := range templateStudents {
			row := i + 2
			for col, v := range map[string]any{"C": 3, "D": 4, "E": "pass"} {
				if err := f.SetCellValue(TemplateSheet, fmt.Sprintf("%s%d", col, row), v); err != nil {
					t.Fatal(err)
				}
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}

		sheet := parseXLSXBytes(t, buf.Bytes())
		if len(sheet.Problems) != 0 {
			t.Fatalf("problems: %v", sheet.Problems)
		}
		if !slices.Equal(sheet.Rows, wantTemplateRows()) {
			t.Errorf("rows = %+v, want %+v", sheet.Rows, wantTemplateRows())
		}
	})
}

func TestXLSXTemplateLayout(t *testing.T) {
	f, err := excelize.OpenReader(bytes.NewReader(writeXLSXTemplate(t)))
	if err != nil {
		t.Fatalf("open template: %v", err)
	}
	defer f.Close()

	if got, want := f.GetSheetList(), []string{TemplateSheet, InstructionsSheet}; !slices.Equal(got, want) {
		t.Errorf("sheets = %q, want %q", got, want)
	}

	header, err := f.GetRows(TemplateSheet)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(header[0], templateColumns) {
		t.Errorf("header = %q, want %q", header[0], templateColumns)
	}

	t.Run("header bold", func(t *testing.T) {
		style := cellStyle(t, f, "A1")
		if style.Font == nil || !style.Font.Bold {
			t.Errorf("A1 font = %+v, want bold", style.Font)
		}
	})

	// Cells A2 and A4 hold written ids. A500 is a cell of a row the
	// organiser adds later, which takes the column style.
	for _, cell := range []string{"A2", "A4", "A500"} {
		t.Run("text id "+cell, func(t *testing.T) {
			if style := cellStyle(t, f, cell); style.NumFmt != textNumFmt {
				t.Errorf("%s number format = %d, want %d (Text)", cell, style.NumFmt, textNumFmt)
			}
		})
	}
	for _, cell := range []string{"A2", "A4"} {
		t.Run("string id "+cell, func(t *testing.T) {
			v, err := f.GetCellType(TemplateSheet, cell)
			if err != nil {
				t.Fatal(err)
			}
			if v != excelize.CellTypeSharedString && v != excelize.CellTypeInlineString {
				t.Errorf("%s cell type = %v, want a string", cell, v)
			}
		})
	}
	t.Run("text id column", func(t *testing.T) {
		id, err := f.GetColStyle(TemplateSheet, "A")
		if err != nil {
			t.Fatal(err)
		}
		style, err := f.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if style.NumFmt != textNumFmt {
			t.Errorf("column A number format = %d, want %d (Text)", style.NumFmt, textNumFmt)
		}
	})

	t.Run("instructions", func(t *testing.T) {
		rows, err := f.GetRows(InstructionsSheet)
		if err != nil {
			t.Fatal(err)
		}
		var text strings.Builder
		for _, r := range rows {
			text.WriteString(strings.Join(r, " ") + "\n")
		}
		for _, want := range append(slices.Clone(templateColumns), "数据分析基础", "Award rule", "minimum attendance") {
			if !strings.Contains(text.String(), want) {
				t.Errorf("instructions do not mention %q", want)
			}
		}
	})
}

func cellStyle(tb testing.TB, f *excelize.File, cell string) *excelize.Style {
	tb.Helper()
	id, err := f.GetCellStyle(TemplateSheet, cell)
	if err != nil {
		tb.Fatal(err)
	}
	style, err := f.GetStyle(id)
	if err != nil {
		tb.Fatal(err)
	}
	return style
}

// TestCSVTemplateNeutralisesFormulas checks that a name a spreadsheet would
// run as a formula is written as text, and that Parse reads the name back
// as it was.
func TestCSVTemplateNeutralisesFormulas(t *testing.T) {
	names := []string{`=HYPERLINK("http://evil.example","click")`, "+1 Name", "-Name", "@Name", "O'Brien", "Plain"}
	var students []TemplateStudent
	for i, n := range names {
		students = append(students, TemplateStudent{Number: fmt.Sprintf("S%04d", i), Name: n})
	}

	var b bytes.Buffer
	if err := WriteCSVTemplate(&b, students); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(b.String(), "\r\n")[1:] {
		cells := strings.SplitN(line, ",", 2)
		if len(cells) == 2 && strings.ContainsAny(cells[1][:1], "=+-@") {
			t.Errorf("cell %q would run as a formula", cells[1])
		}
	}

	filled := strings.ReplaceAll(b.String(), ",,,,,\r\n", ",4,4,pass,,\r\n")
	sheet, err := Parse("t.csv", []byte(filled), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(sheet.Rows) != len(names) {
		t.Fatalf("parsed %d rows, want %d; problems %v", len(sheet.Rows), len(names), sheet.Problems)
	}
	for i, r := range sheet.Rows {
		if r.Name != names[i] {
			t.Errorf("row %d name = %q, want %q", i, r.Name, names[i])
		}
	}
}
