package verifier

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/schemas"
	"github.com/piprate/json-gold/ld"
)

// canonicalizeWith canonicalizes doc as canonicalize does, reading
// contexts from loader, as a signer with other copies of them would.
func canonicalizeWith(loader ld.DocumentLoader, doc map[string]any) (string, error) {
	opts := ldOptions()
	opts.DocumentLoader = loader
	opts.Algorithm = ld.AlgorithmURDNA2015
	opts.Format = "application/n-quads"
	out, err := ld.NewJsonLdProcessor().Normalize(doc, opts)
	if err != nil {
		return "", err
	}
	return out.(string), nil
}

// replacedContext serves content for one context URL and the embedded
// copies for the others.
type replacedContext struct {
	url     string
	content []byte
}

func (l replacedContext) LoadDocument(u string) (*ld.RemoteDocument, error) {
	if u != l.url {
		return contextLoader{}.LoadDocument(u)
	}
	doc, err := ld.DocumentFromReader(bytes.NewReader(l.content))
	if err != nil {
		return nil, err
	}
	return &ld.RemoteDocument{DocumentURL: u, Document: doc}, nil
}

// editedContext returns the embedded context at url with the IRI of the
// term achievement of AchievementSubject set to iri: the signer's copy,
// which differs from the verifier's in one term.
func editedContext(t testing.TB, url, iri string) replacedContext {
	t.Helper()
	pinned, ok := schemas.Context(url)
	if !ok {
		t.Fatalf("%s is not embedded", url)
	}
	var doc map[string]any
	if err := json.Unmarshal(pinned, &doc); err != nil {
		t.Fatal(err)
	}
	term := doc["@context"].(map[string]any)["AchievementSubject"].(map[string]any)["@context"].(map[string]any)["achievement"].(map[string]any)
	if term["@id"] == iri {
		t.Fatalf("%s already maps achievement to %s", url, iri)
	}
	term["@id"] = iri
	edited, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return replacedContext{url: url, content: edited}
}

// The IRIs of achievement in the unversioned Open Badges context as
// embedded and in context-3.0.3. Versioned contexts replaced the
// unversioned one after edits like this one broke signatures.
const (
	achievementIRIUnversioned = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#Achievement"
	achievementIRI303         = "https://purl.imsglobal.org/spec/vc/ob/vocab.html#achievement"
)

// TestVerifyUnversionedContextChanged signs credentials whose @context
// names the unversioned Open Badges context while it served content A,
// and verifies them with the embedded content B, which differs in the IRI
// of achievement. Such a proof cannot be checked, which leaves the verdict
// open with the code context_changed. A versioned context keeps the
// ordinary bad_signature for the same mismatch.
func TestVerifyUnversionedContextChanged(t *testing.T) {
	base, kp := implGuideVector(t)
	seed, _ := hex.DecodeString(kp.PrivateKeyHex)
	priv := ed25519.PrivateKey(seed)
	vm := "https://example.edu/issuers/565049#" + kp.PublicKeyMultibase

	// The unversioned context predates VC Data Model 2.0, whose protected
	// terms it redefines, so credentials that name it are 1.1 credentials.
	// Data Integrity terms come from their own context there.
	unversioned := maps.Clone(base)
	unversioned["@context"] = []any{contextVCv1, unversionedOBContext, "https://w3id.org/security/data-integrity/v1"}
	unversioned["issuanceDate"] = unversioned["validFrom"]
	delete(unversioned, "validFrom")
	versioned := maps.Clone(base)

	const ob303 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
	signerA := editedContext(t, unversionedOBContext, achievementIRI303)
	signer303 := editedContext(t, ob303, achievementIRIUnversioned)
	a, errA := canonicalizeWith(signerA, unversioned)
	b, errB := canonicalize(unversioned)
	if errA != nil || errB != nil || a == b {
		t.Fatalf("contents A and B must give different N-Quads: %v, %v, equal: %v", errA, errB, a == b)
	}

	// The JSON Schema for VC Data Model 1.1 credentials requires an array
	// of proofs.
	listed := func(d map[string]any) map[string]any {
		d["proof"] = []any{d["proof"]}
		return d
	}
	edited := func(d map[string]any) map[string]any {
		d["name"] = "Teamwork Badge (edited)"
		return d
	}
	// An Ed25519Signature2020 proof may carry its own @context, so only
	// the document names the unversioned context.
	legacy := maps.Clone(unversioned)
	legacy["@context"] = []any{contextVCv1, unversionedOBContext, "https://w3id.org/security/suites/ed25519-2020/v1"}
	legacySigned := func() map[string]any {
		docCanon, err := canonicalizeWith(signerA, legacy)
		if err != nil {
			t.Fatal(err)
		}
		proof := map[string]any{
			"@context": "https://w3id.org/security/suites/ed25519-2020/v1",
			"type":     "Ed25519Signature2020", "created": "2026-01-01T00:00:00Z",
			"verificationMethod": vm, "proofPurpose": "assertionMethod",
		}
		proofCanon, err := canonicalize(maps.Clone(proof))
		if err != nil {
			t.Fatal(err)
		}
		configHash, docHash := sha256.Sum256([]byte(proofCanon)), sha256.Sum256([]byte(docCanon))
		proof["proofValue"] = "z" + encodeBase58(ed25519.Sign(priv, append(configHash[:], docHash[:]...)))
		signed := maps.Clone(legacy)
		signed["proof"] = []any{proof}
		return signed
	}

	tests := []struct {
		name      string
		doc       map[string]any
		want      Verdict
		signature Outcome
		code      string
		context   Outcome
	}{
		{"signed under the embedded content", listed(signDI(t, unversioned, priv, vm)), ValidWithWarnings, Pass, "", Warn},
		{"signed under other content", listed(signDIWith(t, signerA, unversioned, priv, vm)), Indeterminate, Skip, "context_changed", Warn},
		{"changed after signing", edited(listed(signDI(t, unversioned, priv, vm))), Indeterminate, Skip, "context_changed", Warn},
		{"proof with its own context, signed under other content", legacySigned(), Indeterminate, Skip, "context_changed", Warn},
		{"context-3.0.3, signed under the embedded content", signDI(t, versioned, priv, vm), Valid, Pass, "", Pass},
		{"context-3.0.3, signed under other content", signDIWith(t, signer303, versioned, priv, vm), Invalid, Fail, "bad_signature", Pass},
	}
	v := newTestVerifier(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v.Verify(context.Background(), marshalDoc(t, tt.doc))

			if r.Verdict != tt.want {
				t.Errorf("verdict %s, want %s: %+v", r.Verdict, tt.want, r.Checks)
			}
			sig := r.Check(CheckSignature)
			if sig.Outcome != tt.signature || sig.Code != tt.code {
				t.Errorf("signature check %s %q, want %s %q: %s", sig.Outcome, sig.Code, tt.signature, tt.code, sig.Message)
			}
			if tt.code == "context_changed" {
				if !errors.Is(sig.Err, ErrContextChanged) || !strings.Contains(sig.Message, "re-issue it with a versioned context") {
					t.Errorf("signature check %v: %q, want ErrContextChanged and advice to re-issue", sig.Err, sig.Message)
				}
				if key := r.Check(CheckIssuerKey); key.Outcome != Pass {
					t.Errorf("issuer_key check %s, want pass: %s", key.Outcome, key.Message)
				}
			}
			if c := r.Check(CheckContext); c.Outcome != tt.context {
				t.Errorf("context check %s, want %s: %s", c.Outcome, tt.context, c.Message)
			}
		})
	}
}

