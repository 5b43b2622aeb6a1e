package verifier

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Defaults of Options.
const (
	DefaultClockSkew        = 5 * time.Minute
	DefaultFetchTimeout     = 10 * time.Second
	DefaultMaxResponseBytes = 1 << 20
	DefaultCacheMaxAge      = 5 * time.Minute
)

// MaxInputBytes bounds the input of Verify. Credentials with embedded
// images rarely exceed a few hundred kilobytes.
const MaxInputBytes = 4 << 20

// Options configure a Verifier. The zero value verifies over HTTPS with
// the defaults above.
type Options struct {
	// OwnIssuers lists issuer ids whose credentials get the strict checks:
	// the formal JSON Schema and every JWT claim rule. Other credentials get
	// the permissive schema and lenient claim rules (see StrictClaims).
	OwnIssuers []string

	// StrictClaims applies the strict JWT claim rules to every credential.
	// Without it, a missing nbf, a missing exp while validUntil is set, and
	// aud in place of sub are warnings for credentials of other issuers,
	// because public OB 3.0 samples break those rules.
	StrictClaims bool

	// TrustEmbeddedJWK accepts a key carried in the JOSE header's jwk
	// member as the issuer's. Without it such a key gets the warning "key
	// not bound to issuer".
	TrustEmbeddedJWK bool

	// ClockSkew is the tolerance of date checks in both directions; 0
	// means DefaultClockSkew. It must not be negative.
	ClockSkew time.Duration

	// Now returns the time credentials are checked at; nil means time.Now.
	Now func() time.Time

	// Recipient, when set, is checked against every credential; a
	// WithRecipient option of one call replaces it.
	Recipient Recipient

	// AllowPrivate lets fetches reach loopback, private, link-local and
	// carrier-grade NAT addresses. Cloud metadata, multicast and
	// unspecified addresses stay blocked. For tests and local servers only.
	AllowPrivate bool

	// AllowHTTP lets fetches use plain http, and resolves did:web and
	// issuer key sets over http. For tests and local servers only.
	AllowHTTP bool

	// PolicyHint is a sentence added to the message of a check that could
	// not be done because a fetch was rejected for a plain-http URL or a
	// loopback or private address, which AllowHTTP and AllowPrivate would
	// let through. A command-line tool names its flags for them here. A
	// service whose users cannot change its policy leaves it empty.
	PolicyHint string

	// LocalHandlers serves the URLs of the given authorities ("host" or
	// "host:port", as in a URL) by calling the handler in process, over
	// http or https, with no lookup, connection or address check. A server
	// sets its own authority here to verify its own credentials. Its
	// status lists are revalidated with If-None-Match on every use, so
	// that a revocation recorded by any process shows in the next
	// verification. Its DID document is fetched again when it lacks the
	// key a credential names. Redirects to other hosts are fetched under
	// the usual policy.
	LocalHandlers map[string]http.Handler

	// Resolver looks up host names; nil means net.DefaultResolver.
	Resolver Resolver

	// Dialer connects to the addresses the fetcher has checked; nil means a
	// net.Dialer whose Control function checks the address again at
	// connect time.
	Dialer Dialer

	// RootCAs verifies HTTPS servers; nil means the system roots.
	RootCAs *x509.CertPool

	// FetchTimeout bounds each fetch, redirects included; 0 means
	// DefaultFetchTimeout.
	FetchTimeout time.Duration

	// MaxResponseBytes bounds each fetched body; 0 means
	// DefaultMaxResponseBytes.
	MaxResponseBytes int64

	// CacheMaxAge is the maximum time DID documents and key sets are
	// cached, even when their Cache-Control max-age is longer. 0 means
	// DefaultCacheMaxAge. Responses without max-age are not cached.
	CacheMaxAge time.Duration
}

// Verifier checks Open Badges 3.0 credentials. It is safe for concurrent
// use and caches fetched keys across calls.
type Verifier struct {
	opts    Options
	own     map[string]bool
	schemas *schemaSet
	fetch   *fetcher
	memo    contentMemo
}

