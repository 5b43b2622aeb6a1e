package store

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

func TestUserByTokenHashRecordsUse(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, newURL func(testing.TB) string) {
		db := migratedTestDB(t, newURL(t))
		user := &issuer.User{Name: "sis", Role: issuer.RoleAdmin}
		if err := db.CreateUser(t.Context(), user); err != nil {
			t.Fatalf("CreateUser: %v", err)
		}
		hash := sha256.Sum256([]byte("secret"))
		token := &issuer.APIToken{UserID: user.ID, Name: "sis", Hash: hash[:]}
		if err := db.CreateToken(t.Context(), token); err != nil {
			t.Fatalf("CreateToken: %v", err)
		}

		used := time.Date(2025, time.May, 1, 8, 0, 0, 987654321, time.UTC)
		if _, err := db.UserByTokenHash(t.Context(), hash[:], used); err != nil {
			t.Fatalf("UserByTokenHash: %v", err)
		}

		var got time.Time
		err := db.conn().queryRow(t.Context(), `SELECT last_used_at FROM api_tokens WHERE id = ?`, token.ID).Scan(timeDest(&got))
		if err != nil {
			t.Fatalf("read last_used_at: %v", err)
		}
		if want := used.Truncate(time.Microsecond); !got.Equal(want) {
			t.Errorf("last_used_at = %v, want %v", got, want)
		}
	})
}

func TestAuditLogAppendOnly(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, newURL func(testing.TB) string) {
		db := migratedTestDB(t, newURL(t))
		if err := db.Audit(t.Context(), &issuer.AuditEntry{Action: "token.create"}); err != nil {
			t.Fatalf("Audit: %v", err)
		}

		tests := []struct {
			name  string
			query string
		}{
			{"update", `UPDATE audit_log SET action = 'forged'`},
			{"delete", `DELETE FROM audit_log`},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := db.conn().exec(t.Context(), tt.query); err == nil {
					t.Errorf("%s succeeded, want the trigger to reject it", tt.query)
				}
			})
		}

		entries, err := db.AuditEntries(t.Context(), 0)
		if err != nil {
			t.Fatalf("AuditEntries: %v", err)
		}
		if len(entries) != 1 || entries[0].Action != "token.create" {
			t.Errorf("AuditEntries = %+v, want the one entry unchanged", entries)
		}
	})
}

func TestSQLiteTimesSortAsText(t *testing.T) {
	// Stored times are compared as text on SQLite, so a later time must
	// format to a greater string, including across a whole second.
	times := []time.Time{
		time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC),
		time.Date(2025, 1, 1, 10, 0, 0, 1000, time.UTC),
		time.Date(2025, 1, 1, 10, 0, 0, 500000000, time.UTC),
		time.Date(2025, 1, 1, 10, 0, 1, 0, time.UTC),
		time.Date(2025, 1, 1, 18, 0, 0, 0, time.FixedZone("HKT", 8*3600)).Add(time.Hour),
	}
	for i := 1; i < len(times); i++ {
		prev := sqliteDialect.timeArg(times[i-1]).(string)
		next := sqliteDialect.timeArg(times[i]).(string)
		if prev >= next {
			t.Errorf("%v stored as %q, not before %v stored as %q", times[i-1], prev, times[i], next)
		}
	}
}