// TestVerifyVersionedContextOffline verifies a credential with
// context-3.0.3 while every context URL is served as an HTML page and
// every host lookup fails: contexts come from the embedded copies, so
// nothing is requested and the credential is valid.
func TestVerifyVersionedContextOffline(t *testing.T) {
	var requests atomic.Int32
	htmlPage := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<!doctype html><title>Open Badges</title><p>Moved."))
	})
	v, err := New(Options{
		Now:           func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) },
		Resolver:      failingResolver{},
		LocalHandlers: map[string]http.Handler{"purl.imsglobal.org": htmlPage, "www.w3.org": htmlPage, "w3id.org": htmlPage},
	})
	if err != nil {
		t.Fatal(err)
	}

	r := v.Verify(context.Background(), readTestdata(t, "vectors", "impl-guide-eddsa-rdfc-2022.json"))

	if r.Verdict != Valid {
		t.Errorf("verdict %s, want valid: %+v", r.Verdict, r.Checks)
	}
	for _, name := range []string{CheckSignature, CheckContext} {
		if c := r.Check(name); c.Outcome != Pass {
			t.Errorf("%s check %s, want pass: %s", name, c.Outcome, c.Message)
		}
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("%d requests for context URLs, want none", n)
	}
}

// TestVerifyProtectedTermRedefinition adds a third-party context after
// the Open Badges context that redefines its protected term image. Signing
// fails, and the verifier reports a context error that names the term,
// without blaming the signature.
func TestVerifyProtectedTermRedefinition(t *testing.T) {
	base, _ := implGuideVector(t)
	doc := maps.Clone(base)
	doc["@context"] = []any{contextVCv2, "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
		map[string]any{"image": map[string]any{"@id": "https://schema.org/image", "@type": "@id"}}}

	unsigned := maps.Clone(doc)
	delete(unsigned, "proof")
	if _, err := canonicalize(unsigned); !errors.Is(err, ErrContext) {
		t.Errorf("signing: canonicalize error %v, want a context error", err)
	}

	r := newTestVerifier(t).Verify(context.Background(), marshalDoc(t, doc))

	if r.Verdict != Invalid {
		t.Errorf("verdict %s, want invalid", r.Verdict)
	}
	c := r.Check(CheckContext)
	if c.Outcome != Fail || c.Code != "context_error" || !strings.Contains(c.Message, `@context entry 3 redefines the protected term "image"`) {
		t.Errorf("context check %s %q: %s; want fail context_error naming entry 3 and image", c.Outcome, c.Code, c.Message)
	}
	if sig := r.Check(CheckSignature); sig.Outcome != Skip || sig.Code != "not_checked" {
		t.Errorf("signature check %s %q, want skip not_checked: %s", sig.Outcome, sig.Code, sig.Message)
	}
}
