// Package storetest is the conformance suite for issuer.Store. Every store
// implementation runs it, so that SQLite and PostgreSQL behave the same.
package storetest

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

// Run runs the conformance suite as parallel subtests, one per case.
//
// open is called once per case, possibly from several goroutines at once,
// with the case's t. It must return an empty, migrated store that no other
// case uses, and close it in a t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) issuer.Store) {
	groups := []caseGroup{
		{"Profile", profileCases},
		{"Achievements", achievementCases},
		{"Students", studentCases},
		{"Activities", activityCases},
		{"Enrolments", enrolmentCases},
		{"ActivityEdits", activityEditCases},
		{"Publication", publicationCases},
		{"TranscriptRequests", transcriptCases},
		{"TranscriptLinks", transcriptLinkCases},
		{"PendingUploads", pendingUploadCases},
		{"Users", userCases},
		{"Tokens", tokenCases},
		{"Accounts", accountCases},
		{"Sessions", sessionCases},
		{"SignInLinks", signInLinkCases},
		{"SignInAttempts", attemptCases},
		{"SigningKeys", signingKeyCases},
		{"RecordUpload", recordUploadCases},
		{"Awards", awardCases},
		{"StatusLists", statusCases},
		{"Credentials", credentialCases},
		{"Outbox", outboxCases},
		{"Audit", auditCases},
		{"Reports", reportCases},
		{"Ping", pingCases},
	}

	runGroups(t, groups, open)
}

// RunJobs runs the cases that use the job queue, whose store must also
// have River's tables.
func RunJobs(t *testing.T, open func(t *testing.T) issuer.Store) {
	runGroups(t, []caseGroup{
		{"Jobs", jobCases},
		{"UploadRuns", uploadRunCases},
	}, open)
}

// caseGroup is a named list of cases, run as one parallel subtest.
type caseGroup struct {
	name  string
	cases []testCase
}

func runGroups(t *testing.T, groups []caseGroup, open func(t *testing.T) issuer.Store) {
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			for _, tc := range g.cases {
				t.Run(tc.name, func(t *testing.T) {
					t.Parallel()
					tc.run(t, open(t))
				})
			}
		})
	}
}

// testCase is one subtest of the suite.
type testCase struct {
	name string
	run  func(t *testing.T, s issuer.Store)
}

// t0 is the base time of fixtures. It has microsecond precision and is in
// UTC, which every store returns unchanged.
var t0 = time.Date(2025, time.March, 3, 9, 30, 15, 123456000, time.UTC)

// hours returns t0 plus n hours.
func hours(n int) time.Time { return t0.Add(time.Duration(n) * time.Hour) }

func assertEqual[T any](t testing.TB, label string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %+v\n want %+v", label, got, want)
	}
}

// assertErrorIs fails the test unless errors.Is(err, target).
func assertErrorIs(t testing.TB, label string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error = %v, want one matching %v", label, err, target)
	}
}

// requireNoError stops the test on err.
func requireNoError(t testing.TB, label string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", label, err)
	}
}

// assertBetween checks that a time the store set lies within [from, to],
// allowing for the store's microsecond truncation.
func assertBetween(t testing.TB, label string, got, from, to time.Time) {
	t.Helper()
	if got.Before(from.Truncate(time.Microsecond)) || got.After(to) {
		t.Errorf("%s = %v, want a time between %v and %v", label, got, from, to)
	}
}

// newAchievement returns an achievement with every field set.
func newAchievement(code string) *issuer.Achievement {
	return &issuer.Achievement{
		Code:            code,
		Name:            "Badge " + code,
		Description:     "Awarded for " + code + ".",
		Criteria:        "Attend **every** session of " + code + ".",
		CriteriaURL:     "https://college.example.edu/badges/" + code,
		AchievementType: "ext:GraduateAttribute",
		Tags:            []string{"graduate attribute", code},
		MinHours:        2.5,
		ValidForDays:    0,
		Image: issuer.Image{
			ContentType: "image/svg+xml",
			Data:        []byte(`<svg xmlns="http://www.w3.org/2000/svg"><title>` + code + `</title></svg>`),
		},
		CreatedAt: t0,
		UpdatedAt: t0,
	}
}

