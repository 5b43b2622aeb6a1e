package verifier_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

// TestLocalHandlersServeOwnDocuments verifies an own credential with its
// DID document served in process: without AllowPrivate and AllowHTTP the
// loopback test server cannot be fetched, and the dialer records no call.
func TestLocalHandlersServeOwnDocuments(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	jws := []byte(ti.issue(t, ti.input(t, 365)))
	authority := strings.TrimPrefix(ti.base, "http://")
	dialer := &recordingDialer{}

	opts := verifier.Options{
		OwnIssuers:    []string{ti.did},
		Resolver:      noLookups{},
		Dialer:        dialer,
		Now:           func() time.Time { return issuedAt.Add(time.Hour) },
		LocalHandlers: map[string]http.Handler{authority: http.HandlerFunc(ti.serve)},
	}
	r := newVerifier(t, opts).Verify(context.Background(), jws)
	wantVerdict(t, r, verifier.Valid)
	if calls := dialer.dialed(); len(calls) > 0 {
		t.Errorf("verifier dialed %v", calls)
	}

	opts.LocalHandlers = nil
	r = newVerifier(t, opts).Verify(context.Background(), jws)
	wantVerdict(t, r, verifier.Indeterminate)
}
