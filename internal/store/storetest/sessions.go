package storetest

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

var accountCases = []testCase{
	{"users by role", func(t *testing.T, s issuer.Store) {
		createUser(t, s, "zoe", issuer.RoleOrganiser)
		createUser(t, s, "adam", issuer.RoleOrganiser)
		createUser(t, s, "advisor", issuer.RoleAdmin)

		organisers, err := s.Users(t.Context(), issuer.RoleOrganiser)
		requireNoError(t, "Users(organiser)", err)
		assertEqual(t, "organiser names", userNames(organisers), []string{"adam", "zoe"})

		all, err := s.Users(t.Context(), "")
		requireNoError(t, "Users(all)", err)
		assertEqual(t, "all names", userNames(all), []string{"adam", "advisor", "zoe"})
	}},
	{"user by email ignores case", func(t *testing.T, s issuer.Store) {
		want := createUser(t, s, "alice", issuer.RoleOrganiser)
		got, err := s.UserByEmail(t.Context(), "ALICE@Example.EDU")
		requireNoError(t, "UserByEmail", err)
		assertEqual(t, "UserByEmail", got, want)

		_, err = s.UserByEmail(t.Context(), "nobody@example.edu")
		assertErrorIs(t, "UserByEmail unknown", err, issuer.ErrNotFound)
		_, err = s.UserByEmail(t.Context(), "")
		assertErrorIs(t, "UserByEmail empty", err, issuer.ErrNotFound)
	}},
	{"shared user email conflicts", func(t *testing.T, s issuer.Store) {
		for _, name := range []string{"one", "two"} {
			u := &issuer.User{Name: name, Email: "shared@example.edu", Role: issuer.RoleOrganiser, CreatedAt: t0}
			requireNoError(t, "CreateUser "+name, s.CreateUser(t.Context(), u))
		}
		_, err := s.UserByEmail(t.Context(), "shared@example.edu")
		assertErrorIs(t, "UserByEmail", err, issuer.ErrConflict)
	}},
	{"upload right", func(t *testing.T, s issuer.Store) {
		u := createUser(t, s, "organiser", issuer.RoleOrganiser)
		got, err := s.SetUserCanUpload(t.Context(), u.ID, false)
		requireNoError(t, "SetUserCanUpload(false)", err)
		assertEqual(t, "CanUpload after withdraw", got.CanUpload, false)

		got, err = s.SetUserCanUpload(t.Context(), u.ID, true)
		requireNoError(t, "SetUserCanUpload(true)", err)
		assertEqual(t, "CanUpload after grant", got.CanUpload, true)

		_, err = s.SetUserCanUpload(t.Context(), "no-such-user", true)
		assertErrorIs(t, "SetUserCanUpload unknown", err, issuer.ErrNotFound)
	}},
	{"user password", func(t *testing.T, s issuer.Store) {
		u := createUser(t, s, "organiser", issuer.RoleOrganiser)
		hash, err := s.UserPassword(t.Context(), u.ID)
		requireNoError(t, "UserPassword before", err)
		assertEqual(t, "password before", hash, "")

		requireNoError(t, "SetUserPassword", s.SetUserPassword(t.Context(), u.ID, "$argon2id$stored"))
		hash, err = s.UserPassword(t.Context(), u.ID)
		requireNoError(t, "UserPassword after", err)
		assertEqual(t, "password after", hash, "$argon2id$stored")

		assertErrorIs(t, "SetUserPassword unknown", s.SetUserPassword(t.Context(), "no-such-user", "x"), issuer.ErrNotFound)
		_, err = s.UserPassword(t.Context(), "no-such-user")
		assertErrorIs(t, "UserPassword unknown", err, issuer.ErrNotFound)
	}},
	{"student by college or personal email", func(t *testing.T, s issuer.Store) {
		students := createStudents(t, s, 2)
		personal := "Alumna@Mail.example.com"
		_, err := s.UpdateStudent(t.Context(), students[1].Number, issuer.StudentUpdate{PersonalEmail: &personal})
		requireNoError(t, "UpdateStudent", err)

		got, err := s.StudentByEmail(t.Context(), "s00001@STUDENT.example.edu")
		requireNoError(t, "StudentByEmail college", err)
		assertEqual(t, "college email student", got.Number, "S00001")

		got, err = s.StudentByEmail(t.Context(), "alumna@mail.example.com")
		requireNoError(t, "StudentByEmail personal", err)
		assertEqual(t, "personal email student", got.Number, "S00002")

		_, err = s.StudentByEmail(t.Context(), "")
		assertErrorIs(t, "StudentByEmail empty", err, issuer.ErrNotFound)
	}},
	{"shared student email conflicts", func(t *testing.T, s issuer.Store) {
		students := createStudents(t, s, 2)
		shared := students[0].Email
		_, err := s.UpdateStudent(t.Context(), students[1].Number, issuer.StudentUpdate{PersonalEmail: &shared})
		requireNoError(t, "UpdateStudent", err)

		_, err = s.StudentByEmail(t.Context(), shared)
		assertErrorIs(t, "StudentByEmail", err, issuer.ErrConflict)
	}},
	{"student password", func(t *testing.T, s issuer.Store) {
		st := createStudents(t, s, 1)[0]
		requireNoError(t, "SetStudentPassword", s.SetStudentPassword(t.Context(), st.ID, "$argon2id$student"))
		hash, err := s.StudentPassword(t.Context(), st.ID)
		requireNoError(t, "StudentPassword", err)
		assertEqual(t, "password", hash, "$argon2id$student")

		assertErrorIs(t, "SetStudentPassword unknown", s.SetStudentPassword(t.Context(), "no-such-student", "x"), issuer.ErrNotFound)
	}},
}

