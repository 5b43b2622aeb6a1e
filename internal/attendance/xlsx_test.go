package attendance

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// buildWorkbook returns an XLSX whose first sheet holds rows from A1 on.
// style, when not nil, is applied to column A of every row but the first.
func buildWorkbook(tb testing.TB, rows [][]any, style *excelize.Style) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()

	for i, row := range rows {
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &row); err != nil {
			tb.Fatalf("SetSheetRow: %v", err)
		}
	}
	if style != nil && len(rows) > 1 {
		id, err := f.NewStyle(style)
		if err != nil {
			tb.Fatalf("NewStyle: %v", err)
		}
		if err := f.SetCellStyle("Sheet1", "A2", fmt.Sprintf("A%d", len(rows)), id); err != nil {
			tb.Fatalf("SetCellStyle: %v", err)
		}
	}

	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

func parseXLSXBytes(tb testing.TB, data []byte) *Sheet {
	tb.Helper()
	sheet, err := Parse("attendance.xlsx", data, Options{})
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	checkProblemsWellFormed(tb, sheet)
	return sheet
}

func TestParseXLSXNumericIDWithFormat(t *testing.T) {
	format := "00000"
	data := buildWorkbook(t, [][]any{
		{"student_id", "name", "sessions_attended", "sessions_total"},
		{123, "Learner One", 3, 4},
		{4567, "Learner Two", 4.0, 4},
	}, &excelize.Style{CustomNumFmt: &format})

	sheet := parseXLSXBytes(t, data)
	if sheet.Format != "xlsx" {
		t.Errorf("format = %q, want xlsx", sheet.Format)
	}
	if len(sheet.Problems) != 0 {
		t.Fatalf("problems: %v", sheet.Problems)
	}
	want := []Row{
		{Line: 2, StudentNumber: "00123", Name: "Learner One", SessionsAttended: 3, SessionsTotal: 4},
		{Line: 3, StudentNumber: "04567", Name: "Learner Two", SessionsAttended: 4, SessionsTotal: 4},
	}
	if !slices.Equal(sheet.Rows, want) {
		t.Errorf("rows = %+v, want %+v", sheet.Rows, want)
	}
}

func TestParseXLSXNumericIDLostZeros(t *testing.T) {
	// A General-format number cell shows 123: the zeros are gone from the
	// file itself, so the width check is all that can catch it.
	data := buildWorkbook(t, [][]any{
		{"student_id", "sessions_attended", "sessions_total"},
		{"00120", 1, 1},
		{"00121", 1, 1},
		{"00122", 1, 1},
		{1234, 1, 1},
	}, nil)

	sheet := parseXLSXBytes(t, data)
	want := []problemKey{{5, ColumnStudentID, CodeLostLeadingZeros, true}}
	if got := keys(sheet.Problems); !slices.Equal(got, want) {
		t.Errorf("problems = %+v, want %+v", got, want)
	}
}

func TestParseXLSXRowNumbers(t *testing.T) {
	data := buildWorkbook(t, [][]any{
		{},
		{"Student ID", "Attended", "Total"},
		{"S0001", 1, 2},
		{},
		{},
		{"S0002", "many", 2},
	}, nil)

	sheet := parseXLSXBytes(t, data)
	want := []problemKey{{6, ColumnSessionsAttended, CodeMalformedNumber, false}}
	if got := keys(sheet.Problems); !slices.Equal(got, want) {
		t.Errorf("problems = %+v, want %+v", got, want)
	}
	if len(sheet.Rows) != 1 || sheet.Rows[0].Line != 3 {
		t.Errorf("rows = %+v, want S0001 on row 3", sheet.Rows)
	}
}

