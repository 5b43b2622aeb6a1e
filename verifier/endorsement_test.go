package verifier_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

// endorsementPayload returns an EndorsementCredential of the endorser
// about subjectID, valid from issuedAt.
func (ti *testIssuer) endorsementPayload(subjectID string) map[string]any {
	id := "urn:uuid:6a1f0c9e-2b7d-4c3a-9e8f-1d2c3b4a5e6f"
	return map[string]any{
		"@context":  []string{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        id,
		"type":      []string{"VerifiableCredential", "EndorsementCredential"},
		"name":      "Endorsement of Effective Communicator",
		"issuer":    map[string]any{"id": ti.did, "type": []string{"Profile"}, "name": "Regional Employers Council"},
		"validFrom": issuedAt.Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id": subjectID, "type": []string{"EndorsementSubject"},
			"endorsementComment": "The criteria match what employers in the region look for.",
		},
		"iss": ti.did, "jti": id, "sub": subjectID, "nbf": issuedAt.Unix(),
	}
}

// signEndorsement signs an endorsement payload with the endorser's key.
func (ti *testIssuer) signEndorsement(t testing.TB, payload map[string]any) string {
	t.Helper()
	jws, _, err := ti.currentRing().Sign(context.Background(), mustJSON(t, payload))
	if err != nil {
		t.Fatal(err)
	}
	return jws
}

// achievementID returns the id of the achievement in the issuer's badges.
func (ti *testIssuer) achievementID(t testing.TB) string {
	t.Helper()
	return subject(ti.payload(t, ti.input(t, 365)))["achievement"].(map[string]any)["id"].(string)
}

// TestVerifyEndorsements embeds VC-JWT endorsements in endorsementJwt of
// a VC-JWT badge. context-3.0.3 does not define endorsementJwt, but the
// OB 3.0 data model does and the token signs the member as it is, so the
// context check passes and a genuine endorsement leaves the badge valid.
// An endorsement that does not verify is a warning.
func TestVerifyEndorsements(t *testing.T) {
	tests := []struct {
		name    string
		embed   func(t *testing.T, badge map[string]any, endorser *testIssuer, achievementID string)
		want    verifier.Verdict
		outcome verifier.Outcome
		code    string
	}{
		{"valid, on the badge", func(t *testing.T, badge map[string]any, e *testIssuer, id string) {
			badge["endorsementJwt"] = []any{e.signEndorsement(t, e.endorsementPayload(badge["id"].(string)))}
		}, verifier.Valid, verifier.Pass, ""},
		{"valid, on the achievement", func(t *testing.T, badge map[string]any, e *testIssuer, id string) {
			achievement := subject(badge)["achievement"].(map[string]any)
			achievement["endorsementJwt"] = []any{e.signEndorsement(t, e.endorsementPayload(id))}
		}, verifier.Valid, verifier.Pass, ""},
		{"valid, on the issuer profile", func(t *testing.T, badge map[string]any, e *testIssuer, id string) {
			profile := badge["issuer"].(map[string]any)
			profile["endorsementJwt"] = []any{e.signEndorsement(t, e.endorsementPayload(profile["id"].(string)))}
		}, verifier.Valid, verifier.Pass, ""},
		{"tampered", func(t *testing.T, badge map[string]any, e *testIssuer, id string) {
			jws := e.signEndorsement(t, e.endorsementPayload(id))
			badge["endorsementJwt"] = []any{tamper(jws, len(jws)-3)}
		}, verifier.ValidWithWarnings, verifier.Warn, "endorsement_not_verified"},
		{"expired", func(t *testing.T, badge map[string]any, e *testIssuer, id string) {
			p := e.endorsementPayload(id)
			p["validUntil"] = issuedAt.Add(30 * time.Minute).Format(time.RFC3339)
			p["exp"] = issuedAt.Add(30 * time.Minute).Unix()
			badge["endorsementJwt"] = []any{e.signEndorsement(t, p)}
		}, verifier.ValidWithWarnings, verifier.Warn, "endorsement_not_verified"},
		{"a badge, not an endorsement", func(t *testing.T, badge map[string]any, e *testIssuer, id string) {
			p := e.endorsementPayload(id)
			p["type"] = []string{"VerifiableCredential", "OpenBadgeCredential"}
			badge["endorsementJwt"] = []any{e.signEndorsement(t, p)}
		}, verifier.ValidWithWarnings, verifier.Warn, "endorsement_not_verified"},
		{"signed by a third party's key", func(t *testing.T, badge map[string]any, e *testIssuer, id string) {
			third := newTestIssuer(t, keys.ES256)
			badge["endorsementJwt"] = []any{third.signEndorsement(t, e.endorsementPayload(id))}
		}, verifier.ValidWithWarnings, verifier.Warn, "endorsement_not_verified"},
		{"endorser offline", func(t *testing.T, badge map[string]any, e *testIssuer, id string) {
			badge["endorsementJwt"] = []any{e.signEndorsement(t, e.endorsementPayload(id))}
			e.srv.Close()
		}, verifier.ValidWithWarnings, verifier.Warn, "endorsement_not_verified"},
		{"token without a credential", func(t *testing.T, badge map[string]any, e *testIssuer, id string) {
			badge["endorsementJwt"] = []any{"eyJhbGciOiJFUzI1NiJ9.e30.c2ln"}
		}, verifier.ValidWithWarnings, verifier.Warn, "endorsement_not_verified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ti := newTestIssuer(t, keys.ES256)
			endorser := newTestIssuer(t, keys.EdDSA)
			achievementID := ti.achievementID(t)
			badge := ti.resign(t, func(p map[string]any) { tt.embed(t, p, endorser, achievementID) })

			r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), []byte(badge))

			wantVerdict(t, r, tt.want)
			wantCheck(t, r, verifier.CheckEndorsement, tt.outcome, tt.code)
			wantCheck(t, r, verifier.CheckSignature, verifier.Pass, "")
			wantCheck(t, r, verifier.CheckContext, verifier.Pass, "")
		})
	}
}

