package storetest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

var activityCases = []testCase{
	{"round trip", func(t *testing.T, s issuer.Store) {
		organiser := createUser(t, s, "organiser", issuer.RoleOrganiser)
		ec := createAchievement(t, s, "EC")
		ipc := createAchievement(t, s, "IPC")

		want := newActivity("Case Competition", organiser.ID, ipc.ID, ec.ID)
		requireNoError(t, "CreateActivity", s.CreateActivity(t.Context(), want))
		if want.ID == "" {
			t.Fatal("CreateActivity left ID empty, want a new UUID")
		}

		got, err := s.Activity(t.Context(), want.ID)
		requireNoError(t, "Activity", err)
		assertEqual(t, "Activity", got, want)
		assertEqual(t, "AchievementIDs in offer order", got.AchievementIDs, []string{ipc.ID, ec.ID})
	}},
	{"without organiser", func(t *testing.T, s issuer.Store) {
		a := createAchievement(t, s, "PF")
		want := newActivity("Admin Talk", "", a.ID)
		want.Extracurricular = false
		want.OpenToAll = false
		requireNoError(t, "CreateActivity", s.CreateActivity(t.Context(), want))

		got, err := s.Activity(t.Context(), want.ID)
		requireNoError(t, "Activity", err)
		assertEqual(t, "Activity", got, want)
	}},
	{"missing not found", func(t *testing.T, s issuer.Store) {
		got, err := s.Activity(t.Context(), uuid.NewString())
		assertErrorIs(t, "Activity", err, issuer.ErrNotFound)
		if got != nil {
			t.Errorf("Activity = %+v, want nil with the error", got)
		}
	}},
	{"unknown achievement keeps nothing", func(t *testing.T, s issuer.Store) {
		a := createAchievement(t, s, "PS")
		err := s.CreateActivity(t.Context(), newActivity("Workshop", "", a.ID, uuid.NewString()))
		assertErrorIs(t, "CreateActivity", err, issuer.ErrNotFound)

		list, err := s.Activities(t.Context(), "")
		requireNoError(t, "Activities", err)
		assertEqual(t, "activities stored", len(list), 0)
	}},
	{"unknown organiser not found", func(t *testing.T, s issuer.Store) {
		a := createAchievement(t, s, "PS")
		err := s.CreateActivity(t.Context(), newActivity("Workshop", uuid.NewString(), a.ID))
		assertErrorIs(t, "CreateActivity", err, issuer.ErrNotFound)
	}},
	{"achievement twice conflicts", func(t *testing.T, s issuer.Store) {
		a := createAchievement(t, s, "PS")
		err := s.CreateActivity(t.Context(), newActivity("Workshop", "", a.ID, a.ID))
		assertErrorIs(t, "CreateActivity", err, issuer.ErrConflict)
	}},
	{"list newest first", func(t *testing.T, s issuer.Store) {
		alice := createUser(t, s, "alice", issuer.RoleOrganiser)
		bob := createUser(t, s, "bob", issuer.RoleOrganiser)
		ec := createAchievement(t, s, "EC")
		ps := createAchievement(t, s, "PS")

		activities := []*issuer.Activity{
			newActivity("First", alice.ID, ec.ID),
			newActivity("Second", bob.ID, ps.ID, ec.ID),
			newActivity("Third", alice.ID, ps.ID),
			newActivity("Fourth", "", ec.ID),
		}
		for i, a := range activities {
			a.CreatedAt = hours(i)
			requireNoError(t, "CreateActivity "+a.Title, s.CreateActivity(t.Context(), a))
		}

		tests := []struct {
			name        string
			organiserID string
			want        []*issuer.Activity
		}{
			{"all", "", []*issuer.Activity{activities[3], activities[2], activities[1], activities[0]}},
			{"one organiser", alice.ID, []*issuer.Activity{activities[2], activities[0]}},
			{"organiser without activities", uuid.NewString(), []*issuer.Activity{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.Activities(t.Context(), tt.organiserID)
				requireNoError(t, "Activities", err)
				assertEqual(t, "Activities", got, tt.want)
			})
		}
	}},
}

var enrolmentCases = []testCase{
	{"ordered by number", func(t *testing.T, s issuer.Store) {
		activity := createActivity(t, s, "Seminar", createAchievement(t, s, "IPC").ID)
		students := createStudents(t, s, 3)
		for _, i := range []int{2, 0, 1} {
			e := &issuer.Enrolment{ActivityID: activity.ID, StudentID: students[i].ID, PublishConsent: i == 0, CreatedAt: t0}
			requireNoError(t, "Enrol", s.Enrol(t.Context(), e))
		}

		got, err := s.Enrolments(t.Context(), activity.ID)
		requireNoError(t, "Enrolments", err)
		assertEqual(t, "Enrolments", got, students)
	}},
	{"enrol again replaces", func(t *testing.T, s issuer.Store) {
		activity := createActivity(t, s, "Seminar", createAchievement(t, s, "IPC").ID)
		students := createStudents(t, s, 1)
		for _, consent := range []bool{false, true} {
			e := &issuer.Enrolment{ActivityID: activity.ID, StudentID: students[0].ID, PublishConsent: consent}
			requireNoError(t, "Enrol", s.Enrol(t.Context(), e))
		}

		got, err := s.Enrolments(t.Context(), activity.ID)
		requireNoError(t, "Enrolments", err)
		assertEqual(t, "Enrolments", got, students)
	}},
	{"other activity empty", func(t *testing.T, s issuer.Store) {
		achievement := createAchievement(t, s, "IPC")
		first := createActivity(t, s, "First", achievement.ID)
		second := createActivity(t, s, "Second", achievement.ID)
		students := createStudents(t, s, 1)
		requireNoError(t, "Enrol", s.Enrol(t.Context(), &issuer.Enrolment{ActivityID: first.ID, StudentID: students[0].ID}))

		got, err := s.Enrolments(t.Context(), second.ID)
		requireNoError(t, "Enrolments", err)
		assertEqual(t, "Enrolments", got, []*issuer.Student{})
	}},
	{"unknown student not found", func(t *testing.T, s issuer.Store) {
		activity := createActivity(t, s, "Seminar", createAchievement(t, s, "IPC").ID)
		err := s.Enrol(t.Context(), &issuer.Enrolment{ActivityID: activity.ID, StudentID: uuid.NewString()})
		assertErrorIs(t, "Enrol", err, issuer.ErrNotFound)
	}},
	{"unknown activity not found", func(t *testing.T, s issuer.Store) {
		students := createStudents(t, s, 1)
		err := s.Enrol(t.Context(), &issuer.Enrolment{ActivityID: uuid.NewString(), StudentID: students[0].ID})
		assertErrorIs(t, "Enrol", err, issuer.ErrNotFound)
	}},
}