// compiledSchemas compiles the embedded schemas once per process; compiled
// schemas are immutable and safe for concurrent use.
var compiledSchemas = sync.OnceValues(compileSchemas)

// New returns a Verifier with opts, filling in defaults.
func New(opts Options) (*Verifier, error) {
	switch {
	case opts.ClockSkew < 0:
		return nil, fmt.Errorf("new verifier: ClockSkew %v is negative; use 0 for the default of %v", opts.ClockSkew, DefaultClockSkew)
	case opts.FetchTimeout < 0, opts.MaxResponseBytes < 0, opts.CacheMaxAge < 0:
		return nil, errors.New("new verifier: FetchTimeout, MaxResponseBytes and CacheMaxAge must not be negative; use 0 for the defaults")
	}
	if opts.ClockSkew == 0 {
		opts.ClockSkew = DefaultClockSkew
	}
	if opts.FetchTimeout == 0 {
		opts.FetchTimeout = DefaultFetchTimeout
	}
	if opts.MaxResponseBytes == 0 {
		opts.MaxResponseBytes = DefaultMaxResponseBytes
	}
	if opts.CacheMaxAge == 0 {
		opts.CacheMaxAge = DefaultCacheMaxAge
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}

	set, err := compiledSchemas()
	if err != nil {
		return nil, fmt.Errorf("new verifier: %w", err)
	}
	v := &Verifier{opts: opts, own: map[string]bool{}, schemas: set, fetch: newFetcher(opts)}
	for _, id := range opts.OwnIssuers {
		v.own[id] = true
	}
	return v, nil
}

// VerifyOption changes one call of Verify or VerifyURL.
type VerifyOption func(*call)

// call holds the per-call settings.
type call struct {
	recipient Recipient

	// endorsement is set while an embedded endorsement is verified: its
	// type must be EndorsementCredential, the badge checks (schema,
	// subject, achievement type, recipient) do not apply, and its own
	// endorsements are not followed.
	endorsement bool
}

// WithRecipient checks that the credential names p as its recipient,
// in place of Options.Recipient.
func WithRecipient(p Recipient) VerifyOption {
	return func(c *call) { c.recipient = p }
}

// Verify checks one credential: a compact JWS (VC-JWT) or a credential in
// JSON, recognised by content after surrounding whitespace is trimmed. It
// never returns nil, because problems with the input are failed checks.
func (v *Verifier) Verify(ctx context.Context, input []byte, opts ...VerifyOption) *Result {
	c := call{recipient: v.opts.Recipient}
	for _, o := range opts {
		o(&c)
	}

	r := &Result{}
	data := bytes.TrimSpace(bytes.TrimPrefix(input, []byte("\xef\xbb\xbf")))
	switch {
	case len(data) > MaxInputBytes:
		r.fail(CheckFormat, ErrTooLarge, fmt.Sprintf("The input has %d bytes; credentials of more than %d bytes are not read.", len(data), MaxInputBytes))
	case len(data) == 0:
		r.fail(CheckFormat, ErrNotCredential, "The input is empty; expected a compact JWS or a credential.")
	default:
		v.verifyInput(ctx, r, data, c)
	}
	r.finish()
	return r
}

func (v *Verifier) verifyInput(ctx context.Context, r *Result, data []byte, c call) {
	switch detect(data) {
	case kindJWS:
		v.verifyJWT(ctx, r, string(data), c)
	case kindJSON:
		v.verifyJSON(ctx, r, data, c)
	case kindHTML:
		r.fail(CheckFormat, ErrWebPage, msgWebPage)
	case kindImage:
		v.verifyBaked(ctx, r, data, c)
	case kindPDF:
		v.verifyPDF(ctx, r, data, c)
	default:
		if msg := damagedTokenMessage(string(data)); msg != "" {
			r.fail(CheckFormat, ErrMalformed, msg)
			return
		}
		r.fail(CheckFormat, ErrNotCredential, "The input is neither a compact JWS nor a JSON credential; expected a compact JWS or a credential.")
	}
}

