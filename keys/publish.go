package keys

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"fmt"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/laurel-badges/laurel/issuer"
)

// DID document contexts: DID Core, and the context that defines the
// JsonWebKey verification method type and its publicKeyJwk.
const (
	didContext = "https://www.w3.org/ns/did/v1"
	jwkContext = "https://w3id.org/security/jwk/v1"
)

// verificationMethodType is the type of every published key.
const verificationMethodType = "JsonWebKey"

// parseStoredPublic reads the public JWK of a stored key and checks it
// against the key's algorithm.
func parseStoredPublic(k *issuer.SigningKey) (*publicKey, error) {
	if !isKeyID(k.ID) {
		return nil, fmt.Errorf("signing key id %q cannot be used in a DID URL", k.ID)
	}

	parsed, err := jwk.ParseKey(k.PublicJWK)
	if err != nil {
		return nil, fmt.Errorf("parse public key of signing key %s: %w", k.ID, err)
	}
	if private, err := jwk.IsPrivateKey(parsed); err != nil || private {
		return nil, fmt.Errorf("signing key %s: the stored public JWK contains private members or has an unknown key type; store only the public key there and the private key encrypted", k.ID)
	}

	var raw any
	if err := jwk.Export(parsed, &raw); err != nil {
		return nil, fmt.Errorf("export public key of signing key %s: %w", k.ID, err)
	}
	if !matchesAlgorithm(raw, k.Algorithm) {
		return nil, fmt.Errorf("signing key %s: public key of type %T does not fit algorithm %q", k.ID, raw, k.Algorithm)
	}
	return &publicKey{id: k.ID, alg: k.Algorithm, key: raw}, nil
}

// publicJWK returns a JWK of pub with kid, alg and use "sig". It is built from
// the public key alone, so it cannot contain private members.
func publicJWK(pub crypto.PublicKey, kid, alg string) (jwk.Key, error) {
	key, err := jwk.Import(pub)
	if err != nil {
		return nil, fmt.Errorf("encode JWK %s: %w", kid, err)
	}

	sigAlg, ok := jwa.LookupSignatureAlgorithm(alg)
	if !ok {
		return nil, fmt.Errorf("encode JWK %s: unknown algorithm %q", kid, alg)
	}
	for name, value := range map[string]any{
		jwk.KeyIDKey:     kid,
		jwk.AlgorithmKey: sigAlg,
		jwk.KeyUsageKey:  jwk.ForSignature,
	} {
		if err := key.Set(name, value); err != nil {
			return nil, fmt.Errorf("encode JWK %s: set %s: %w", kid, name, err)
		}
	}
	return key, nil
}

// marshalPublicJWK returns the JSON stored as issuer.SigningKey.PublicJWK,
// whose kid is the bare key id so that it does not depend on the base URL.
func marshalPublicJWK(pub crypto.PublicKey, keyID, alg string) ([]byte, error) {
	key, err := publicJWK(pub, keyID, alg)
	if err != nil {
		return nil, err
	}
	return json.Marshal(key)
}

// JWKS returns the JWK Set of every public key, active and retired but not
// revoked, each
// with kid <issuer DID>#<key id>, alg and use "sig". It is served at
// /.well-known/jwks.json.
func (r *Ring) JWKS() ([]byte, error) {
	return bytes.Clone(r.state.Load().jwks), nil
}

// DIDDocument returns the did:web document of the issuer: every key, active
// and retired, as a verification method and in assertionMethod, so that
// every credential ever signed still verifies. Revoked keys are left out.
func (r *Ring) DIDDocument() ([]byte, error) {
	return bytes.Clone(r.state.Load().didDoc), nil
}

func buildJWKS(did string, public []*publicKey) ([]byte, error) {
	set := struct {
		Keys []jwk.Key `json:"keys"`
	}{}
	for _, pk := range public {
		key, err := publicJWK(pk.key, kid(did, pk.id), pk.alg)
		if err != nil {
			return nil, err
		}
		set.Keys = append(set.Keys, key)
	}
	return json.Marshal(set)
}

type didDocument struct {
	Context            []string             `json:"@context"`
	ID                 string               `json:"id"`
	VerificationMethod []verificationMethod `json:"verificationMethod"`
	AssertionMethod    []string             `json:"assertionMethod"`
}

type verificationMethod struct {
	ID           string  `json:"id"`
	Type         string  `json:"type"`
	Controller   string  `json:"controller"`
	PublicKeyJWK jwk.Key `json:"publicKeyJwk"`
	// NOTE: publicKeyMultibase is defined by the Multikey type's context,
	// not by JsonWebKey's, so JSON-LD processing drops it. Resolvers that
	// read the document as plain JSON, as DID resolvers usually do, see it.
	PublicKeyMultibase string `json:"publicKeyMultibase,omitempty"`
}

func buildDIDDocument(did string, public []*publicKey) ([]byte, error) {
	doc := didDocument{
		Context: []string{didContext, jwkContext},
		ID:      did,
	}
	for _, pk := range public {
		id := kid(did, pk.id)
		key, err := publicJWK(pk.key, id, pk.alg)
		if err != nil {
			return nil, err
		}

		vm := verificationMethod{ID: id, Type: verificationMethodType, Controller: did, PublicKeyJWK: key}
		if ed, ok := pk.key.(ed25519.PublicKey); ok {
			vm.PublicKeyMultibase = Ed25519Multibase(ed)
		}
		doc.VerificationMethod = append(doc.VerificationMethod, vm)
		doc.AssertionMethod = append(doc.AssertionMethod, id)
	}
	return json.Marshal(doc)
}

// Ed25519Multibase returns the Multikey form of an Ed25519 public key: "z"
// (base58btc) followed by the base58 of the multicodec prefix 0xed 0x01 and
// the 32 key bytes. The result always starts with "z6Mk".
func Ed25519Multibase(pub ed25519.PublicKey) string {
	return "z" + base58(append([]byte{0xed, 0x01}, pub...))
}

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// base58 encodes b with the Bitcoin alphabet; each leading zero byte becomes
// a leading '1'.
func base58(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}

	// digits holds the number in base 58, least significant digit first.
	digits := make([]byte, 0, len(b)*138/100+1)
	for _, c := range b[zeros:] {
		carry := int(c)
		for i := range digits {
			carry += int(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for carry > 0 {
			digits = append(digits, byte(carry%58))
			carry /= 58
		}
	}

	out := make([]byte, zeros, zeros+len(digits))
	for i := range out {
		out[i] = '1'
	}
	for i := len(digits) - 1; i >= 0; i-- {
		out = append(out, base58Alphabet[digits[i]])
	}
	return string(out)
}
