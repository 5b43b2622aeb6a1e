package web

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestClassify(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		status int
		code   string
	}{
		{"validation", issuer.Invalidf("title", "missing"), http.StatusUnprocessableEntity, codeInvalidInput},
		{"wrapped not found", fmt.Errorf("load activity: %w", issuer.ErrNotFound), http.StatusNotFound, codeNotFound},
		{"conflict", fmt.Errorf("issue: %w", issuer.ErrConflict), http.StatusConflict, codeConflict},
		{"forbidden", fmt.Errorf("someone: %w", issuer.ErrForbidden), http.StatusForbidden, codeForbidden},
		{"unauthenticated", issuer.ErrUnauthenticated, http.StatusUnauthorized, codeUnauthenticated},
		{"malformed request", badRequest("bad"), http.StatusBadRequest, codeBadRequest},
		{"body too large", fmt.Errorf("read: %w", &http.MaxBytesError{Limit: 20 << 20}), http.StatusRequestEntityTooLarge, codeTooLarge},
		{"anything else", errors.New("pq: connection refused"), http.StatusInternalServerError, codeInternal},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, code, msg := classify(c.err)
			if status != c.status || code != c.code {
				t.Errorf("classify = %d %s, want %d %s", status, code, c.status, c.code)
			}
			if msg == "" {
				t.Errorf("classify gave no message")
			}
		})
	}

	if _, _, msg := classify(&http.MaxBytesError{Limit: 20 << 20}); !strings.Contains(msg, "20 MiB") {
		t.Errorf("413 message = %q, want it to name 20 MiB", msg)
	}
}

func TestValidationMessageKeepsOnlyValidationText(t *testing.T) {
	driver := errors.New("sqlite: constraint failed: UNIQUE students.email")
	err := errors.Join(
		fmt.Errorf("student %s: %w", "S1", errors.Join(
			issuer.Invalidf("email", "%q is not an email address", "x@"),
			issuer.Invalidf("study_mode", "%q: use full-time or part-time", "sometimes"),
		)),
		fmt.Errorf("store students: %w", driver),
		fmt.Errorf("lookup failed (%v): %w", driver, issuer.Invalidf("", "no student has id S2")),
	)

	msg := validationMessage(err)
	for _, want := range []string{`student S1: email: "x@" is not an email address`, `student S1: study_mode: "sometimes"`, "no student has id S2"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if strings.Contains(msg, "sqlite") || strings.Contains(msg, "store students") {
		t.Errorf("message %q contains text that is not a validation message", msg)
	}
}

func TestValidationMessageWithoutValidationErrors(t *testing.T) {
	err := fmt.Errorf("sqlite: busy: %w", issuer.ErrInvalid)

	msg := validationMessage(err)
	if strings.Contains(msg, "sqlite") || msg == "" {
		t.Errorf("message = %q, want the generic message", msg)
	}
}

func TestFormatBytes(t *testing.T) {
	cases := []struct {
		n    int64
		want string
	}{
		{20 << 20, "20 MiB"},
		{1 << 10, "1 KiB"},
		{1500, "1500 bytes"},
		{3 << 30, "3 GiB"},
	}
	for _, c := range cases {
		if got := formatBytes(c.n); got != c.want {
			t.Errorf("formatBytes(%d) = %q, want %q", c.n, got, c.want)
		}
	}
}
