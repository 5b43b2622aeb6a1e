package verifier_test

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

// pdfObjects writes a PDF whose objects, numbered from 1, have the given
// bodies. The xref table is left out: the extractor does not read it.
func pdfObjects(bodies ...string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	for i, body := range bodies {
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, body)
	}
	b.WriteString("trailer\n<< /Root 1 0 R >>\n%%EOF\n")
	return b.Bytes()
}

// catalog is object 1 of the test PDFs: it lists the file specification in
// object 2 under EmbeddedFiles, as PDF writers do.
const catalog = "<< /Type /Catalog /Names << /EmbeddedFiles << /Names [(Attachment1) 2 0 R] >> >> >>"

// fileSpec returns a file specification with the given name entries whose
// embedded file stream is object 3.
func fileSpec(names string) string {
	return "<< /Type /Filespec " + names + " /EF << /F 3 0 R >> >>"
}

// stream returns a stream object with the given extra dictionary entries.
func stream(entries string, data []byte) string {
	return fmt.Sprintf("<< /Type /EmbeddedFile /Length %d %s >>\nstream\n%s\nendstream", len(data), entries, data)
}

func deflate(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zlib.NewWriter(&b)
	zw.Write(data)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// utf16Name writes s as a PDF hex string in UTF-16BE with a byte order
// mark, as fpdf writes the UF entry.
func utf16Name(s string) string {
	var b strings.Builder
	b.WriteString("<FEFF")
	for _, r := range s {
		fmt.Fprintf(&b, "%04X", r)
	}
	return b.String() + ">"
}

func TestExtractPDF(t *testing.T) {
	const jws = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJkaWQ6d2ViOmV4YW1wbGUuZWR1In0.c2lnbmF0dXJl"
	plain := stream("", []byte(jws))
	flate := stream("/Filter /FlateDecode", deflate(t, []byte(jws)))

	tests := []struct {
		name    string
		pdf     []byte
		wantErr error
		errText string
	}{
		{"uncompressed", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), plain), nil, ""},
		{"FlateDecode", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), flate), nil, ""},
		{"filter in an array", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), stream("/Filter [/FlateDecode]", deflate(t, []byte(jws)))), nil, ""},
		{"name only in UF, as fpdf writes it", pdfObjects(catalog, fileSpec("/F () /UF "+utf16Name("credential.jwt")), flate), nil, ""},
		{"name with an escape", pdfObjects(catalog, fileSpec(`/F (credential\056jwt)`), plain), nil, ""},
		{"name with a folder", pdfObjects(catalog, fileSpec("/F (certs/credential.jwt)"), plain), nil, ""},
		{"Length as a reference", pdfObjects(catalog, fileSpec("/F (credential.jwt)"),
			"<< /Type /EmbeddedFile /Length 4 0 R >>\r\nstream\r\n"+jws+"\r\nendstream", fmt.Sprint(len(jws))), nil, ""},
		{"not a PDF", []byte("%PNG"), verifier.ErrBakedImage, "not a PDF"},
		{"no attachment", pdfObjects(catalog), verifier.ErrNotCredential, "no attached file named credential.jwt"},
		{"other attachment", pdfObjects(catalog, fileSpec("/F (photo.jpg)"), plain), verifier.ErrNotCredential, "only photo.jpg"},
		{"other filter", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), stream("/Filter /ASCIIHexDecode", []byte("41>"))), verifier.ErrBakedImage, "ASCIIHexDecode"},
		{"predictor", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), stream("/Filter /FlateDecode /DecodeParms << /Predictor 12 >>", deflate(t, []byte(jws)))), verifier.ErrBakedImage, "predictor"},
		{"Length beyond the file", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), "<< /Length 99999 >>\nstream\nabc\nendstream"), verifier.ErrBakedImage, "Length does not fit"},
		{"Length too short", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), "<< /Length 2 >>\nstream\nabcdef\nendstream"), verifier.ErrBakedImage, "does not end"},
		{"stream missing", pdfObjects(catalog, fileSpec("/F (credential.jwt)")), verifier.ErrBakedImage, "object 3 is missing"},
		{"not zlib", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), stream("/Filter /FlateDecode", []byte("plain text"))), verifier.ErrBakedImage, "cannot be decompressed"},
		{"expands too far", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), stream("/Filter /FlateDecode", deflate(t, make([]byte, verifier.MaxInputBytes+1)))), verifier.ErrTooLarge, "expands to more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := verifier.ExtractPDF(tt.pdf)
			if tt.wantErr == nil {
				if err != nil || string(got) != jws {
					t.Fatalf("ExtractPDF = %q, %v; want the JWS", got, err)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) || !strings.Contains(fmt.Sprint(err), tt.errText) {
				t.Errorf("error %v, want %v containing %q", err, tt.wantErr, tt.errText)
			}
		})
	}
}

