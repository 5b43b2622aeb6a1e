package issuer

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"github.com/google/uuid"
)

// signBatchSize is how many signed awards are written to the store at once:
// large enough to amortise the round trip, small enough that a 100,000-row
// upload never holds more than a few batches of credentials in memory.
const signBatchSize = 256

type signJob struct {
	profile  *Profile
	activity *Activity
	uploadID string
	plans    []plannedAward
}

type signedAward struct {
	award *Award
	plan  int // index into signJob.plans
}

// signAwards builds and signs the credential of every planned award on all
// cores and hands them to write in batches, from one goroutine. It stops at
// the first error, from signing or from write.
func (s *Service) signAwards(ctx context.Context, job signJob, write func([]signedAward) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	indexes := make(chan int)
	results := make(chan signedAward, signBatchSize)

	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range indexes {
				a, err := s.signAward(ctx, job, i)
				if err != nil {
					cancel(err)
					return
				}
				select {
				case results <- signedAward{award: a, plan: i}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}

	go func() {
		defer close(indexes)
		for i := range job.plans {
			select {
			case indexes <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() {
		wg.Wait()
		close(results)
	}()

	written, err := collect(results, write)
	if err != nil {
		cancel(err)
	}
	for range results {
		// Drain so that no worker stays blocked after an error.
	}

	// The cause is set when a worker or write failed, or when the caller's
	// context ended; either way some awards were not written.
	if err := context.Cause(ctx); err != nil {
		return err
	}
	if written != len(job.plans) {
		return fmt.Errorf("signed %d of %d awards", written, len(job.plans))
	}
	return nil
}

// collect hands results to write in batches and returns how many it wrote.
func collect(results <-chan signedAward, write func([]signedAward) error) (int, error) {
	written := 0
	batch := make([]signedAward, 0, signBatchSize)
	for r := range results {
		batch = append(batch, r)
		if len(batch) == signBatchSize {
			if err := write(batch); err != nil {
				return written, err
			}
			written += len(batch)
			batch = make([]signedAward, 0, signBatchSize)
		}
	}
	if len(batch) > 0 {
		if err := write(batch); err != nil {
			return written, err
		}
		written += len(batch)
	}
	return written, nil
}

// signAward builds, validates and signs the credential of one planned award.
func (s *Service) signAward(ctx context.Context, job signJob, i int) (*Award, error) {
	p := job.plans[i]
	credID := uuid.NewString()
	issuedAt := s.now()

	doc, payload, err := s.Builder.Build(CredentialInput{
		CredentialID:     credID,
		IssuerID:         s.IssuerID,
		Profile:          job.profile,
		Achievement:      p.achievement,
		Student:          p.student,
		Activity:         job.activity,
		SessionsAttended: p.row.SessionsAttended,
		SessionsTotal:    p.row.SessionsTotal,
		ValidFrom:        issuedAt,
		Salt:             NewSalt(),
		URLs:             s.URLs,
		Status:           p.status,
	})
	if err != nil {
		return nil, fmt.Errorf("build credential for student %s, badge %s: %w", p.student.Number, p.achievement.Code, err)
	}

	jws, keyID, err := s.Signer.Sign(ctx, payload)
	if err != nil {
		return nil, fmt.Errorf("sign credential %s: %w", credID, err)
	}

	return &Award{
		ID:               uuid.NewString(),
		ActivityID:       job.activity.ID,
		StudentID:        p.student.ID,
		AchievementID:    p.achievement.ID,
		UploadID:         job.uploadID,
		Status:           AwardActive,
		IssuedAt:         issuedAt,
		SessionsAttended: p.row.SessionsAttended,
		SessionsTotal:    p.row.SessionsTotal,
		Credential: Credential{
			ID:          credID,
			KeyID:       keyID,
			JWS:         jws,
			Document:    doc,
			IssuedAt:    issuedAt,
			Status:      CredentialActive,
			StatusEntry: p.status,
		},
	}, nil
}
