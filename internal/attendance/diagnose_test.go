package attendance

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"codeberg.org/go-pdf/fpdf"
	"github.com/xuri/excelize/v2"
)

// twoRows is a valid attendance table of two students; tests change its
// line breaks and delimiters.
var twoRows = [][]string{
	{"student_id", "name", "sessions_attended", "sessions_total"},
	{"S0001", "Ann", "4", "4"},
	{"S0002", "Bo", "3", "4"},
}

func joinRows(rows [][]string, delimiter, lineBreak string) string {
	lines := make([]string, len(rows))
	for i, r := range rows {
		lines[i] = strings.Join(r, delimiter)
	}
	return strings.Join(lines, lineBreak) + lineBreak
}

func TestParseLineBreaksAndDelimiters(t *testing.T) {
	tests := []struct {
		name          string
		text          string
		wantDelimiter string
	}{
		{"lf", joinRows(twoRows, ",", "\n"), ","},
		{"crlf", joinRows(twoRows, ",", "\r\n"), ","},
		{"lone cr", joinRows(twoRows, ",", "\r"), ","},
		{"lone cr without final break", strings.TrimSuffix(joinRows(twoRows, ",", "\r"), "\r"), ","},
		{"lone cr with sep line", "sep=;\r" + joinRows(twoRows, ";", "\r"), ";"},
		{"lone cr semicolon", joinRows(twoRows, ";", "\r"), ";"},
		{"tab", joinRows(twoRows, "\t", "\n"), "\t"},
		{"vertical bar", joinRows(twoRows, "|", "\n"), "|"},
		{"vertical bar crlf", joinRows(twoRows, "|", "\r\n"), "|"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := parseCSVText(t, tt.text, Options{})
			if len(sheet.Problems) != 0 {
				t.Fatalf("problems: %v", sheet.Problems)
			}
			if sheet.Delimiter != tt.wantDelimiter {
				t.Errorf("delimiter = %q, want %q", sheet.Delimiter, tt.wantDelimiter)
			}
			want := []Row{
				{Line: 2, StudentNumber: "S0001", Name: "Ann", SessionsAttended: 4, SessionsTotal: 4},
				{Line: 3, StudentNumber: "S0002", Name: "Bo", SessionsAttended: 3, SessionsTotal: 4},
			}
			if !slices.Equal(sheet.Rows, want) {
				t.Errorf("rows = %+v, want %+v", sheet.Rows, want)
			}
		})
	}
}

