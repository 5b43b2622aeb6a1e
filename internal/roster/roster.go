// Package roster reads the student register from CSV or XLSX files, as
// exported by a student information system, into issuer.Student records.
package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/laurel-badges/laurel/internal/sniff"
	"github.com/laurel-badges/laurel/issuer"
)

// maxStudents bounds one import so that a wrong file cannot exhaust memory.
const maxStudents = 500_000

// columns maps accepted header spellings to the field they fill.
var columns = map[string]string{
	"student_id":      "student_id",
	"studentid":       "student_id",
	"student_no":      "student_id",
	"student_number":  "student_id",
	"id":              "student_id",
	"name":            "name",
	"english_name":    "name",
	"full_name":       "name",
	"chinese_name":    "chinese_name",
	"email":           "email",
	"email_address":   "email",
	"programme":       "programme",
	"program":         "programme",
	"programme_title": "programme",
	"year_of_entry":   "year_of_entry",
	"entry_year":      "year_of_entry",
	"intake_year":     "year_of_entry",
	"study_mode":      "study_mode",
	"mode":            "study_mode",
	"mode_of_study":   "study_mode",
	"status":          "status",
	"student_status":  "status",

	// A personal address outlives the institutional one, so alumni can
	// still sign in.
	"personal_email":         "personal_email",
	"personal_e_mail":        "personal_email",
	"personal_email_address": "personal_email",
	"private_email":          "personal_email",
	"alumni_email":           "personal_email",
}

var required = []string{"student_id", "name", "email"}

// ReadStudents parses a students file. It reports every problem it finds,
// each with its line, joined into one error.
func ReadStudents(filename string, data []byte) ([]*issuer.Student, error) {
	records, err := readRecords(filename, data)
	if err != nil {
		return nil, err
	}
	if len(records) < 2 {
		return nil, issuer.Invalidf("file", "no students found; expected a header row (student_id,name,email,…) and one row per student")
	}
	if len(records) > maxStudents+1 {
		return nil, issuer.Invalidf("file", "%d rows is more than the %d one import takes; split the file", len(records)-1, maxStudents)
	}

	index, err := headerIndex(records[0])
	if err != nil {
		return nil, err
	}

	var students []*issuer.Student
	var errs []error
	for i, rec := range records[1:] {
		if blank(rec) {
			continue
		}
		st, err := student(index, rec)
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", i+2, err))
			if len(errs) == 50 {
				break
			}
			continue
		}
		students = append(students, st)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return students, nil
}

func headerIndex(header []string) (map[string]int, error) {
	index := map[string]int{}
	for i, h := range header {
		if field, ok := columns[headerKey(h)]; ok {
			index[field] = i
		}
	}
	var errs []error
	for _, f := range required {
		if _, ok := index[f]; !ok {
			errs = append(errs, issuer.Invalidf(f, "missing column; the header row must contain %s", strings.Join(required, ", ")))
		}
	}
	if len(errs) > 0 {
		if r, ok := hiddenDelimiter(header); ok {
			return index, issuer.Invalidf("file", "the header row seems to use %s between columns, so it reads as one column; save the file as CSV with commas between columns, or as XLSX with one column per cell", sniff.DelimiterName(r))
		}
	}
	return index, errors.Join(errs...)
}

// hiddenDelimiter finds the character between the column names of a
// header row that was read as one cell.
func hiddenDelimiter(header []string) (rune, bool) {
	cell, cells := "", 0
	for _, h := range header {
		if clean(h) != "" {
			cell = clean(h)
			cells++
		}
	}
	if cells != 1 {
		return 0, false
	}
	return sniff.HiddenDelimiter(cell, func(s string) bool {
		_, ok := columns[headerKey(s)]
		return ok
	})
}

// headerKey lower-cases a header cell and joins its words with
// underscores, so "Student ID" and "student-id" both become "student_id".
func headerKey(h string) string {
	return strings.ToLower(strings.Join(strings.FieldsFunc(clean(h), func(r rune) bool { return r == ' ' || r == '-' || r == '_' }), "_"))
}

