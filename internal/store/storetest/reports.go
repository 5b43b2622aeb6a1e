package storetest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// reportFixture holds two achievements, four students (the fourth
// graduated and without awards), three activities in two units and five
// awards, the last one revoked:
//
//	award  activity   student  badge  issued
//	0      careers    S00001   IPC    2025-01-15
//	1      careers    S00001   EC     2025-02-10
//	2      careers    S00002   IPC    2025-02-20
//	3      library    S00002   IPC    2025-03-05
//	4      library    S00003   EC     2025-03-02 (revoked)
type reportFixture struct {
	ipc, ec    *issuer.Achievement
	students   []*issuer.Student
	careers    *issuer.Activity
	library    *issuer.Activity
	awards     []*issuer.Award
	revocation issuer.Revocation
}

func day(month time.Month, d int) time.Time {
	return time.Date(2025, month, d, 10, 0, 0, 0, time.UTC)
}

func newReportFixture(t *testing.T, s issuer.Store) *reportFixture {
	t.Helper()
	f := &reportFixture{
		ipc:      createAchievement(t, s, "IPC"),
		ec:       createAchievement(t, s, "EC"),
		students: createStudents(t, s, 4),
	}
	graduated := issuer.Graduated
	_, err := s.UpdateStudent(t.Context(), f.students[3].Number, issuer.StudentUpdate{Status: &graduated})
	requireNoError(t, "graduate student", err)
	createUser(t, s, "organiser-1", issuer.RoleOrganiser)
	createUser(t, s, "advisor", issuer.RoleAdmin)

	f.careers = createActivity(t, s, "Careers fair", f.ipc.ID, f.ec.ID)
	f.library = newActivity("Library tour", "", f.ipc.ID, f.ec.ID)
	f.library.Unit = "Library"
	requireNoError(t, "create activity", s.CreateActivity(t.Context(), f.library))
	empty := newActivity("Reading club", "", f.ec.ID)
	empty.Unit = "Library"
	requireNoError(t, "create activity", s.CreateActivity(t.Context(), empty))

	award := func(activity *issuer.Activity, student int, a *issuer.Achievement, issued time.Time) *issuer.Award {
		w := newAward(activity, f.students[student], a)
		w.IssuedAt = issued
		w.SessionsAttended, w.SessionsTotal = 3, 4
		return w
	}
	f.awards = []*issuer.Award{
		award(f.careers, 0, f.ipc, day(time.January, 15)),
		award(f.careers, 0, f.ec, day(time.February, 10)),
		award(f.careers, 1, f.ipc, day(time.February, 20)),
		award(f.library, 1, f.ipc, day(time.March, 5)),
		award(f.library, 2, f.ec, day(time.March, 2)),
	}
	recordAwards(t, s, f.careers, f.awards[:3]...)
	recordAwards(t, s, f.library, f.awards[3:]...)

	f.revocation = revocation(4, "awarded to the wrong student")
	requireNoError(t, "RevokeCredential", s.RevokeCredential(t.Context(), f.awards[4].Credential.ID, f.revocation))
	return f
}

// record returns the AwardRecord that the store should return for award i.
func (f *reportFixture) record(i int) *issuer.AwardRecord {
	a := f.awards[i]
	r := &issuer.AwardRecord{
		AwardID:          a.ID,
		CredentialID:     a.Credential.ID,
		KeyID:            a.Credential.KeyID,
		Status:           issuer.AwardActive,
		IssuedAt:         a.IssuedAt,
		SessionsAttended: 3,
		SessionsTotal:    4,
	}
	for _, st := range f.students {
		if st.ID == a.StudentID {
			r.StudentID, r.StudentNumber, r.StudentName = st.ID, st.Number, st.Name
		}
	}
	for _, ach := range []*issuer.Achievement{f.ipc, f.ec} {
		if ach.ID == a.AchievementID {
			r.AchievementID, r.AchievementCode, r.AchievementName = ach.ID, ach.Code, ach.Name
		}
	}
	for _, act := range []*issuer.Activity{f.careers, f.library} {
		if act.ID == a.ActivityID {
			r.ActivityID, r.ActivityTitle, r.ActivityUnit = act.ID, act.Title, act.Unit
		}
	}
	if i == 4 {
		r.Status = issuer.AwardRevoked
		r.RevokedAt = f.revocation.At
		r.RevocationReason = f.revocation.Reason
	}
	return r
}

func (f *reportFixture) records(indexes ...int) []*issuer.AwardRecord {
	out := []*issuer.AwardRecord{}
	for _, i := range indexes {
		out = append(out, f.record(i))
	}
	return out
}

