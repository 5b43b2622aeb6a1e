package verifier

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/piprate/json-gold/ld"
)

// implGuideKeypair is the published test key of the OB 3.0 implementation
// guide's eddsa-rdfc-2022 example, with the values the guide prints.
type implGuideKeypair struct {
	PrivateKeyHex      string `json:"privateKeyHex"`
	PublicKeyMultibase string `json:"publicKeyMultibase"`
	Expected           struct {
		ProofConfigHashHex string `json:"proofConfigHashHex"`
		DocumentHashHex    string `json:"documentHashHex"`
		SignatureHex       string `json:"signatureHex"`
		ProofValue         string `json:"proofValue"`
	} `json:"expected"`
}

func readTestdata(t testing.TB, parts ...string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(append([]string{"testdata"}, parts...)...))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func implGuideVector(t testing.TB) (map[string]any, implGuideKeypair) {
	t.Helper()
	doc, err := decodeObject(readTestdata(t, "vectors", "impl-guide-eddsa-rdfc-2022.json"))
	if err != nil {
		t.Fatal(err)
	}
	var kp implGuideKeypair
	if err := json.Unmarshal(readTestdata(t, "dataintegrity", "impl-guide-keypair.json"), &kp); err != nil {
		t.Fatal(err)
	}
	return doc, kp
}

// TestImplGuideVectorByteForByte recomputes every intermediate value of
// the implementation guide's example and signs it again with the
// published key: Ed25519 is deterministic, so the proofValue must repeat.
func TestImplGuideVectorByteForByte(t *testing.T) {
	doc, kp := implGuideVector(t)
	proof := doc["proof"].(map[string]any)

	unsigned := maps.Clone(doc)
	delete(unsigned, "proof")
	docCanon, err := canonicalize(unsigned)
	if err != nil {
		t.Fatalf("canonicalize document: %v", err)
	}
	if want := string(readTestdata(t, "dataintegrity", "impl-guide-document-canon.nq")); docCanon != want {
		t.Errorf("document N-Quads differ:\n got %q\nwant %q", docCanon, want)
	}

	config := maps.Clone(proof)
	delete(config, "proofValue")
	config["@context"] = doc["@context"]
	proofCanon, err := canonicalize(config)
	if err != nil {
		t.Fatalf("canonicalize proof config: %v", err)
	}
	if want := string(readTestdata(t, "dataintegrity", "impl-guide-proof-canon.nq")); proofCanon != want {
		t.Errorf("proof config N-Quads differ:\n got %q\nwant %q", proofCanon, want)
	}

	configHash := sha256.Sum256([]byte(proofCanon))
	docHash := sha256.Sum256([]byte(docCanon))
	if got := hex.EncodeToString(configHash[:]); got != kp.Expected.ProofConfigHashHex {
		t.Errorf("proof config hash = %s, want %s", got, kp.Expected.ProofConfigHashHex)
	}
	if got := hex.EncodeToString(docHash[:]); got != kp.Expected.DocumentHashHex {
		t.Errorf("document hash = %s, want %s", got, kp.Expected.DocumentHashHex)
	}

	priv, err := hex.DecodeString(kp.PrivateKeyHex)
	if err != nil || len(priv) != ed25519.PrivateKeySize {
		t.Fatalf("private key: %d bytes, %v", len(priv), err)
	}
	sig := ed25519.Sign(ed25519.PrivateKey(priv), append(configHash[:], docHash[:]...))
	if got := hex.EncodeToString(sig); got != kp.Expected.SignatureHex {
		t.Errorf("signature = %s, want %s", got, kp.Expected.SignatureHex)
	}
	decoded, err := decodeProofValue(kp.Expected.ProofValue)
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(decoded) != kp.Expected.SignatureHex {
		t.Errorf("proofValue decodes to %x, want %s", decoded, kp.Expected.SignatureHex)
	}
	if proof["proofValue"] != kp.Expected.ProofValue {
		t.Errorf("credential proofValue = %v, want %s", proof["proofValue"], kp.Expected.ProofValue)
	}
}

func newTestVerifier(t testing.TB) *Verifier {
	t.Helper()
	v, err := New(Options{Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }, Resolver: failingResolver{}})
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// failingResolver makes any fetch fail, so tests show that nothing was
// fetched.
type failingResolver struct{}

func (failingResolver) LookupIPAddr(context.Context, string) ([]net.IPAddr, error) {
	return nil, errors.New("lookups are not allowed in this test")
}

