package export

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var when = time.Date(2025, time.March, 3, 9, 30, 15, 0, time.UTC)

// hostileCells are text values a spreadsheet would run as formulas.
var hostileCells = []string{"=HYPERLINK(\"http://x\",\"y\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx"}

func writeRows(t *testing.T, f Format, rows [][]any) []byte {
	t.Helper()
	var buf bytes.Buffer
	rw, err := NewWriter(&buf, f, "Test sheet", []string{"text", "int", "float", "bool", "time"})
	if err != nil {
		t.Fatalf("NewWriter: %v", err)
	}
	for _, row := range rows {
		if err := rw.WriteRow(row...); err != nil {
			t.Fatalf("WriteRow(%v): %v", row, err)
		}
	}
	if err := rw.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return buf.Bytes()
}

func sampleRows() [][]any {
	rows := [][]any{
		{"陳大文", 3, 2.5, true, when},
		{"O'Brien, \"Bo\"", 0, 0.0, false, time.Time{}},
	}
	for _, h := range hostileCells {
		rows = append(rows, []any{h, 1, 1.0, true, when})
	}
	return rows
}

func TestCSVReadBack(t *testing.T) {
	data := writeRows(t, CSV, sampleRows())
	if !bytes.HasPrefix(data, utf8BOM) {
		t.Errorf("CSV does not start with a UTF-8 byte order mark")
	}
	if strings.Count(string(data), "\r\n") != len(sampleRows())+1 {
		t.Errorf("CSV lines do not all end with CRLF: %q", data)
	}

	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM))).ReadAll()
	if err != nil {
		t.Fatalf("read CSV back: %v", err)
	}
	want := [][]string{
		{"text", "int", "float", "bool", "time"},
		{"陳大文", "3", "2.5", "yes", "2025-03-03T09:30:15Z"},
		{"O'Brien, \"Bo\"", "0", "0", "no", ""},
	}
	for _, h := range hostileCells {
		// With UseCRLF set, encoding/csv's writer drops a carriage return
		// inside a field, so "\rx" comes back as "'x".
		want = append(want, []string{"'" + strings.ReplaceAll(h, "\r", ""), "1", "1", "yes", "2025-03-03T09:30:15Z"})
	}
	if !reflect.DeepEqual(records, want) {
		t.Errorf("CSV records:\n got  %q\n want %q", records, want)
	}
}

func TestXLSXReadBack(t *testing.T) {
	data := writeRows(t, XLSX, sampleRows())
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	defer f.Close()

	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"Test sheet"}) {
		t.Errorf("sheets = %q, want [Test sheet]", got)
	}
	rows, err := f.GetRows("Test sheet", excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatalf("GetRows: %v", err)
	}
	if got := rows[0]; !reflect.DeepEqual(got, []string{"text", "int", "float", "bool", "time"}) {
		t.Errorf("header = %q", got)
	}
	if got := rows[1][:4]; !reflect.DeepEqual(got, []string{"陳大文", "3", "2.5", "1"}) {
		t.Errorf("first row = %q, want text, numbers and boolean as stored", got)
	}
	if len(rows[2]) > 4 && rows[2][4] != "" {
		t.Errorf("zero time wrote %q, want an empty cell", rows[2][4])
	}

	for _, cell := range []struct {
		ref  string
		want excelize.CellType
	}{
		// A cell without a t attribute is a number in OOXML.
		{"B2", excelize.CellTypeUnset},
		{"C2", excelize.CellTypeUnset},
		{"A2", excelize.CellTypeInlineString},
		{"D2", excelize.CellTypeBool},
	} {
		got, err := f.GetCellType("Test sheet", cell.ref)
		if err != nil {
			t.Fatalf("GetCellType %s: %v", cell.ref, err)
		}
		if got != cell.want {
			t.Errorf("cell %s type = %v, want %v", cell.ref, got, cell.want)
		}
	}

	when2, err := f.GetCellValue("Test sheet", "E2")
	if err != nil {
		t.Fatalf("GetCellValue E2: %v", err)
	}
	if when2 != "3/3/25 09:30" {
		t.Errorf("time cell shows %q, want the date format 3/3/25 09:30", when2)
	}

	for i, h := range hostileCells {
		ref := fmt.Sprintf("A%d", i+4)
		formula, err := f.GetCellFormula("Test sheet", ref)
		if err != nil {
			t.Fatalf("GetCellFormula %s: %v", ref, err)
		}
		if formula != "" {
			t.Errorf("cell %s has formula %q, want none", ref, formula)
		}
		if got := rows[i+3][0]; got != "'"+h {
			t.Errorf("cell %s = %q, want %q with an apostrophe", ref, got, "'"+h)
		}
	}
}

