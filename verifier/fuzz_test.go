package verifier_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/verifier"
)

// addVectorSeeds adds every file of testdata/vectors with the given
// suffix to the corpus.
func addVectorSeeds(f *testing.F, suffix string) {
	f.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "vectors", "*"+suffix))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files *%s: %v", suffix, err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(bytes.TrimSpace(data)))
	}
}

func FuzzParseJWS(f *testing.F) {
	addVectorSeeds(f, ".jwt")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add("eyJhbGciOiJFUzI1NiIsImFsZyI6Im5vbmUifQ.e30.c2ln")
	f.Add("..")

	f.Fuzz(func(t *testing.T, compact string) {
		jws, err := verifier.ParseJWS(compact)
		if err != nil {
			return
		}
		if jws.Header.Alg == "" {
			t.Fatal("parsed a header without alg")
		}
		// Strict base64url gives every part exactly one encoding, so the
		// parts re-encode to the input.
		rebuilt := jws.SigningInput + "." + base64.RawURLEncoding.EncodeToString(jws.Signature)
		if rebuilt != compact {
			t.Fatalf("parts re-encode to %q, input was %q", rebuilt, compact)
		}
		payload := strings.Split(compact, ".")[1]
		if base64.RawURLEncoding.EncodeToString(jws.Payload) != payload {
			t.Fatal("payload does not re-encode to its part")
		}
	})
}

// FuzzVerifyJSON feeds arbitrary input to Verify with every fetch
// refused, so only parsing and the offline checks run.
func FuzzVerifyJSON(f *testing.F) {
	addVectorSeeds(f, ".json")
	addVectorSeeds(f, ".jwt")
	f.Add(`{"jwt":"a.b.c"}`)
	f.Add(`{"@context":["https://www.w3.org/2018/credentials/v1"],"type":"VerifiableCredential","issuanceDate":"2024-03-01T10:00:00"}`)

	dialer := &recordingDialer{}
	v, err := verifier.New(verifier.Options{Resolver: noLookups{}, Dialer: dialer})
	if err != nil {
		f.Fatal(err)
	}
	verdicts := []verifier.Verdict{verifier.Valid, verifier.ValidWithWarnings, verifier.Invalid, verifier.Revoked,
		verifier.Expired, verifier.NotYetValid, verifier.Indeterminate}

	f.Fuzz(func(t *testing.T, input string) {
		r := v.Verify(context.Background(), []byte(input))
		if r == nil {
			t.Fatal("Verify returned nil")
		}
		if !slices.Contains(verdicts, r.Verdict) {
			t.Fatalf("unknown verdict %q", r.Verdict)
		}
		if len(r.Checks) == 0 || r.Checks[0].Name != verifier.CheckFormat {
			t.Fatalf("first check is not the format check: %+v", r.Checks)
		}
		// Accepted input must carry a signature that verified.
		if r.Verdict.Acceptable() {
			if sig := r.Check(verifier.CheckSignature); sig == nil || (sig.Outcome != verifier.Pass && sig.Outcome != verifier.Warn) {
				t.Fatalf("input accepted as %s without a verified signature:\n%s", r.Verdict, describe(r))
			}
		}
		for _, c := range r.Checks {
			if c.Outcome != verifier.Pass && c.Err == nil && c.Code != "" {
				t.Fatalf("check %s has a code but no error", c.Name)
			}
		}
		if calls := dialer.dialed(); len(calls) > 0 {
			t.Fatalf("Verify dialed %v", calls)
		}
	})
}
