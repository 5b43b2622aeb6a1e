package verifier_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/verifier"
)

// vectorNow is the time the published examples are checked at: after
// their validFrom (2010 and 2022) and before their validUntil (2030).
var vectorNow = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// offlineOptions verifies foreign credentials with the default policy and
// no network: the examples carry their key in the header or use Data
// Integrity, so nothing needs fetching.
func offlineOptions() verifier.Options {
	return verifier.Options{
		Resolver: noLookups{},
		Dialer:   &recordingDialer{},
		Now:      func() time.Time { return vectorNow },
	}
}

func readVector(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "vectors", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestVerifyPublishedExamples verifies the signed examples of the OB 3.0
// specification. testdata/vectors/README.md gives their origin.
func TestVerifyPublishedExamples(t *testing.T) {
	tests := []struct {
		file string
		want verifier.Verdict
		// why the verdict is right, checked through the named checks.
		why    string
		checks map[string]verifier.Outcome
	}{
		{"v1.0.14-ex1-docformat-sample.jwt", verifier.ValidWithWarnings,
			"RS256 signature verifies with the header's jwk, which is not bound to the issuer; the token has no nbf",
			map[string]verifier.Outcome{verifier.CheckSignature: verifier.Pass, verifier.CheckIssuerKey: verifier.Warn, verifier.CheckClaims: verifier.Warn, verifier.CheckSchema: verifier.Pass, verifier.CheckCredentialSchema: verifier.Pass}},
		{"v1.0.14-ex2-basic.jwt", verifier.ValidWithWarnings,
			"as ex1; the credential names no schema of its own",
			map[string]verifier.Outcome{verifier.CheckSignature: verifier.Pass, verifier.CheckIssuerKey: verifier.Warn, verifier.CheckClaims: verifier.Warn, verifier.CheckCredentialSchema: verifier.Skip}},
		{"v1.0.14-ex3-complete.jwt", verifier.Indeterminate,
			"signature verifies, but the credential has a 1EdTechRevocationList status that is not checked yet; nbf and exp are missing",
			map[string]verifier.Outcome{verifier.CheckSignature: verifier.Pass, verifier.CheckClaims: verifier.Warn, verifier.CheckStatus: verifier.Skip, verifier.CheckAchievementType: verifier.Pass}},
		{"v1.0.14-ex4-endorsement.jwt", verifier.Invalid,
			"an EndorsementCredential is not a badge",
			map[string]verifier.Outcome{verifier.CheckSignature: verifier.Pass, verifier.CheckType: verifier.Fail}},
		{"v1.0.14-ex7-skill-case.jwt", verifier.ValidWithWarnings,
			"as ex1, with achievementType Competency",
			map[string]verifier.Outcome{verifier.CheckSignature: verifier.Pass, verifier.CheckAchievementType: verifier.Pass}},
		{"v1.0.14-ex1-docformat-sample.signed.json", verifier.Valid,
			"eddsa-rdfc-2022 proof by a Multikey named under the issuer id",
			map[string]verifier.Outcome{verifier.CheckSignature: verifier.Pass, verifier.CheckIssuerKey: verifier.Pass, verifier.CheckContext: verifier.Pass, verifier.CheckSchema: verifier.Pass}},
		{"v1.0.14-ex3-complete.signed.json", verifier.Indeterminate,
			"the eddsa-rdfc-2022 proof verifies, but the 1EdTechRevocationList status is not checked",
			map[string]verifier.Outcome{verifier.CheckSignature: verifier.Pass, verifier.CheckStatus: verifier.Skip}},
		{"v1.0.13-ex1-docformat-sample.jwt", verifier.ValidWithWarnings,
			"VC Data Model 1.1 token: credential in the vc claim, every claim matches, only the jwk is not bound",
			map[string]verifier.Outcome{verifier.CheckSignature: verifier.Pass, verifier.CheckIssuerKey: verifier.Warn, verifier.CheckClaims: verifier.Pass, verifier.CheckSchema: verifier.Pass}},
		{"v1.0.13-ex2-basic.jwt", verifier.ValidWithWarnings,
			"VC Data Model 1.1 with types given as single strings, which JSON-LD allows",
			map[string]verifier.Outcome{verifier.CheckSchema: verifier.Pass, verifier.CheckClaims: verifier.Pass}},
		{"v1.0.13-ex2-basic.signed.json", verifier.Valid,
			"VC Data Model 1.1 with an eddsa-rdfc-2022 proof that verifies",
			map[string]verifier.Outcome{verifier.CheckSignature: verifier.Pass, verifier.CheckSchema: verifier.Pass}},
		{"2023-09-eddsa-2022-ex2-basic.jwt", verifier.ValidWithWarnings,
			"context-3.0.2 VC Data Model 1.1 token",
			map[string]verifier.Outcome{verifier.CheckContext: verifier.Pass, verifier.CheckSignature: verifier.Pass}},
		{"2023-09-eddsa-2022-ex2-basic.signed.json", verifier.ValidWithWarnings,
			"the proof verifies, but eddsa-2022 is the deprecated draft name of eddsa-rdfc-2022",
			map[string]verifier.Outcome{verifier.CheckSignature: verifier.Warn, verifier.CheckIssuerKey: verifier.Pass}},
		{"impl-guide-eddsa-rdfc-2022.json", verifier.Valid,
			"implementation guide test vector: the eddsa-rdfc-2022 proof verifies with the key named under the issuer id",
			map[string]verifier.Outcome{verifier.CheckSignature: verifier.Pass, verifier.CheckIssuerKey: verifier.Pass, verifier.CheckSchema: verifier.Pass}},
	}
	v := newVerifier(t, offlineOptions())
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			r := v.Verify(context.Background(), readVector(t, tt.file))
			wantVerdict(t, r, tt.want)
			for name, outcome := range tt.checks {
				if got := checkOf(t, r, name).Outcome; got != outcome {
					t.Errorf("%s: check %s %s, want %s (%s)\n%s", tt.file, name, got, outcome, tt.why, describe(r))
				}
			}
			if strings.HasSuffix(tt.file, ".json") {
				msg := checkOf(t, r, verifier.CheckSignature).Message
				if !strings.Contains(msg, "The proof uses eddsa") {
					t.Errorf("signature message %q does not name the cryptosuite", msg)
				}
			}
		})
	}
}

