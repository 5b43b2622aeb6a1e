package verifier

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Resolver looks up the IP addresses of a host name. *net.Resolver
// implements it.
type Resolver interface {
	LookupIPAddr(ctx context.Context, host string) ([]net.IPAddr, error)
}

// Dialer opens a connection to an IP address and port. *net.Dialer
// implements it.
type Dialer interface {
	DialContext(ctx context.Context, network, address string) (net.Conn, error)
}

// Limits of the fetcher. Redirects are counted per fetch.
const (
	maxRedirects    = 3
	maxCacheEntries = 512
	maxHeaderBytes  = 64 << 10
	dialTimeout     = 5 * time.Second
)

// fetcher is the only way the verifier reaches the network. It fetches
// over HTTPS only, or plain HTTP when allowed. It checks every address it
// connects to against an addressPolicy and follows at most maxRedirects
// redirects. It bounds response sizes, and caches responses for their
// Cache-Control max-age up to a per-call limit. Documents of the
// authorities in local can be revalidated on every use, see getFresh.
type fetcher struct {
	client    *http.Client
	policy    addressPolicy
	resolver  Resolver
	dialer    Dialer
	allowHTTP bool
	maxBytes  int64
	local     map[string]http.Handler // authorities served in process
	clock     func() time.Time        // reads the cache's clock; time.Now outside tests

	mu    sync.Mutex
	cache map[string]cacheEntry
}

// document is one fetched response body.
type document struct {
	body        []byte
	contentType string // media type in lower case, without parameters
	url         string // final URL after redirects
	etag        string // ETag response header, sent back in If-None-Match

	// derived caches values parsed from body, such as a DID document, for
	// as long as the fetch cache keeps the document.
	derived sync.Map
}

type cacheEntry struct {
	doc     *document
	expires time.Time
}

func newFetcher(o Options) *fetcher {
	f := &fetcher{
		policy:    addressPolicy{allowPrivate: o.AllowPrivate},
		resolver:  o.Resolver,
		dialer:    o.Dialer,
		allowHTTP: o.AllowHTTP,
		maxBytes:  o.MaxResponseBytes,
		clock:     time.Now,
		cache:     map[string]cacheEntry{},
	}
	if f.resolver == nil {
		f.resolver = net.DefaultResolver
	}
	if f.dialer == nil {
		f.dialer = &net.Dialer{Timeout: dialTimeout, Control: f.policy.control}
	}

	transport := &http.Transport{
		Proxy:                  nil, // a proxy would connect on our behalf, past the address checks
		DialContext:            f.dialContext,
		TLSClientConfig:        &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    dialTimeout,
		ResponseHeaderTimeout:  o.FetchTimeout,
		MaxResponseHeaderBytes: maxHeaderBytes,
		IdleConnTimeout:        30 * time.Second,
		ForceAttemptHTTP2:      true,
	}
	var rt http.RoundTripper = transport
	if len(o.LocalHandlers) > 0 {
		f.local = localAuthorities(o.LocalHandlers)
		rt = &localTransport{handlers: f.local, maxBytes: f.maxBytes, next: transport}
	}
	f.client = &http.Client{
		Transport:     rt,
		Timeout:       o.FetchTimeout,
		CheckRedirect: f.checkRedirect,
	}
	return f
}

// get fetches rawURL with the given Accept header. A cached response is
// returned while it is fresh. A new 200 response is cached for its
// Cache-Control max-age but at most maxAge, so 0 disables caching for this
// call. Errors wrap ErrBlockedURL, ErrBlockedAddress, ErrTooLarge or
// ErrFetch.
func (f *fetcher) get(ctx context.Context, rawURL, accept string, maxAge time.Duration) (*document, error) {
	return f.fetch(ctx, rawURL, accept, maxAge, false)
}

// getFresh is get for documents that the server's own store may have
// changed since they were cached, also from another process, such as its
// status lists: a revocation must show in the next verification, not
// after the max-age. A cached document of an authority in
// Options.LocalHandlers is revalidated with If-None-Match, and a 304 keeps
// it with what was derived from it, such as a verified list. Documents of
// other authorities are served from the cache as by get, because a
// request per verification to another server would let one badge make
// this server send it traffic.
func (f *fetcher) getFresh(ctx context.Context, rawURL, accept string, maxAge time.Duration) (*document, error) {
	return f.fetch(ctx, rawURL, accept, maxAge, true)
}

func (f *fetcher) fetch(ctx context.Context, rawURL, accept string, maxAge time.Duration, fresh bool) (*document, error) {
	u, err := f.checkURL(rawURL)
	if err != nil {
		return nil, err
	}
	target := u.String()
	key := accept + " " + target
	cached := f.cached(key)
	if cached != nil && !(fresh && f.isLocal(u)) {
		return cached, nil
	}

	doc, lifetime, err := f.do(ctx, target, accept, cached)
	if err != nil {
		return nil, err
	}
	if lifetime = min(lifetime, maxAge); lifetime > 0 {
		f.store(key, doc, lifetime)
	}
	return doc, nil
}