// signDI adds an eddsa-rdfc-2022 proof to doc with the implementation
// guide's test key, as an issuer would.
func signDI(t testing.TB, doc map[string]any, priv ed25519.PrivateKey, vm string) map[string]any {
	t.Helper()
	return signDIWith(t, contextLoader{}, doc, priv, vm)
}

// signDIWith signs as signDI does, reading contexts from loader.
func signDIWith(t testing.TB, loader ld.DocumentLoader, doc map[string]any, priv ed25519.PrivateKey, vm string) map[string]any {
	t.Helper()
	unsigned := maps.Clone(doc)
	delete(unsigned, "proof")
	docCanon, err := canonicalizeWith(loader, unsigned)
	if err != nil {
		t.Fatalf("canonicalize document: %v", err)
	}
	proof := map[string]any{
		"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": "2026-01-01T00:00:00Z",
		"verificationMethod": vm, "proofPurpose": "assertionMethod",
	}
	config := maps.Clone(proof)
	config["@context"] = doc["@context"]
	proofCanon, err := canonicalizeWith(loader, config)
	if err != nil {
		t.Fatalf("canonicalize proof: %v", err)
	}
	configHash, docHash := sha256.Sum256([]byte(proofCanon)), sha256.Sum256([]byte(docCanon))
	proof["proofValue"] = "z" + encodeBase58(ed25519.Sign(priv, append(configHash[:], docHash[:]...)))

	signed := maps.Clone(unsigned)
	signed["proof"] = proof
	return signed
}

func marshalDoc(t testing.TB, doc map[string]any) []byte {
	t.Helper()
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestVerifyDataIntegrityCases(t *testing.T) {
	base, kp := implGuideVector(t)
	seed, _ := hex.DecodeString(kp.PrivateKeyHex)
	priv := ed25519.PrivateKey(seed)
	vm := "https://example.edu/issuers/565049#" + kp.PublicKeyMultibase
	otherContext := []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"}

	tests := []struct {
		name      string
		doc       func() map[string]any
		want      Verdict
		check     string
		outcome   Outcome
		code      string
		signature Outcome
	}{
		{"resigned credential", func() map[string]any { return signDI(t, base, priv, vm) }, Valid, CheckSignature, Pass, "", Pass},
		{"changed name", func() map[string]any {
			d := signDI(t, base, priv, vm)
			d["name"] = "Teamwork Badge (edited)"
			return d
		}, Invalid, CheckSignature, Fail, "bad_signature", Fail},
		{"unknown context", func() map[string]any {
			d := maps.Clone(base)
			d["@context"] = append(append([]any{}, otherContext...), "https://example.org/contexts/extra.jsonld")
			return d
		}, Indeterminate, CheckContext, Skip, "unknown_context", Skip},
		{"protected term redefined", func() map[string]any {
			d := maps.Clone(base)
			d["@context"] = append(append([]any{}, otherContext...), map[string]any{"image": map[string]any{"@id": "https://schema.org/image", "@type": "@id"}})
			return d
		}, Invalid, CheckContext, Fail, "context_error", Skip},
		{"undefined term", func() map[string]any {
			d := maps.Clone(base)
			d["favouriteColour"] = "green"
			return d
		}, Invalid, CheckContext, Fail, "context_error", Skip},
		{"undefined nested term", func() map[string]any {
			d := maps.Clone(base)
			subject := maps.Clone(d["credentialSubject"].(map[string]any))
			achievement := maps.Clone(subject["achievement"].(map[string]any))
			achievement["colour"] = "green"
			subject["achievement"] = achievement
			d["credentialSubject"] = subject
			return d
		}, Invalid, CheckContext, Fail, "context_error", Skip},
		{"blank node clique", func() map[string]any {
			d := maps.Clone(base)
			var nodes []any
			for i := range 9 {
				var refs []any
				for j := range 9 {
					if j != i {
						refs = append(refs, map[string]any{"@id": fmt.Sprintf("_:b%d", j)})
					}
				}
				nodes = append(nodes, map[string]any{"@id": fmt.Sprintf("_:b%d", i), "https://example.org/knows": refs})
			}
			d["https://example.org/nodes"] = nodes
			return d
		}, Invalid, CheckContext, Fail, "context_error", Skip},
		{"authentication purpose", func() map[string]any {
			d := maps.Clone(base)
			p := maps.Clone(d["proof"].(map[string]any))
			p["proofPurpose"] = "authentication"
			d["proof"] = p
			return d
		}, Invalid, CheckSignature, Fail, "key_not_authorized", Fail},
		{"key of another controller", func() map[string]any {
			return signDI(t, base, priv, "https://example.org/other#"+kp.PublicKeyMultibase)
		}, Invalid, CheckIssuerKey, Fail, "key_not_bound", Skip},
		{"unknown proof type beside valid proof", func() map[string]any {
			d := signDI(t, base, priv, vm)
			d["proof"] = []any{map[string]any{"type": "BbsBlsSignature2020", "proofPurpose": "assertionMethod"}, d["proof"]}
			return d
		}, ValidWithWarnings, CheckSignature, Warn, "unsupported_proof", Warn},
		{"only unknown proof types", func() map[string]any {
			d := maps.Clone(base)
			d["proof"] = map[string]any{"type": "DataIntegrityProof", "cryptosuite": "ecdsa-sd-2023", "proofPurpose": "assertionMethod"}
			return d
		}, Indeterminate, CheckSignature, Skip, "unsupported_proof", Skip},
		{"proofValue not base58btc", func() map[string]any {
			d := maps.Clone(base)
			p := maps.Clone(d["proof"].(map[string]any))
			p["proofValue"] = "uAAAA"
			d["proof"] = p
			return d
		}, Invalid, CheckSignature, Fail, "malformed", Fail},
	}
	v := newTestVerifier(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v.Verify(context.Background(), marshalDoc(t, tt.doc()))
			if r.Verdict != tt.want {
				t.Errorf("verdict %s, want %s", r.Verdict, tt.want)
			}
			c := r.Check(tt.check)
			if c == nil {
				t.Fatalf("no %s check", tt.check)
			}
			if c.Outcome != tt.outcome || c.Code != tt.code {
				t.Errorf("%s check: %s %q, want %s %q (%s)", tt.check, c.Outcome, c.Code, tt.outcome, tt.code, c.Message)
			}
			if sig := r.Check(CheckSignature); sig.Outcome != tt.signature {
				t.Errorf("signature check %s, want %s (%s)", sig.Outcome, tt.signature, sig.Message)
			}
		})
	}
}