// TestVerifyEndorsementKeepsBadgeVerdict checks that a genuine endorsement
// does not lift a tampered badge above invalid.
func TestVerifyEndorsementKeepsBadgeVerdict(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	endorser := newTestIssuer(t, keys.ES256)
	badge := ti.resign(t, func(p map[string]any) {
		p["endorsementJwt"] = []any{endorser.signEndorsement(t, endorser.endorsementPayload(ti.achievementID(t)))}
	})

	r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), []byte(tamper(badge, len(badge)-3)))

	wantVerdict(t, r, verifier.Invalid)
	wantCheck(t, r, verifier.CheckSignature, verifier.Fail, "bad_signature")
	wantCheck(t, r, verifier.CheckEndorsement, verifier.Pass, "")
}

func TestVerifyEndorsementLimit(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	endorser := newTestIssuer(t, keys.ES256)
	jws := endorser.signEndorsement(t, endorser.endorsementPayload(ti.achievementID(t)))
	var many []any
	for range 17 {
		many = append(many, jws)
	}
	badge := ti.resign(t, func(p map[string]any) { p["endorsementJwt"] = many })

	r := newVerifier(t, localOptions(ti.did)).Verify(context.Background(), []byte(badge))

	var passed, warned int
	for _, c := range r.Checks {
		switch {
		case c.Name == verifier.CheckEndorsement && c.Outcome == verifier.Pass:
			passed++
		case c.Name == verifier.CheckEndorsement && c.Outcome == verifier.Warn:
			warned++
		}
	}
	if passed != 16 || warned != 1 {
		t.Errorf("%d endorsements passed and %d warned, want 16 and 1:\n%s", passed, warned, fmt.Sprint(r.Checks))
	}
}
