// Package store implements issuer.Store on SQLite and PostgreSQL with one
// set of queries over database/sql.
//
// A small dialect value covers what differs between the two: placeholders
// (? or $1), time values, "no limit" and locking during migrations. Both
// dialects store times in UTC with microsecond precision, the resolution of
// PostgreSQL's timestamptz. The store writes the stored value back into the
// record it was given, so that a round trip compares equal.
//
// Driver errors are translated by error code: sql.ErrNoRows becomes
// issuer.ErrNotFound, a unique violation issuer.ErrConflict, a foreign key
// violation issuer.ErrNotFound (the referenced record is missing), a
// CHECK or NOT NULL violation issuer.ErrInvalid, a PostgreSQL deadlock
// or serialization failure issuer.ErrConflict, and text that PostgreSQL
// cannot store (SQLSTATE 22021 or 22P05, such as U+0000) issuer.ErrInvalid.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/riverqueue/river"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/laurel-badges/laurel/issuer"
)

// DB is an issuer.Store on an SQLite file or a PostgreSQL database. It is
// safe for concurrent use.
type DB struct {
	sql     *sql.DB
	dialect *dialect
	display string // database URL with any password redacted, for messages
	path    string // the SQLite file; empty on PostgreSQL

	stmtMu sync.Mutex
	stmts  map[string]*sql.Stmt // prepared statements of hot read paths, by query

	riverOnce sync.Once
	river     *river.Client[*sql.Tx] // inserts and lists jobs; runs none
	riverErr  error
}

var _ issuer.Store = (*DB)(nil)

// Open connects to the database named by databaseURL and checks that it
// responds. It does not migrate: call Migrate or CheckSchema next.
//
// A URL starting with postgres:// or postgresql:// selects PostgreSQL.
// sqlite:PATH, file:PATH or a plain file path selects SQLite; the parent
// folder of PATH is created when missing.
func Open(ctx context.Context, databaseURL string) (*DB, error) {
	target, err := parseDatabaseURL(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}

	switch target.dialect {
	case dialectPostgres:
		return openPostgres(ctx, target)
	default:
		return openSQLite(ctx, target)
	}
}

// Dialect returns "sqlite" or "postgres".
func (db *DB) Dialect() string { return db.dialect.name }

// Ping checks that the database responds.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.sql.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", db.display, err)
	}
	return nil
}

// prepared returns a statement for query, prepared once and kept until
// Close. database/sql prepares it again on each connection that runs it,
// once per connection. It saves SQLite parsing the query on every call,
// which was a sixth of the time of a status list request.
func (db *DB) prepared(ctx context.Context, query string) (*sql.Stmt, error) {
	db.stmtMu.Lock()
	defer db.stmtMu.Unlock()
	if st, ok := db.stmts[query]; ok {
		return st, nil
	}
	st, err := db.sql.PrepareContext(ctx, db.dialect.rebind(query))
	if err != nil {
		return nil, err
	}
	if db.stmts == nil {
		db.stmts = map[string]*sql.Stmt{}
	}
	db.stmts[query] = st
	return st, nil
}

// Close closes every connection. Calls after the first return nil.
func (db *DB) Close() error {
	db.stmtMu.Lock()
	for query, st := range db.stmts {
		st.Close()
		delete(db.stmts, query)
	}
	db.stmtMu.Unlock()

	if err := db.sql.Close(); err != nil {
		return fmt.Errorf("close %s: %w", db.display, err)
	}
	return nil
}

// conn runs queries written with ? placeholders on a *sql.DB or *sql.Tx,
// rebinding them for the dialect.
type conn struct {
	q interface {
		ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
		QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
		QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
		PrepareContext(ctx context.Context, query string) (*sql.Stmt, error)
	}
	d *dialect
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, c.d.rebind(query), args...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, c.d.rebind(query), args...)
}

func (c conn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, c.d.rebind(query), args...)
}

func (c conn) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	return c.q.PrepareContext(ctx, c.d.rebind(query))
}

// conn returns a conn on the connection pool, for single statements.
func (db *DB) conn() conn { return conn{q: db.sql, d: db.dialect} }

