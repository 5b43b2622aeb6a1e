package verifier_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

var algorithms = []string{keys.RS256, keys.ES256, keys.EdDSA}

func TestVerifyOwnCredentialValid(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			ti := newTestIssuer(t, alg)
			jws := ti.issue(t, ti.input(t, 365))
			v := newVerifier(t, localOptions(ti.did))

			r := v.Verify(context.Background(), []byte("\n  "+jws+"\r\n"))

			wantVerdict(t, r, verifier.Valid)
			for _, c := range r.Checks {
				if c.Outcome != verifier.Pass && c.Outcome != verifier.Skip {
					t.Errorf("check %s: %s %s", c.Name, c.Outcome, c.Message)
				}
			}
			wantCheck(t, r, verifier.CheckSignature, verifier.Pass, "")
			wantCheck(t, r, verifier.CheckIssuerKey, verifier.Pass, "")
			wantCheck(t, r, verifier.CheckSchema, verifier.Pass, "")
			if !strings.Contains(checkOf(t, r, verifier.CheckSignature).Message, "matches the issuer's published key") {
				t.Errorf("signature message %q does not say the key is the issuer's", checkOf(t, r, verifier.CheckSignature).Message)
			}
			if !strings.Contains(checkOf(t, r, verifier.CheckSchema).Message, "formal") {
				t.Errorf("own credential was not checked against the formal schema: %q", checkOf(t, r, verifier.CheckSchema).Message)
			}
			if r.Issuer.ID != ti.did || r.Issuer.Name != "Example University" {
				t.Errorf("issuer = %+v", r.Issuer)
			}
			if r.Achievement.Name != "Effective Communicator" {
				t.Errorf("achievement = %+v", r.Achievement)
			}
			if r.Recipient == nil || r.Recipient.Name != "陳大文" {
				t.Errorf("recipient = %+v, want the name 陳大文", r.Recipient)
			}
			if r.ValidFrom == nil || !r.ValidFrom.Equal(issuedAt) {
				t.Errorf("validFrom = %v, want %v", r.ValidFrom, issuedAt)
			}
			if r.ValidUntil == nil || !r.ValidUntil.Equal(issuedAt.AddDate(0, 0, 365)) {
				t.Errorf("validUntil = %v, want %v", r.ValidUntil, issuedAt.AddDate(0, 0, 365))
			}
			if r.Format != "vc-jwt" {
				t.Errorf("format = %q, want vc-jwt", r.Format)
			}
		})
	}
}

func TestVerifyOwnCredentialJSON(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), []byte(ti.issue(t, ti.input(t, 0))))

	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Verdict string `json:"verdict"`
		Checks  []struct {
			Name, Outcome, Message string
		} `json:"checks"`
		Issuer     struct{ ID, Name string } `json:"issuer"`
		Credential map[string]any            `json:"credential"`
	}
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("result JSON does not decode: %v\n%s", err, out)
	}
	if back.Verdict != "valid" || back.Issuer.ID != ti.did || len(back.Checks) == 0 {
		t.Errorf("result JSON = %s", out)
	}
	if back.Credential["id"] == nil || back.Credential["iss"] != ti.did {
		t.Errorf("result JSON does not carry the credential: %v", back.Credential)
	}
}

// tamper replaces the character at i with another base64url character.
func tamper(s string, i int) string {
	c := byte('A')
	if s[i] == 'A' {
		c = 'B'
	}
	return s[:i] + string(c) + s[i+1:]
}

func TestVerifyOwnCredentialTampered(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			ti := newTestIssuer(t, alg)
			jws := ti.issue(t, ti.input(t, 0))
			v := newVerifier(t, localOptions(ti.did))
			parts := strings.Split(jws, ".")

			// Every character of the header and a spread of payload and
			// signature characters, including each part's last one.
			var positions []int
			offset := 0
			for p, part := range parts {
				step := 1
				if p > 0 {
					step = max(1, len(part)/40)
				}
				for i := 0; i < len(part); i += step {
					positions = append(positions, offset+i)
				}
				positions = append(positions, offset+len(part)-1)
				offset += len(part) + 1
			}

			for _, i := range positions {
				r := v.Verify(context.Background(), []byte(tamper(jws, i)))
				if r.Verdict != verifier.Invalid {
					t.Errorf("byte %d changed: verdict %s, want invalid\n%s", i, r.Verdict, describe(r))
				}
			}
		})
	}
}