// isLocal reports whether Options.LocalHandlers serves u.
func (f *fetcher) isLocal(u *url.URL) bool {
	return f.local[urlAuthority(u)] != nil
}

// isLocalURL reports whether Options.LocalHandlers serves rawURL.
func (f *fetcher) isLocalURL(rawURL string) bool {
	u, err := url.Parse(rawURL)
	return err == nil && f.isLocal(u)
}

// do sends one request. When cached has an ETag, the request is
// conditional and a 304 response returns cached.
func (f *fetcher) do(ctx context.Context, target, accept string, cached *document) (*document, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, 0, fmt.Errorf("%w: %s: %s", ErrBlockedURL, clip(target), clip(err))
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", "laurel-verifier")
	if cached != nil && cached.etag != "" {
		req.Header.Set("If-None-Match", cached.etag)
	}

	resp, err := f.client.Do(req)
	if err != nil {
		return nil, 0, fetchError(target, err)
	}
	defer resp.Body.Close()

	if resp.StatusCode == http.StatusNotModified && cached != nil && cached.etag != "" {
		return cached, cacheLifetime(resp.Header), nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, 0, &statusError{status: resp.StatusCode, err: fmt.Errorf("%w: %s returned HTTP %d", ErrFetch, clip(target), resp.StatusCode)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, f.maxBytes+1))
	if err != nil {
		return nil, 0, fetchError(target, err)
	}
	if int64(len(body)) > f.maxBytes {
		return nil, 0, fmt.Errorf("%w: %s sent more than %d bytes", ErrTooLarge, clip(target), f.maxBytes)
	}

	doc := &document{body: body, contentType: mediaType(resp.Header.Get("Content-Type")), url: resp.Request.URL.String(), etag: resp.Header.Get("ETag")}
	return doc, cacheLifetime(resp.Header), nil
}

// fetchError turns a client error into one that names the URL and wraps
// ErrFetch, unless it already wraps a policy error.
func fetchError(target string, err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		err = uerr.Err
	}
	if errors.Is(err, ErrBlockedAddress) || errors.Is(err, ErrBlockedURL) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) || isTimeout(err) {
		return fmt.Errorf("%w: %s timed out", ErrFetch, clip(target))
	}
	return fmt.Errorf("%w: %s: %s", ErrFetch, clip(target), clip(err))
}

// statusError is a response with an HTTP status other than 200. Its text
// is that of err, which wraps ErrFetch.
type statusError struct {
	status int
	err    error
}

func (e *statusError) Error() string { return e.err.Error() }
func (e *statusError) Unwrap() error { return e.err }

// optInError is a fetch that the policy rejected but that Options.AllowHTTP
// or Options.AllowPrivate would let through: a plain-http URL, or a
// loopback, private or link-local address. Its text is that of err, which
// wraps ErrBlockedURL or ErrBlockedAddress.
type optInError struct{ err error }

func (e *optInError) Error() string { return e.err.Error() }
func (e *optInError) Unwrap() error { return e.err }

// fetchAdvice returns what the reader can do about a failed fetch, as a
// sentence with a leading space to follow the message that names err, or
// "". A URL or address that the policy options would allow gets
// Options.PolicyHint. Failures that may pass later get "Try again later.":
// network errors, timeouts, and the HTTP statuses 408, 429 and 5xx. A
// retry fails the same way for the rest, such as a blocked address, a
// document too large or a 404.
func (v *Verifier) fetchAdvice(err error) string {
	var optIn *optInError
	var status *statusError
	switch {
	case errors.As(err, &optIn):
		if v.opts.PolicyHint == "" {
			return ""
		}
		return " " + v.opts.PolicyHint
	case !errors.Is(err, ErrFetch):
		return ""
	case errors.As(err, &status) && status.status < 500 && status.status != http.StatusRequestTimeout && status.status != http.StatusTooManyRequests:
		return ""
	}
	return " Try again later."
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// checkURL applies the URL rules of the fetch policy: an absolute https URL
// (http when allowed) with an ASCII host and no user info. Non-ASCII
// characters elsewhere are percent-encoded as UTF-8 (RFC 3987 §3.1) and the
// fragment is dropped.
func (f *fetcher) checkURL(raw string) (*url.URL, error) {
	encoded, err := encodeIRI(raw)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(encoded)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not a URL: %s", ErrBlockedURL, clip(raw), clip(err))
	}

	if err := f.checkScheme(u); err != nil {
		return nil, err
	}
	if u.User != nil {
		return nil, fmt.Errorf("%w: %q contains a user name; remove it", ErrBlockedURL, clip(raw))
	}
	host := u.Hostname()
	if host == "" {
		return nil, fmt.Errorf("%w: %q has no host", ErrBlockedURL, clip(raw))
	}
	if !isASCII(host) || strings.Contains(host, "%") {
		return nil, fmt.Errorf("%w: host %q is not ASCII; write international names in punycode (xn--…)", ErrBlockedURL, clip(host))
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

func (f *fetcher) checkScheme(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if f.allowHTTP || f.local[urlAuthority(u)] != nil {
			return nil
		}
		return &optInError{fmt.Errorf("%w: %s uses plain http; only https URLs are fetched", ErrBlockedURL, clip(u.Redacted()))}
	}
	return fmt.Errorf("%w: %q is not an https URL", ErrBlockedURL, clip(u.Redacted()))
}

func (f *fetcher) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return fmt.Errorf("%w: stopped after %d redirects", ErrFetch, maxRedirects)
	}
	if err := f.checkScheme(req.URL); err != nil {
		return err
	}
	if req.URL.User != nil {
		return fmt.Errorf("%w: redirect to a URL with a user name", ErrBlockedURL)
	}
	return nil
}