func TestVerifyPublishedExamplesPolicy(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		options func(*verifier.Options)
		want    verifier.Verdict
		check   string
		outcome verifier.Outcome
	}{
		{"trusted jwk", "v1.0.13-ex1-docformat-sample.jwt", func(o *verifier.Options) { o.TrustEmbeddedJWK = true }, verifier.Valid, verifier.CheckIssuerKey, verifier.Pass},
		{"strict claims without nbf", "v1.0.14-ex1-docformat-sample.jwt", func(o *verifier.Options) { o.StrictClaims = true }, verifier.Invalid, verifier.CheckClaims, verifier.Fail},
		{"issuer treated as own", "v1.0.14-ex2-basic.jwt", func(o *verifier.Options) { o.OwnIssuers = []string{"https://example.com/issuers/876543"} }, verifier.Invalid, verifier.CheckClaims, verifier.Fail},
		{"before validFrom", "v1.0.14-ex7-skill-case.jwt", func(o *verifier.Options) {
			o.Now = func() time.Time { return time.Date(2022, 6, 1, 0, 0, 0, 0, time.UTC) }
		}, verifier.NotYetValid, verifier.CheckValidity, verifier.Fail},
		{"after validUntil", "v1.0.14-ex3-complete.jwt", func(o *verifier.Options) {
			o.Now = func() time.Time { return time.Date(2031, 1, 1, 0, 0, 0, 0, time.UTC) }
		}, verifier.Indeterminate, verifier.CheckValidity, verifier.Fail},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := offlineOptions()
			tt.options(&opts)
			r := newVerifier(t, opts).Verify(context.Background(), readVector(t, tt.file))
			wantVerdict(t, r, tt.want)
			wantCheck(t, r, tt.check, tt.outcome, "")
		})
	}
}

func TestVerifyPublishedExampleRecipient(t *testing.T) {
	v := newVerifier(t, offlineOptions())
	data := readVector(t, "v1.0.14-ex3-complete.jwt")

	r := v.Verify(context.Background(), data, verifier.WithRecipient(verifier.Recipient{Email: "Student@1EdTech.edu"}))
	wantCheck(t, r, verifier.CheckRecipient, verifier.Pass, "")

	r = v.Verify(context.Background(), data, verifier.WithRecipient(verifier.Recipient{Email: "someone.else@example.org"}))
	wantCheck(t, r, verifier.CheckRecipient, verifier.Fail, "recipient_mismatch")
	wantVerdict(t, r, verifier.Invalid)
}