// gzipList returns an encodedList of size bits with the bits in set.
func gzipList(t testing.TB, size int, set ...int) string {
	t.Helper()
	bits := make([]byte, size/8)
	for _, i := range set {
		bits[i/8] |= 0x80 >> (i % 8)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(bits); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// TestVerifyDataIntegrityStatusList issues a did:key badge and a status
// list, both with eddsa-rdfc-2022 proofs, and revokes the badge.
func TestVerifyDataIntegrityStatusList(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	did := "did:key:" + "z" + encodeBase58(append([]byte{0xed, 0x01}, pub...))
	vm := did + "#" + strings.TrimPrefix(did, "did:key:")

	var mu sync.Mutex
	var list []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/vc+ld+json")
		w.Write(list)
	}))
	t.Cleanup(srv.Close)
	listURL := srv.URL + "/status/1"

	publish := func(set ...int) {
		doc := map[string]any{
			"@context":  []any{"https://www.w3.org/ns/credentials/v2"},
			"id":        listURL,
			"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
			"issuer":    did,
			"validFrom": "2025-01-01T00:00:00Z",
			"credentialSubject": map[string]any{
				"id": listURL + "#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
				"encodedList": gzipList(t, 131072, set...),
			},
		}
		signed := marshalDoc(t, signDI(t, doc, priv, vm))
		mu.Lock()
		list = signed
		mu.Unlock()
	}

	badge, _ := implGuideVector(t)
	badge = maps.Clone(badge)
	badge["issuer"] = map[string]any{"id": did, "type": []any{"Profile"}, "name": "Example Corp"}
	badge["credentialStatus"] = map[string]any{
		"id": listURL + "#7", "type": "BitstringStatusListEntry", "statusPurpose": "revocation",
		"statusListIndex": "7", "statusListCredential": listURL,
	}
	signed := marshalDoc(t, signDI(t, badge, priv, vm))

	v, err := New(Options{AllowHTTP: true, AllowPrivate: true, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}

	publish()
	r := v.Verify(context.Background(), signed)
	if r.Verdict != Valid {
		t.Errorf("before revocation: verdict %s, want valid; status: %+v", r.Verdict, r.Check(CheckStatus))
	}

	publish(7)
	r = v.Verify(context.Background(), signed)
	if r.Verdict != Revoked {
		t.Errorf("after revocation: verdict %s, want revoked; status: %+v", r.Verdict, r.Check(CheckStatus))
	}

	mu.Lock()
	list = bytes.Replace(list, []byte(`"revocation"`), []byte(`"suspension"`), 1)
	mu.Unlock()
	r = v.Verify(context.Background(), signed)
	if c := r.Check(CheckStatus); c.Code != "status_verification_error" {
		t.Errorf("tampered list: status %s %q, want status_verification_error (%s)", c.Outcome, c.Code, c.Message)
	}
}