// verifyBaked extracts the credential baked into a PNG or SVG image and
// verifies it.
func (v *Verifier) verifyBaked(ctx context.Context, r *Result, data []byte, c call) {
	extract, kind := ExtractSVG, "svg"
	if bytes.HasPrefix(data, pngSignature) {
		extract, kind = ExtractPNG, "png"
	}
	inner, err := extract(data)
	if err != nil {
		r.fail(CheckFormat, err, fmt.Sprintf("No badge could be read from the %s image: %v.", strings.ToUpper(kind), err))
		return
	}

	inner = bytes.TrimSpace(inner)
	if k := detect(inner); len(inner) == 0 || k == kindImage || k == kindPDF {
		r.fail(CheckFormat, ErrBakedImage, fmt.Sprintf("The badge baked into the %s image is empty or is itself an image or a PDF.", strings.ToUpper(kind)))
		return
	}
	r.Baked = kind
	v.verifyInput(ctx, r, inner, c)
}

// verifyPDF extracts the credential that a PDF certificate attaches as
// credential.jwt and verifies it.
func (v *Verifier) verifyPDF(ctx context.Context, r *Result, data []byte, c call) {
	inner, err := ExtractPDF(data)
	switch {
	case errors.Is(err, ErrNotCredential):
		r.fail(CheckFormat, err, fmt.Sprintf("No credential could be read from the PDF: %s. Ask for the badge's link or its signed file instead.", errorDetail(err)))
		return
	case err != nil:
		r.fail(CheckFormat, err, fmt.Sprintf("No credential could be read from the PDF: %s. If it is a certificate, open its attachment %s in a PDF reader and verify that file.", errorDetail(err), PDFAttachmentName))
		return
	}

	inner = bytes.TrimSpace(inner)
	switch detect(inner) {
	case kindImage, kindPDF, kindHTML:
		r.fail(CheckFormat, ErrBakedImage, fmt.Sprintf("The file %s attached to the PDF is not a credential but another document.", PDFAttachmentName))
		return
	}
	r.Baked = "pdf"
	v.verifyInput(ctx, r, inner, c)
}

// errorDetail returns the text of err without the text of the sentinel
// it starts with, for a message that states that part in its own words.
func errorDetail(err error) string {
	text := err.Error()
	for _, sentinel := range []error{ErrBakedImage, ErrNotCredential, ErrTooLarge} {
		if detail, ok := strings.CutPrefix(text, sentinel.Error()+": "); ok {
			return detail
		}
	}
	return text
}

const msgWebPage = "This is a web page, not a credential. Ask for the badge file or for the link that serves the credential itself."

// Accept headers of credentials: acceptCredential prefers a VC-JWT over
// the JSON forms, and acceptJWS names the VC-JWT types only.
const (
	acceptCredential = "application/vc+jwt, application/jwt;q=0.9, text/plain;q=0.8, application/vc+ld+json;q=0.7, application/json;q=0.6"
	acceptJWS        = "application/vc+jwt, application/jwt;q=0.9, text/plain;q=0.8"
)

// VerifyURL fetches a credential from rawURL with the fetch policy of the
// options and verifies it. Bodies are recognised by content, so a JWS
// served as text/plain, application/jwt or application/vc+jwt is read, and
// so is JSON served as any JSON type. An HTML page is rejected.
//
// A credential in JSON without a proof is usually the readable copy of a
// VC-JWT, such as the .json form of a credential URL. Its signed form is
// then fetched and verified in its place (see fetchSignedForm), and the
// format check message records that.
func (v *Verifier) VerifyURL(ctx context.Context, rawURL string, opts ...VerifyOption) *Result {
	doc, err := v.fetch.get(ctx, rawURL, acceptCredential, 0)
	if err != nil {
		r := &Result{}
		r.undetermined(CheckFormat, err, fmt.Sprintf("The credential could not be fetched: %v.%s", err, v.fetchAdvice(err)))
		r.finish()
		return r
	}
	if doc.contentType == "text/html" || doc.contentType == "application/xhtml+xml" {
		r := &Result{}
		r.fail(CheckFormat, ErrWebPage, msgWebPage)
		r.finish()
		return r
	}

	if id, unsigned := unsignedCredential(doc.body); unsigned {
		if signed, signedURL := v.fetchSignedForm(ctx, rawURL); signed != nil {
			r := v.Verify(ctx, signed, opts...)
			if credentialID(r) == id {
				noteSignedForm(r, signedURL)
				return r
			}
		}
	}
	return v.Verify(ctx, doc.body, opts...)
}

