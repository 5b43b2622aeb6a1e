package attendance

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/laurel-badges/laurel/internal/sniff"
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
	CodeUnknownDelimiter     = "unknown_delimiter"
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
	// StudentIDRule describes StudentIDPattern in words for organisers,
	// who never see the pattern itself: by default "4 to 20 letters (A to
	// Z) or digits". With a custom pattern and no rule, messages give none.
	StudentIDRule string
	// MaxRows is the maximum number of non-blank data rows. Default 200000.
	MaxRows int
}

// DefaultMaxRows is the row limit when Options.MaxRows is 0 or negative.
const DefaultMaxRows = 200000

// The default student id rule, as a pattern and in words. minIDLen and
// maxIDLen are its bounds.
var defaultStudentIDPattern = regexp.MustCompile(`^[A-Za-z0-9]{4,20}$`)

const (
	defaultStudentIDRule = "4 to 20 letters (A to Z) or digits"
	minIDLen             = 4
	maxIDLen             = 20
)

func (o Options) withDefaults() Options {
	if o.StudentIDPattern == nil {
		o.StudentIDPattern = defaultStudentIDPattern
		if o.StudentIDRule == "" {
			o.StudentIDRule = defaultStudentIDRule
		}
	}
	if o.MaxRows <= 0 {
		o.MaxRows = DefaultMaxRows
	}
	return o
}

// Parse reads an attendance file. The content decides the format, whatever
// the name. An XLSX workbook is read as one. Another format that sniff
// recognises, such as a PDF, an image, a Word document or a legacy .xls,
// gives an unreadable_file problem naming it. Anything else is read as CSV
// unless its name ends in .xlsx, .xlsm, .xls or .ods. Every finding about
// the file is returned as a Problem. The error is non-nil only when the
// reader itself fails, for example when it cannot create a temporary file
// for a large worksheet.
func Parse(filename string, data []byte, opt Options) (*Sheet, error) {
	opt = opt.withDefaults()
	ext := strings.ToLower(filepath.Ext(filename))

	switch format := sniff.Detect(data); {
	case format.IsZIP():
		return parseXLSX(data, format, opt)
	case format == sniff.UTF16:
		return &Sheet{Format: "csv", Problems: []Problem{{
			Code:    CodeInvalidEncoding,
			Message: "The file is UTF-16 text (Excel's \"Unicode Text\"). In Excel choose Save As \"CSV UTF-8 (Comma delimited)\", then upload the file again.",
		}}}, nil
	case format != sniff.Unknown:
		return wrongFormat(format), nil
	case ext == ".xlsx" || ext == ".xlsm" || ext == ".xls" || ext == ".ods":
		return unreadable("xlsx", fmt.Sprintf("The file %q is not a valid Excel workbook. Save it again as .xlsx (Excel Workbook) or as CSV UTF-8, then upload it again.", filename)), nil
	}
	return parseCSV(data, opt)
}

// wrongFormat reports a file that is not CSV text or an XLSX workbook,
// naming what it is and how to get a file Parse reads.
func wrongFormat(format sniff.Format) *Sheet {
	const convert = "save it as .xlsx (Excel Workbook) or as CSV UTF-8, then upload it again."
	switch format {
	case sniff.XLS:
		return unreadable("xlsx", "The file is an Excel 97-2003 workbook (.xls), which cannot be read here. Open it in Excel or LibreOffice and "+convert)
	case sniff.EncryptedOffice:
		return unreadable("xlsx", "The file is a password-protected workbook, which cannot be read without its password. Open it in Excel, remove the password and "+convert)
	case sniff.CompoundFile:
		return unreadable("xlsx", "The file is an Office 97-2003 file, such as a legacy .xls workbook. Open it in Excel or LibreOffice and "+convert)
	case sniff.ODS:
		return unreadable("xlsx", "The file is an OpenDocument spreadsheet (.ods). In LibreOffice choose File > Save As with the type Excel 2007-365 (.xlsx) or Text CSV, then upload that file.")
	}

	fix := "Fill in the attendance template from the activity's page and upload it as .xlsx or .csv."
	switch format {
	case sniff.PDF, sniff.PNG, sniff.JPEG, sniff.GIF, sniff.WebP, sniff.HEIC, sniff.TIFF:
		return unreadable("csv", fmt.Sprintf("The file is %s, not a spreadsheet, and a photo, scan or PDF of a register cannot be read. %s", format.Description(), fix))
	case sniff.RTF:
		return unreadable("csv", fmt.Sprintf("The file is %s, not a spreadsheet. %s", format.Description(), fix))
	case sniff.Binary:
		return unreadable("csv", "The file is neither text nor a spreadsheet. "+fix)
	}
	return unreadable("xlsx", fmt.Sprintf("The file is %s, not a spreadsheet. %s", format.Description(), fix))
}

func unreadable(format, message string) *Sheet {
	return &Sheet{
		Format:   format,
		Problems: []Problem{{Code: CodeUnreadableFile, Message: message}},
	}
}
