package verifier

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf16"
)

// PDFAttachmentName is the file name under which a PDF certificate
// attaches its credential. Laurel's certificates attach the compact JWS
// under this name.
const PDFAttachmentName = "credential.jwt"

// Limits of PDF reading. The input is already bounded by MaxInputBytes.
// A certificate has a few dozen objects and one attachment.
const (
	maxPDFObjects   = 100_000 // object headers indexed
	maxPDFFilespecs = 64      // file specifications read
	maxPDFTokens    = 4096    // tokens read for one object
	maxPDFDepth     = 16      // nesting of dictionaries and arrays
	maxPDFSpaces    = 64      // white space between the parts of "1 0 obj"
)

var pdfHeader = []byte("%PDF-")

// ExtractPDF returns the content of the file named credential.jwt that a
// PDF embeds, such as a certificate's signed credential. It reads the
// file specifications in the PDF's top-level objects and the embedded file
// stream they name, which may be stored uncompressed or with FlateDecode.
// PDFs that keep those objects inside compressed object streams, or
// encode the file with another filter, are not read. Errors wrap
// ErrBakedImage or ErrNotCredential.
func ExtractPDF(data []byte) ([]byte, error) {
	if !bytes.HasPrefix(data, pdfHeader) {
		return nil, fmt.Errorf("%w: the file is not a PDF", ErrBakedImage)
	}
	objects, err := indexPDFObjects(data)
	if err != nil {
		return nil, err
	}
	p := &pdfFile{data: data, objects: objects}

	ref, err := p.findAttachment()
	if err != nil {
		return nil, err
	}
	return p.streamContent(ref)
}

// pdfFile is a PDF with the offsets of its objects.
type pdfFile struct {
	data []byte
	// objects maps an object number to the offset just after its "obj"
	// keyword. When a number occurs more than once, as after incremental
	// updates, the last occurrence wins, as it does for PDF readers.
	objects map[int]int
}

// pdfRef is an indirect reference such as "3 0 R".
type pdfRef struct{ num, gen int }

// pdfName is a name object such as /FlateDecode, without the slash.
type pdfName string

// pdfString is the bytes of a literal or hexadecimal string.
type pdfString []byte

// indexPDFObjects finds every "N G obj" header.
func indexPDFObjects(data []byte) (map[int]int, error) {
	objects := map[int]int{}
	for pos := 0; ; {
		i := bytes.Index(data[pos:], []byte("obj"))
		if i < 0 {
			return objects, nil
		}
		at := pos + i
		pos = at + 3
		if at >= 3 && string(data[at-3:at]) == "end" {
			continue
		}
		if pos < len(data) && !isPDFSpace(data[pos]) && !isPDFDelimiter(data[pos]) {
			continue
		}
		num, ok := objectNumberBefore(data, at)
		if !ok {
			continue
		}
		if len(objects) >= maxPDFObjects {
			return nil, fmt.Errorf("%w: the PDF has more than %d objects", ErrBakedImage, maxPDFObjects)
		}
		objects[num] = pos
	}
}

// objectNumberBefore reads "N G " backwards from the "obj" keyword at end
// and returns N.
func objectNumberBefore(data []byte, end int) (int, bool) {
	i, ok := spacesBefore(data, end)
	if !ok {
		return 0, false
	}
	if i, ok = digitsBefore(data, i); !ok {
		return 0, false
	}
	if i, ok = spacesBefore(data, i); !ok {
		return 0, false
	}
	start, ok := digitsBefore(data, i)
	if !ok || (start > 0 && !isPDFSpace(data[start-1]) && !isPDFDelimiter(data[start-1])) {
		return 0, false
	}
	num, err := strconv.Atoi(string(data[start:i]))
	return num, err == nil
}

// spacesBefore returns the start of the white space that ends at end, and
// false when there is none or more than maxPDFSpaces.
func spacesBefore(data []byte, end int) (int, bool) {
	i := end
	for i > 0 && isPDFSpace(data[i-1]) && end-i < maxPDFSpaces {
		i--
	}
	return i, i < end
}

// digitsBefore returns the start of the 1 to 10 digits that end at end.
func digitsBefore(data []byte, end int) (int, bool) {
	i := end
	for i > 0 && data[i-1] >= '0' && data[i-1] <= '9' && end-i < 10 {
		i--
	}
	return i, i < end
}

