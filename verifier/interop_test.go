package verifier_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

// foreignOptions is localOptions without OwnIssuers, so credentials get
// the permissive schema and the lenient claim rules.
func foreignOptions() verifier.Options {
	opts := localOptions("")
	opts.OwnIssuers = nil
	return opts
}

// resign signs a modified copy of the harness payload with the issuer's
// current key.
func (ti *testIssuer) resign(t testing.TB, edit func(p map[string]any)) string {
	t.Helper()
	p := ti.payload(t, ti.input(t, 365))
	edit(p)
	jws, _, err := ti.currentRing().Sign(context.Background(), mustJSON(t, p))
	if err != nil {
		t.Fatal(err)
	}
	return jws
}

func subject(p map[string]any) map[string]any { return p["credentialSubject"].(map[string]any) }

func achievement(p map[string]any) map[string]any {
	return subject(p)["achievement"].(map[string]any)
}

// TestVerifyCredentialLocation covers where a VC-JWT carries the
// credential: the whole payload (VC Data Model 2.0) or the vc claim (1.1).
func TestVerifyCredentialLocation(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	v := newVerifier(t, localOptions(ti.did))

	t.Run("legacy vc claim", func(t *testing.T) {
		jws := ti.resign(t, func(p map[string]any) {
			vc := map[string]any{}
			for k, val := range p {
				switch k {
				case "iss", "sub", "jti", "nbf", "exp", "validFrom", "validUntil", "@context":
				default:
					vc[k] = val
				}
			}
			vc["@context"] = []string{"https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}
			vc["issuanceDate"] = p["validFrom"]
			vc["expirationDate"] = p["validUntil"]
			for k := range p {
				if k != "iss" && k != "sub" && k != "jti" && k != "nbf" && k != "exp" {
					delete(p, k)
				}
			}
			p["vc"] = vc
		})
		r := v.Verify(context.Background(), []byte(jws))
		wantVerdict(t, r, verifier.Valid)
		wantCheck(t, r, verifier.CheckClaims, verifier.Pass, "")
		if msg := checkOf(t, r, verifier.CheckSchema).Message; !strings.Contains(msg, "1.1") {
			t.Errorf("schema message %q does not name the 1.1 schema", msg)
		}
		if r.ValidFrom == nil || !r.ValidFrom.Equal(issuedAt) {
			t.Errorf("validFrom from issuanceDate = %v, want %v", r.ValidFrom, issuedAt)
		}
		var cred map[string]any
		if err := json.Unmarshal(r.Credential, &cred); err != nil || cred["issuanceDate"] == nil || cred["iss"] != nil {
			t.Errorf("result credential is not the vc claim: %s (%v)", r.Credential, err)
		}
	})

	t.Run("vc claim beside a 2.0 credential", func(t *testing.T) {
		jws := ti.resign(t, func(p map[string]any) {
			p["vc"] = map[string]any{"@context": p["@context"], "type": p["type"], "name": "Another name"}
		})
		r := v.Verify(context.Background(), []byte(jws))
		wantVerdict(t, r, verifier.Invalid)
		wantCheck(t, r, verifier.CheckClaims, verifier.Fail, "claims_mismatch")
		if msg := checkOf(t, r, verifier.CheckClaims).Message; !strings.Contains(msg, "vc claim") {
			t.Errorf("claims message %q does not name the vc claim", msg)
		}
	})

	t.Run("2.0 credential in a vc claim", func(t *testing.T) {
		jws := ti.resign(t, func(p map[string]any) {
			vc := map[string]any{}
			for k, val := range p {
				vc[k] = val
			}
			p["vc"] = vc
			delete(p, "@context")
		})
		wantVerdict(t, v.Verify(context.Background(), []byte(jws)), verifier.Invalid)
	})
}

func TestVerifyJWTClaims(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	own := newVerifier(t, localOptions(ti.did))
	foreign := newVerifier(t, foreignOptions())

	tests := []struct {
		name        string
		edit        func(p map[string]any)
		own         verifier.Outcome
		foreign     verifier.Outcome
		wantMessage string
	}{
		{"all claims", func(p map[string]any) {}, verifier.Pass, verifier.Pass, "match"},
		{"jti missing", func(p map[string]any) { delete(p, "jti") }, verifier.Fail, verifier.Fail, "jti claim is missing"},
		{"jti differs", func(p map[string]any) { p["jti"] = "urn:uuid:other" }, verifier.Fail, verifier.Fail, "jti claim"},
		{"iss missing", func(p map[string]any) { delete(p, "iss") }, verifier.Fail, verifier.Fail, "iss claim is missing"},
		{"iss differs", func(p map[string]any) { p["iss"] = "did:web:other.example" }, verifier.Fail, verifier.Fail, "differs from issuer.id"},
		{"sub differs", func(p map[string]any) { p["sub"] = "urn:uuid:other" }, verifier.Fail, verifier.Fail, "differs from credentialSubject.id"},
		{"sub missing", func(p map[string]any) { delete(p, "sub") }, verifier.Fail, verifier.Fail, "sub claim is missing"},
		{"aud instead of sub", func(p map[string]any) { p["aud"] = p["sub"]; delete(p, "sub") }, verifier.Fail, verifier.Warn, "aud instead of sub"},
		{"aud list instead of sub", func(p map[string]any) { p["aud"] = []any{"x", p["sub"]}; delete(p, "sub") }, verifier.Fail, verifier.Warn, "aud instead of sub"},
		{"nbf missing", func(p map[string]any) { delete(p, "nbf") }, verifier.Fail, verifier.Warn, "nbf claim is missing"},
		{"nbf one second off", func(p map[string]any) { p["nbf"] = issuedAt.Unix() + 1 }, verifier.Fail, verifier.Fail, "differs from validFrom"},
		{"nbf not a number", func(p map[string]any) { p["nbf"] = "1741597200" }, verifier.Fail, verifier.Fail, "not a number"},
		{"nbf with fraction", func(p map[string]any) { p["nbf"] = float64(issuedAt.Unix()) + 0.9 }, verifier.Pass, verifier.Pass, "match"},
		{"validFrom with milliseconds", func(p map[string]any) { p["validFrom"] = "2025-03-10T09:00:00.750Z" }, verifier.Pass, verifier.Pass, "match"},
		{"validFrom with offset", func(p map[string]any) { p["validFrom"] = "2025-03-10T17:00:00+08:00" }, verifier.Pass, verifier.Pass, "match"},
		{"exp missing", func(p map[string]any) { delete(p, "exp") }, verifier.Fail, verifier.Warn, "exp claim is missing"},
		{"exp differs", func(p map[string]any) { p["exp"] = issuedAt.Unix() }, verifier.Fail, verifier.Fail, "differs from validUntil"},
		{"exp without validUntil", func(p map[string]any) { delete(p, "validUntil") }, verifier.Warn, verifier.Warn, "does not state"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jws := []byte(ti.resign(t, tt.edit))

			for _, side := range []struct {
				name string
				v    *verifier.Verifier
				want verifier.Outcome
			}{{"own", own, tt.own}, {"foreign", foreign, tt.foreign}} {
				r := side.v.Verify(context.Background(), jws)
				c := checkOf(t, r, verifier.CheckClaims)
				if c.Outcome != side.want {
					t.Errorf("%s issuer: claims %s, want %s: %s", side.name, c.Outcome, side.want, c.Message)
				}
				if tt.wantMessage != "" && !strings.Contains(c.Message, tt.wantMessage) {
					t.Errorf("%s issuer: claims message %q does not contain %q", side.name, c.Message, tt.wantMessage)
				}
				if side.want == verifier.Fail && r.Verdict != verifier.Invalid {
					t.Errorf("%s issuer: verdict %s with failing claims", side.name, r.Verdict)
				}
			}
		})
	}
}

