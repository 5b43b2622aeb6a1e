package sniff

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"codeberg.org/go-pdf/fpdf"
	"github.com/richardlehane/mscfb"
	"github.com/xuri/excelize/v2"
)

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want Format
	}{
		{"csv", []byte("student_id,name\nS0001,Ann\n"), Unknown},
		{"csv with utf-8 bom", []byte("\ufeffstudent_id,name\n"), Unknown},
		{"empty", nil, Unknown},
		{"xlsx", workbook(t, ""), XLSX},
		{"encrypted xlsx", workbook(t, "secret"), EncryptedOffice},
		{"xls", compoundFile(t, "Workbook", "\x05SummaryInformation"), XLS},
		{"excel 5 xls", compoundFile(t, "Book"), XLS},
		{"doc", compoundFile(t, "1Table", "\x05SummaryInformation", "\x05DocumentSummaryInformation", "Data", "WordDocument"), DOC},
		{"ppt", compoundFile(t, "PowerPoint Document", "Current User"), PPT},
		{"other compound file", compoundFile(t, "Contents"), CompoundFile},
		{"truncated compound file", compoundMagic, CompoundFile},
		{"docx", zipOf(t, "[Content_Types].xml", "word/document.xml"), DOCX},
		{"pptx", zipOf(t, "[Content_Types].xml", "ppt/presentation.xml"), PPTX},
		{"ods", zipOf(t, "mimetype", "content.xml"), ODS},
		{"plain zip", zipOf(t, "notes.txt"), ZIP},
		{"empty zip", zipOf(t), ZIP},
		{"damaged zip", []byte("PK\x03\x04 and then nothing"), DamagedZIP},
		{"pdf", pdfDocument(t), PDF},
		{"png", encodeImage(t, png.Encode), PNG},
		{"jpeg", encodeImage(t, func(w io.Writer, m image.Image) error { return jpeg.Encode(w, m, nil) }), JPEG},
		{"gif", encodeImage(t, func(w io.Writer, m image.Image) error { return gif.Encode(w, m, nil) }), GIF},
		{"webp", []byte("RIFF\x24\x00\x00\x00WEBPVP8 "), WebP},
		{"riff that is not webp", []byte("RIFF\x24\x00\x00\x00WAVEfmt "), Binary},
		{"heic", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), HEIC},
		{"tiff", []byte("II*\x00\x08\x00\x00\x00"), TIFF},
		{"rtf", []byte(`{\rtf1\ansi Attendance}`), RTF},
		{"utf-16le with bom", utf16Text(t, "\ufeffstudent_id,name\n", binary.LittleEndian), UTF16},
		{"utf-16be with bom", utf16Text(t, "\ufeffstudent_id,name\n", binary.BigEndian), UTF16},
		{"utf-16le without bom", utf16Text(t, "student_id,name\n", binary.LittleEndian), UTF16},
		{"utf-16be without bom", utf16Text(t, "student_id,name\n", binary.BigEndian), UTF16},
		{"binary", []byte{0x7F, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3E, 0}, Binary},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Detect(tt.data); got != tt.want {
				t.Errorf("Detect = %s, want %s", got.Description(), tt.want.Description())
			}
		})
	}
}

func TestDescriptionCoversEveryFormat(t *testing.T) {
	for f := Unknown; f <= Binary; f++ {
		if _, ok := descriptions[f]; !ok {
			t.Errorf("format %d has no description", f)
		}
	}
}

// FuzzDetect checks that no input makes Detect panic or loop, above all
// the compound file walker, which follows offsets read from the input.
func FuzzDetect(f *testing.F) {
	f.Add([]byte("student_id,name\n"))
	f.Add(compoundFile(f, "Workbook"))
	f.Add(zipOf(f, "mimetype"))
	f.Fuzz(func(t *testing.T, data []byte) {
		_ = Detect(data).Description()
	})
}

// workbook returns an XLSX file written by excelize, encrypted with
// password unless it is empty.
func workbook(tb testing.TB, password string) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetCellValue("Sheet1", "A1", "student_id"); err != nil {
		tb.Fatal(err)
	}
	var b bytes.Buffer
	if err := f.Write(&b, excelize.Options{Password: password}); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// zipOf returns a ZIP archive with the named parts. A part named mimetype
