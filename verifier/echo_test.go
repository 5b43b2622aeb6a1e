package verifier

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"short", "did:web:example.edu", "did:web:example.edu"},
		{"exactly the limit", strings.Repeat("a", maxEchoRunes), strings.Repeat("a", maxEchoRunes)},
		{"one over", strings.Repeat("a", maxEchoRunes+1), strings.Repeat("a", maxEchoRunes) + "…"},
		{"multibyte characters kept whole", strings.Repeat("é", maxEchoRunes+5), strings.Repeat("é", maxEchoRunes) + "…"},
		{"not a string", []string{"VerifiableCredential", "OpenBadgeCredential"}, "[VerifiableCredential OpenBadgeCredential]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := clip(tt.in); got != tt.want {
				t.Errorf("clip = %q, want %q", got, tt.want)
			}
		})
	}
}

// signES256 signs payload under header with a new P-256 key.
func signES256(t testing.TB, header, payload map[string]any) []byte {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	h, _ := json.Marshal(header)
	p, _ := json.Marshal(payload)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(p)
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return []byte(input + "." + base64.RawURLEncoding.EncodeToString(sig))
}

// TestMessagesBoundEchoedValues puts a value of 200,000 characters into
// each place of a credential that a message repeats. No message may repeat
// more than maxEchoRunes characters of it.
func TestMessagesBoundEchoedValues(t *testing.T) {
	huge := strings.Repeat("x", 200_000)
	base := func() map[string]any {
		doc, _ := implGuideVector(t)
		delete(doc, "proof")
		doc["iss"], doc["jti"] = doc["issuer"].(map[string]any)["id"], doc["id"]
		return doc
	}
	header := func() map[string]any { return map[string]any{"alg": "ES256", "kid": "did:web:example.edu#key-1"} }

	tests := []struct {
		name   string
		header func(h map[string]any)
		edit   func(p map[string]any)
	}{
		{"kid", func(h map[string]any) { h["kid"] = huge }, nil},
		{"DID kid", func(h map[string]any) { h["kid"] = "did:web:" + huge }, nil},
		{"URL kid", func(h map[string]any) { h["kid"] = "https://example.edu/" + huge }, nil},
		{"typ", func(h map[string]any) { h["typ"] = huge }, nil},
		{"alg", func(h map[string]any) { h["alg"] = huge }, nil},
		{"crit", func(h map[string]any) { h["crit"] = []string{huge} }, nil},
		{"header member", func(h map[string]any) { h[huge] = 1 }, nil},
		{"issuer", nil, func(p map[string]any) { p["issuer"] = "https://example.edu/" + huge }},
		{"first context", nil, func(p map[string]any) { p["@context"] = []any{huge, huge} }},
		{"type", nil, func(p map[string]any) { p["type"] = []any{"VerifiableCredential", huge} }},
		{"validFrom", nil, func(p map[string]any) { p["validFrom"] = huge }},
		{"sub claim", nil, func(p map[string]any) { p["sub"] = huge }},
		{"achievementType", nil, func(p map[string]any) {
			p["credentialSubject"].(map[string]any)["achievement"].(map[string]any)["achievementType"] = huge
		}},
		{"credentialSchema ids", nil, func(p map[string]any) {
			var list []any
			for range 1000 {
				list = append(list, map[string]any{"id": "https://example.edu/" + huge[:1000], "type": huge[:1000]})
			}
			p["credentialSchema"] = list
		}},
		{"status type", nil, func(p map[string]any) { p["credentialStatus"] = map[string]any{"type": huge} }},
		{"status index", nil, func(p map[string]any) {
			p["credentialStatus"] = map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
				"statusListIndex": huge, "statusListCredential": "https://example.edu/status/1"}
		}},
		{"status list URL", nil, func(p map[string]any) {
			p["credentialStatus"] = map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
				"statusListIndex": "1", "statusListCredential": "https://example.edu/" + huge}
		}},
		{"many status entries", nil, func(p map[string]any) {
			var list []any
			for range 10_000 {
				list = append(list, map[string]any{"type": "BitstringStatusListEntry", "statusPurpose": "revocation",
					"statusListIndex": "1", "statusListCredential": "https://example.edu/status/1"})
			}
			p["credentialStatus"] = list
		}},
		{"duplicate member name", nil, nil},
	}
	v := newTestVerifier(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, p := header(), base()
			if tt.header != nil {
				tt.header(h)
			}
			if tt.edit != nil {
				tt.edit(p)
			}
			input := signES256(t, h, p)
			if tt.name == "duplicate member name" {
				input = []byte(`{"@context": [], "` + huge + `": 1, "` + huge + `": 2}`)
			}

			r := v.Verify(context.Background(), input)
			for _, c := range r.Checks {
				if n := utf8.RuneCountInString(c.Message); n > 1500 {
					t.Errorf("%s message has %d characters: %.300s…", c.Name, n, c.Message)
				}
				if strings.Contains(c.Message, huge[:maxEchoRunes+1]) {
					t.Errorf("%s message repeats more than %d characters of the value: %.300s…", c.Name, maxEchoRunes, c.Message)
				}
			}
		})
	}
}

