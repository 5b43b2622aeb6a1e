package storetest

import (
	"crypto/sha256"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// attemptWindow is the window length of the attempt cases.
const attemptWindow = 15 * time.Minute

func keyHash(key string) []byte {
	sum := sha256.Sum256([]byte(key))
	return sum[:]
}

// countAttempt counts one attempt of kind and key at now and returns the
// window's start and attempts.
func countAttempt(t *testing.T, s issuer.Store, kind, key string, now time.Time) (time.Time, int) {
	t.Helper()
	start, n, err := s.CountSignInAttempt(t.Context(), kind, keyHash(key), now, attemptWindow)
	requireNoError(t, "CountSignInAttempt "+kind+" "+key, err)
	return start, n
}

var attemptCases = []testCase{
	{"attempts count within window", func(t *testing.T, s issuer.Store) {
		for i := 1; i <= 3; i++ {
			start, n := countAttempt(t, s, "login", "alex", t0.Add(time.Duration(i-1)*time.Minute))
			assertEqual(t, "window start", start, t0)
			assertEqual(t, "attempts", n, i)
		}
	}},
	{"window ends after its length", func(t *testing.T, s issuer.Store) {
		countAttempt(t, s, "login", "alex", t0)
		countAttempt(t, s, "login", "alex", t0.Add(time.Minute))

		before := t0.Add(attemptWindow - time.Microsecond)
		start, n := countAttempt(t, s, "login", "alex", before)
		assertEqual(t, "start just before the end", start, t0)
		assertEqual(t, "attempts just before the end", n, 3)

		end := t0.Add(attemptWindow)
		start, n = countAttempt(t, s, "login", "alex", end)
		assertEqual(t, "start of the new window", start, end)
		assertEqual(t, "attempts of the new window", n, 1)
	}},
	{"kinds and keys count apart", func(t *testing.T, s issuer.Store) {
		countAttempt(t, s, "login", "alex", t0)
		countAttempt(t, s, "login", "alex", t0)
		_, n := countAttempt(t, s, "email", "alex", t0)
		assertEqual(t, "same key of another kind", n, 1)
		_, n = countAttempt(t, s, "login", "sam", t0)
		assertEqual(t, "another key of the same kind", n, 1)
	}},
	{"uncount takes one back", func(t *testing.T, s issuer.Store) {
		countAttempt(t, s, "client", "192.0.2.1", t0)
		start, _ := countAttempt(t, s, "client", "192.0.2.1", t0)

		err := s.UncountSignInAttempt(t.Context(), "client", keyHash("192.0.2.1"), start)
		requireNoError(t, "UncountSignInAttempt", err)
		_, n := countAttempt(t, s, "client", "192.0.2.1", t0)
		assertEqual(t, "attempts after one was taken back", n, 2)
	}},
	{"uncount of ended window", func(t *testing.T, s issuer.Store) {
		old, _ := countAttempt(t, s, "client", "192.0.2.1", t0)
		later := t0.Add(attemptWindow)
		countAttempt(t, s, "client", "192.0.2.1", later)

		err := s.UncountSignInAttempt(t.Context(), "client", keyHash("192.0.2.1"), old)
		requireNoError(t, "UncountSignInAttempt of the ended window", err)
		_, n := countAttempt(t, s, "client", "192.0.2.1", later)
		assertEqual(t, "attempts of the new window", n, 2)
	}},
	{"uncount stops at zero", func(t *testing.T, s issuer.Store) {
		start, _ := countAttempt(t, s, "client", "192.0.2.1", t0)
		for range 3 {
			err := s.UncountSignInAttempt(t.Context(), "client", keyHash("192.0.2.1"), start)
			requireNoError(t, "UncountSignInAttempt", err)
		}
		_, n := countAttempt(t, s, "client", "192.0.2.1", t0)
		assertEqual(t, "attempts after taking back more than were counted", n, 1)

		err := s.UncountSignInAttempt(t.Context(), "client", keyHash("unknown"), start)
		requireNoError(t, "UncountSignInAttempt of an unknown key", err)
	}},
	{"delete clears one key", func(t *testing.T, s issuer.Store) {
		countAttempt(t, s, "login", "alex", t0)
		countAttempt(t, s, "login", "alex", t0)
		countAttempt(t, s, "login", "sam", t0)

		requireNoError(t, "DeleteSignInAttempts", s.DeleteSignInAttempts(t.Context(), "login", keyHash("alex")))
		requireNoError(t, "DeleteSignInAttempts of an unknown key", s.DeleteSignInAttempts(t.Context(), "login", keyHash("unknown")))

		start, n := countAttempt(t, s, "login", "alex", t0.Add(time.Minute))
		assertEqual(t, "start after delete", start, t0.Add(time.Minute))
		assertEqual(t, "attempts after delete", n, 1)
		_, n = countAttempt(t, s, "login", "sam", t0)
		assertEqual(t, "attempts of the other key", n, 2)
	}},
	{"expired windows are pruned", func(t *testing.T, s issuer.Store) {
		countAttempt(t, s, "login", "old", t0)
		countAttempt(t, s, "client", "old", t0.Add(time.Minute))
		countAttempt(t, s, "login", "new", t0.Add(attemptWindow))

		n, err := s.DeleteSignInAttemptsBefore(t.Context(), t0.Add(attemptWindow))
		requireNoError(t, "DeleteSignInAttemptsBefore", err)
		assertEqual(t, "windows deleted", n, 2)

		start, count := countAttempt(t, s, "login", "old", t0.Add(2*time.Minute))
		assertEqual(t, "start of a pruned key", start, t0.Add(2*time.Minute))
		assertEqual(t, "attempts of a pruned key", count, 1)
		_, count = countAttempt(t, s, "login", "new", t0.Add(attemptWindow))
		assertEqual(t, "attempts of the kept key", count, 2)

		n, err = s.DeleteSignInAttemptsBefore(t.Context(), t0)
		requireNoError(t, "DeleteSignInAttemptsBefore with nothing to delete", err)
		assertEqual(t, "windows deleted the second time", n, 0)
	}},
	{"concurrent attempts each count once", func(t *testing.T, s issuer.Store) {
		const parallel = 24
		counts := make([]int, parallel)
		errs := make([]error, parallel)
		var wg sync.WaitGroup
		for i := range parallel {
			wg.Go(func() {
				_, counts[i], errs[i] = s.CountSignInAttempt(t.Context(), "login", keyHash("alex"), t0, attemptWindow)
			})
		}
		wg.Wait()

		for i, err := range errs {
			requireNoError(t, fmt.Sprintf("concurrent CountSignInAttempt %d", i), err)
		}
		slices.Sort(counts)
		want := make([]int, parallel)
		for i := range want {
			want[i] = i + 1
		}
		assertEqual(t, "attempt numbers returned", counts, want)
	}},
}