// findAttachment returns the reference of the embedded file stream of the
// file specification named PDFAttachmentName.
func (p *pdfFile) findAttachment() (pdfRef, error) {
	offsets := make([]int, 0, len(p.objects))
	for _, off := range p.objects {
		offsets = append(offsets, off)
	}
	slices.Sort(offsets)

	var names []string
	read := 0
	for k, off := range offsets {
		end := len(p.data)
		if k+1 < len(offsets) {
			end = offsets[k+1]
		}
		if !bytes.Contains(objectHead(p.data[off:end]), []byte("/EF")) {
			continue
		}
		if read++; read > maxPDFFilespecs {
			return pdfRef{}, fmt.Errorf("%w: the PDF has more than %d attached files", ErrBakedImage, maxPDFFilespecs)
		}

		spec, ok := p.objectValue(off, end).(map[pdfName]any)
		if !ok {
			continue
		}
		name := fileSpecName(spec)
		ref, ok := embeddedFileRef(spec)
		if !ok {
			continue
		}
		if name == PDFAttachmentName {
			return ref, nil
		}
		names = append(names, clip(name))
	}

	if len(names) > 0 {
		return pdfRef{}, fmt.Errorf("%w: the PDF has no attached file named %s, only %s", ErrNotCredential, PDFAttachmentName, listItems(names, ", "))
	}
	return pdfRef{}, fmt.Errorf("%w: the PDF has no attached file named %s", ErrNotCredential, PDFAttachmentName)
}

// objectHead returns the part of an object before its endobj or stream
// keyword, where its dictionary is.
func objectHead(obj []byte) []byte {
	for _, keyword := range []string{"endobj", "stream"} {
		if i := bytes.Index(obj, []byte(keyword)); i >= 0 {
			obj = obj[:i]
		}
	}
	return obj
}

// objectValue parses the value of the object whose body starts at off and
// ends before end, or returns nil when it cannot be read.
func (p *pdfFile) objectValue(off, end int) any {
	l := &pdfLexer{data: p.data[:end], pos: off}
	v, err := l.value(0)
	if err != nil {
		return nil
	}
	return v
}

// fileSpecName returns the file name of a file specification: its UF
// (Unicode) entry, or else its F entry, without any folder.
func fileSpecName(spec map[pdfName]any) string {
	for _, key := range []pdfName{"UF", "F"} {
		if s, ok := spec[key].(pdfString); ok && len(s) > 0 {
			return path.Base(decodeTextString(s))
		}
	}
	return ""
}

// embeddedFileRef returns the stream reference in the EF dictionary.
func embeddedFileRef(spec map[pdfName]any) (pdfRef, bool) {
	ef, ok := spec["EF"].(map[pdfName]any)
	if !ok {
		return pdfRef{}, false
	}
	for _, key := range []pdfName{"UF", "F"} {
		if ref, ok := ef[key].(pdfRef); ok {
			return ref, true
		}
	}
	return pdfRef{}, false
}

// decodeTextString decodes a PDF text string: UTF-16BE after its byte
// order mark, UTF-8 after its mark, and otherwise bytes read as Latin-1,
// which agrees with PDFDocEncoding for the characters of file names.
func decodeTextString(s []byte) string {
	switch {
	case len(s) >= 2 && s[0] == 0xfe && s[1] == 0xff:
		units := make([]uint16, 0, len(s)/2)
		for i := 2; i+1 < len(s); i += 2 {
			units = append(units, uint16(s[i])<<8|uint16(s[i+1]))
		}
		return string(utf16.Decode(units))
	case bytes.HasPrefix(s, []byte("\xef\xbb\xbf")):
		return string(s[3:])
	}
	runes := make([]rune, len(s))
	for i, b := range s {
		runes[i] = rune(b)
	}
	return string(runes)
}

// streamContent returns the decoded content of the stream object ref.
func (p *pdfFile) streamContent(ref pdfRef) ([]byte, error) {
	damaged := func(format string, args ...any) error {
		return fmt.Errorf("%w: the attached %s is damaged: %s", ErrBakedImage, PDFAttachmentName, fmt.Sprintf(format, args...))
	}
	off, ok := p.objects[ref.num]
	if !ok {
		return nil, damaged("object %d is missing", ref.num)
	}
	l := &pdfLexer{data: p.data, pos: off}
	v, err := l.value(0)
	dict, ok := v.(map[pdfName]any)
	if err != nil || !ok {
		return nil, damaged("object %d is not a stream", ref.num)
	}

	start, ok := l.streamStart()
	if !ok {
		return nil, damaged("object %d has no stream", ref.num)
	}
	length, ok := p.streamLength(dict["Length"])
	if !ok || length < 0 || length > len(p.data)-start {
		return nil, damaged("its Length does not fit the file")
	}
	end := &pdfLexer{data: p.data, pos: start + length}
	end.skipSpace()
	if !bytes.HasPrefix(p.data[end.pos:], []byte("endstream")) {
		return nil, damaged("its stream does not end where its Length says")
	}
	return decodeStream(p.data[start:start+length], dict)
}

