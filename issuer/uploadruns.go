package issuer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
)

// UploadRunState is the state of an upload issued in the background.
type UploadRunState string

// Upload run states.
const (
	RunQueued  UploadRunState = "queued"
	RunRunning UploadRunState = "running"
	RunDone    UploadRunState = "done"   // issued; UploadID and Result are set
	RunFailed  UploadRunState = "failed" // nothing was issued; Error, and Result when the file had problems, say why
)

// UploadRun is an attendance upload that a background job issues, so that
// a large file does not hold a web request open while it is signed.
type UploadRun struct {
	ID          string
	ActivityID  string
	RequestedBy string // user id
	Filename    string
	ContentType string
	Original    []byte
	Withhold    []string // student numbers to leave out
	State       UploadRunState
	Done        int    // credentials signed and written so far
	Total       int    // credentials to issue; 0 until the file is checked
	UploadID    string // the upload it created, once done
	Result      []byte // JSON of the UploadResult, once done or failed on the file's problems
	Error       string // reason for the failure, shown to the organiser
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Finished reports whether the run will change no more.
func (r *UploadRun) Finished() bool { return r.State == RunDone || r.State == RunFailed }

// StartUploadRun checks the actor's right to upload to the activity, then
// stores the file and queues its issuing in one transaction. The job runs
// ProcessUpload as the actor, so that the same rules apply as to an upload
// issued at once.
func (s *Service) StartUploadRun(ctx context.Context, actor *User, req UploadRequest) (*UploadRun, error) {
	act, err := s.Activity(ctx, actor, req.ActivityID)
	if err != nil {
		return nil, err
	}
	if actor.Role == RoleOrganiser && !actor.CanUpload {
		return nil, fmt.Errorf("%s has no right to upload attendance; ask the learning advisor to grant it: %w", actor.Name, ErrForbidden)
	}
	if req.DryRun {
		return nil, Invalidf("dry_run", "a dry run is checked at once; send it without the background option")
	}
	if err := req.checkText(); err != nil {
		return nil, err
	}

	now := s.now()
	run := &UploadRun{
		ID:          uuid.NewString(),
		ActivityID:  act.ID,
		RequestedBy: actor.ID,
		Filename:    req.Filename,
		ContentType: req.ContentType,
		Original:    req.Data,
		Withhold:    req.Withhold,
		State:       RunQueued,
		CreatedAt:   now,
		UpdatedAt:   now,
	}
	if err := s.Store.CreateUploadRun(ctx, run, UploadRunJob{RunID: run.ID}); err != nil {
		return nil, fmt.Errorf("queue upload of %s: %w", req.Filename, err)
	}
	s.logger().InfoContext(ctx, "upload queued", "run_id", run.ID, "activity_id", act.ID, "bytes", len(req.Data))
	return run, nil
}

// UploadRun returns a background upload that the actor requested, or of an
// activity the actor manages.
func (s *Service) UploadRun(ctx context.Context, actor *User, id string) (*UploadRun, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	run, err := s.Store.UploadRun(ctx, id)
	if err != nil {
		return nil, err
	}
	if run.RequestedBy == actor.ID {
		return run, nil
	}
	if _, err := s.Activity(ctx, actor, run.ActivityID); err != nil {
		return nil, err
	}
	return run, nil
}

// RunUpload issues a queued upload run and records its outcome. After each
// batch of credentials it stores the counts with Store.RecordUploadProgress
// and passes them to progress, when not nil.
//
// It returns an error only for a failure worth retrying, such as a lost
// database connection. A file with problems, or a requester who lost the
// right to upload, ends the run as failed and returns nil. Running it again
// after a crash is safe, because awards issued before are skipped.
func (s *Service) RunUpload(ctx context.Context, runID string, progress func(done, total int)) error {
	run, err := s.Store.UploadRun(ctx, runID)
	if err != nil {
		return fmt.Errorf("load upload run %s: %w", runID, err)
	}
	if run.Finished() {
		return nil
	}
	actor, err := s.Store.User(ctx, run.RequestedBy)
	if err != nil {
		return fmt.Errorf("load requester of upload run %s: %w", runID, err)
	}

	run.State, run.UpdatedAt = RunRunning, s.now()
	if err := s.Store.UpdateUploadRun(ctx, run); err != nil {
		return fmt.Errorf("start upload run %s: %w", runID, err)
	}

	var progressFailures int
	req := UploadRequest{
		ActivityID:  run.ActivityID,
		Filename:    run.Filename,
		ContentType: run.ContentType,
		Data:        run.Original,
		Withhold:    run.Withhold,
		Progress: func(done, total int) {
			run.Done, run.Total = done, total
			s.recordUploadProgress(ctx, run, &progressFailures)
			if progress != nil {
				progress(done, total)
			}
		},
	}
	res, err := s.ProcessUpload(ctx, actor, req)
	if err != nil && !finalUploadError(err) {
		return err
	}
	return s.finishUploadRun(ctx, run, res, err)
}

// recordUploadProgress stores the run's counts for the pages that follow
// it. Progress is only a display, so a failure is logged, once per run,
// and the upload goes on.
func (s *Service) recordUploadProgress(ctx context.Context, run *UploadRun, failures *int) {
	err := s.Store.RecordUploadProgress(ctx, run.ID, run.Done, run.Total)
	if err == nil {
		return
	}
	*failures++
	if *failures == 1 {
		s.logger().WarnContext(ctx, "record upload progress", "run_id", run.ID, "err", err)
	}
}

// finalUploadError reports whether err means that running the upload again
// would fail the same way.
func finalUploadError(err error) bool {
	return errors.Is(err, ErrInvalid) || errors.Is(err, ErrForbidden) || errors.Is(err, ErrNotFound) || errors.Is(err, ErrKeyRevoked)
}

func (s *Service) finishUploadRun(ctx context.Context, run *UploadRun, res *UploadResult, runErr error) error {
	run.State = RunDone
	if runErr != nil {
		run.State, run.Error = RunFailed, runErr.Error()
	}
	if res != nil {
		data, err := json.Marshal(res)
		if err != nil {
			return fmt.Errorf("encode result of upload run %s: %w", run.ID, err)
		}
		run.Result, run.UploadID = data, res.UploadID
	}
	run.UpdatedAt = s.now()

	// The context may end while the run finishes; its outcome must still be stored.
	if err := s.Store.UpdateUploadRun(context.WithoutCancel(ctx), run); err != nil {
		return fmt.Errorf("finish upload run %s: %w", run.ID, err)
	}
	s.logger().InfoContext(ctx, "upload run finished", "run_id", run.ID, "state", string(run.State), "upload_id", run.UploadID)
	return nil
}