// TestVerifyManyProofs gives a credential many proofs: each kind is named
// once with its count, a DataIntegrityProof without a cryptosuite is
// called malformed rather than unsupported, and at most maxProofs proofs
// are tried.
func TestVerifyManyProofs(t *testing.T) {
	base, kp := implGuideVector(t)
	seed, _ := hex.DecodeString(kp.PrivateKeyHex)
	priv := ed25519.PrivateKey(seed)
	vm := "https://example.edu/issuers/565049#" + kp.PublicKeyMultibase
	withProofs := func(proofs ...any) func() map[string]any {
		return func() map[string]any {
			d := maps.Clone(base)
			d["proof"] = proofs
			return d
		}
	}
	repeat := func(n int, p any) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = p
		}
		return out
	}
	noSuite := map[string]any{"type": "DataIntegrityProof", "proofPurpose": "assertionMethod", "proofValue": "z1"}
	ecdsa := map[string]any{"type": "DataIntegrityProof", "cryptosuite": "ecdsa-rdfc-2019", "proofPurpose": "assertionMethod"}
	valid := signDI(t, base, priv, vm)["proof"]

	tests := []struct {
		name    string
		doc     func() map[string]any
		want    Verdict
		outcome Outcome
		code    string
		texts   []string
		absent  []string
	}{
		{"10,000 proofs without cryptosuite", withProofs(repeat(10_000, noSuite)...), Invalid, Fail, "malformed",
			[]string{"DataIntegrityProof without a cryptosuite (8 proofs)", "requires a DataIntegrityProof to name its cryptosuite", "The credential has 10000 proofs; only the first 8 were tried."},
			[]string{"does not check"}},
		{"one proof without cryptosuite", withProofs(noSuite), Invalid, Fail, "malformed",
			[]string{"The credential's proof cannot be checked: DataIntegrityProof without a cryptosuite."}, []string{"(1 proofs)", "were tried"}},
		{"unknown cryptosuite", withProofs(ecdsa), Indeterminate, Skip, "unsupported_proof",
			[]string{`DataIntegrityProof with the cryptosuite "ecdsa-rdfc-2019"`}, nil},
		{"unknown and malformed", withProofs(ecdsa, noSuite, noSuite), Indeterminate, Skip, "unsupported_proof",
			[]string{`cryptosuite "ecdsa-rdfc-2019"`, "Proofs that are malformed were skipped: DataIntegrityProof without a cryptosuite (2 proofs)."}, nil},
		{"valid proof after malformed ones", withProofs(noSuite, noSuite, valid), ValidWithWarnings, Warn, "unsupported_proof",
			[]string{"The proof uses eddsa-rdfc-2022.", "malformed were skipped: DataIntegrityProof without a cryptosuite (2 proofs)"}, nil},
		{"valid proof beyond the limit", withProofs(append(repeat(maxProofs, ecdsa), valid)...), Indeterminate, Skip, "unsupported_proof",
			[]string{`(8 proofs)`, "The credential has 9 proofs; only the first 8 were tried."}, nil},
		{"valid proof among too many", withProofs(append([]any{valid}, repeat(20, ecdsa)...)...), ValidWithWarnings, Warn, "not_checked",
			[]string{"The credential has 21 proofs; only the first 8 were tried."}, nil},
	}
	v := newTestVerifier(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v.Verify(context.Background(), marshalDoc(t, tt.doc()))

			if r.Verdict != tt.want {
				t.Errorf("verdict %s, want %s", r.Verdict, tt.want)
			}
			sig := r.Check(CheckSignature)
			if sig.Outcome != tt.outcome || sig.Code != tt.code {
				t.Errorf("signature check %s %q, want %s %q: %s", sig.Outcome, sig.Code, tt.outcome, tt.code, sig.Message)
			}
			for _, want := range tt.texts {
				if !strings.Contains(sig.Message, want) {
					t.Errorf("message lacks %q: %s", want, sig.Message)
				}
			}
			for _, unwanted := range tt.absent {
				if strings.Contains(sig.Message, unwanted) {
					t.Errorf("message contains %q: %s", unwanted, sig.Message)
				}
			}
			if n := len(sig.Message); n > 1000 {
				t.Errorf("message has %d bytes", n)
			}
		})
	}
}

// TestJSONErrorsNameNoGoType decodes documents whose members have the
// wrong JSON type: the messages name the member and the JSON types.
func TestJSONErrorsNameNoGoType(t *testing.T) {
	tests := []struct {
		name string
		err  func() error
		want string
	}{
		{"JOSE header", func() error {
			_, err := ParseJWS(base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"ES256","kid":5}`)) + ".e30.c2ln")
			return err
		}, `member "kid" is a JSON number; expected a string`},
		{"DID document", func() error {
			_, err := parseDIDDocument([]byte(`{"id":"did:web:example.edu","verificationMethod":{}}`), "did:web:example.edu")
			return err
		}, `member "verificationMethod" is a JSON object; expected an array`},
		{"JWK Set", func() error {
			_, err := parseJWKSet([]byte(`{"keys":"none"}`))
			return err
		}, `member "keys" is a JSON string; expected an array`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.err()
			if err == nil {
				t.Fatal("no error")
			}
			msg := describeJSONError(err)
			if !strings.Contains(err.Error()+msg, tt.want) {
				t.Errorf("error %q lacks %q", err.Error()+" / "+msg, tt.want)
			}
			for _, goWords := range []string{"Go struct", "Go value", "of type"} {
				if strings.Contains(err.Error(), goWords) {
					t.Errorf("error %q shows a Go type (%q)", err, goWords)
				}
			}
		})
	}
}
