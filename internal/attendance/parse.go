package attendance

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Row is one valid student row of an attendance file.
type Row struct {
	// Line is the 1-based line (CSV) or sheet row (XLSX) number shown to
	// the organiser. The header is line 1 unless blank lines precede it. A
	// CSV "sep=" line is not counted, as Excel hides it, so CSV numbers match
	// Excel's rows unless a quoted cell spans several lines.
	Line             int
	StudentNumber    string
	Name             string
	SessionsAttended int
	SessionsTotal    int
	Assessment       string // "pass", "fail" or "" for none
	Withhold         bool   // the organiser withholds the badge from this student
	Remarks          string
}

// Problem is one finding in an attendance file. Problems that are not
// warnings block issuing from the file.
type Problem struct {
	Line    int    // 0 for problems of the whole file
	Column  string // canonical column name such as "sessions_total", or ""
	Value   string // the offending cell text, cut to about 100 bytes
	Code    string // stable machine-readable code, one of the Code* constants
	Message string // plain English naming the value and the fix
	Warning bool   // true when the problem does not block issuing
}

// String formats the problem as "line N, column: message".
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d", p.Line)
	} else {
		b.WriteString("file")
	}
	if p.Column != "" {
		b.WriteString(", " + p.Column)
	}
	b.WriteString(": " + p.Message)
	return b.String()
}

// Problem codes. They are stable: callers and translations key on them.
const (
	CodeEmptyFile            = "empty_file"
	CodeMissingColumn        = "missing_column"
	CodeDuplicateColumn      = "duplicate_column"
	CodeMissingValue         = "missing_value"
	CodeMalformedID          = "malformed_id"
	CodeMalformedNumber      = "malformed_number"
	CodeZeroTotal            = "zero_total"
	CodeAttendedExceedsTotal = "attended_exceeds_total"
	CodeDuplicateRow         = "duplicate_row"
	CodeInvalidAssessment    = "invalid_assessment"
	CodeInvalidWithhold      = "invalid_withhold"
	CodeInvalidEncoding      = "invalid_encoding"
	CodeMalformedCSV         = "malformed_csv"
	CodeTooManyRows          = "too_many_rows"
	CodeFileTooLarge         = "file_too_large"
	CodeUnreadableFile       = "unreadable_file"
	CodeLostLeadingZeros     = "lost_leading_zeros"
)

// Sheet is the result of parsing one attendance file.
type Sheet struct {
	Format    string // "csv" or "xlsx"
	Delimiter string // CSV field delimiter such as "," or ";", empty for XLSX
	Rows      []Row  // every row without a blocking problem, in file order
	Problems  []Problem
}

// HasBlockingProblems reports whether any problem is not a warning.
func (s *Sheet) HasBlockingProblems() bool {
	for _, p := range s.Problems {
		if !p.Warning {
			return true
		}
	}
	return false
}

// Options tunes Parse. The zero value uses the defaults.
type Options struct {
	// StudentIDPattern is the pattern every student id must match, by
	// default ^[A-Za-z0-9]{4,20}$.
	StudentIDPattern *regexp.Regexp
	// MaxRows is the maximum number of non-blank data rows. Default 200000.
	MaxRows int
}

// DefaultMaxRows is the row limit when Options.MaxRows is 0 or negative.
const DefaultMaxRows = 200000

var defaultStudentIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{4,20}$`)

func (o Options) withDefaults() Options {
	if o.StudentIDPattern == nil {
		o.StudentIDPattern = defaultStudentIDPattern
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	return o
}

// Magic numbers at the start of the file: every XLSX is a zip archive, and
// legacy .xls files and password-protected XLSX files are OLE2 compound files.
var (
	zipMagic      = []byte("PK\x03\x04")
	emptyZipMagic = []byte("PK\x05\x06")
	oleMagic      = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Parse reads an attendance file. Content that is a zip archive is read as
// XLSX whatever its name. Otherwise a name ending in .xlsx, .xlsm, .xls or
// .ods gives an unreadable_file problem, and anything else is read as CSV.
// Every finding about the file is returned as a Problem. The error is
// non-nil only when the reader itself fails, for example when it cannot
// create a temporary file for a large worksheet.
func Parse(filename string, data []byte, opt Options) (*Sheet, error) {
	opt = opt.withDefaults()
	ext := strings.ToLower(filepath.Ext(filename))

	switch {
	case bytes.HasPrefix(data, zipMagic), bytes.HasPrefix(data, emptyZipMagic):
		return parseXLSX(data, opt)
	case bytes.HasPrefix(data, oleMagic):
		return unreadable("xlsx", "The file is a legacy .xls workbook or a password-protected workbook. Remove any password and save it as .xlsx (Excel Workbook) or as CSV UTF-8, then upload it again."), nil
	case ext == ".xlsx" || ext == ".xlsm" || ext == ".xls" || ext == ".ods":
		return unreadable("xlsx", fmt.Sprintf("The file %q is not a valid Excel workbook. Save it again as .xlsx (Excel Workbook) or as CSV UTF-8, then upload it again.", filename)), nil
	}
	return parseCSV(data, opt)
}

func unreadable(format, message string) *Sheet {
	return &Sheet{
		Format:   format,
		Problems: []Problem{{Code: CodeUnreadableFile, Message: message}},
	}
}