func TestVerifyAchievementTypes(t *testing.T) {
	ti := newTestIssuer(t, keys.EdDSA)
	v := newVerifier(t, foreignOptions())

	tests := []struct {
		value any
		want  verifier.Outcome
	}{
		{"MicroCredential", verifier.Pass},
		{"ext:Bootcamp", verifier.Pass},
		{"ext:Boot.camp_2-b", verifier.Pass},
		{[]any{"Badge", "ext:Workshop"}, verifier.Pass},
		{"Micro-Credential", verifier.Fail},
		{"microcredential", verifier.Fail},
		{"Bootcamp", verifier.Fail},
		{"Bootcamp ext:x", verifier.Fail},
		{"ext:", verifier.Fail},
		{"ext:Boot camp", verifier.Fail},
		{[]any{"Badge", "Bootcamp"}, verifier.Fail},
		{42, verifier.Fail},
	}
	for _, tt := range tests {
		name, _ := json.Marshal(tt.value)
		t.Run(string(name), func(t *testing.T) {
			jws := ti.resign(t, func(p map[string]any) { achievement(p)["achievementType"] = tt.value })
			r := v.Verify(context.Background(), []byte(jws))
			wantCheck(t, r, verifier.CheckAchievementType, tt.want, "")
			if tt.want == verifier.Fail {
				wantVerdict(t, r, verifier.Invalid)
			}
		})
	}
}

