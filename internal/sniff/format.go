// Package sniff recognises what an uploaded file contains before a reader
// parses it: the file format from its leading bytes, for delimited text its
// line breaks and column delimiter, and cells that a spreadsheet turned
// into numbers in scientific notation. Readers use it to tell a user
// that a PDF is not a spreadsheet, instead of reporting the PDF's bytes as
// badly encoded text.
package sniff

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
)

// Format is a file format recognised from a file's content.
type Format int

// Formats that Detect recognises. Unknown covers CSV and other text.
const (
	Unknown         Format = iota
	XLSX                   // Office Open XML workbook (.xlsx, .xlsm)
	DamagedZIP             // starts like a ZIP archive, but its directory cannot be read
	XLS                    // Excel 97-2003 workbook
	EncryptedOffice        // password-protected Office Open XML document, such as an encrypted .xlsx
	DOC                    // Word 97-2003 document
	PPT                    // PowerPoint 97-2003 presentation
	CompoundFile           // another OLE2 compound file
	DOCX                   // Word document
	PPTX                   // PowerPoint presentation
	ODS                    // OpenDocument spreadsheet, LibreOffice's own format
	OpenDocument           // another OpenDocument file, such as a text document
	ZIP                    // any other ZIP archive
	PDF
	PNG
	JPEG
	GIF
	WebP
	HEIC // HEIF image (.heic), the format iPhone cameras save in by default
	TIFF
	RTF
	UTF16  // text in UTF-16, with or without a byte order mark
	Binary // none of the above, but not text: it has zero bytes
)

var descriptions = map[Format]string{
	Unknown:         "a text file",
	XLSX:            "an Excel workbook (.xlsx)",
	DamagedZIP:      "a damaged ZIP archive",
	XLS:             "an Excel 97-2003 workbook (.xls)",
	EncryptedOffice: "a password-protected Office document",
	DOC:             "a Word 97-2003 document (.doc)",
	PPT:             "a PowerPoint 97-2003 presentation (.ppt)",
	CompoundFile:    "an Office 97-2003 file",
	DOCX:            "a Word document (.docx)",
	PPTX:            "a PowerPoint presentation (.pptx)",
	ODS:             "an OpenDocument spreadsheet (.ods)",
	OpenDocument:    "an OpenDocument file",
	ZIP:             "a ZIP archive",
	PDF:             "a PDF document",
	PNG:             "a PNG image",
	JPEG:            "a JPEG image",
	GIF:             "a GIF image",
	WebP:            "a WebP image",
	HEIC:            "a HEIC photo",
	TIFF:            "a TIFF image",
	RTF:             "an RTF document",
	UTF16:           "UTF-16 text",
	Binary:          "a binary file",
}

// Description names the format for a message, with its article, such as
// "a PDF document".
func (f Format) Description() string {
	if d, ok := descriptions[f]; ok {
		return d
	}
	return descriptions[Unknown]
}

// IsZIP reports whether files of the format are ZIP archives.
func (f Format) IsZIP() bool {
	switch f {
	case XLSX, DamagedZIP, DOCX, PPTX, ODS, OpenDocument, ZIP:
		return true
	}
	return false
}

// signature is a byte sequence at a fixed offset that marks a format.
type signature struct {
	offset int
	prefix string
	format Format
}

// signatures of formats recognised by their first bytes. A WebP file also
// starts with RIFF, and a HEIF file names one of its brands after ftyp.
var signatures = []signature{
	{0, "%PDF-", PDF},
	{0, "\x89PNG\r\n\x1a\n", PNG},
	{0, "\xFF\xD8\xFF", JPEG},
	{0, "GIF87a", GIF},
	{0, "GIF89a", GIF},
	{8, "WEBP", WebP},
	{4, "ftypheic", HEIC},
	{4, "ftypheix", HEIC},
	{4, "ftypmif1", HEIC},
	{4, "ftypmsf1", HEIC},
	{0, "II*\x00", TIFF},
	{0, "MM\x00*", TIFF},
	{0, "{\\rtf", RTF},
}

var (
	zipLocalHeader = []byte("PK\x03\x04")
	zipEmpty       = []byte("PK\x05\x06")
	compoundMagic  = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// Detect returns the format of data. A ZIP archive is classified by the
// names of its parts and an OLE2 compound file by the names of its
// streams. Data that is none of the known formats and has no zero byte in
// its first 8 KiB is Unknown, which readers treat as text.
func Detect(data []byte) Format {
	switch {
	case bytes.HasPrefix(data, zipLocalHeader), bytes.HasPrefix(data, zipEmpty):
		return detectZIP(data)
	case bytes.HasPrefix(data, compoundMagic):
		return detectCompound(data)
	}
	for _, s := range signatures {
		if len(data) >= s.offset && bytes.HasPrefix(data[s.offset:], []byte(s.prefix)) {
			if s.format == WebP && !bytes.HasPrefix(data, []byte("RIFF")) {
				continue
			}
			return s.format
		}
	}
	return detectText(data)
}

// detectZIP classifies an archive by its part names: Office Open XML keeps
// a workbook under xl/, a document under word/ and a presentation under
// ppt/, and OpenDocument names its type in a part called mimetype.
func detectZIP(data []byte) Format {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return DamagedZIP
	}

	var mimetype *zip.File
	for _, f := range zr.File {
		switch {
		case strings.HasPrefix(f.Name, "xl/"):
			return XLSX
		case strings.HasPrefix(f.Name, "word/"):
			return DOCX
		case strings.HasPrefix(f.Name, "ppt/"):
			return PPTX
		case f.Name == "mimetype":
			mimetype = f
		}
	}
	if mimetype == nil {
		return ZIP
	}

	rc, err := mimetype.Open()
	if err != nil {
		return ZIP
	}
	defer rc.Close()
	// A media type is short, so 128 bytes suffice and a crafted part
	// cannot make this read large.
	head, _ := io.ReadAll(io.LimitReader(rc, 128))
	switch {
	case bytes.HasPrefix(head, []byte("application/vnd.oasis.opendocument.spreadsheet")):
		return ODS
	case bytes.HasPrefix(head, []byte("application/vnd.oasis.opendocument.")):
		return OpenDocument
	}
	return ZIP
}

// textSample is how many leading bytes detectText inspects.
const textSample = 8 << 10

// detectText separates UTF-16 text and binary data from other text. UTF-16
// without a byte order mark is recognised by its zero bytes, which in
// Latin text fill every other byte.
func detectText(data []byte) Format {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return UTF16
	}

	head := data[:min(len(data), textSample)]
	var zeros [2]int // zero bytes at even and at odd offsets
	for i, b := range head {
		if b == 0 {
			zeros[i%2]++
		}
	}
	switch {
	case zeros[0]+zeros[1] == 0:
		return Unknown
	case looksLikeUTF16(zeros[0], zeros[1], len(head)), looksLikeUTF16(zeros[1], zeros[0], len(head)):
		return UTF16
	}
	return Binary
}

// looksLikeUTF16 reports whether zero bytes sit mostly at one parity of
// offset: at least a quarter of all byte pairs have a zero there, and
// fewer than a tenth as many zeros sit at the other parity.
func looksLikeUTF16(zerosHere, zerosThere, n int) bool {
	return zerosHere*8 >= n && zerosThere*10 < zerosHere
}
