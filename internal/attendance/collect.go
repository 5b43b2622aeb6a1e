package attendance

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/laurel-badges/laurel/internal/sniff"
)

// collector turns records (cells of one line) into rows and problems. The
// CSV and XLSX readers feed it the same way: the first non-blank record is
// the header and every later non-blank record is a student row.
type collector struct {
	opt    Options
	sheet  *Sheet
	header header

	seenHeader   bool
	headerBad    bool // a header problem means no rows are read
	dataRows     int  // non-blank records after the header
	tooMany      bool
	malformedCSV bool // the CSV reader could not read some lines

	// checkUTF8 is false when the whole input is known to be valid UTF-8.
	checkUTF8 bool

	// firstLine maps a lower-cased student id to the line and name where
	// it first appeared, for duplicate_row.
	firstLine map[string]idSeen

	// idWidths counts student ids by length, and rejectedDigitIDs keeps
	// the rows with all-digit ids that are not in sheet.Rows, both for
	// lost_leading_zeros.
	idWidths         map[int]int
	rejectedDigitIDs []Row
}

type idSeen struct {
	line int
	name string
}

func newCollector(sheet *Sheet, opt Options, rowsHint int) *collector {
	if rowsHint > opt.MaxRows {
		rowsHint = opt.MaxRows
	}
	sheet.Rows = make([]Row, 0, rowsHint)
	return &collector{
		opt:       opt,
		sheet:     sheet,
		checkUTF8: true,
		firstLine: make(map[string]idSeen, rowsHint),
		idWidths:  make(map[int]int),
	}
}

// wantsMore reports whether further records can change the result.
func (c *collector) wantsMore() bool {
	return !c.tooMany && !c.headerBad
}

func (c *collector) problem(p Problem) {
	c.sheet.Problems = append(c.sheet.Problems, p)
}

// malformed records a line the CSV reader could not read. Before the
// header it ends reading, because no later line can be understood
// without the header, and the missing-column problems that the next line
// would give as a header would only mislead.
func (c *collector) malformed(p Problem) {
	c.problem(p)
	c.malformedCSV = true
	if !c.seenHeader {
		c.headerBad = true
	}
}

// add processes one record. line is the line or sheet row number shown to
// the organiser.
func (c *collector) add(line int, record []string) {
	if !c.wantsMore() || isBlankRecord(record) {
		return
	}
	if !c.seenHeader {
		c.addHeader(line, record)
		return
	}

	c.dataRows++
	if c.dataRows > c.opt.MaxRows {
		c.tooMany = true
		return
	}
	c.addRow(line, record)
}

func isBlankRecord(record []string) bool {
	for _, cell := range record {
		if trimCell(cell) != "" {
			return false
		}
	}
	return true
}

func (c *collector) addHeader(line int, record []string) {
	c.seenHeader = true

	if c.checkUTF8 {
		for i, cell := range record {
			if !utf8.ValidString(cell) {
				c.problem(encodingProblem(line, "", fmt.Sprintf("column %d header", i+1), cell))
			}
		}
	}

	var problems []Problem
	c.header, problems = parseHeader(line, record)
	if p, ok := c.hiddenDelimiter(line, record); ok && len(problems) > 0 {
		problems = []Problem{p}
	}
	if len(problems) > 0 {
		c.headerBad = true
		c.sheet.Problems = append(c.sheet.Problems, problems...)
	}
}

// hiddenDelimiter recognises a header row whose column names all sit in
// one cell, separated by a character that is not the file's delimiter,
// and returns one problem naming that character instead of a missing
// column problem for each required column.
func (c *collector) hiddenDelimiter(line int, record []string) (Problem, bool) {
	cell, ok := onlyCell(record)
	if !ok {
		return Problem{}, false
	}
	isColumn := func(s string) bool {
		_, known := headerLookup[normaliseHeader(s)]
		return known
	}
	r, ok := sniff.HiddenDelimiter(cell, isColumn)
	if !ok {
		return Problem{}, false
	}

	p := Problem{Line: line, Value: clip(cell), Code: CodeUnknownDelimiter}
	name := sniff.DelimiterName(r)
	if c.sheet.Format == "xlsx" {
		p.Message = fmt.Sprintf("The header row has every column name in its first cell, separated by %s. Put each column in its own cell (in Excel: Data > Text to Columns, with %s as the delimiter), then upload the file again.", name, name)
	} else {
		p.Message = fmt.Sprintf("The header row seems to use %s between columns, so the whole row reads as one column. Save the file as CSV with commas between columns (in Excel: Save As \"CSV UTF-8 (Comma delimited)\"), then upload it again. Commas, semicolons, tabs and vertical bars (|) are read as delimiters.", name)
	}
	return p, true
}

