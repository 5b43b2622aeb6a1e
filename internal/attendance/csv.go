package attendance

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

var (
	utf8BOM    = []byte{0xEF, 0xBB, 0xBF}
	utf16LEBOM = []byte{0xFF, 0xFE}
	utf16BEBOM = []byte{0xFE, 0xFF}
)

// parseCSV reads a delimited text file. The input must be UTF-8, and it is
// never re-encoded, because guessing a legacy encoding would garble names.
func parseCSV(data []byte, opt Options) (*Sheet, error) {
	sheet := &Sheet{Format: "csv"}
	if bytes.HasPrefix(data, utf16LEBOM) || bytes.HasPrefix(data, utf16BEBOM) {
		sheet.Problems = []Problem{{
			Code:    CodeInvalidEncoding,
			Message: "The file is UTF-16 text (Excel's \"Unicode Text\"). In Excel choose Save As \"CSV UTF-8 (Comma delimited)\", then upload the file again.",
		}}
		return sheet, nil
	}
	data = bytes.TrimPrefix(data, utf8BOM)

	// A first line "sep=;" is Excel's way of naming the delimiter. The line
	// is not part of the table, and Excel does not show it as a row, so line
	// numbers start after it.
	delimiter, data, found := cutSepLine(data)
	if !found {
		delimiter = detectDelimiter(data)
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

// detectDelimiter picks comma, semicolon or tab, whichever occurs most often
// outside quotes in the first non-blank line. Comma wins ties and files
// with a single column, because RFC 4180 makes it the standard delimiter.
func detectDelimiter(data []byte) rune {
	line := firstNonBlankLine(data)

	var commas, semicolons, tabs int
	quoted := false
	for _, b := range line {
		switch {
		case b == '"':
			quoted = !quoted
		case quoted:
		case b == ',':
			commas++
		case b == ';':
			semicolons++
		case b == '\t':
			tabs++
		}
	}

	switch {
	case semicolons > commas && semicolons >= tabs:
		return ';'
	case tabs > commas && tabs > semicolons:
		return '\t'
	}
	return ','
}

func firstNonBlankLine(data []byte) []byte {
	for len(data) > 0 {
		var line []byte
		line, data, _ = bytes.Cut(data, []byte{'\n'})
		if len(bytes.TrimSpace(line)) > 0 {
			return line
		}
	}
	return nil
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
			if problem, ok := csvProblem(err); ok {
				c.problem(problem)
				continue
			}
			return fmt.Errorf("read csv: %w", err)
		}

		line, _ := r.FieldPos(0)
		c.add(line, record)
	}
	return nil
}

// csvProblem turns a csv.ParseError into a malformed_csv problem.
func csvProblem(err error) (Problem, bool) {
	var parseErr *csv.ParseError
	if !errors.As(err, &parseErr) {
		return Problem{}, false
	}
	return Problem{
		Line: parseErr.StartLine,
		Code: CodeMalformedCSV,
		Message: fmt.Sprintf("The file is not valid CSV from line %d to line %d: %v. Put quotes only around whole cells and double any quote inside a quoted cell (\"\"), or save the file again from the spreadsheet program.",
			parseErr.StartLine, parseErr.Line, parseErr.Err),
	}, true
}