var reportCases = []testCase{
	{"dashboard counts", func(t *testing.T, s issuer.Store) {
		newReportFixture(t, s)
		got, err := s.DashboardCounts(t.Context())
		requireNoError(t, "DashboardCounts", err)
		assertEqual(t, "counts", *got, issuer.DashboardCounts{
			Students:          3,
			GraduatedStudents: 1,
			Achievements:      2,
			Activities:        3,
			Uploads:           2,
			ActiveAwards:      4,
			RevokedAwards:     1,
			Organisers:        1,
		})
	}},
	{"dashboard counts empty", func(t *testing.T, s issuer.Store) {
		got, err := s.DashboardCounts(t.Context())
		requireNoError(t, "DashboardCounts", err)
		assertEqual(t, "counts", *got, issuer.DashboardCounts{})
	}},
	{"awards per month", func(t *testing.T, s issuer.Store) {
		f := newReportFixture(t, s)
		all := []issuer.MonthlyAwards{
			{Month: "2025-01", AchievementID: f.ipc.ID, Count: 1},
			{Month: "2025-02", AchievementID: f.ec.ID, Count: 1},
			{Month: "2025-02", AchievementID: f.ipc.ID, Count: 1},
			{Month: "2025-03", AchievementID: f.ec.ID, Count: 1},
			{Month: "2025-03", AchievementID: f.ipc.ID, Count: 1},
		}
		slices.SortStableFunc(all, func(a, b issuer.MonthlyAwards) int {
			return strings.Compare(a.Month+a.AchievementID, b.Month+b.AchievementID)
		})

		tests := []struct {
			name string
			from time.Time
			want []issuer.MonthlyAwards
		}{
			{"every award", time.Time{}, all},
			{"from february", day(time.February, 1), all[1:]},
			{"after the last", day(time.April, 1), []issuer.MonthlyAwards{}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := s.AwardsPerMonth(t.Context(), tt.from)
				requireNoError(t, "AwardsPerMonth", err)
				assertEqual(t, "months", got, tt.want)
			})
		}
	}},
	{"awards per month uses UTC", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		a := newAward(f.activity, f.students[0], f.achievements[0])
		// 23:30 on 31 January in UTC is already February in Hong Kong.
		a.IssuedAt = time.Date(2025, time.February, 1, 7, 30, 0, 0, time.FixedZone("HKT", 8*3600))
		recordAwards(t, s, f.activity, a)

		got, err := s.AwardsPerMonth(t.Context(), time.Time{})
		requireNoError(t, "AwardsPerMonth", err)
		assertEqual(t, "months", got, []issuer.MonthlyAwards{{Month: "2025-01", AchievementID: f.achievements[0].ID, Count: 1}})
	}},
	{"badge count distribution", func(t *testing.T, s issuer.Store) {
		newReportFixture(t, s)
		got, err := s.BadgeCountDistribution(t.Context())
		requireNoError(t, "BadgeCountDistribution", err)
		// S00001 holds IPC and EC; S00002 holds IPC twice, one badge;
		// S00003's only award is revoked and S00004 has none.
		assertEqual(t, "buckets", got, []issuer.BadgeCountBucket{
			{Badges: 0, Students: 2},
			{Badges: 1, Students: 1},
			{Badges: 2, Students: 1},
		})
	}},
	{"badge count distribution empty", func(t *testing.T, s issuer.Store) {
		got, err := s.BadgeCountDistribution(t.Context())
		requireNoError(t, "BadgeCountDistribution", err)
		assertEqual(t, "buckets", got, []issuer.BadgeCountBucket{{Badges: 0, Students: 0}})
	}},
	{"activities by unit", func(t *testing.T, s issuer.Store) {
		newReportFixture(t, s)
		got, err := s.ActivitiesByUnit(t.Context())
		requireNoError(t, "ActivitiesByUnit", err)
		assertEqual(t, "units", got, []issuer.UnitActivities{
			{Unit: "Library", Count: 2},
			{Unit: "Careers Centre", Count: 1},
		})
	}},
	{"activity award counts", func(t *testing.T, s issuer.Store) {
		f := newReportFixture(t, s)
		got, err := s.ActivityAwardCounts(t.Context())
		requireNoError(t, "ActivityAwardCounts", err)
		assertEqual(t, "counts", got, map[string]int{f.careers.ID: 3, f.library.ID: 2})
	}},
	{"search awards", testSearchAwards},
	{"each award record stops on error", func(t *testing.T, s issuer.Store) {
		newReportFixture(t, s)
		stop := errors.New("client went away")
		calls := 0
		err := s.EachAwardRecord(t.Context(), issuer.AwardSearch{}, func(*issuer.AwardRecord) error {
			calls++
			return stop
		})
		assertErrorIs(t, "EachAwardRecord", err, stop)
		assertEqual(t, "calls", calls, 1)
	}},
	{"each student badge count", func(t *testing.T, s issuer.Store) {
		f := newReportFixture(t, s)
		var got []issuer.StudentBadgeCount
		err := s.EachStudentBadgeCount(t.Context(), func(c *issuer.StudentBadgeCount) error {
			got = append(got, *c)
			return nil
		})
		requireNoError(t, "EachStudentBadgeCount", err)

		want := make([]issuer.StudentBadgeCount, 4)
		for i, st := range f.students {
			want[i] = issuer.StudentBadgeCount{
				StudentID:   st.ID,
				Number:      st.Number,
				Name:        st.Name,
				Programme:   st.Programme,
				YearOfEntry: st.YearOfEntry,
				Status:      issuer.Current,
			}
		}
		want[0].Badges, want[0].Awards = 2, 2
		want[1].Badges, want[1].Awards = 1, 2
		want[3].Status = issuer.Graduated
		assertEqual(t, "counts", got, want)
	}},
	{"audit log filters", testAuditLog},
}

