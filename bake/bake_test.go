package bake_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/bake"
	"github.com/laurel-badges/laurel/verifier"
)

// testJWS has the form of a compact JWS; baking never checks signatures.
const testJWS = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJkaWQ6d2ViOmV4YW1wbGUuZWR1In0.c2lnbmF0dXJl"

// testPNG encodes a small real image with the standard library.
func testPNG(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(3, 3, color.RGBA{R: 200, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// chunkTypes lists the chunk types of a PNG image in order.
func chunkTypes(t testing.TB, data []byte) []string {
	t.Helper()
	var types []string
	for rest := data[8:]; len(rest) >= 12; {
		n := binary.BigEndian.Uint32(rest)
		types = append(types, string(rest[4:8]))
		rest = rest[12+n:]
	}
	return types
}

func TestPNGRoundTrip(t *testing.T) {
	baked, err := bake.PNG(testPNG(t), testJWS)
	if err != nil {
		t.Fatal(err)
	}
	got, err := verifier.ExtractPNG(baked)
	if err != nil {
		t.Fatalf("extract: %v", err)
	}
	if string(got) != testJWS {
		t.Errorf("extracted %q, want %q", got, testJWS)
	}
	if _, err := png.Decode(bytes.NewReader(baked)); err != nil {
		t.Errorf("baked image no longer decodes: %v", err)
	}
	types := chunkTypes(t, baked)
	if types[len(types)-2] != "iTXt" || types[len(types)-1] != "IEND" {
		t.Errorf("chunks %v, want iTXt just before IEND", types)
	}
}

func TestPNGRebakeReplacesChunk(t *testing.T) {
	first, err := bake.PNG(testPNG(t), testJWS)
	if err != nil {
		t.Fatal(err)
	}
	second := strings.Replace(testJWS, "c2ln", "b3Ro", 1)
	again, err := bake.PNG(first, second)
	if err != nil {
		t.Fatal(err)
	}

	count := 0
	for _, typ := range chunkTypes(t, again) {
		if typ == "iTXt" {
			count++
		}
	}
	if count != 1 {
		t.Errorf("re-baked image has %d iTXt chunks, want 1", count)
	}
	got, err := verifier.ExtractPNG(again)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != second {
		t.Errorf("extracted %q, want the second credential %q", got, second)
	}
}

func TestPNGChunkBytes(t *testing.T) {
	baked, err := bake.PNG(testPNG(t), testJWS)
	if err != nil {
		t.Fatal(err)
	}
	body := "openbadgecredential\x00\x00\x00\x00\x00" + testJWS
	var want bytes.Buffer
	binary.Write(&want, binary.BigEndian, uint32(len(body)))
	want.WriteString("iTXt" + body)
	binary.Write(&want, binary.BigEndian, crc32.ChecksumIEEE([]byte("iTXt"+body)))
	if !bytes.Contains(baked, want.Bytes()) {
		t.Error("baked image lacks the exact uncompressed iTXt chunk")
	}
}

func TestPNGRejects(t *testing.T) {
	good := testPNG(t)
	badCRC := bytes.Clone(good)
	badCRC[len(badCRC)-20] ^= 0xff
	tests := []struct {
		name string
		img  []byte
		jws  string
		err  error
		msg  string
	}{
		{"not png", []byte("GIF89a"), testJWS, bake.ErrImage, "PNG signature"},
		{"truncated", good[:len(good)-12], testJWS, bake.ErrImage, "without an IEND"},
		{"damaged chunk", badCRC, testJWS, bake.ErrImage, "wrong CRC"},
		{"json credential", good, `{"id": "x"}`, bake.ErrCredential, "compact JWS"},
		{"two parts", good, "a.b", bake.ErrCredential, "three"},
		{"markup in token", good, `a.b".c`, bake.ErrCredential, "base64url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bake.PNG(tt.img, tt.jws)
			if !errors.Is(err, tt.err) || err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %v, want %v containing %q", err, tt.err, tt.msg)
			}
		})
	}
}

func TestSVGRoundTrip(t *testing.T) {
	tests := []struct {
		name, img string
	}{
		{"plain", `<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><circle r="4"/></svg>`},
		{"self-closing", `<svg xmlns="http://www.w3.org/2000/svg"/>`},
		{"self-closing with space", "<svg xmlns=\"http://www.w3.org/2000/svg\"\n />"},
		{"prolog and comment", `<?xml version="1.0"?><!-- logo --><svg xmlns="http://www.w3.org/2000/svg"><g/></svg>`},
		{"namespace declared", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"><g/></svg>`},
		{"old credential", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential verify="x.y.z"></ob:credential><g/><ob:credential><![CDATA[{}]]></ob:credential></svg>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			baked, err := bake.SVG([]byte(tt.img), testJWS)
			if err != nil {
				t.Fatal(err)
			}
			got, err := verifier.ExtractSVG(baked)
			if err != nil {
				t.Fatalf("extract from %s: %v", baked, err)
			}
			if string(got) != testJWS {
				t.Errorf("extracted %q, want %q", got, testJWS)
			}
			if n := strings.Count(string(baked), "credential verify="); n != 1 {
				t.Errorf("baked image has %d credential elements, want 1: %s", n, baked)
			}
			if n := strings.Count(string(baked), `xmlns:openbadges=`); n != 1 {
				t.Errorf("baked image declares the prefix %d times, want 1: %s", n, baked)
			}
		})
	}
}

func TestSVGRejects(t *testing.T) {
	tests := []struct {
		name, img, msg string
	}{
		{"not xml", "PNG", "no root element"},
		{"broken xml", `<svg><g></svg>`, "not well-formed"},
		{"html root", `<html></html>`, "not <svg>"},
		{"prefix taken", `<svg xmlns:openbadges="http://openbadges.org"/>`, "binds the prefix"},
		{"deep nesting", "<svg>" + strings.Repeat("<g>", 70) + strings.Repeat("</g>", 70) + "</svg>", "deeper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bake.SVG([]byte(tt.img), testJWS)
			if !errors.Is(err, bake.ErrImage) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %v, want ErrImage containing %q", err, tt.msg)
			}
		})
	}
}

func FuzzPNG(f *testing.F) {
	f.Add(testPNG(f))
	f.Add([]byte("\x89PNG\r\n\x1a\n"))
	f.Fuzz(func(t *testing.T, img []byte) {
		baked, err := bake.PNG(img, testJWS)
		if err != nil {
			return
		}
		got, err := verifier.ExtractPNG(baked)
		if err != nil || string(got) != testJWS {
			t.Fatalf("baked image extracts to %q, %v", got, err)
		}
	})
}

func FuzzSVG(f *testing.F) {
	f.Add([]byte(`<svg xmlns="http://www.w3.org/2000/svg"><g/></svg>`))
	f.Add([]byte(`<svg xmlns:ob="https://purl.imsglobal.org/ob/v3p0"><ob:credential/></svg>`))
	f.Fuzz(func(t *testing.T, img []byte) {
		baked, err := bake.SVG(img, testJWS)
		if err != nil {
			return
		}
		got, err := verifier.ExtractSVG(baked)
		if err != nil || string(got) != testJWS {
			t.Fatalf("baked %q extracts to %q, %v", baked, got, err)
		}
	})
}
