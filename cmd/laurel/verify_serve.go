package main

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/laurel-badges/laurel/verifier"
)

// newServerVerifier builds the verifier of the hosted /verify page. Our own
// credentials get the strict checks. Requests for the host of our own base
// URL are served by handler in process, not over the network. The server
// can then verify its own badges even when its public name does not
// resolve from inside its network, or resolves to a private address. No
// loopback or private address is opened to fetches made for anonymous
// visitors.
func newServerVerifier(baseURL, issuerID string, handler http.Handler) (*verifier.Verifier, error) {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("build verifier: base URL %q has no host", baseURL)
	}

	v, err := verifier.New(verifier.Options{
		OwnIssuers:    []string{issuerID},
		LocalHandlers: map[string]http.Handler{u.Host: handler},
	})
	if err != nil {
		return nil, fmt.Errorf("build verifier: %w", err)
	}
	return v, nil
}