// encodeIRI percent-encodes every non-ASCII byte of an IRI, which turns it
// into a URI (RFC 3987 §3.1), and rejects control characters and spaces.
func encodeIRI(s string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c <= ' ' || c == 0x7f:
			return "", fmt.Errorf("%w: %q contains a space or control character", ErrBlockedURL, clip(s))
		case c >= 0x80:
			fmt.Fprintf(&b, "%%%02X", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// dialContext resolves the host, rejects it when any of its addresses is
// blocked, and connects to the checked addresses only, so that a second
// lookup cannot substitute another address.
func (f *fetcher) dialContext(ctx context.Context, network, address string) (net.Conn, error) {
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, fmt.Errorf("%w: dial address %q: %v", ErrBlockedURL, clip(address), err)
	}
	ips, err := f.lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	for _, ip := range ips {
		if err := f.policy.check(ip); err != nil {
			return nil, fmt.Errorf("connect to %s: %w", clip(host), err)
		}
	}

	var lastErr error
	for _, ip := range ips {
		conn, err := f.dialer.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
		if err == nil {
			return conn, nil
		}
		lastErr = err
	}
	return nil, lastErr
}

func (f *fetcher) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{ip}, nil
	}
	addrs, err := f.resolver.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, fmt.Errorf("look up %s: %w", clip(host), err)
	}

	var ips []netip.Addr
	for _, a := range addrs {
		ip, ok := netip.AddrFromSlice(a.IP)
		if !ok {
			continue
		}
		ips = append(ips, ip.Unmap().WithZone(a.Zone))
	}
	if len(ips) == 0 {
		return nil, fmt.Errorf("look up %s: no addresses", clip(host))
	}
	return ips, nil
}

func (f *fetcher) cached(key string) *document {
	f.mu.Lock()
	defer f.mu.Unlock()
	e, ok := f.cache[key]
	if !ok {
		return nil
	}
	if !f.clock().Before(e.expires) {
		delete(f.cache, key)
		return nil
	}
	return e.doc
}

func (f *fetcher) store(key string, doc *document, lifetime time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.clock()
	if len(f.cache) >= maxCacheEntries {
		f.evict(now)
	}
	f.cache[key] = cacheEntry{doc: doc, expires: now.Add(lifetime)}
}

// clear drops every cached response.
func (f *fetcher) clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	clear(f.cache)
}

// evict drops expired entries and, when none had expired, the entry that
// expires first. The caller holds f.mu.
func (f *fetcher) evict(now time.Time) {
	var oldestKey string
	var oldest time.Time
	for k, e := range f.cache {
		if !now.Before(e.expires) {
			delete(f.cache, k)
			continue
		}
		if oldestKey == "" || e.expires.Before(oldest) {
			oldestKey, oldest = k, e.expires
		}
	}
	if len(f.cache) >= maxCacheEntries {
		delete(f.cache, oldestKey)
	}
}

// cacheLifetime reads the max-age of a response's Cache-Control header. It
// returns 0, meaning do not cache, when the header is absent or contains
// no-store or no-cache. Expires is ignored.
func cacheLifetime(h http.Header) time.Duration {
	var maxAge time.Duration
	for _, directive := range strings.Split(strings.ToLower(h.Get("Cache-Control")), ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(directive), "=")
		switch name {
		case "no-store", "no-cache":
			return 0
		case "max-age":
			seconds, err := strconv.ParseInt(strings.Trim(value, `"`), 10, 64)
			if err == nil && seconds > 0 && seconds < 1<<31 {
				maxAge = time.Duration(seconds) * time.Second
			}
		}
	}
	return maxAge
}

func mediaType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
	}
	return strings.ToLower(strings.TrimSpace(mt))
}
