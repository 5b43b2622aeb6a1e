package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

var activityEditCases = []testCase{
	{"update round trip", func(t *testing.T, s issuer.Store) {
		organiser := createUser(t, s, "organiser", issuer.RoleOrganiser)
		ipc := createAchievement(t, s, "IPC")
		ec := createAchievement(t, s, "EC")
		a := newActivity("Workshop", organiser.ID, ipc.ID)
		requireNoError(t, "CreateActivity", s.CreateActivity(t.Context(), a))

		want := *a
		want.Title = "Longer Workshop"
		want.Description = "Now two afternoons."
		want.Unit = "Library"
		want.EndDate = a.EndDate.Add(24 * time.Hour)
		want.Hours = 6
		want.MinAttendance = 1
		want.AchievementIDs = []string{ec.ID, ipc.ID}
		want.OrganiserID = "ignored"
		want.CreatedAt = hours(5)
		requireNoError(t, "UpdateActivity", s.UpdateActivity(t.Context(), &want))

		got, err := s.Activity(t.Context(), a.ID)
		requireNoError(t, "Activity", err)
		want.OrganiserID = organiser.ID
		want.CreatedAt = a.CreatedAt
		assertEqual(t, "Activity", got, &want)
	}},
	{"update unknown not found", func(t *testing.T, s issuer.Store) {
		ipc := createAchievement(t, s, "IPC")
		a := newActivity("Workshop", "", ipc.ID)
		a.ID = uuid.NewString()
		assertErrorIs(t, "UpdateActivity", s.UpdateActivity(t.Context(), a), issuer.ErrNotFound)
	}},
	{"update unknown achievement keeps old", func(t *testing.T, s issuer.Store) {
		ipc := createAchievement(t, s, "IPC")
		a := createActivity(t, s, "Workshop", ipc.ID)

		changed := *a
		changed.Title = "Changed"
		changed.AchievementIDs = []string{uuid.NewString()}
		assertErrorIs(t, "UpdateActivity", s.UpdateActivity(t.Context(), &changed), issuer.ErrNotFound)

		got, err := s.Activity(t.Context(), a.ID)
		requireNoError(t, "Activity", err)
		assertEqual(t, "Activity", got, a)
	}},
	{"enrolment token set once", func(t *testing.T, s issuer.Store) {
		ipc := createAchievement(t, s, "IPC")
		a := createActivity(t, s, "Workshop", ipc.ID)

		first, err := s.EnsureEnrolmentToken(t.Context(), a.ID, "token-one")
		requireNoError(t, "EnsureEnrolmentToken", err)
		assertEqual(t, "first token", first, "token-one")
		second, err := s.EnsureEnrolmentToken(t.Context(), a.ID, "token-two")
		requireNoError(t, "EnsureEnrolmentToken again", err)
		assertEqual(t, "second token", second, "token-one")

		got, err := s.ActivityByEnrolmentToken(t.Context(), "token-one")
		requireNoError(t, "ActivityByEnrolmentToken", err)
		assertEqual(t, "activity by token", got, a)

		_, err = s.ActivityByEnrolmentToken(t.Context(), "token-two")
		assertErrorIs(t, "ActivityByEnrolmentToken unknown", err, issuer.ErrNotFound)
	}},
	{"enrolment token of unknown activity", func(t *testing.T, s issuer.Store) {
		_, err := s.EnsureEnrolmentToken(t.Context(), uuid.NewString(), "token")
		assertErrorIs(t, "EnsureEnrolmentToken", err, issuer.ErrNotFound)
	}},
	{"student enrolments newest first", func(t *testing.T, s issuer.Store) {
		ipc := createAchievement(t, s, "IPC")
		first := createActivity(t, s, "First", ipc.ID)
		second := createActivity(t, s, "Second", ipc.ID)
		students := createStudents(t, s, 2)

		enrolments := []*issuer.Enrolment{
			{ActivityID: first.ID, StudentID: students[0].ID, PublishConsent: true, CreatedAt: hours(1)},
			{ActivityID: second.ID, StudentID: students[0].ID, PublishConsent: false, CreatedAt: hours(2)},
			{ActivityID: first.ID, StudentID: students[1].ID, PublishConsent: true, CreatedAt: hours(3)},
		}
		for _, e := range enrolments {
			requireNoError(t, "Enrol", s.Enrol(t.Context(), e))
		}

		got, err := s.StudentEnrolments(t.Context(), students[0].ID)
		requireNoError(t, "StudentEnrolments", err)
		assertEqual(t, "StudentEnrolments", got, []*issuer.Enrolment{enrolments[1], enrolments[0]})
	}},
}

