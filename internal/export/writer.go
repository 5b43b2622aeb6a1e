// Package export writes the learning advisor's record exports (awards,
// activities, attendance and per-student badge counts) as CSV or XLSX.
//
// Rows are written as they are produced. CSV goes straight to the
// destination. XLSX goes through excelize's stream writer, which keeps up
// to 16 MiB of sheet XML in memory (StreamChunkSize in excelize v2.11) and
// moves the rest to a temporary file until Close writes the workbook. Every text cell passes
// through attendance.NeutraliseFormula, so that a name typed as
// =HYPERLINK(…) stays text when the file is opened in a spreadsheet.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/laurel-badges/laurel/internal/attendance"
)

// Format is a file format of an export.
type Format string

// Formats.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// ParseFormat returns the format named s.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case CSV, XLSX:
		return Format(s), nil
	}
	return "", fmt.Errorf("unknown export format %q: use csv or xlsx", s)
}

// ContentType returns the media type of files in format f.
func (f Format) ContentType() string {
	if f == XLSX {
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "text/csv; charset=utf-8"
}

// RowWriter writes the rows of one table. Cell values are string, int,
// float64, bool or time.Time; a zero time.Time is an empty cell.
type RowWriter interface {
	WriteRow(values ...any) error
	// Close finishes the file. Nothing is complete until it returns nil.
	Close() error
	// Abort releases the writer's resources without finishing the file,
	// after an error. Rows written so far may have reached the
	// destination already.
	Abort()
}

// NewWriter starts a file in format f with one table called sheet (the
// XLSX sheet name; CSV has none) and writes its header row.
func NewWriter(w io.Writer, f Format, sheet string, columns []string) (RowWriter, error) {
	switch f {
	case CSV:
		return newCSVWriter(w, columns)
	case XLSX:
		return newXLSXWriter(w, sheet, columns)
	}
	return nil, fmt.Errorf("unknown export format %q: use csv or xlsx", f)
}

// utf8BOM makes Excel read a CSV file as UTF-8 rather than the legacy
// code page, which would garble Chinese names.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// csvWriter writes RFC 4180 CSV with CRLF line ends after a UTF-8 byte
// order mark, like the attendance template.
type csvWriter struct {
	w       *csv.Writer
	columns int
	record  []string
}

func newCSVWriter(w io.Writer, columns []string) (*csvWriter, error) {
	if _, err := w.Write(utf8BOM); err != nil {
		return nil, fmt.Errorf("write csv header: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	c := &csvWriter{w: cw, columns: len(columns), record: make([]string, len(columns))}
	if err := c.WriteRow(stringsToAny(columns)...); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *csvWriter) WriteRow(values ...any) error {
	if len(values) != c.columns {
		return fmt.Errorf("write csv row: %d values for %d columns", len(values), c.columns)
	}
	for i, v := range values {
		c.record[i] = csvCell(v)
	}
	// csv.Writer buffers 4 KiB and reports write errors from Flush, which
	// Close calls, so a failing destination stops the export there.
	if err := c.w.Write(c.record); err != nil {
		return fmt.Errorf("write csv row: %w", err)
	}
	return nil
}

func (c *csvWriter) Abort() {}

func (c *csvWriter) Close() error {
	c.w.Flush()
	if err := c.w.Error(); err != nil {
		return fmt.Errorf("write csv: %w", err)
	}
	return nil
}

// Layout of CSV values: times in UTC as RFC 3339, so that they sort as
// text and parse everywhere.
func csvCell(v any) string {
	switch v := v.(type) {
	case string:
		return attendance.NeutraliseFormula(v)
	case int:
		return strconv.Itoa(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		if v {
			return "yes"
		}
		return "no"
	case time.Time:
		if v.IsZero() {
			return ""
		}
		return v.UTC().Format(time.RFC3339)
	case nil:
		return ""
	}
	return attendance.NeutraliseFormula(fmt.Sprint(v))
}

func stringsToAny(values []string) []any {
	out := make([]any, len(values))
	for i, v := range values {
		out[i] = v
	}
	return out
}
