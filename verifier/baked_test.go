package verifier_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/verifier"
)

// pngChunk encodes one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// bakePNG returns a minimal PNG with the given text chunks before IEND.
func bakePNG(chunks ...[]byte) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	b.Write(pngChunk("IHDR", []byte{0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0}))
	b.Write(pngChunk("IDAT", []byte{0x78, 0x9c, 0x63, 0x60, 0, 0, 0, 2, 0, 1}))
	for _, c := range chunks {
		b.Write(c)
	}
	b.Write(pngChunk("IEND", nil))
	return b.Bytes()
}

// iTXt returns an iTXt chunk body: keyword, compression flag and method,
// empty language tag and translated keyword, then text.
func iTXt(keyword string, compressed byte, text string) []byte {
	return []byte(keyword + "\x00" + string([]byte{compressed, 0}) + "\x00\x00" + text)
}

func TestExtractPNG(t *testing.T) {
	jws := string(readVector(t, "v1.0.14-ex2-basic.jwt"))
	tests := []struct {
		name string
		png  []byte
		want string
		err  error
		msg  string
	}{
		{"baked token", bakePNG(pngChunk("tEXt", []byte("Software\x00laurel")), pngChunk("iTXt", iTXt("openbadgecredential", 0, jws))), jws, nil, ""},
		{"two credentials", bakePNG(pngChunk("iTXt", iTXt("openbadgecredential", 0, "first")), pngChunk("iTXt", iTXt("openbadgecredential", 0, "second"))), "", verifier.ErrBakedImage, "more than one openbadgecredential chunk"},
		{"same credential twice", bakePNG(pngChunk("iTXt", iTXt("openbadgecredential", 0, jws)), pngChunk("iTXt", iTXt("openbadgecredential", 0, jws))), "", verifier.ErrBakedImage, "more than one openbadgecredential chunk"},
		{"other iTXt chunks", bakePNG(pngChunk("iTXt", iTXt("XML:com.adobe.xmp", 0, "<x/>")), pngChunk("iTXt", iTXt("openbadgecredential", 0, jws)), pngChunk("iTXt", iTXt("Comment", 0, "badge"))), jws, nil, ""},
		{"compressed iTXt", bakePNG(pngChunk("iTXt", iTXt("openbadgecredential", 1, "x"))), "", verifier.ErrBakedImage, "compressed"},
		{"zTXt", bakePNG(pngChunk("zTXt", []byte("openbadgecredential\x00\x00x"))), "", verifier.ErrBakedImage, "zTXt"},
		{"Open Badges 2.0", bakePNG(pngChunk("iTXt", iTXt("openbadges", 0, "{}"))), "", verifier.ErrNotCredential, "Open Badges 2.0"},
		{"no badge", bakePNG(), "", verifier.ErrNotCredential, "no iTXt chunk"},
		{"bad CRC", append(bakePNG()[:len(bakePNG())-13], 0, 0, 0, 0, 'I', 'E', 'N', 'D', 1, 2, 3, 4), "", verifier.ErrBakedImage, "wrong CRC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := verifier.ExtractPNG(tt.png)
			if tt.err != nil {
				if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.msg) {
					t.Fatalf("error %v, want %v containing %q", err, tt.err, tt.msg)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("extracted %.40q, want %.40q", got, tt.want)
			}
		})
	}
}

