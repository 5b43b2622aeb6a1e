package storetest

import (
	"fmt"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

// recordWithStatus records an upload of activity in which every award gets
// a status entry reserved in the same transaction, and returns the entries
// in the order of awards.
func recordWithStatus(t testing.TB, s issuer.Store, activity *issuer.Activity, awards ...*issuer.Award) []issuer.StatusEntry {
	t.Helper()
	var entries []issuer.StatusEntry
	err := s.RecordUpload(t.Context(), newUpload(activity), func(tx issuer.UploadTx) error {
		var err error
		if entries, err = tx.AllocateStatus(len(awards)); err != nil {
			return err
		}
		for i, a := range awards {
			a.Credential.StatusEntry = entries[i]
		}
		return tx.Write(awards)
	})
	requireNoError(t, "record upload with status entries", err)
	return entries
}

// assertDistinctEntries checks that entries name distinct indexes inside
// lists of at least the minimum size, and returns the lists they use.
func assertDistinctEntries(t testing.TB, s issuer.Store, entries []issuer.StatusEntry) map[string]*issuer.StatusList {
	t.Helper()
	lists := map[string]*issuer.StatusList{}
	seen := map[issuer.StatusEntry]bool{}
	for _, e := range entries {
		if seen[e] {
			t.Errorf("entry %+v handed out twice", e)
		}
		seen[e] = true

		l, ok := lists[e.ListID]
		if !ok {
			var err error
			l, err = s.StatusList(t.Context(), e.ListID)
			requireNoError(t, "StatusList "+e.ListID, err)
			lists[e.ListID] = l
		}
		if e.Index < 0 || e.Index >= l.Size {
			t.Errorf("entry %+v is outside its list of %d entries", e, l.Size)
		}
	}
	return lists
}

var statusCases = []testCase{
	{"entries round trip", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 3)
		awards := []*issuer.Award{
			newAward(f.activity, f.students[0], f.achievements[0]),
			newAward(f.activity, f.students[1], f.achievements[0]),
			newAward(f.activity, f.students[2], f.achievements[1]),
		}
		entries := recordWithStatus(t, s, f.activity, awards...)
		assertEqual(t, "entries", len(entries), len(awards))
		lists := assertDistinctEntries(t, s, entries)
		assertEqual(t, "lists used", len(lists), 1)

		for _, a := range awards {
			got, err := s.AwardByCredential(t.Context(), a.Credential.ID)
			requireNoError(t, "AwardByCredential", err)
			assertEqual(t, "StatusEntry", got.Credential.StatusEntry, a.Credential.StatusEntry)
		}
	}},
	{"new list has minimum size", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		entries := recordWithStatus(t, s, f.activity, newAward(f.activity, f.students[0], f.achievements[0]))

		l, err := s.StatusList(t.Context(), entries[0].ListID)
		requireNoError(t, "StatusList", err)
		assertEqual(t, "Purpose", l.Purpose, issuer.StatusPurposeRevocation)
		assertEqual(t, "Size", l.Size, issuer.MinStatusListSize)
		assertEqual(t, "Revision", l.Revision, int64(0))
		if l.CreatedAt.IsZero() || !l.UpdatedAt.Equal(l.CreatedAt) {
			t.Errorf("CreatedAt %v, UpdatedAt %v; want both set and equal", l.CreatedAt, l.UpdatedAt)
		}

		revoked, err := s.RevokedStatusIndexes(t.Context(), l.ID)
		requireNoError(t, "RevokedStatusIndexes", err)
		assertEqual(t, "revoked indexes", revoked, []int{})
	}},
	{"unknown list not found", func(t *testing.T, s issuer.Store) {
		_, err := s.StatusList(t.Context(), uuid.NewString())
		assertErrorIs(t, "StatusList", err, issuer.ErrNotFound)
	}},
	{"later uploads reuse no index", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 40)
		var all []issuer.StatusEntry
		for _, st := range f.students {
			all = append(all, recordWithStatus(t, s, f.activity, newAward(f.activity, st, f.achievements[0]))...)
		}
		assertDistinctEntries(t, s, all)
	}},
	{"unreserved entry invalid", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		reserved := recordWithStatus(t, s, f.activity, newAward(f.activity, f.students[0], f.achievements[0]))

		a := newAward(f.activity, f.students[1], f.achievements[0])
		a.Credential.StatusEntry = issuer.StatusEntry{ListID: reserved[0].ListID, Index: (reserved[0].Index + 1) % issuer.MinStatusListSize}
		u := newUpload(f.activity)
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error { return tx.Write([]*issuer.Award{a}) })
		assertErrorIs(t, "RecordUpload", err, issuer.ErrInvalid)
		assertNothingKept(t, s, u)
	}},
	{"entry of another credential invalid", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		first := newAward(f.activity, f.students[0], f.achievements[0])
		entries := recordWithStatus(t, s, f.activity, first)

		second := newAward(f.activity, f.students[1], f.achievements[0])
		second.Credential.StatusEntry = entries[0]
		u := newUpload(f.activity)
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error { return tx.Write([]*issuer.Award{second}) })
		assertErrorIs(t, "RecordUpload", err, issuer.ErrInvalid)
		assertNothingKept(t, s, u)
	}},
	{"entry used twice in one upload invalid", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		u := newUpload(f.activity)
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			entries, err := tx.AllocateStatus(1)
			if err != nil {
				return err
			}
			awards := []*issuer.Award{newAward(f.activity, f.students[0], f.achievements[0]), newAward(f.activity, f.students[1], f.achievements[0])}
			for _, a := range awards {
				a.Credential.StatusEntry = entries[0]
			}
			return tx.Write(awards)
		})
		assertErrorIs(t, "RecordUpload", err, issuer.ErrInvalid)
		assertNothingKept(t, s, u)
	}},
	{"negative count invalid", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		err := s.RecordUpload(t.Context(), newUpload(f.activity), func(tx issuer.UploadTx) error {
			_, err := tx.AllocateStatus(-1)
			return err
		})
		assertErrorIs(t, "RecordUpload", err, issuer.ErrInvalid)
	}},
	{"full list starts another", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		const extra = 5
		var entries []issuer.StatusEntry
		err := s.RecordUpload(t.Context(), newUpload(f.activity), func(tx issuer.UploadTx) error {
			var err error
			entries, err = tx.AllocateStatus(issuer.MinStatusListSize + extra)
			return err
		})
		requireNoError(t, "RecordUpload", err)

		lists := assertDistinctEntries(t, s, entries)
		assertEqual(t, "lists used", len(lists), 2)
		perList := map[string]int{}
		for _, e := range entries {
			perList[e.ListID]++
		}
		counts := []int{perList[entries[0].ListID], perList[entries[len(entries)-1].ListID]}
		assertEqual(t, "entries per list", counts, []int{issuer.MinStatusListSize, extra})

		more := recordWithStatus(t, s, f.activity, newAward(f.activity, f.students[0], f.achievements[0]))
		assertEqual(t, "list of the next upload", more[0].ListID, entries[len(entries)-1].ListID)
	}},
	{"concurrent uploads get distinct entries", func(t *testing.T, s issuer.Store) {
		const uploads, students = 6, 40
		f := newUploadFixture(t, s, students)
		acts := make([]*issuer.Activity, uploads)
		for i := range acts {
			acts[i] = createActivity(t, s, fmt.Sprintf("Activity %d", i), f.achievements[0].ID)
		}

		results := make([][]issuer.StatusEntry, uploads)
		errs := make([]error, uploads)
		var wg sync.WaitGroup
		for i, act := range acts {
			wg.Go(func() {
				errs[i] = s.RecordUpload(t.Context(), newUpload(act), func(tx issuer.UploadTx) error {
					entries, err := tx.AllocateStatus(students)
					if err != nil {
						return err
					}
					for j, st := range f.students {
						a := newAward(act, st, f.achievements[0])
						a.Credential.StatusEntry = entries[j]
						if err := tx.Write([]*issuer.Award{a}); err != nil {
							return err
						}
					}
					results[i] = entries
					return nil
				})
			})
		}
		wg.Wait()

		var all []issuer.StatusEntry
		for i := range acts {
			requireNoError(t, fmt.Sprintf("upload %d", i), errs[i])
			all = append(all, results[i]...)
		}
		assertEqual(t, "entries", len(all), uploads*students)
		assertDistinctEntries(t, s, all)
	}},
}