func createAchievement(t testing.TB, s issuer.Store, code string) *issuer.Achievement {
	t.Helper()
	a := newAchievement(code)
	requireNoError(t, "create achievement "+code, s.CreateAchievement(t.Context(), a))
	return a
}

// newStudent returns a current full-time student with every field set.
func newStudent(number, name string) *issuer.Student {
	return &issuer.Student{
		Number:      number,
		Name:        name,
		ChineseName: "陳大文",
		Email:       number + "@student.example.edu",
		Programme:   "BBA in Accounting",
		YearOfEntry: 2024,
		StudyMode:   issuer.FullTime,
		Status:      issuer.Current,
		CreatedAt:   t0,
		UpdatedAt:   t0,
	}
}

// createStudents stores n students numbered S00001, S00002, ….
func createStudents(t testing.TB, s issuer.Store, n int) []*issuer.Student {
	t.Helper()
	students := make([]*issuer.Student, n)
	for i := range students {
		students[i] = newStudent(fmt.Sprintf("S%05d", i+1), fmt.Sprintf("Student %d", i+1))
	}
	_, _, err := s.UpsertStudents(t.Context(), students)
	requireNoError(t, "upsert students", err)
	return students
}

func createUser(t testing.TB, s issuer.Store, name string, role issuer.Role) *issuer.User {
	t.Helper()
	u := &issuer.User{
		Name:      name,
		Email:     name + "@example.edu",
		Role:      role,
		CanUpload: role == issuer.RoleOrganiser,
		CreatedAt: t0,
	}
	requireNoError(t, "create user "+name, s.CreateUser(t.Context(), u))
	return u
}

func newActivity(title, organiserID string, achievementIDs ...string) *issuer.Activity {
	return &issuer.Activity{
		Title:           title,
		Description:     "An activity called " + title + ".",
		Unit:            "Careers Centre",
		StartDate:       time.Date(2025, time.February, 10, 14, 0, 0, 0, time.UTC),
		EndDate:         time.Date(2025, time.February, 10, 17, 0, 0, 0, time.UTC),
		Hours:           3,
		Extracurricular: true,
		OpenToAll:       true,
		MinAttendance:   0.75,
		AchievementIDs:  achievementIDs,
		OrganiserID:     organiserID,
		CreatedAt:       t0,
	}
}

func createActivity(t testing.TB, s issuer.Store, title string, achievementIDs ...string) *issuer.Activity {
	t.Helper()
	a := newActivity(title, "", achievementIDs...)
	requireNoError(t, "create activity "+title, s.CreateActivity(t.Context(), a))
	return a
}

// newAward returns an award with a credential whose id is a new UUID.
func newAward(activity *issuer.Activity, student *issuer.Student, achievement *issuer.Achievement) *issuer.Award {
	credentialID := uuid.NewString()
	return &issuer.Award{
		ID:            uuid.NewString(),
		ActivityID:    activity.ID,
		StudentID:     student.ID,
		AchievementID: achievement.ID,
		Status:        issuer.AwardActive,
		IssuedAt:      t0,
		Credential: issuer.Credential{
			ID:       credentialID,
			KeyID:    "key-1",
			JWS:      "eyJhbGciOiJSUzI1NiJ9.eyJqdGkiOiI" + credentialID + "In0.c2lnbmF0dXJl",
			Document: []byte(`{"id":"https://badges.example.edu/credentials/` + credentialID + `"}`),
		},
	}
}

func newUpload(activity *issuer.Activity) *issuer.Upload {
	original := []byte("student_id,name\nS00001,Student 1\n")
	return &issuer.Upload{
		ID:          uuid.NewString(),
		ActivityID:  activity.ID,
		Filename:    "attendance.csv",
		ContentType: "text/csv",
		Original:    original,
		SHA256:      "0000000000000000000000000000000000000000000000000000000000000000",
		RowCount:    1,
		CreatedAt:   t0,
	}
}

// recordAwards records an upload of activity that writes awards in one batch.
func recordAwards(t testing.TB, s issuer.Store, activity *issuer.Activity, awards ...*issuer.Award) *issuer.Upload {
	t.Helper()
	u := newUpload(activity)
	err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
		return tx.Write(awards)
	})
	requireNoError(t, "record upload", err)
	return u
}
