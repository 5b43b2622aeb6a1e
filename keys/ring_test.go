package keys

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/laurel-badges/laurel/issuer"
)

const testDID = "did:web:badges.example.edu"

// memStore is an in-memory KeyStore that enforces one active key, like the
// real stores.
type memStore struct {
	mu        sync.Mutex
	keys      []*issuer.SigningKey
	conflicts int
}

func (m *memStore) SigningKeys(ctx context.Context) ([]*issuer.SigningKey, error) {
	m.mu.Lock()
	out := make([]*issuer.SigningKey, 0, len(m.keys))
	for _, k := range m.keys {
		c := *k
		out = append(out, &c)
	}
	m.mu.Unlock()

	slices.SortStableFunc(out, func(a, b *issuer.SigningKey) int {
		if (a.Status == issuer.KeyActive) != (b.Status == issuer.KeyActive) {
			if a.Status == issuer.KeyActive {
				return -1
			}
			return 1
		}
		return a.CreatedAt.Compare(b.CreatedAt)
	})
	return out, nil
}

func (m *memStore) CreateSigningKey(ctx context.Context, k *issuer.SigningKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()

	for _, e := range m.keys {
		if e.ID == k.ID || (k.Status == issuer.KeyActive && e.Status == issuer.KeyActive) {
			m.conflicts++
			return issuer.ErrConflict
		}
	}
	c := *k
	m.keys = append(m.keys, &c)
	return nil
}

// retireAll marks every stored key retired, as a rotation would.
func (m *memStore) retireAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, k := range m.keys {
		k.Status = issuer.KeyRetired
		k.RetiredAt = time.Now()
	}
}

// barrierStore wraps memStore. It holds the first listing of each caller,
// identified by a number in the context, until every caller has listed, so
// that all of them see the same empty store.
type barrierStore struct {
	*memStore
	arrived sync.WaitGroup
	seen    sync.Map // caller number -> true after its first listing
}

type callerKey struct{}

func newBarrierStore(callers int) *barrierStore {
	s := &barrierStore{memStore: &memStore{}}
	s.arrived.Add(callers)
	return s
}

func (s *barrierStore) SigningKeys(ctx context.Context) ([]*issuer.SigningKey, error) {
	keys, err := s.memStore.SigningKeys(ctx)
	if caller, ok := ctx.Value(callerKey{}).(int); ok {
		if _, listed := s.seen.LoadOrStore(caller, true); !listed {
			s.arrived.Done()
			s.arrived.Wait()
		}
	}
	return keys, err
}

func openRing(tb testing.TB, ks KeyStore, alg string) *Ring {
	tb.Helper()
	r, err := Open(context.Background(), ks, testMasterKey(tb), testDID, alg)
	if err != nil {
		tb.Fatalf("Open(%s): %v", alg, err)
	}
	return r
}

var algorithms = []string{RS256, ES256, EdDSA}

func TestSignVerifiesWithJWX(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			r := openRing(t, &memStore{}, alg)
			payload := []byte(`{"iss":"did:web:badges.example.edu","name":"陳大文"}`)

			token, keyID, err := r.Sign(context.Background(), payload)
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			if keyID != r.ActiveKeyID() {
				t.Errorf("Sign key id = %q, want active %q", keyID, r.ActiveKeyID())
			}

			jwks, err := r.JWKS()
			if err != nil {
				t.Fatal(err)
			}
			set, err := jwk.Parse(jwks)
			if err != nil {
				t.Fatalf("parse JWKS: %v", err)
			}
			got, err := jws.Verify([]byte(token), jws.WithKeySet(set, jws.WithRequireKid(true)))
			if err != nil {
				t.Fatalf("jwx rejects the signature: %v", err)
			}
			if !bytes.Equal(got, payload) {
				t.Errorf("verified payload = %s, want %s", got, payload)
			}
		})
	}
}

