package store

import (
	"testing"

	"github.com/laurel-badges/laurel/internal/store/storetest"
	"github.com/laurel-badges/laurel/issuer"
)

// TestPostgresStore runs the conformance suite on the PostgreSQL server in
// LAUREL_TEST_DATABASE_URL, each case in a schema of its own.
func TestPostgresStore(t *testing.T) {
	postgresBaseURL(t)
	storetest.Run(t, func(t *testing.T) issuer.Store {
		return schemaTestDB(t, postgresTestURL(t))
	})
	storetest.RunJobs(t, func(t *testing.T) issuer.Store {
		return migratedTestDB(t, postgresTestURL(t))
	})
}
