package verifier_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

// encodeList returns the encodedList of a list of size bits with the given
// indexes set, most significant bit first.
func encodeList(t testing.TB, size int, set ...int) string {
	t.Helper()
	bits := make([]byte, size/8)
	for _, i := range set {
		bits[i/8] |= 0x80 >> (i % 8)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(bits)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return "u" + base64.RawURLEncoding.EncodeToString(buf.Bytes())
}

// statusListPayload returns the payload of a status list credential of the
// test issuer served at path.
func (ti *testIssuer) statusListPayload(path, purpose, encoded string) map[string]any {
	id := ti.base + path
	return map[string]any{
		"@context":  []string{"https://www.w3.org/ns/credentials/v2"},
		"id":        id,
		"type":      []string{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    ti.did,
		"validFrom": issuedAt.Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id": id + "#list", "type": "BitstringStatusList", "statusPurpose": purpose, "encodedList": encoded,
		},
		"iss": ti.did, "jti": id, "nbf": issuedAt.Unix(),
	}
}

// publishStatusList signs a status list payload with the issuer's key and
// serves it at path with the given Cache-Control header.
func (ti *testIssuer) publishStatusList(t testing.TB, path string, payload map[string]any, cacheControl string) {
	t.Helper()
	jws, _, err := ti.currentRing().Sign(context.Background(), mustJSON(t, payload))
	if err != nil {
		t.Fatal(err)
	}
	ti.serveDoc(path, servedDoc{body: []byte(jws), cacheControl: cacheControl})
}

// withStatus returns a credential of the issuer with a status entry at
// index of the list at path.
func (ti *testIssuer) withStatus(t testing.TB, path string, index any, purpose string) []byte {
	t.Helper()
	return []byte(ti.resign(t, func(p map[string]any) {
		p["credentialStatus"] = map[string]any{
			"id":                   ti.base + path + "#entry",
			"type":                 "BitstringStatusListEntry",
			"statusPurpose":        purpose,
			"statusListIndex":      index,
			"statusListCredential": ti.base + path,
		}
	}))
}

// paddedList returns a valid list written as base64url with padding.
func paddedList(t testing.TB) string {
	t.Helper()
	for i := 1; i < 64; i++ {
		compressed, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(encodeList(t, 131072, i), "u"))
		if err != nil {
			t.Fatal(err)
		}
		if padded := base64.URLEncoding.EncodeToString(compressed); strings.HasSuffix(padded, "=") {
			return "u" + padded
		}
	}
	t.Fatal("no list length needs padding")
	return ""
}

// Lists from the bit-order case: 16 KiB, GZIP with mtime 0, meant to mark
// index 0 as revoked.
const (
	msbFirstList = "uH4sIAAAAAAAC_-3BIQEAAAACIKc73RkWoAEAAAAAAAAAAAAAAAAAAADeBuRZQ2cAQAAA"
	lsbFirstList = "uH4sIAAAAAAAC_-3BIQEAAAACIP1_2hkWoAEAAAAAAAAAAAAAAAAAAADeBjn7xTYAQAAA"
)

func TestVerifyBitstringStatus(t *testing.T) {
	const path = "/status/1"
	msbBytes, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(msbFirstList, "u"))
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		encoded string
		purpose string // of the list; the entry is for revocation
		index   any
		want    verifier.Verdict
		outcome verifier.Outcome
		code    string
	}{
		{"clear bit", encodeList(t, 131072, 0), "revocation", "7", verifier.Valid, verifier.Pass, ""},
		{"set bit", encodeList(t, 131072, 0, 94567), "revocation", "94567", verifier.Revoked, verifier.Fail, "revoked"},
		{"index as number", encodeList(t, 131072, 5), "revocation", 5, verifier.Revoked, verifier.Fail, "revoked"},
		{"last index", encodeList(t, 131072, 131071), "revocation", "131071", verifier.Revoked, verifier.Fail, "revoked"},
		{"MSB-first list, index 0", msbFirstList, "revocation", "0", verifier.Revoked, verifier.Fail, "revoked"},
		{"MSB-first list, index 7", msbFirstList, "revocation", "7", verifier.Valid, verifier.Pass, ""},
		{"LSB-first list, index 7", lsbFirstList, "revocation", "7", verifier.Revoked, verifier.Fail, "revoked"},
		{"LSB-first list, index 0", lsbFirstList, "revocation", "0", verifier.Valid, verifier.Pass, ""},
		{"standard base64 without prefix", base64.StdEncoding.EncodeToString(msbBytes), "revocation", "7", verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"padded base64url", paddedList(t), "revocation", "7", verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"8 KiB list", encodeList(t, 65536), "revocation", "7", verifier.Invalid, verifier.Fail, "status_list_length_error"},
		{"index beyond the list", encodeList(t, 131072), "revocation", "131072", verifier.Invalid, verifier.Fail, "status_range_error"},
		{"purpose mismatch", encodeList(t, 131072), "suspension", "7", verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"negative index", encodeList(t, 131072), "revocation", "-1", verifier.Invalid, verifier.Fail, "non_conforming"},
		{"index with sign", encodeList(t, 131072), "revocation", "+7", verifier.Invalid, verifier.Fail, "non_conforming"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti := newTestIssuer(t, keys.ES256)
			ti.publishStatusList(t, path, ti.statusListPayload(path, tt.purpose, tt.encoded), "no-cache")

			r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), ti.withStatus(t, path, tt.index, "revocation"))

			wantVerdict(t, r, tt.want)
			wantCheck(t, r, verifier.CheckStatus, tt.outcome, tt.code)
		})
	}
}