func TestSignVerifiesWithStandardLibrary(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			r := openRing(t, &memStore{}, alg)

			token, _, err := r.Sign(context.Background(), []byte(`{"a":1}`))
			if err != nil {
				t.Fatalf("Sign: %v", err)
			}
			if err := verifyStdlib(r.state.Load().public[0].key, token); err != nil {
				t.Fatalf("standard library rejects the signature: %v", err)
			}

			tampered := tamperPayload(t, token)
			if err := verifyStdlib(r.state.Load().public[0].key, tampered); err == nil {
				t.Error("standard library accepted a tampered payload")
			}
		})
	}
}

// verifyStdlib checks a compact JWS with crypto/* only.
func verifyStdlib(pub crypto.PublicKey, token string) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return errors.New("not three parts")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return err
	}
	input := []byte(parts[0] + "." + parts[1])
	digest := sha256.Sum256(input)

	switch k := pub.(type) {
	case *rsa.PublicKey:
		return rsa.VerifyPKCS1v15(k, crypto.SHA256, digest[:], sig)
	case *ecdsa.PublicKey:
		if len(sig) != 64 {
			return errors.New("ES256 signature is not 64 bytes")
		}
		r := new(big.Int).SetBytes(sig[:32])
		s := new(big.Int).SetBytes(sig[32:])
		if !ecdsa.Verify(k, digest[:], r, s) {
			return errors.New("ecdsa: invalid signature")
		}
		return nil
	case ed25519.PublicKey:
		if !ed25519.Verify(k, input, sig) {
			return errors.New("ed25519: invalid signature")
		}
		return nil
	}
	return errors.New("unknown key type")
}

func tamperPayload(tb testing.TB, token string) string {
	tb.Helper()
	parts := strings.Split(token, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		tb.Fatal(err)
	}
	payload = bytes.Replace(payload, []byte("1"), []byte("2"), 1)
	return parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
}

func TestSignHeaderHasExactlyAlgKidTyp(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			r := openRing(t, &memStore{}, alg)

			token, _, err := r.Sign(context.Background(), []byte(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			raw, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[0])
			if err != nil {
				t.Fatal(err)
			}
			var header map[string]any
			if err := json.Unmarshal(raw, &header); err != nil {
				t.Fatal(err)
			}

			want := map[string]any{"alg": alg, "kid": testDID + "#" + r.ActiveKeyID(), "typ": "JWT"}
			if len(header) != len(want) {
				t.Errorf("header %s has %d members, want exactly alg, kid, typ", raw, len(header))
			}
			for name, value := range want {
				if header[name] != value {
					t.Errorf("header %s = %v, want %v", name, header[name], value)
				}
			}
		})
	}
}