func TestVerifyOwnCredentialDates(t *testing.T) {
	tests := []struct {
		name         string
		validForDays int
		now          time.Time
		want         verifier.Verdict
		wantMessage  string
	}{
		{"valid", 30, issuedAt.Add(time.Hour), verifier.Valid, "Valid since 10 March 2025 at 09:00 UTC until 9 April 2025 at 09:00 UTC"},
		{"expired", 30, issuedAt.AddDate(0, 0, 31), verifier.Expired, "This badge expired on 9 April 2025 at 09:00 UTC"},
		{"expired within skew", 30, issuedAt.AddDate(0, 0, 30).Add(4 * time.Minute), verifier.Valid, "until 9 April 2025"},
		{"two days early", 0, issuedAt.Add(-48 * time.Hour), verifier.NotYetValid, "becomes valid on 10 March 2025 at 09:00 UTC"},
		{"90 seconds early", 0, issuedAt.Add(-90 * time.Second), verifier.Valid, "with no expiry date"},
		{"six minutes early", 0, issuedAt.Add(-6 * time.Minute), verifier.NotYetValid, "not valid yet"},
	}
	ti := newTestIssuer(t, keys.ES256)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jws := ti.issue(t, ti.input(t, tt.validForDays))
			opts := localOptions(ti.did)
			opts.Now = func() time.Time { return tt.now }

			r := newVerifier(t, opts).Verify(context.Background(), []byte(jws))

			wantVerdict(t, r, tt.want)
			if msg := checkOf(t, r, verifier.CheckValidity).Message; !strings.Contains(msg, tt.wantMessage) {
				t.Errorf("validity message %q does not contain %q", msg, tt.wantMessage)
			}
		})
	}
}

func TestVerifyOwnCredentialRecipient(t *testing.T) {
	tests := []struct {
		name      string
		recipient verifier.Recipient
		want      verifier.Outcome
	}{
		{"email as issued", verifier.Recipient{Email: "learner.one@example.org"}, verifier.Pass},
		{"email in other case", verifier.Recipient{Email: "LEARNER.ONE@example.org"}, verifier.Pass},
		{"email with spaces", verifier.Recipient{Email: "  learner.one@example.org "}, verifier.Pass},
		{"subject id", verifier.Recipient{Identifier: "urn:uuid:3f2e1d0c-b9a8-4765-8432-10fedcba9876"}, verifier.Pass},
		{"plain name identifier", verifier.Recipient{Identifier: "陳大文"}, verifier.Pass},
		{"other email", verifier.Recipient{Email: "someone.else@example.org"}, verifier.Fail},
		{"other identifier", verifier.Recipient{Identifier: "urn:uuid:00000000-0000-4000-8000-000000000000"}, verifier.Fail},
	}
	ti := newTestIssuer(t, keys.EdDSA)
	jws := []byte(ti.issue(t, ti.input(t, 0)))
	v := newVerifier(t, localOptions(ti.did))

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v.Verify(context.Background(), jws, verifier.WithRecipient(tt.recipient))
			wantCheck(t, r, verifier.CheckRecipient, tt.want, "")
			if tt.want == verifier.Fail {
				wantVerdict(t, r, verifier.Invalid)
			} else {
				wantVerdict(t, r, verifier.Valid)
			}
		})
	}

	t.Run("from options", func(t *testing.T) {
		opts := localOptions(ti.did)
		opts.Recipient = verifier.Recipient{Email: "someone.else@example.org"}
		r := newVerifier(t, opts).Verify(context.Background(), jws)
		wantCheck(t, r, verifier.CheckRecipient, verifier.Fail, "recipient_mismatch")
	})
	t.Run("none asked", func(t *testing.T) {
		if c := v.Verify(context.Background(), jws).Check(verifier.CheckRecipient); c != nil {
			t.Errorf("recipient check without a recipient: %+v", c)
		}
	})
}

