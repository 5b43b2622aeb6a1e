package store

import (
	"context"
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
// renamed, so path never holds a partial copy. It returns fs.ErrExist when
// path exists, and ErrNotSQLite on PostgreSQL.
func (db *DB) Backup(ctx context.Context, path string) error {
	if db.dialect.name != dialectSQLite {
		return fmt.Errorf("back up %s: %w", db.display, ErrNotSQLite)
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("back up to %s: %w", path, fs.ErrExist)
	}

	partial := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+uuid.NewString()[:8]+".partial")
	defer os.Remove(partial)
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