func TestSignES256IsRawNotDER(t *testing.T) {
	r := openRing(t, &memStore{}, ES256)
	for range 20 {
		token, _, err := r.Sign(context.Background(), []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		sig, err := base64.RawURLEncoding.DecodeString(strings.Split(token, ".")[2])
		if err != nil {
			t.Fatal(err)
		}
		if len(sig) != 64 {
			t.Fatalf("ES256 signature has %d bytes, want 64 (r||s)", len(sig))
		}
	}
}

func TestSignCancelledContext(t *testing.T) {
	r := openRing(t, &memStore{}, EdDSA)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	if _, _, err := r.Sign(ctx, []byte(`{}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("Sign error = %v, want context.Canceled", err)
	}
}

func TestOpenKeyIDShape(t *testing.T) {
	r := openRing(t, &memStore{}, EdDSA)

	id := r.ActiveKeyID()
	if len(id) != 13 || id[0] != 'k' || strings.Trim(id[1:], "abcdefghijklmnopqrstuvwxyz234567") != "" {
		t.Errorf("key id %q is not k followed by 12 lowercase base32 characters", id)
	}
	if r.Algorithm() != EdDSA {
		t.Errorf("Algorithm() = %q, want EdDSA", r.Algorithm())
	}
	if r.KID(id) != testDID+"#"+id {
		t.Errorf("KID = %q", r.KID(id))
	}
}

func TestOpenDefaultAlgorithmIsRS256(t *testing.T) {
	r := openRing(t, &memStore{}, "")

	if r.Algorithm() != RS256 {
		t.Fatalf("Algorithm() = %q, want RS256", r.Algorithm())
	}
	if bits := r.state.Load().public[0].key.(*rsa.PublicKey).N.BitLen(); bits != RSAKeyBits {
		t.Errorf("RSA key has %d bits, want %d", bits, RSAKeyBits)
	}
}

func TestOpenRejectsBadArguments(t *testing.T) {
	tests := []struct {
		name      string
		masterKey []byte
		did       string
		alg       string
		wantErr   string
	}{
		{"short master key", make([]byte, 16), testDID, RS256, "master key has 16 bytes"},
		{"empty DID", testMasterKey(t), "", RS256, "issuer DID is empty"},
		{"unknown algorithm", testMasterKey(t), testDID, "HS256", `"HS256" is not supported`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(context.Background(), &memStore{}, tt.masterKey, tt.did, tt.alg)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Open error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestOpenEncryptedAtRestRoundTrip(t *testing.T) {
	for _, alg := range algorithms {
		t.Run(alg, func(t *testing.T) {
			store := &memStore{}
			first := openRing(t, store, alg)

			stored := store.keys[0]
			if stored.Algorithm != alg || stored.Status != issuer.KeyActive {
				t.Errorf("stored key: algorithm %q status %q", stored.Algorithm, stored.Status)
			}
			der, err := x509.MarshalPKCS8PrivateKey(first.state.Load().active.priv)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(stored.EncryptedPrivate, der[len(der)-32:]) {
				t.Error("stored private key contains plaintext key bytes")
			}
			if bytes.Contains(stored.PublicJWK, []byte(`"d"`)) {
				t.Errorf("stored public JWK has a private member: %s", stored.PublicJWK)
			}

			second := openRing(t, store, alg)
			if second.ActiveKeyID() != first.ActiveKeyID() {
				t.Errorf("reopened ring uses key %s, want %s", second.ActiveKeyID(), first.ActiveKeyID())
			}
			token, _, err := second.Sign(context.Background(), []byte(`{"x":1}`))
			if err != nil {
				t.Fatal(err)
			}
			if err := verifyStdlib(first.state.Load().public[0].key, token); err != nil {
				t.Errorf("reopened key signs with another key: %v", err)
			}
			if len(store.keys) != 1 {
				t.Errorf("store holds %d keys after reopening, want 1", len(store.keys))
			}
		})
	}
}

func TestOpenWrongMasterKey(t *testing.T) {
	store := &memStore{}
	r := openRing(t, store, EdDSA)
	other := bytes.Repeat([]byte{0x42}, MasterKeySize)

	_, err := Open(context.Background(), store, other, testDID, EdDSA)
	if !errors.Is(err, ErrWrongMasterKey) {
		t.Fatalf("Open error = %v, want ErrWrongMasterKey", err)
	}
	want := "cannot decrypt signing key " + r.ActiveKeyID() + ": wrong master key?"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func TestUnsealBindsKeyID(t *testing.T) {
	master := testMasterKey(t)
	sealed, err := seal(master, "kaaaaaaaaaaaa", []byte("secret"))
	if err != nil {
		t.Fatal(err)
	}

	if got, err := unseal(master, "kaaaaaaaaaaaa", sealed); err != nil || string(got) != "secret" {
		t.Errorf("unseal with the right id = %q, %v", got, err)
	}
	if _, err := unseal(master, "kbbbbbbbbbbbb", sealed); !errors.Is(err, errUnseal) {
		t.Errorf("unseal with another id: error = %v, want errUnseal", err)
	}
	sealed[len(sealed)-1] ^= 1
	if _, err := unseal(master, "kaaaaaaaaaaaa", sealed); !errors.Is(err, errUnseal) {
		t.Errorf("unseal of changed data: error = %v, want errUnseal", err)
	}
}

func TestOpenConcurrentFirstStart(t *testing.T) {
	const n = 8
	store := newBarrierStore(n)

	rings := make([]*Ring, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx := context.WithValue(context.Background(), callerKey{}, i)
			rings[i], errs[i] = Open(ctx, store, testMasterKey(t), testDID, ES256)
		}()
	}
	wg.Wait()

	for i := range n {
		if errs[i] != nil {
			t.Fatalf("Open %d: %v", i, errs[i])
		}
		if rings[i].ActiveKeyID() != rings[0].ActiveKeyID() {
			t.Errorf("Open %d uses key %s, Open 0 uses %s", i, rings[i].ActiveKeyID(), rings[0].ActiveKeyID())
		}
	}
	if len(store.keys) != 1 {
		t.Errorf("store holds %d keys, want 1", len(store.keys))
	}
	if store.conflicts != n-1 {
		t.Errorf("store saw %d conflicts, want %d (every Open raced on an empty store)", store.conflicts, n-1)
	}
}

func TestSignConcurrent(t *testing.T) {
	r := openRing(t, &memStore{}, ES256)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 25 {
				payload := []byte(`{"i":` + string(rune('0'+i)) + `,"j":"` + strings.Repeat("x", j) + `"}`)
				token, _, err := r.Sign(context.Background(), payload)
				if err != nil {
					t.Error(err)
					return
				}
				if err := verifyStdlib(r.state.Load().public[0].key, token); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
}

// rotatedRing returns a ring whose store holds one retired key of each
// algorithm and a new active key of alg.
func rotatedRing(tb testing.TB, alg string) (*Ring, *memStore) {
	tb.Helper()
	store := &memStore{}
	for _, a := range algorithms {
		openRing(tb, store, a)
		store.retireAll()
	}
	return openRing(tb, store, alg), store
}

func TestJWKSListsEveryKey(t *testing.T) {
	r, store := rotatedRing(t, ES256)

	raw, err := r.JWKS()
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []map[string]any `json:"keys"`
	}
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatal(err)
	}
	if len(set.Keys) != len(store.keys) {
		t.Fatalf("JWKS has %d keys, want %d", len(set.Keys), len(store.keys))
	}

	if set.Keys[0]["kid"] != r.KID(r.ActiveKeyID()) {
		t.Errorf("first JWK kid = %v, want the active key %s", set.Keys[0]["kid"], r.KID(r.ActiveKeyID()))
	}
	wantKty := map[string]string{RS256: "RSA", ES256: "EC", EdDSA: "OKP"}
	for _, k := range set.Keys {
		kid, _ := k["kid"].(string)
		if !strings.HasPrefix(kid, testDID+"#k") {
			t.Errorf("kid %q is not a DID URL of the issuer", kid)
		}
		alg, _ := k["alg"].(string)
		if k["kty"] != wantKty[alg] {
			t.Errorf("key %s: kty %v does not fit alg %q", kid, k["kty"], alg)
		}
		if k["use"] != "sig" {
			t.Errorf("key %s: use = %v, want sig", kid, k["use"])
		}
		for _, private := range []string{"d", "p", "q", "dp", "dq", "qi"} {
			if _, ok := k[private]; ok {
				t.Errorf("key %s has private member %q", kid, private)
			}
		}
	}
}

func TestDIDDocument(t *testing.T) {
	r, store := rotatedRing(t, RS256)

	raw, err := r.DIDDocument()
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Context            []string `json:"@context"`
		ID                 string   `json:"id"`
		VerificationMethod []struct {
			ID                 string         `json:"id"`
			Type               string         `json:"type"`
			Controller         string         `json:"controller"`
			PublicKeyJWK       map[string]any `json:"publicKeyJwk"`
			PublicKeyMultibase string         `json:"publicKeyMultibase"`
		} `json:"verificationMethod"`
		AssertionMethod []string `json:"assertionMethod"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}

	if doc.ID != testDID {
		t.Errorf("id = %q, want %q", doc.ID, testDID)
	}
	if len(doc.Context) == 0 || doc.Context[0] != "https://www.w3.org/ns/did/v1" {
		t.Errorf("@context = %v, want DID Core first", doc.Context)
	}
	if len(doc.VerificationMethod) != len(store.keys) || len(doc.AssertionMethod) != len(store.keys) {
		t.Fatalf("%d verification methods and %d assertion methods, want %d each", len(doc.VerificationMethod), len(doc.AssertionMethod), len(store.keys))
	}

	multibase := 0
	for i, vm := range doc.VerificationMethod {
		if vm.ID != doc.AssertionMethod[i] || !strings.HasPrefix(vm.ID, testDID+"#k") {
			t.Errorf("verification method %q: assertionMethod[%d] = %q", vm.ID, i, doc.AssertionMethod[i])
		}
		if vm.Type != "JsonWebKey" || vm.Controller != testDID {
			t.Errorf("verification method %s: type %q controller %q", vm.ID, vm.Type, vm.Controller)
		}
		if vm.PublicKeyJWK["kid"] != vm.ID {
			t.Errorf("verification method %s: publicKeyJwk kid = %v", vm.ID, vm.PublicKeyJWK["kid"])
		}
		if _, ok := vm.PublicKeyJWK["d"]; ok {
			t.Errorf("verification method %s: publicKeyJwk has private member d", vm.ID)
		}
		if vm.PublicKeyJWK["kty"] == "OKP" {
			multibase++
			if !strings.HasPrefix(vm.PublicKeyMultibase, "z6Mk") {
				t.Errorf("Ed25519 key %s: publicKeyMultibase = %q, want z6Mk…", vm.ID, vm.PublicKeyMultibase)
			}
		} else if vm.PublicKeyMultibase != "" {
			t.Errorf("non-Ed25519 key %s has publicKeyMultibase", vm.ID)
		}
	}
	if multibase != 1 {
		t.Errorf("%d keys with publicKeyMultibase, want 1 (the retired EdDSA key)", multibase)
	}
}

func TestEd25519MultibaseKnownVector(t *testing.T) {
	// Key pair of the OB 3.0 implementation guide's eddsa-rdfc-2022 example.
	pub, err := hex.DecodeString("4bdeafde2ea8beefadd8c699b5c7e0704cf51154d52e17b20b71337ca04cc5a5")
	if err != nil {
		t.Fatal(err)
	}

	got := Ed25519Multibase(ed25519.PublicKey(pub))
	if want := "z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi"; got != want {
		t.Errorf("Ed25519Multibase = %q, want %q", got, want)
	}
}

func TestBase58(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"empty", nil, ""},
		{"zero byte", []byte{0}, "1"},
		{"leading zeros", []byte{0, 0, 1}, "112"},
		{"text", []byte("Hello World!"), "2NEpo7TZRRrLZSi2U"},
		{"57", []byte{57}, "z"},
		{"58", []byte{58}, "21"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := base58(tt.in); got != tt.want {
				t.Errorf("base58(%x) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestOpenRejectsPrivateMembersInStoredJWK(t *testing.T) {
	store := &memStore{}
	openRing(t, store, EdDSA)
	store.keys[0].PublicJWK = []byte(`{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","d":"nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A"}`)

	_, err := Open(context.Background(), store, testMasterKey(t), testDID, EdDSA)
	if err == nil || !strings.Contains(err.Error(), "private members") {
		t.Errorf("Open error = %v, want a rejection of private members", err)
	}
}