func TestVerifyKeyRotation(t *testing.T) {
	t.Run("old key removed", func(t *testing.T) {
		ti := newTestIssuer(t, keys.RS256)
		old := ti.issue(t, ti.input(t, 0))

		// A fresh key store holds only the new key, as after deleting the
		// old one.
		newRing, err := keys.Open(context.Background(), &keyStore{}, ti.master, ti.did, keys.RS256)
		if err != nil {
			t.Fatal(err)
		}
		doc, _ := newRing.DIDDocument()
		ti.publish(doc, nil)

		r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), []byte(old))
		wantVerdict(t, r, verifier.Invalid)
		wantCheck(t, r, verifier.CheckSignature, verifier.Fail, "key_not_published")
		if msg := checkOf(t, r, verifier.CheckSignature).Message; !strings.Contains(msg, "no longer publishes") || strings.Contains(msg, "changed after") {
			t.Errorf("message %q should say the key is no longer published, not that the badge was changed", msg)
		}
	})

	t.Run("old key kept", func(t *testing.T) {
		ti := newTestIssuer(t, keys.RS256)
		old := ti.issue(t, ti.input(t, 0))
		ti.rotate(t, keys.ES256)
		fresh := ti.issue(t, ti.input(t, 0))
		v := newVerifier(t, localOptions(ti.did))

		wantVerdict(t, v.Verify(context.Background(), []byte(old)), verifier.Valid)
		wantVerdict(t, v.Verify(context.Background(), []byte(fresh)), verifier.Valid)
	})
}

// didDocWithKeys builds a DID document for did with keys; the ids in
// assertion and authentication are listed under those relationships.
func didDocWithKeys(t testing.TB, did string, keys map[string]any, assertion, authentication []string) []byte {
	t.Helper()
	var methods []map[string]any
	for id, jwk := range keys {
		methods = append(methods, map[string]any{"id": did + "#" + id, "type": "JsonWebKey", "controller": did, "publicKeyJwk": jwk})
	}
	refs := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			out = append(out, did+"#"+id)
		}
		return out
	}
	return mustJSON(t, map[string]any{
		"@context":           []string{"https://www.w3.org/ns/did/v1"},
		"id":                 did,
		"verificationMethod": methods,
		"assertionMethod":    refs(assertion),
		"authentication":     refs(authentication),
	})
}

// p256JWK returns the public JWK of k.
func p256JWK(t testing.TB, k *ecdsa.PrivateKey) map[string]any {
	t.Helper()
	point, err := k.PublicKey.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return map[string]any{"kty": "EC", "crv": "P-256", "x": b64(point[1:33]), "y": b64(point[33:])}
}