// onlyCell returns the one non-blank cell of a record.
func onlyCell(record []string) (string, bool) {
	cell, n := "", 0
	for _, v := range record {
		if trimCell(v) != "" {
			cell = trimCell(v)
			n++
		}
	}
	return cell, n == 1
}

// addRow validates one student row. It records every problem of the row
// and keeps the row only when none of them blocks issuing.
func (c *collector) addRow(line int, record []string) {
	h := &c.header
	before := len(c.sheet.Problems)

	if c.checkUTF8 && !c.validEncoding(line, record) {
		return
	}

	row := Row{
		Line:          line,
		StudentNumber: unwrapExcelText(h.cell(record, colStudentID)),
		Name:          restoreFormulaText(h.cell(record, colName)),
		Remarks:       h.cell(record, colRemarks),
	}
	idOK := c.checkStudentID(&row)
	c.checkSessions(&row, record)
	c.checkAssessment(&row, record)
	c.checkWithhold(&row, record)
	if idOK {
		c.checkDuplicate(&row)
	}

	switch {
	case len(c.sheet.Problems) == before:
		c.sheet.Rows = append(c.sheet.Rows, row)
	case isDigits(row.StudentNumber):
		c.rejectedDigitIDs = append(c.rejectedDigitIDs, row)
	}
}

// validEncoding reports whether every known column of the record is valid
// UTF-8, recording a problem for each one that is not. A row with invalid
// text is not checked further, because its other messages would quote
// garbled values.
func (c *collector) validEncoding(line int, record []string) bool {
	ok := true
	for col := range column(numColumns) {
		i := c.header.index[col]
		if i < 0 || i >= len(record) || utf8.ValidString(record[i]) {
			continue
		}
		c.problem(encodingProblem(line, columnSpecs[col].name, c.header.label(col), record[i]))
		ok = false
	}
	return ok
}

func encodingProblem(line int, column, label, value string) Problem {
	offset := 0
	for offset < len(value) {
		r, size := utf8.DecodeRuneInString(value[offset:])
		if r == utf8.RuneError && size <= 1 {
			break
		}
		offset += size
	}
	bad := byte(0)
	if offset < len(value) {
		bad = value[offset]
	}
	printable := clip(strings.ToValidUTF8(value, "\uFFFD"))
	return Problem{
		Line:   line,
		Column: column,
		Value:  printable,
		Code:   CodeInvalidEncoding,
		Message: fmt.Sprintf("The %s cell %q is not valid UTF-8 text (byte 0x%02X at byte %d). The file was probably saved in a legacy encoding: in Excel choose Save As \"CSV UTF-8 (Comma delimited)\", then upload the file again.",
			label, printable, bad, offset+1),
	}
}

func (c *collector) checkStudentID(row *Row) bool {
	h := &c.header
	id := row.StudentNumber
	p := Problem{Line: row.Line, Column: ColumnStudentID, Value: clip(id)}

	switch {
	case id == "":
		p.Code = CodeMissingValue
		p.Message = fmt.Sprintf("The %s cell is empty. Enter the student's ID, or delete the row to leave the student out.", h.label(colStudentID))
	case !c.opt.StudentIDPattern.MatchString(id):
		p.Code = CodeMalformedID
		p.Message = c.malformedIDMessage(id)
		if isDigits(id) {
			c.idWidths[len(id)]++
		}
	default:
		c.idWidths[len(id)]++
		return true
	}
	c.problem(p)
	return false
}

