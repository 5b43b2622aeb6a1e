package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// sqliteBusyTimeout is how long a connection waits for another writer's
// lock before it fails with SQLITE_BUSY. It is long because one transaction
// writes a whole attendance upload: BenchmarkRecordUpload10k suggests about
// ten seconds for 100,000 awards, an estimate that depends on the disk.
const sqliteBusyTimeout = 30 * time.Second

// target is a parsed database URL.
type target struct {
	dialect string
	dsn     string // data source name passed to the driver
	path    string // SQLite file; empty for PostgreSQL
	display string // URL with the password redacted
}

const urlHelp = "use a SQLite file path such as data/laurel.db, or postgres://user:password@host:5432/dbname"

// parseDatabaseURL selects the dialect of s and builds the driver's DSN.
func parseDatabaseURL(s string) (target, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return target{}, errors.New("database URL is empty: " + urlHelp)
	}

	lower := strings.ToLower(s)
	if strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://") {
		return parsePostgresURL(s)
	}

	path := s
	switch {
	case strings.HasPrefix(lower, "sqlite:"):
		path = trimSlashes(s[len("sqlite:"):])
	case strings.HasPrefix(lower, "file:"):
		path = trimSlashes(s[len("file:"):])
	case strings.Contains(s, "://"):
		scheme, _, _ := strings.Cut(s, "://")
		return target{}, fmt.Errorf("database URL scheme %q is not supported: %s", scheme, urlHelp)
	case strings.Contains(s, ":") && s != ":memory:":
		// A bare host:port/db would otherwise become a new, empty SQLite
		// file named after it, and the server would run on that.
		return target{}, fmt.Errorf("database URL %q has no scheme: %s; a file path with a colon needs the sqlite: prefix", redactURL(s), urlHelp)
	}
	return sqliteTarget(s, path)
}

// trimSlashes turns the "//" authority of sqlite:///abs/path or
// file:///abs/path into a plain path.
func trimSlashes(rest string) string {
	if strings.HasPrefix(rest, "//") {
		return rest[len("//"):]
	}
	return rest
}

func sqliteTarget(raw, path string) (target, error) {
	if path == "" || path == ":memory:" || strings.HasPrefix(path, ":memory:?") {
		return target{}, fmt.Errorf("SQLite database %q: want a file path, because each pooled connection to an in-memory database would see its own empty database; %s", raw, urlHelp)
	}
	if strings.ContainsAny(path, "?#") && raw != path {
		return target{}, fmt.Errorf("SQLite database URL %q: remove the query string, because Laurel sets the SQLite options itself", raw)
	}

	abs, err := filepath.Abs(path)
	if err != nil {
		return target{}, fmt.Errorf("SQLite database %q: %w", raw, err)
	}

	// A file: URI lets any character appear in the path: url.URL escapes
	// ? # and % in Path, and SQLite decodes them.
	dsn := url.URL{Scheme: "file", Path: filepath.ToSlash(abs), RawQuery: sqliteParams().Encode()}
	return target{dialect: dialectSQLite, dsn: dsn.String(), path: abs, display: abs}, nil
}

// sqliteParams returns the modernc.org/sqlite DSN parameters that every
// connection runs with.
func sqliteParams() url.Values {
	q := url.Values{}

	// Every transaction takes the write lock at BEGIN. A deferred
	// transaction that reads and then writes fails at once with SQLITE_BUSY
	// when another connection wrote in between. A transaction that begins
	// IMMEDIATE waits for the busy timeout instead.
	q.Set("_txlock", "immediate")

	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", sqliteBusyTimeout.Milliseconds()))
	q.Add("_pragma", "foreign_keys(1)")

	// WAL lets readers run while one writer writes. synchronous FULL syncs
	// the WAL at every commit, so that issued credentials survive a power
	// loss. NORMAL would sync only at checkpoints, and a recent commit could
	// roll back. The cost is one fsync per transaction, and a whole upload is
	// one transaction.
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")

	// A larger page cache (negative means KiB, here 8 MiB per connection)
	// keeps the indexes of a large upload in memory while it is written.
	// It is per connection and outside the Go heap, so it is kept small
	// enough that a 100,000-row upload stays within its memory budget.
	q.Add("_pragma", "cache_size(-8192)")
	q.Add("_pragma", "temp_store(MEMORY)")
	return q
}

func parsePostgresURL(s string) (target, error) {
	display := redactURL(s)
	if _, err := pgx.ParseConfig(s); err != nil {
		return target{}, fmt.Errorf("PostgreSQL URL %s is invalid: %w; %s", display, err, urlHelp)
	}
	return target{dialect: dialectPostgres, dsn: s, display: display}, nil
}

// redactURL returns s with the password of its user info and any password
// query parameter replaced by "xxxxx".
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(a database URL that could not be parsed, not shown because it may contain a password)"
	}

	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.Redacted()
}

func openSQLite(ctx context.Context, t target) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(t.path), 0o750); err != nil {
		return nil, fmt.Errorf("open SQLite database %s: create its folder: %w", t.display, err)
	}

	sqlDB, err := sql.Open("sqlite", t.dsn)
	if err != nil {
		return nil, fmt.Errorf("open SQLite database %s: %w", t.display, err)
	}

	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open SQLite database %s: %w; check that the file is a SQLite database and that its folder is writable", t.display, err)
	}
	return &DB{sql: sqlDB, dialect: sqliteDialect, display: t.display, path: t.path}, nil
}

func openPostgres(ctx context.Context, t target) (*DB, error) {
	sqlDB, err := sql.Open("pgx", t.dsn)
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL database %s: %w", t.display, err)
	}

	if err := sqlDB.PingContext(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, fmt.Errorf("open PostgreSQL database %s: %w; check that the server is running and that the URL's host, port, user, password and database name are right", t.display, err)
	}
	return &DB{sql: sqlDB, dialect: postgresDialect, display: t.display}, nil
}
