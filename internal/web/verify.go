package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/laurel-badges/laurel/verifier"
)

// MaxVerifyBytes bounds a request to the hosted verifier: a pasted or
// uploaded badge with its form fields.
const MaxVerifyBytes = 2 << 20

// Rate limit of the hosted verifier per client IP address. Each
// verification may fetch documents from other servers, so the limit keeps
// the server from being used to send them traffic.
const (
	verifyBurst    = 30
	verifyInterval = time.Minute // verifyBurst requests per verifyInterval
)

// verifyCSP is the page policy of the verifier page, which posts its form
// to the same origin.
const verifyCSP = "default-src 'none'; img-src 'self' https: data:; style-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

const codeRateLimited = "rate_limited"

// verifyRequest is the JSON body of POST /api/v1/verify.
type verifyRequest struct {
	// Credential is a string (a compact JWS, a credential in JSON or an
	// http(s) URL) or a credential as a JSON object.
	Credential json.RawMessage `json:"credential"`
	// Email, when set, is checked against the credential's recipient.
	Email string `json:"email"`
}

// verifyInput is a request to the verifier from any of the forms.
type verifyInput struct {
	data  []byte // the credential, or nil when url is set
	url   string
	email string
	text  string // pasted text, echoed in the form
}

// verifyPage serves the empty form of the hosted verifier.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) {
	s.renderVerify(w, r, http.StatusOK, &verifyView{})
}

// verifySubmit verifies the badge of the form and shows the result.
func (s *Server) verifySubmit(w http.ResponseWriter, r *http.Request) {
	if !s.verifyLimiter.allow(clientAddress(r.Context()), time.Now()) {
		w.Header().Set("Retry-After", "60")
		s.renderVerify(w, r, http.StatusTooManyRequests, &verifyView{Error: fmt.Sprintf("Too many verifications from your address: at most %d per minute. Wait a minute and try again.", s.verifyLimiter.limit())})
		return
	}
	in, err := readVerifyInput(w, r)
	if err != nil {
		s.renderVerify(w, r, statusOf(err), &verifyView{Error: err.Error(), Input: in.text, Email: in.email})
		return
	}
	if s.Verifier == nil {
		s.renderVerify(w, r, http.StatusServiceUnavailable, &verifyView{Error: "Verification is not available on this server."})
		return
	}

	res := s.runVerify(r.Context(), in)
	s.renderVerify(w, r, http.StatusOK, newVerifyView(res, in))
}

// apiVerify verifies a badge and returns the verifier's result as JSON.
// The route needs no token, because the hosted verifier is public.
func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request) {
	if !s.verifyLimiter.allow(clientAddress(r.Context()), time.Now()) {
		w.Header().Set("Retry-After", "60")
		s.writeError(w, r, &requestError{status: http.StatusTooManyRequests, code: codeRateLimited,
			message: fmt.Sprintf("too many verifications from your address: at most %d per minute; wait a minute and try again", s.verifyLimiter.limit())})
		return
	}
	in, err := readVerifyInput(w, r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if s.Verifier == nil {
		s.writeError(w, r, &requestError{status: http.StatusServiceUnavailable, code: codeUnavailable, message: "verification is not available on this server"})
		return
	}

	writeJSON(w, http.StatusOK, s.runVerify(r.Context(), in))
}

func (s *Server) runVerify(ctx context.Context, in verifyInput) *verifier.Result {
	var opts []verifier.VerifyOption
	if in.email != "" {
		opts = append(opts, verifier.WithRecipient(verifier.Recipient{Email: in.email}))
	}
	if in.url != "" {
		return s.Verifier.VerifyURL(ctx, in.url, opts...)
	}
	return s.Verifier.Verify(ctx, in.data, opts...)
}

// statusOf returns the HTTP status of a request error, 400 otherwise.
func statusOf(err error) int {
	var re *requestError
	if errors.As(err, &re) {
		return re.status
	}
	return http.StatusBadRequest
}

// readVerifyInput reads a JSON body, a multipart form (field "credential"
// or file "file", and "email") or a URL-encoded form, within
// MaxVerifyBytes.
func readVerifyInput(w http.ResponseWriter, r *http.Request) (verifyInput, error) {
	r.Body = http.MaxBytesReader(w, r.Body, MaxVerifyBytes)
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))

	var in verifyInput
	switch mediaType {
	case "application/json":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return in, tooLargeOr(err, badRequest("the request body cannot be read: %v", err))
		}
		if in, err = readVerifyJSON(body); err != nil {
			return in, err
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(MaxVerifyBytes); err != nil {
			return in, tooLargeOr(err, badRequest("the form cannot be read: %v", err))
		}
		in.text, in.email = r.FormValue("credential"), strings.TrimSpace(r.FormValue("email"))
		data, err := formFile(r)
		if err != nil {
			return in, err
		}
		if data != nil && strings.TrimSpace(in.text) != "" {
			return in, badRequest("give either a link or text, or a file, not both")
		}
		in.data = data
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return in, tooLargeOr(err, badRequest("the form cannot be read: %v", err))
		}
		in.text, in.email = r.PostFormValue("credential"), strings.TrimSpace(r.PostFormValue("email"))
	default:
		return in, &requestError{status: http.StatusUnsupportedMediaType, code: codeBadRequest,
			message: fmt.Sprintf("content type %q is not accepted; send application/json, multipart/form-data or application/x-www-form-urlencoded", mediaType)}
	}
	return classifyInput(in)
}