func newP256(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestVerifyKeySelection(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	payload := mustJSON(t, ti.payload(t, ti.input(t, 0)))
	key1, key2, key3 := newP256(t), newP256(t), newP256(t)
	jwks := map[string]any{"key-1": p256JWK(t, key1), "key-2": p256JWK(t, key2), "auth": p256JWK(t, key3)}
	ti.publish(didDocWithKeys(t, ti.did, jwks, []string{"key-1", "key-2"}, []string{"auth"}), nil)

	tests := []struct {
		name       string
		kid        string
		signer     *ecdsa.PrivateKey
		want       verifier.Verdict
		check      string
		outcome    verifier.Outcome
		code       string
		hasMessage string
	}{
		{"fragment names listed key", ti.did + "#key-2", key2, verifier.Valid, verifier.CheckIssuerKey, verifier.Pass, "", "listed for issuing"},
		{"no fragment, two keys", ti.did, key2, verifier.ValidWithWarnings, verifier.CheckIssuerKey, verifier.Warn, "ambiguous_key", "which of the issuer's 2 keys"},
		{"no fragment, no key matches", ti.did, key3, verifier.Invalid, verifier.CheckSignature, verifier.Fail, "bad_signature", ""},
		{"key only under authentication", ti.did + "#auth", key3, verifier.Invalid, verifier.CheckSignature, verifier.Fail, "key_not_authorized", "assertionMethod"},
		{"unknown fragment", ti.did + "#key-9", key1, verifier.Invalid, verifier.CheckSignature, verifier.Fail, "key_not_published", ""},
		{"listed key, wrong signer", ti.did + "#key-1", key2, verifier.Invalid, verifier.CheckSignature, verifier.Fail, "bad_signature", "changed after it was signed"},
	}
	v := newVerifier(t, localOptions(ti.did))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jws := signJWS(t, map[string]any{"alg": "ES256", "kid": tt.kid, "typ": "JWT"}, payload, tt.signer)
			r := v.Verify(context.Background(), []byte(jws))
			wantVerdict(t, r, tt.want)
			wantCheck(t, r, tt.check, tt.outcome, tt.code)
			if msg := checkOf(t, r, tt.check).Message; !strings.Contains(msg, tt.hasMessage) {
				t.Errorf("%s message %q does not contain %q", tt.check, msg, tt.hasMessage)
			}
		})
	}
}

func TestVerifyKeyOfAnotherParty(t *testing.T) {
	ours := newTestIssuer(t, keys.ES256)
	theirs := newTestIssuer(t, keys.ES256)
	payload := mustJSON(t, ours.payload(t, ours.input(t, 0)))
	v := newVerifier(t, localOptions(ours.did))

	t.Run("their ring signs our credential", func(t *testing.T) {
		jws, _, err := theirs.currentRing().Sign(context.Background(), payload)
		if err != nil {
			t.Fatal(err)
		}
		hitsBefore := theirs.didHits.Load()

		r := v.Verify(context.Background(), []byte(jws))
		wantVerdict(t, r, verifier.Invalid)
		wantCheck(t, r, verifier.CheckIssuerKey, verifier.Fail, "key_not_bound")
		if theirs.didHits.Load() != hitsBefore {
			t.Error("the other party's DID document was fetched; a key of another DID must be rejected before any fetch")
		}
	})

	t.Run("our kid, their private key", func(t *testing.T) {
		jws := signJWS(t, map[string]any{"alg": "ES256", "kid": ours.kid(), "typ": "JWT"}, payload, newP256(t))
		r := v.Verify(context.Background(), []byte(jws))
		wantVerdict(t, r, verifier.Invalid)
		wantCheck(t, r, verifier.CheckSignature, verifier.Fail, "bad_signature")
	})

	t.Run("our kid, their jwk in the header", func(t *testing.T) {
		k := newP256(t)
		jws := signJWS(t, map[string]any{"alg": "ES256", "kid": ours.kid(), "jwk": p256JWK(t, k)}, payload, k)
		r := v.Verify(context.Background(), []byte(jws))
		wantVerdict(t, r, verifier.Invalid)
		wantCheck(t, r, verifier.CheckSignature, verifier.Fail, "key_not_bound")
	})
}