// publicationFixture is one activity with three students, each with one
// award of IPC and the first also with EC.
type publicationFixture struct {
	activity *issuer.Activity
	students []*issuer.Student
	awards   []*issuer.Award // IPC of each student, then EC of the first
}

func newPublicationFixture(t testing.TB, s issuer.Store) *publicationFixture {
	t.Helper()
	ipc := createAchievement(t, s, "IPC")
	ec := createAchievement(t, s, "EC")
	f := &publicationFixture{activity: createActivity(t, s, "Workshop", ipc.ID, ec.ID)}

	f.students = []*issuer.Student{
		newStudent("S00001", "Chan Tai Man"),
		newStudent("S00002", "amy Wong"),
		newStudent("S00003", "Lee Siu Ming"),
	}
	f.students[1].Programme = "BSc in Nursing"
	f.students[2].YearOfEntry = 2023
	_, _, err := s.UpsertStudents(t.Context(), f.students)
	requireNoError(t, "UpsertStudents", err)

	for _, st := range f.students {
		f.awards = append(f.awards, newAward(f.activity, st, ipc))
	}
	f.awards = append(f.awards, newAward(f.activity, f.students[0], ec))
	recordAwards(t, s, f.activity, f.awards...)
	return f
}

func (f *publicationFixture) enrol(t testing.TB, s issuer.Store, student int, consent bool) {
	t.Helper()
	e := &issuer.Enrolment{ActivityID: f.activity.ID, StudentID: f.students[student].ID, PublishConsent: consent}
	requireNoError(t, "Enrol", s.Enrol(t.Context(), e))
}

func (f *publicationFixture) setMode(t testing.TB, s issuer.Store, student int, mode issuer.PublicationMode, awardIDs ...string) {
	t.Helper()
	p := &issuer.PublicationSetting{StudentID: f.students[student].ID, Mode: mode, AwardIDs: awardIDs}
	requireNoError(t, "SetPublicationSetting", s.SetPublicationSetting(t.Context(), p))
}

// recordNames returns the names of the records.
func recordNames(records []*issuer.RecordEntry) []string {
	names := []string{}
	for _, e := range records {
		names = append(names, e.Name)
	}
	return names
}

