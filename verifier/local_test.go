package verifier_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
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

// etagged serves the responses of h with a strong ETag over the body and
// sends 304 for a matching If-None-Match, as Laurel's server does. It
// counts the responses of each status.
type etagged struct {
	h           http.Handler
	full, unmod atomic.Int64
}

func (e *etagged) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, r)
	sum := sha256.Sum256(rec.Body.Bytes())
	etag := `"` + hex.EncodeToString(sum[:8]) + `"`
	for name, values := range rec.Header() {
		w.Header()[name] = values
	}
	w.Header().Set("ETag", etag)
	if rec.Code == http.StatusOK && r.Header.Get("If-None-Match") == etag {
		e.unmod.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	e.full.Add(1)
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// TestLocalStatusListRevalidated revokes a credential whose status list
// is served in process and cacheable for a minute: the next verification
// shows the revocation, because documents of LocalHandlers are revalidated
// on every use. A server fetched over the network keeps its cached list.
func TestLocalStatusListRevalidated(t *testing.T) {
	const path = "/status/1"
	ti := newTestIssuer(t, keys.ES256)
	ti.publishStatusList(t, path, ti.statusListPayload(path, "revocation", encodeList(t, 131072)), "public, max-age=60")
	cred := ti.withStatus(t, path, "7", "revocation")
	authority := strings.TrimPrefix(ti.base, "http://")
	served := &etagged{h: http.HandlerFunc(ti.serve)}

	local := localOptions(ti.did)
	local.AllowPrivate, local.AllowHTTP = false, false
	local.LocalHandlers = map[string]http.Handler{authority: served}
	inProcess := newVerifier(t, local)
	overNetwork := newVerifier(t, localOptions(ti.did))
	ctx := context.Background()

	wantVerdict(t, inProcess.Verify(ctx, cred), verifier.Valid)
	wantVerdict(t, overNetwork.Verify(ctx, cred), verifier.Valid)
	wantVerdict(t, inProcess.Verify(ctx, cred), verifier.Valid)
	if n := served.unmod.Load(); n == 0 {
		t.Error("the unchanged list was not revalidated with If-None-Match")
	}

	ti.publishStatusList(t, path, ti.statusListPayload(path, "revocation", encodeList(t, 131072, 7)), "public, max-age=60")
	wantVerdict(t, inProcess.Verify(ctx, cred), verifier.Revoked)
	wantVerdict(t, overNetwork.Verify(ctx, cred), verifier.Valid)
}

// TestLocalDIDDocumentAfterRotation verifies a credential signed with a
// key rotated in after the server's own DID document was cached: the
// document is fetched again, because it lacks the key.
func TestLocalDIDDocumentAfterRotation(t *testing.T) {
	ti := newTestIssuer(t, keys.ES256)
	opts := localOptions(ti.did)
	opts.AllowPrivate, opts.AllowHTTP = false, false
	opts.LocalHandlers = map[string]http.Handler{strings.TrimPrefix(ti.base, "http://"): http.HandlerFunc(ti.serve)}
	v := newVerifier(t, opts)
	ctx := context.Background()

	wantVerdict(t, v.Verify(ctx, []byte(ti.issue(t, ti.input(t, 0)))), verifier.Valid)
	ti.rotate(t, keys.ES256)
	wantVerdict(t, v.Verify(ctx, []byte(ti.issue(t, ti.input(t, 0)))), verifier.Valid)
}