func TestWriteRowCountMismatch(t *testing.T) {
	for _, f := range []Format{CSV, XLSX} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			rw, err := NewWriter(&buf, f, "Sheet", []string{"a", "b"})
			if err != nil {
				t.Fatalf("NewWriter: %v", err)
			}
			defer rw.Abort()
			err = rw.WriteRow("only one")
			if err == nil || !strings.Contains(err.Error(), "1 values for 2 columns") {
				t.Errorf("WriteRow error = %v, want one naming 1 values for 2 columns", err)
			}
		})
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"csv", "xlsx"} {
		if f, err := ParseFormat(s); err != nil || string(f) != s {
			t.Errorf("ParseFormat(%q) = %q, %v", s, f, err)
		}
	}
	_, err := ParseFormat("xls")
	if err == nil || !strings.Contains(err.Error(), `"xls"`) || !strings.Contains(err.Error(), "csv or xlsx") {
		t.Errorf("ParseFormat(xls) error = %v, want one naming the value and the choices", err)
	}
}

// writeRecorder is a destination that records the size of every write.
type writeRecorder struct {
	total, largest, writes int
	closed                 bool
	writesBeforeClose      int
}

func (w *writeRecorder) Write(p []byte) (int, error) {
	w.total += len(p)
	w.largest = max(w.largest, len(p))
	w.writes++
	if !w.closed {
		w.writesBeforeClose++
	}
	return len(p), nil
}

const manyRows = 100_000

func TestCSVStreamsLargeExport(t *testing.T) {
	dst := &writeRecorder{}
	rw, err := NewWriter(dst, CSV, "", []string{"credential_id", "name", "count"})
	if err != nil {
		t.Fatalf("NewWriter: %v", err)
	}
	for i := range manyRows {
		if err := rw.WriteRow(fmt.Sprintf("c3b2a1f0-0000-4000-8000-%012d", i), "Student name", i); err != nil {
			t.Fatalf("WriteRow %d: %v", i, err)
		}
	}
	dst.closed = true
	if err := rw.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	// The rows reach the destination in buffer-sized pieces while they
	// are written, not as one string at the end.
	if dst.total < manyRows*50 {
		t.Errorf("wrote %d bytes, want at least %d", dst.total, manyRows*50)
	}
	if dst.largest > 64<<10 {
		t.Errorf("largest single write = %d bytes, want at most 64 KiB", dst.largest)
	}
	if dst.writesBeforeClose < dst.writes/2 {
		t.Errorf("%d of %d writes happened before Close, want most of them", dst.writesBeforeClose, dst.writes)
	}
}

func TestXLSXLargeExportReadsBack(t *testing.T) {
	if testing.Short() {
		t.Skip("writes and reads 100,000 rows")
	}
	var buf bytes.Buffer
	rw, err := NewWriter(&buf, XLSX, "Awards", []string{"credential_id", "count"})
	if err != nil {
		t.Fatalf("NewWriter: %v", err)
	}
	for i := range manyRows {
		if err := rw.WriteRow(fmt.Sprintf("credential-%d", i), i); err != nil {
			t.Fatalf("WriteRow %d: %v", i, err)
		}
	}
	if err := rw.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	defer f.Close()
	rows, err := f.Rows("Awards")
	if err != nil {
		t.Fatalf("Rows: %v", err)
	}
	defer rows.Close()

	n := 0
	var last []string
	for rows.Next() {
		cols, err := rows.Columns()
		if err != nil {
			t.Fatalf("row %d: %v", n+1, err)
		}
		last = cols
		n++
	}
	if n != manyRows+1 {
		t.Errorf("read %d rows, want %d (header and data)", n, manyRows+1)
	}
	want := []string{fmt.Sprintf("credential-%d", manyRows-1), fmt.Sprint(manyRows - 1)}
	if !reflect.DeepEqual(last, want) {
		t.Errorf("last row = %q, want %q", last, want)
	}
}

// failingWriter fails every write.
type failingWriter struct{}

var errDiskFull = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriteErrorsReported(t *testing.T) {
	for _, f := range []Format{CSV, XLSX} {
		t.Run(string(f), func(t *testing.T) {
			rw, err := NewWriter(failingWriter{}, f, "Sheet", []string{"a"})
			if err != nil {
				if !errors.Is(err, errDiskFull) {
					t.Errorf("NewWriter error = %v, want disk full", err)
				}
				return
			}
			for range 10 {
				if err := rw.WriteRow(strings.Repeat("x", 1000)); err != nil {
					break
				}
			}
			if err := rw.Close(); !errors.Is(err, errDiskFull) {
				t.Errorf("Close error = %v, want disk full", err)
			}
		})
	}
}