func TestExtractSVG(t *testing.T) {
	const svgOpen = `<svg xmlns="http://www.w3.org/2000/svg" `
	tests := []struct {
		name string
		svg  string
		want string
		err  error
	}{
		{"verify attribute, prefix ob", svgOpen + `xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="a.b.c"/></svg>`, "a.b.c", nil},
		{"CDATA JSON, prefix openbadges", svgOpen + `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential><![CDATA[{"name":"a ]]]]><![CDATA[> b"}]]></openbadges:credential></svg>`, `{"name":"a ]]> b"}`, nil},
		{"default namespace", `<svg xmlns="http://www.w3.org/2000/svg"><credential xmlns="https://purl.imsglobal.org/ob/v3p0">{"x":1}</credential></svg>`, `{"x":1}`, nil},
		{"right prefix, wrong namespace", svgOpen + `xmlns:openbadges="https://example.org/other"><openbadges:credential verify="a.b.c"/></svg>`, "", verifier.ErrNotCredential},
		{"Open Badges 2.0", svgOpen + `xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a"/></svg>`, "", verifier.ErrNotCredential},
		{"two credentials", svgOpen + `xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="a.b.c"/><ob:credential verify="d.e.f"/></svg>`, "", verifier.ErrBakedImage},
		{"empty credential", svgOpen + `xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential/></svg>`, "", verifier.ErrBakedImage},
		{"not XML", `<svg><g></svg>`, "", verifier.ErrBakedImage},
		{"too deep", svgOpen + ">" + strings.Repeat("<g>", 100) + strings.Repeat("</g>", 100) + "</svg>", "", verifier.ErrBakedImage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := verifier.ExtractSVG([]byte(tt.svg))
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("error %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("extracted %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVerifyBakedImages verifies the same signed example baked into PNG
// and SVG, and checks the recipient the same way as for the bare token.
func TestVerifyBakedImages(t *testing.T) {
	jws := strings.TrimSpace(string(readVector(t, "v1.0.14-ex3-complete.jwt")))
	doc := strings.TrimSpace(string(readVector(t, "impl-guide-eddsa-rdfc-2022.json")))
	tests := []struct {
		name  string
		image []byte
		baked string
		want  verifier.Verdict
	}{
		{"PNG token", bakePNG(pngChunk("iTXt", iTXt("openbadgecredential", 0, jws))), "png", verifier.Indeterminate},
		{"PNG JSON", bakePNG(pngChunk("iTXt", iTXt("openbadgecredential", 0, doc))), "png", verifier.Valid},
		{"SVG token", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="` + jws + `"/></svg>`), "svg", verifier.Indeterminate},
		{"SVG JSON", []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential><![CDATA[` + doc + `]]></openbadges:credential></svg>`), "svg", verifier.Valid},
	}
	v := newVerifier(t, offlineOptions())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v.Verify(context.Background(), tt.image)
			wantVerdict(t, r, tt.want)
			if r.Baked != tt.baked {
				t.Errorf("Baked = %q, want %q", r.Baked, tt.baked)
			}
		})
	}

	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><openbadges:credential verify="` + jws + `"></openbadges:credential></svg>`)
	r := v.Verify(context.Background(), svg, verifier.WithRecipient(verifier.Recipient{Email: "someone.else@example.org"}))
	wantCheck(t, r, verifier.CheckRecipient, verifier.Fail, "recipient_mismatch")
	r = v.Verify(context.Background(), svg, verifier.WithRecipient(verifier.Recipient{Email: "student@1edtech.edu"}))
	wantCheck(t, r, verifier.CheckRecipient, verifier.Pass, "")
}

// FuzzExtractPNG checks that any input either yields text or an error of
// this package, and never panics.
func FuzzExtractPNG(f *testing.F) {
	f.Add(bakePNG(pngChunk("iTXt", iTXt("openbadgecredential", 0, "a.b.c"))))
	f.Add(bakePNG(pngChunk("iTXt", iTXt("openbadgecredential", 1, "x"))))
	f.Add(bakePNG(pngChunk("zTXt", []byte("openbadgecredential\x00\x00x"))))
	f.Add([]byte("\x89PNG\r\n\x1a\n\xff\xff\xff\xffiTXt"))
	f.Add(bakePNG(pngChunk("iTXt", iTXt("openbadgecredential", 0, "a.b.c")), pngChunk("iTXt", iTXt("openbadgecredential", 0, "d.e.f"))))

	f.Fuzz(func(t *testing.T, data []byte) {
		text, err := verifier.ExtractPNG(data)
		if err != nil {
			if !errors.Is(err, verifier.ErrBakedImage) && !errors.Is(err, verifier.ErrNotCredential) {
				t.Fatalf("error %v wraps neither ErrBakedImage nor ErrNotCredential", err)
			}
			return
		}
		if len(text) > len(data) {
			t.Fatalf("extracted %d bytes from %d", len(text), len(data))
		}
	})
}

// FuzzExtractSVG checks the same for SVG input.
func FuzzExtractSVG(f *testing.F) {
	f.Add(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="a.b.c"/></svg>`)
	f.Add(`<svg xmlns:o="https://purl.imsglobal.org/ob/v3p0"><o:credential><![CDATA[{"a":1}]]></o:credential></svg>`)
	f.Add(`<svg xmlns:o="http://openbadges.org"><o:assertion/></svg>`)
	f.Add(`<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>`)

	f.Fuzz(func(t *testing.T, svg string) {
		text, err := verifier.ExtractSVG([]byte(svg))
		if err != nil {
			if !errors.Is(err, verifier.ErrBakedImage) && !errors.Is(err, verifier.ErrNotCredential) {
				t.Fatalf("error %v wraps neither ErrBakedImage nor ErrNotCredential", err)
			}
			return
		}
		if len(text) == 0 {
			t.Fatal("no error and no credential")
		}
	})
}
