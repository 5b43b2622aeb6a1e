package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

// uploadFixture is an activity offering two achievements, and students.
type uploadFixture struct {
	activity     *issuer.Activity
	achievements []*issuer.Achievement
	students     []*issuer.Student
}

func newUploadFixture(t testing.TB, s issuer.Store, students int) *uploadFixture {
	t.Helper()
	ipc := createAchievement(t, s, "IPC")
	ec := createAchievement(t, s, "EC")
	return &uploadFixture{
		activity:     createActivity(t, s, "Workshop", ipc.ID, ec.ID),
		achievements: []*issuer.Achievement{ipc, ec},
		students:     createStudents(t, s, students),
	}
}

// assertNothingKept checks that upload u left no trace.
func assertNothingKept(t testing.TB, s issuer.Store, u *issuer.Upload) {
	t.Helper()
	if got, err := s.Upload(t.Context(), u.ID); !errors.Is(err, issuer.ErrNotFound) {
		t.Errorf("Upload after rollback = %+v, %v; want %v", got, err, issuer.ErrNotFound)
	}

	uploads, err := s.Uploads(t.Context(), u.ActivityID)
	requireNoError(t, "Uploads", err)
	for _, listed := range uploads {
		if listed.ID == u.ID {
			t.Errorf("Uploads lists upload %s after rollback", u.ID)
		}
	}

	awards, err := s.Awards(t.Context(), issuer.AwardFilter{UploadID: u.ID})
	requireNoError(t, "Awards", err)
	assertEqual(t, "awards kept", len(awards), 0)
}