// signLegacy adds a proof of the older suites with the test key: typ is
// DataIntegrityProof with cryptosuite eddsa-2022, or Ed25519Signature2020.
func signLegacy(t testing.TB, doc map[string]any, priv ed25519.PrivateKey, vm, typ string) map[string]any {
	t.Helper()
	unsigned := maps.Clone(doc)
	delete(unsigned, "proof")
	docCanon, err := canonicalize(unsigned)
	if err != nil {
		t.Fatalf("canonicalize document: %v", err)
	}
	proof := map[string]any{"type": typ, "created": "2026-01-01T00:00:00Z", "verificationMethod": vm, "proofPurpose": "assertionMethod"}
	if typ == "DataIntegrityProof" {
		proof["cryptosuite"] = "eddsa-2022"
	}
	config := maps.Clone(proof)
	config["@context"] = doc["@context"]
	proofCanon, err := canonicalize(config)
	if err != nil {
		t.Fatalf("canonicalize proof: %v", err)
	}
	configHash, docHash := sha256.Sum256([]byte(proofCanon)), sha256.Sum256([]byte(docCanon))
	proof["proofValue"] = "z" + encodeBase58(ed25519.Sign(priv, append(configHash[:], docHash[:]...)))

	signed := maps.Clone(unsigned)
	signed["proof"] = proof
	return signed
}

func TestVerifyDeprecatedSuites(t *testing.T) {
	base, kp := implGuideVector(t)
	seed, _ := hex.DecodeString(kp.PrivateKeyHex)
	vm := "https://example.edu/issuers/565049#" + kp.PublicKeyMultibase

	legacy := maps.Clone(base)
	legacy["@context"] = []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json", "https://w3id.org/security/suites/ed25519-2020/v1"}

	tests := []struct {
		name string
		doc  map[string]any
	}{
		{"eddsa-2022", signLegacy(t, base, ed25519.PrivateKey(seed), vm, "DataIntegrityProof")},
		{"Ed25519Signature2020", signLegacy(t, legacy, ed25519.PrivateKey(seed), vm, "Ed25519Signature2020")},
	}
	v := newTestVerifier(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v.Verify(context.Background(), marshalDoc(t, tt.doc))
			sig := r.Check(CheckSignature)
			if sig.Outcome != Warn || sig.Code != "deprecated_proof" {
				t.Errorf("signature %s %q, want warn deprecated_proof: %s", sig.Outcome, sig.Code, sig.Message)
			}
			if r.Verdict != ValidWithWarnings {
				t.Errorf("verdict %s, want valid_with_warnings; context: %s", r.Verdict, r.Check(CheckContext).Message)
			}
		})
	}
}

// TestVerifyControllerDocumentKey resolves an https verificationMethod
// through the issuer's controller document.
func TestVerifyControllerDocumentKey(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	multikey := "z" + encodeBase58(append([]byte{0xed, 0x01}, pub...))

	var issuerID string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		doc := map[string]any{
			"@context": []any{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
			"id":       issuerID,
			"verificationMethod": []any{
				map[string]any{"id": issuerID + "#key-1", "type": "Multikey", "controller": issuerID, "publicKeyMultibase": multikey},
				map[string]any{"id": issuerID + "#key-2", "type": "Multikey", "controller": issuerID, "publicKeyMultibase": multikey},
			},
			"assertionMethod": []any{issuerID + "#key-1"},
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(doc)
	}))
	t.Cleanup(srv.Close)
	issuerID = srv.URL + "/issuers/1"

	base, _ := implGuideVector(t)
	base = maps.Clone(base)
	base["issuer"] = map[string]any{"id": issuerID, "type": []any{"Profile"}, "name": "Example Corp"}

	v, err := New(Options{AllowHTTP: true, AllowPrivate: true, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, vm, code string
		want           Verdict
	}{
		{"assertion key", issuerID + "#key-1", "", Valid},
		{"key not for assertions", issuerID + "#key-2", "key_not_authorized", Invalid},
		{"unknown key", issuerID + "#key-3", "key_not_found", Invalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := v.Verify(context.Background(), marshalDoc(t, signDI(t, base, priv, tt.vm)))
			if r.Verdict != tt.want {
				t.Errorf("verdict %s, want %s: %s", r.Verdict, tt.want, r.Check(CheckSignature).Message)
			}
			if got := r.Check(CheckSignature).Code; got != tt.code {
				t.Errorf("signature code %q, want %q", got, tt.code)
			}
		})
	}
}

