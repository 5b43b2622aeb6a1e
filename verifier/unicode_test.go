package verifier

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"maps"
	"testing"
)

// TestVerifyKeepsSignedUnicodeForm checks that text is verified in the
// exact form it was signed: "é" written as "e" and U+0301 (NFD) verifies,
// and the same text in NFC under the NFD signature does not.
func TestVerifyKeepsSignedUnicodeForm(t *testing.T) {
	base, kp := implGuideVector(t)
	seed, _ := hex.DecodeString(kp.PrivateKeyHex)
	vm := "https://example.edu/issuers/565049#" + kp.PublicKeyMultibase

	doc := maps.Clone(base)
	doc["name"] = "Re\u0301sume\u0301 Clinic"
	signed := signDI(t, doc, ed25519.PrivateKey(seed), vm)
	v := newTestVerifier(t)

	if r := v.Verify(context.Background(), marshalDoc(t, signed)); r.Verdict != Valid {
		t.Errorf("NFD credential: verdict %s, want valid: %+v", r.Verdict, r.Checks)
	}

	nfc := maps.Clone(signed)
	nfc["name"] = "R\u00e9sum\u00e9 Clinic"
	r := v.Verify(context.Background(), marshalDoc(t, nfc))
	if r.Verdict != Invalid {
		t.Errorf("NFC text under the NFD signature: verdict %s, want invalid", r.Verdict)
	}
	if c := r.Check(CheckSignature); c == nil || c.Code != "bad_signature" {
		t.Errorf("signature check %+v, want bad_signature", c)
	}
}

// TestVerifyRejectsInvalidUTF8 checks that a credential whose bytes are not
// UTF-8, such as signed JSON saved again as Windows-1252, is rejected as
// malformed instead of being read with replacement characters.
func TestVerifyRejectsInvalidUTF8(t *testing.T) {
	base, kp := implGuideVector(t)
	seed, _ := hex.DecodeString(kp.PrivateKeyHex)
	vm := "https://example.edu/issuers/565049#" + kp.PublicKeyMultibase
	doc := maps.Clone(base)
	doc["name"] = "Ultra® Safety"
	data := marshalDoc(t, signDI(t, doc, ed25519.PrivateKey(seed), vm))

	// Windows-1252 writes ® as the single byte 0xAE.
	cp1252 := bytes.Replace(data, []byte("®"), []byte{0xae}, 1)
	if bytes.Equal(cp1252, data) {
		t.Fatal("test input has no ® to re-encode")
	}

	r := newTestVerifier(t).Verify(context.Background(), cp1252)
	if r.Verdict != Invalid {
		t.Errorf("verdict %s, want invalid", r.Verdict)
	}
	if c := r.Check(CheckFormat); c == nil || c.Outcome != Fail || c.Code != "malformed" {
		t.Errorf("format check %+v, want a failure with code malformed", c)
	}
}
