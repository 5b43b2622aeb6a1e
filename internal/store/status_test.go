package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// TestAllocateStatusSkipsBlocksOfRunningTransaction holds a PostgreSQL
// transaction that reserved entries of a list. A second transaction must
// reserve its entries at once, without waiting for the first to end and
// without taking any of its entries. It reserves in the same list while
// blocks are left, and in a new list when the first holds them all.
func TestAllocateStatusSkipsBlocksOfRunningTransaction(t *testing.T) {
	postgresBaseURL(t)
	tests := []struct {
		name         string
		holderCount  int // entries the first transaction reserves
		want         int // entries the second transaction reserves
		wantSameList int // of those, how many in the first list
	}{
		{name: "blocks left", holderCount: 100, want: 20, wantSameList: 20},
		{name: "every block held", holderCount: issuer.MinStatusListSize - 5, want: 10, wantSameList: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := migratedTestDB(t, postgresTestURL(t))
			ctx := t.Context()
			err := db.withTx(ctx, func(c conn) error {
				_, err := createStatusList(ctx, c)
				return err
			})
			if err != nil {
				t.Fatalf("create status list: %v", err)
			}

			holderEntries, release, holderDone := holdReservation(t, db, tt.holderCount)

			// The second transaction must finish while the first still runs.
			quick, cancel := context.WithTimeout(ctx, 20*time.Second)
			defer cancel()
			var got []issuer.StatusEntry
			err = db.withTx(quick, func(c conn) error {
				var err error
				got, err = allocateStatus(quick, c, tt.want)
				return err
			})
			close(release)
			if err != nil {
				t.Fatalf("second transaction: %v", err)
			}
			if err := <-holderDone; err != nil {
				t.Fatalf("first transaction: %v", err)
			}

			holderSet := make(map[issuer.StatusEntry]bool, len(holderEntries))
			for _, e := range holderEntries {
				holderSet[e] = true
			}
			inFirst := 0
			for _, e := range got {
				if holderSet[e] {
					t.Errorf("entry %+v reserved by both transactions", e)
				}
				if e.ListID == holderEntries[0].ListID {
					inFirst++
				}
			}
			if len(got) != tt.want || inFirst != tt.wantSameList {
				t.Errorf("second transaction got %d entries, %d in the first list; want %d, %d", len(got), inFirst, tt.want, tt.wantSameList)
			}
		})
	}
}

// holdReservation reserves n entries in a transaction that stays open
// until release is closed, and returns the entries and the transaction's
// result channel.
func holdReservation(t *testing.T, db *DB, n int) ([]issuer.StatusEntry, chan struct{}, chan error) {
	t.Helper()
	ctx := t.Context()
	reserved := make(chan []issuer.StatusEntry)
	release := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		done <- db.withTx(ctx, func(c conn) error {
			entries, err := allocateStatus(ctx, c, n)
			if err != nil {
				close(reserved)
				return err
			}
			reserved <- entries
			<-release
			return nil
		})
	}()
	entries, ok := <-reserved
	if !ok {
		t.Fatalf("first transaction: %v", <-done)
	}
	return entries, release, done
}

