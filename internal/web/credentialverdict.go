package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/verifier"
)

// Limits of the verification results that badge pages reuse. A page view
// otherwise costs a signature check and a status list check, and a shared
// link can bring many views at once.
const (
	// verdictTTL is how long a result is reused while the credential's
	// stored status stays the same. A revocation changes that status, so
	// the page shows it at once. Other changes, such as a key removed from
	// the DID document, show within this time.
	verdictTTL = 30 * time.Second

	// maxVerdictEntries bounds the cache; a result takes a few kilobytes.
	maxVerdictEntries = 2048
)

// verdictCache keeps recent verification results of our own credentials
// by credential id.
type verdictCache struct {
	mu      sync.Mutex
	entries map[string]verdictEntry
}

type verdictEntry struct {
	status  issuer.CredentialStatus // stored status when the result was made
	result  *verifier.Result
	expires time.Time
}

// get returns the cached result for the credential when it is fresh and
// was made at the same stored status. stale reports that a result exists
// but the status has changed since.
func (c *verdictCache) get(id string, status issuer.CredentialStatus, now time.Time) (result *verifier.Result, stale bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[id]
	switch {
	case !ok:
		return nil, false
	case e.status != status:
		delete(c.entries, id)
		return nil, true
	case !now.Before(e.expires):
		delete(c.entries, id)
		return nil, false
	}
	return e.result, false
}

func (c *verdictCache) put(id string, status issuer.CredentialStatus, result *verifier.Result, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil {
		c.entries = map[string]verdictEntry{}
	}
	if len(c.entries) >= maxVerdictEntries {
		for k, e := range c.entries {
			if !now.Before(e.expires) {
				delete(c.entries, k)
			}
		}
	}
	if len(c.entries) >= maxVerdictEntries {
		// Every entry is fresh: start over rather than track ages.
		clear(c.entries)
	}
	c.entries[id] = verdictEntry{status: status, result: result, expires: now.Add(verdictTTL)}
}

// newOwnVerifier builds the verifier of the badge pages. Requests for the
// host of the base URL go to handler in process. The server thus checks its
// own credentials against its own DID document and status lists without a
// network round trip, and fetches still reach no loopback or private address.
func newOwnVerifier(base, issuerID string, handler http.Handler) (*verifier.Verifier, error) {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("build badge page verifier: base URL %q has no host", base)
	}
	v, err := verifier.New(verifier.Options{
		OwnIssuers:    []string{issuerID},
		LocalHandlers: map[string]http.Handler{u.Host: handler},
	})
	if err != nil {
		return nil, fmt.Errorf("build badge page verifier: %w", err)
	}
	return v, nil
}

// verifyOwnCredential returns the verification result of one of our
// credentials for its badge page, from the cache when it is fresh. The
// documents that the verifier fetched are dropped, and the credential is
// verified again, when the stored status has changed since the cached
// result (a revocation made by this or another process) or when the result
// is not acceptable, because a key rotated since the DID document was
// fetched would otherwise read as a missing key.
func (s *Server) verifyOwnCredential(ctx context.Context, a *issuer.Award) *verifier.Result {
	if s.ownVerifier == nil {
		return nil
	}
	c := a.Credential
	now := time.Now()
	result, stale := s.verdicts.get(c.ID, c.Status, now)
	if result != nil {
		return result
	}
	if stale {
		s.ownVerifier.ClearCache()
	}

	result = s.ownVerifier.Verify(ctx, []byte(c.JWS))
	if !result.Verdict.Acceptable() && !stale {
		s.ownVerifier.ClearCache()
		result = s.ownVerifier.Verify(ctx, []byte(c.JWS))
	}
	s.verdicts.put(c.ID, c.Status, result, now)
	return result
}

// verificationView is the verification result as the badge page shows it,
// in the words of the hosted verifier's page.
type verificationView struct {
	Verdict     string // the verifier's verdict, such as "valid_with_warnings"
	Words       string // the verdict in lower-case words, such as "valid with warnings"
	verdictView        // the verdict as a title and its style
	Summary     string
	Checks      []checkView
}

// newVerificationView returns the page form of r, or nil when r is nil.
func newVerificationView(r *verifier.Result) *verificationView {
	if r == nil {
		return nil
	}
	title := verdictOf(r.Verdict)
	return &verificationView{
		Verdict:     string(r.Verdict),
		Words:       strings.ToLower(title.Title),
		verdictView: title,
		Summary:     r.Summary,
		Checks:      checkViews(r.Checks),
	}
}
