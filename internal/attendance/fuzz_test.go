package attendance

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
)

// checkSheetInvariants asserts what Parse guarantees for any input.
func checkSheetInvariants(t *testing.T, sheet *Sheet, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("Parse returned an error for in-memory input: %v", err)
	}
	if sheet.Format != "csv" && sheet.Format != "xlsx" {
		t.Errorf("format = %q", sheet.Format)
	}
	checkProblemsWellFormed(t, sheet)

	blocked := map[int]bool{}
	for _, p := range sheet.Problems {
		if !p.Warning {
			blocked[p.Line] = true
		}
	}

	seen := map[string]bool{}
	for _, r := range sheet.Rows {
		if r.Line < 1 {
			t.Errorf("row with line %d: %+v", r.Line, r)
		}
		if blocked[r.Line] {
			t.Errorf("row on line %d has a blocking problem: %+v", r.Line, r)
		}
		if !defaultStudentIDPattern.MatchString(r.StudentNumber) {
			t.Errorf("row with malformed id: %+v", r)
		}
		if r.SessionsTotal < 1 || r.SessionsAttended < 0 || r.SessionsAttended > r.SessionsTotal {
			t.Errorf("row with impossible sessions: %+v", r)
		}
		if r.Assessment != "" && r.Assessment != "pass" && r.Assessment != "fail" {
			t.Errorf("row with assessment %q", r.Assessment)
		}
		key := strings.ToLower(r.StudentNumber)
		if seen[key] {
			t.Errorf("student %q on two rows", r.StudentNumber)
		}
		seen[key] = true
	}
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	return data
}

func FuzzParseCSV(f *testing.F) {
	f.Add(readTestdata(f, "attendance-workshop.csv"))
	f.Add([]byte("sep=;\r\nemail;student_id;score;sessions_attended;sessions_total\r\nl@example.org;00123;8,5;3;4\r\n"))
	f.Add([]byte("\ufeffStudent ID\tAttended\tTotal\tWithhold\n\u00a0S0001\u00a0\t4.0\t4\tx\n"))
	f.Add([]byte("student_id,name,sessions_attended,sessions_total\nS0001,\"Ann \"\"A\"\"\nLee\",4,4\nS0001,Jos\xe9,5,4\n"))
	f.Add([]byte("student_id,sessions_attended,sessions_total\n00120,1,1\n00121,1,1\n00122,1,1\n123,1,1\n"))

	f.Fuzz(func(t *testing.T, data []byte) {
		sheet, err := Parse("attendance.csv", data, Options{MaxRows: 1000})
		checkSheetInvariants(t, sheet, err)
	})
}

// FuzzParseXLSX mutates the worksheet and shared string XML of the sample
// workbook and zips them back, so the fuzzer reaches excelize's cell
// reading instead of stopping at zip checksums.
func FuzzParseXLSX(f *testing.F) {
	sample := readTestdata(f, "attendance-workshop.xlsx")
	parts := zipParts(f, sample)
	f.Add(parts["xl/worksheets/sheet1.xml"], parts["xl/sharedStrings.xml"])
	// Small seeds mutate faster than the 20 KB sample sheet.
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row><row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2"><v>4</v></c><c r="C2"><v>4.0</v></c></row></sheetData></worksheet>`),
		[]byte(`<sst><si><t>student_id</t></si><si><t>attended</t></si><si><t>total</t></si><si><t xml:space="preserve"> S0001&#160;</t></si></sst>`))
	f.Add([]byte(`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>student_id</t></is></c><c r="B1" t="inlineStr"><is><t>sessions_attended</t></is></c><c r="C1" t="inlineStr"><is><t>sessions_total</t></is></c></row><row r="3"><c r="A3"><v>123</v></c><c r="B3"><v>4</v></c><c r="C3"><v>4</v></c></row></sheetData></worksheet>`), parts["xl/sharedStrings.xml"])

	f.Fuzz(func(t *testing.T, sheetXML, sharedStrings []byte) {
		data := replaceZipParts(t, sample, map[string][]byte{
			"xl/worksheets/sheet1.xml": sheetXML,
			"xl/sharedStrings.xml":     sharedStrings,
		})
		sheet, err := Parse("attendance.xlsx", data, Options{MaxRows: 1000})
		checkSheetInvariants(t, sheet, err)
	})
}

// FuzzParseXLSXFile mutates whole workbook files, which exercises the zip
// checks before excelize.
func FuzzParseXLSXFile(f *testing.F) {
	f.Add(readTestdata(f, "attendance-workshop.xlsx"))
	f.Add(writeXLSXTemplate(f))

	f.Fuzz(func(t *testing.T, data []byte) {
		sheet, err := Parse("attendance.xlsx", data, Options{MaxRows: 1000})
		checkSheetInvariants(t, sheet, err)
	})
}

func zipParts(tb testing.TB, data []byte) map[string][]byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}
	parts := map[string][]byte{}
	for _, file := range zr.File {
		rc, err := file.Open()
		if err != nil {
			tb.Fatal(err)
		}
		parts[file.Name], err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatal(err)
		}
	}
	return parts
}

// replaceZipParts returns a copy of the archive with the named entries'
// contents replaced.
func replaceZipParts(tb testing.TB, data []byte, replace map[string][]byte) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		tb.Fatal(err)
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, file := range zr.File {
		content, ok := replace[file.Name]
		if !ok {
			if err := zw.Copy(file); err != nil {
				tb.Fatal(err)
			}
			continue
		}
		w, err := zw.Create(file.Name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(content); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