func TestVerifyTypeForms(t *testing.T) {
	ti := newTestIssuer(t, keys.EdDSA)
	v := newVerifier(t, foreignOptions())

	tests := []struct {
		name    string
		edit    func(p map[string]any)
		check   string
		outcome verifier.Outcome
		verdict verifier.Verdict
	}{
		{"achievement type as string", func(p map[string]any) { achievement(p)["type"] = "Achievement" }, verifier.CheckSchema, verifier.Pass, verifier.Valid},
		{"subject type as string", func(p map[string]any) { subject(p)["type"] = "AchievementSubject" }, verifier.CheckSchema, verifier.Pass, verifier.Valid},
		{"credential types reversed", func(p map[string]any) { p["type"] = []any{"OpenBadgeCredential", "VerifiableCredential"} }, verifier.CheckType, verifier.Pass, verifier.Valid},
		{"AchievementCredential alias", func(p map[string]any) { p["type"] = []any{"VerifiableCredential", "AchievementCredential"} }, verifier.CheckType, verifier.Pass, verifier.Valid},
		{"credential type as one string", func(p map[string]any) { p["type"] = "OpenBadgeCredential" }, verifier.CheckType, verifier.Fail, verifier.Invalid},
		{"no badge type", func(p map[string]any) { p["type"] = []any{"VerifiableCredential"} }, verifier.CheckType, verifier.Fail, verifier.Invalid},
		{"schema type from the 1.0.14 typo", func(p map[string]any) {
			p["credentialSchema"] = []any{map[string]any{"id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json", "type": "JsonSchemaValidator2019"}}
		}, verifier.CheckCredentialSchema, verifier.Warn, verifier.ValidWithWarnings},
		{"schema not embedded", func(p map[string]any) {
			p["credentialSchema"] = []any{map[string]any{"id": "https://schemas.example.org/badge.json", "type": "1EdTechJsonSchemaValidator2019"}}
		}, verifier.CheckCredentialSchema, verifier.Warn, verifier.ValidWithWarnings},
		{"no subject id or identifier", func(p map[string]any) {
			delete(subject(p), "id")
			delete(subject(p), "identifier")
			delete(p, "sub")
		}, verifier.CheckSubject, verifier.Fail, verifier.Invalid},
		{"subject identified only by identifier", func(p map[string]any) {
			delete(subject(p), "id")
			delete(p, "sub")
		}, verifier.CheckSubject, verifier.Pass, verifier.Valid},
		{"context order swapped", func(p map[string]any) {
			p["@context"] = []any{"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "https://www.w3.org/ns/credentials/v2"}
		}, verifier.CheckContext, verifier.Fail, verifier.Invalid},
		{"unversioned OB context", func(p map[string]any) {
			p["@context"] = []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context.json"}
		}, verifier.CheckContext, verifier.Warn, verifier.ValidWithWarnings},
		{"term no context defines", func(p map[string]any) {
			p["favouriteColour"] = "green"
		}, verifier.CheckContext, verifier.Warn, verifier.ValidWithWarnings},
		{"protected term redefined", func(p map[string]any) {
			p["@context"] = []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
				map[string]any{"image": map[string]any{"@id": "https://schema.org/image", "@type": "@id"}}}
		}, verifier.CheckContext, verifier.Warn, verifier.ValidWithWarnings},
		{"OB context with another path", func(p map[string]any) {
			p["@context"] = []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.jsonld"}
		}, verifier.CheckContext, verifier.Fail, verifier.Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v.Verify(context.Background(), []byte(ti.resign(t, tt.edit)))
			wantCheck(t, r, tt.check, tt.outcome, "")
			wantVerdict(t, r, tt.verdict)
		})
	}
}

