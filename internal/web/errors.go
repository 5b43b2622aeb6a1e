package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/laurel-badges/laurel/issuer"
)

// Error codes of the JSON error body. Clients key on them; they are stable.
const (
	codeBadRequest       = "bad_request"
	codeInvalidInput     = "invalid_input"
	codeNotFound         = "not_found"
	codeConflict         = "conflict"
	codeForbidden        = "forbidden"
	codeUnauthenticated  = "unauthenticated"
	codeTooLarge         = "payload_too_large"
	codeNotAcceptable    = "not_acceptable"
	codeMethodNotAllowed = "method_not_allowed"
	codeUnavailable      = "unavailable"
	codeInternal         = "internal_error"
	codeCanceled         = "canceled"
)

// statusClientClosed is the status logged when the client went away before
// the response was ready; nginx uses the same number. The client never
// reads it.
const statusClientClosed = 499

// requestError is an error found by the web layer itself in the request:
// a malformed body, a bad query parameter, an unsupported Accept header.
// Its message is written by this package and is safe to send.
type requestError struct {
	status  int
	code    string
	message string
}

func (e *requestError) Error() string { return e.message }

// badRequest returns a 400 error with a message naming the bad value.
func badRequest(format string, args ...any) error {
	return &requestError{status: http.StatusBadRequest, code: codeBadRequest, message: fmt.Sprintf(format, args...)}
}

// errorBody is the JSON of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`

	// Result is the full upload preview when an upload has blocking problems.
	Result *issuer.UploadResult `json:"result,omitempty"`
}

type errorDetail struct {
	Code      string              `json:"code"`
	Message   string              `json:"message"`
	RequestID string              `json:"request_id"`
	Problems  []issuer.RowProblem `json:"problems,omitempty"`
}

// classify maps an error to its HTTP status, error code and a message that
// is safe to send. It is the one place where domain errors become HTTP.
func classify(err error) (status int, code, message string) {
	var reqErr *requestError
	var tooLarge *http.MaxBytesError
	var conflict *issuer.ConflictError

	switch {
	case errors.As(err, &reqErr):
		return reqErr.status, reqErr.code, reqErr.message
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge, codeTooLarge, fmt.Sprintf(
			"the request body is larger than the limit of %s; send a smaller file or split it", formatBytes(tooLarge.Limit))
	case errors.Is(err, issuer.ErrUnauthenticated):
		return http.StatusUnauthorized, codeUnauthenticated, "missing or invalid API token; send the header Authorization: Bearer <token>"
	case errors.Is(err, issuer.ErrForbidden):
		return http.StatusForbidden, codeForbidden, "your account may not do this; ask the learning advisor for access"
	case errors.Is(err, issuer.ErrNotFound):
		return http.StatusNotFound, codeNotFound, "no record has this id; check the id in the URL"
	case errors.As(err, &conflict):
		return http.StatusConflict, codeConflict, conflict.Message
	case errors.Is(err, issuer.ErrConflict):
		return http.StatusConflict, codeConflict, "the request conflicts with data stored at the same time; send it again"
	case errors.Is(err, issuer.ErrInvalid):
		return http.StatusUnprocessableEntity, codeInvalidInput, validationMessage(err)
	case errors.Is(err, context.Canceled):
		return statusClientClosed, codeCanceled, "the request was cancelled before it finished; nothing was changed"
	}
	return http.StatusInternalServerError, codeInternal, "internal error"
}

// validationMessage joins the messages of the *issuer.ValidationError values
// in err's tree. Other text in the tree may come from a database driver, so
// it is left out. The exception is a short prefix that wraps validation
// errors directly and has the shape of a record reference, such as
// `student S1001: ` or `achievement 2 ("IPC"): `, because it names the
// record that a message is about.
func validationMessage(err error) string {
	msgs := validationMessages(err, "")
	if len(msgs) == 0 {
		return "the request is invalid; check the values and send it again"
	}
	return strings.Join(msgs, "; ")
}

func validationMessages(err error, prefix string) []string {
	if v, ok := err.(*issuer.ValidationError); ok {
		return []string{prefix + v.Error()}
	}

	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		var out []string
		for _, e := range u.Unwrap() {
			out = append(out, validationMessages(e, prefix)...)
		}
		return out
	case interface{ Unwrap() error }:
		inner := u.Unwrap()
		if inner == nil {
			return nil
		}
		return validationMessages(inner, prefix+wrapPrefix(err, inner))
	}
	return nil
}

// recordPrefix is the shape of a wrapping prefix that validationMessage
// keeps: a lowercase noun, a reference without colons, then ": ". Driver
// messages nearly always hold a colon ("sqlite: ...", "ERROR: ..."), so a
// prefix that quotes one does not match.
var recordPrefix = regexp.MustCompile(`^[a-z]+ [^:\n]{1,60}: $`)

// wrapPrefix returns the text that err adds in front of inner, as in
// fmt.Errorf("student %s: %w", n, inner), when it has the shape of
// recordPrefix, and "" otherwise.
func wrapPrefix(err, inner error) string {
	outer, tail := err.Error(), inner.Error()
	if !strings.HasSuffix(outer, ": "+tail) {
		return ""
	}
	prefix := strings.TrimSuffix(outer, tail)
	if !recordPrefix.MatchString(prefix) {
		return ""
	}
	return prefix
}

// writeError sends the JSON error for err and logs it. Server errors are
// logged with their detail, and the client receives only the generic message.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	status, code, message := classify(err)
	s.logError(r, status, err)

	body := errorBody{Error: errorDetail{Code: code, Message: message, RequestID: RequestID(r.Context())}}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="laurel"`)
	}
	writeJSON(w, status, body)
}

// writeUploadProblems sends the 422 of an upload whose file has blocking
// problems: the problems under error.problems and the row preview under
// result, whose own problem list is left out so that it is not sent twice.
func (s *Server) writeUploadProblems(w http.ResponseWriter, r *http.Request, res *issuer.UploadResult, err error) {
	s.logError(r, http.StatusUnprocessableEntity, err)

	body := errorBody{
		Error: errorDetail{
			Code:      codeInvalidInput,
			Message:   validationMessage(err),
			RequestID: RequestID(r.Context()),
			Problems:  res.Problems,
		},
		Result: withoutProblems(res),
	}
	writeJSON(w, http.StatusUnprocessableEntity, body)
}

func withoutProblems(res *issuer.UploadResult) *issuer.UploadResult {
	out := *res
	out.Problems = nil
	return &out
}

func (s *Server) logError(r *http.Request, status int, err error) {
	if status == statusClientClosed {
		s.log.InfoContext(r.Context(), "request cancelled by the client", "err", err)
		return
	}
	if status >= 500 {
		s.log.ErrorContext(r.Context(), "request failed", "status", status, "err", err)
		return
	}
	s.log.DebugContext(r.Context(), "request rejected", "status", status, "err", err)
}

// formatBytes writes n in the largest binary unit that divides it evenly,
// such as "20 MiB", so that limits read as they were configured.
func formatBytes(n int64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB"}
	i := 0
	for i < len(units)-1 && n >= 1024 && n%1024 == 0 {
		n /= 1024
		i++
	}
	return fmt.Sprintf("%d %s", n, units[i])
}