var sessionCases = []testCase{
	{"round trip", func(t *testing.T, s issuer.Store) {
		u := createUser(t, s, "advisor", issuer.RoleAdmin)
		st := createStudents(t, s, 1)[0]

		staff := &issuer.Session{Hash: tokenHash("staff"), UserID: u.ID, CreatedAt: t0, LastSeenAt: hours(1)}
		student := &issuer.Session{Hash: tokenHash("student"), StudentID: st.ID, CreatedAt: t0, LastSeenAt: t0}
		requireNoError(t, "CreateSession staff", s.CreateSession(t.Context(), staff))
		requireNoError(t, "CreateSession student", s.CreateSession(t.Context(), student))

		got, err := s.Session(t.Context(), staff.Hash)
		requireNoError(t, "Session staff", err)
		assertEqual(t, "staff session", got, staff)
		got, err = s.Session(t.Context(), student.Hash)
		requireNoError(t, "Session student", err)
		assertEqual(t, "student session", got, student)
	}},
	{"owner required", func(t *testing.T, s issuer.Store) {
		u := createUser(t, s, "advisor", issuer.RoleAdmin)
		st := createStudents(t, s, 1)[0]

		err := s.CreateSession(t.Context(), &issuer.Session{Hash: tokenHash("none"), CreatedAt: t0})
		assertErrorIs(t, "CreateSession without owner", err, issuer.ErrInvalid)
		err = s.CreateSession(t.Context(), &issuer.Session{Hash: tokenHash("both"), UserID: u.ID, StudentID: st.ID, CreatedAt: t0})
		assertErrorIs(t, "CreateSession with two owners", err, issuer.ErrInvalid)
		err = s.CreateSession(t.Context(), &issuer.Session{Hash: tokenHash("ghost"), UserID: "no-such-user", CreatedAt: t0})
		assertErrorIs(t, "CreateSession unknown user", err, issuer.ErrNotFound)
	}},
	{"touch and delete", func(t *testing.T, s issuer.Store) {
		u := createUser(t, s, "advisor", issuer.RoleAdmin)
		sess := &issuer.Session{Hash: tokenHash("s"), UserID: u.ID, CreatedAt: t0, LastSeenAt: t0}
		requireNoError(t, "CreateSession", s.CreateSession(t.Context(), sess))

		requireNoError(t, "TouchSession", s.TouchSession(t.Context(), sess.Hash, hours(2)))
		got, err := s.Session(t.Context(), sess.Hash)
		requireNoError(t, "Session", err)
		assertEqual(t, "LastSeenAt", got.LastSeenAt, hours(2))

		requireNoError(t, "DeleteSession", s.DeleteSession(t.Context(), sess.Hash))
		_, err = s.Session(t.Context(), sess.Hash)
		assertErrorIs(t, "Session after delete", err, issuer.ErrNotFound)
		requireNoError(t, "DeleteSession twice", s.DeleteSession(t.Context(), sess.Hash))
		assertErrorIs(t, "TouchSession after delete", s.TouchSession(t.Context(), sess.Hash, hours(3)), issuer.ErrNotFound)
	}},
	{"delete every session of one owner", func(t *testing.T, s issuer.Store) {
		alice := createUser(t, s, "alice", issuer.RoleOrganiser)
		bob := createUser(t, s, "bob", issuer.RoleOrganiser)
		st := createStudents(t, s, 1)[0]
		for i, owner := range []issuer.Session{{UserID: alice.ID}, {UserID: alice.ID}, {UserID: bob.ID}, {StudentID: st.ID}} {
			owner.Hash = tokenHash(fmt.Sprint("session", i))
			owner.CreatedAt = t0
			requireNoError(t, "CreateSession", s.CreateSession(t.Context(), &owner))
		}

		n, err := s.DeleteSessions(t.Context(), alice.ID, "")
		requireNoError(t, "DeleteSessions alice", err)
		assertEqual(t, "ended for alice", n, 2)
		_, err = s.Session(t.Context(), tokenHash("session2"))
		requireNoError(t, "bob's session kept", err)

		n, err = s.DeleteSessions(t.Context(), "", st.ID)
		requireNoError(t, "DeleteSessions student", err)
		assertEqual(t, "ended for student", n, 1)

		_, err = s.DeleteSessions(t.Context(), "", "")
		assertErrorIs(t, "DeleteSessions without id", err, issuer.ErrInvalid)
	}},
	{"delete stale", func(t *testing.T, s issuer.Store) {
		u := createUser(t, s, "advisor", issuer.RoleAdmin)
		sessions := map[string]issuer.Session{
			"old":   {CreatedAt: t0, LastSeenAt: hours(20)},
			"idle":  {CreatedAt: hours(10), LastSeenAt: hours(10)},
			"fresh": {CreatedAt: hours(10), LastSeenAt: hours(20)},
		}
		for name, sess := range sessions {
			sess.Hash, sess.UserID = tokenHash(name), u.ID
			requireNoError(t, "CreateSession "+name, s.CreateSession(t.Context(), &sess))
		}

		n, err := s.DeleteStaleSessions(t.Context(), hours(5), hours(15))
		requireNoError(t, "DeleteStaleSessions", err)
		assertEqual(t, "deleted", n, 2)
		_, err = s.Session(t.Context(), tokenHash("fresh"))
		requireNoError(t, "fresh session kept", err)
	}},
}