// TestMigrationMovesCredentials writes an award with the schema of version
// 1 and checks that version 2 moves its credential into the credentials
// table, resolvable by its id, with no status entry.
func TestMigrationMovesCredentials(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, newURL func(testing.TB) string) {
		db := openTestDB(t, newURL(t))
		ctx := t.Context()
		migrateTo(t, db, 1)

		for _, q := range []string{
			`INSERT INTO achievements (id, code, name, description, criteria, criteria_url, achievement_type, tags, min_hours, valid_for_days, image_type, image_data, created_at, updated_at)
			 VALUES ('ach-1', 'IPC', 'Badge', 'd', 'c', '', '', '[]', 0, 0, '', '', '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z')`,
			`INSERT INTO students (id, number, name, chinese_name, email, programme, year_of_entry, study_mode, status, created_at, updated_at)
			 VALUES ('stu-1', 'S1', 'Student', '', 's@example.edu', '', 0, '', 'current', '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z')`,
			`INSERT INTO activities (id, title, description, unit, hours, extracurricular, open_to_all, min_attendance, created_at)
			 VALUES ('act-1', 'Talk', '', 'Unit', 1, TRUE, TRUE, 0.75, '2025-01-01T00:00:00.000000Z')`,
			`INSERT INTO awards (id, activity_id, student_id, achievement_id, status, issued_at, credential_id, credential_key_id, credential_jws, credential_document)
			 VALUES ('award-1', 'act-1', 'stu-1', 'ach-1', 'active', '2025-02-01T10:00:00.000000Z', 'cred-1', 'key-1', 'a.b.c', '{"id":"x"}')`,
		} {
			mustExec(t, db, q)
		}

		if _, err := db.Migrate(ctx); err != nil {
			t.Fatalf("Migrate: %v", err)
		}

		a, err := db.AwardByCredential(ctx, "cred-1")
		if err != nil {
			t.Fatalf("AwardByCredential: %v", err)
		}
		want := issuer.Credential{
			ID: "cred-1", KeyID: "key-1", JWS: "a.b.c", Document: []byte(`{"id":"x"}`),
			IssuedAt: time.Date(2025, 2, 1, 10, 0, 0, 0, time.UTC), Status: issuer.CredentialActive,
		}
		if a.ID != "award-1" || a.SessionsTotal != 0 {
			t.Errorf("award = %+v, want award-1 with 0 sessions", a)
		}
		if got := a.Credential; got.ID != want.ID || got.KeyID != want.KeyID || got.JWS != want.JWS || string(got.Document) != string(want.Document) ||
			!got.IssuedAt.Equal(want.IssuedAt) || got.Status != want.Status || !got.StatusEntry.IsZero() {
			t.Errorf("credential = %+v, want %+v", got, want)
		}

		if db.Dialect() == dialectSQLite {
			var parents string
			err := db.conn().queryRow(ctx, `SELECT group_concat("table") FROM pragma_foreign_key_list('credentials')`).Scan(&parents)
			if err != nil {
				t.Fatalf("read foreign keys of credentials: %v", err)
			}
			if strings.Contains(parents, "awards_new") || !strings.Contains(parents, "awards") {
				t.Errorf("credentials references %s, want awards", parents)
			}
		}

		current, err := db.Award(ctx, "award-1")
		if err != nil {
			t.Fatalf("Award: %v", err)
		}
		if current.Credential.ID != "cred-1" {
			t.Errorf("current credential = %s, want cred-1", current.Credential.ID)
		}
	})
}

// TestMigrationKeepsReservedEntries writes entry rows as version 4 did,
// one per entry with a reserved flag, and checks that version 5 keeps the
// reserved ones only, which credentials still reference.
func TestMigrationKeepsReservedEntries(t *testing.T) {
	forEachDatabase(t, func(t *testing.T, newURL func(testing.TB) string) {
		db := openTestDB(t, newURL(t))
		migrateTo(t, db, 4)
		mustExec(t, db, `INSERT INTO status_lists (id, purpose, size, revision, created_at, updated_at)
			VALUES ('list-1', 'revocation', 131072, 0, '2025-01-01T00:00:00.000000Z', '2025-01-01T00:00:00.000000Z')`)
		mustExec(t, db, `INSERT INTO status_entries (status_list_id, status_index, reserved)
			VALUES ('list-1', 0, FALSE), ('list-1', 7, TRUE), ('list-1', 8, FALSE), ('list-1', 94567, TRUE)`)

		if _, err := db.Migrate(t.Context()); err != nil {
			t.Fatalf("Migrate: %v", err)
		}
		got, err := queryInts(t.Context(), db.conn(), `SELECT status_index FROM status_entries ORDER BY status_index`)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0] != 7 || got[1] != 94567 {
			t.Errorf("entries after the migration = %v, want [7 94567]", got)
		}

		// The list takes new entries around the kept ones.
		var entries []issuer.StatusEntry
		err = db.withTx(t.Context(), func(c conn) error {
			var err error
			entries, err = allocateStatus(t.Context(), c, 3)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.ListID != "list-1" || e.Index == 7 || e.Index == 94567 {
				t.Errorf("new entry %+v, want a free index of list-1", e)
			}
		}
	})
}

// migrateTo applies the embedded migrations up to version.
func migrateTo(tb testing.TB, db *DB, version int) {
	tb.Helper()
	ms, err := db.migrations()
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.withTx(tb.Context(), func(c conn) error { return db.createMigrationsTable(tb.Context(), c) }); err != nil {
		tb.Fatal(err)
	}
	for _, m := range ms[:version] {
		err := db.withTx(tb.Context(), func(c conn) error {
			_, err := db.applyMigration(tb.Context(), c, m, len(ms))
			return err
		})
		if err != nil {
			tb.Fatalf("apply %s: %v", m.name, err)
		}
	}
}