func TestVerifyRejectedAlgorithms(t *testing.T) {
	ti := newTestIssuer(t, keys.RS256)
	payload := mustJSON(t, ti.payload(t, ti.input(t, 0)))
	jwks, err := ti.currentRing().JWKS()
	if err != nil {
		t.Fatal(err)
	}

	// HS256 keyed with the issuer's public key set: the classic confusion
	// attack on verifiers that let the token pick the algorithm.
	hs := func(alg string) string {
		input := b64(mustJSON(t, map[string]any{"alg": alg, "kid": ti.kid()})) + "." + b64(payload)
		mac := hmac.New(sha256.New, jwks)
		mac.Write([]byte(input))
		return input + "." + b64(mac.Sum(nil))
	}
	none := b64(mustJSON(t, map[string]any{"alg": "none", "kid": ti.kid()})) + "." + b64(payload) + "."

	tests := []struct {
		name, jws, wantMessage string
	}{
		{"none", none, "no signature"},
		{"HS256", hs("HS256"), "HMAC"},
		{"HS512", hs("HS512"), "HMAC"},
		{"RS512", signJWS(t, map[string]any{"alg": "RS512", "kid": ti.kid()}, payload, newP256(t)), "not supported"},
	}
	v := newVerifier(t, localOptions(ti.did))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hitsBefore := ti.didHits.Load()
			r := v.Verify(context.Background(), []byte(tt.jws))
			wantVerdict(t, r, verifier.Invalid)
			wantCheck(t, r, verifier.CheckSignature, verifier.Fail, "algorithm_rejected")
			if msg := checkOf(t, r, verifier.CheckSignature).Message; !strings.Contains(msg, tt.wantMessage) {
				t.Errorf("message %q does not contain %q", msg, tt.wantMessage)
			}
			if ti.didHits.Load() != hitsBefore {
				t.Error("a key was fetched for a rejected algorithm")
			}
		})
	}
}

func TestVerifyCachesDIDDocument(t *testing.T) {
	ti := newTestIssuer(t, keys.EdDSA)
	jws := []byte(ti.issue(t, ti.input(t, 0)))
	v := newVerifier(t, localOptions(ti.did))

	for range 3 {
		wantVerdict(t, v.Verify(context.Background(), jws), verifier.Valid)
	}
	if got := ti.didHits.Load(); got != 1 {
		t.Errorf("DID document fetched %d times for 3 verifications, want 1 (max-age=300)", got)
	}
}

func TestVerifyConcurrent(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	jws := []byte(ti.issue(t, ti.input(t, 0)))
	v := newVerifier(t, localOptions(ti.did))

	verdicts := make(chan verifier.Verdict, 16)
	for range cap(verdicts) {
		go func() { verdicts <- v.Verify(context.Background(), jws).Verdict }()
	}
	for range cap(verdicts) {
		if got := <-verdicts; got != verifier.Valid {
			t.Errorf("concurrent verification: verdict %s, want valid", got)
		}
	}
}

func TestVerifyServedDIDDocument(t *testing.T) {
	tests := []struct {
		name string
		doc  func(ti *testIssuer) []byte
	}{
		{"id with bare port colon", func(ti *testIssuer) []byte {
			doc, _ := ti.currentRing().DIDDocument()
			return []byte(strings.Replace(string(doc), `"id":"`+ti.did+`"`, `"id":"`+strings.Replace(ti.did, "%3A", ":", 1)+`"`, 1))
		}},
		{"id of another DID", func(ti *testIssuer) []byte {
			doc, _ := ti.currentRing().DIDDocument()
			return []byte(strings.Replace(string(doc), `"id":"`+ti.did+`"`, `"id":"did:web:other.example"`, 1))
		}},
		{"web page", func(ti *testIssuer) []byte { return []byte("<!doctype html><html></html>") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti := newTestIssuer(t, keys.ES256)
			jws := ti.issue(t, ti.input(t, 0))
			ti.publish(tt.doc(ti), nil)

			r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), []byte(jws))

			wantVerdict(t, r, verifier.Invalid)
			wantCheck(t, r, verifier.CheckSignature, verifier.Fail, "invalid_did_document")
		})
	}
}

func TestNewRejectsNegativeOptions(t *testing.T) {
	for name, opts := range map[string]verifier.Options{
		"clock skew":     {ClockSkew: -time.Second},
		"fetch timeout":  {FetchTimeout: -time.Second},
		"response bytes": {MaxResponseBytes: -1},
		"cache max age":  {CacheMaxAge: -time.Second},
	} {
		if _, err := verifier.New(opts); err == nil {
			t.Errorf("New accepted a negative %s", name)
		}
	}
}