var publicationCases = []testCase{
	{"setting defaults to enrolment", func(t *testing.T, s issuer.Store) {
		students := createStudents(t, s, 1)
		got, err := s.PublicationSetting(t.Context(), students[0].ID)
		requireNoError(t, "PublicationSetting", err)
		assertEqual(t, "PublicationSetting", got, &issuer.PublicationSetting{
			StudentID: students[0].ID, Mode: issuer.PublishByEnrolment, AwardIDs: []string{},
		})
	}},
	{"setting round trip", func(t *testing.T, s issuer.Store) {
		f := newPublicationFixture(t, s)
		want := &issuer.PublicationSetting{
			StudentID: f.students[0].ID,
			Mode:      issuer.PublishSelected,
			AwardIDs:  []string{f.awards[0].ID},
			UpdatedAt: hours(1),
		}
		requireNoError(t, "SetPublicationSetting", s.SetPublicationSetting(t.Context(), want))
		got, err := s.PublicationSetting(t.Context(), f.students[0].ID)
		requireNoError(t, "PublicationSetting", err)
		assertEqual(t, "PublicationSetting", got, want)

		f.setMode(t, s, 0, issuer.PublishAll, f.awards[0].ID)
		got, err = s.PublicationSetting(t.Context(), f.students[0].ID)
		requireNoError(t, "PublicationSetting after all", err)
		assertEqual(t, "mode", got.Mode, issuer.PublishAll)
		assertEqual(t, "selected awards kept for all", got.AwardIDs, []string{})

		f.setMode(t, s, 0, issuer.PublishByEnrolment)
		got, err = s.PublicationSetting(t.Context(), f.students[0].ID)
		requireNoError(t, "PublicationSetting after reset", err)
		assertEqual(t, "mode after reset", got.Mode, issuer.PublishByEnrolment)
		assertEqual(t, "UpdatedAt after reset", got.UpdatedAt, time.Time{})
	}},
	{"select another's award not found", func(t *testing.T, s issuer.Store) {
		f := newPublicationFixture(t, s)
		f.setMode(t, s, 0, issuer.PublishSelected, f.awards[0].ID)

		p := &issuer.PublicationSetting{StudentID: f.students[0].ID, Mode: issuer.PublishSelected, AwardIDs: []string{f.awards[1].ID}}
		assertErrorIs(t, "SetPublicationSetting", s.SetPublicationSetting(t.Context(), p), issuer.ErrNotFound)

		got, err := s.PublicationSetting(t.Context(), f.students[0].ID)
		requireNoError(t, "PublicationSetting", err)
		assertEqual(t, "selection kept", got.AwardIDs, []string{f.awards[0].ID})
	}},
	{"records follow consent", func(t *testing.T, s issuer.Store) {
		f := newPublicationFixture(t, s)
		records, err := s.PublishedRecords(t.Context())
		requireNoError(t, "PublishedRecords before consent", err)
		assertEqual(t, "records before consent", len(records), 0)

		f.enrol(t, s, 0, true)  // by enrolment: IPC and EC
		f.enrol(t, s, 1, false) // overridden by mode all below
		f.setMode(t, s, 1, issuer.PublishAll)
		f.enrol(t, s, 2, true) // overridden by mode none below
		f.setMode(t, s, 2, issuer.PublishNone)

		records, err = s.PublishedRecords(t.Context())
		requireNoError(t, "PublishedRecords", err)
		assertEqual(t, "names ordered ignoring case", recordNames(records), []string{"amy Wong", "Chan Tai Man"})
		chan_ := records[1]
		assertEqual(t, "badge count", chan_.BadgeCount, 2)
		assertEqual(t, "badge codes", []string{chan_.Badges[0].Code, chan_.Badges[1].Code}, []string{"EC", "IPC"})
		assertEqual(t, "programme", chan_.Programme, "BBA in Accounting")
		assertEqual(t, "year", chan_.YearOfEntry, 2024)
		assertEqual(t, "student id", chan_.StudentID, f.students[0].ID)
		assertEqual(t, "other programme", records[0].Programme, "BSc in Nursing")
	}},
	{"records of selected awards", func(t *testing.T, s issuer.Store) {
		f := newPublicationFixture(t, s)
		f.setMode(t, s, 0, issuer.PublishSelected, f.awards[3].ID)

		records, err := s.PublishedRecords(t.Context())
		requireNoError(t, "PublishedRecords", err)
		assertEqual(t, "names", recordNames(records), []string{"Chan Tai Man"})
		assertEqual(t, "badges", records[0].Badges, []issuer.RecordBadge{
			{AchievementID: f.awards[3].AchievementID, Code: "EC", Name: "Badge EC", Count: 1},
		})
		assertEqual(t, "badge count", records[0].BadgeCount, 1)
	}},
	{"records skip revoked awards", func(t *testing.T, s issuer.Store) {
		f := newPublicationFixture(t, s)
		f.setMode(t, s, 1, issuer.PublishAll)
		err := s.RevokeCredential(t.Context(), f.awards[1].Credential.ID, issuer.Revocation{At: hours(1), Reason: "entered by mistake", By: "system"})
		requireNoError(t, "RevokeCredential", err)

		records, err := s.PublishedRecords(t.Context())
		requireNoError(t, "PublishedRecords", err)
		assertEqual(t, "records", len(records), 0)
	}},
	{"records count repeated badges", func(t *testing.T, s issuer.Store) {
		f := newPublicationFixture(t, s)
		second := createActivity(t, s, "Second Workshop", f.awards[0].AchievementID)
		recordAwards(t, s, second, newAward(second, f.students[0], &issuer.Achievement{ID: f.awards[0].AchievementID}))
		f.setMode(t, s, 0, issuer.PublishAll)

		records, err := s.PublishedRecords(t.Context())
		requireNoError(t, "PublishedRecords", err)
		assertEqual(t, "names", recordNames(records), []string{"Chan Tai Man"})
		assertEqual(t, "badge count", records[0].BadgeCount, 3)
		assertEqual(t, "IPC count", records[0].Badges[1].Count, 2)
	}},
}

