package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/laurel-badges/laurel/issuer"
)

// CreateUploadRun inserts run and enqueues jobs in one transaction. An
// empty run.ID is set to a new UUID, and zero times to the current time.
func (db *DB) CreateUploadRun(ctx context.Context, run *issuer.UploadRun, jobs ...issuer.Job) error {
	t := now()
	run.ID = newID(run.ID)
	stamp(&run.CreatedAt, t)
	stamp(&run.UpdatedAt, t)
	run.CreatedAt, run.UpdatedAt = storedTime(run.CreatedAt), storedTime(run.UpdatedAt)

	const q = `
INSERT INTO upload_runs (
	id,
	activity_id,
	requested_by,
	filename,
	content_type,
	original,
	withhold,
	state,
	done,
	total,
	upload_id,
	result,
	error,
	created_at,
	updated_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

	err := db.withTx(ctx, func(c conn) error {
		_, err := c.exec(ctx, q,
			run.ID,
			run.ActivityID,
			run.RequestedBy,
			run.Filename,
			run.ContentType,
			notNullBytes(run.Original),
			strings.Join(run.Withhold, "\n"),
			string(run.State),
			run.Done,
			run.Total,
			nullable(run.UploadID),
			run.Result,
			run.Error,
			c.d.timeArg(run.CreatedAt),
			c.d.timeArg(run.UpdatedAt),
		)
		if err != nil {
			return storeError("insert upload run", err)
		}
		return db.enqueueTx(ctx, c, jobs)
	})
	if err != nil {
		return fmt.Errorf("create upload run %s: %w", run.ID, err)
	}
	return nil
}

// UploadRun returns an upload run with its original file.
func (db *DB) UploadRun(ctx context.Context, id string) (*issuer.UploadRun, error) {
	const q = `
SELECT
	id,
	activity_id,
	requested_by,
	filename,
	content_type,
	original,
	withhold,
	state,
	done,
	total,
	upload_id,
	result,
	error,
	created_at,
	updated_at
FROM upload_runs
WHERE id = ?`

	var run issuer.UploadRun
	var withhold, state string
	err := db.conn().queryRow(ctx, q, id).Scan(
		&run.ID,
		&run.ActivityID,
		&run.RequestedBy,
		&run.Filename,
		&run.ContentType,
		bytesDest(&run.Original),
		&withhold,
		&state,
		&run.Done,
		&run.Total,
		textDest(&run.UploadID),
		bytesDest(&run.Result),
		&run.Error,
		timeDest(&run.CreatedAt),
		timeDest(&run.UpdatedAt),
	)
	if err != nil {
		return nil, storeError("upload run "+id, err)
	}
	run.Withhold = splitLines(withhold)
	run.State = issuer.UploadRunState(state)
	db.readUploadProgress(&run)
	return &run, nil
}

// UpdateUploadRun stores the state, counts, upload id, result, error and
// UpdatedAt of run. It returns ErrNotFound for an unknown run.
func (db *DB) UpdateUploadRun(ctx context.Context, run *issuer.UploadRun) error {
	run.UpdatedAt = storedTime(run.UpdatedAt)

	const q = `
UPDATE upload_runs SET
	state = ?,
	done = ?,
	total = ?,
	upload_id = ?,
	result = ?,
	error = ?,
	updated_at = ?
WHERE id = ?`

	c := db.conn()
	res, err := c.exec(ctx, q,
		string(run.State),
		run.Done,
		run.Total,
		nullable(run.UploadID),
		run.Result,
		run.Error,
		c.d.timeArg(run.UpdatedAt),
		run.ID,
	)
	if err != nil {
		return storeError("update upload run "+run.ID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return storeError("update upload run "+run.ID, err)
	}
	if n == 0 {
		return fmt.Errorf("update upload run %s: %w", run.ID, issuer.ErrNotFound)
	}
	db.removeUploadProgress(run)
	return nil
}
