package verifier_test

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

// encodeList2021 returns a Status List 2021 encodedList: base64url of the
// GZIP of the bits, without the multibase prefix.
func encodeList2021(t testing.TB, size int, set ...int) string {
	t.Helper()
	return strings.TrimPrefix(encodeList(t, size, set...), "u")
}

// statusList2021Payload returns a StatusList2021Credential of the test
// issuer served at path.
func (ti *testIssuer) statusList2021Payload(path, purpose, encoded string) map[string]any {
	p := ti.statusListPayload(path, purpose, encoded)
	p["type"] = []string{"VerifiableCredential", "StatusList2021Credential"}
	p["credentialSubject"].(map[string]any)["type"] = "StatusList2021"
	return p
}

// withStatusEntry returns a credential of the issuer whose credentialStatus
// is entry, with the contexts given appended to its @context.
func (ti *testIssuer) withStatusEntry(t testing.TB, entry map[string]any, contexts ...any) []byte {
	t.Helper()
	return []byte(ti.resign(t, func(p map[string]any) {
		p["credentialStatus"] = entry
		p["@context"] = append(p["@context"].([]any), contexts...)
	}))
}

// statusList2021Context defines the terms of StatusList2021Entry.
const statusList2021Context = "https://w3id.org/vc/status-list/2021/v1"

// entry2021 returns a StatusList2021Entry for revocation at index of the
// list at path.
func (ti *testIssuer) entry2021(path string, index any) map[string]any {
	return map[string]any{
		"id":                   ti.base + path + "#entry",
		"type":                 "StatusList2021Entry",
		"statusPurpose":        "revocation",
		"statusListIndex":      index,
		"statusListCredential": ti.base + path,
	}
}

// TestVerifyStatusList2021 gives every credential the Status List 2021
// context, which defines the entry's terms, so a status that passes leaves
// the credential valid.
func TestVerifyStatusList2021(t *testing.T) {
	const path = "/status/2021"
	stdBase64, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(msbFirstList, "u"))
	if err != nil {
		t.Fatal(err)
	}
	standard := base64.StdEncoding.EncodeToString(stdBase64)
	if !strings.ContainsAny(standard, "+/") {
		t.Fatalf("standard base64 %q has no + or /, so it would also be base64url", standard)
	}

	signed := func(p func(ti *testIssuer) map[string]any) func(t *testing.T, ti *testIssuer) {
		return func(t *testing.T, ti *testIssuer) { ti.publishStatusList(t, path, p(ti), "no-cache") }
	}
	list := func(encoded string) func(ti *testIssuer) map[string]any {
		return func(ti *testIssuer) map[string]any { return ti.statusList2021Payload(path, "revocation", encoded) }
	}

	tests := []struct {
		name    string
		publish func(t *testing.T, ti *testIssuer)
		index   any
		want    verifier.Verdict
		outcome verifier.Outcome
		code    string
	}{
		{"clear bit", signed(list(encodeList2021(t, 131072, 0))), "7", verifier.Valid, verifier.Pass, ""},
		{"set bit", signed(list(encodeList2021(t, 131072, 94567))), "94567", verifier.Revoked, verifier.Fail, "revoked"},
		{"padded base64url", signed(list(strings.TrimPrefix(paddedList(t), "u"))), "0", verifier.Valid, verifier.Pass, ""},
		{"MSB-first list, index 0", signed(list(strings.TrimPrefix(msbFirstList, "u"))), "0", verifier.Revoked, verifier.Fail, "revoked"},
		{"index beyond the list", signed(list(encodeList2021(t, 131072))), "131072", verifier.Invalid, verifier.Fail, "status_range_error"},
		{"index not a number", signed(list(encodeList2021(t, 131072))), "seven", verifier.Invalid, verifier.Fail, "non_conforming"},
		{"8 KiB list", signed(list(encodeList2021(t, 65536))), "7", verifier.Invalid, verifier.Fail, "status_list_length_error"},
		{"multibase prefix", signed(list(encodeList(t, 131072))), "7", verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"standard base64", signed(list(standard)), "7", verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"not GZIP", signed(list(base64.RawURLEncoding.EncodeToString(make([]byte, 16384)))), "7", verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"Bitstring list for a 2021 entry", signed(func(ti *testIssuer) map[string]any {
			return ti.statusListPayload(path, "revocation", encodeList(t, 131072))
		}), "7", verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"unsigned list", func(t *testing.T, ti *testIssuer) {
			ti.serveDoc(path, servedDoc{body: mustJSON(t, list(encodeList2021(t, 131072))(ti))})
		}, "7", verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"list missing", func(t *testing.T, ti *testIssuer) {}, "7", verifier.Indeterminate, verifier.Skip, "fetch_failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti := newTestIssuer(t, keys.ES256)
			tt.publish(t, ti)

			r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), ti.withStatusEntry(t, ti.entry2021(path, tt.index), statusList2021Context))

			wantVerdict(t, r, tt.want)
			wantCheck(t, r, verifier.CheckStatus, tt.outcome, tt.code)
		})
	}
}

// TestVerifyStatusList2021Context checks the JSON-LD of a credential with
// a Status List 2021 entry. With the context that defines the entry's
// terms, which the verifier embeds, the context check passes. Without it,
// statusPurpose and the other members of the entry are terms no context
// defines, which the context check reports.
func TestVerifyStatusList2021Context(t *testing.T) {
	const path = "/status/2021"
	tests := []struct {
		name     string
		contexts []any
		want     verifier.Verdict
		outcome  verifier.Outcome
		code     string
	}{
		{"with the Status List 2021 context", []any{statusList2021Context}, verifier.Valid, verifier.Pass, ""},
		{"without it", nil, verifier.ValidWithWarnings, verifier.Warn, "context_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti := newTestIssuer(t, keys.ES256)
			ti.publishStatusList(t, path, ti.statusList2021Payload(path, "revocation", encodeList2021(t, 131072)), "no-cache")

			r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), ti.withStatusEntry(t, ti.entry2021(path, "7"), tt.contexts...))

			wantVerdict(t, r, tt.want)
			wantCheck(t, r, verifier.CheckContext, tt.outcome, tt.code)
			wantCheck(t, r, verifier.CheckStatus, verifier.Pass, "")
		})
	}
}