// malformedIDMessage explains in words why id is not a student id, and
// how to get the real id back when a spreadsheet turned it into a number
// in scientific notation.
func (c *collector) malformedIDMessage(id string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Student ID %q is not valid", clip(id))
	scientific := sniff.ScientificNotation(id)
	if c.opt.StudentIDPattern == defaultStudentIDPattern && !scientific {
		b.WriteString(" because " + defaultRuleBreach(id))
	}
	if c.opt.StudentIDRule != "" {
		b.WriteString(": a student ID is " + c.opt.StudentIDRule)
	}
	b.WriteString(". ")

	if scientific {
		fmt.Fprintf(&b, "A spreadsheet turned the ID into a number and shows it in scientific notation, which loses digits. Format the %s column as Text, type the IDs again (or paste them from the student register), and upload the file again.",
			c.header.label(colStudentID))
	} else {
		b.WriteString("Correct the ID, or delete the row to leave the student out.")
	}
	return b.String()
}

// defaultRuleBreach describes how id breaks the default rule of 4 to 20 ASCII
// letters or digits.
func defaultRuleBreach(id string) string {
	for _, r := range id {
		if r > unicode.MaxASCII || !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			if unicode.IsSpace(r) {
				return "it contains a space"
			}
			return fmt.Sprintf("it contains %q", r)
		}
	}
	if n := len(id); n < minIDLen {
		return fmt.Sprintf("it has only %d characters", n)
	}
	return fmt.Sprintf("it has %d characters", len(id))
}

func (c *collector) checkSessions(row *Row, record []string) {
	attended, attendedOK := c.readCount(row.Line, record, colSessionsAttended)
	total, totalOK := c.readCount(row.Line, record, colSessionsTotal)
	if totalOK && total == 0 {
		c.problem(Problem{
			Line: row.Line, Column: ColumnSessionsTotal, Value: "0", Code: CodeZeroTotal,
			Message: fmt.Sprintf("The %s is 0. Enter the number of sessions the activity had (at least 1).", c.header.label(colSessionsTotal)),
		})
		totalOK = false
	}
	if attendedOK && totalOK && attended > total {
		c.problem(Problem{
			Line: row.Line, Column: ColumnSessionsAttended, Value: fmt.Sprint(attended), Code: CodeAttendedExceedsTotal,
			Message: fmt.Sprintf("The student attended %d sessions but the activity had only %d (%s). Correct %s or %s.",
				attended, total, c.header.label(colSessionsTotal), c.header.label(colSessionsAttended), c.header.label(colSessionsTotal)),
		})
	}
	row.SessionsAttended, row.SessionsTotal = attended, total
}

// readCount reads a session count cell, recording a problem when it is
// empty or not a whole number.
func (c *collector) readCount(line int, record []string, col column) (int, bool) {
	s := c.header.cell(record, col)
	n, ok := parseCount(s)
	if ok {
		return n, true
	}

	p := Problem{Line: line, Column: columnSpecs[col].name, Value: clip(s)}
	label := c.header.label(col)
	if s == "" {
		p.Code = CodeMissingValue
		p.Message = fmt.Sprintf("The %s cell is empty. Enter a whole number of sessions, or delete the row to leave the student out.", label)
	} else {
		p.Code = CodeMalformedNumber
		p.Message = fmt.Sprintf("The %s value %q is not a whole number of sessions from 0 to %d. Enter a number such as 4.", label, p.Value, maxSessions)
	}
	c.problem(p)
	return 0, false
}

func (c *collector) checkAssessment(row *Row, record []string) {
	s := c.header.cell(record, colAssessment)
	assessment, ok := parseAssessment(s)
	if ok {
		row.Assessment = assessment
		return
	}
	c.problem(Problem{
		Line: row.Line, Column: ColumnAssessment, Value: clip(s), Code: CodeInvalidAssessment,
		Message: fmt.Sprintf("The %s value %q is not recognised. Enter pass or fail, or leave the cell empty when the activity has no assessment (passed, failed and n/a are also accepted).",
			c.header.label(colAssessment), clip(s)),
	})
}

