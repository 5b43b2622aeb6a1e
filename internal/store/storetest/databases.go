package storetest

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for schema setup
)

// PostgresVariable names the environment variable with the PostgreSQL
// server of the tests, such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable.
const PostgresVariable = "LAUREL_TEST_DATABASE_URL"

// SQLiteURL returns the path of a new SQLite file in a temporary folder.
func SQLiteURL(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "laurel.db")
}

// PostgresServer returns the PostgreSQL server of the tests. It skips the
// test when none is configured, but fails it when CI is set, where a
// skipped PostgreSQL run would hide a broken store.
func PostgresServer(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(PostgresVariable)
	if base != "" {
		return base
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("%s is not set, and CI must run the PostgreSQL tests: set it to a URL such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable", PostgresVariable)
	}
	tb.Skipf("%s is not set; set it to a URL such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run the PostgreSQL tests", PostgresVariable)
	return ""
}

// PostgresURL creates a schema with a random name, drops it at cleanup, and
// returns a URL whose search_path selects it, so that tests running in
// parallel do not see each other's tables.
func PostgresURL(tb testing.TB) string {
	tb.Helper()
	base := PostgresServer(tb)
	schema := "laurel_test_" + uuid.New().String()[:8]
	quoted := pgx.Identifier{schema}.Sanitize()

	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open the server in %s: %v", PostgresVariable, err)
	}
	tb.Cleanup(func() {
		// The test's context is cancelled before cleanups run.
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+quoted+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
		_ = admin.Close()
	})
	if _, err := admin.ExecContext(tb.Context(), "CREATE SCHEMA "+quoted); err != nil {
		tb.Fatalf("create schema %s on the server in %s: %v", schema, PostgresVariable, err)
	}

	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresVariable, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// PostgresDatabase creates a database with a random name, drops it at
// cleanup, and returns its URL. Tests of whole-database tools such as
// pg_dump and pg_restore need one, because a schema does not isolate them.
func PostgresDatabase(tb testing.TB) string {
	tb.Helper()
	base := PostgresServer(tb)
	name := "laurel_test_" + uuid.New().String()[:8]
	quoted := pgx.Identifier{name}.Sanitize()

	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open the server in %s: %v", PostgresVariable, err)
	}
	tb.Cleanup(func() {
		// FORCE ends the connections a failed test left open (PostgreSQL 13 and later).
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE "+quoted+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop database %s: %v", name, err)
		}
		_ = admin.Close()
	})
	if _, err := admin.ExecContext(tb.Context(), "CREATE DATABASE "+quoted); err != nil {
		tb.Fatalf("create database %s on the server in %s: %v", name, PostgresVariable, err)
	}

	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", PostgresVariable, err)
	}
	u.Path = "/" + name
	return u.String()
}
