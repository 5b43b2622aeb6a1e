package issuer

import (
	"context"
	"encoding/json"
	"time"
)

// Job is a background task kept in the store's job queue. Kind names the
// worker that runs it. The value is stored as JSON and handed back to that
// worker, so it contains record ids rather than copies of records.
type Job interface {
	Kind() string
}

// AwardNotice is the message to one student that lists the badges an
// upload gave them: one message per student per upload, however many badges.
type AwardNotice struct {
	UploadID  string `json:"upload_id"`
	StudentID string `json:"student_id"` // internal id, not the student number
}

// Kind implements Job.
func (AwardNotice) Kind() string { return "award_notice" }

// UploadSummary sends the organiser who made an upload its counts.
type UploadSummary struct {
	UploadID string `json:"upload_id"`
}

// Kind implements Job.
func (UploadSummary) Kind() string { return "upload_summary" }

// UploadCopy sends the learning advisor a copy of an upload with the
// original file attached.
type UploadCopy struct {
	UploadID string `json:"upload_id"`
}

// Kind implements Job.
func (UploadCopy) Kind() string { return "upload_copy" }

// RevocationNotice is the message to a student whose credential was revoked.
type RevocationNotice struct {
	CredentialID string `json:"credential_id"`
}

// Kind implements Job.
func (RevocationNotice) Kind() string { return "revocation_notice" }

// UploadRunJob issues a large attendance upload in the background.
type UploadRunJob struct {
	RunID string `json:"run_id"`
}

// Kind implements Job.
func (UploadRunJob) Kind() string { return "upload_run" }

// JobState is the state of a queued job, as the job queue names it.
type JobState string

// Job states that an admin looks at. The queue has others (available,
// running, completed, scheduled, pending), which JobFilter also accepts.
const (
	JobRetryable JobState = "retryable" // failed, and will run again after a backoff
	JobDiscarded JobState = "discarded" // failed on its last attempt and will not run again
	JobCancelled JobState = "cancelled" // failed in a way that no retry can fix, such as a missing address
)

// JobRecord is a queued job with its attempts and errors, as listed for admins.
type JobRecord struct {
	ID          int64
	Kind        string
	State       JobState
	Args        json.RawMessage
	Attempt     int // attempts made so far
	MaxAttempts int
	Errors      []JobError // oldest first
	CreatedAt   time.Time
	ScheduledAt time.Time // when it runs next, for a retryable job
	FinalizedAt time.Time // zero unless it will not run again
}

// JobError is the error of one failed attempt.
type JobError struct {
	Attempt int
	At      time.Time
	Message string
}

// JobFilter selects jobs. Empty States selects the failed ones: retryable,
// discarded and cancelled jobs.
type JobFilter struct {
	States []JobState
	Limit  int // 0 means 100
}

// OutboxMessage is an email kept in the store because no SMTP server is
// configured. The learning advisor reads the outbox in the web app.
type OutboxMessage struct {
	ID          string
	Kind        string   // the job kind or "sign_in_link"
	To          []string // recipients' addresses
	Subject     string
	Text        string // plain-text part
	HTML        string // HTML part
	Attachments []string
	CreatedAt   time.Time
}

// Jobs lists queued jobs for an admin; an empty filter lists the failed ones.
func (s *Service) Jobs(ctx context.Context, actor *User, f JobFilter) ([]*JobRecord, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.Store.Jobs(ctx, f)
}

// Outbox lists the messages kept because no SMTP server is configured,
// newest first, for an admin.
func (s *Service) Outbox(ctx context.Context, actor *User, limit int) ([]*OutboxMessage, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.Store.OutboxMessages(ctx, limit)
}