func TestParseXLSXNBSP(t *testing.T) {
	data := buildWorkbook(t, [][]any{
		{"student_id\u00a0", "name", "sessions_attended", "sessions_total"},
		{"\u00a0S0001 ", " Learner One\u00a0", "\u00a04", "4 "},
	}, nil)

	sheet := parseXLSXBytes(t, data)
	want := []Row{{Line: 2, StudentNumber: "S0001", Name: "Learner One", SessionsAttended: 4, SessionsTotal: 4}}
	if !slices.Equal(sheet.Rows, want) {
		t.Errorf("rows = %+v, want %+v (problems %v)", sheet.Rows, want, sheet.Problems)
	}
}

func TestParseXLSXFirstSheetOnly(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"student_id", "sessions_attended", "sessions_total"}); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Sheet1", "A2", &[]any{"S0001", 1, 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.NewSheet("Other"); err != nil {
		t.Fatal(err)
	}
	if err := f.SetSheetRow("Other", "A1", &[]any{"nonsense"}); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}

	sheet := parseXLSXBytes(t, buf.Bytes())
	if got := rowIDs(sheet.Rows); !slices.Equal(got, []string{"S0001"}) || len(sheet.Problems) != 0 {
		t.Errorf("rows = %q, problems = %v; want S0001 from the first sheet only", got, sheet.Problems)
	}
}

// writeZip builds an archive with one entry per map key, whose function
// writes the entry's content.
func writeZip(tb testing.TB, entries map[string]func(io.Writer)) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	names := make([]string, 0, len(entries))
	for name := range entries {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatalf("create %s: %v", name, err)
		}
		entries[name](w)
	}
	if err := zw.Close(); err != nil {
		tb.Fatalf("close zip: %v", err)
	}
	return buf.Bytes()
}

// zeros returns a function that writes n zero bytes.
func zeros(tb testing.TB, n int) func(io.Writer) {
	return func(w io.Writer) {
		chunk := make([]byte, 1<<20)
		for n > 0 {
			k := min(n, len(chunk))
			if _, err := w.Write(chunk[:k]); err != nil {
				tb.Fatalf("write zeros: %v", err)
			}
			n -= k
		}
	}
}

func TestParseXLSXZipBomb(t *testing.T) {
	tests := []struct {
		name    string
		entries map[string]func(io.Writer)
	}{
		{
			name:    "total size",
			entries: map[string]func(io.Writer){"xl/worksheets/sheet1.xml": zeros(t, maxUnzippedSize+1)},
		},
		{
			name:    "compression ratio",
			entries: map[string]func(io.Writer){"xl/sharedStrings.xml": zeros(t, 4<<20)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := writeZip(t, tt.entries)
			if len(data) > 1<<20 {
				t.Fatalf("test archive is %d bytes, want a small one", len(data))
			}

			sheet := parseXLSXBytes(t, data)
			if got, want := keys(sheet.Problems), []problemKey{{0, "", CodeFileTooLarge, false}}; !slices.Equal(got, want) {
				t.Errorf("problems = %+v, want %+v", got, want)
			}
		})
	}
}

func TestParseXLSXTooManyEntries(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := range maxZipEntries + 1 {
		// Stored entries, because a deflate writer per entry is slow.
		if _, err := zw.CreateHeader(&zip.FileHeader{Name: fmt.Sprintf("x/%d", i), Method: zip.Store}); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}

	sheet := parseXLSXBytes(t, buf.Bytes())
	if got, want := keys(sheet.Problems), []problemKey{{0, "", CodeFileTooLarge, false}}; !slices.Equal(got, want) {
		t.Errorf("problems = %+v, want %+v", got, want)
	}
}