// withTx runs fn in a transaction and commits when fn returns nil. On
// SQLite every transaction begins IMMEDIATE (see sqliteParams), so fn holds
// the write lock from its first statement.
func (db *DB) withTx(ctx context.Context, fn func(c conn) error) error {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}

	if err := fn(conn{q: tx, d: db.dialect}); err != nil {
		// The error of fn is the one worth reporting. A failed rollback
		// leaves nothing behind, because the transaction never committed.
		_ = tx.Rollback()
		return err
	}

	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// violation is the kind of constraint a driver error reports.
type violation int

const (
	noViolation violation = iota
	uniqueViolation
	foreignKeyViolation
	checkViolation
	lostRace
	unstorableText
)

// classify reads the constraint kind from the driver's error code.
func classify(err error) violation {
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return uniqueViolation
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
			return foreignKeyViolation
		case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return checkViolation
		}
		return noViolation
	}

	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// SQLSTATE class 23, integrity constraint violation.
		switch pe.Code {
		case "23505":
			return uniqueViolation
		case "23503":
			return foreignKeyViolation
		case "23514", "23502":
			return checkViolation
		case "40P01", "40001":
			// deadlock_detected and serialization_failure: the transaction
			// lost a race with another one and may be run again.
			return lostRace
		case "22021", "22P05":
			// character_not_in_repertoire, such as U+0000 or invalid
			// UTF-8 in a text parameter, and untranslatable_character,
			// such as \u0000 in JSON for a jsonb column. The issuer
			// rejects such text first; this keeps any path it misses
			// from becoming a server error.
			return unstorableText
		}
	}
	return noViolation
}

// errUnstorableText is the error of a PostgreSQL statement that a text
// value made fail. The message is for the person who sent the value; the
// driver's error, wrapped beside it, names the SQLSTATE for the log.
var errUnstorableText = issuer.Invalidf("", "the text contains a character that the database cannot store, such as U+0000 (NUL) or bytes that are not UTF-8; remove it and send the request again")

// storeError wraps err with the operation op and, where it applies, the
// issuer sentinel error that callers test with errors.Is.
func storeError(op string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", op, issuer.ErrNotFound)
	}

	switch classify(err) {
	case uniqueViolation:
		return fmt.Errorf("%s: %w: %w", op, issuer.ErrConflict, err)
	case foreignKeyViolation:
		return fmt.Errorf("%s: %w: a referenced record does not exist: %w", op, issuer.ErrNotFound, err)
	case checkViolation:
		return fmt.Errorf("%s: %w: %w", op, issuer.ErrInvalid, err)
	case lostRace:
		return fmt.Errorf("%s: %w: another transaction ran at the same time: %w", op, issuer.ErrConflict, err)
	case unstorableText:
		return fmt.Errorf("%s: %w: %w", op, errUnstorableText, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// expectOneRow returns an ErrNotFound error for op when res changed no row.
func expectOneRow(op string, res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, issuer.ErrNotFound)
	}
	return nil
}

// now returns the current time as the store keeps it.
func now() time.Time { return storedTime(time.Now()) }

// storedTime returns t in UTC truncated to microseconds, the value that
// both dialects return after a round trip.
func storedTime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC().Truncate(time.Microsecond)
}

// stamp sets *t to now when it is zero, and otherwise to its stored value.
func stamp(t *time.Time, now time.Time) {
	if t.IsZero() {
		*t = now
		return
	}
	*t = storedTime(*t)
}

// newID returns id, or a new random UUID when id is empty.
func newID(id string) string {
	if id == "" {
		return uuid.NewString()
	}
	return id
}

// nullable returns nil for the empty string, so that an optional reference
// is stored as NULL and passes its foreign key.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// notNullBytes returns data, or an empty slice for nil, because the columns
// are NOT NULL and a nil []byte is bound as NULL.
func notNullBytes(data []byte) []byte {
	if data == nil {
		return []byte{}
	}
	return data
}

// chunks splits values into slices of at most size elements, so that an IN
// list stays under the drivers' bound-parameter limits.
func chunks(values []string, size int) [][]string {
	var out [][]string
	for len(values) > size {
		out = append(out, values[:size])
		values = values[size:]
	}
	if len(values) > 0 {
		out = append(out, values)
	}
	return out
}

// inListChunk is the number of values bound in one IN list. It stays far
// below the limits of SQLite (32,766 parameters per statement by default
// since 3.32) and of PostgreSQL's protocol (65,535).
const inListChunk = 500

// rowScanner is a *sql.Row or *sql.Rows.
type rowScanner interface {
	Scan(dest ...any) error
}