// streamLength reads a Length entry, a number or a reference to one.
func (p *pdfFile) streamLength(v any) (int, bool) {
	if ref, ok := v.(pdfRef); ok {
		off, found := p.objects[ref.num]
		if !found {
			return 0, false
		}
		v = p.objectValue(off, len(p.data))
	}
	n, ok := v.(int)
	return n, ok
}

// decodeStream applies the stream's filter: none, or FlateDecode without
// a predictor. The output is bounded by MaxInputBytes.
func decodeStream(raw []byte, dict map[pdfName]any) ([]byte, error) {
	filters := []any{dict["Filter"]}
	if list, ok := dict["Filter"].([]any); ok {
		filters = list
	}
	switch {
	case len(filters) == 1 && filters[0] == nil:
		return raw, nil
	case len(filters) != 1 || filters[0] != pdfName("FlateDecode"):
		return nil, fmt.Errorf("%w: the attached %s is encoded with %s, which this verifier does not decode", ErrBakedImage, PDFAttachmentName, filterNames(filters))
	}
	if parms, ok := dict["DecodeParms"].(map[pdfName]any); ok {
		if predictor, ok := parms["Predictor"].(int); ok && predictor > 1 {
			return nil, fmt.Errorf("%w: the attached %s uses a FlateDecode predictor, which this verifier does not decode", ErrBakedImage, PDFAttachmentName)
		}
	}

	zr, err := zlib.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("%w: the attached %s cannot be decompressed: %v", ErrBakedImage, PDFAttachmentName, err)
	}
	out, err := io.ReadAll(io.LimitReader(zr, MaxInputBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%w: the attached %s cannot be decompressed: %v", ErrBakedImage, PDFAttachmentName, err)
	}
	if len(out) > MaxInputBytes {
		return nil, fmt.Errorf("%w: the attached %s expands to more than %d bytes", ErrTooLarge, PDFAttachmentName, MaxInputBytes)
	}
	return out, nil
}

// filterNames lists the names of a Filter entry for a message.
func filterNames(filters []any) string {
	names := make([]string, 0, len(filters))
	for _, f := range filters {
		names = append(names, clip(f))
	}
	if len(names) == 0 {
		return "an empty filter list"
	}
	return clip(strings.Join(names, " and "))
}

// pdfLexer reads PDF objects (ISO 32000-1 §7.2 and §7.3): dictionaries,
// arrays, names, strings, numbers, booleans, null and references. It
// reads at most maxPDFTokens tokens and maxPDFDepth levels.
type pdfLexer struct {
	data   []byte
	pos    int
	tokens int
}

var errPDFSyntax = errors.New("PDF syntax error")

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isPDFDelimiter(c byte) bool {
	return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' || c == '}' || c == '/' || c == '%'
}