func TestVerifyStatusListFailures(t *testing.T) {
	const path = "/status/1"
	valid := func(ti *testIssuer) map[string]any {
		return ti.statusListPayload(path, "revocation", encodeList(t, 131072))
	}

	tests := []struct {
		name    string
		publish func(t *testing.T, ti *testIssuer)
		want    verifier.Verdict
		outcome verifier.Outcome
		code    string
	}{
		{"list missing", func(t *testing.T, ti *testIssuer) {}, verifier.Indeterminate, verifier.Skip, "fetch_failed"},
		{"server error", func(t *testing.T, ti *testIssuer) {
			ti.serveDoc(path, servedDoc{status: http.StatusInternalServerError})
		}, verifier.Indeterminate, verifier.Skip, "fetch_failed"},
		{"tampered signature", func(t *testing.T, ti *testIssuer) {
			ti.publishStatusList(t, path, valid(ti), "no-cache")
			ti.mu.Lock()
			doc := ti.docs[path]
			ti.mu.Unlock()
			doc.body = []byte(tamper(string(doc.body), len(doc.body)-5))
			ti.serveDoc(path, doc)
		}, verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"signed by another issuer", func(t *testing.T, ti *testIssuer) {
			other := newTestIssuer(t, keys.ES256)
			p := valid(ti)
			p["issuer"], p["iss"] = other.did, other.did
			jws, _, err := other.currentRing().Sign(context.Background(), mustJSON(t, p))
			if err != nil {
				t.Fatal(err)
			}
			ti.serveDoc(path, servedDoc{body: []byte(jws), cacheControl: "no-cache"})
		}, verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"issuer's id, another party's key", func(t *testing.T, ti *testIssuer) {
			other := newTestIssuer(t, keys.ES256)
			jws, _, err := other.currentRing().Sign(context.Background(), mustJSON(t, valid(ti)))
			if err != nil {
				t.Fatal(err)
			}
			ti.serveDoc(path, servedDoc{body: []byte(jws), cacheControl: "no-cache"})
		}, verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"list expired", func(t *testing.T, ti *testIssuer) {
			p := valid(ti)
			p["validUntil"] = issuedAt.Add(30 * time.Minute).Format(time.RFC3339)
			ti.publishStatusList(t, path, p, "no-cache")
		}, verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"list minted 5 seconds ahead", func(t *testing.T, ti *testIssuer) {
			p := valid(ti)
			ahead := issuedAt.Add(time.Hour + 5*time.Second)
			p["validFrom"], p["nbf"] = ahead.Format(time.RFC3339), ahead.Unix()
			ti.publishStatusList(t, path, p, "no-cache")
		}, verifier.Valid, verifier.Pass, ""},
		{"not a status list credential", func(t *testing.T, ti *testIssuer) {
			p := valid(ti)
			p["type"] = []string{"VerifiableCredential"}
			ti.publishStatusList(t, path, p, "no-cache")
		}, verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"HTML page", func(t *testing.T, ti *testIssuer) {
			ti.serveDoc(path, servedDoc{body: []byte("<html><body>Status</body></html>")})
		}, verifier.Invalid, verifier.Fail, "status_verification_error"},
		{"JSON list without proof", func(t *testing.T, ti *testIssuer) {
			ti.serveDoc(path, servedDoc{body: mustJSON(t, valid(ti))})
		}, verifier.Invalid, verifier.Fail, "status_verification_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti := newTestIssuer(t, keys.ES256)
			tt.publish(t, ti)

			r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), ti.withStatus(t, path, "7", "revocation"))

			wantVerdict(t, r, tt.want)
			wantCheck(t, r, verifier.CheckStatus, tt.outcome, tt.code)
		})
	}
}

func TestVerifyStatusSeesRevocation(t *testing.T) {
	const path = "/status/1"
	ti := newTestIssuer(t, keys.EdDSA)
	credential := ti.withStatus(t, path, "7", "revocation")
	v := newVerifier(t, localOptions(ti.did))

	ti.publishStatusList(t, path, ti.statusListPayload(path, "revocation", encodeList(t, 131072)), "max-age=1")
	wantVerdict(t, v.Verify(context.Background(), credential), verifier.Valid)

	// The verdict is never cached: once the list's max-age has passed, the
	// next verification fetches the list again and reports the revocation.
	ti.publishStatusList(t, path, ti.statusListPayload(path, "revocation", encodeList(t, 131072, 7)), "max-age=1")
	time.Sleep(1100 * time.Millisecond)
	wantVerdict(t, v.Verify(context.Background(), credential), verifier.Revoked)
}

func TestVerifySuspendedStatus(t *testing.T) {
	const path = "/status/2"
	ti := newTestIssuer(t, keys.EdDSA)
	ti.publishStatusList(t, path, ti.statusListPayload(path, "suspension", encodeList(t, 131072, 3)), "no-cache")

	r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), ti.withStatus(t, path, "3", "suspension"))

	wantVerdict(t, r, verifier.Invalid)
	wantCheck(t, r, verifier.CheckStatus, verifier.Fail, "suspended")
}
