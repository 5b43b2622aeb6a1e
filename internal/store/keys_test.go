package store

import (
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// TestRevokeSigningKeyWaitsForWriters holds a PostgreSQL transaction that
// checked a key the way credential writes do, and checks that revoking the
// key waits until that transaction ends, so that no credential it writes
// escapes the re-issue that follows a revocation.
func TestRevokeSigningKeyWaitsForWriters(t *testing.T) {
	postgresBaseURL(t)
	db := migratedTestDB(t, postgresTestURL(t))
	ctx := t.Context()
	for _, k := range []*issuer.SigningKey{
		{ID: "k-active", Algorithm: "ES256", Status: issuer.KeyActive},
		{ID: "k-old", Algorithm: "ES256", Status: issuer.KeyRetired},
	} {
		if err := db.CreateSigningKey(ctx, k); err != nil {
			t.Fatal(err)
		}
	}

	checked := make(chan error)
	release := make(chan struct{})
	writer := make(chan error, 1)
	go func() {
		writer <- db.withTx(ctx, func(c conn) error {
			var g keyGuard
			err := g.check(ctx, c, "k-old")
			checked <- err
			<-release
			return err
		})
	}()
	if err := <-checked; err != nil {
		t.Fatalf("check the key: %v", err)
	}

	revoked := make(chan error, 1)
	go func() { revoked <- db.RevokeSigningKey(ctx, "k-old", time.Time{}) }()
	select {
	case err := <-revoked:
		t.Fatalf("RevokeSigningKey returned %v while a writer still held the key", err)
	case <-time.After(300 * time.Millisecond):
	}

	close(release)
	if err := <-writer; err != nil {
		t.Fatalf("writer: %v", err)
	}
	if err := <-revoked; err != nil {
		t.Fatalf("RevokeSigningKey: %v", err)
	}
}
