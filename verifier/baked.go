package verifier

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
)

// Names that mark a baked credential.
const (
	pngKeyword      = "openbadgecredential" // iTXt keyword of OB 3.0
	pngKeywordOB2   = "openbadges"          // iTXt or tEXt keyword of OB 2.0
	svgNamespace    = "https://purl.imsglobal.org/ob/v3p0"
	svgNamespaceOB2 = "http://openbadges.org"
)

// Limits of SVG parsing. A badge image nests a few levels and has at most
// some thousands of elements; the input is already bounded by
// MaxInputBytes.
const (
	maxSVGDepth  = 64
	maxSVGTokens = 200_000
)

const msgOB2 = "this is an Open Badges 2.0 badge, which this verifier does not check; ask the issuer for an Open Badges 3.0 credential"

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// ExtractPNG returns the credential baked into a PNG image: the text of
// the iTXt chunk with the keyword openbadgecredential, which must not be
// compressed and must occur once, because Open Badges 3.0 bakes one
// credential into an image. Errors wrap ErrBakedImage or ErrNotCredential.
func ExtractPNG(data []byte) ([]byte, error) {
	if !bytes.HasPrefix(data, pngSignature) {
		return nil, fmt.Errorf("%w: the file is not a PNG image", ErrBakedImage)
	}

	var found []byte
	rest := data[len(pngSignature):]
	for len(rest) > 0 {
		if len(rest) < 12 {
			return nil, fmt.Errorf("%w: the PNG image ends inside a chunk header", ErrBakedImage)
		}
		length := binary.BigEndian.Uint32(rest[:4])
		if uint64(length) > uint64(len(rest)-12) {
			return nil, fmt.Errorf("%w: a PNG chunk has a length of %d bytes, more than the rest of the file; the file is truncated or damaged", ErrBakedImage, length)
		}
		typ, body := string(rest[4:8]), rest[8:8+length]
		crc := binary.BigEndian.Uint32(rest[8+length : 12+length])
		rest = rest[12+length:]

		if crc32.ChecksumIEEE(append([]byte(typ), body...)) != crc {
			return nil, fmt.Errorf("%w: the PNG chunk %q has a wrong CRC; the file is damaged", ErrBakedImage, typ)
		}
		switch typ {
		case "iTXt":
			text, ok, err := readITXt(body)
			switch {
			case err != nil:
				return nil, err
			case ok && found != nil:
				return nil, fmt.Errorf("%w: the PNG image has more than one %s chunk; Open Badges 3.0 bakes exactly one credential into an image, so it is not known which one is meant", ErrBakedImage, pngKeyword)
			case ok:
				found = text
			}
		case "zTXt", "tEXt":
			if err := checkLatinText(typ, body); err != nil {
				return nil, err
			}
		case "IEND":
			rest = nil
		}
	}
	if found == nil {
		return nil, fmt.Errorf("%w: the PNG image has no iTXt chunk with the keyword %s, so no badge is baked into it", ErrNotCredential, pngKeyword)
	}
	return found, nil
}

// readITXt returns the text of an iTXt chunk with the OB 3.0 keyword;
// found is false for other keywords.
func readITXt(body []byte) (text []byte, found bool, err error) {
	keyword, rest, ok := bytes.Cut(body, []byte{0})
	if !ok {
		return nil, false, fmt.Errorf("%w: an iTXt chunk has no keyword terminator", ErrBakedImage)
	}
	switch string(keyword) {
	case pngKeyword:
	case pngKeywordOB2:
		return nil, true, fmt.Errorf("%w: %s", ErrNotCredential, msgOB2)
	default:
		return nil, false, nil
	}

	if len(rest) < 2 {
		return nil, true, fmt.Errorf("%w: the %s chunk is truncated", ErrBakedImage, pngKeyword)
	}
	if rest[0] != 0 {
		return nil, true, fmt.Errorf("%w: the %s chunk is compressed, which Open Badges forbids; bake the credential again without compression", ErrBakedImage, pngKeyword)
	}
	rest = rest[2:]
	for range 2 { // language tag, then translated keyword
		_, after, ok := bytes.Cut(rest, []byte{0})
		if !ok {
			return nil, true, fmt.Errorf("%w: the %s chunk is truncated", ErrBakedImage, pngKeyword)
		}
		rest = after
	}
	return rest, true, nil
}

// checkLatinText rejects zTXt and tEXt chunks that carry a badge: OB 3.0
// allows only an uncompressed iTXt chunk, and OB 2.0 used tEXt.
func checkLatinText(typ string, body []byte) error {
	keyword, _, _ := bytes.Cut(body, []byte{0})
	switch string(keyword) {
	case pngKeyword:
		return fmt.Errorf("%w: the credential is in a %s chunk; Open Badges 3.0 requires an uncompressed iTXt chunk", ErrBakedImage, typ)
	case pngKeywordOB2:
		return fmt.Errorf("%w: %s", ErrNotCredential, msgOB2)
	}
	return nil
}

// ExtractSVG returns the credential baked into an SVG image: the verify
// attribute (a compact JWS) or the text (JSON, usually in CDATA) of the
// element credential in the namespace https://purl.imsglobal.org/ob/v3p0.
// The element is found by namespace URI, whatever its prefix, and must
// occur once. Errors wrap ErrBakedImage or ErrNotCredential.
func ExtractSVG(data []byte) ([]byte, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true

	var found []byte
	count, depth, inside := 0, 0, 0
	var text bytes.Buffer
	for tokens := 0; ; tokens++ {
		if tokens > maxSVGTokens {
			return nil, fmt.Errorf("%w: the SVG image has more than %d XML tokens", ErrBakedImage, maxSVGTokens)
		}
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: the SVG image is not well-formed XML: %s", ErrBakedImage, clip(err))
		}

		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth > maxSVGDepth {
				return nil, fmt.Errorf("%w: the SVG image nests elements deeper than %d levels", ErrBakedImage, maxSVGDepth)
			}
			if inside > 0 {
				inside++
				continue
			}
			switch {
			case t.Name.Space == svgNamespaceOB2 && t.Name.Local == "assertion":
				return nil, fmt.Errorf("%w: %s", ErrNotCredential, msgOB2)
			case t.Name.Space == svgNamespace && t.Name.Local == "credential":
				count++
				if count > 1 {
					return nil, fmt.Errorf("%w: the SVG image has more than one credential element; Open Badges allows exactly one", ErrBakedImage)
				}
				if jws := verifyAttr(t); jws != "" {
					found = []byte(jws)
					inside = 1
					text.Reset()
					continue
				}
				inside = 1
				text.Reset()
				found = nil
			}
		case xml.EndElement:
			depth--
			if inside > 0 {
				inside--
				if inside == 0 && found == nil {
					found = bytes.Clone(bytes.TrimSpace(text.Bytes()))
				}
			}
		case xml.CharData:
			if inside > 0 {
				text.Write(t)
			}
		}
	}

	switch {
	case count == 0:
		return nil, fmt.Errorf("%w: the SVG image has no credential element in the namespace %s, so no badge is baked into it", ErrNotCredential, svgNamespace)
	case len(found) == 0:
		return nil, fmt.Errorf("%w: the SVG credential element has neither a verify attribute nor a credential inside", ErrBakedImage)
	}
	return found, nil
}

// verifyAttr returns the verify attribute of the credential element,
// with or without a namespace prefix.
func verifyAttr(el xml.StartElement) string {
	for _, a := range el.Attr {
		if a.Name.Local == "verify" && (a.Name.Space == "" || a.Name.Space == svgNamespace) {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}
