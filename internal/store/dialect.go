package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Dialect names returned by DB.Dialect.
const (
	dialectSQLite   = "sqlite"
	dialectPostgres = "postgres"
)

// sqliteTimeLayout is the text format of times on SQLite. The fixed width of
// the fraction makes text order equal time order.
const sqliteTimeLayout = "2006-01-02T15:04:05.000000Z"

// dialect holds the few differences between SQLite and PostgreSQL, so that
// every query is written once with ? placeholders.
type dialect struct {
	name string

	// numbered is true when placeholders are $1, $2, … rather than ?.
	numbered bool

	// noLimit is the LIMIT value that means "all rows": SQLite takes a
	// negative number, PostgreSQL NULL.
	noLimit any

	// tableExists is a query with one ? for a table name that returns one
	// boolean row.
	tableExists string

	// tryLockBlocks is a query that takes transaction-level locks on blocks
	// of a status list without waiting, and returns the blocks taken. Its
	// %s is a VALUES list of block numbers, in the order to try them. Its
	// placeholders after that are the list id and the maximum number of
	// blocks to take. Empty on SQLite, where a writing transaction holds the
	// database's write lock, so that no other one needs keeping out.
	tryLockBlocks string

	// lockShared ends a SELECT of one row that must not change until the
	// transaction ends. Empty on SQLite, for the same reason as
	// tryLockBlocks.
	lockShared string

	// lockMigrations runs first in every migration transaction, so that
	// two processes migrating at once apply each file once. Empty on SQLite,
	// where the IMMEDIATE transaction already holds the database's write lock.
	lockMigrations string
}

var sqliteDialect = &dialect{
	name:        dialectSQLite,
	noLimit:     -1,
	tableExists: `SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?)`,
}

var postgresDialect = &dialect{
	name:        dialectPostgres,
	numbered:    true,
	noLimit:     nil,
	tableExists: `SELECT to_regclass(?) IS NOT NULL`,
	// The two-key advisory locks are a key space apart from the one-key
	// lock of migrations. LIMIT stops the scan, and so the locking, once
	// enough blocks are taken.
	tryLockBlocks: `
SELECT block
FROM (VALUES %s) AS candidate (block)
WHERE pg_try_advisory_xact_lock(hashtext(?), block)
LIMIT ?`,
	lockShared: " FOR SHARE",
	// A transaction-level advisory lock is released at commit or rollback,
	// so a failed migration cannot leave it held. The key is derived from
	// the current schema, so that databases in different schemas of one
	// server migrate independently.
	lockMigrations: `SELECT pg_advisory_xact_lock(('x' || substr(md5('laurel.schema_migrations.' || current_schema()), 1, 16))::bit(64)::bigint)`,
}

// rebind rewrites the ? placeholders of query into $1, $2, … when the
// dialect numbers them. A ? inside a single-quoted literal is left alone.
func (d *dialect) rebind(query string) string {
	if !d.numbered || !strings.Contains(query, "?") {
		return query
	}

	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	quoted := false
	for _, r := range query {
		switch {
		case r == '\'':
			quoted = !quoted
			b.WriteRune(r)
		case r == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// placeholders returns n comma-separated ? placeholders for an IN list.
func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// timeArg returns t as a query argument: NULL when zero, text on SQLite and
// a time.Time on PostgreSQL, in UTC to the microsecond either way.
func (d *dialect) timeArg(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = storedTime(t)
	if d.name == dialectSQLite {
		return t.Format(sqliteTimeLayout)
	}
	return t
}

// timeDest returns a scan destination that reads a stored time into t: NULL
// becomes the zero time, and SQLite's text and PostgreSQL's timestamptz both
// become UTC.
func timeDest(t *time.Time) *timeScanner { return &timeScanner{t: t} }

type timeScanner struct{ t *time.Time }

// Scan implements sql.Scanner.
func (s *timeScanner) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.t = time.Time{}
	case time.Time:
		*s.t = v.UTC()
	case string:
		return s.parse(v)
	case []byte:
		return s.parse(string(v))
	default:
		return fmt.Errorf("scan time: unsupported value of type %T", src)
	}
	return nil
}

func (s *timeScanner) parse(text string) error {
	t, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return fmt.Errorf("scan time %q: %w", text, err)
	}
	*s.t = t.UTC()
	return nil
}

// textDest returns a scan destination that reads NULL as the empty string.
func textDest(s *string) *textScanner { return &textScanner{s: s} }

type textScanner struct{ s *string }

// Scan implements sql.Scanner.
func (t *textScanner) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*t.s = ""
	case string:
		*t.s = v
	case []byte:
		*t.s = string(v)
	default:
		return fmt.Errorf("scan text: unsupported value of type %T", src)
	}
	return nil
}

// bytesDest returns a scan destination that copies a BLOB or bytea into b,
// leaving b nil for NULL or an empty value.
func bytesDest(b *[]byte) *bytesScanner { return &bytesScanner{b: b} }

type bytesScanner struct{ b *[]byte }

// Scan implements sql.Scanner.
func (s *bytesScanner) Scan(src any) error {
	var data []byte
	switch v := src.(type) {
	case nil:
	case []byte:
		data = v
	case string:
		data = []byte(v)
	default:
		return fmt.Errorf("scan bytes: unsupported value of type %T", src)
	}

	// The driver may reuse its buffer after the next call to Next, so copy.
	if len(data) == 0 {
		*s.b = nil
		return nil
	}
	*s.b = append([]byte(nil), data...)
	return nil
}

var (
	_ sql.Scanner = (*timeScanner)(nil)
	_ sql.Scanner = (*textScanner)(nil)
	_ sql.Scanner = (*bytesScanner)(nil)
)
