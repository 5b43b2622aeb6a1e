package attendance

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// TemplateStudent is one student listed in a blank attendance form.
type TemplateStudent struct {
	Number string // student id, written as text so leading zeros survive
	Name   string
}

// templateColumns is the header row of both templates, in order.
var templateColumns = []string{
	ColumnStudentID,
	ColumnName,
	ColumnSessionsAttended,
	ColumnSessionsTotal,
	ColumnAssessment,
	ColumnWithhold,
	ColumnRemarks,
}

// WriteCSVTemplate writes a blank attendance form as CSV: the header row
// and one row per student with the other cells empty. The file starts with
// a UTF-8 byte order mark, without which Excel reads UTF-8 as the legacy
// code page and garbles Chinese names, and uses CRLF line ends as RFC 4180
// specifies.
//
// NOTE: Excel still turns an id such as 00123 into 123 when it opens the
// CSV. The XLSX template keeps the zeros, and Parse warns with
// lost_leading_zeros when they are lost.
func WriteCSVTemplate(w io.Writer, students []TemplateStudent) error {
	if _, err := w.Write(utf8BOM); err != nil {
		return fmt.Errorf("write csv template: %w", err)
	}

	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(templateColumns); err != nil {
		return fmt.Errorf("write csv template: %w", err)
	}

	record := make([]string, len(templateColumns))
	for _, s := range students {
		record[0], record[1] = s.Number, NeutraliseFormula(s.Name)
		if err := cw.Write(record); err != nil {
			return fmt.Errorf("write csv template: %w", err)
		}
	}

	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write csv template: %w", err)
	}
	return nil
}

// formulaStarts are the first characters that make a spreadsheet read a
// CSV cell as a formula.
const formulaStarts = "=+-@\t\r"

// NeutraliseFormula prefixes an apostrophe to a value that a spreadsheet
// would run as a formula, such as =HYPERLINK(…) typed as a name, so that it
// shows as text. Parse removes the apostrophe again. Every file Laurel
// writes for spreadsheets uses it, not only the attendance templates.
func NeutraliseFormula(v string) string {
	if v != "" && strings.ContainsRune(formulaStarts, rune(v[0])) {
		return "'" + v
	}
	return v
}

// restoreFormulaText undoes NeutraliseFormula.
func restoreFormulaText(v string) string {
	if len(v) > 1 && v[0] == '\'' && strings.ContainsRune(formulaStarts, rune(v[1])) {
		return v[1:]
	}
	return v
}

// Sheet names of the XLSX template. Parse reads the first sheet only.
const (
	TemplateSheet     = "Attendance"
	InstructionsSheet = "Instructions"
)

// textNumFmt is the built-in number format 49, "@" (Text). A cell with it
// keeps what is typed, so Excel does not turn 00123 into 123.
const textNumFmt = 49

// WriteXLSXTemplate writes a blank attendance form as an XLSX workbook.
// The first sheet, "Attendance", has a bold header row and one row per
// student. Its student_id column is formatted as Text, so leading zeros
// survive editing. The second sheet, "Instructions", explains each column
// and the award rule.
func WriteXLSXTemplate(w io.Writer, activityTitle string, students []TemplateStudent) error {
	f := excelize.NewFile()
	defer f.Close()

	if err := buildAttendanceSheet(f, students); err != nil {
		return fmt.Errorf("write xlsx template: %w", err)
	}
	if err := buildInstructionsSheet(f, activityTitle); err != nil {
		return fmt.Errorf("write xlsx template: %w", err)
	}
	if err := f.SetDocProps(&excelize.DocProperties{Title: "Activity Attendance Form: " + activityTitle}); err != nil {
		return fmt.Errorf("write xlsx template: set title: %w", err)
	}

	if err := f.Write(w); err != nil {
		return fmt.Errorf("write xlsx template: %w", err)
	}
	return nil
}

func buildAttendanceSheet(f *excelize.File, students []TemplateStudent) error {
	const sheet = TemplateSheet
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("name sheet: %w", err)
	}

	textStyle, err := f.NewStyle(&excelize.Style{NumFmt: textNumFmt})
	if err != nil {
		return fmt.Errorf("create text style: %w", err)
	}
	headerStyle, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, NumFmt: textNumFmt})
	if err != nil {
		return fmt.Errorf("create header style: %w", err)
	}

	// The column style covers rows the organiser adds, and each written id
	// cell takes it too, so every id in the column is text.
	if err := f.SetColStyle(sheet, "A", textStyle); err != nil {
		return fmt.Errorf("format student_id column: %w", err)
	}
	if err := f.SetSheetRow(sheet, "A1", &templateColumns); err != nil {
		return fmt.Errorf("write header: %w", err)
	}
	if err := f.SetRowStyle(sheet, 1, 1, headerStyle); err != nil {
		return fmt.Errorf("format header: %w", err)
	}

	for i, s := range students {
		row := i + 2
		if err := f.SetCellStr(sheet, fmt.Sprintf("A%d", row), s.Number); err != nil {
			return fmt.Errorf("write student %q: %w", s.Number, err)
		}
		if err := f.SetCellStr(sheet, fmt.Sprintf("B%d", row), s.Name); err != nil {
			return fmt.Errorf("write student %q: %w", s.Number, err)
		}
		if err := f.SetCellStyle(sheet, fmt.Sprintf("A%d", row), fmt.Sprintf("A%d", row), textStyle); err != nil {
			return fmt.Errorf("format student %q: %w", s.Number, err)
		}
	}

	return finishAttendanceSheet(f)
}