// TestVerifyStatusListTypesKeptApart checks that a Bitstring Status List
// entry and a Status List 2021 entry pointing at the same URL are each
// judged by their own type, not by a list cached for the other.
func TestVerifyStatusListTypesKeptApart(t *testing.T) {
	const path = "/status/shared"
	ti := newTestIssuer(t, keys.ES256)
	ti.publishStatusList(t, path, ti.statusListPayload(path, "revocation", encodeList(t, 131072)), "max-age=60")
	v := newVerifier(t, localOptions(ti.did))

	wantVerdict(t, v.Verify(context.Background(), ti.withStatus(t, path, "7", "revocation")), verifier.Valid)
	r := v.Verify(context.Background(), ti.withStatusEntry(t, ti.entry2021(path, "7")))
	wantVerdict(t, r, verifier.Invalid)
	wantCheck(t, r, verifier.CheckStatus, verifier.Fail, "status_verification_error")
}

func TestVerifyRevocationList(t *testing.T) {
	const path = "/revocations"
	credentialID := func(ti *testIssuer) string {
		return ti.payload(t, ti.input(t, 365))["id"].(string)
	}
	serve := func(list func(ti *testIssuer) map[string]any) func(t *testing.T, ti *testIssuer) {
		return func(t *testing.T, ti *testIssuer) {
			ti.serveDoc(path, servedDoc{body: mustJSON(t, list(ti)), cacheControl: "no-cache"})
		}
	}
	listing := func(entries ...func(ti *testIssuer) map[string]any) func(ti *testIssuer) map[string]any {
		return func(ti *testIssuer) map[string]any {
			revoked := []any{map[string]any{"id": "urn:uuid:00000000-0000-4000-8000-00000000ffff"}}
			for _, e := range entries {
				revoked = append(revoked, e(ti))
			}
			return map[string]any{"id": ti.base + path, "issuer": ti.did, "revokedCredentials": revoked}
		}
	}
	this := func(ti *testIssuer) map[string]any { return map[string]any{"id": credentialID(ti)} }

	tests := []struct {
		name    string
		publish func(t *testing.T, ti *testIssuer)
		want    verifier.Verdict
		outcome verifier.Outcome
		code    string
	}{
		{"not listed", serve(listing()), verifier.Valid, verifier.Pass, ""},
		{"listed", serve(listing(this)), verifier.Revoked, verifier.Fail, "revoked"},
		{"listed as not revoked", serve(listing(func(ti *testIssuer) map[string]any {
			return map[string]any{"id": credentialID(ti), "revoked": false}
		})), verifier.Valid, verifier.Pass, ""},
		{"issuer as a profile", serve(func(ti *testIssuer) map[string]any {
			l := listing(this)(ti)
			l["issuer"] = map[string]any{"id": ti.did, "type": "Profile"}
			return l
		}), verifier.Revoked, verifier.Fail, "revoked"},
		{"list without issuer, not listed", serve(func(ti *testIssuer) map[string]any {
			l := listing()(ti)
			delete(l, "issuer")
			return l
		}), verifier.Valid, verifier.Pass, ""},
		{"list without issuer, listed", serve(func(ti *testIssuer) map[string]any {
			l := listing(this)(ti)
			delete(l, "issuer")
			return l
		}), verifier.Revoked, verifier.Fail, "revoked"},
		{"list of another issuer", serve(func(ti *testIssuer) map[string]any {
			l := listing(this)(ti)
			l["issuer"] = "did:web:other.example"
			return l
		}), verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"no revokedCredentials", serve(func(ti *testIssuer) map[string]any {
			return map[string]any{"id": ti.base + path, "issuer": ti.did}
		}), verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"entry without id", serve(func(ti *testIssuer) map[string]any {
			l := listing()(ti)
			l["revokedCredentials"] = []any{map[string]any{"revocationReason": "error"}}
			return l
		}), verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"HTML page", func(t *testing.T, ti *testIssuer) {
			ti.serveDoc(path, servedDoc{body: []byte("<html><body>Revocations</body></html>")})
		}, verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"list missing", func(t *testing.T, ti *testIssuer) {}, verifier.Indeterminate, verifier.Skip, "fetch_failed"},
		{"server error", func(t *testing.T, ti *testIssuer) {
			ti.serveDoc(path, servedDoc{status: http.StatusServiceUnavailable})
		}, verifier.Indeterminate, verifier.Skip, "fetch_failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti := newTestIssuer(t, keys.ES256)
			tt.publish(t, ti)
			entry := map[string]any{"id": ti.base + path, "type": "1EdTechRevocationList"}

			r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), ti.withStatusEntry(t, entry))

			wantVerdict(t, r, tt.want)
			wantCheck(t, r, verifier.CheckStatus, tt.outcome, tt.code)
		})
	}
}

func TestVerifyRevocationListEntryWithoutID(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)

	r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), ti.withStatusEntry(t, map[string]any{"type": "1EdTechRevocationList"}))

	wantVerdict(t, r, verifier.Invalid)
	wantCheck(t, r, verifier.CheckStatus, verifier.Fail, "non_conforming")
}
