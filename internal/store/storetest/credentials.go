package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

// revocation returns a revocation at hour n.
func revocation(n int, reason string) issuer.Revocation {
	return issuer.Revocation{At: hours(n), Reason: reason, By: "admin-1"}
}

// successor returns a new credential to replace the current one of a.
func successor(a *issuer.Award) issuer.Credential {
	id := uuid.NewString()
	return issuer.Credential{
		ID:       id,
		KeyID:    "key-2",
		JWS:      "eyJhbGciOiJFUzI1NiJ9.eyJqdGkiOiI" + id + "In0.c2lnbmF0dXJl",
		Document: []byte(`{"id":"https://badges.example.edu/credentials/` + id + `"}`),
		IssuedAt: hours(5),
	}
}

// replace replaces the current credential of a with a successor that has a
// new status entry, and returns the successor as stored.
func replace(t testing.TB, s issuer.Store, a *issuer.Award, r issuer.Revocation) issuer.Credential {
	t.Helper()
	next := successor(a)
	err := s.ReplaceCredentials(t.Context(), func(tx issuer.ReplaceTx) error {
		entries, err := tx.AllocateStatus(1)
		if err != nil {
			return err
		}
		next.StatusEntry = entries[0]
		return tx.Replace([]*issuer.Replacement{{OldID: a.Credential.ID, New: next, Revocation: r}})
	})
	requireNoError(t, "ReplaceCredentials", err)
	next.Status = issuer.CredentialActive
	next.Replaces = a.Credential.ID
	return next
}

func credentialOf(t testing.TB, s issuer.Store, id string) *issuer.Award {
	t.Helper()
	a, err := s.AwardByCredential(t.Context(), id)
	requireNoError(t, "AwardByCredential "+id, err)
	return a
}

