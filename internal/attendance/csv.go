package attendance

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/laurel-badges/laurel/internal/sniff"
)

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// parseCSV reads a delimited text file. The input must be UTF-8, and it is
// never re-encoded, because guessing a legacy encoding would garble names.
func parseCSV(data []byte, opt Options) (*Sheet, error) {
	sheet := &Sheet{Format: "csv"}
	data = bytes.TrimPrefix(data, utf8BOM)
	data = sniff.NormaliseLineBreaks(data)

	// A first line "sep=;" is Excel's way of naming the delimiter. The line
	// is not part of the table, and Excel does not show it as a row, so line
	// numbers start after it.
	delimiter, data, found := cutSepLine(data)
	if !found {
		delimiter = sniff.Delimiter(sniff.FirstLine(data))
	}
	sheet.Delimiter = string(delimiter)

	c := newCollector(sheet, opt, bytes.Count(data, []byte{'\n'}))
	c.checkUTF8 = !utf8.Valid(data)
	if err := readCSVRecords(data, delimiter, c); err != nil {
		return nil, err
	}
	c.finish()
	return sheet, nil
}

// cutSepLine consumes a first line of the form "sep=X". It returns the
// delimiter X and the data after that line.
func cutSepLine(data []byte) (rune, []byte, bool) {
	line, rest, _ := bytes.Cut(data, []byte{'\n'})
	line = bytes.TrimRight(line, "\r")
	line = bytes.Trim(line, `"`)
	if len(line) < 5 || !bytes.EqualFold(line[:4], []byte("sep=")) {
		return 0, data, false
	}
	r, size := utf8.DecodeRune(line[4:])
	if 4+size != len(line) || !validDelimiter(r) {
		return 0, data, false
	}
	return r, rest, true
}

func validDelimiter(r rune) bool {
	return r != utf8.RuneError && r != '"' && r != '\r' && r != '\n'
}

// readCSVRecords feeds every record to the collector. Quote errors become
// malformed_csv problems and reading goes on with the next line, so that
// one stray quote does not hide the problems after it.
func readCSVRecords(data []byte, delimiter rune, c *collector) error {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter
	r.FieldsPerRecord = -1
	r.ReuseRecord = true

	for c.wantsMore() {
		record, err := r.Read()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			if problem, ok := csvProblem(err, data); ok {
				c.malformed(problem)
				continue
			}
			return fmt.Errorf("read csv: %w", err)
		}

		line, _ := r.FieldPos(0)
		c.add(line, record)
	}
	return nil
}

// csvProblem turns a csv.ParseError into a malformed_csv problem that
// names where the quotes went wrong and the fix. data is the text the
// reader read, which separates a cell left open from a stray quote.
func csvProblem(err error, data []byte) (Problem, bool) {
	var parseErr *csv.ParseError
	if !errors.As(err, &parseErr) {
		return Problem{}, false
	}

	const fix = "Write a quote inside a quoted cell as two quotes (\"\"), or save the file again from the spreadsheet program."
	start, end := parseErr.StartLine, parseErr.Line
	var msg string
	switch {
	case errors.Is(parseErr.Err, csv.ErrBareQuote):
		msg = fmt.Sprintf("Line %d has a quote (\") inside a cell that does not start with one, so the line cannot be read. Remove the quote, or put the whole cell in quotes and write the quote inside it as two quotes (\"\").", end)
	case errors.Is(parseErr.Err, csv.ErrQuote) && unclosedQuote(data, start, end):
		msg = fmt.Sprintf("A quoted cell starts on line %d and is never closed, so lines %d to %d read as one cell. Add the missing closing quote (\") or remove the opening one, or save the file again from the spreadsheet program.",
			start, start, end)
	case errors.Is(parseErr.Err, csv.ErrQuote) && start == end:
		msg = fmt.Sprintf("Line %d has a quoted cell with a quote inside it that is not doubled, or with text after its closing quote, so the line cannot be read. %s", end, fix)
	case errors.Is(parseErr.Err, csv.ErrQuote):
		msg = fmt.Sprintf("The quoted cell that starts on line %d has a quote inside it that is not doubled, or text after its closing quote, on line %d, so lines %d to %d cannot be read. %s",
			start, end, start, end, fix)
	default:
		msg = fmt.Sprintf("The file is not valid CSV from line %d to line %d: %v. %s", start, end, parseErr.Err, fix)
	}
	return Problem{Line: start, Code: CodeMalformedCSV, Message: msg}, true
}

// unclosedQuote reports whether a quote error on line end comes from a
// quoted cell, starting on line start, that the file never closes. That is
// so when the error is on the last line and the text from line start on
// has an odd number of quotes. Only an error on the last line is checked,
// so that a file with a stray quote on every line is not scanned once per
// line.
func unclosedQuote(data []byte, start, end int) bool {
	lastLine := bytes.Count(data, []byte{'\n'})
	if !bytes.HasSuffix(data, []byte{'\n'}) {
		lastLine++
	}
	if end < lastLine {
		return false
	}

	for range start - 1 {
		_, rest, found := bytes.Cut(data, []byte{'\n'})
		if !found {
			return false
		}
		data = rest
	}
	return bytes.Count(data, []byte{'"'})%2 == 1
}
