package store

import (
	"context"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// CreatePendingUpload inserts p. An empty ID is set to a new UUID and a
// zero CreatedAt to the current time. An unknown activity or user is an
// ErrNotFound.
func (db *DB) CreatePendingUpload(ctx context.Context, p *issuer.PendingUpload) error {
	p.ID = newID(p.ID)
	stamp(&p.CreatedAt, now())

	const q = `
INSERT INTO pending_uploads (
	id,
	activity_id,
	user_id,
	filename,
	content_type,
	data,
	created_at
) VALUES (?, ?, ?, ?, ?, ?, ?)`
	_, err := db.conn().exec(ctx, q,
		p.ID,
		p.ActivityID,
		p.UserID,
		p.Filename,
		p.ContentType,
		notNullBytes(p.Data),
		db.dialect.timeArg(p.CreatedAt),
	)
	if err != nil {
		return storeError(fmt.Sprintf("keep pending upload for activity %s", p.ActivityID), err)
	}
	return nil
}

// PendingUpload returns the pending upload with id, or ErrNotFound.
func (db *DB) PendingUpload(ctx context.Context, id string) (*issuer.PendingUpload, error) {
	const q = `
SELECT
	p.id,
	p.activity_id,
	p.user_id,
	p.filename,
	p.content_type,
	p.data,
	p.created_at
FROM pending_uploads p
WHERE p.id = ?`

	p := &issuer.PendingUpload{}
	err := db.conn().queryRow(ctx, q, id).Scan(
		&p.ID,
		&p.ActivityID,
		&p.UserID,
		&p.Filename,
		&p.ContentType,
		bytesDest(&p.Data),
		timeDest(&p.CreatedAt),
	)
	if err != nil {
		return nil, storeError(fmt.Sprintf("read pending upload %s", id), err)
	}
	return p, nil
}

// DeletePendingUpload removes the pending upload with id. A missing one is
// not an error, because a confirmation sent twice must fail on the upload.
func (db *DB) DeletePendingUpload(ctx context.Context, id string) error {
	if _, err := db.conn().exec(ctx, `DELETE FROM pending_uploads WHERE id = ?`, id); err != nil {
		return storeError(fmt.Sprintf("delete pending upload %s", id), err)
	}
	return nil
}

// DeletePendingUploadsBefore removes the pending uploads created before t
// and returns how many it removed.
func (db *DB) DeletePendingUploadsBefore(ctx context.Context, t time.Time) (int, error) {
	const op = "delete old pending uploads"
	res, err := db.conn().exec(ctx, `DELETE FROM pending_uploads WHERE created_at < ?`, db.dialect.timeArg(storedTime(t)))
	if err != nil {
		return 0, storeError(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	return int(n), nil
}
