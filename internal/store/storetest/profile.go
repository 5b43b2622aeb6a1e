package storetest

import (
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

var profileCases = []testCase{
	{"not found before set", func(t *testing.T, s issuer.Store) {
		p, err := s.Profile(t.Context())
		assertErrorIs(t, "Profile", err, issuer.ErrNotFound)
		if p != nil {
			t.Errorf("Profile = %+v, want nil with the error", p)
		}
	}},
	{"round trip", func(t *testing.T, s issuer.Store) {
		want := &issuer.Profile{
			Name:        "Example College",
			URL:         "https://college.example.edu",
			Email:       "badges@college.example.edu",
			Description: "A college that issues badges.",
			ImageURL:    "https://college.example.edu/logo.png",
			Color:       "#7a0019",
			AccentColor: "#0b6e4f",
			UpdatedAt:   t0,
		}
		requireNoError(t, "SetProfile", s.SetProfile(t.Context(), want))

		got, err := s.Profile(t.Context())
		requireNoError(t, "Profile", err)
		assertEqual(t, "Profile", got, want)
	}},
	{"set replaces", func(t *testing.T, s issuer.Store) {
		first := &issuer.Profile{Name: "Old Name", URL: "https://old.example.edu", UpdatedAt: t0}
		second := &issuer.Profile{Name: "New Name", URL: "https://new.example.edu", UpdatedAt: hours(1)}
		requireNoError(t, "SetProfile first", s.SetProfile(t.Context(), first))
		requireNoError(t, "SetProfile second", s.SetProfile(t.Context(), second))

		got, err := s.Profile(t.Context())
		requireNoError(t, "Profile", err)
		assertEqual(t, "Profile", got, second)
	}},
	{"zero updated at is now", func(t *testing.T, s issuer.Store) {
		before := time.Now()
		requireNoError(t, "SetProfile", s.SetProfile(t.Context(), &issuer.Profile{Name: "College"}))
		after := time.Now()

		got, err := s.Profile(t.Context())
		requireNoError(t, "Profile", err)
		assertBetween(t, "UpdatedAt", got.UpdatedAt, before, after)
	}},
}
