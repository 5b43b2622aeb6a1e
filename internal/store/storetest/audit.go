package storetest

import (
	"fmt"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

var auditCases = []testCase{
	{"empty", func(t *testing.T, s issuer.Store) {
		got, err := s.AuditEntries(t.Context(), 10)
		requireNoError(t, "AuditEntries", err)
		assertEqual(t, "count", len(got), 0)
	}},
	{"newest first with limit", func(t *testing.T, s issuer.Store) {
		var entries []*issuer.AuditEntry
		for i := range 5 {
			e := &issuer.AuditEntry{
				At:      hours(i),
				ActorID: "user-1",
				Action:  "upload.issue",
				Subject: fmt.Sprintf("upload-%d", i),
				Detail:  `{"awards":3}`,
				Remote:  "192.0.2.7",
			}
			requireNoError(t, "Audit", s.Audit(t.Context(), e))
			if i > 0 && e.ID <= entries[i-1].ID {
				t.Errorf("entry %d has ID %d, want more than the previous %d", i, e.ID, entries[i-1].ID)
			}
			entries = append(entries, e)
		}
		newestFirst := []*issuer.AuditEntry{entries[4], entries[3], entries[2], entries[1], entries[0]}

		tests := []struct {
			name  string
			limit int
			want  []*issuer.AuditEntry
		}{
			{"no limit", 0, newestFirst},
			{"limit", 2, newestFirst[:2]},
			{"limit above count", 50, newestFirst},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.AuditEntries(t.Context(), tt.limit)
				requireNoError(t, "AuditEntries", err)
				assertEqual(t, "AuditEntries", got, tt.want)
			})
		}
	}},
	{"order follows appends not times", func(t *testing.T, s issuer.Store) {
		// The log is in append order even when a caller's clock went back.
		late := &issuer.AuditEntry{At: hours(5), Action: "key.rotate"}
		early := &issuer.AuditEntry{At: hours(1), Action: "role.change"}
		requireNoError(t, "Audit", s.Audit(t.Context(), late))
		requireNoError(t, "Audit", s.Audit(t.Context(), early))

		got, err := s.AuditEntries(t.Context(), 0)
		requireNoError(t, "AuditEntries", err)
		assertEqual(t, "AuditEntries", got, []*issuer.AuditEntry{early, late})
	}},
}

var pingCases = []testCase{
	{"answers", func(t *testing.T, s issuer.Store) {
		requireNoError(t, "Ping", s.Ping(t.Context()))
	}},
}
