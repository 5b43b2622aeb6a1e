package verifier

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
	"testing"
)

func enc(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestParseJWS(t *testing.T) {
	payload := enc(`{"iss":"x"}`)
	sig := enc("signature")
	tests := []struct {
		name    string
		compact string
		wantErr string // substring; empty when parsing succeeds
	}{
		{"valid", enc(`{"alg":"ES256","kid":"did:web:x#k","typ":"JWT"}`) + "." + payload + "." + sig, ""},
		{"empty signature", enc(`{"alg":"none"}`) + "." + payload + ".", ""},
		{"two parts", enc(`{"alg":"ES256"}`) + "." + payload, "has 2"},
		{"four parts", enc(`{"alg":"ES256"}`) + "." + payload + "." + sig + "." + sig, "has 4"},
		{"padded header", base64.URLEncoding.EncodeToString([]byte(`{"alg":"ES256","kid":"k"}`)) + "." + payload + "." + sig, "base64url without padding"},
		{"standard alphabet", enc(`{"alg":"ES256"}`) + "." + payload + "." + "ab+/", "base64url without padding"},
		{"trailing bits", enc(`{"alg":"ES256"}`) + "." + payload + "." + "AB", "base64url without padding"},
		{"CR inside payload", enc(`{"alg":"ES256"}`) + "." + payload[:4] + "\r" + payload[4:] + "." + sig, "not in the base64url alphabet"},
		{"LF inside signature", enc(`{"alg":"ES256"}`) + "." + payload + "." + sig[:4] + "\n" + sig[4:], "not in the base64url alphabet"},
		{"CRLF inside header", enc(`{"alg":"ES256","kid":"k"}`)[:8] + "\r\n" + enc(`{"alg":"ES256","kid":"k"}`)[8:] + "." + payload + "." + sig, "not in the base64url alphabet"},
		{"empty header", "." + payload + "." + sig, "header is empty"},
		{"empty payload", enc(`{"alg":"ES256"}`) + ".." + sig, "payload is empty"},
		{"header not JSON", enc(`alg=ES256`) + "." + payload + "." + sig, "JOSE header"},
		{"header is an array", enc(`["ES256"]`) + "." + payload + "." + sig, "not a JSON object"},
		{"duplicate alg", enc(`{"alg":"ES256","alg":"none"}`) + "." + payload + "." + sig, "appears twice"},
		{"alg missing", enc(`{"kid":"k"}`) + "." + payload + "." + sig, `no "alg"`},
		{"alg not a string", enc(`{"alg":256}`) + "." + payload + "." + sig, "JOSE header"},
		{"jwk not an object", enc(`{"alg":"ES256","jwk":"abc"}`) + "." + payload + "." + sig, `"jwk" is not a JSON object`},
		{"text after header", enc(`{"alg":"ES256"} x`) + "." + payload + "." + sig, "JOSE header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jws, err := ParseJWS(tt.compact)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseJWS: %v", err)
				}
				if jws.SigningInput != strings.Join(strings.Split(tt.compact, ".")[:2], ".") {
					t.Errorf("signing input %q", jws.SigningInput)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseJWS accepted %q", tt.compact)
			}
			if !errors.Is(err, ErrMalformed) {
				t.Errorf("error %v does not wrap ErrMalformed", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseJWSHeaderMembers(t *testing.T) {
	compact := enc(`{"alg":"ES256","kid":"k","typ":"JWT","x5c":["a"],"b64":false,"jwk":{"kty":"EC"}}`) + "." + enc("{}") + "." + enc("s")
	jws, err := ParseJWS(compact)
	if err != nil {
		t.Fatal(err)
	}
	if jws.Header.Alg != "ES256" || jws.Header.Kid != "k" || jws.Header.Typ != "JWT" {
		t.Errorf("header = %+v", jws.Header)
	}
	if !slices.Equal(jws.Header.Others, []string{"b64", "x5c"}) {
		t.Errorf("others = %v, want [b64 x5c]", jws.Header.Others)
	}
	if string(jws.Header.JWK) != `{"kty":"EC"}` {
		t.Errorf("jwk = %s", jws.Header.JWK)
	}
}

func TestCheckAlgorithm(t *testing.T) {
	for _, alg := range []string{"RS256", "PS256", "ES256", "EdDSA"} {
		if err := checkAlgorithm(alg); err != nil {
			t.Errorf("checkAlgorithm(%q) = %v, want nil", alg, err)
		}
	}
	for _, alg := range []string{"none", "None", "NONE", "HS256", "HS384", "HS512", "RS384", "RS512", "ES384", "ES256K", "Ed25519", "rs256", ""} {
		err := checkAlgorithm(alg)
		if !errors.Is(err, ErrAlgorithm) {
			t.Errorf("checkAlgorithm(%q) = %v, want ErrAlgorithm", alg, err)
		}
	}
}

func TestVerifySignature(t *testing.T) {
	input := []byte("header.payload")
	digest := sha256.Sum256(input)

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}

	rs256, _ := rsa.SignPKCS1v15(nil, rsaKey, crypto.SHA256, digest[:])
	ps256, _ := rsa.SignPSS(rand.Reader, rsaKey, crypto.SHA256, digest[:], &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
	r, s, _ := ecdsa.Sign(rand.Reader, ecKey, digest[:])
	es256 := make([]byte, 64)
	r.FillBytes(es256[:32])
	s.FillBytes(es256[32:])
	der, _ := ecdsa.SignASN1(rand.Reader, ecKey, digest[:])
	eddsa := ed25519.Sign(edPriv, input)

	flip := func(b []byte) []byte {
		c := slices.Clone(b)
		c[len(c)/2] ^= 1
		return c
	}

	tests := []struct {
		name string
		alg  string
		key  crypto.PublicKey
		sig  []byte
		want error
	}{
		{"RS256", "RS256", &rsaKey.PublicKey, rs256, nil},
		{"PS256", "PS256", &rsaKey.PublicKey, ps256, nil},
		{"ES256", "ES256", &ecKey.PublicKey, es256, nil},
		{"EdDSA", "EdDSA", edPub, eddsa, nil},
		{"RS256 flipped", "RS256", &rsaKey.PublicKey, flip(rs256), ErrSignature},
		{"PS256 as RS256", "RS256", &rsaKey.PublicKey, ps256, ErrSignature},
		{"ES256 flipped", "ES256", &ecKey.PublicKey, flip(es256), ErrSignature},
		{"ES256 DER", "ES256", &ecKey.PublicKey, der, ErrSignature},
		{"EdDSA flipped", "EdDSA", edPub, flip(eddsa), ErrSignature},
		{"RS256 with EC key", "RS256", &ecKey.PublicKey, rs256, ErrInvalidKey},
		{"ES256 with P-384 key", "ES256", &p384.PublicKey, es256, ErrInvalidKey},
		{"EdDSA with RSA key", "EdDSA", &rsaKey.PublicKey, eddsa, ErrInvalidKey},
		{"ES256 with Ed25519 key", "ES256", edPub, es256, ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := verifySignature(tt.alg, tt.key, input, tt.sig)
			if tt.want == nil && err != nil {
				t.Fatalf("verifySignature: %v", err)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("verifySignature = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestCheckJSONObject(t *testing.T) {
	tests := []struct {
		name, doc, wantErr string
	}{
		{"object", `{"a":[1,{"b":"c"}],"d":null}`, ""},
		{"same name in sibling objects", `{"a":{"x":1},"b":{"x":2}}`, ""},
		{"duplicate at top", `{"a":1,"a":2}`, "appears twice"},
		{"duplicate nested", `{"a":[{"x":1,"x":1}]}`, "appears twice"},
		{"array", `[1]`, "not a JSON object"},
		{"two objects", `{}{}`, "text follows"},
		{"truncated", `{"a":`, "not JSON"},
		{"too deep", strings.Repeat(`{"a":`, 70) + "1" + strings.Repeat("}", 70), "deeper than"},
		{"deep arrays", `{"a":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + "}", "deeper than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkJSONObject([]byte(tt.doc))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("checkJSONObject: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("checkJSONObject = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}
