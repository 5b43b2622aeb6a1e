package storetest

import (
	"fmt"
	"testing"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

var studentCases = []testCase{
	{"upsert counts", testUpsertCounts},
	{"upsert keeps ids", func(t *testing.T, s issuer.Store) {
		first := createStudents(t, s, 2)

		again := []*issuer.Student{newStudent("S00001", "Renamed"), newStudent("S00002", "Student 2")}
		_, _, err := s.UpsertStudents(t.Context(), again)
		requireNoError(t, "UpsertStudents", err)
		for i := range again {
			assertEqual(t, fmt.Sprintf("ID of %s", again[i].Number), again[i].ID, first[i].ID)
		}

		got, err := s.Student(t.Context(), first[0].ID)
		requireNoError(t, "Student", err)
		assertEqual(t, "Name", got.Name, "Renamed")
	}},
	{"round trip", func(t *testing.T, s issuer.Store) {
		want := newStudent("A1234567", "Chan Tai Man")
		want.StudyMode = issuer.PartTime
		want.Status = issuer.Graduated
		_, _, err := s.UpsertStudents(t.Context(), []*issuer.Student{want})
		requireNoError(t, "UpsertStudents", err)
		if want.ID == "" {
			t.Fatal("UpsertStudents left ID empty, want a new UUID")
		}

		got, err := s.Student(t.Context(), want.ID)
		requireNoError(t, "Student", err)
		assertEqual(t, "Student", got, want)
	}},
	{"personal email kept by import", func(t *testing.T, s issuer.Store) {
		st := newStudent("S1", "Alumna")
		st.PersonalEmail = "alumna@example.com"
		_, _, err := s.UpsertStudents(t.Context(), []*issuer.Student{st})
		requireNoError(t, "UpsertStudents", err)

		again := newStudent("S1", "Alumna Renamed")
		_, updated, err := s.UpsertStudents(t.Context(), []*issuer.Student{again})
		requireNoError(t, "UpsertStudents again", err)
		assertEqual(t, "updated", updated, 1)

		got, err := s.Student(t.Context(), st.ID)
		requireNoError(t, "Student", err)
		assertEqual(t, "PersonalEmail", got.PersonalEmail, "alumna@example.com")
		assertEqual(t, "Name", got.Name, "Alumna Renamed")
	}},
	{"blank status kept by import", func(t *testing.T, s issuer.Store) {
		st := newStudent("S1", "Graduate")
		st.Status = issuer.Graduated
		fresh := newStudent("S2", "Newcomer")
		fresh.Status = ""
		_, _, err := s.UpsertStudents(t.Context(), []*issuer.Student{st, fresh})
		requireNoError(t, "UpsertStudents", err)
		assertEqual(t, "Status of a new student with none", fresh.Status, issuer.Current)

		again := newStudent("S1", "Graduate")
		again.Status = ""
		created, updated, err := s.UpsertStudents(t.Context(), []*issuer.Student{again})
		requireNoError(t, "UpsertStudents again", err)
		assertEqual(t, "created", created, 0)
		assertEqual(t, "updated", updated, 0)
		assertEqual(t, "Status returned", again.Status, issuer.Graduated)

		got, err := s.Student(t.Context(), st.ID)
		requireNoError(t, "Student", err)
		assertEqual(t, "Status stored", got.Status, issuer.Graduated)
		stored, err := s.Student(t.Context(), fresh.ID)
		requireNoError(t, "Student", err)
		assertEqual(t, "Status of the new student stored", stored.Status, issuer.Current)

		current := newStudent("S1", "Graduate")
		_, updated, err = s.UpsertStudents(t.Context(), []*issuer.Student{current})
		requireNoError(t, "UpsertStudents with status current", err)
		assertEqual(t, "updated by an explicit status", updated, 1)
		got, err = s.Student(t.Context(), st.ID)
		requireNoError(t, "Student", err)
		assertEqual(t, "Status after explicit current", got.Status, issuer.Current)
	}},
	{"update status and personal email", func(t *testing.T, s issuer.Store) {
		created := createStudents(t, s, 2)
		graduated := issuer.Graduated
		email := "alum@example.com"

		got, err := s.UpdateStudent(t.Context(), created[0].Number, issuer.StudentUpdate{Status: &graduated, PersonalEmail: &email})
		requireNoError(t, "UpdateStudent", err)
		assertEqual(t, "Status", got.Status, issuer.Graduated)
		assertEqual(t, "PersonalEmail", got.PersonalEmail, email)
		if !got.UpdatedAt.After(created[0].UpdatedAt) {
			t.Errorf("UpdatedAt = %v, want after %v", got.UpdatedAt, created[0].UpdatedAt)
		}

		stored, err := s.Student(t.Context(), created[0].ID)
		requireNoError(t, "Student", err)
		assertEqual(t, "stored", stored, got)

		current := issuer.Current
		got, err = s.UpdateStudent(t.Context(), created[0].Number, issuer.StudentUpdate{Status: &current})
		requireNoError(t, "UpdateStudent status only", err)
		assertEqual(t, "PersonalEmail kept", got.PersonalEmail, email)

		other, err := s.Student(t.Context(), created[1].ID)
		requireNoError(t, "Student", err)
		assertEqual(t, "other student", other.Status, issuer.Current)
	}},
	{"update unknown not found", func(t *testing.T, s issuer.Store) {
		graduated := issuer.Graduated
		_, err := s.UpdateStudent(t.Context(), "S-none", issuer.StudentUpdate{Status: &graduated})
		assertErrorIs(t, "UpdateStudent", err, issuer.ErrNotFound)
	}},
	{"number kept as text", func(t *testing.T, s issuer.Store) {
		want := newStudent("0012345", "Leading Zero")
		_, _, err := s.UpsertStudents(t.Context(), []*issuer.Student{want})
		requireNoError(t, "UpsertStudents", err)

		got, err := s.StudentsByNumber(t.Context(), []string{"0012345"})
		requireNoError(t, "StudentsByNumber", err)
		if got["0012345"] == nil {
			t.Fatalf("StudentsByNumber = %v, want student 0012345", got)
		}
		assertEqual(t, "Number", got["0012345"].Number, "0012345")
	}},
	{"missing not found", func(t *testing.T, s issuer.Store) {
		got, err := s.Student(t.Context(), uuid.NewString())
		assertErrorIs(t, "Student", err, issuer.ErrNotFound)
		if got != nil {
			t.Errorf("Student = %+v, want nil with the error", got)
		}
	}},
	{"duplicate number in one call", func(t *testing.T, s issuer.Store) {
		students := []*issuer.Student{newStudent("S1", "One"), newStudent("S2", "Two"), newStudent("S1", "Again")}
		_, _, err := s.UpsertStudents(t.Context(), students)
		assertErrorIs(t, "UpsertStudents", err, issuer.ErrConflict)

		list, err := s.Students(t.Context(), issuer.StudentFilter{})
		requireNoError(t, "Students", err)
		assertEqual(t, "students stored", len(list), 0)
	}},
	{"empty number invalid", func(t *testing.T, s issuer.Store) {
		_, _, err := s.UpsertStudents(t.Context(), []*issuer.Student{newStudent("", "Nobody")})
		assertErrorIs(t, "UpsertStudents", err, issuer.ErrInvalid)
	}},
	{"by number", func(t *testing.T, s issuer.Store) {
		students := createStudents(t, s, 3)

		got, err := s.StudentsByNumber(t.Context(), []string{"S00001", "S00003", "X99999"})
		requireNoError(t, "StudentsByNumber", err)
		assertEqual(t, "count", len(got), 2)
		assertEqual(t, "S00001", got["S00001"], students[0])
		assertEqual(t, "S00003", got["S00003"], students[2])
		if _, ok := got["X99999"]; ok {
			t.Error("StudentsByNumber has X99999, want it absent")
		}

		none, err := s.StudentsByNumber(t.Context(), nil)
		requireNoError(t, "StudentsByNumber of none", err)
		assertEqual(t, "count of none", len(none), 0)
	}},
	{"by number beyond one query", func(t *testing.T, s issuer.Store) {
		const n = 1234
		createStudents(t, s, n)
		numbers := make([]string, n)
		for i := range numbers {
			numbers[i] = fmt.Sprintf("S%05d", i+1)
		}

		got, err := s.StudentsByNumber(t.Context(), numbers)
		requireNoError(t, "StudentsByNumber", err)
		assertEqual(t, "count", len(got), n)
	}},
	{"filter", testStudentFilter},
	{"negative limit invalid", func(t *testing.T, s issuer.Store) {
		_, err := s.Students(t.Context(), issuer.StudentFilter{Limit: -1})
		assertErrorIs(t, "Students", err, issuer.ErrInvalid)
	}},
}

func testUpsertCounts(t *testing.T, s issuer.Store) {
	steps := []struct {
		name        string
		students    []*issuer.Student
		wantCreated int
		wantUpdated int
	}{
		{
			name:        "all new",
			students:    []*issuer.Student{newStudent("S1", "One"), newStudent("S2", "Two"), newStudent("S3", "Three")},
			wantCreated: 3,
		},
		{
			name:     "same again",
			students: []*issuer.Student{newStudent("S1", "One"), newStudent("S2", "Two"), newStudent("S3", "Three")},
		},
		{
			name:        "one changed and one new",
			students:    []*issuer.Student{newStudent("S1", "One"), newStudent("S2", "Two Renamed"), newStudent("S4", "Four")},
			wantCreated: 1,
			wantUpdated: 1,
		},
		{
			name: "status changed",
			students: func() []*issuer.Student {
				st := newStudent("S3", "Three")
				st.Status = issuer.Graduated
				return []*issuer.Student{st}
			}(),
			wantUpdated: 1,
		},
		{
			name: "empty call",
		},
	}

	// The steps build on each other, so they run in order on one store.
	for _, step := range steps {
		created, updated, err := s.UpsertStudents(t.Context(), step.students)
		requireNoError(t, step.name, err)
		assertEqual(t, step.name+": created", created, step.wantCreated)
		assertEqual(t, step.name+": updated", updated, step.wantUpdated)
	}

	list, err := s.Students(t.Context(), issuer.StudentFilter{})
	requireNoError(t, "Students", err)
	assertEqual(t, "students stored", len(list), 4)
}

func testStudentFilter(t *testing.T, s issuer.Store) {
	students := []*issuer.Student{
		newStudent("S003", "Alice Wong"),
		newStudent("S001", "Bob Chan"),
		newStudent("S002", "Carol Lee"),
		newStudent("S010", "ALICE Ho"),
		newStudent("S5%_", "Percent Sign"),
	}
	students[2].Status = issuer.Graduated
	students[3].Email = "ho.alice@mail.example.com"
	_, _, err := s.UpsertStudents(t.Context(), students)
	requireNoError(t, "UpsertStudents", err)

	tests := []struct {
		name   string
		filter issuer.StudentFilter
		want   []string
	}{
		{"all ordered by number", issuer.StudentFilter{}, []string{"S001", "S002", "S003", "S010", "S5%_"}},
		{"name ignores case", issuer.StudentFilter{Query: "alice"}, []string{"S003", "S010"}},
		{"upper-case query", issuer.StudentFilter{Query: "CHAN"}, []string{"S001"}},
		{"part of number", issuer.StudentFilter{Query: "s01"}, []string{"S010"}},
		{"email", issuer.StudentFilter{Query: "mail.example.com"}, []string{"S010"}},
		{"Chinese name", issuer.StudentFilter{Query: "大文"}, []string{"S001", "S002", "S003", "S010", "S5%_"}},
		{"percent is literal", issuer.StudentFilter{Query: "5%"}, []string{"S5%_"}},
		{"percent is no wildcard", issuer.StudentFilter{Query: "s%1"}, nil},
		{"underscore is literal", issuer.StudentFilter{Query: "%_"}, []string{"S5%_"}},
		{"underscore is no wildcard", issuer.StudentFilter{Query: "s_0"}, nil},
		{"no match", issuer.StudentFilter{Query: "zzz"}, nil},
		{"status", issuer.StudentFilter{Status: issuer.Graduated}, []string{"S002"}},
		{"query and status", issuer.StudentFilter{Query: "alice", Status: issuer.Current}, []string{"S003", "S010"}},
		{"limit", issuer.StudentFilter{Limit: 2}, []string{"S001", "S002"}},
		{"limit and offset", issuer.StudentFilter{Limit: 2, Offset: 2}, []string{"S003", "S010"}},
		{"offset without limit", issuer.StudentFilter{Offset: 3}, []string{"S010", "S5%_"}},
		{"offset past the end", issuer.StudentFilter{Limit: 2, Offset: 10}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := s.Students(t.Context(), tt.filter)
			requireNoError(t, "Students", err)
			var numbers []string
			for _, st := range list {
				numbers = append(numbers, st.Number)
			}
			assertEqual(t, "numbers", numbers, tt.want)
		})
	}
}