// TestExtractPDFIncrementalUpdate reads the last definition of an object
// that an incremental update replaced, as PDF readers do.
func TestExtractPDFIncrementalUpdate(t *testing.T) {
	pdf := pdfObjects(catalog, fileSpec("/F (credential.jwt)"), stream("", []byte("old.old.old")))
	pdf = append(pdf, "3 0 obj\n"+stream("", []byte("new.new.new"))+"\nendobj\n%%EOF\n"...)

	got, err := verifier.ExtractPDF(pdf)
	if err != nil || string(got) != "new.new.new" {
		t.Errorf("ExtractPDF = %q, %v; want the updated attachment", got, err)
	}
}

func TestVerifyPDFCertificate(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	jws := []byte(ti.issue(t, ti.input(t, 0)))
	v := newVerifier(t, localOptions(ti.did))

	tests := []struct {
		name string
		pdf  []byte
		want verifier.Verdict
		code string // of the format check; "" when it passes
		text string // in the format check message
	}{
		{"attached JWS", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), stream("/Filter /FlateDecode", deflate(t, jws))), verifier.Valid, "", "VC-JWT"},
		{"changed JWS", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), stream("", []byte(tamper(string(jws), bytes.IndexByte(jws, '.')+40)))), verifier.Invalid, "", "VC-JWT"},
		{"no attachment", pdfObjects(catalog), verifier.Invalid, "not_credential", "Ask for the badge's link or its signed file instead."},
		{"unreadable attachment", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), stream("/Filter /LZWDecode", []byte("x"))), verifier.Invalid, "baked_image",
			"encoded with LZWDecode, which this verifier does not decode. If it is a certificate, open its attachment credential.jwt in a PDF reader and verify that file."},
		{"PDF inside", pdfObjects(catalog, fileSpec("/F (credential.jwt)"), stream("", []byte("%PDF-1.7 nested"))), verifier.Invalid, "baked_image", "not a credential"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v.Verify(context.Background(), tt.pdf)

			wantVerdict(t, r, tt.want)
			format := checkOf(t, r, verifier.CheckFormat)
			if tt.code == "" && r.Baked != "pdf" {
				t.Errorf("Baked = %q, want pdf", r.Baked)
			}
			if format.Code != tt.code {
				t.Errorf("format check code %q, want %q: %s", format.Code, tt.code, format.Message)
			}
			if !strings.Contains(format.Message, tt.text) {
				t.Errorf("format message lacks %q: %s", tt.text, format.Message)
			}
		})
	}
}

// FuzzExtractPDF checks that any input yields the attachment or an error
// of this package, never panics, and never returns more than the input
// limit.
func FuzzExtractPDF(f *testing.F) {
	jws := []byte("eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJkaWQ6d2ViOmV4YW1wbGUuZWR1In0.c2lnbmF0dXJl")
	f.Add(pdfObjects(catalog, fileSpec("/F (credential.jwt)"), stream("", jws)))
	f.Add(pdfObjects(catalog, fileSpec("/F () /UF "+utf16Name("credential.jwt")), stream("/Filter /FlateDecode", deflate(f, jws))))
	f.Add(pdfObjects(catalog, fileSpec("/F (credential.jwt)"), "<< /Length 4 0 R >>\nstream\n"+string(jws)+"\nendstream", fmt.Sprint(len(jws))))
	f.Add(pdfObjects(catalog, fileSpec(`/F (a\(b\)c\\\056\n) /UF <FEFF00>`), "<< /Length -1 /Filter [/FlateDecode /LZWDecode] >>\nstream\r\nx\nendstream"))
	f.Add([]byte("%PDF-1 0 obj<</EF<</F 1 0 R>>/F(credential.jwt)/Length 0>>stream\nendstream"))

	f.Fuzz(func(t *testing.T, data []byte) {
		out, err := verifier.ExtractPDF(data)
		if err != nil {
			if !errors.Is(err, verifier.ErrBakedImage) && !errors.Is(err, verifier.ErrNotCredential) && !errors.Is(err, verifier.ErrTooLarge) {
				t.Fatalf("error %v wraps none of ErrBakedImage, ErrNotCredential and ErrTooLarge", err)
			}
			return
		}
		if len(out) > verifier.MaxInputBytes {
			t.Fatalf("extracted %d bytes, more than %d", len(out), verifier.MaxInputBytes)
		}
	})
}

// TestVerifyURLServingPDF verifies a link that serves a certificate as
// application/pdf.
func TestVerifyURLServingPDF(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	pdf := pdfObjects(catalog, fileSpec("/F (credential.jwt)"), stream("/Filter /FlateDecode", deflate(t, []byte(ti.issue(t, ti.input(t, 0))))))
	opts := localOptions(ti.did)
	opts.LocalHandlers = map[string]http.Handler{strings.TrimPrefix(ti.base, "http://"): http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/certificate.pdf" {
			w.Header().Set("Content-Type", "application/pdf")
			w.Write(pdf)
			return
		}
		ti.serve(w, r)
	})}

	r := newVerifier(t, opts).VerifyURL(context.Background(), ti.base+"/certificate.pdf")
	wantVerdict(t, r, verifier.Valid)
	if r.Baked != "pdf" {
		t.Errorf("Baked = %q, want pdf", r.Baked)
	}
}