func TestParseHiddenDelimiter(t *testing.T) {
	tests := []struct {
		name     string
		filename string
		data     []byte
		want     []string // in the one problem's message
	}{
		{"colon csv", "a.csv", []byte(joinRows(twoRows, ":", "\n")), []string{"':'", "CSV with commas"}},
		{"full-width comma csv", "a.csv", []byte(joinRows(twoRows, "，", "\n")), []string{"'，'", "CSV with commas"}},
		{"slash csv with lone cr", "a.csv", []byte(joinRows(twoRows, "/", "\r")), []string{"'/'"}},
		{"one cell xlsx", "a.xlsx", buildWorkbook(t, [][]any{{"student_id:name:sessions_attended:sessions_total"}, {"S0001:Ann:4:4"}}, nil), []string{"':'", "Text to Columns"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet, err := Parse(tt.filename, tt.data, Options{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got, want := keys(sheet.Problems), []problemKey{{1, "", CodeUnknownDelimiter, false}}; !slices.Equal(got, want) {
				t.Fatalf("problems = %+v, want %+v\n%v", got, want, sheet.Problems)
			}
			for _, part := range tt.want {
				if msg := sheet.Problems[0].Message; !strings.Contains(msg, part) {
					t.Errorf("message lacks %q: %s", part, msg)
				}
			}
		})
	}
}

func TestParseWrongFileFormat(t *testing.T) {
	tests := []struct {
		name     string
		filename string
		data     []byte
		wantCode string
		want     string // in the message
	}{
		{"pdf", "attendance.csv", pdfFile(t), CodeUnreadableFile, "The file is a PDF document"},
		{"pdf named xlsx", "attendance.xlsx", pdfFile(t), CodeUnreadableFile, "The file is a PDF document"},
		{"png", "attendance.csv", imageFile(t, png.Encode), CodeUnreadableFile, "The file is a PNG image"},
		{"jpeg", "attendance.csv", imageFile(t, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) }), CodeUnreadableFile, "The file is a JPEG image"},
		{"gif", "attendance.csv", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), CodeUnreadableFile, "The file is a GIF image"},
		{"docx", "attendance.xlsx", zipFile(t, "[Content_Types].xml", "word/document.xml"), CodeUnreadableFile, "The file is a Word document (.docx)"},
		{"zip without workbook", "attendance.zip", zipFile(t, "attendance.csv"), CodeUnreadableFile, "The file is a ZIP archive"},
		{"ods", "attendance.ods", zipFile(t, "mimetype", "content.xml"), CodeUnreadableFile, "OpenDocument spreadsheet (.ods)"},
		{"encrypted xlsx", "attendance.xlsx", encryptedWorkbook(t), CodeUnreadableFile, "password-protected workbook"},
		{"binary", "attendance.csv", []byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"), CodeUnreadableFile, "neither text nor a spreadsheet"},
		{"utf-16 without bom", "attendance.csv", utf16LE(joinRows(twoRows, "\t", "\r\n")), CodeInvalidEncoding, "UTF-16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet, err := Parse(tt.filename, tt.data, Options{})
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if got, want := keys(sheet.Problems), []problemKey{{0, "", tt.wantCode, false}}; !slices.Equal(got, want) {
				t.Fatalf("problems = %+v, want %+v\n%v", got, want, sheet.Problems)
			}
			msg := sheet.Problems[0].Message
			if !strings.Contains(msg, tt.want) {
				t.Errorf("message lacks %q: %s", tt.want, msg)
			}
			if tt.wantCode == CodeUnreadableFile && !strings.Contains(msg, ".xlsx") {
				t.Errorf("message does not say which file to upload: %s", msg)
			}
			if strings.Contains(msg, "legacy encoding") {
				t.Errorf("message blames the text encoding: %s", msg)
			}
		})
	}
}

func TestParseMalformedIDMessage(t *testing.T) {
	tests := []struct {
		name    string
		id      string
		opt     Options
		want    []string
		notWant []string
	}{
		{"scientific notation", "1.58E+08", Options{}, []string{`"1.58E+08" is not valid: a student ID is 4 to 20 letters`, "scientific notation", "Format the student_id column as Text"}, []string{"Correct the ID", "contains"}},
		{"scientific notation decimal comma", "1,58E+08", Options{}, []string{"scientific notation"}, nil},
		{"lower-case exponent", "1.5e8", Options{}, []string{"scientific notation"}, nil},
		{"hyphen", "S-01", Options{}, []string{`"S-01"`, `contains '-'`, "4 to 20 letters (A to Z) or digits", "Correct the ID"}, []string{"scientific"}},
		{"space", "S 0001", Options{}, []string{"contains a space"}, nil},
		{"accented letter", "SÉ001", Options{}, []string{`contains 'É'`}, nil},
		{"too short", "S01", Options{}, []string{"only 3 characters"}, nil},
		{"too long", strings.Repeat("S", 21), Options{}, []string{"has 21 characters"}, nil},
		{"custom rule", "S0001", Options{StudentIDPattern: regexp.MustCompile(`^\d{9}$`), StudentIDRule: "9 digits"}, []string{"a student ID is 9 digits"}, nil},
		{"custom pattern without rule", "S0001", Options{StudentIDPattern: regexp.MustCompile(`^\d{9}$`)}, []string{`"S0001" is not valid.`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := parseCSVText(t, "student_id,sessions_attended,sessions_total\n\""+tt.id+"\",4,4\n", tt.opt)
			if got, want := keys(sheet.Problems), []problemKey{{2, ColumnStudentID, CodeMalformedID, false}}; !slices.Equal(got, want) {
				t.Fatalf("problems = %+v, want %+v", got, want)
			}
			msg := sheet.Problems[0].Message
			for _, part := range tt.want {
				if !strings.Contains(msg, part) {
					t.Errorf("message lacks %q: %s", part, msg)
				}
			}
			for _, part := range append(tt.notWant, "^", "$", "[A-Za-z", `\d`) {
				if strings.Contains(msg, part) {
					t.Errorf("message contains %q: %s", part, msg)
				}
			}
		})
	}
}

