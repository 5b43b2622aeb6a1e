package web

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// Sign-in limits. Wrong passwords, unusable links and link requests count
// against the client address, and wrong passwords against the account,
// whose count a successful sign-in clears. Successful sign-ins do not
// count, so that students behind one campus NAT address are not locked
// out by each other. A limit that is reached blocks until its window,
// which starts at the first attempt, ends.
//
// The counts are kept in the database, so they hold across restarts and
// across every server on one database. Behind a reverse proxy the client
// address is the one that LAUREL_TRUSTED_PROXIES lets the server read
// from X-Forwarded-For.
const (
	signInWindow        = 15 * time.Minute
	maxAttemptsByClient = 100 // failed sign-ins and link requests per address
	maxFailuresByLogin  = 10  // wrong passwords per account name or email
	maxLinksByEmail     = 3   // sign-in links sent to one address
)

var (
	limitByClient = issuer.AttemptLimit{Kind: "client", Max: maxAttemptsByClient, Window: signInWindow}
	limitByLogin  = issuer.AttemptLimit{Kind: "login", Max: maxFailuresByLogin, Window: signInWindow}
	limitByEmail  = issuer.AttemptLimit{Kind: "email", Max: maxLinksByEmail, Window: signInWindow}

	// limitPasswordChange counts wrong current passwords on the password
	// page per account, so that someone holding a stolen session cannot
	// guess the password there instead of at /signin.
	limitPasswordChange = issuer.AttemptLimit{Kind: "password_change", Max: maxFailuresByLogin, Window: signInWindow}
)

// errLimitUnavailable marks a failure to count an attempt. The attempt is
// rejected, because an attempt that cannot be counted could be one of an
// unlimited number of guesses.
var errLimitUnavailable = errors.New("sign-in limits unavailable")

// limitKey is a limit and the key that an attempt counts against.
type limitKey struct {
	limit issuer.AttemptLimit
	key   string
}

// byClient, byLogin and byEmail build the keys of the sign-in forms.
// Logins and emails are compared ignoring case, as the accounts are.
func byClient(ctx context.Context) limitKey {
	return limitKey{limitByClient, clientAddress(ctx)}
}

func byLogin(login string) limitKey { return limitKey{limitByLogin, strings.ToLower(login)} }
func byEmail(email string) limitKey { return limitKey{limitByEmail, strings.ToLower(email)} }

// attempt is one attempt counted against each of its limits.
type attempt struct {
	counted []*issuer.CountedAttempt
}

// countAttempt counts one attempt against every key. When a limit is
// reached it takes all the counts back and returns how long to wait.
// When the store fails it takes back what it counted and returns an error
// that wraps errLimitUnavailable.
func (s *Server) countAttempt(ctx context.Context, keys ...limitKey) (*attempt, time.Duration, error) {
	a := &attempt{}
	blocked := false
	var wait time.Duration
	for _, k := range keys {
		c, err := s.Service.CountAttempt(ctx, k.limit, k.key)
		if err != nil {
			s.uncount(ctx, a)
			return nil, 0, errors.Join(errLimitUnavailable, err)
		}
		a.counted = append(a.counted, c)
		if !c.Allowed() {
			blocked = true
			wait = max(wait, c.RetryAfter)
		}
	}

	if blocked {
		// A blocked attempt is not made, so it does not count either.
		s.uncount(ctx, a)
		return nil, max(wait, time.Second), nil
	}
	return a, 0, nil
}

// uncount takes back every count of a, for an attempt that does not
// count. A failure is logged and leaves the count one too high, which
// errs towards blocking.
func (s *Server) uncount(ctx context.Context, a *attempt) {
	if a == nil {
		return
	}
	for _, c := range a.counted {
		if err := s.Service.UncountAttempt(ctx, c); err != nil {
			s.log.ErrorContext(ctx, "take back sign-in attempt", "limit", c.Limit.Kind, "err", err)
		}
	}
}

// clearAttempts deletes the count of k after a successful sign-in. A
// failure is logged, and the count then ends with its window.
func (s *Server) clearAttempts(ctx context.Context, k limitKey) {
	if err := s.Service.ClearAttempts(ctx, k.limit, k.key); err != nil {
		s.log.ErrorContext(ctx, "clear sign-in attempts", "limit", k.limit.Kind, "err", err)
	}
}

// DeleteExpiredSignInAttempts deletes the sign-in attempt counts whose
// window has ended and returns how many it deleted. laurel serve runs it
// every hour. Ended windows block nothing either way.
func (s *Server) DeleteExpiredSignInAttempts(ctx context.Context) (int, error) {
	return s.Service.DeleteExpiredAttempts(ctx, signInWindow)
}