var credentialCases = []testCase{
	{"revoke round trip", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		a := newAward(f.activity, f.students[0], f.achievements[0])
		other := newAward(f.activity, f.students[1], f.achievements[0])
		entries := recordWithStatus(t, s, f.activity, a, other)

		r := revocation(3, "awarded to the wrong student")
		requireNoError(t, "RevokeCredential", s.RevokeCredential(t.Context(), a.Credential.ID, r))

		got := credentialOf(t, s, a.Credential.ID)
		assertEqual(t, "award status", got.Status, issuer.AwardRevoked)
		assertEqual(t, "credential status", got.Credential.Status, issuer.CredentialRevoked)
		assertEqual(t, "revocation", got.Credential.Revocation, r)
		assertEqual(t, "other credential status", credentialOf(t, s, other.Credential.ID).Credential.Status, issuer.CredentialActive)

		revoked, err := s.RevokedStatusIndexes(t.Context(), entries[0].ListID)
		requireNoError(t, "RevokedStatusIndexes", err)
		assertEqual(t, "revoked indexes", revoked, []int{entries[0].Index})

		list, err := s.StatusList(t.Context(), entries[0].ListID)
		requireNoError(t, "StatusList", err)
		assertEqual(t, "list revision", list.Revision, int64(1))
		assertEqual(t, "list updated at", list.UpdatedAt, r.At)
	}},
	{"revoke twice conflicts", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		a := newAward(f.activity, f.students[0], f.achievements[0])
		entries := recordWithStatus(t, s, f.activity, a)
		requireNoError(t, "RevokeCredential", s.RevokeCredential(t.Context(), a.Credential.ID, revocation(1, "first")))

		err := s.RevokeCredential(t.Context(), a.Credential.ID, revocation(2, "second"))
		assertErrorIs(t, "second RevokeCredential", err, issuer.ErrConflict)
		assertEqual(t, "kept reason", credentialOf(t, s, a.Credential.ID).Credential.Revocation.Reason, "first")

		list, err := s.StatusList(t.Context(), entries[0].ListID)
		requireNoError(t, "StatusList", err)
		assertEqual(t, "list revision", list.Revision, int64(1))
	}},
	{"revoke unknown not found", func(t *testing.T, s issuer.Store) {
		err := s.RevokeCredential(t.Context(), uuid.NewString(), revocation(1, "x"))
		assertErrorIs(t, "RevokeCredential", err, issuer.ErrNotFound)
	}},
	{"revoke credential without entry", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		a := newAward(f.activity, f.students[0], f.achievements[0])
		recordAwards(t, s, f.activity, a)

		requireNoError(t, "RevokeCredential", s.RevokeCredential(t.Context(), a.Credential.ID, revocation(1, "x")))
		assertEqual(t, "status", credentialOf(t, s, a.Credential.ID).Credential.Status, issuer.CredentialRevoked)
	}},
	{"concurrent revocations lose none", func(t *testing.T, s issuer.Store) {
		const n = 24
		f := newUploadFixture(t, s, n)
		awards := make([]*issuer.Award, n)
		for i, st := range f.students {
			awards[i] = newAward(f.activity, st, f.achievements[0])
		}
		entries := recordWithStatus(t, s, f.activity, awards...)

		errs := make([]error, n)
		var wg sync.WaitGroup
		for i, a := range awards {
			wg.Go(func() {
				errs[i] = s.RevokeCredential(t.Context(), a.Credential.ID, revocation(i, fmt.Sprintf("reason %d", i)))
			})
		}
		wg.Wait()
		for i, err := range errs {
			requireNoError(t, fmt.Sprintf("RevokeCredential %d", i), err)
		}

		var want []int
		for _, e := range entries {
			want = append(want, e.Index)
		}
		slices.Sort(want)
		got, err := s.RevokedStatusIndexes(t.Context(), entries[0].ListID)
		requireNoError(t, "RevokedStatusIndexes", err)
		assertEqual(t, "revoked indexes", got, want)

		list, err := s.StatusList(t.Context(), entries[0].ListID)
		requireNoError(t, "StatusList", err)
		assertEqual(t, "list revision", list.Revision, int64(n))
	}},
	{"replace links both credentials", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		a := newAward(f.activity, f.students[0], f.achievements[0])
		entries := recordWithStatus(t, s, f.activity, a)
		r := revocation(4, "replaced by https://badges.example.edu/credentials/x")

		next := replace(t, s, a, r)

		old := credentialOf(t, s, a.Credential.ID)
		assertEqual(t, "old status", old.Credential.Status, issuer.CredentialRevoked)
		assertEqual(t, "old revocation", old.Credential.Revocation, r)
		assertEqual(t, "old replaced by", old.Credential.ReplacedBy, next.ID)
		assertEqual(t, "award status", old.Status, issuer.AwardActive)

		current, err := s.Award(t.Context(), a.ID)
		requireNoError(t, "Award", err)
		assertEqual(t, "current credential", current.Credential, next)
		assertEqual(t, "by new id", credentialOf(t, s, next.ID).Credential, next)

		listed, err := s.Awards(t.Context(), issuer.AwardFilter{ActivityID: f.activity.ID})
		requireNoError(t, "Awards", err)
		assertEqual(t, "awards listed", len(listed), 1)
		assertEqual(t, "listed credential", listed[0].Credential.ID, next.ID)

		revoked, err := s.RevokedStatusIndexes(t.Context(), entries[0].ListID)
		requireNoError(t, "RevokedStatusIndexes", err)
		assertEqual(t, "revoked indexes", revoked, []int{entries[0].Index})
	}},
	{"replace revoked conflicts", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		a := newAward(f.activity, f.students[0], f.achievements[0])
		recordWithStatus(t, s, f.activity, a)
		next := replace(t, s, a, revocation(1, "replaced"))

		err := s.ReplaceCredentials(t.Context(), func(tx issuer.ReplaceTx) error {
			return tx.Replace([]*issuer.Replacement{{OldID: a.Credential.ID, New: successor(a), Revocation: revocation(2, "again")}})
		})
		assertErrorIs(t, "ReplaceCredentials", err, issuer.ErrConflict)

		current, err := s.Award(t.Context(), a.ID)
		requireNoError(t, "Award", err)
		assertEqual(t, "current credential", current.Credential.ID, next.ID)
	}},
	{"replace unknown not found", func(t *testing.T, s issuer.Store) {
		err := s.ReplaceCredentials(t.Context(), func(tx issuer.ReplaceTx) error {
			return tx.Replace([]*issuer.Replacement{{OldID: uuid.NewString(), New: issuer.Credential{ID: uuid.NewString()}, Revocation: revocation(1, "x")}})
		})
		assertErrorIs(t, "ReplaceCredentials", err, issuer.ErrNotFound)
	}},
	{"replace failure keeps nothing", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		first := newAward(f.activity, f.students[0], f.achievements[0])
		second := newAward(f.activity, f.students[1], f.achievements[0])
		recordWithStatus(t, s, f.activity, first, second)

		err := s.ReplaceCredentials(t.Context(), func(tx issuer.ReplaceTx) error {
			entries, err := tx.AllocateStatus(1)
			if err != nil {
				return err
			}
			good := successor(first)
			good.StatusEntry = entries[0]
			unreserved := successor(second)
			unreserved.StatusEntry = issuer.StatusEntry{ListID: entries[0].ListID, Index: (entries[0].Index + 1) % issuer.MinStatusListSize}
			return tx.Replace([]*issuer.Replacement{
				{OldID: first.Credential.ID, New: good, Revocation: revocation(1, "x")},
				{OldID: second.Credential.ID, New: unreserved, Revocation: revocation(1, "x")},
			})
		})
		assertErrorIs(t, "ReplaceCredentials", err, issuer.ErrInvalid)

		for _, a := range []*issuer.Award{first, second} {
			got := credentialOf(t, s, a.Credential.ID)
			assertEqual(t, "status after rollback", got.Credential.Status, issuer.CredentialActive)
			current, err := s.Award(t.Context(), a.ID)
			requireNoError(t, "Award", err)
			assertEqual(t, "current credential after rollback", current.Credential.ID, a.Credential.ID)
		}
	}},
}