// TestParseXLSXScientificID checks the case in a workbook: an id stored as
// a number in a cell with the Scientific number format (built-in format
// 11, 0.00E+00) reads as the text the cell shows.
func TestParseXLSXScientificID(t *testing.T) {
	data := buildWorkbook(t, [][]any{
		{"student_id", "sessions_attended", "sessions_total"},
		{158004321, 4, 4},
	}, &excelize.Style{NumFmt: 11})
	sheet := parseXLSXBytes(t, data)

	if got, want := keys(sheet.Problems), []problemKey{{2, ColumnStudentID, CodeMalformedID, false}}; !slices.Equal(got, want) {
		t.Fatalf("problems = %+v, want %+v\n%v", got, want, sheet.Problems)
	}
	if p := sheet.Problems[0]; p.Value != "1.58E+08" || !strings.Contains(p.Message, "scientific notation") {
		t.Errorf("value %q, message %q; want 1.58E+08 explained as scientific notation", p.Value, p.Message)
	}
}

func TestParseMalformedCSVOnly(t *testing.T) {
	header := "student_id,name,sessions_attended,sessions_total\n"
	tests := []struct {
		name     string
		text     string
		want     []problemKey
		wantText []string // in the first problem's message
	}{
		{
			name:     "unclosed quote in first row",
			text:     header + "\"S0001,Ann,4,4\nS0002,Bo,4,4\nS0003,Cy,4,4\n",
			want:     []problemKey{{2, "", CodeMalformedCSV, false}},
			wantText: []string{"starts on line 2 and is never closed", "lines 2 to 4", "Add the missing closing quote"},
		},
		{
			name:     "unclosed quote in header",
			text:     "\"student_id,name,sessions_attended,sessions_total\nS0001,Ann,4,4\n",
			want:     []problemKey{{1, "", CodeMalformedCSV, false}},
			wantText: []string{"starts on line 1 and is never closed"},
		},
		{
			name:     "bare quote in header",
			text:     "student_id,na\"me,sessions_attended,sessions_total\nS0001,Ann,4,4\n",
			want:     []problemKey{{1, "", CodeMalformedCSV, false}},
			wantText: []string{"Line 1 has a quote"},
		},
		{
			name:     "undoubled quote in only row",
			text:     header + "S0001,\"Ann \"The\" Lee\",4,4\n",
			want:     []problemKey{{2, "", CodeMalformedCSV, false}},
			wantText: []string{"Line 2 has a quoted cell with a quote inside it that is not doubled"},
		},
		{
			name:     "undoubled quote after a cell over two lines",
			text:     header + "S0001,\"Ann\nLee\"x,4,4\nS0002,Bo,4,4\n",
			want:     []problemKey{{2, "", CodeMalformedCSV, false}},
			wantText: []string{"starts on line 2", "on line 3"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sheet := parseCSVText(t, tt.text, Options{})
			if got := keys(sheet.Problems); !slices.Equal(got, tt.want) {
				t.Fatalf("problems = %+v, want %+v\n%v", got, tt.want, sheet.Problems)
			}
			for _, part := range tt.wantText {
				if msg := sheet.Problems[0].Message; !strings.Contains(msg, part) {
					t.Errorf("message lacks %q: %s", part, msg)
				}
			}
		})
	}
}

func pdfFile(tb testing.TB) []byte {
	tb.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	pdf.SetFont("Helvetica", "", 12)
	pdf.Cell(40, 10, "student_id,name,sessions_attended,sessions_total")
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func imageFile(tb testing.TB, encode func(io.Writer, image.Image) error) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := encode(&b, image.NewGray(image.Rect(0, 0, 8, 8))); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// zipFile returns an archive with the named parts; a part named mimetype
// holds the OpenDocument spreadsheet media type.
func zipFile(tb testing.TB, names ...string) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		content := "<x/>"
		if name == "mimetype" {
			content = "application/vnd.oasis.opendocument.spreadsheet"
		}
		if _, err := io.WriteString(w, content); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func encryptedWorkbook(tb testing.TB) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetRow("Sheet1", "A1", &[]any{"student_id", "sessions_attended", "sessions_total"}); err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b, excelize.Options{Password: "attendance"}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func utf16LE(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}