var transcriptCases = []testCase{
	{"round trip newest first", func(t *testing.T, s issuer.Store) {
		students := createStudents(t, s, 2)
		requests := []*issuer.TranscriptRequest{
			{StudentID: students[0].ID, Note: "Post to 1 Main Street", RequestedAt: hours(1)},
			{StudentID: students[1].ID, Note: "", RequestedAt: hours(2)},
			{StudentID: students[0].ID, Note: "Collect in person", RequestedAt: hours(3)},
		}
		for _, r := range requests {
			requireNoError(t, "CreateTranscriptRequest", s.CreateTranscriptRequest(t.Context(), r))
			if r.ID == "" {
				t.Fatal("CreateTranscriptRequest left ID empty, want a new UUID")
			}
		}

		all, err := s.TranscriptRequests(t.Context(), "")
		requireNoError(t, "TranscriptRequests", err)
		assertEqual(t, "all requests", all, []*issuer.TranscriptRequest{requests[2], requests[1], requests[0]})

		own, err := s.TranscriptRequests(t.Context(), students[0].ID)
		requireNoError(t, "TranscriptRequests of one student", err)
		assertEqual(t, "one student's requests", own, []*issuer.TranscriptRequest{requests[2], requests[0]})
	}},
	{"unknown student not found", func(t *testing.T, s issuer.Store) {
		r := &issuer.TranscriptRequest{StudentID: uuid.NewString()}
		assertErrorIs(t, "CreateTranscriptRequest", s.CreateTranscriptRequest(t.Context(), r), issuer.ErrNotFound)
	}},
}

var pendingUploadCases = []testCase{
	{"round trip and delete", func(t *testing.T, s issuer.Store) {
		organiser := createUser(t, s, "organiser", issuer.RoleOrganiser)
		ipc := createAchievement(t, s, "IPC")
		a := createActivity(t, s, "Workshop", ipc.ID)

		want := &issuer.PendingUpload{
			ActivityID:  a.ID,
			UserID:      organiser.ID,
			Filename:    "attendance.csv",
			ContentType: "text/csv",
			Data:        []byte("student_id,name\nS00001,Student 1\n"),
			CreatedAt:   hours(1),
		}
		requireNoError(t, "CreatePendingUpload", s.CreatePendingUpload(t.Context(), want))
		got, err := s.PendingUpload(t.Context(), want.ID)
		requireNoError(t, "PendingUpload", err)
		assertEqual(t, "PendingUpload", got, want)

		requireNoError(t, "DeletePendingUpload", s.DeletePendingUpload(t.Context(), want.ID))
		_, err = s.PendingUpload(t.Context(), want.ID)
		assertErrorIs(t, "PendingUpload after delete", err, issuer.ErrNotFound)
		requireNoError(t, "DeletePendingUpload twice", s.DeletePendingUpload(t.Context(), want.ID))
	}},
	{"delete before a time", func(t *testing.T, s issuer.Store) {
		organiser := createUser(t, s, "organiser", issuer.RoleOrganiser)
		ipc := createAchievement(t, s, "IPC")
		a := createActivity(t, s, "Workshop", ipc.ID)

		var ids []string
		for _, at := range []time.Time{hours(1), hours(2), hours(3)} {
			p := &issuer.PendingUpload{ActivityID: a.ID, UserID: organiser.ID, Filename: "a.csv", ContentType: "text/csv", Data: []byte("x"), CreatedAt: at}
			requireNoError(t, "CreatePendingUpload", s.CreatePendingUpload(t.Context(), p))
			ids = append(ids, p.ID)
		}

		n, err := s.DeletePendingUploadsBefore(t.Context(), hours(3))
		requireNoError(t, "DeletePendingUploadsBefore", err)
		assertEqual(t, "removed", n, 2)
		_, err = s.PendingUpload(t.Context(), ids[2])
		requireNoError(t, "newest kept", err)
	}},
	{"unknown activity not found", func(t *testing.T, s issuer.Store) {
		organiser := createUser(t, s, "organiser", issuer.RoleOrganiser)
		p := &issuer.PendingUpload{ActivityID: uuid.NewString(), UserID: organiser.ID, Filename: "a.csv", ContentType: "text/csv"}
		assertErrorIs(t, "CreatePendingUpload", s.CreatePendingUpload(t.Context(), p), issuer.ErrNotFound)
	}},
}