var signInLinkCases = []testCase{
	{"used once", func(t *testing.T, s issuer.Store) {
		st := createStudents(t, s, 1)[0]
		l := &issuer.SignInLink{Hash: tokenHash("link"), StudentID: st.ID, CreatedAt: t0, ExpiresAt: hours(1)}
		requireNoError(t, "CreateSignInLink", s.CreateSignInLink(t.Context(), l))

		got, err := s.UseSignInLink(t.Context(), l.Hash, t0.Add(time.Minute))
		requireNoError(t, "UseSignInLink", err)
		assertEqual(t, "link", got, l)

		_, err = s.UseSignInLink(t.Context(), l.Hash, t0.Add(2*time.Minute))
		assertErrorIs(t, "UseSignInLink again", err, issuer.ErrNotFound)
	}},
	{"expired rejected", func(t *testing.T, s issuer.Store) {
		st := createStudents(t, s, 1)[0]
		l := &issuer.SignInLink{Hash: tokenHash("link"), StudentID: st.ID, CreatedAt: t0, ExpiresAt: hours(1)}
		requireNoError(t, "CreateSignInLink", s.CreateSignInLink(t.Context(), l))

		_, err := s.UseSignInLink(t.Context(), l.Hash, hours(1))
		assertErrorIs(t, "UseSignInLink at expiry", err, issuer.ErrNotFound)
	}},
	{"unknown rejected", func(t *testing.T, s issuer.Store) {
		_, err := s.UseSignInLink(t.Context(), tokenHash("never made"), t0)
		assertErrorIs(t, "UseSignInLink", err, issuer.ErrNotFound)
	}},
	{"concurrent use wins once", func(t *testing.T, s issuer.Store) {
		st := createStudents(t, s, 1)[0]
		l := &issuer.SignInLink{Hash: tokenHash("link"), StudentID: st.ID, CreatedAt: t0, ExpiresAt: hours(1)}
		requireNoError(t, "CreateSignInLink", s.CreateSignInLink(t.Context(), l))

		const tries = 8
		var wg sync.WaitGroup
		var won atomic.Int32
		for range tries {
			wg.Go(func() {
				if _, err := s.UseSignInLink(t.Context(), l.Hash, t0.Add(time.Minute)); err == nil {
					won.Add(1)
				}
			})
		}
		wg.Wait()
		assertEqual(t, "successful uses", won.Load(), int32(1))
	}},
}

func userNames(users []*issuer.User) []string {
	names := make([]string, len(users))
	for i, u := range users {
		names[i] = u.Name
	}
	return names
}
