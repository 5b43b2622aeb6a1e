package verifier_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

var benchAlgorithms = []string{keys.RS256, keys.ES256}

// BenchmarkVerifyOwnJWT verifies one of Laurel's own credentials end to
// end, with the DID document already in the verifier's cache: parsing,
// key lookup, signature, claims, both JSON Schemas and the other checks.
func BenchmarkVerifyOwnJWT(b *testing.B) {
	for _, alg := range benchAlgorithms {
		b.Run(alg, func(b *testing.B) {
			ti := newTestIssuer(b, alg)
			jws := []byte(ti.issue(b, ti.input(b, 365)))
			v := newVerifier(b, localOptions(ti.did))
			if r := v.Verify(context.Background(), jws); r.Verdict != verifier.Valid {
				b.Fatalf("warm-up verdict %s:\n%s", r.Verdict, describe(r))
			}
			hits := ti.didHits.Load()

			for b.Loop() {
				v.Verify(context.Background(), jws)
			}
			if ti.didHits.Load() != hits {
				b.Fatal("the DID document was fetched again; the cache was cold")
			}
		})
	}
}

// BenchmarkVerifyOwnJWTWithStatus is BenchmarkVerifyOwnJWT for a
// credential with a Bitstring Status List entry, with the list in the
// fetch cache.
func BenchmarkVerifyOwnJWTWithStatus(b *testing.B) {
	for _, alg := range benchAlgorithms {
		b.Run(alg, func(b *testing.B) {
			ti := newTestIssuer(b, alg)
			ti.publishStatusList(b, "/status/1", ti.statusListPayload("/status/1", "revocation", encodeList(b, 131072)), "max-age=600")
			jws := ti.withStatus(b, "/status/1", "7", "revocation")
			v := newVerifier(b, localOptions(ti.did))
			if r := v.Verify(context.Background(), jws); r.Verdict != verifier.Valid {
				b.Fatalf("warm-up verdict %s:\n%s", r.Verdict, describe(r))
			}

			for b.Loop() {
				v.Verify(context.Background(), jws)
			}
		})
	}
}

// BenchmarkVerifyOwnJWTUncached verifies more distinct credentials than
// the verifier keeps decoded, so every call decodes the payload, checks it
// as JSON-LD and validates both JSON Schemas again. Keys still come from
// the cache.
func BenchmarkVerifyOwnJWTUncached(b *testing.B) {
	const distinct = 600 // more than the verifier's content cache holds
	for _, alg := range benchAlgorithms {
		b.Run(alg, func(b *testing.B) {
			ti := newTestIssuer(b, alg)
			tokens := make([][]byte, distinct)
			for i := range tokens {
				in := ti.input(b, 365)
				in.CredentialID = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
				tokens[i] = []byte(ti.issue(b, in))
			}
			v := newVerifier(b, localOptions(ti.did))
			if r := v.Verify(context.Background(), tokens[0]); r.Verdict != verifier.Valid {
				b.Fatalf("warm-up verdict %s:\n%s", r.Verdict, describe(r))
			}

			i := 0
			for b.Loop() {
				v.Verify(context.Background(), tokens[i%distinct])
				i++
			}
		})
	}
}

// BenchmarkRawVerify checks only the signature of the same credential
// with the standard library: SHA-256 and the public-key operation.
func BenchmarkRawVerify(b *testing.B) {
	for _, alg := range benchAlgorithms {
		b.Run(alg, func(b *testing.B) {
			ti := newTestIssuer(b, alg)
			jws := ti.issue(b, ti.input(b, 365))
			dot := strings.LastIndexByte(jws, '.')
			input := []byte(jws[:dot])
			sig, err := base64.RawURLEncoding.DecodeString(jws[dot+1:])
			if err != nil {
				b.Fatal(err)
			}
			pub := activePublicKey(b, ti)

			for b.Loop() {
				digest := sha256.Sum256(input)
				switch k := pub.(type) {
				case *rsa.PublicKey:
					if err := rsa.VerifyPKCS1v15(k, crypto.SHA256, digest[:], sig); err != nil {
						b.Fatal(err)
					}
				case *ecdsa.PublicKey:
					r, s := new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])
					if !ecdsa.Verify(k, digest[:], r, s) {
						b.Fatal("ES256 signature does not verify")
					}
				}
			}
		})
	}
}

// activePublicKey reads the active key from the issuer's JWK Set.
func activePublicKey(tb testing.TB, ti *testIssuer) crypto.PublicKey {
	tb.Helper()
	set, err := ti.currentRing().JWKS()
	if err != nil {
		tb.Fatal(err)
	}
	var jwks struct {
		Keys []map[string]string `json:"keys"`
	}
	if err := json.Unmarshal(set, &jwks); err != nil {
		tb.Fatal(err)
	}
	num := func(s string) *big.Int {
		v, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil {
			tb.Fatal(err)
		}
		return new(big.Int).SetBytes(v)
	}
	for _, k := range jwks.Keys {
		if k["kid"] != ti.kid() {
			continue
		}
		switch k["kty"] {
		case "RSA":
			return &rsa.PublicKey{N: num(k["n"]), E: int(num(k["e"]).Int64())}
		case "EC":
			point := append([]byte{4}, append(num(k["x"]).FillBytes(make([]byte, 32)), num(k["y"]).FillBytes(make([]byte, 32))...)...)
			pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), point)
			if err != nil {
				tb.Fatal(err)
			}
			return pub
		}
	}
	tb.Fatalf("active key %s not in the JWK Set", ti.kid())
	return nil
}

// BenchmarkVerifyDataIntegrity verifies the OB 3.0 implementation guide's
// eddsa-rdfc-2022 example: JSON-LD expansion, two RDFC-1.0
// canonicalizations and one Ed25519 verification, with nothing fetched.
func BenchmarkVerifyDataIntegrity(b *testing.B) {
	v := newVerifier(b, offlineOptions())
	data := readVector(b, "impl-guide-eddsa-rdfc-2022.json")
	for b.Loop() {
		if r := v.Verify(context.Background(), data); r.Verdict != verifier.Valid {
			b.Fatalf("verdict %s:\n%s", r.Verdict, describe(r))
		}
	}
}