// skipSpace skips white space and comments.
func (l *pdfLexer) skipSpace() {
	for l.pos < len(l.data) {
		switch c := l.data[l.pos]; {
		case isPDFSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.data) && l.data[l.pos] != '\n' && l.data[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// value reads one object. An integer followed by another and the keyword
// R is a reference.
func (l *pdfLexer) value(depth int) (any, error) {
	if depth > maxPDFDepth {
		return nil, errPDFSyntax
	}
	if l.tokens++; l.tokens > maxPDFTokens {
		return nil, errPDFSyntax
	}
	l.skipSpace()
	if l.pos >= len(l.data) {
		return nil, errPDFSyntax
	}

	switch c := l.data[l.pos]; {
	case c == '<' && l.pos+1 < len(l.data) && l.data[l.pos+1] == '<':
		return l.dictionary(depth)
	case c == '<':
		return l.hexString()
	case c == '[':
		return l.array(depth)
	case c == '(':
		return l.literalString()
	case c == '/':
		return l.name(), nil
	case c == '+' || c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return l.numberOrRef()
	}
	switch word := l.keyword(); word {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	return nil, errPDFSyntax
}

func (l *pdfLexer) dictionary(depth int) (any, error) {
	l.pos += 2
	dict := map[pdfName]any{}
	for {
		l.skipSpace()
		if bytes.HasPrefix(l.data[l.pos:], []byte(">>")) {
			l.pos += 2
			return dict, nil
		}
		if l.pos >= len(l.data) || l.data[l.pos] != '/' {
			return nil, errPDFSyntax
		}
		key := l.name()
		v, err := l.value(depth + 1)
		if err != nil {
			return nil, err
		}
		dict[key] = v
	}
}

func (l *pdfLexer) array(depth int) (any, error) {
	l.pos++
	var list []any
	for {
		l.skipSpace()
		if l.pos < len(l.data) && l.data[l.pos] == ']' {
			l.pos++
			return list, nil
		}
		v, err := l.value(depth + 1)
		if err != nil {
			return nil, err
		}
		list = append(list, v)
	}
}

// name reads a name after its slash, decoding #xx escapes.
func (l *pdfLexer) name() pdfName {
	l.pos++
	var b []byte
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		if isPDFSpace(c) || isPDFDelimiter(c) {
			break
		}
		if c == '#' && l.pos+2 < len(l.data) {
			if n, err := strconv.ParseUint(string(l.data[l.pos+1:l.pos+3]), 16, 8); err == nil {
				b = append(b, byte(n))
				l.pos += 3
				continue
			}
		}
		b = append(b, c)
		l.pos++
	}
	return pdfName(b)
}

// keyword reads a run of regular characters.
func (l *pdfLexer) keyword() string {
	start := l.pos
	for l.pos < len(l.data) && !isPDFSpace(l.data[l.pos]) && !isPDFDelimiter(l.data[l.pos]) {
		l.pos++
	}
	return string(l.data[start:l.pos])
}

// numberOrRef reads a number. An integer is returned as int, a real as
// float64, and "N G R" as a pdfRef.
func (l *pdfLexer) numberOrRef() (any, error) {
	word := l.keyword()
	n, err := strconv.Atoi(word)
	if err != nil {
		f, err := strconv.ParseFloat(word, 64)
		if err != nil {
			return nil, errPDFSyntax
		}
		return f, nil
	}

	save := l.pos
	l.skipSpace()
	gen, err := strconv.Atoi(l.keyword())
	if err == nil {
		l.skipSpace()
		if l.keyword() == "R" {
			return pdfRef{num: n, gen: gen}, nil
		}
	}
	l.pos = save
	return n, nil
}

// literalString reads a string in parentheses with its escapes (ISO
// 32000-1 §7.3.4.2). Balanced parentheses inside need no escape.
func (l *pdfLexer) literalString() (any, error) {
	l.pos++
	var out []byte
	for nesting := 0; l.pos < len(l.data); {
		c := l.data[l.pos]
		l.pos++
		switch c {
		case '(':
			nesting++
		case ')':
			if nesting == 0 {
				return pdfString(out), nil
			}
			nesting--
		case '\\':
			out = l.escape(out)
			continue
		}
		out = append(out, c)
	}
	return nil, errPDFSyntax
}

// escape appends the character of the escape sequence after a backslash.
func (l *pdfLexer) escape(out []byte) []byte {
	if l.pos >= len(l.data) {
		return out
	}
	c := l.data[l.pos]
	l.pos++
	switch c {
	case 'n':
		return append(out, '\n')
	case 'r':
		return append(out, '\r')
	case 't':
		return append(out, '\t')
	case 'b':
		return append(out, '\b')
	case 'f':
		return append(out, '\f')
	case '\r':
		if l.pos < len(l.data) && l.data[l.pos] == '\n' {
			l.pos++
		}
		return out
	case '\n':
		return out
	}
	if c < '0' || c > '7' {
		return append(out, c)
	}
	n := int(c - '0')
	for range 2 {
		if l.pos >= len(l.data) || l.data[l.pos] < '0' || l.data[l.pos] > '7' {
			break
		}
		n = n*8 + int(l.data[l.pos]-'0')
		l.pos++
	}
	return append(out, byte(n))
}

// hexString reads a string of hexadecimal digits in angle brackets; a
// missing last digit counts as 0.
func (l *pdfLexer) hexString() (any, error) {
	l.pos++
	var digits []byte
	for l.pos < len(l.data) {
		c := l.data[l.pos]
		l.pos++
		switch {
		case c == '>':
			if len(digits)%2 == 1 {
				digits = append(digits, '0')
			}
			out := make([]byte, len(digits)/2)
			for i := range out {
				n, _ := strconv.ParseUint(string(digits[2*i:2*i+2]), 16, 8)
				out[i] = byte(n)
			}
			return pdfString(out), nil
		case isPDFSpace(c):
		case ('0' <= c && c <= '9') || ('a' <= c && c <= 'f') || ('A' <= c && c <= 'F'):
			digits = append(digits, c)
		default:
			return nil, errPDFSyntax
		}
	}
	return nil, errPDFSyntax
}

// streamStart reads the stream keyword after a stream dictionary and the
// end of line that follows it, and returns the offset of the data.
func (l *pdfLexer) streamStart() (int, bool) {
	l.skipSpace()
	if !bytes.HasPrefix(l.data[l.pos:], []byte("stream")) {
		return 0, false
	}
	l.pos += len("stream")
	switch {
	case bytes.HasPrefix(l.data[l.pos:], []byte("\r\n")):
		l.pos += 2
	case bytes.HasPrefix(l.data[l.pos:], []byte("\n")), bytes.HasPrefix(l.data[l.pos:], []byte("\r")):
		l.pos++
	default:
		return 0, false
	}
	return l.pos, true
}
