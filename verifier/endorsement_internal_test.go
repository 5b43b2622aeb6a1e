package verifier

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

// didKeyEndorsement returns an EndorsementCredential of a did:key endorser
// with an eddsa-rdfc-2022 proof, which verifies without any fetch.
func didKeyEndorsement(t *testing.T, edit func(doc map[string]any)) map[string]any {
	t.Helper()
	seed := make([]byte, ed25519.SeedSize)
	seed[0] = 42
	priv := ed25519.NewKeyFromSeed(seed)
	multikey := "z" + encodeBase58(append([]byte{0xed, 0x01}, priv.Public().(ed25519.PublicKey)...))
	did := "did:key:" + multikey

	doc := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "urn:uuid:4b9e2f6a-1c3d-4e5f-8a7b-9c0d1e2f3a4b",
		"type":      []any{"VerifiableCredential", "EndorsementCredential"},
		"name":      "Endorsement of the Teamwork Badge",
		"issuer":    map[string]any{"id": did, "type": []any{"Profile"}, "name": "Regional Employers Council"},
		"validFrom": "2025-01-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id": "https://example.edu/achievements/teamwork", "type": []any{"EndorsementSubject"},
			"endorsementComment": "Employers in the region look for these criteria.",
		},
	}
	signed := signDI(t, doc, priv, did+"#"+multikey)
	if edit != nil {
		edit(signed)
	}
	return signed
}

func TestVerifyDataIntegrityEndorsement(t *testing.T) {
	base, kp := implGuideVector(t)
	seed, _ := hex.DecodeString(kp.PrivateKeyHex)
	vm := "https://example.edu/issuers/565049#" + kp.PublicKeyMultibase

	tests := []struct {
		name    string
		edit    func(doc map[string]any)
		want    Verdict
		outcome Outcome
	}{
		{"genuine", nil, Valid, Pass},
		{"changed after signing", func(doc map[string]any) { doc["name"] = "Endorsement (edited)" }, ValidWithWarnings, Warn},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			badge := maps.Clone(base)
			badge["endorsement"] = []any{didKeyEndorsement(t, tt.edit)}
			badge = signDI(t, badge, ed25519.PrivateKey(seed), vm)

			r := newTestVerifier(t).Verify(context.Background(), marshalDoc(t, badge))

			if r.Verdict != tt.want {
				t.Errorf("verdict %s, want %s: %+v", r.Verdict, tt.want, r.Checks)
			}
			if c := r.Check(CheckEndorsement); c == nil || c.Outcome != tt.outcome {
				t.Errorf("endorsement check %+v, want outcome %s", c, tt.outcome)
			}
			if c := r.Check(CheckSignature); c == nil || c.Outcome != Pass {
				t.Errorf("badge signature check %+v, want pass", c)
			}
		})
	}
}

// TestCheckPayloadJSONLDEndorsementJwt checks that the JSON-LD check of a
// token passes over endorsementJwt wherever the data model puts it, but
// still reports other undefined terms, and leaves the payload unchanged.
func TestCheckPayloadJSONLDEndorsementJwt(t *testing.T) {
	base, _ := implGuideVector(t)
	const jws = "eyJhbGciOiJFUzI1NiJ9.e30.c2ln"
	tests := []struct {
		name string
		edit func(d map[string]any)
		want string // a phrase of the error, or "" for none
	}{
		{"on the credential", func(d map[string]any) { d["endorsementJwt"] = []any{jws} }, ""},
		{"on the achievement", func(d map[string]any) {
			d["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["endorsementJwt"] = []any{jws}
		}, ""},
		{"on the issuer profile", func(d map[string]any) { d["issuer"].(map[string]any)["endorsementJwt"] = jws }, ""},
		{"beside an undefined term", func(d map[string]any) {
			d["endorsementJwt"] = []any{jws}
			d["credentialSubject"].(map[string]any)["favouriteColour"] = "green"
		}, `"credentialSubject.favouriteColour"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d map[string]any
			if err := json.Unmarshal(marshalDoc(t, base), &d); err != nil {
				t.Fatal(err)
			}
			delete(d, "proof")
			tt.edit(d)
			before := string(marshalDoc(t, d))

			err := checkPayloadJSONLD(d)

			switch {
			case tt.want == "" && err != nil:
				t.Errorf("error %v, want none", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one naming %s", err, tt.want)
			}
			if after := string(marshalDoc(t, d)); after != before {
				t.Errorf("the check changed the payload:\n got %s\nwant %s", after, before)
			}
		})
	}
}

// TestVerifyDataIntegrityEndorsementJwt checks that endorsementJwt stays a
// context error under a Data Integrity proof, which signs the JSON-LD data
// and so cannot cover a member that no context defines.
func TestVerifyDataIntegrityEndorsementJwt(t *testing.T) {
	base, kp := implGuideVector(t)
	seed, _ := hex.DecodeString(kp.PrivateKeyHex)
	badge := maps.Clone(base)
	badge["endorsementJwt"] = []any{"eyJhbGciOiJFUzI1NiJ9.e30.c2ln"}
	signed := signDI(t, badge, ed25519.PrivateKey(seed), "https://example.edu/issuers/565049#"+kp.PublicKeyMultibase)

	r := newTestVerifier(t).Verify(context.Background(), marshalDoc(t, signed))

	if r.Verdict != Invalid {
		t.Errorf("verdict %s, want invalid", r.Verdict)
	}
	c := r.Check(CheckContext)
	if c.Outcome != Fail || c.Code != "context_error" || !strings.Contains(c.Message, "part of the Open Badges 3.0 data model") {
		t.Errorf("context check %s %q: %s; want fail context_error explaining endorsementJwt", c.Outcome, c.Code, c.Message)
	}
	if sig := r.Check(CheckSignature); sig.Outcome != Skip || sig.Code != "not_checked" {
		t.Errorf("signature check %s %q, want skip not_checked", sig.Outcome, sig.Code)
	}
}