func testSearchAwards(t *testing.T, s issuer.Store) {
	f := newReportFixture(t, s)
	// Newest first: 3 (5 March), 4 (2 March), 2, 1, 0.
	tests := []struct {
		name      string
		search    issuer.AwardSearch
		want      []int
		wantTotal int
	}{
		{"everything", issuer.AwardSearch{}, []int{3, 4, 2, 1, 0}, 5},
		{"student name", issuer.AwardSearch{Query: "STUDENT 2"}, []int{3, 2}, 2},
		{"student number", issuer.AwardSearch{Query: "s00003"}, []int{4}, 1},
		{"credential id", issuer.AwardSearch{Query: f.awards[1].Credential.ID}, []int{1}, 1},
		{"LIKE wildcard is literal", issuer.AwardSearch{Query: "%"}, []int{}, 0},
		{"achievement", issuer.AwardSearch{AchievementID: f.ec.ID}, []int{4, 1}, 2},
		{"activity", issuer.AwardSearch{ActivityID: f.library.ID}, []int{3, 4}, 2},
		{"revoked", issuer.AwardSearch{Status: issuer.AwardRevoked}, []int{4}, 1},
		{"issued range", issuer.AwardSearch{IssuedFrom: day(time.February, 10), IssuedBefore: day(time.March, 5)}, []int{4, 2, 1}, 3},
		{"first page", issuer.AwardSearch{Limit: 2}, []int{3, 4}, 5},
		{"second page", issuer.AwardSearch{Limit: 2, Offset: 2}, []int{2, 1}, 5},
		{"past the end", issuer.AwardSearch{Limit: 2, Offset: 10}, []int{}, 5},
		{"filters combine", issuer.AwardSearch{Query: "Student 1", AchievementID: f.ipc.ID}, []int{0}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total, err := s.SearchAwards(t.Context(), tt.search)
			requireNoError(t, "SearchAwards", err)
			assertEqual(t, "total", total, tt.wantTotal)
			assertEqual(t, "records", got, f.records(tt.want...))
		})
	}

	_, _, err := s.SearchAwards(t.Context(), issuer.AwardSearch{Limit: -1})
	assertErrorIs(t, "negative limit", err, issuer.ErrInvalid)
}

func testAuditLog(t *testing.T, s issuer.Store) {
	var entries []*issuer.AuditEntry
	actions := []string{"credential.revoke", "key.rotate", "credential.revoke", "student.graduate", "credential.revoke"}
	for i, action := range actions {
		e := &issuer.AuditEntry{
			At:      hours(i),
			ActorID: fmt.Sprintf("user-%d", i%2),
			Action:  action,
			Subject: fmt.Sprintf("subject-%d", i%3),
			Detail:  "{}",
			Remote:  "192.0.2.7",
		}
		requireNoError(t, "Audit", s.Audit(t.Context(), e))
		entries = append(entries, e)
	}
	pick := func(indexes ...int) []*issuer.AuditEntry {
		out := []*issuer.AuditEntry{}
		for _, i := range indexes {
			out = append(out, entries[i])
		}
		return out
	}

	tests := []struct {
		name   string
		filter issuer.AuditFilter
		want   []*issuer.AuditEntry
	}{
		{"everything", issuer.AuditFilter{}, pick(4, 3, 2, 1, 0)},
		{"action", issuer.AuditFilter{Action: "credential.revoke"}, pick(4, 2, 0)},
		{"actor", issuer.AuditFilter{ActorID: "user-1"}, pick(3, 1)},
		{"subject", issuer.AuditFilter{Subject: "subject-1"}, pick(4, 1)},
		{"limit", issuer.AuditFilter{Limit: 2}, pick(4, 3)},
		{"before", issuer.AuditFilter{BeforeID: entries[3].ID, Limit: 2}, pick(2, 1)},
		{"before and action", issuer.AuditFilter{BeforeID: entries[4].ID, Action: "credential.revoke"}, pick(2, 0)},
		{"no match", issuer.AuditFilter{Action: "token.create"}, pick()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.AuditLog(t.Context(), tt.filter)
			requireNoError(t, "AuditLog", err)
			assertEqual(t, "entries", got, tt.want)
		})
	}
}
