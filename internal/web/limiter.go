package web

import (
	"sync"
	"time"
)

// Sign-in limits. Wrong passwords, unusable links and link requests count
// against the client address, and wrong passwords against the account,
// whose count a successful sign-in clears. Successful sign-ins do not
// count, so that students behind one campus NAT address are not locked
// out by each other. A limit that is reached blocks until its window,
// which starts at the first attempt, ends.
//
// NOTE: behind a reverse proxy every client has the proxy's address, so
// maxAttemptsByClient is shared by all of them.
const (
	signInWindow        = 15 * time.Minute
	maxAttemptsByClient = 100 // failed sign-ins and link requests per address
	maxFailuresByLogin  = 10  // wrong passwords per account name or email
	maxLinksByEmail     = 3   // sign-in links sent to one address
)

// maxLimiterKeys bounds the memory of a limiter; when full, windows that
// have ended are dropped first, then the new key is not tracked.
const maxLimiterKeys = 100000

// windowLimiter counts events per key in fixed windows. The zero value is
// not ready; use newWindowLimiter.
type windowLimiter struct {
	max    int
	window time.Duration

	mu      sync.Mutex
	windows map[string]*window
}

type window struct {
	start time.Time
	count int
}

func newWindowLimiter(max int, length time.Duration) *windowLimiter {
	return &windowLimiter{max: max, window: length, windows: map[string]*window{}}
}

// retryAfter returns how long key is still blocked, or 0 when it may act.
func (l *windowLimiter) retryAfter(key string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()

	w, ok := l.windows[key]
	if !ok {
		return 0
	}
	end := w.start.Add(l.window)
	if !now.Before(end) {
		delete(l.windows, key)
		return 0
	}
	if w.count < l.max {
		return 0
	}
	return end.Sub(now)
}

// add counts one event of key.
func (l *windowLimiter) add(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()

	w, ok := l.windows[key]
	if ok && !now.Before(w.start.Add(l.window)) {
		ok = false
	}
	if !ok {
		if len(l.windows) >= maxLimiterKeys {
			l.prune(now)
			if len(l.windows) >= maxLimiterKeys {
				return
			}
		}
		w = &window{start: now}
		l.windows[key] = w
	}
	w.count++
}

// reset deletes the count of key, after a successful sign-in.
func (l *windowLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.windows, key)
}

func (l *windowLimiter) prune(now time.Time) {
	for key, w := range l.windows {
		if !now.Before(w.start.Add(l.window)) {
			delete(l.windows, key)
		}
	}
}

// signInLimits holds the limiters of the sign-in forms.
type signInLimits struct {
	byClient *windowLimiter
	byLogin  *windowLimiter
	byEmail  *windowLimiter
}

func newSignInLimits() *signInLimits {
	return &signInLimits{
		byClient: newWindowLimiter(maxAttemptsByClient, signInWindow),
		byLogin:  newWindowLimiter(maxFailuresByLogin, signInWindow),
		byEmail:  newWindowLimiter(maxLinksByEmail, signInWindow),
	}
}