// readVerifyJSON reads the JSON body of POST /api/v1/verify. Its
// credential is a string, classified by classifyInput, or a credential as
// a JSON object, which is verified as given.
func readVerifyJSON(body []byte) (verifyInput, error) {
	var in verifyInput
	var req verifyRequest
	if err := decodeJSONBody(body, &req); err != nil {
		return in, err
	}
	in.email = strings.TrimSpace(req.Email)

	raw := bytes.TrimSpace(req.Credential)
	switch {
	case len(raw) == 0, bytes.Equal(raw, []byte("null")):
	case raw[0] == '"':
		if err := json.Unmarshal(raw, &in.text); err != nil {
			return in, badRequest("field \"credential\" is not a valid JSON string")
		}
	case raw[0] == '{':
		in.data = raw
	default:
		return in, badRequest("field \"credential\" is a JSON %s; expected a string (a link, a token or credential JSON) or an object (the credential itself)", jsonTypeName(raw[0]))
	}
	return in, nil
}

// jsonTypeName names the JSON type of a value from its first byte.
func jsonTypeName(first byte) string {
	switch first {
	case '[':
		return "array"
	case 't', 'f':
		return "boolean"
	}
	return "number"
}

// classifyInput decides whether the pasted text is a URL or a credential.
// An uploaded file or a credential sent as a JSON object is used as given.
func classifyInput(in verifyInput) (verifyInput, error) {
	if in.data != nil {
		return in, nil
	}
	text := strings.TrimSpace(in.text)
	switch {
	case text == "":
		return in, badRequest("no badge given: paste a link, a token or JSON into \"credential\", or upload a file")
	case strings.HasPrefix(text, "https://"), strings.HasPrefix(text, "http://"):
		if strings.ContainsAny(text, " \n\t") {
			return in, badRequest("the link %q contains spaces; paste one link only", shortText(text))
		}
		in.url = text
	default:
		in.data = []byte(text)
	}
	return in, nil
}

// formFile returns the uploaded file, or nil when none was sent. The file
// is read from the field "file", or from "credential" for clients that
// send the file under the name of the text field.
func formFile(r *http.Request) ([]byte, error) {
	var headers []*multipart.FileHeader
	for _, field := range []string{"file", "credential"} {
		headers = append(headers, r.MultipartForm.File[field]...)
	}
	switch len(headers) {
	case 0:
		return nil, nil
	case 1:
	default:
		return nil, badRequest("%d files were uploaded; upload one badge file at a time", len(headers))
	}

	f, err := headers[0].Open()
	if err != nil {
		return nil, badRequest("the uploaded file cannot be read: %v", err)
	}
	defer f.Close()

	data, err := io.ReadAll(io.LimitReader(f, MaxVerifyBytes+1))
	if err != nil {
		return nil, badRequest("the uploaded file cannot be read: %v", err)
	}
	if len(data) > MaxVerifyBytes {
		return nil, tooLarge()
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	return data, nil
}

func tooLarge() error {
	return &requestError{status: http.StatusRequestEntityTooLarge, code: codeTooLarge,
		message: fmt.Sprintf("the request is larger than %d bytes (2 MiB); send a smaller file or the badge's link", MaxVerifyBytes)}
}

// tooLargeOr returns the 413 error when err comes from the body limit, and
// other otherwise.
func tooLargeOr(err, other error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) || strings.Contains(err.Error(), "too large") {
		return tooLarge()
	}
	return other
}

func shortText(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}

// rateLimiter is a token bucket per client address; the zero value allows
// verifyBurst requests per verifyInterval.
type rateLimiter struct {
	// perInterval is the burst and the refill per verifyInterval; 0 means
	// verifyBurst, and a negative value allows every request.
	perInterval int

	mu      sync.Mutex
	buckets map[string]*bucket
}

// limit returns the requests allowed per verifyInterval, or a negative
// number when there is no limit.
func (l *rateLimiter) limit() int {
	if l.perInterval == 0 {
		return verifyBurst
	}
	return l.perInterval
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the addresses tracked; beyond it, buckets full again
// are dropped.
const maxBuckets = 10000

// allow takes one token from the bucket of client at now.
func (l *rateLimiter) allow(client string, now time.Time) bool {
	burst := float64(l.limit())
	if burst < 0 {
		return true
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]*bucket{}
	}
	if len(l.buckets) >= maxBuckets {
		l.prune(now)
	}

	b, ok := l.buckets[client]
	if !ok {
		b = &bucket{tokens: burst, last: now}
		l.buckets[client] = b
	}
	b.tokens = min(burst, b.tokens+now.Sub(b.last).Seconds()*burst/verifyInterval.Seconds())
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// prune drops the buckets that have refilled completely.
func (l *rateLimiter) prune(now time.Time) {
	for client, b := range l.buckets {
		if now.Sub(b.last) >= verifyInterval {
			delete(l.buckets, client)
		}
	}
}
