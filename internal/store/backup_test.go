package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestBackupWhileWriting(t *testing.T) {
	db := migratedTestDB(t, sqliteTestURL(t))
	ctx := t.Context()
	if err := db.Audit(ctx, &issuer.AuditEntry{Action: "before.backup"}); err != nil {
		t.Fatal(err)
	}

	// A writer keeps appending while the backup runs, as a server would.
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := db.Audit(context.Background(), &issuer.AuditEntry{Action: "during.backup"}); err != nil {
				t.Errorf("write during the backup: %v", err)
				return
			}
		}
	})

	path := filepath.Join(t.TempDir(), "backup.db")
	err := db.Backup(ctx, path)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("Backup: %v", err)
	}

	copied := openTestDB(t, path)
	if err := copied.CheckSchema(ctx); err != nil {
		t.Errorf("CheckSchema of the copy: %v", err)
	}
	if err := copied.CheckIntegrity(ctx); err != nil {
		t.Errorf("CheckIntegrity of the copy: %v", err)
	}
	entries, err := copied.AuditEntries(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 || entries[len(entries)-1].Action != "before.backup" {
		t.Errorf("the copy has %d audit entries, the oldest %+v; want the one written before the backup", len(entries), entries)
	}

	leftovers, err := filepath.Glob(filepath.Join(filepath.Dir(path), ".*partial"))
	if err != nil || len(leftovers) != 0 {
		t.Errorf("temporary files left: %v %v", leftovers, err)
	}
}

func TestBackupRefusesExistingFile(t *testing.T) {
	db := migratedTestDB(t, sqliteTestURL(t))
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, []byte("keep me"), 0o600); err != nil {
		t.Fatal(err)
	}

	if err := db.Backup(t.Context(), path); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Backup over an existing file: error = %v, want %v", err, fs.ErrExist)
	}
	if data, _ := os.ReadFile(path); string(data) != "keep me" {
		t.Error("Backup changed the existing file")
	}
}

func TestBackupNeedsSQLite(t *testing.T) {
	postgresBaseURL(t)
	db := migratedTestDB(t, postgresTestURL(t))
	tests := []struct {
		name string
		run  func() error
	}{
		{"Backup", func() error { return db.Backup(t.Context(), filepath.Join(t.TempDir(), "b.db")) }},
		{"CheckIntegrity", func() error { return db.CheckIntegrity(t.Context()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); !errors.Is(err, ErrNotSQLite) {
				t.Errorf("error = %v, want %v", err, ErrNotSQLite)
			}
		})
	}
	if db.Path() != "" {
		t.Errorf("Path = %q on PostgreSQL, want empty", db.Path())
	}
}

func TestCheckIntegrityFindsDamage(t *testing.T) {
	path := sqliteTestURL(t)
	db := migratedTestDB(t, path)
	if err := db.CheckIntegrity(t.Context()); err != nil {
		t.Fatalf("CheckIntegrity of a new database: %v", err)
	}

	// An index that lacks a row of its table is what integrity_check reports.
	mustExec(t, db, `PRAGMA writable_schema = ON`)
	mustExec(t, db, `INSERT INTO students (id, number, name, chinese_name, email, programme, year_of_entry, study_mode, status, created_at, updated_at)
		VALUES ('x', 'S1', 'n', '', 'e@example.edu', '', 0, '', 'current', '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z')`)
	mustExec(t, db, `UPDATE sqlite_schema SET sql = replace(sql, 'students (status, number)', 'students (number, status)') WHERE name = 'students_status'`)
	db.Close()

	damaged := openTestDB(t, path)
	if err := damaged.CheckIntegrity(t.Context()); err == nil {
		t.Error("CheckIntegrity found nothing in a damaged database")
	}
}
