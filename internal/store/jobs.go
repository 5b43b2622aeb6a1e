package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/laurel-badges/laurel/issuer"
)

// JobMaxAttempts is how many times a job runs before it is discarded and
// shows as failed. With the workers' default backoff, the last attempt
// comes about four hours after the first.
const JobMaxAttempts = 10

// RiverDriver returns a River driver on the store's connection pool, so that
// River's tables live in the same database and its jobs can be inserted in
// the store's transactions. Both drivers take a *sql.Tx.
func (db *DB) RiverDriver() riverdriver.Driver[*sql.Tx] {
	if db.dialect.name == dialectSQLite {
		return riversqlite.New(db.sql)
	}
	return riverdatabasesql.New(db.sql)
}

// riverEnumVersion is the River migration (of River v0.51.2) that adds the
// job state "pending". PostgreSQL rejects a new enum value in the
// transaction that adds it, and version 6 uses it, so versions up to this
// one commit first.
const riverEnumVersion = 4

// migrateRiver applies River's own migrations. Each transaction holds the
// migration lock, so that concurrent runs apply each version once. SQLite
// takes every version in one transaction. PostgreSQL takes two, split
// after riverEnumVersion; a database past that version skips the first.
func (db *DB) migrateRiver(ctx context.Context) error {
	migrator, err := rivermigrate.New(db.RiverDriver(), &rivermigrate.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("create River migrator: %w", err)
	}

	steps := []*rivermigrate.MigrateOpts{{}}
	if db.dialect.name == dialectPostgres {
		steps = []*rivermigrate.MigrateOpts{{TargetVersion: riverEnumVersion}, {}}
	}
	for _, opts := range steps {
		err := db.withTx(ctx, func(c conn) error {
			if err := db.lockMigrations(ctx, c); err != nil {
				return err
			}
			//lint:ignore SA1019 MigrateTx is deprecated because some versions cannot share a transaction; steps splits them where they cannot.
			_, err := migrator.MigrateTx(ctx, c.q.(*sql.Tx), rivermigrate.DirectionUp, opts)
			return err
		})
		if err != nil {
			return fmt.Errorf("apply River migrations: %w", err)
		}
	}
	return nil
}

// jobClient returns the insert-only River client of the store, made once.
// It has no workers: those run in the client of internal/jobs.
func (db *DB) jobClient() (*river.Client[*sql.Tx], error) {
	db.riverOnce.Do(func() {
		db.river, db.riverErr = river.NewClient(db.RiverDriver(), &river.Config{
			Logger:      slog.New(slog.DiscardHandler),
			MaxAttempts: JobMaxAttempts,
		})
	})
	if db.riverErr != nil {
		return nil, fmt.Errorf("create River client: %w", db.riverErr)
	}
	return db.river, nil
}

// enqueueTx inserts jobs in the transaction of c.
func (db *DB) enqueueTx(ctx context.Context, c conn, jobs []issuer.Job) error {
	if len(jobs) == 0 {
		return nil
	}
	tx, ok := c.q.(*sql.Tx)
	if !ok {
		return errors.New("enqueue jobs: not in a transaction")
	}
	client, err := db.jobClient()
	if err != nil {
		return err
	}

	params := make([]river.InsertManyParams, len(jobs))
	for i, j := range jobs {
		params[i] = river.InsertManyParams{Args: j}
	}
	if _, err := client.InsertManyTx(ctx, tx, params); err != nil {
		return storeError(fmt.Sprintf("enqueue %d jobs", len(jobs)), err)
	}
	return nil
}

// Enqueue adds jobs to the job queue in a transaction of their own.
func (db *DB) Enqueue(ctx context.Context, jobs ...issuer.Job) error {
	return db.withTx(ctx, func(c conn) error { return db.enqueueTx(ctx, c, jobs) })
}

// Enqueue implements issuer.UploadTx.
func (w *uploadTx) Enqueue(jobs ...issuer.Job) error {
	if w.err != nil {
		return w.err
	}
	if err := w.db.enqueueTx(w.ctx, w.c, jobs); err != nil {
		w.err = err
		return err
	}
	return nil
}

// Enqueue implements issuer.ReplaceTx.
func (tx *replaceTx) Enqueue(jobs ...issuer.Job) error {
	if tx.err != nil {
		return tx.err
	}
	if err := tx.db.enqueueTx(tx.ctx, tx.c, jobs); err != nil {
		tx.err = err
		return err
	}
	return nil
}

// defaultJobStates are the states an admin checks: jobs that failed.
var defaultJobStates = []issuer.JobState{issuer.JobRetryable, issuer.JobDiscarded, issuer.JobCancelled}

// Jobs lists queued jobs matching f, newest first.
func (db *DB) Jobs(ctx context.Context, f issuer.JobFilter) ([]*issuer.JobRecord, error) {
	client, err := db.jobClient()
	if err != nil {
		return nil, err
	}

	states := f.States
	if len(states) == 0 {
		states = defaultJobStates
	}
	riverStates := make([]rivertype.JobState, len(states))
	for i, s := range states {
		riverStates[i] = rivertype.JobState(s)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}

	params := river.NewJobListParams().States(riverStates...).OrderBy(river.JobListOrderByID, river.SortOrderDesc).First(limit)
	res, err := client.JobList(ctx, params)
	if err != nil {
		return nil, fmt.Errorf("list jobs: %w", err)
	}

	out := make([]*issuer.JobRecord, len(res.Jobs))
	for i, j := range res.Jobs {
		out[i] = jobRecord(j)
	}
	return out, nil
}

func jobRecord(j *rivertype.JobRow) *issuer.JobRecord {
	r := &issuer.JobRecord{
		ID:          j.ID,
		Kind:        j.Kind,
		State:       issuer.JobState(j.State),
		Args:        append([]byte(nil), j.EncodedArgs...),
		Attempt:     j.Attempt,
		MaxAttempts: j.MaxAttempts,
		CreatedAt:   j.CreatedAt.UTC(),
		ScheduledAt: j.ScheduledAt.UTC(),
	}
	if j.FinalizedAt != nil {
		r.FinalizedAt = j.FinalizedAt.UTC()
	}
	for _, e := range j.Errors {
		r.Errors = append(r.Errors, issuer.JobError{Attempt: e.Attempt, At: e.At.UTC(), Message: e.Error})
	}
	return r
}
