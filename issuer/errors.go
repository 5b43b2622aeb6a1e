package issuer

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Sentinel errors of the domain. Adapters translate driver errors into these,
// and the web layer maps them to HTTP status codes in one table.
var (
	// ErrNotFound is returned when a requested record does not exist.
	ErrNotFound = errors.New("not found")

	// ErrConflict is returned when a write would break a uniqueness rule.
	ErrConflict = errors.New("conflict")

	// ErrInvalid is returned for input that breaks a domain rule.
	ErrInvalid = errors.New("invalid input")

	// ErrForbidden is returned when the acting user may not do the action.
	ErrForbidden = errors.New("forbidden")

	// ErrUnauthenticated is returned when no valid credentials were given.
	ErrUnauthenticated = errors.New("unauthenticated")

	// ErrKeyRevoked is returned by a store write of credentials signed by a
	// key that was revoked meanwhile; the credentials must be signed again.
	ErrKeyRevoked = errors.New("signing key revoked")
)

// ValidationError is an ErrInvalid with a message meant for the person who
// supplied the input: it names the value and explains how to fix it.
type ValidationError struct {
	Field   string
	Message string
}

// Error returns the message, prefixed by the field when there is one.
func (e *ValidationError) Error() string {
	if e.Field == "" {
		return e.Message
	}
	return e.Field + ": " + e.Message
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *ValidationError) Unwrap() error { return ErrInvalid }

// ConflictError is an ErrConflict with a message meant for the person who
// made the request: the record is in a state that does not allow the
// action, such as a credential that is revoked already.
type ConflictError struct {
	Message string
}

// Error returns the message.
func (e *ConflictError) Error() string { return e.Message }

// Unwrap makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Unwrap() error { return ErrConflict }

// Conflictf returns a ConflictError with a formatted message.
func Conflictf(format string, args ...any) error {
	return &ConflictError{Message: fmt.Sprintf(format, args...)}
}

// Invalidf returns a ValidationError for field with a formatted message.
func Invalidf(field, format string, args ...any) error {
	return &ValidationError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// Length limits of text fields, in characters. Names appear in every
// credential and list, so a runaway value would bloat all of them.
const (
	maxNameLength = 200
	maxTextLength = 5000
)

// checkLength returns a ValidationError when value is longer than max
// characters, and nil otherwise.
func checkLength(field, value string, max int) error {
	if n := utf8.RuneCountInString(value); n > max {
		return Invalidf(field, "%d characters is too long; shorten it to at most %d", n, max)
	}
	return nil
}
