// Package jobs runs Laurel's background jobs on River
// (github.com/riverqueue/river), in the same database as the store: the
// messages about uploads and revocations, and large uploads. laurel serve
// starts the workers next to the web server, and laurel worker runs them
// alone, so that more machines can share the work on one PostgreSQL.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/laurel-badges/laurel/internal/notify"
	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/issuer"
)

// Config tunes the workers. Zero values mean the defaults.
type Config struct {
	// Workers is how many jobs run at once in this process; default 10.
	Workers int
	// RetryBase is the wait before the first retry of a failed job; each
	// later retry waits twice as long, up to RetryMax. Defaults 30 seconds
	// and 2 hours, so the attempts of store.JobMaxAttempts span about four
	// hours.
	RetryBase, RetryMax time.Duration
	// PollInterval is how often idle workers look for new jobs; default 1
	// second. SQLite and database/sql have no LISTEN/NOTIFY, so workers poll.
	PollInterval time.Duration
}

// Runner runs the job workers.
type Runner struct {
	client *river.Client[*sql.Tx]
	log    *slog.Logger
}

// New builds a Runner on the store's database. notifier sends the
// messages and service issues large uploads.
func New(db *store.DB, notifier *notify.Notifier, service *issuer.Service, cfg Config, log *slog.Logger) (*Runner, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Runner{log: log}

	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[issuer.AwardNotice]) error {
		return notifier.SendAwardNotice(ctx, j.Args)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[issuer.UploadSummary]) error {
		return notifier.SendUploadSummary(ctx, j.Args)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[issuer.UploadCopy]) error {
		return notifier.SendUploadCopy(ctx, j.Args)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[issuer.RevocationNotice]) error {
		return notifier.SendRevocationNotice(ctx, j.Args)
	}))
	river.AddWorker(workers, &uploadWorker{service: service})

	client, err := river.NewClient(db.RiverDriver(), &river.Config{
		Queues:            map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cmpOr(cfg.Workers, 10)}},
		Workers:           workers,
		MaxAttempts:       store.JobMaxAttempts,
		RetryPolicy:       &backoff{base: cmpOr(cfg.RetryBase, 30*time.Second), max: cmpOr(cfg.RetryMax, 2*time.Hour)},
		FetchPollInterval: cmpOr(cfg.PollInterval, time.Second),
		FetchCooldown:     min(cmpOr(cfg.PollInterval, time.Second), 100*time.Millisecond),
		PollOnly:          true,
		// Large uploads sign for minutes; messages take seconds.
		JobTimeout:   30 * time.Minute,
		ErrorHandler: &errorHandler{log: log},
		Logger:       log.With("component", "river"),
	})
	if err != nil {
		return nil, fmt.Errorf("job queue client: %w", err)
	}
	r.client = client
	return r, nil
}

func cmpOr[T comparable](v, fallback T) T {
	var zero T
	if v == zero {
		return fallback
	}
	return v
}

// Start starts the workers; they run until Stop or until ctx ends.
func (r *Runner) Start(ctx context.Context) error {
	if err := r.client.Start(ctx); err != nil {
		return fmt.Errorf("start job workers: %w", err)
	}
	r.log.InfoContext(ctx, "job workers started")
	return nil
}

// Stop waits for running jobs to finish until ctx ends, then cancels them;
// a cancelled job runs again later.
func (r *Runner) Stop(ctx context.Context) error {
	if err := r.client.Stop(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("stop job workers: %w", err)
	}
	r.log.InfoContext(ctx, "job workers stopped")
	return nil
}

// backoff is the retry policy: base, then doubling up to max, with up to
// 10% random jitter so that jobs that failed together do not retry together.
type backoff struct {
	base, max time.Duration
}

// NextRetry implements river.ClientRetryPolicy.
func (b *backoff) NextRetry(job *rivertype.JobRow) time.Time {
	wait := b.base
	for i := 1; i < job.Attempt && wait < b.max; i++ {
		wait *= 2
	}
	wait = min(wait, b.max)
	jitter := time.Duration(rand.Int64N(int64(wait/10) + 1))
	return time.Now().Add(wait + jitter)
}

// errorHandler logs every failed attempt, and cancels jobs that cannot
// succeed on a later attempt, so that they show as failed at once.
type errorHandler struct {
	log *slog.Logger
}

// HandleError implements river.ErrorHandler.
func (h *errorHandler) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	final := errors.Is(err, notify.ErrNoRecipient) || errors.Is(err, issuer.ErrNotFound)
	h.log.ErrorContext(ctx, "job failed", "job_id", job.ID, "kind", job.Kind, "attempt", job.Attempt, "max_attempts", job.MaxAttempts, "final", final, "err", err)
	return &river.ErrorHandlerResult{SetCancelled: final}
}

// HandlePanic implements river.ErrorHandler.
func (h *errorHandler) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	h.log.ErrorContext(ctx, "job panicked", "job_id", job.ID, "kind", job.Kind, "attempt", job.Attempt, "panic", fmt.Sprint(panicVal), "trace", trace)
	return nil
}

// uploadWorker issues a large upload. RunUpload stores its progress where
// the web pages of every process read it.
type uploadWorker struct {
	river.WorkerDefaults[issuer.UploadRunJob]
	service *issuer.Service
}

// Work implements river.Worker.
func (w *uploadWorker) Work(ctx context.Context, j *river.Job[issuer.UploadRunJob]) error {
	return w.service.RunUpload(ctx, j.Args.RunID, nil)
}
