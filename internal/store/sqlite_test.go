package store

import (
	"testing"

	"github.com/laurel-badges/laurel/internal/store/storetest"
	"github.com/laurel-badges/laurel/issuer"
)

func TestSQLiteStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) issuer.Store {
		return schemaTestDB(t, sqliteTestURL(t))
	})
	storetest.RunJobs(t, func(t *testing.T) issuer.Store {
		return migratedTestDB(t, sqliteTestURL(t))
	})
}

func TestSQLiteSettings(t *testing.T) {
	db := migratedTestDB(t, sqliteTestURL(t))

	tests := []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "30000"},
		{"synchronous", "2"}, // FULL
	}
	for _, tt := range tests {
		t.Run(tt.pragma, func(t *testing.T) {
			var got string
			if err := db.sql.QueryRowContext(t.Context(), "PRAGMA "+tt.pragma).Scan(&got); err != nil {
				t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
			}
			if got != tt.want {
				t.Errorf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
			}
		})
	}
}