// TestVerifyDatesWithoutZone covers dates that break the DateTimeZ rule
// and dates with sub-second parts.
func TestVerifyDatesWithoutZone(t *testing.T) {
	ti := newTestIssuer(t, keys.EdDSA)
	opts := foreignOptions()
	opts.Now = func() time.Time { return time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC) }
	v := newVerifier(t, opts)
	march1 := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)

	t.Run("no offset is read as UTC but does not conform", func(t *testing.T) {
		jws := ti.resign(t, func(p map[string]any) {
			p["validFrom"] = "2024-03-01T10:00:00"
			p["nbf"] = march1.Unix()
			delete(p, "validUntil")
			delete(p, "exp")
		})
		r := v.Verify(context.Background(), []byte(jws))
		wantVerdict(t, r, verifier.Invalid)
		wantCheck(t, r, verifier.CheckSchema, verifier.Fail, "non_conforming")
		wantCheck(t, r, verifier.CheckClaims, verifier.Pass, "")
		wantCheck(t, r, verifier.CheckValidity, verifier.Pass, "")
		if msg := checkOf(t, r, verifier.CheckValidity).Message; !strings.Contains(msg, "read as UTC") {
			t.Errorf("validity message %q does not say the date was read as UTC", msg)
		}
		if r.ValidFrom == nil || !r.ValidFrom.Equal(march1) {
			t.Errorf("validFrom = %v, want %v", r.ValidFrom, march1)
		}
	})

	t.Run("milliseconds and +00:00", func(t *testing.T) {
		jws := ti.resign(t, func(p map[string]any) {
			p["validFrom"] = "2024-03-01T10:00:00.000+00:00"
			p["nbf"] = march1.Unix()
			delete(p, "validUntil")
			delete(p, "exp")
		})
		r := v.Verify(context.Background(), []byte(jws))
		wantVerdict(t, r, verifier.Valid)
	})

	t.Run("not a date", func(t *testing.T) {
		jws := ti.resign(t, func(p map[string]any) { p["validFrom"] = "1 March 2024" })
		r := v.Verify(context.Background(), []byte(jws))
		wantVerdict(t, r, verifier.Invalid)
		wantCheck(t, r, verifier.CheckValidity, verifier.Fail, "non_conforming")
	})
}

// TestVerifyURLContentTypes serves one credential in the forms that
// credential URLs use.
func TestVerifyURLContentTypes(t *testing.T) {
	ti := newTestIssuer(t, keys.RS256)
	jws := ti.issue(t, ti.input(t, 0))
	var accept atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		accept.Store(r.Header.Get("Accept"))
		body := jws
		switch r.URL.Path {
		case "/jwt":
			w.Header().Set("Content-Type", "application/jwt")
		case "/vc-jwt":
			w.Header().Set("Content-Type", "application/vc+jwt")
		case "/text":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			body = jws + "\n"
		case "/wrapped":
			w.Header().Set("Content-Type", "application/json")
			body = `{"jwt":"` + jws + `"}`
		case "/html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			body = "<!DOCTYPE html><html><body><h1>Effective Communicator</h1></body></html>"
		case "/html-as-text":
			w.Header().Set("Content-Type", "text/plain")
			body = "<!doctype html>\n<html lang=\"en\"><body>badge</body></html>"
		case "/missing":
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	v := newVerifier(t, localOptions(ti.did))

	tests := []struct {
		path        string
		want        verifier.Verdict
		code        string
		wantMessage string
	}{
		{"/jwt", verifier.Valid, "", ""},
		{"/vc-jwt", verifier.Valid, "", ""},
		{"/text", verifier.Valid, "", ""},
		{"/wrapped", verifier.Invalid, "not_credential", "expected a compact JWS or a credential"},
		{"/html", verifier.Invalid, "web_page", "web page, not a credential"},
		{"/html-as-text", verifier.Invalid, "web_page", "web page, not a credential"},
		{"/missing", verifier.Indeterminate, "fetch_failed", "HTTP 404"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			r := v.VerifyURL(context.Background(), srv.URL+tt.path)
			wantVerdict(t, r, tt.want)
			c := checkOf(t, r, verifier.CheckFormat)
			if c.Code != tt.code {
				t.Errorf("format code %q, want %q: %s", c.Code, tt.code, c.Message)
			}
			if !strings.Contains(c.Message, tt.wantMessage) {
				t.Errorf("format message %q does not contain %q", c.Message, tt.wantMessage)
			}
		})
	}

	want := "application/vc+jwt, application/jwt;q=0.9, text/plain;q=0.8, application/vc+ld+json;q=0.7, application/json;q=0.6"
	if got, _ := accept.Load().(string); got != want {
		t.Errorf("Accept = %q, want %q", got, want)
	}
}