// finishAttendanceSheet sets column widths, freezes the header row and adds
// drop-down lists and number checks that catch typing errors in Excel.
func finishAttendanceSheet(f *excelize.File) error {
	const sheet = TemplateSheet
	widths := []struct {
		cols  string
		width float64
	}{{"A", 14}, {"B", 32}, {"C", 18}, {"D", 15}, {"E", 12}, {"F", 10}, {"G", 40}}
	for _, cw := range widths {
		if err := f.SetColWidth(sheet, cw.cols, cw.cols, cw.width); err != nil {
			return fmt.Errorf("set width of column %s: %w", cw.cols, err)
		}
	}

	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return fmt.Errorf("freeze header: %w", err)
	}

	sessions := excelize.NewDataValidation(true)
	sessions.SetSqref("C2:D1048576")
	if err := sessions.SetRange(0, maxSessions, excelize.DataValidationTypeWhole, excelize.DataValidationOperatorBetween); err != nil {
		return fmt.Errorf("check sessions: %w", err)
	}
	sessions.SetError(excelize.DataValidationErrorStyleStop, "Sessions", fmt.Sprintf("Enter a whole number of sessions from 0 to %d.", maxSessions))

	assessment := excelize.NewDataValidation(true)
	assessment.SetSqref("E2:E1048576")
	if err := assessment.SetDropList([]string{"pass", "fail"}); err != nil {
		return fmt.Errorf("list assessments: %w", err)
	}

	withhold := excelize.NewDataValidation(true)
	withhold.SetSqref("F2:F1048576")
	if err := withhold.SetDropList([]string{"yes"}); err != nil {
		return fmt.Errorf("list withhold values: %w", err)
	}

	for _, dv := range []*excelize.DataValidation{sessions, assessment, withhold} {
		if err := f.AddDataValidation(sheet, dv); err != nil {
			return fmt.Errorf("add data validation %s: %w", dv.Sqref, err)
		}
	}
	return nil
}

// instructionRows is the text of the Instructions sheet: pairs of a column
// name (or "") and its explanation.
var instructionRows = [][2]string{
	{"", "Fill in one row per student on the Attendance sheet, then upload this workbook. Keep the header row as it is."},
	{"", "To leave a student out, delete the student's row or enter yes under withhold."},
	{"", ""},
	{"Column", "What to enter"},
	{ColumnStudentID, "The student ID exactly as in the student records, including leading zeros (for example 00123). The column is formatted as Text so that Excel keeps the zeros: do not change its format. Each student may appear on one row only."},
	{ColumnName, "The student's name, to help you check the list. A name that differs from the student records is shown as a warning."},
	{ColumnSessionsAttended, "The number of sessions the student attended, as a whole number from 0 up to sessions_total."},
	{ColumnSessionsTotal, "The number of sessions the activity had, as a whole number of at least 1. It is usually the same on every row."},
	{ColumnAssessment, "pass or fail when the activity has an assessment. Leave it empty when there is none."},
	{ColumnWithhold, "yes to withhold the badge from this student, for example when the student did not take part fully. Leave it empty otherwise."},
	{ColumnRemarks, "Optional notes for the learning advisor. They do not affect the award."},
	{"", ""},
	{"Award rule", "A student receives the activity's badges when sessions_attended divided by sessions_total reaches the activity's minimum attendance, the assessment is not fail, and withhold is empty. Students who are not in the file receive nothing."},
	{"Saving", "Save as .xlsx (recommended) or as CSV UTF-8. Other CSV formats may lose leading zeros and non-English letters."},
}

func buildInstructionsSheet(f *excelize.File, activityTitle string) error {
	const sheet = InstructionsSheet
	if _, err := f.NewSheet(sheet); err != nil {
		return fmt.Errorf("add instructions sheet: %w", err)
	}

	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("create bold style: %w", err)
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return fmt.Errorf("create wrap style: %w", err)
	}

	if err := f.SetCellStr(sheet, "A1", "Activity Attendance Form: "+activityTitle); err != nil {
		return fmt.Errorf("write title: %w", err)
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", bold); err != nil {
		return fmt.Errorf("format title: %w", err)
	}

	for i, text := range instructionRows {
		row := i + 3
		if err := f.SetSheetRow(sheet, fmt.Sprintf("A%d", row), &[]string{text[0], text[1]}); err != nil {
			return fmt.Errorf("write instructions: %w", err)
		}
		if err := f.SetCellStyle(sheet, fmt.Sprintf("A%d", row), fmt.Sprintf("A%d", row), bold); err != nil {
			return fmt.Errorf("format instructions: %w", err)
		}
		if err := f.SetCellStyle(sheet, fmt.Sprintf("B%d", row), fmt.Sprintf("B%d", row), wrap); err != nil {
			return fmt.Errorf("format instructions: %w", err)
		}
	}

	if err := f.SetColWidth(sheet, "A", "A", 20); err != nil {
		return fmt.Errorf("set instructions width: %w", err)
	}
	if err := f.SetColWidth(sheet, "B", "B", 90); err != nil {
		return fmt.Errorf("set instructions width: %w", err)
	}
	return nil
}