// holds the OpenDocument spreadsheet media type.
func zipOf(tb testing.TB, names ...string) []byte {
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

func pdfDocument(tb testing.TB) []byte {
	tb.Helper()
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.AddPage()
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func encodeImage(tb testing.TB, encode func(io.Writer, image.Image) error) []byte {
	tb.Helper()
	var b bytes.Buffer
	if err := encode(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func utf16Text(tb testing.TB, s string, order binary.AppendByteOrder) []byte {
	tb.Helper()
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = order.AppendUint16(b, u)
	}
	return b
}

// compoundFile builds a version 3 compound file whose root storage holds
// empty streams with the given names: a header, one FAT sector, then
// directory sectors of four entries each, chained through the FAT. The
// test checks that mscfb, the reader excelize uses, lists the same names,
// so that the layout is one real readers accept.
func compoundFile(tb testing.TB, names ...string) []byte {
	tb.Helper()
	const (
		sectorSize = 512
		noStream   = 0xFFFFFFFF
		endOfChain = 0xFFFFFFFE
		fatSector  = 0xFFFFFFFD
	)
	le := binary.LittleEndian
	entries := append([]string{"Root Entry"}, names...)
	dirSectors := (len(entries) + 3) / 4

	header := make([]byte, sectorSize)
	copy(header, compoundMagic)
	le.PutUint16(header[24:], 0x3E) // minor version
	le.PutUint16(header[26:], 3)    // major version
	le.PutUint16(header[28:], 0xFFFE)
	le.PutUint16(header[30:], 9) // 512-byte sectors
	le.PutUint16(header[32:], 6) // 64-byte mini sectors
	le.PutUint32(header[44:], 1) // one FAT sector
	le.PutUint32(header[48:], 1) // the directory starts in sector 1
	le.PutUint32(header[56:], 4096)
	le.PutUint32(header[60:], endOfChain)
	le.PutUint32(header[68:], endOfChain)
	for i := range 109 {
		le.PutUint32(header[76+4*i:], noStream)
	}
	le.PutUint32(header[76:], 0) // the FAT is sector 0

	fat := make([]byte, sectorSize)
	for i := range sectorSize / 4 {
		le.PutUint32(fat[4*i:], noStream)
	}
	le.PutUint32(fat, fatSector)
	for s := 1; s <= dirSectors; s++ {
		next := uint32(s + 1)
		if s == dirSectors {
			next = endOfChain
		}
		le.PutUint32(fat[4*s:], next)
	}

	dir := make([]byte, dirSectors*sectorSize)
	for i, name := range entries {
		e := dir[128*i : 128*(i+1)]
		units := utf16.Encode([]rune(name))
		for j, u := range units {
			le.PutUint16(e[2*j:], u)
		}
		le.PutUint16(e[64:], uint16(2*len(units)+2))
		e[66] = 2 // stream
		e[67] = 1 // black
		le.PutUint32(e[68:], noStream)
		le.PutUint32(e[72:], noStream)
		le.PutUint32(e[76:], noStream)
		le.PutUint32(e[116:], endOfChain)
		if i == 0 {
			e[66] = 5 // root storage
			if len(entries) > 1 {
				le.PutUint32(e[76:], 1)
			}
		} else if i+1 < len(entries) {
			le.PutUint32(e[72:], uint32(i+1))
		}
	}

	data := append(append(header, fat...), dir...)
	checkCompoundFile(tb, data, names)
	return data
}

func checkCompoundFile(tb testing.TB, data []byte, names []string) {
	tb.Helper()
	r, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		tb.Fatalf("mscfb cannot read the built compound file: %v", err)
	}
	var got []string
	for f, err := r.Next(); err == nil; f, err = r.Next() {
		got = append(got, f.Name)
	}
	// mscfb lists the streams below the root and drops the control
	// character that starts names such as "\x05SummaryInformation".
	want := make([]string, len(names))
	for i, n := range names {
		want[i] = strings.TrimLeft(n, "\x01\x02\x03\x04\x05\x06")
	}
	if !slices.Equal(got, want) {
		tb.Fatalf("mscfb lists %q, want %q", got, want)
	}
}
