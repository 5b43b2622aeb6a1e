package storetest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

var transcriptLinkCases = []testCase{
	{"transcript token is kept", func(t *testing.T, s issuer.Store) {
		students := createStudents(t, s, 2)

		first, err := s.EnsureTranscriptToken(t.Context(), students[0].ID, "token-one")
		requireNoError(t, "EnsureTranscriptToken", err)
		assertEqual(t, "first token", first, "token-one")
		second, err := s.EnsureTranscriptToken(t.Context(), students[0].ID, "token-two")
		requireNoError(t, "EnsureTranscriptToken again", err)
		assertEqual(t, "second token", second, "token-one")

		got, err := s.StudentByTranscriptToken(t.Context(), "token-one")
		requireNoError(t, "StudentByTranscriptToken", err)
		assertEqual(t, "student by token", got.ID, students[0].ID)

		_, err = s.StudentByTranscriptToken(t.Context(), "token-two")
		assertErrorIs(t, "StudentByTranscriptToken unknown", err, issuer.ErrNotFound)
	}},
	{"transcript tokens differ per student", func(t *testing.T, s issuer.Store) {
		students := createStudents(t, s, 2)
		_, err := s.EnsureTranscriptToken(t.Context(), students[0].ID, "token-one")
		requireNoError(t, "EnsureTranscriptToken", err)
		other, err := s.EnsureTranscriptToken(t.Context(), students[1].ID, "token-two")
		requireNoError(t, "EnsureTranscriptToken of the second student", err)
		assertEqual(t, "second student's token", other, "token-two")

		got, err := s.StudentByTranscriptToken(t.Context(), "token-two")
		requireNoError(t, "StudentByTranscriptToken", err)
		assertEqual(t, "student by token", got.ID, students[1].ID)
	}},
	{"transcript token of unknown student", func(t *testing.T, s issuer.Store) {
		_, err := s.EnsureTranscriptToken(t.Context(), uuid.NewString(), "token")
		assertErrorIs(t, "EnsureTranscriptToken", err, issuer.ErrNotFound)
	}},
	{"transcript token is replaced", func(t *testing.T, s issuer.Store) {
		students := createStudents(t, s, 2)
		_, err := s.EnsureTranscriptToken(t.Context(), students[0].ID, "token-one")
		requireNoError(t, "EnsureTranscriptToken", err)
		_, err = s.EnsureTranscriptToken(t.Context(), students[1].ID, "token-other")
		requireNoError(t, "EnsureTranscriptToken of the second student", err)

		err = s.ReplaceTranscriptToken(t.Context(), students[0].ID, "token-two")
		requireNoError(t, "ReplaceTranscriptToken", err)
		_, err = s.StudentByTranscriptToken(t.Context(), "token-one")
		assertErrorIs(t, "StudentByTranscriptToken of the old token", err, issuer.ErrNotFound)
		got, err := s.StudentByTranscriptToken(t.Context(), "token-two")
		requireNoError(t, "StudentByTranscriptToken of the new token", err)
		assertEqual(t, "student by new token", got.ID, students[0].ID)
		kept, err := s.EnsureTranscriptToken(t.Context(), students[0].ID, "token-three")
		requireNoError(t, "EnsureTranscriptToken after the replacement", err)
		assertEqual(t, "token after the replacement", kept, "token-two")

		other, err := s.StudentByTranscriptToken(t.Context(), "token-other")
		requireNoError(t, "StudentByTranscriptToken of the second student", err)
		assertEqual(t, "second student by token", other.ID, students[1].ID)
	}},
	{"transcript token of unknown student is not replaced", func(t *testing.T, s issuer.Store) {
		err := s.ReplaceTranscriptToken(t.Context(), uuid.NewString(), "token")
		assertErrorIs(t, "ReplaceTranscriptToken", err, issuer.ErrNotFound)
	}},
}
