package store

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// testDatabase creates fresh, empty databases of one dialect.
type testDatabase struct {
	name string
	url  func(tb testing.TB) string // a new empty database; skips when unavailable
}

var testDatabases = []testDatabase{
	{dialectSQLite, sqliteTestURL},
	{dialectPostgres, postgresTestURL},
}

// sqliteTestURL returns the path of a new SQLite file in a temporary folder.
func sqliteTestURL(tb testing.TB) string {
	tb.Helper()
	return filepath.Join(tb.TempDir(), "laurel.db")
}

const postgresURLVariable = "LAUREL_TEST_DATABASE_URL"

// postgresBaseURL returns the PostgreSQL server of the tests. It skips the
// test when none is configured, but fails it in CI, where a skipped
// PostgreSQL run would hide a broken store.
func postgresBaseURL(tb testing.TB) string {
	tb.Helper()
	base := os.Getenv(postgresURLVariable)
	if base != "" {
		return base
	}
	if os.Getenv("CI") != "" {
		tb.Fatalf("%s is not set, and CI must run the PostgreSQL store tests: set it to a URL such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable", postgresURLVariable)
	}
	tb.Skipf("%s is not set; set it to a URL such as postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run the PostgreSQL store tests", postgresURLVariable)
	return ""
}

// postgresTestURL creates a schema with a random name, drops it at cleanup,
// and returns a URL whose search_path selects it, so that tests running in
// parallel do not see each other's tables.
func postgresTestURL(tb testing.TB) string {
	tb.Helper()
	base := postgresBaseURL(tb)
	schema := "laurel_test_" + uuid.New().String()[:8]
	quoted := pgx.Identifier{schema}.Sanitize()

	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatalf("open %s: %v", redactURL(base), err)
	}
	tb.Cleanup(func() {
		// t.Context is cancelled before cleanups run.
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+quoted+" CASCADE"); err != nil {
			tb.Errorf("drop schema %s: %v", schema, err)
		}
		_ = admin.Close()
	})
	if _, err := admin.ExecContext(tb.Context(), "CREATE SCHEMA "+quoted); err != nil {
		tb.Fatalf("create schema %s on %s: %v", schema, redactURL(base), err)
	}

	u, err := url.Parse(base)
	if err != nil {
		tb.Fatalf("parse %s: %v", postgresURLVariable, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// openTestDB opens databaseURL and closes it at cleanup.
func openTestDB(tb testing.TB, databaseURL string) *DB {
	tb.Helper()
	db, err := Open(tb.Context(), databaseURL)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return db
}

// migratedTestDB opens databaseURL and applies every migration.
func migratedTestDB(tb testing.TB, databaseURL string) *DB {
	tb.Helper()
	db := openTestDB(tb, databaseURL)
	if _, err := db.Migrate(tb.Context()); err != nil {
		tb.Fatalf("Migrate: %v", err)
	}
	return db
}

// forEachDatabase runs test as a subtest per dialect.
func forEachDatabase(t *testing.T, test func(t *testing.T, newURL func(tb testing.TB) string)) {
	for _, td := range testDatabases {
		t.Run(td.name, func(t *testing.T) {
			t.Parallel()
			if td.name == dialectPostgres {
				postgresBaseURL(t) // skip or fail once, not in every subtest
			}
			test(t, td.url)
		})
	}
}

// mustExec runs a statement that a test needs for its setup.
func mustExec(tb testing.TB, db *DB, query string, args ...any) {
	tb.Helper()
	if _, err := db.conn().exec(tb.Context(), query, args...); err != nil {
		tb.Fatalf("exec %q: %v", query, err)
	}
}