var recordUploadCases = []testCase{
	{"round trip", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		uploader := createUser(t, s, "organiser", issuer.RoleOrganiser)
		awards := []*issuer.Award{
			newAward(f.activity, f.students[0], f.achievements[0]),
			newAward(f.activity, f.students[0], f.achievements[1]),
			newAward(f.activity, f.students[1], f.achievements[0]),
		}
		u := newUpload(f.activity)
		u.UploadedBy = uploader.ID
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			if err := tx.Write(awards[:2]); err != nil {
				return err
			}
			return tx.Write(awards[2:])
		})
		requireNoError(t, "RecordUpload", err)

		want := *u
		want.AwardCount = len(awards)
		got, err := s.Upload(t.Context(), u.ID)
		requireNoError(t, "Upload", err)
		assertEqual(t, "Upload", got, &want)

		for _, a := range awards {
			a.UploadID = u.ID
			got, err := s.Award(t.Context(), a.ID)
			requireNoError(t, "Award", err)
			assertEqual(t, "Award", got, a)

			got, err = s.AwardByCredential(t.Context(), a.Credential.ID)
			requireNoError(t, "AwardByCredential", err)
			assertEqual(t, "AwardByCredential", got, a)
		}
	}},
	{"defaults filled in", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		a := newAward(f.activity, f.students[0], f.achievements[0])
		a.ID = ""
		a.ActivityID = ""
		a.Status = ""
		a.IssuedAt = time.Time{}
		u := newUpload(f.activity)
		u.ID = ""

		before := time.Now()
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			return tx.Write([]*issuer.Award{a})
		})
		after := time.Now()
		requireNoError(t, "RecordUpload", err)
		if u.ID == "" || a.ID == "" {
			t.Fatalf("upload id %q, award id %q; want new UUIDs", u.ID, a.ID)
		}

		got, err := s.Award(t.Context(), a.ID)
		requireNoError(t, "Award", err)
		assertEqual(t, "ActivityID", got.ActivityID, f.activity.ID)
		assertEqual(t, "UploadID", got.UploadID, u.ID)
		assertEqual(t, "Status", got.Status, issuer.AwardActive)
		assertBetween(t, "IssuedAt", got.IssuedAt, before, after)
	}},
	{"uploads newest first without original", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		var want []*issuer.Upload
		for i, st := range f.students {
			u := newUpload(f.activity)
			u.CreatedAt = hours(i)
			err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
				return tx.Write([]*issuer.Award{newAward(f.activity, st, f.achievements[0])})
			})
			requireNoError(t, "RecordUpload", err)
			listed := *u
			listed.Original = nil
			listed.AwardCount = 1
			want = append([]*issuer.Upload{&listed}, want...)
		}

		got, err := s.Uploads(t.Context(), f.activity.ID)
		requireNoError(t, "Uploads", err)
		assertEqual(t, "Uploads", got, want)
	}},
	{"empty upload kept", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		u := newUpload(f.activity)
		err := s.RecordUpload(t.Context(), u, func(issuer.UploadTx) error { return nil })
		requireNoError(t, "RecordUpload", err)

		got, err := s.Upload(t.Context(), u.ID)
		requireNoError(t, "Upload", err)
		assertEqual(t, "AwardCount", got.AwardCount, 0)
	}},
	{"fill error keeps nothing", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		errFill := errors.New("signing failed")
		u := newUpload(f.activity)
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			if err := tx.Write([]*issuer.Award{newAward(f.activity, f.students[0], f.achievements[0])}); err != nil {
				return err
			}
			return errFill
		})
		assertErrorIs(t, "RecordUpload", err, errFill)
		assertNothingKept(t, s, u)
	}},
	{"conflict inside batch keeps nothing", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		u := newUpload(f.activity)
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			return tx.Write([]*issuer.Award{
				newAward(f.activity, f.students[0], f.achievements[0]),
				newAward(f.activity, f.students[1], f.achievements[0]),
				newAward(f.activity, f.students[0], f.achievements[0]),
			})
		})
		assertErrorIs(t, "RecordUpload", err, issuer.ErrConflict)
		assertNothingKept(t, s, u)
	}},
	{"conflict with earlier upload", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		first := newAward(f.activity, f.students[0], f.achievements[0])
		recordAwards(t, s, f.activity, first)

		u := newUpload(f.activity)
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			if err := tx.Write([]*issuer.Award{newAward(f.activity, f.students[1], f.achievements[0])}); err != nil {
				return err
			}
			return tx.Write([]*issuer.Award{newAward(f.activity, f.students[0], f.achievements[0])})
		})
		assertErrorIs(t, "RecordUpload", err, issuer.ErrConflict)

		if _, err := s.Upload(t.Context(), u.ID); !errors.Is(err, issuer.ErrNotFound) {
			t.Errorf("Upload of the failed upload: error = %v, want %v", err, issuer.ErrNotFound)
		}
		awards, err := s.Awards(t.Context(), issuer.AwardFilter{ActivityID: f.activity.ID})
		requireNoError(t, "Awards", err)
		assertEqual(t, "award ids", awardIDs(awards), []string{first.ID})
	}},
	{"ignored write error keeps nothing", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		u := newUpload(f.activity)
		var writeErrs []error
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			a := newAward(f.activity, f.students[0], f.achievements[0])
			writeErrs = append(writeErrs,
				tx.Write([]*issuer.Award{a}),
				tx.Write([]*issuer.Award{a}),
				tx.Write([]*issuer.Award{newAward(f.activity, f.students[1], f.achievements[0])}),
			)
			return nil
		})
		assertErrorIs(t, "RecordUpload", err, issuer.ErrConflict)
		if writeErrs[0] != nil {
			t.Errorf("first write: %v", writeErrs[0])
		}
		assertErrorIs(t, "write of a duplicate", writeErrs[1], issuer.ErrConflict)
		assertErrorIs(t, "write after a failed write", writeErrs[2], issuer.ErrConflict)
		assertNothingKept(t, s, u)
	}},
	{"duplicate credential id conflicts", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		first := newAward(f.activity, f.students[0], f.achievements[0])
		recordAwards(t, s, f.activity, first)

		second := newAward(f.activity, f.students[1], f.achievements[0])
		second.Credential.ID = first.Credential.ID
		u := newUpload(f.activity)
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			return tx.Write([]*issuer.Award{second})
		})
		assertErrorIs(t, "RecordUpload", err, issuer.ErrConflict)
		assertNothingKept(t, s, u)
	}},
	{"unknown student keeps nothing", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		ghost := &issuer.Student{ID: uuid.NewString()}
		u := newUpload(f.activity)
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			return tx.Write([]*issuer.Award{newAward(f.activity, ghost, f.achievements[0])})
		})
		assertErrorIs(t, "RecordUpload", err, issuer.ErrNotFound)
		assertNothingKept(t, s, u)
	}},
	{"unknown activity not found", func(t *testing.T, s issuer.Store) {
		u := newUpload(&issuer.Activity{ID: uuid.NewString()})
		called := false
		err := s.RecordUpload(t.Context(), u, func(issuer.UploadTx) error {
			called = true
			return nil
		})
		assertErrorIs(t, "RecordUpload", err, issuer.ErrNotFound)
		if called {
			t.Error("RecordUpload called fill after the upload insert failed")
		}
	}},
	{"award of other activity invalid", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		other := createActivity(t, s, "Other", f.achievements[0].ID)
		u := newUpload(f.activity)
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			return tx.Write([]*issuer.Award{newAward(other, f.students[0], f.achievements[0])})
		})
		assertErrorIs(t, "RecordUpload", err, issuer.ErrInvalid)
		assertNothingKept(t, s, u)
	}},
	{"many batches", func(t *testing.T, s issuer.Store) {
		const students, batch = 1000, 150
		f := newUploadFixture(t, s, students)
		u := newUpload(f.activity)
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			var awards []*issuer.Award
			for _, st := range f.students {
				for _, a := range f.achievements {
					awards = append(awards, newAward(f.activity, st, a))
					if len(awards) == batch {
						if err := tx.Write(awards); err != nil {
							return err
						}
						awards = nil
					}
				}
			}
			return tx.Write(awards)
		})
		requireNoError(t, "RecordUpload", err)
		assertEqual(t, "AwardCount", u.AwardCount, 2*students)

		got, err := s.Awards(t.Context(), issuer.AwardFilter{UploadID: u.ID})
		requireNoError(t, "Awards", err)
		assertEqual(t, "awards stored", len(got), 2*students)
	}},
	{"concurrent uploads of different activities", func(t *testing.T, s issuer.Store) {
		const activities, students = 4, 60
		f := newUploadFixture(t, s, students)
		acts := make([]*issuer.Activity, activities)
		for i := range acts {
			acts[i] = createActivity(t, s, fmt.Sprintf("Activity %d", i), f.achievements[0].ID)
		}

		errs := make([]error, activities)
		var wg sync.WaitGroup
		for i, act := range acts {
			wg.Go(func() {
				u := newUpload(act)
				errs[i] = s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
					for _, st := range f.students {
						if err := tx.Write([]*issuer.Award{newAward(act, st, f.achievements[0])}); err != nil {
							return err
						}
					}
					return nil
				})
			})
		}
		wg.Wait()

		for i, act := range acts {
			requireNoError(t, "RecordUpload of "+act.Title, errs[i])
			got, err := s.Awards(t.Context(), issuer.AwardFilter{ActivityID: act.ID})
			requireNoError(t, "Awards", err)
			assertEqual(t, "awards of "+act.Title, len(got), students)
		}
	}},
}

func awardIDs(awards []*issuer.Award) []string {
	var ids []string
	for _, a := range awards {
		ids = append(ids, a.ID)
	}
	return ids
}
