package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/uuid"
)

// ErrNotSQLite is returned by the SQLite-only operations on a PostgreSQL
// database, whose backups are made with pg_dump.
var ErrNotSQLite = errors.New("this operation works on SQLite databases only")

// Path returns the file of an SQLite database, or "" on PostgreSQL.
func (db *DB) Path() string { return db.path }

// Backup writes a consistent copy of the SQLite database to path with
// VACUUM INTO, which reads one snapshot while other connections go on
// reading and writing, so a running server need not stop. The copy is
// written under a temporary name in path's folder, synced to disk and then
// renamed, so path never holds a partial copy. The file has mode 0600
// whatever the umask, because it holds every student's personal data and
// the encrypted signing keys. It returns fs.ErrExist when path exists,
// and ErrNotSQLite on PostgreSQL.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect.name != dialectSQLite {
		return fmt.Errorf("back up %s: %w", db.display, ErrNotSQLite)
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("back up to %s: %w", path, fs.ErrExist)
	}

	partial := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+uuid.NewString()[:8]+".partial")
	defer os.Remove(partial)
	if err := CreatePrivateFile(partial); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	// VACUUM INTO writes into an empty file that exists, keeping its mode.
	if _, err := db.sql.ExecContext(ctx, `VACUUM INTO ?`, partial); err != nil {
		return fmt.Errorf("back up %s to %s: %w", db.display, path, err)
	}
	if err := syncFile(partial); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}

	// The check and the rename are not atomic; a file created at path in
	// between would be replaced.
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("back up to %s: %w", path, fs.ErrExist)
	}
	if err := os.Rename(partial, path); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// CheckIntegrity runs SQLite's integrity_check, which reads every page and
// index, and returns its findings as an error. It returns ErrNotSQLite on
// PostgreSQL.
func (db *DB) CheckIntegrity(ctx context.Context) error {
	if db.dialect.name != dialectSQLite {
		return fmt.Errorf("check %s: %w", db.display, ErrNotSQLite)
	}
	rows, err := db.sql.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("check %s: %w", db.display, err)
	}
	defer rows.Close()

	var findings []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("check %s: %w", db.display, err)
		}
		if line != "ok" {
			findings = append(findings, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check %s: %w", db.display, err)
	}
	if len(findings) > 0 {
		return fmt.Errorf("check %s: the database is damaged: %s", db.display, strings.Join(findings, "; "))
	}
	return nil
}

// CreatePrivateFile creates an empty file at path that only its owner may
// read and write (mode 0600), for a program to write a backup into. It
// fails when path exists. The mode is set again after creation, because
// the umask may clear bits of the requested mode.
func CreatePrivateFile(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// ErrNotPostgres is returned by the PostgreSQL-only operations on an
// SQLite database.
var ErrNotPostgres = errors.New("this operation works on PostgreSQL databases only")

// ServerMajorVersion returns the PostgreSQL server's major version, such as
// 15 for 15.4.
func (db *DB) ServerMajorVersion(ctx context.Context) (int, error) {
	if db.dialect.name != dialectPostgres {
		return 0, fmt.Errorf("server version of %s: %w", db.display, ErrNotPostgres)
	}
	var num int
	if err := db.sql.QueryRowContext(ctx, `SELECT current_setting('server_version_num')::int`).Scan(&num); err != nil {
		return 0, fmt.Errorf("server version of %s: %w", db.display, err)
	}

	// Since PostgreSQL 10, server_version_num is major*10000 + minor.
	return num / 10000, nil
}

// FirstRelation returns the name, as schema.name, of a table, view or
// sequence in the PostgreSQL database outside the system schemas, or ""
// when it has none.
func (db *DB) FirstRelation(ctx context.Context) (string, error) {
	if db.dialect.name != dialectPostgres {
		return "", fmt.Errorf("list relations of %s: %w", db.display, ErrNotPostgres)
	}
	const q = `
SELECT n.nspname || '.' || c.relname
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
	AND n.nspname NOT IN ('pg_catalog', 'information_schema')
	AND n.nspname NOT LIKE 'pg\_toast%'
	AND n.nspname NOT LIKE 'pg\_temp%'
ORDER BY 1
LIMIT 1`

	var name string
	err := db.sql.QueryRowContext(ctx, q).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("list relations of %s: %w", db.display, err)
	}
	return name, nil
}
