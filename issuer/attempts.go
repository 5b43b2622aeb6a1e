package issuer

import (
	"context"
	"fmt"
	"time"
)

// AttemptLimit allows at most Max attempts of one Kind by one key in a
// fixed Window, which starts at the key's first attempt. The counts are
// kept in the store, so that every server on one database shares them and
// they outlive a restart.
type AttemptLimit struct {
	Kind   string // such as "client" or "login"; each kind counts apart
	Max    int
	Window time.Duration
}

// CountedAttempt is one attempt counted against a limit.
type CountedAttempt struct {
	Limit    AttemptLimit
	Start    time.Time // start of the window the attempt was counted in
	Attempts int       // attempts in the window, this one included

	// RetryAfter is how long the window still runs after the attempt:
	// the wait before the key may try again when the attempt is not
	// Allowed.
	RetryAfter time.Duration

	keyHash []byte
}

// Allowed reports whether the attempt is within its limit.
func (a *CountedAttempt) Allowed() bool { return a.Attempts <= a.Limit.Max }

// CountAttempt counts one attempt by key against limit. Callers count
// before they act and act only when the attempt is Allowed, so that
// attempts made at the same time cannot pass the limit together.
func (s *Service) CountAttempt(ctx context.Context, limit AttemptLimit, key string) (*CountedAttempt, error) {
	hash := HashToken(key)
	now := s.now()
	start, n, err := s.Store.CountSignInAttempt(ctx, limit.Kind, hash, now, limit.Window)
	if err != nil {
		return nil, fmt.Errorf("count %s attempt: %w", limit.Kind, err)
	}
	a := &CountedAttempt{Limit: limit, Start: start, Attempts: n, keyHash: hash}
	a.RetryAfter = max(start.Add(limit.Window).Sub(now), 0)
	return a, nil
}

// UncountAttempt takes back an attempt that turned out not to count: a
// successful sign-in, or one refused because another limit was reached.
func (s *Service) UncountAttempt(ctx context.Context, a *CountedAttempt) error {
	if err := s.Store.UncountSignInAttempt(ctx, a.Limit.Kind, a.keyHash, a.Start); err != nil {
		return fmt.Errorf("take back %s attempt: %w", a.Limit.Kind, err)
	}
	return nil
}

// ClearAttempts deletes the count of key under limit, as after a
// successful sign-in to the account the key names.
func (s *Service) ClearAttempts(ctx context.Context, limit AttemptLimit, key string) error {
	if err := s.Store.DeleteSignInAttempts(ctx, limit.Kind, HashToken(key)); err != nil {
		return fmt.Errorf("clear %s attempts: %w", limit.Kind, err)
	}
	return nil
}

// DeleteExpiredAttempts deletes the counts whose window has ended, given
// that no limit has a window longer than longest, and returns how many it
// deleted. Ended windows never block either way, so this only bounds the
// size of the table.
func (s *Service) DeleteExpiredAttempts(ctx context.Context, longest time.Duration) (int, error) {
	n, err := s.Store.DeleteSignInAttemptsBefore(ctx, s.now().Add(-longest))
	if err != nil {
		return 0, fmt.Errorf("delete expired attempts: %w", err)
	}
	return n, nil
}