// TestParseXLSXLyingSize checks that an entry whose central directory
// understates its size cannot inflate past the declared size.
func TestParseXLSXLyingSize(t *testing.T) {
	var compressed bytes.Buffer
	fw, err := flate.NewWriter(&compressed, flate.BestSpeed)
	if err != nil {
		t.Fatal(err)
	}
	zeros(t, 50<<20)(fw)
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}

	template := buildWorkbook(t, [][]any{{"student_id", "sessions_attended", "sessions_total"}, {"S0001", 1, 1}}, nil)
	zr, err := zip.NewReader(bytes.NewReader(template), int64(len(template)))
	if err != nil {
		t.Fatal(err)
	}

	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			hdr := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, CompressedSize64: uint64(compressed.Len()), UncompressedSize64: 1000}
			w, err := zw.CreateRaw(hdr)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write(compressed.Bytes()); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}

	sheet := parseXLSXBytes(t, buf.Bytes())
	if got, want := keys(sheet.Problems), []problemKey{{0, "", CodeUnreadableFile, false}}; !slices.Equal(got, want) {
		t.Errorf("problems = %+v, want %+v", got, want)
	}
}

func TestParseXLSXUnreadable(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"truncated zip", []byte("PK\x03\x04 not really a zip")},
		{"empty zip", writeZip(t, map[string]func(io.Writer){})},
		{"zip without workbook", writeZip(t, map[string]func(io.Writer){"hello.txt": func(w io.Writer) { io.WriteString(w, "hi") }})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := parseXLSXBytes(t, tt.data)
			if got, want := keys(sheet.Problems), []problemKey{{0, "", CodeUnreadableFile, false}}; !slices.Equal(got, want) {
				t.Errorf("problems = %+v, want %+v (%v)", got, want, sheet.Problems)
			}
		})
	}
}

func TestParseXLSXByContent(t *testing.T) {
	// An XLSX uploaded under a .csv name is still read as a workbook.
	data, err := os.ReadFile("testdata/attendance-workshop.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	sheet, err := Parse("attendance.csv", data, Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	if sheet.Format != "xlsx" || len(sheet.Rows) != 60 {
		t.Errorf("format = %q, rows = %d; want xlsx with 60 rows", sheet.Format, len(sheet.Rows))
	}
}

func TestParseXLSXHeaderOnly(t *testing.T) {
	data := buildWorkbook(t, [][]any{{"student_id", "sessions_attended", "sessions_total"}}, nil)
	sheet := parseXLSXBytes(t, data)
	if got, want := keys(sheet.Problems), []problemKey{{0, "", CodeEmptyFile, false}}; !slices.Equal(got, want) {
		t.Errorf("problems = %+v, want %+v", got, want)
	}
	if !strings.Contains(sheet.Problems[0].Message, "no student rows") {
		t.Errorf("message = %q, want it to say there are no student rows", sheet.Problems[0].Message)
	}
}

// TestParseXLSXLargeSheet covers a worksheet above maxInMemoryXML, which
// excelize inflates to a temporary file, and checks that the file is gone
// afterwards.
func TestParseXLSXLargeSheet(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 20 MB worksheet")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)

	const n = 60000
	f := excelize.NewFile()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.SetRow("A1", []any{"student_id", "name", "sessions_attended", "sessions_total", "assessment", "remarks"}); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		row := []any{fmt.Sprintf("%09d", i), fmt.Sprintf("Learner Number %06d", i), 3, 4, "pass", "on time"}
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), row); err != nil {
			t.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	// Closing removes the stream writer's own temporary file.
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	needsTempDir, problem := checkZip(buf.Bytes())
	if problem != nil || !needsTempDir {
		t.Fatalf("checkZip = %v, %v; want a sheet large enough for a temporary file", needsTempDir, problem)
	}

	sheet := parseXLSXBytes(t, buf.Bytes())
	if len(sheet.Rows) != n || len(sheet.Problems) != 0 {
		t.Errorf("rows = %d, problems = %v; want %d rows and no problems", len(sheet.Rows), sheet.Problems, n)
	}
	if last := sheet.Rows[len(sheet.Rows)-1]; last.Line != n+1 || last.StudentNumber != fmt.Sprintf("%09d", n-1) {
		t.Errorf("last row = %+v, want line %d", last, n+1)
	}

	left, err := os.ReadDir(tmp)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}
