package attendance

import (
	"fmt"
	"strings"
	"unicode"
)

// column identifies one known column of the attendance form.
type column int

const (
	colStudentID column = iota
	colName
	colSessionsAttended
	colSessionsTotal
	colAssessment
	colRemarks
	colWithhold
	numColumns
)

// Canonical column names, as written by the templates.
const (
	ColumnStudentID        = "student_id"
	ColumnName             = "name"
	ColumnSessionsAttended = "sessions_attended"
	ColumnSessionsTotal    = "sessions_total"
	ColumnAssessment       = "assessment"
	ColumnRemarks          = "remarks"
	ColumnWithhold         = "withhold"
)

// columnSpec describes a column: its canonical name, whether a file must
// have it, and the other header spellings accepted for it. Aliases are
// written in normalised form (see normaliseHeader).
type columnSpec struct {
	name     string
	required bool
	aliases  []string
}

var columnSpecs = [numColumns]columnSpec{
	colStudentID:        {ColumnStudentID, true, []string{"studentid", "student_no", "student_number", "student_num", "sid"}},
	colName:             {ColumnName, false, []string{"student_name", "full_name"}},
	colSessionsAttended: {ColumnSessionsAttended, true, []string{"attended", "sessions_attend", "attended_sessions", "no_of_sessions_attended"}},
	colSessionsTotal:    {ColumnSessionsTotal, true, []string{"total_sessions", "total", "no_of_sessions", "sessions"}},
	colAssessment:       {ColumnAssessment, false, []string{"result", "assessment_result"}},
	colRemarks:          {ColumnRemarks, false, []string{"remark", "comments", "comment", "notes"}},
	colWithhold:         {ColumnWithhold, false, []string{"withheld", "withhold_badge"}},
}

// headerLookup maps each normalised header spelling to its column.
var headerLookup = func() map[string]column {
	m := make(map[string]column)
	for c, spec := range columnSpecs {
		m[spec.name] = column(c)
		for _, a := range spec.aliases {
			m[a] = column(c)
		}
	}
	return m
}()

// normaliseHeader lower-cases a header cell and turns each run of spaces,
// hyphens and dots into one underscore, so "Student No." and "student-no"
// both become "student_no".
func normaliseHeader(s string) string {
	var b strings.Builder
	pendingSep := false
	for _, r := range trimCell(s) {
		if unicode.IsSpace(r) || r == '-' || r == '.' || r == '_' {
			pendingSep = true
			continue
		}
		if pendingSep && b.Len() > 0 {
			b.WriteByte('_')
		}
		pendingSep = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// header is the column layout of one file: the cell index of each known
// column (-1 when absent) and the header text the organiser wrote for it.
type header struct {
	index [numColumns]int
	text  [numColumns]string
}

// parseHeader maps header cells to columns. It returns problems for missing
// required columns and for columns given twice. A file with any of these
// problems yields no rows.
func parseHeader(line int, cells []string) (header, []Problem) {
	var h header
	for c := range h.index {
		h.index[c] = -1
	}

	var problems []Problem
	for i, cell := range cells {
		c, ok := headerLookup[normaliseHeader(cell)]
		if !ok {
			continue
		}
		if h.index[c] >= 0 {
			problems = append(problems, Problem{
				Line:   line,
				Column: columnSpecs[c].name,
				Value:  clip(trimCell(cell)),
				Code:   CodeDuplicateColumn,
				Message: fmt.Sprintf("The header names the %s column twice: %q in column %d and %q in column %d. Delete or rename one of them.",
					columnSpecs[c].name, h.text[c], h.index[c]+1, clip(trimCell(cell)), i+1),
			})
			continue
		}
		h.index[c] = i
		h.text[c] = clip(trimCell(cell))
	}

	for c, spec := range columnSpecs {
		if spec.required && h.index[c] < 0 {
			problems = append(problems, Problem{
				Line:    line,
				Column:  spec.name,
				Code:    CodeMissingColumn,
				Message: missingColumnMessage(spec),
			})
		}
	}
	return h, problems
}

func missingColumnMessage(spec columnSpec) string {
	quoted := make([]string, len(spec.aliases))
	for i, a := range spec.aliases {
		quoted[i] = fmt.Sprintf("%q", a)
	}
	return fmt.Sprintf("The header row has no %s column. Add a column named %s (also accepted: %s) or start from the attendance template. The header must be the first non-empty row.",
		spec.name, spec.name, strings.Join(quoted, ", "))
}

// cell returns the trimmed text of column c in a record, or "" when the
// file has no such column or the record is shorter.
func (h *header) cell(record []string, c column) string {
	i := h.index[c]
	if i < 0 || i >= len(record) {
		return ""
	}
	return trimCell(record[i])
}

// label is the column's header text as the organiser wrote it.
func (h *header) label(c column) string {
	if h.text[c] != "" {
		return h.text[c]
	}
	return columnSpecs[c].name
}
