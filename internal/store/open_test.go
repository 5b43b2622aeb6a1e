package store

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseDatabaseURL(t *testing.T) {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}

	tests := []struct {
		name        string
		url         string
		wantDialect string
		wantPath    string // SQLite only
		wantDisplay string
	}{
		{"postgres", "postgres://laurel:secret@db.internal:5432/laurel", dialectPostgres, "", "postgres://laurel:xxxxx@db.internal:5432/laurel"},
		{"postgresql", "postgresql://laurel@db.internal/laurel?sslmode=require", dialectPostgres, "", "postgresql://laurel@db.internal/laurel?sslmode=require"},
		{"password parameter", "postgres://db.internal/laurel?password=secret&user=laurel", dialectPostgres, "", "postgres://db.internal/laurel?password=xxxxx&user=laurel"},
		{"plain path", "data/laurel.db", dialectSQLite, abs("data/laurel.db"), abs("data/laurel.db")},
		{"sqlite prefix", "sqlite:/var/lib/laurel/laurel.db", dialectSQLite, "/var/lib/laurel/laurel.db", "/var/lib/laurel/laurel.db"},
		{"sqlite URL", "sqlite:///var/lib/laurel/laurel.db", dialectSQLite, "/var/lib/laurel/laurel.db", "/var/lib/laurel/laurel.db"},
		{"file prefix", "file:data/laurel.db", dialectSQLite, abs("data/laurel.db"), abs("data/laurel.db")},
		{"surrounding spaces", "  data/laurel.db\n", dialectSQLite, abs("data/laurel.db"), abs("data/laurel.db")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseDatabaseURL(tt.url)
			if err != nil {
				t.Fatalf("parseDatabaseURL(%q): %v", tt.url, err)
			}
			if got.dialect != tt.wantDialect {
				t.Errorf("dialect = %q, want %q", got.dialect, tt.wantDialect)
			}
			if got.path != tt.wantPath {
				t.Errorf("path = %q, want %q", got.path, tt.wantPath)
			}
			if got.display != tt.wantDisplay {
				t.Errorf("display = %q, want %q", got.display, tt.wantDisplay)
			}
			if strings.Contains(got.display, "secret") {
				t.Errorf("display %q shows the password", got.display)
			}
		})
	}
}

func TestParseDatabaseURLRejects(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want string
	}{
		{"empty", " ", "database URL is empty"},
		{"memory", ":memory:", "want a file path"},
		{"sqlite memory", "sqlite::memory:", "want a file path"},
		{"other scheme", "mysql://root@localhost/laurel", `scheme "mysql" is not supported`},
		{"query string", "sqlite:data/laurel.db?mode=ro", "remove the query string"},
		{"host and port without scheme", "localhost:5432/laurel", `"localhost:5432/laurel" has no scheme`},
		{"colons only", "::::", "has no scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseDatabaseURL(tt.url)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseDatabaseURL(%q) error = %v, want one containing %q", tt.url, err, tt.want)
			}
		})
	}
}

func TestOpenSQLiteCreatesFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "folder", "laurel.db")
	db := openTestDB(t, "sqlite:"+path)

	if got := db.Dialect(); got != "sqlite" {
		t.Errorf("Dialect = %q, want sqlite", got)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file: %v", err)
	}
}

func TestOpenSQLitePathWithSpecialCharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a folder", "100% sure?#.db")
	db := migratedTestDB(t, path)

	if err := db.CheckSchema(t.Context()); err != nil {
		t.Errorf("CheckSchema: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database file: %v", err)
	}
}

func TestOpenPostgresErrorHidesPassword(t *testing.T) {
	// Port 1 on the loopback address refuses connections at once.
	_, err := Open(t.Context(), "postgres://laurel:hunter2@127.0.0.1:1/laurel?connect_timeout=5")
	if err == nil {
		t.Fatal("Open succeeded, want a connection error")
	}
	msg := err.Error()
	if strings.Contains(msg, "hunter2") {
		t.Errorf("error %q shows the password", msg)
	}
	for _, want := range []string{"postgres://laurel:xxxxx@127.0.0.1:1/laurel", "check that the server is running"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not contain %q", msg, want)
		}
	}
}

func TestRebind(t *testing.T) {
	tests := []struct {
		name    string
		dialect *dialect
		query   string
		want    string
	}{
		{"sqlite unchanged", sqliteDialect, "SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = ? AND c = ?"},
		{"postgres numbered", postgresDialect, "SELECT a FROM t WHERE b = ? AND c = ?", "SELECT a FROM t WHERE b = $1 AND c = $2"},
		{"literal kept", postgresDialect, "SELECT '?' FROM t WHERE b LIKE ? ESCAPE '\\' AND c = ?", "SELECT '?' FROM t WHERE b LIKE $1 ESCAPE '\\' AND c = $2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.dialect.rebind(tt.query); got != tt.want {
				t.Errorf("rebind(%q) = %q, want %q", tt.query, got, tt.want)
			}
		})
	}
}
