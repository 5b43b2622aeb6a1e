package store

import (
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/laurel-badges/laurel/migrations"
)

func TestMigrationsMatchAcrossDialects(t *testing.T) {
	sqliteFiles, err := loadMigrations(migrations.FS, dialectSQLite)
	if err != nil {
		t.Fatalf("load sqlite migrations: %v", err)
	}
	postgresFiles, err := loadMigrations(migrations.FS, dialectPostgres)
	if err != nil {
		t.Fatalf("load postgres migrations: %v", err)
	}

	if len(sqliteFiles) == 0 {
		t.Fatal("no sqlite migrations embedded")
	}
	if len(sqliteFiles) != len(postgresFiles) {
		t.Fatalf("sqlite has %d migrations and postgres %d, want the same", len(sqliteFiles), len(postgresFiles))
	}
	for i := range sqliteFiles {
		if sqliteFiles[i].name != postgresFiles[i].name {
			t.Errorf("migration %d is %s on sqlite and %s on postgres, want the same name", i+1, sqliteFiles[i].name, postgresFiles[i].name)
		}
	}
}

func TestLoadMigrationsRejects(t *testing.T) {
	tests := []struct {
		name  string
		files fstest.MapFS
		want  string
	}{
		{
			name:  "gap",
			files: fstest.MapFS{"d/0001_init.sql": {}, "d/0003_more.sql": {}},
			want:  "want version 0002 next",
		},
		{
			name:  "not starting at one",
			files: fstest.MapFS{"d/0002_init.sql": {}},
			want:  "want version 0001 next",
		},
		{
			name:  "bad name",
			files: fstest.MapFS{"d/0001_init.sql": {}, "d/2_more.sql": {}},
			want:  "NNNN_description.sql",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadMigrations(tt.files, "d")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("loadMigrations error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestMigrate(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, newURL func(testing.TB) string) {
		embedded, err := loadMigrations(migrations.FS, dialectSQLite)
		if err != nil {
			t.Fatal(err)
		}
		latest := len(embedded)

		t.Run("empty database outdated", func(t *testing.T) {
			db := openTestDB(t, newURL(t))
			version, err := db.SchemaVersion(t.Context())
			if err != nil {
				t.Fatalf("SchemaVersion: %v", err)
			}
			if version != 0 {
				t.Errorf("SchemaVersion = %d, want 0", version)
			}
			if err := db.CheckSchema(t.Context()); !errors.Is(err, ErrSchemaOutdated) {
				t.Errorf("CheckSchema error = %v, want %v", err, ErrSchemaOutdated)
			}
		})

		t.Run("applies all then none", func(t *testing.T) {
			db := openTestDB(t, newURL(t))
			for _, want := range []int{latest, 0} {
				applied, err := db.Migrate(t.Context())
				if err != nil {
					t.Fatalf("Migrate: %v", err)
				}
				if applied != want {
					t.Errorf("Migrate applied %d, want %d", applied, want)
				}
			}

			version, err := db.SchemaVersion(t.Context())
			if err != nil {
				t.Fatalf("SchemaVersion: %v", err)
			}
			if version != latest {
				t.Errorf("SchemaVersion = %d, want %d", version, latest)
			}
			if err := db.CheckSchema(t.Context()); err != nil {
				t.Errorf("CheckSchema: %v", err)
			}

			var riverJobs bool
			if err := db.conn().queryRow(t.Context(), db.dialect.tableExists, "river_job").Scan(&riverJobs); err != nil {
				t.Fatalf("look up river_job: %v", err)
			}
			if !riverJobs {
				t.Error("Migrate did not create River's river_job table")
			}
		})

		t.Run("too new refused", func(t *testing.T) {
			db := migratedTestDB(t, newURL(t))
			mustExec(t, db, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				latest+1, "9999_future.sql", "2030-01-01T00:00:00.000000Z")

			if err := db.CheckSchema(t.Context()); !errors.Is(err, ErrSchemaTooNew) {
				t.Errorf("CheckSchema error = %v, want %v", err, ErrSchemaTooNew)
			}
			if _, err := db.Migrate(t.Context()); !errors.Is(err, ErrSchemaTooNew) {
				t.Errorf("Migrate error = %v, want %v", err, ErrSchemaTooNew)
			}
		})

		t.Run("missing version outdated", func(t *testing.T) {
			db := migratedTestDB(t, newURL(t))
			mustExec(t, db, `DELETE FROM schema_migrations WHERE version = ?`, latest)

			if err := db.CheckSchema(t.Context()); !errors.Is(err, ErrSchemaOutdated) {
				t.Errorf("CheckSchema error = %v, want %v", err, ErrSchemaOutdated)
			}
		})

		t.Run("concurrent runs apply each once", func(t *testing.T) {
			databaseURL := newURL(t)
			const runs = 4
			dbs := make([]*DB, runs)
			for i := range dbs {
				dbs[i] = openTestDB(t, databaseURL)
			}

			applied := make([]int, runs)
			errs := make([]error, runs)
			var wg sync.WaitGroup
			for i, db := range dbs {
				wg.Go(func() { applied[i], errs[i] = db.Migrate(t.Context()) })
			}
			wg.Wait()

			total := 0
			for i := range runs {
				if errs[i] != nil {
					t.Errorf("Migrate %d: %v", i, errs[i])
				}
				total += applied[i]
			}
			if total != latest {
				t.Errorf("Migrate runs applied %d migrations in total, want %d", total, latest)
			}
			if err := dbs[0].CheckSchema(t.Context()); err != nil {
				t.Errorf("CheckSchema: %v", err)
			}
		})
	})
}
