package store

import (
	"testing"

	"github.com/laurel-badges/laurel/internal/store/storetest"
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

// sqliteTestURL, postgresBaseURL and postgresTestURL are the shared
// helpers of storetest, under the names these tests use.
var (
	sqliteTestURL   = storetest.SQLiteURL
	postgresBaseURL = storetest.PostgresServer
	postgresTestURL = storetest.PostgresURL
)

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

// schemaTestDB opens databaseURL and applies Laurel's migrations without
// River's, which take about a second on PostgreSQL and which only the job
// cases of the conformance suite need.
func schemaTestDB(tb testing.TB, databaseURL string) *DB {
	tb.Helper()
	db := openTestDB(tb, databaseURL)
	if _, err := db.migrateSchema(tb.Context()); err != nil {
		tb.Fatalf("migrate schema: %v", err)
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
