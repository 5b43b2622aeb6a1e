package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/internal/store/storetest"
)

// sharedDatabases create an empty database of each dialect at a URL that
// several servers can open. PostgreSQL is skipped unless
// LAUREL_TEST_DATABASE_URL is set, and fails under CI without it.
var sharedDatabases = []struct {
	name string
	url  func(testing.TB) string
}{
	{"sqlite", storetest.SQLiteURL},
	{"postgres", storetest.PostgresURL},
}

// openStoreAt opens and migrates the store at databaseURL, and closes it at
// cleanup.
func openStoreAt(t testing.TB, databaseURL string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), databaseURL)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate store: %v", err)
	}
	return db
}

// serverPair starts two servers, each with its own connection pool, on
// one new database of the given kind. The first one is seeded, and the
// admin has adminPassword.
func serverPair(t *testing.T, databaseURL string) (first, second *testServer) {
	t.Helper()
	first = startTestServer(t, openStoreAt(t, databaseURL), nil)
	first.seed(t, context.Background())
	first.setPassword(t, first.admin.user, adminPassword)
	second = startTestServer(t, openStoreAt(t, databaseURL), first.master)
	return first, second
}

func wrongPassword(ts *testServer) url.Values {
	return url.Values{"login": {ts.admin.user.Name}, "password": {"a wrong password"}}
}

func TestSignInLimitAcrossServers(t *testing.T) {
	for _, d := range sharedDatabases {
		t.Run(d.name, func(t *testing.T) {
			databaseURL := d.url(t)
			first, second := serverPair(t, databaseURL)

			// The failures alternate between the servers, so that each
			// one receives only half of them.
			for i := range maxFailuresByLogin {
				ts := []*testServer{first, second}[i%2]
				res := ts.page(t, browserClient(t), "/signin", wrongPassword(first))
				if res.StatusCode != http.StatusUnauthorized {
					t.Fatalf("attempt %d: status %d, want 401", i+1, res.StatusCode)
				}
			}

			right := url.Values{"login": {first.admin.user.Name}, "password": {adminPassword}}
			for name, ts := range map[string]*testServer{"first": first, "second": second} {
				res := ts.page(t, browserClient(t), "/signin", right)
				if res.StatusCode != http.StatusTooManyRequests {
					t.Errorf("%s server, right password after %d failures: status %d, want 429", name, maxFailuresByLogin, res.StatusCode)
				}
			}

			// A server started afterwards, with a connection of its own,
			// as after a restart, keeps the count.
			restarted := startTestServer(t, openStoreAt(t, databaseURL), first.master)
			res := restarted.page(t, browserClient(t), "/signin", right)
			res.wantStatus(t, http.StatusTooManyRequests)
			res.wantBodyContains(t, "Too many sign-in attempts")
		})
	}
}

func TestSignInLimitConcurrent(t *testing.T) {
	for _, d := range sharedDatabases {
		t.Run(d.name, func(t *testing.T) {
			first, second := serverPair(t, d.url(t))

			const attempts = 3 * maxFailuresByLogin
			statuses := make([]int, attempts)
			var wg sync.WaitGroup
			for i := range attempts {
				ts := []*testServer{first, second}[i%2]
				wg.Go(func() {
					statuses[i] = ts.page(t, browserClient(t), "/signin", wrongPassword(first)).StatusCode
				})
			}
			wg.Wait()

			counts := map[int]int{}
			for _, s := range statuses {
				counts[s]++
			}
			if counts[http.StatusUnauthorized] != maxFailuresByLogin {
				t.Errorf("%d wrong passwords were checked, want exactly the limit of %d; statuses %v",
					counts[http.StatusUnauthorized], maxFailuresByLogin, counts)
			}
			if counts[http.StatusTooManyRequests] != attempts-maxFailuresByLogin {
				t.Errorf("%d attempts got 429, want %d; statuses %v", counts[http.StatusTooManyRequests], attempts-maxFailuresByLogin, counts)
			}
		})
	}
}

func TestSignInSuccessClearsLoginCount(t *testing.T) {
	ts := newTestServer(t)
	ts.setPassword(t, ts.admin.user, adminPassword)

	for range maxFailuresByLogin - 1 {
		ts.page(t, browserClient(t), "/signin", wrongPassword(ts)).wantStatus(t, http.StatusUnauthorized)
	}
	right := url.Values{"login": {ts.admin.user.Name}, "password": {adminPassword}}
	ts.page(t, browserClient(t), "/signin", right).wantRedirect(t, "/admin/")

	for i := range maxFailuresByLogin {
		res := ts.page(t, browserClient(t), "/signin", wrongPassword(ts))
		if res.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d after a successful sign-in: status %d, want 401", i+1, res.StatusCode)
		}
	}
}

func TestSignInFailsClosed(t *testing.T) {
	ts := newTestServer(t)
	ts.setPassword(t, ts.admin.user, adminPassword)
	ts.store.failAttempts.Store(true)

	tests := []struct {
		name, path string
		form       url.Values
	}{
		{"password", "/signin", url.Values{"login": {ts.admin.user.Name}, "password": {adminPassword}}},
		{"link request", "/signin/link", url.Values{"email": {"s1001@stu.example.edu"}}},
		{"link use", "/signin/link/no-such-token", url.Values{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := browserClient(t)
			res := ts.page(t, c, tt.path, tt.form)
			res.wantStatus(t, http.StatusServiceUnavailable)
			res.wantBodyContains(t, "cannot check its sign-in limits")
			if strings.Contains(string(res.body), driverText) {
				t.Error("the page shows the database error")
			}
			if got := sessionCookie(t, c, ts.URL); got != "" {
				t.Error("a refused sign-in set a session cookie")
			}
		})
	}

	logged := false
	for _, rec := range ts.logs.lines(t) {
		if rec["msg"] == "sign-in attempt rejected: storing its count failed" && rec["level"] == "ERROR" {
			logged = true
		}
	}
	if !logged {
		t.Error("no error was logged for the refused attempts")
	}
}

func TestExpiredSignInAttemptsDeleted(t *testing.T) {
	ts := newTestServer(t)
	clock := time.Now()
	ts.svc.Now = func() time.Time { return clock }

	ts.setPassword(t, ts.admin.user, adminPassword)
	ts.setPassword(t, ts.organiser.user, adminPassword)

	ts.page(t, browserClient(t), "/signin", wrongPassword(ts)).wantStatus(t, http.StatusUnauthorized)
	ts.page(t, browserClient(t), "/signin", url.Values{"login": {ts.organiser.user.Name}, "password": {"a wrong password"}}).
		wantStatus(t, http.StatusUnauthorized)

	n, err := ts.srv.DeleteExpiredSignInAttempts(context.Background())
	if err != nil || n != 0 {
		t.Fatalf("within the window: deleted %d, err %v; want 0 and no error", n, err)
	}

	clock = clock.Add(signInWindow + time.Second)
	n, err = ts.srv.DeleteExpiredSignInAttempts(context.Background())
	if err != nil {
		t.Fatalf("delete expired attempts: %v", err)
	}
	// One window for the client address and one for each login.
	if n != 3 {
		t.Errorf("after the window: deleted %d windows, want 3", n)
	}
}