func TestExpandSafeNamesUndefinedTerm(t *testing.T) {
	base, _ := implGuideVector(t)
	tests := []struct {
		name string
		edit func(d map[string]any)
		want string
	}{
		{"top level", func(d map[string]any) { d["favouriteColour"] = "green" }, `"favouriteColour"`},
		{"inside achievement", func(d map[string]any) {
			subject := maps.Clone(d["credentialSubject"].(map[string]any))
			achievement := maps.Clone(subject["achievement"].(map[string]any))
			achievement["colour"] = "green"
			subject["achievement"] = achievement
			d["credentialSubject"] = subject
		}, `"credentialSubject.achievement.colour"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := maps.Clone(base)
			delete(d, "proof")
			tt.edit(d)
			err := expandSafe(d)
			if !errors.Is(err, ErrContext) {
				t.Fatalf("error %v, want ErrContext", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %s", err, tt.want)
			}
		})
	}
}

// TestVerifyDataIntegrityConcurrently shares the parsed contexts and the
// content cache between goroutines; run with -race it shows that no
// verification changes them.
func TestVerifyDataIntegrityConcurrently(t *testing.T) {
	v := newTestVerifier(t)
	inputs := [][]byte{
		readTestdata(t, "vectors", "impl-guide-eddsa-rdfc-2022.json"),
		readTestdata(t, "vectors", "v1.0.14-ex1-docformat-sample.signed.json"),
		readTestdata(t, "vectors", "v1.0.14-ex2-basic.jwt"),
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 3 {
				input := inputs[(i+j)%len(inputs)]
				if r := v.Verify(context.Background(), input); !r.Verdict.Acceptable() {
					t.Errorf("verdict %s for input %d", r.Verdict, (i+j)%len(inputs))
				}
			}
		})
	}
	wg.Wait()
}

// TestVerifyDataIntegrityStatusList2021 issues a did:key badge with a
// Status List 2021 entry and a VC Data Model 1.1 StatusList2021Credential,
// both with eddsa-rdfc-2022 proofs over the embedded Status List 2021
// context, and revokes the badge.
func TestVerifyDataIntegrityStatusList2021(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	did := "did:key:" + "z" + encodeBase58(append([]byte{0xed, 0x01}, pub...))
	vm := did + "#" + strings.TrimPrefix(did, "did:key:")
	const statusList2021 = "https://w3id.org/vc/status-list/2021/v1"

	var mu sync.Mutex
	var list []byte
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		w.Header().Set("Content-Type", "application/vc+ld+json")
		w.Write(list)
	}))
	t.Cleanup(srv.Close)
	listURL := srv.URL + "/status/2021"

	publish := func(set ...int) {
		doc := map[string]any{
			"@context":     []any{contextVCv1, statusList2021, "https://w3id.org/security/data-integrity/v1"},
			"id":           listURL,
			"type":         []any{"VerifiableCredential", "StatusList2021Credential"},
			"issuer":       did,
			"issuanceDate": "2025-01-01T00:00:00Z",
			"credentialSubject": map[string]any{
				"id": listURL + "#list", "type": "StatusList2021", "statusPurpose": "revocation",
				"encodedList": strings.TrimPrefix(gzipList(t, 131072, set...), "u"),
			},
		}
		signed := marshalDoc(t, signDI(t, doc, priv, vm))
		mu.Lock()
		list = signed
		mu.Unlock()
	}

	badge, _ := implGuideVector(t)
	badge = maps.Clone(badge)
	badge["@context"] = append(append([]any{}, badge["@context"].([]any)...), statusList2021)
	badge["issuer"] = map[string]any{"id": did, "type": []any{"Profile"}, "name": "Example Corp"}
	badge["credentialStatus"] = map[string]any{
		"id": listURL + "#7", "type": "StatusList2021Entry", "statusPurpose": "revocation",
		"statusListIndex": "7", "statusListCredential": listURL,
	}
	signed := marshalDoc(t, signDI(t, badge, priv, vm))

	v, err := New(Options{AllowHTTP: true, AllowPrivate: true, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}

	publish()
	r := v.Verify(context.Background(), signed)
	if r.Verdict != Valid {
		t.Errorf("before revocation: verdict %s, want valid: %+v", r.Verdict, r.Checks)
	}

	publish(7)
	v.ClearCache()
	r = v.Verify(context.Background(), signed)
	if r.Verdict != Revoked {
		t.Errorf("after revocation: verdict %s, want revoked; status: %+v", r.Verdict, r.Check(CheckStatus))
	}
}
