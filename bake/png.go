package bake

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// Keyword is the PNG iTXt keyword of an Open Badges 3.0 credential.
const Keyword = "openbadgecredential"

// ErrImage reports an image that cannot be baked: not a PNG or SVG image,
// or a damaged one.
var ErrImage = errors.New("invalid badge image")

// ErrCredential reports a credential that is not a compact JWS.
var ErrCredential = errors.New("invalid credential")

var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// PNG returns a copy of img with jws, a compact JWS, in one uncompressed
// iTXt chunk just before IEND. Chunks of img that carry a credential
// already (iTXt, zTXt or tEXt with the keyword openbadgecredential) are
// dropped. img must be a PNG image whose chunks have valid CRCs.
func PNG(img []byte, jws string) ([]byte, error) {
	if err := checkJWS(jws); err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(img, pngSignature) {
		return nil, fmt.Errorf("%w: the image does not start with the PNG signature", ErrImage)
	}

	out := bytes.NewBuffer(make([]byte, 0, len(img)+len(jws)+64))
	out.Write(pngSignature)
	rest := img[len(pngSignature):]
	first := true
	for {
		typ, body, chunk, after, err := nextChunk(rest)
		if err != nil {
			return nil, err
		}
		if first && typ != "IHDR" {
			return nil, fmt.Errorf("%w: the first PNG chunk is %q, not IHDR", ErrImage, typ)
		}
		first = false

		switch {
		case typ == "IEND":
			writeChunk(out, "iTXt", credentialChunk(jws))
			out.Write(chunk)
			return out.Bytes(), nil
		case isCredentialChunk(typ, body):
			// Dropped: the new chunk replaces it.
		default:
			out.Write(chunk)
		}
		rest = after
	}
}

// nextChunk splits the first chunk off data and checks its CRC. chunk is
// the whole chunk with length, type and CRC.
func nextChunk(data []byte) (typ string, body, chunk, rest []byte, err error) {
	if len(data) == 0 {
		return "", nil, nil, nil, fmt.Errorf("%w: the PNG image ends without an IEND chunk", ErrImage)
	}
	if len(data) < 12 {
		return "", nil, nil, nil, fmt.Errorf("%w: the PNG image ends inside a chunk header", ErrImage)
	}
	length := binary.BigEndian.Uint32(data[:4])
	if uint64(length) > uint64(len(data)-12) {
		return "", nil, nil, nil, fmt.Errorf("%w: a PNG chunk has a length of %d bytes, more than the rest of the file", ErrImage, length)
	}
	end := 12 + int(length)
	typ, body = string(data[4:8]), data[8:8+length]
	if crc32.ChecksumIEEE(data[4:8+length]) != binary.BigEndian.Uint32(data[8+length:end]) {
		return "", nil, nil, nil, fmt.Errorf("%w: the PNG chunk %q has a wrong CRC", ErrImage, typ)
	}
	return typ, body, data[:end], data[end:], nil
}

// isCredentialChunk reports whether a text chunk carries a credential.
func isCredentialChunk(typ string, body []byte) bool {
	if typ != "iTXt" && typ != "zTXt" && typ != "tEXt" {
		return false
	}
	keyword, _, _ := bytes.Cut(body, []byte{0})
	return string(keyword) == Keyword
}

// credentialChunk returns the iTXt body: keyword, a zero compression flag
// and method, an empty language tag and translated keyword, then the text.
func credentialChunk(jws string) []byte {
	body := make([]byte, 0, len(Keyword)+5+len(jws))
	body = append(body, Keyword...)
	body = append(body, 0, 0, 0, 0, 0)
	return append(body, jws...)
}

func writeChunk(out *bytes.Buffer, typ string, body []byte) {
	binary.Write(out, binary.BigEndian, uint32(len(body)))
	out.WriteString(typ)
	out.Write(body)
	crc := crc32.NewIEEE()
	crc.Write([]byte(typ))
	crc.Write(body)
	binary.Write(out, binary.BigEndian, crc.Sum32())
}

// checkJWS accepts three dot-separated base64url segments, the form of a
// compact JWS. The signature is not checked: baking does not change it.
func checkJWS(jws string) error {
	parts := bytes.Split([]byte(jws), []byte{'.'})
	if len(parts) != 3 || len(parts[0]) == 0 || len(parts[1]) == 0 || len(parts[2]) == 0 {
		return fmt.Errorf("%w: want a compact JWS of three dot-separated parts", ErrCredential)
	}
	for _, p := range parts {
		for _, c := range p {
			if !isBase64URL(c) {
				return fmt.Errorf("%w: the compact JWS contains %q, which is not a base64url character", ErrCredential, c)
			}
		}
	}
	return nil
}

func isBase64URL(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}