// fetchSignedForm fetches the compact JWS of the credential at rawURL:
// first from rawURL itself with an Accept header that names only JWS
// types, then, when the path ends in .json or the query has format=json,
// from the same URL with .jwt or format=jwt in its place. Both stay on
// rawURL's origin and go through the fetcher's policy. It returns nil when
// neither serves a compact JWS.
func (v *Verifier) fetchSignedForm(ctx context.Context, rawURL string) (jws []byte, from string) {
	candidates := []string{rawURL}
	if sibling := jwtSibling(rawURL); sibling != "" {
		candidates = append(candidates, sibling)
	}
	for _, u := range candidates {
		doc, err := v.fetch.get(ctx, u, acceptJWS, 0)
		if err != nil {
			continue
		}
		if body := bytes.TrimSpace(doc.body); detect(body) == kindJWS {
			return body, u
		}
	}
	return nil, ""
}

// jwtSibling returns rawURL with a .json path suffix or a format=json query
// parameter turned into .jwt or format=jwt, or "" when it has neither.
func jwtSibling(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return ""
	}
	switch q := u.Query(); {
	case strings.HasSuffix(u.Path, ".json"):
		u.Path = strings.TrimSuffix(u.Path, ".json") + ".jwt"
		u.RawPath = ""
	case q.Get("format") == "json":
		q.Set("format", "jwt")
		u.RawQuery = q.Encode()
	default:
		return ""
	}
	return u.String()
}

// credentialID returns the id of the credential a result read, or "".
func credentialID(r *Result) string {
	var doc struct {
		ID string `json:"id"`
	}
	if json.Unmarshal(r.Credential, &doc) != nil {
		return ""
	}
	return doc.ID
}

// noteSignedForm records in the format check that the signed form at
// signedURL was verified in place of the readable copy the link served.
func noteSignedForm(r *Result, signedURL string) {
	if c := r.Check(CheckFormat); c != nil {
		c.Message = "The link served a readable copy of the credential without its signature, so its signed form at " + clip(signedURL) + " was verified. " + c.Message
	}
}

// ClearCache drops every fetched document the verifier keeps, such as
// DID documents and status lists, so that the next verification fetches
// them again. A server calls it after changing its own keys or lists.
func (v *Verifier) ClearCache() {
	v.fetch.clear()
}

// checkContent runs the checks that read the credential alone. expiry is
// the JWT exp, used when the credential has no end of validity.
func (v *Verifier) checkContent(ctx context.Context, r *Result, c *credential, own bool, expiry time.Time, calls call) {
	if calls.endorsement {
		checkContext(r, c)
		checkEndorsementType(r, c)
		checkValidity(r, c, v.opts.Now(), v.opts.ClockSkew, expiry)
		v.checkStatus(ctx, r, c)
		return
	}

	checkContext(r, c)
	checkType(r, c)
	checkSchema(r, c, v.schemas, own)
	checkCredentialSchemas(r, c, v.schemas, own)
	checkSubject(r, c)
	checkAchievementType(r, c)
	checkValidity(r, c, v.opts.Now(), v.opts.ClockSkew, expiry)
	v.checkStatus(ctx, r, c)
	checkRecipient(r, c, calls.recipient)
	v.checkEndorsements(ctx, r, c)
}
