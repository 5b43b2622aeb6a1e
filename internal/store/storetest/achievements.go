package storetest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

var achievementCases = []testCase{
	{"round trip", func(t *testing.T, s issuer.Store) {
		want := newAchievement("IPC")
		requireNoError(t, "CreateAchievement", s.CreateAchievement(t.Context(), want))
		if want.ID == "" {
			t.Fatal("CreateAchievement left ID empty, want a new UUID")
		}

		got, err := s.Achievement(t.Context(), want.ID)
		requireNoError(t, "Achievement", err)
		assertEqual(t, "Achievement", got, want)

		got, err = s.AchievementByCode(t.Context(), "IPC")
		requireNoError(t, "AchievementByCode", err)
		assertEqual(t, "AchievementByCode", got, want)
	}},
	{"given id kept", func(t *testing.T, s issuer.Store) {
		a := newAchievement("IDL")
		id := uuid.NewString()
		a.ID = id
		requireNoError(t, "CreateAchievement", s.CreateAchievement(t.Context(), a))

		got, err := s.Achievement(t.Context(), id)
		requireNoError(t, "Achievement", err)
		assertEqual(t, "ID", got.ID, id)
	}},
	{"empty tags and image", func(t *testing.T, s issuer.Store) {
		want := newAchievement("PF")
		want.Tags = nil
		want.Image = issuer.Image{}
		requireNoError(t, "CreateAchievement", s.CreateAchievement(t.Context(), want))

		got, err := s.Achievement(t.Context(), want.ID)
		requireNoError(t, "Achievement", err)
		assertEqual(t, "Achievement", got, want)
	}},
	{"duplicate code conflicts", func(t *testing.T, s issuer.Store) {
		createAchievement(t, s, "EC")
		err := s.CreateAchievement(t.Context(), newAchievement("EC"))
		assertErrorIs(t, "CreateAchievement", err, issuer.ErrConflict)
	}},
	{"missing id not found", func(t *testing.T, s issuer.Store) {
		got, err := s.Achievement(t.Context(), uuid.NewString())
		assertErrorIs(t, "Achievement", err, issuer.ErrNotFound)
		if got != nil {
			t.Errorf("Achievement = %+v, want nil with the error", got)
		}
	}},
	{"missing code not found", func(t *testing.T, s issuer.Store) {
		got, err := s.AchievementByCode(t.Context(), "NOPE")
		assertErrorIs(t, "AchievementByCode", err, issuer.ErrNotFound)
		if got != nil {
			t.Errorf("AchievementByCode = %+v, want nil with the error", got)
		}
	}},
	{"update replaces fields", func(t *testing.T, s issuer.Store) {
		a := createAchievement(t, s, "PS")
		created := a.CreatedAt

		want := *a
		want.Code = "PS2"
		want.Name = "Problem-solvers"
		want.Description = "New description."
		want.Criteria = "New criteria."
		want.CriteriaURL = ""
		want.AchievementType = "Competency"
		want.Tags = []string{"new"}
		want.MinHours = 4
		want.ValidForDays = 365
		want.Image = issuer.Image{ContentType: "image/png", Data: []byte{0x89, 'P', 'N', 'G'}}
		want.UpdatedAt = hours(5)
		requireNoError(t, "UpdateAchievement", s.UpdateAchievement(t.Context(), &want))

		got, err := s.Achievement(t.Context(), a.ID)
		requireNoError(t, "Achievement", err)
		assertEqual(t, "Achievement", got, &want)
		assertEqual(t, "CreatedAt", got.CreatedAt, created)

		_, err = s.AchievementByCode(t.Context(), "PS")
		assertErrorIs(t, "AchievementByCode of the old code", err, issuer.ErrNotFound)
	}},
	{"update missing not found", func(t *testing.T, s issuer.Store) {
		a := newAchievement("PSG")
		a.ID = uuid.NewString()
		err := s.UpdateAchievement(t.Context(), a)
		assertErrorIs(t, "UpdateAchievement", err, issuer.ErrNotFound)
	}},
	{"update to taken code conflicts", func(t *testing.T, s issuer.Store) {
		createAchievement(t, s, "IPC")
		a := createAchievement(t, s, "IDL")
		a.Code = "IPC"
		err := s.UpdateAchievement(t.Context(), a)
		assertErrorIs(t, "UpdateAchievement", err, issuer.ErrConflict)
	}},
	{"list ordered by code", func(t *testing.T, s issuer.Store) {
		empty, err := s.Achievements(t.Context())
		requireNoError(t, "Achievements of an empty store", err)
		assertEqual(t, "count of an empty store", len(empty), 0)

		for _, code := range []string{"PS", "EC", "IPC", "IDL"} {
			createAchievement(t, s, code)
		}

		list, err := s.Achievements(t.Context())
		requireNoError(t, "Achievements", err)
		var codes []string
		for _, a := range list {
			codes = append(codes, a.Code)
		}
		assertEqual(t, "codes", codes, []string{"EC", "IDL", "IPC", "PS"})
	}},
}
