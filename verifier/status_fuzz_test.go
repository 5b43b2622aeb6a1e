package verifier

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"testing"
)

// gzipBits returns the GZIP of n zero bytes with byte 0 set to first.
func gzipBits(f *testing.F, n int, first byte) []byte {
	f.Helper()
	bits := make([]byte, n)
	bits[0] = first
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(bits)
	if err := zw.Close(); err != nil {
		f.Fatal(err)
	}
	return buf.Bytes()
}

// checkDecoded checks the contract of both list decoders: a list or an
// error, never more than maxStatusListBytes.
func checkDecoded(t *testing.T, bits []byte, err error) {
	if err != nil && bits != nil {
		t.Fatalf("decoder returned %d bytes and the error %v", len(bits), err)
	}
	if len(bits) > maxStatusListBytes {
		t.Fatalf("decoder returned %d bytes, more than %d", len(bits), maxStatusListBytes)
	}
}

func FuzzDecodeStatusList(f *testing.F) {
	list := gzipBits(f, 16384, 0x80)
	f.Add("u" + base64.RawURLEncoding.EncodeToString(list))
	f.Add(base64.RawURLEncoding.EncodeToString(list))
	f.Add("u" + base64.URLEncoding.EncodeToString(list))
	f.Add("u")
	f.Add("uH4sI")

	f.Fuzz(func(t *testing.T, encoded string) {
		bits, err := decodeStatusList(encoded)
		checkDecoded(t, bits, err)
	})
}

func FuzzDecodeStatusList2021(f *testing.F) {
	list := gzipBits(f, 16384, 0x01)
	f.Add(base64.RawURLEncoding.EncodeToString(list))
	f.Add(base64.URLEncoding.EncodeToString(list))
	f.Add(base64.StdEncoding.EncodeToString(list))
	f.Add("u" + base64.RawURLEncoding.EncodeToString(list))
	f.Add("====")

	f.Fuzz(func(t *testing.T, encoded string) {
		bits, err := decodeStatusList2021(encoded)
		checkDecoded(t, bits, err)
	})
}

func FuzzParseRevocationList(f *testing.F) {
	f.Add([]byte(`{"id":"https://example.org/revocations","issuer":"did:web:example.org","revokedCredentials":[{"id":"urn:uuid:1"},{"id":"urn:uuid:2","revoked":false}]}`))
	f.Add([]byte(`{"issuer":{"id":"did:web:example.org"},"revokedCredentials":[]}`))
	f.Add([]byte(`{"issuer":"did:web:example.org","revokedCredentials":[{"revocationReason":"x"}]}`))
	f.Add([]byte(`{"issuer":"did:web:example.org","revokedCredentials":{"id":"urn:uuid:1"}}`))
	f.Add([]byte(`{"revokedCredentials":[{"id":"urn:uuid:1","revoked":true}]}`))
	f.Add([]byte(`<html></html>`))

	f.Fuzz(func(t *testing.T, data []byte) {
		list, err := parseRevocationList(data)
		if err != nil {
			if list != nil {
				t.Fatalf("parser returned a list and the error %v", err)
			}
			return
		}
		if list.revoked == nil {
			t.Fatal("parser returned a list without its revoked set")
		}
		for id := range list.revoked {
			if id == "" {
				t.Fatal("parser recorded an empty credential id as revoked")
			}
		}
	})
}
