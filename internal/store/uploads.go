package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// RecordUpload writes the upload, then calls fill, which hands awards to
// write in batches, all in one transaction: on any error nothing is kept.
//
// Before the insert, an empty u.ID is set to a new UUID, a zero CreatedAt
// to the current time and an empty SHA256 to the digest of u.Original.
// After a commit, u.AwardCount is the number of awards written.
//
// write fills in each award's empty ID (new UUID), ActivityID (u.ActivityID),
// UploadID (u.ID), Status (active) and zero IssuedAt (the current time). It
// returns ErrInvalid for an award of another activity or without a
// credential id, ErrConflict for an award that exists (same activity,
// student and achievement) or a credential id that exists, and ErrNotFound
// for an unknown student or achievement. After its first error write
// returns that error again without writing, and RecordUpload rolls back even
// if fill returns nil. write must be called from fill's goroutine only.
func (db *DB) RecordUpload(ctx context.Context, u *issuer.Upload, fill func(write func([]*issuer.Award) error) error) error {
	t := now()
	u.ID = newID(u.ID)
	stamp(&u.CreatedAt, t)
	if u.SHA256 == "" {
		sum := sha256.Sum256(u.Original)
		u.SHA256 = hex.EncodeToString(sum[:])
	}

	var count int
	err := db.withTx(ctx, func(c conn) error {
		if err := insertUpload(ctx, c, u); err != nil {
			return err
		}

		var err error
		count, err = writeAwards(ctx, c, u, t, fill)
		if err != nil {
			return err
		}
		return setAwardCount(ctx, c, u.ID, count)
	})
	if err != nil {
		return fmt.Errorf("record upload %s of activity %s: %w", u.ID, u.ActivityID, err)
	}

	u.AwardCount = count
	return nil
}

func insertUpload(ctx context.Context, c conn, u *issuer.Upload) error {
	const q = `
INSERT INTO uploads (
	id,
	activity_id,
	uploaded_by,
	filename,
	content_type,
	original,
	sha256,
	row_count,
	award_count,
	created_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

	_, err := c.exec(ctx, q,
		u.ID,
		u.ActivityID,
		nullable(u.UploadedBy),
		u.Filename,
		u.ContentType,
		notNullBytes(u.Original),
		u.SHA256,
		u.RowCount,
		0,
		c.d.timeArg(u.CreatedAt),
	)
	if err != nil {
		return storeError("insert upload", err)
	}
	return nil
}

func setAwardCount(ctx context.Context, c conn, uploadID string, count int) error {
	const q = `
UPDATE uploads SET
	award_count = ?
WHERE id = ?`

	if _, err := c.exec(ctx, q, count, uploadID); err != nil {
		return storeError("set award count", err)
	}
	return nil
}

// awardColumnCount is the number of columns in awardColumns, which
// scanAward reads and insert writes in the same order.
const awardColumnCount = 11

// awardChunk is how many awards one INSERT statement writes. With one
// statement per award, PostgreSQL spent most of an upload on round trips;
// 64 rows of 11 values stay far below both databases' limits on bound
// parameters (65,535 on PostgreSQL, 32,766 on SQLite).
const awardChunk = 64

// insertAwardsSQL returns an INSERT of rows awards.
func insertAwardsSQL(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO awards (" + awardColumns + "\n) VALUES ")
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", awardColumnCount), ", ") + ")"
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// writeAwards calls fill with a write function that inserts awards in
// chunks, and returns how many it inserted.
func writeAwards(ctx context.Context, c conn, u *issuer.Upload, t time.Time, fill func(write func([]*issuer.Award) error) error) (int, error) {
	stmt, err := c.prepare(ctx, insertAwardsSQL(awardChunk))
	if err != nil {
		return 0, fmt.Errorf("prepare award insert: %w", err)
	}
	defer stmt.Close()

	w := &awardWriter{ctx: ctx, c: c, full: stmt, upload: u, now: t}
	fillErr := fill(w.write)

	// A write error wins: fill may have returned nil after ignoring it, and
	// on PostgreSQL the transaction cannot continue after a failed statement.
	if w.err != nil {
		return 0, w.err
	}
	if fillErr != nil {
		return 0, fmt.Errorf("fill: %w", fillErr)
	}
	return w.count, nil
}

type awardWriter struct {
	ctx    context.Context
	c      conn
	full   *sql.Stmt // inserts exactly awardChunk awards
	upload *issuer.Upload
	now    time.Time
	count  int
	err    error // first error; later writes return it
}

func (w *awardWriter) write(awards []*issuer.Award) error {
	if w.err != nil {
		return w.err
	}
	for len(awards) > 0 {
		n := min(len(awards), awardChunk)
		if err := w.insert(awards[:n]); err != nil {
			w.err = err
			return err
		}
		w.count += n
		awards = awards[n:]
	}
	return nil
}

// insert writes up to awardChunk awards with one statement.
func (w *awardWriter) insert(chunk []*issuer.Award) error {
	args := make([]any, 0, len(chunk)*awardColumnCount)
	for _, a := range chunk {
		if err := w.complete(a); err != nil {
			return err
		}
		args = append(args,
			a.ID,
			a.ActivityID,
			a.StudentID,
			a.AchievementID,
			nullable(a.UploadID),
			a.Status,
			w.c.d.timeArg(a.IssuedAt),
			a.Credential.ID,
			a.Credential.KeyID,
			a.Credential.JWS,
			string(a.Credential.Document),
		)
	}

	var err error
	if len(chunk) == awardChunk {
		_, err = w.full.ExecContext(w.ctx, args...)
	} else {
		_, err = w.c.exec(w.ctx, insertAwardsSQL(len(chunk)), args...)
	}
	if err != nil {
		return storeError(fmt.Sprintf("write %d awards, the first of achievement %s to student %s", len(chunk), chunk[0].AchievementID, chunk[0].StudentID), err)
	}
	return nil
}

// complete fills in the defaults of a and checks it against the upload.
func (w *awardWriter) complete(a *issuer.Award) error {
	a.ID = newID(a.ID)
	if a.ActivityID == "" {
		a.ActivityID = w.upload.ActivityID
	}
	if a.UploadID == "" {
		a.UploadID = w.upload.ID
	}
	if a.Status == "" {
		a.Status = issuer.AwardActive
	}
	stamp(&a.IssuedAt, w.now)

	if a.ActivityID != w.upload.ActivityID {
		return issuer.Invalidf("activityID", "award %s is for activity %s but the upload is for activity %s; write only awards of the upload's activity", a.ID, a.ActivityID, w.upload.ActivityID)
	}
	if a.Credential.ID == "" {
		return issuer.Invalidf("credential.id", "award %s has no credential id; set it before signing the credential", a.ID)
	}
	return nil
}