func (c *collector) checkWithhold(row *Row, record []string) {
	s := c.header.cell(record, colWithhold)
	withhold, ok := parseWithhold(s)
	if ok {
		row.Withhold = withhold
		return
	}
	c.problem(Problem{
		Line: row.Line, Column: ColumnWithhold, Value: clip(s), Code: CodeInvalidWithhold,
		Message: fmt.Sprintf("The %s value %q is not recognised. Enter yes to withhold the student's badge or leave the cell empty (y, x, true and 1 also mean yes; n, no, false and 0 mean no).",
			c.header.label(colWithhold), clip(s)),
	})
}

// checkDuplicate records the first line of each student id and reports
// later lines with the same id. Ids compare case-insensitively because
// student records treat "s001" and "S001" as one student.
func (c *collector) checkDuplicate(row *Row) {
	key := strings.ToLower(row.StudentNumber)
	first, seen := c.firstLine[key]
	if !seen {
		c.firstLine[key] = idSeen{line: row.Line, name: row.Name}
		return
	}

	msg := fmt.Sprintf("Student ID %q already appears on line %d. Keep one row per student and delete the other.", row.StudentNumber, first.line)
	if !sameName(first.name, row.Name) {
		msg = fmt.Sprintf("Student ID %q already appears on line %d with a different name (%q there, %q here). Check which student is meant, correct the ID and keep one row per student.",
			row.StudentNumber, first.line, clip(first.name), clip(row.Name))
	}
	c.problem(Problem{
		Line: row.Line, Column: ColumnStudentID, Value: clip(row.StudentNumber), Code: CodeDuplicateRow, Message: msg,
	})
}

// sameName compares names ignoring case and runs of white space.
func sameName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

// finish adds whole-file problems, the lost_leading_zeros warnings, and
// sorts problems by line.
func (c *collector) finish() {
	switch {
	case c.tooMany:
		c.sheet.Rows = nil
		c.sheet.Problems = []Problem{{
			Code: CodeTooManyRows,
			Message: fmt.Sprintf("The file has more than %d student rows, the maximum for one upload. Split it into files of at most %d rows and upload each.",
				c.opt.MaxRows, c.opt.MaxRows),
		}}
		return
	case c.headerBad:
		c.sheet.Rows = nil
	case c.malformedCSV:
		// The lines the reader could not read may be the student rows, so
		// the file is not called empty.
	case !c.seenHeader:
		c.problem(Problem{Code: CodeEmptyFile, Message: "The file is empty. Fill in the attendance template: a header row, then one row per student, and upload it again."})
	case c.dataRows == 0:
		c.problem(Problem{Code: CodeEmptyFile, Message: "The file has a header row but no student rows. Add one row per student who took part and upload it again."})
	}

	c.warnLostLeadingZeros()
	slices.SortStableFunc(c.sheet.Problems, func(a, b Problem) int { return a.Line - b.Line })
}

// warnLostLeadingZeros flags all-digit ids that are shorter than the width
// most ids share. Spreadsheets read an id such as 00123 as the number 123
// and save it back without its zeros, so the short id would match the
// wrong student or none.
func (c *collector) warnLostLeadingZeros() {
	width := c.dominantIDWidth()
	if width == 0 {
		return
	}

	for _, rows := range [][]Row{c.sheet.Rows, c.rejectedDigitIDs} {
		for _, r := range rows {
			id := r.StudentNumber
			if !isDigits(id) || len(id) >= width {
				continue
			}
			c.problem(Problem{
				Line: r.Line, Column: ColumnStudentID, Value: clip(id), Code: CodeLostLeadingZeros, Warning: true,
				Message: fmt.Sprintf("Student ID %q has %d digits but most IDs in the file have %d, so a spreadsheet may have dropped its leading zeros (was it %q?). Format the %s column as Text, correct the ID and upload again.",
					id, len(id), width, strings.Repeat("0", width-len(id))+id, c.header.label(colStudentID)),
			})
		}
	}
}

// minIDsForWidth is how many ids must share a width before shorter ids
// count as suspicious. Fewer ids show no pattern to go by.
const minIDsForWidth = 3

// dominantIDWidth returns the id length shared by more than half of all
// ids, or 0 when there is none.
func (c *collector) dominantIDWidth() int {
	total := 0
	for _, n := range c.idWidths {
		total += n
	}
	for width, n := range c.idWidths {
		if n >= minIDsForWidth && 2*n > total {
			return width
		}
	}
	return 0
}