func TestVerifyInputForms(t *testing.T) {
	v := newVerifier(t, offlineOptions())
	tests := []struct {
		name, input, code, wantMessage string
	}{
		{"empty", "  \n", "not_credential", "empty"},
		{"JSON wrapper", `{"jwt":"eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln"}`, "not_credential", `wraps a token in its "jwt" member`},
		{"JSON without context", `{"name":"Teamwork"}`, "not_credential", "expected a compact JWS or a credential"},
		{"JSON array", `[{"@context":[]}]`, "not_credential", "expected a compact JWS or a credential"},
		{"broken JSON", `{"@context":`, "malformed", "cannot be read"},
		{"HTML", "<html><head><title>Badge</title></head></html>", "web_page", "web page, not a credential"},
		{"truncated PNG", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "baked_image", "ends inside a chunk header"},
		{"SVG without badge", `<svg xmlns="http://www.w3.org/2000/svg"></svg>`, "not_credential", "no credential element"},
		{"plain words", "hello world", "not_credential", "expected a compact JWS or a credential"},
		{"five-part JWE", "a.b.c.d.e", "malformed", "3 parts"},
		{"duplicate member", `{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"a","id":"b"}`, "malformed", "appears twice"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v.Verify(context.Background(), []byte(tt.input))
			c := checkOf(t, r, verifier.CheckFormat)
			if c.Code != tt.code {
				t.Errorf("format code %q, want %q: %s", c.Code, tt.code, c.Message)
			}
			if !strings.Contains(c.Message, tt.wantMessage) {
				t.Errorf("format message %q does not contain %q", c.Message, tt.wantMessage)
			}
			if r.Verdict.Acceptable() {
				t.Errorf("verdict %s for %q", r.Verdict, tt.input)
			}
		})
	}
}

func TestVerifySelfCertifyingDIDs(t *testing.T) {
	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edDID := "did:key:" + keys.Ed25519Multibase(edPub)
	p256 := newP256(t)
	p256DID := "did:key:" + p256Multibase(p256)
	jwkDID := "did:jwk:" + b64(mustJSON(t, p256JWK(t, p256)))
	otherPub, _, _ := ed25519.GenerateKey(rand.Reader)
	otherDID := "did:key:" + keys.Ed25519Multibase(otherPub)

	tests := []struct {
		name        string
		issuer, kid string
		alg         string
		want        verifier.Verdict
		check       string
		outcome     verifier.Outcome
		code        string
	}{
		{"did:key Ed25519", edDID, edDID + "#" + strings.TrimPrefix(edDID, "did:key:"), "EdDSA", verifier.Valid, verifier.CheckIssuerKey, verifier.Pass, ""},
		{"did:key P-256", p256DID, p256DID + "#" + strings.TrimPrefix(p256DID, "did:key:"), "ES256", verifier.Valid, verifier.CheckIssuerKey, verifier.Pass, ""},
		{"did:jwk P-256", jwkDID, jwkDID + "#0", "ES256", verifier.Valid, verifier.CheckIssuerKey, verifier.Pass, ""},
		{"did:key of another party", edDID, otherDID + "#" + strings.TrimPrefix(otherDID, "did:key:"), "EdDSA", verifier.Invalid, verifier.CheckIssuerKey, verifier.Fail, "key_not_bound"},
		{"did:key with single-byte prefix", "did:key:z2DQV12UmiXK9LZtC9z92RqnnQwAk9Qm241B9iy55AxtU2K", "did:key:z2DQV12UmiXK9LZtC9z92RqnnQwAk9Qm241B9iy55AxtU2K", "EdDSA", verifier.Invalid, verifier.CheckSignature, verifier.Fail, "invalid_key"},
		{"did:key with no prefix", "did:key:z4wBqpZM9xaSheZzJSMawUKKwhdpChKbZ5eu5ky4Vigw", "did:key:z4wBqpZM9xaSheZzJSMawUKKwhdpChKbZ5eu5ky4Vigw", "EdDSA", verifier.Invalid, verifier.CheckSignature, verifier.Fail, "invalid_key"},
		{"unsupported DID method", "did:ion:abc", "did:ion:abc#k", "EdDSA", verifier.Indeterminate, verifier.CheckSignature, verifier.Skip, "unsupported_did"},
	}
	v := newVerifier(t, offlineOptions())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			payload := selfIssuedPayload(t, tt.issuer)
			var jws string
			if tt.alg == "EdDSA" {
				jws = signJWS(t, map[string]any{"alg": "EdDSA", "kid": tt.kid}, payload, edPriv)
			} else {
				jws = signJWS(t, map[string]any{"alg": "ES256", "kid": tt.kid}, payload, p256)
			}
			r := v.Verify(context.Background(), []byte(jws))
			wantVerdict(t, r, tt.want)
			wantCheck(t, r, tt.check, tt.outcome, tt.code)
		})
	}
}

