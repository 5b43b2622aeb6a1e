package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/laurel-badges/laurel/issuer"
)

// TestPostgresUnstorableTextIsInvalid sends text with U+0000 and with
// invalid UTF-8, which PostgreSQL rejects with SQLSTATE 22021, through
// writes, lookups and searches of the store. Each must fail with a
// ValidationError, never with a bare driver error, for which the web
// layer returns 500.
func TestPostgresUnstorableTextIsInvalid(t *testing.T) {
	db := schemaTestDB(t, postgresTestURL(t))
	ctx := t.Context()

	for _, text := range []string{"a\x00b", "caf\xe9"} {
		calls := []struct {
			name string
			call func() error
		}{
			{"set profile", func() error {
				return db.SetProfile(ctx, &issuer.Profile{Name: text})
			}},
			{"upsert students", func() error {
				_, _, err := db.UpsertStudents(ctx, []*issuer.Student{{Number: "S1", Name: text, Email: "s1@example.edu", StudyMode: issuer.FullTime}})
				return err
			}},
			{"students by number", func() error {
				_, err := db.StudentsByNumber(ctx, []string{text})
				return err
			}},
			{"search students", func() error {
				// The search lower-cases the query, which turns invalid
				// UTF-8 into U+FFFD; a NUL stays.
				_, err := db.Students(ctx, issuer.StudentFilter{Query: "a\x00b"})
				return err
			}},
			{"activity by id", func() error {
				_, err := db.Activity(ctx, text)
				return err
			}},
			{"user by email", func() error {
				_, err := db.UserByEmail(ctx, text)
				return err
			}},
		}
		for _, c := range calls {
			t.Run(fmt.Sprintf("%s %q", c.name, text), func(t *testing.T) {
				err := c.call()
				var v *issuer.ValidationError
				if !errors.As(err, &v) {
					t.Fatalf("error %v, want a ValidationError", err)
				}
				if !strings.Contains(v.Message, "U+0000") {
					t.Errorf("message %q does not say which characters the database refuses", v.Message)
				}
			})
		}
	}
}

// TestClassifyUnstorableText covers SQLSTATE 22P05, which needs a jsonb
// column to provoke; the store has none of its own.
func TestClassifyUnstorableText(t *testing.T) {
	for _, code := range []string{"22021", "22P05"} {
		t.Run(code, func(t *testing.T) {
			driver := fmt.Errorf("exec: %w", &pgconn.PgError{Code: code, Message: "invalid byte sequence"})
			err := storeError("set profile", driver)
			if !errors.Is(err, issuer.ErrInvalid) {
				t.Errorf("error %v, want ErrInvalid", err)
			}
			var pe *pgconn.PgError
			if !errors.As(err, &pe) {
				t.Errorf("error %v no longer carries the driver's error for the log", err)
			}
		})
	}
	if err := storeError("read", context.Canceled); errors.Is(err, issuer.ErrInvalid) {
		t.Errorf("a cancelled query became ErrInvalid: %v", err)
	}
}