func student(index map[string]int, rec []string) (*issuer.Student, error) {
	get := func(field string) string {
		i, ok := index[field]
		if !ok || i >= len(rec) {
			return ""
		}
		return clean(rec[i])
	}

	// A blank personal_email or status cell leaves Student's field empty,
	// which the import reads as "keep the stored value".
	st := &issuer.Student{
		Number:        get("student_id"),
		Name:          get("name"),
		ChineseName:   get("chinese_name"),
		Email:         get("email"),
		Programme:     get("programme"),
		PersonalEmail: get("personal_email"),
	}

	// The import checks these again; checking here adds the line number.
	errs := []error{
		issuer.CheckLine("student_id", st.Number),
		issuer.CheckLine("name", st.Name),
		issuer.CheckLine("chinese_name", st.ChineseName),
		issuer.CheckLine("email", st.Email),
		issuer.CheckLine("programme", st.Programme),
	}
	if sniff.ScientificNotation(st.Number) {
		errs = append(errs, issuer.Invalidf("student_id", "%q is a number in scientific notation: a spreadsheet turned the id into a number and dropped digits; format the student_id column as Text, enter the ids again and save the file", st.Number))
	}
	if y := get("year_of_entry"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil {
			errs = append(errs, issuer.Invalidf("year_of_entry", "%q is not a year such as 2024", y))
		}
		st.YearOfEntry = n
	}
	mode, ok := issuer.NormaliseStudyMode(get("study_mode"))
	if !ok && get("study_mode") != "" {
		errs = append(errs, issuer.Invalidf("study_mode", "%q: use full-time or part-time", get("study_mode")))
	}
	if mode == "" {
		mode = issuer.FullTime
	}
	st.StudyMode = mode
	if v := get("status"); v != "" {
		status, ok := issuer.NormaliseStudentStatus(v)
		if !ok {
			errs = append(errs, issuer.Invalidf("status", "%q: use current or graduated, or leave the cell blank to keep the stored status", v))
		}
		st.Status = status
	}
	if st.PersonalEmail != "" {
		if err := issuer.CheckPersonalEmail(st.PersonalEmail); err != nil {
			errs = append(errs, err)
		}
	}
	return st, errors.Join(errs...)
}

// clean trims spaces of every kind, including U+00A0 left by spreadsheets.
func clean(s string) string { return strings.TrimFunc(s, unicode.IsSpace) }

func blank(rec []string) bool {
	for _, c := range rec {
		if clean(c) != "" {
			return false
		}
	}
	return true
}

func readRecords(filename string, data []byte) ([][]string, error) {
	switch format := sniff.Detect(data); format {
	case sniff.XLSX:
		return readXLSX(data)
	case sniff.Unknown:
	case sniff.UTF16:
		return nil, issuer.Invalidf("file", "%s is UTF-16 text (Excel's \"Unicode Text\"); save it as CSV UTF-8 or as XLSX", filename)
	case sniff.DamagedZIP:
		return nil, issuer.Invalidf("file", "%s is not a readable XLSX workbook (its ZIP structure is damaged); save it again as XLSX or as CSV UTF-8", filename)
	default:
		return nil, issuer.Invalidf("file", "%s is %s, not a student register; save the register as XLSX or as CSV UTF-8", filename, format.Description())
	}
	if !utf8.Valid(data) {
		return nil, issuer.Invalidf("file", "%s is not UTF-8 text; save it as CSV UTF-8 or as XLSX", filename)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = sniff.NormaliseLineBreaks(data)

	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = sniff.Delimiter(sniff.FirstLine(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	var records [][]string
	for {
		rec, err := r.Read()
		if err == io.EOF {
			return records, nil
		}
		var parseErr *csv.ParseError
		if errors.As(err, &parseErr) {
			return nil, issuer.Invalidf("file", "%s is not valid CSV from line %d: %v; put quotes only around whole cells and write a quote inside a quoted cell as two quotes (\"\")", filename, parseErr.StartLine, parseErr.Err)
		}
		if err != nil {
			return nil, issuer.Invalidf("file", "%s is not valid CSV: %v", filename, err)
		}
		records = append(records, rec)
	}
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data), excelize.Options{UnzipSizeLimit: 200 << 20, UnzipXMLSizeLimit: 100 << 20})
	if err != nil {
		return nil, issuer.Invalidf("file", "not a readable XLSX workbook: %v", err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, issuer.Invalidf("file", "the workbook has no sheets")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, issuer.Invalidf("file", "read sheet %q: %v", sheets[0], err)
	}
	return rows, nil
}