// selfIssuedPayload returns a complete VC-JWT payload issued by issuerID.
func selfIssuedPayload(t *testing.T, issuerID string) []byte {
	t.Helper()
	const id = "urn:uuid:00000000-0000-4000-8000-0000000000aa"
	return mustJSON(t, map[string]any{
		"@context":  []string{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        id,
		"type":      []string{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": issuerID, "type": []string{"Profile"}, "name": "Self-issued"},
		"validFrom": "2025-01-01T00:00:00Z",
		"name":      "Teamwork",
		"credentialSubject": map[string]any{"id": "did:example:learner", "type": []string{"AchievementSubject"},
			"achievement": map[string]any{"id": "urn:uuid:00000000-0000-4000-8000-0000000000bb", "type": []string{"Achievement"},
				"name": "Teamwork", "description": "Works in a team.", "criteria": map[string]any{"narrative": "Peer nominated."}}},
		"iss": issuerID, "sub": "did:example:learner", "jti": id, "nbf": 1735689600,
	})
}

// p256Multibase writes k as a did:key P-256 Multikey: varint 0x1200 and
// the compressed point, in base58btc.
func p256Multibase(k *ecdsa.PrivateKey) string {
	point := elliptic.MarshalCompressed(elliptic.P256(), k.X, k.Y)
	return "z" + base58(append([]byte{0x80, 0x24}, point...))
}

// base58 encodes b with the Bitcoin alphabet.
func base58(b []byte) string {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
	n := new(big.Int).SetBytes(b)
	var out []byte
	for n.Sign() > 0 {
		mod := new(big.Int)
		n.DivMod(n, big.NewInt(58), mod)
		out = append([]byte{alphabet[mod.Int64()]}, out...)
	}
	for _, c := range b {
		if c != 0 {
			break
		}
		out = append([]byte{'1'}, out...)
	}
	return string(out)
}

// TestVerifyJWTProtectedTermRedefinition adds a context after the Open
// Badges context that redefines its protected term image. A token's
// signature does not depend on JSON-LD, so the context check warns, names
// the term and leaves the signature alone.
func TestVerifyJWTProtectedTermRedefinition(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	jws := ti.resign(t, func(p map[string]any) {
		p["@context"] = append(p["@context"].([]any), map[string]any{"image": map[string]any{"@id": "https://schema.org/image", "@type": "@id"}})
	})

	r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), []byte(jws))

	wantVerdict(t, r, verifier.ValidWithWarnings)
	wantCheck(t, r, verifier.CheckSignature, verifier.Pass, "")
	wantCheck(t, r, verifier.CheckContext, verifier.Warn, "context_error")
	if msg := checkOf(t, r, verifier.CheckContext).Message; !strings.Contains(msg, `redefines the protected term "image"`) {
		t.Errorf("context message %q does not name the term image", msg)
	}
}
