package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"

	"github.com/laurel-badges/laurel/migrations"
)

// ErrSchemaTooNew is returned when the database has a migration version that
// this build does not embed: a newer Laurel migrated it.
var ErrSchemaTooNew = errors.New("database schema is newer than this version of Laurel")

// ErrSchemaOutdated is returned when embedded migrations are not yet applied.
var ErrSchemaOutdated = errors.New("database schema is outdated")

// migration is one embedded SQL file.
type migration struct {
	version int
	name    string // file name, e.g. 0001_init.sql
	sql     string
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.sql$`)

// loadMigrations reads the migrations in dir of fsys, ordered by version.
// Versions must start at 1 and have no gaps, so that a file missing from a
// build is caught before anything runs.
func loadMigrations(fsys fs.FS, dir string) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}

	var out []migration
	for _, e := range entries {
		m := migrationName.FindStringSubmatch(e.Name())
		if e.IsDir() || m == nil {
			return nil, fmt.Errorf("read migrations: %s/%s: want files named NNNN_description.sql", dir, e.Name())
		}

		version, _ := strconv.Atoi(m[1])
		if version != len(out)+1 {
			return nil, fmt.Errorf("read migrations: %s/%s: want version %04d next, because versions start at 1 and have no gaps", dir, e.Name(), len(out)+1)
		}

		text, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migrations: %w", err)
		}
		out = append(out, migration{version: version, name: e.Name(), sql: string(text)})
	}
	return out, nil
}

func (db *DB) migrations() ([]migration, error) {
	return loadMigrations(migrations.FS, db.dialect.name)
}

// Migrate applies the pending migrations in order, each in its own
// transaction, and records each in the schema_migrations table. Then it
// applies River's migrations for the job queue, which River records in its
// own river_migration table. It returns how many of its own it applied. Several processes may run it at once: each file is
// applied once. It returns an error wrapping ErrSchemaTooNew, and applies
// nothing, when the database has a version this build does not know.
func (db *DB) Migrate(ctx context.Context) (applied int, err error) {
	applied, err = db.migrateSchema(ctx)
	if err != nil {
		return applied, err
	}
	if err := db.migrateRiver(ctx); err != nil {
		return applied, fmt.Errorf("migrate %s: %w", db.display, err)
	}
	return applied, nil
}

// migrateSchema applies Laurel's own migrations and returns how many.
func (db *DB) migrateSchema(ctx context.Context) (applied int, err error) {
	ms, err := db.migrations()
	if err != nil {
		return 0, err
	}

	err = db.withTx(ctx, func(c conn) error { return db.createMigrationsTable(ctx, c) })
	if err != nil {
		return 0, fmt.Errorf("migrate %s: %w", db.display, err)
	}

	for _, m := range ms {
		var done bool
		err := db.withTx(ctx, func(c conn) error {
			var err error
			done, err = db.applyMigration(ctx, c, m, len(ms))
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migrate %s to version %d (%s): %w", db.display, m.version, m.name, err)
		}
		if done {
			applied++
		}
	}
	return applied, nil
}

func (db *DB) createMigrationsTable(ctx context.Context, c conn) error {
	if err := db.lockMigrations(ctx, c); err != nil {
		return err
	}

	const create = `
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
)`
	if _, err := c.exec(ctx, create); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	return nil
}

// applyMigration applies m unless it is recorded already, and reports
// whether it did.
func (db *DB) applyMigration(ctx context.Context, c conn, m migration, latest int) (bool, error) {
	if err := db.lockMigrations(ctx, c); err != nil {
		return false, err
	}

	versions, err := appliedVersions(ctx, c)
	if err != nil {
		return false, err
	}
	if err := checkVersions(versions, latest); errors.Is(err, ErrSchemaTooNew) {
		return false, err
	}
	if versions[m.version] {
		return false, nil
	}

	// The file runs as written: rebinding would turn a ? in a comment or a
	// PostgreSQL operator into a placeholder.
	if _, err := c.q.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("run %s: %w", m.name, err)
	}

	const record = `
INSERT INTO schema_migrations (version, name, applied_at)
VALUES (?, ?, ?)`
	// applied_at is text on both dialects: it is read by people, not queries.
	if _, err := c.exec(ctx, record, m.version, m.name, now().Format(sqliteTimeLayout)); err != nil {
		return false, fmt.Errorf("record %s: %w", m.name, err)
	}
	return true, nil
}

func (db *DB) lockMigrations(ctx context.Context, c conn) error {
	if db.dialect.lockMigrations == "" {
		return nil
	}
	if _, err := c.exec(ctx, db.dialect.lockMigrations); err != nil {
		return fmt.Errorf("lock schema_migrations: %w", err)
	}
	return nil
}

// appliedVersions returns the recorded versions, or none when the
// schema_migrations table does not exist.
func appliedVersions(ctx context.Context, c conn) (map[int]bool, error) {
	var exists bool
	if err := c.queryRow(ctx, c.d.tableExists, "schema_migrations").Scan(&exists); err != nil {
		return nil, fmt.Errorf("look up schema_migrations: %w", err)
	}
	versions := map[int]bool{}
	if !exists {
		return versions, nil
	}

	rows, err := c.query(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()

	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		versions[v] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return versions, nil
}

// checkVersions compares the recorded versions with the embedded ones,
// 1 to latest.
func checkVersions(versions map[int]bool, latest int) error {
	current := maxVersion(versions)
	if current > latest {
		return fmt.Errorf("%w: the database is at version %d and this build of Laurel knows versions up to %d; upgrade Laurel", ErrSchemaTooNew, current, latest)
	}

	for v := 1; v <= latest; v++ {
		if !versions[v] {
			return fmt.Errorf("%w: the database is at version %d and this build of Laurel needs version %d; run `laurel migrate`", ErrSchemaOutdated, current, latest)
		}
	}
	return nil
}

func maxVersion(versions map[int]bool) int {
	current := 0
	for v := range versions {
		current = max(current, v)
	}
	return current
}

// SchemaVersion returns the highest applied migration version, or 0 for a
// database that was never migrated.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	versions, err := appliedVersions(ctx, db.conn())
	if err != nil {
		return 0, fmt.Errorf("schema version of %s: %w", db.display, err)
	}
	return maxVersion(versions), nil
}

// CheckSchema returns nil when every embedded migration is applied and the
// database has no other. Otherwise it returns an error wrapping
// ErrSchemaTooNew or ErrSchemaOutdated whose message names the fix.
func (db *DB) CheckSchema(ctx context.Context) error {
	ms, err := db.migrations()
	if err != nil {
		return err
	}

	versions, err := appliedVersions(ctx, db.conn())
	if err != nil {
		return fmt.Errorf("check schema of %s: %w", db.display, err)
	}

	if err := checkVersions(versions, len(ms)); err != nil {
		return fmt.Errorf("check schema of %s: %w", db.display, err)
	}
	return nil
}
