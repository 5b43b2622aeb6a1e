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

// RecordUpload writes the upload, then calls fill with the upload's
// transaction, all in one database transaction: on any error nothing is
// kept.
//
// Before the insert, an empty u.ID is set to a new UUID, a zero CreatedAt
// to the current time and an empty SHA256 to the digest of u.Original.
// After a commit, u.AwardCount is the number of awards written.
//
// tx.Write fills in each award's empty ID (new UUID), ActivityID
// (u.ActivityID), UploadID (u.ID), Status (active) and zero IssuedAt (the
// current time), and its credential's zero IssuedAt (the award's) and
// empty Status (active). It returns ErrInvalid for an award of another
// activity or without a credential id, and for a status entry that tx did
// not reserve or gave to another credential already. It returns
// ErrConflict for an award that exists (same activity, student and
// achievement) or a credential id that exists, and ErrNotFound for an
// unknown student or achievement. After its
// first error Write returns that error again without writing, and
// RecordUpload rolls back even if fill returns nil. tx must be used from
// fill's goroutine only.
func (db *DB) RecordUpload(ctx context.Context, u *issuer.Upload, fill func(tx issuer.UploadTx) error) error {
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
		count, err = db.writeAwards(ctx, c, u, t, fill)
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

// Columns of the rows that the award writer inserts, in the order of its
// arguments.
var (
	awardInsertColumns = []string{
		"id", "activity_id", "student_id", "achievement_id", "upload_id", "status", "issued_at",
		"credential_id", "sessions_attended", "sessions_total",
	}
	credentialInsertColumns = []string{
		"id", "award_id", "key_id", "jws", "document", "issued_at", "status", "status_list_id", "status_index",
		"revoked_at", "revocation_reason", "revoked_by", "replaces", "replaced_by",
	}
)

// awardChunk is how many awards one INSERT statement writes. With one
// statement per award, PostgreSQL spent most of an upload on round trips;
// 64 rows of 14 values stay far below both databases' limits on bound
// parameters (65,535 on PostgreSQL, 32,766 on SQLite).
const awardChunk = 64

// insertSQL returns an INSERT of rows rows of columns into table.
func insertSQL(table string, columns []string, rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES ")
	row := "(" + placeholders(len(columns)) + ")"
	for i := range rows {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// writeAwards calls fill with the upload's transaction and returns how
// many awards it inserted.
func (db *DB) writeAwards(ctx context.Context, c conn, u *issuer.Upload, t time.Time, fill func(tx issuer.UploadTx) error) (int, error) {
	awardStmt, err := c.prepare(ctx, insertSQL("awards", awardInsertColumns, awardChunk))
	if err != nil {
		return 0, fmt.Errorf("prepare award insert: %w", err)
	}
	defer awardStmt.Close()
	credentialStmt, err := c.prepare(ctx, insertSQL("credentials", credentialInsertColumns, awardChunk))
	if err != nil {
		return 0, fmt.Errorf("prepare credential insert: %w", err)
	}
	defer credentialStmt.Close()

	w := &uploadTx{db: db, ctx: ctx, c: c, awardStmt: awardStmt, credentialStmt: credentialStmt, upload: u, now: t}
	fillErr := fill(w)

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

// uploadTx is the issuer.UploadTx of RecordUpload.
type uploadTx struct {
	db             *DB
	ctx            context.Context
	c              conn
	awardStmt      *sql.Stmt // inserts exactly awardChunk awards
	credentialStmt *sql.Stmt // inserts exactly awardChunk credentials
	upload         *issuer.Upload
	now            time.Time
	entries        reservations
	keys           keyGuard
	count          int
	err            error // first error; later calls return it
}

// AllocateStatus implements issuer.StatusAllocator.
func (w *uploadTx) AllocateStatus(n int) ([]issuer.StatusEntry, error) {
	if w.err != nil {
		return nil, w.err
	}
	entries, err := allocateStatus(w.ctx, w.c, n)
	if err != nil {
		w.err = err
		return nil, err
	}
	w.entries.add(entries)
	return entries, nil
}

// Write implements issuer.UploadTx.
func (w *uploadTx) Write(awards []*issuer.Award) error {
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

// insert writes up to awardChunk awards and their credentials with one
// statement each.
func (w *uploadTx) insert(chunk []*issuer.Award) error {
	awardArgs := make([]any, 0, len(chunk)*len(awardInsertColumns))
	credentialArgs := make([]any, 0, len(chunk)*len(credentialInsertColumns))
	for _, a := range chunk {
		if err := w.complete(a); err != nil {
			return err
		}
		if err := w.keys.check(w.ctx, w.c, a.Credential.KeyID); err != nil {
			return err
		}
		awardArgs = append(awardArgs,
			a.ID,
			a.ActivityID,
			a.StudentID,
			a.AchievementID,
			nullable(a.UploadID),
			a.Status,
			w.c.d.timeArg(a.IssuedAt),
			a.Credential.ID,
			a.SessionsAttended,
			a.SessionsTotal,
		)
		credentialArgs = append(credentialArgs, credentialRow(w.c.d, a.ID, &a.Credential)...)
	}

	op := fmt.Sprintf("write %d awards, the first of achievement %s to student %s", len(chunk), chunk[0].AchievementID, chunk[0].StudentID)
	if err := w.exec(w.awardStmt, "awards", awardInsertColumns, len(chunk), awardArgs); err != nil {
		return storeError(op, err)
	}
	if err := w.exec(w.credentialStmt, "credentials", credentialInsertColumns, len(chunk), credentialArgs); err != nil {
		return storeError(op, err)
	}
	return nil
}

// exec runs the prepared statement for a full chunk, and a statement built
// for rows rows otherwise.
func (w *uploadTx) exec(full *sql.Stmt, table string, columns []string, rows int, args []any) error {
	var err error
	if rows == awardChunk {
		_, err = full.ExecContext(w.ctx, args...)
	} else {
		_, err = w.c.exec(w.ctx, insertSQL(table, columns, rows), args...)
	}
	return err
}

// credentialRow returns the values of credentialInsertColumns for c of
// the award with awardID.
func credentialRow(d *dialect, awardID string, c *issuer.Credential) []any {
	var listID, index any
	if !c.StatusEntry.IsZero() {
		listID, index = c.StatusEntry.ListID, c.StatusEntry.Index
	}
	return []any{
		c.ID,
		awardID,
		c.KeyID,
		c.JWS,
		string(c.Document),
		d.timeArg(c.IssuedAt),
		c.Status,
		listID,
		index,
		d.timeArg(c.Revocation.At),
		c.Revocation.Reason,
		c.Revocation.By,
		nullable(c.Replaces),
		nullable(c.ReplacedBy),
	}
}

// complete fills in the defaults of a and checks it against the upload.
func (w *uploadTx) complete(a *issuer.Award) error {
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
	completeCredential(&a.Credential, a.IssuedAt)

	if a.ActivityID != w.upload.ActivityID {
		return issuer.Invalidf("activityID", "award %s is for activity %s but the upload is for activity %s; write only awards of the upload's activity", a.ID, a.ActivityID, w.upload.ActivityID)
	}
	if a.Credential.ID == "" {
		return issuer.Invalidf("credential.id", "award %s has no credential id; set it before signing the credential", a.ID)
	}
	return w.entries.use(a.Credential.ID, a.Credential.StatusEntry)
}

// reservations are the status entries that a transaction reserved and has
// not yet given to a credential. Only those may be written, so that a
// credential never states an entry that another credential may get.
type reservations map[issuer.StatusEntry]bool

func (r *reservations) add(entries []issuer.StatusEntry) {
	if *r == nil {
		*r = make(reservations, len(entries))
	}
	for _, e := range entries {
		(*r)[e] = true
	}
}

// use takes e out of the reservations; a zero entry needs none.
func (r reservations) use(credentialID string, e issuer.StatusEntry) error {
	if e.IsZero() {
		return nil
	}
	if !r[e] {
		return issuer.Invalidf("credentialStatus", "credential %s names entry %d of status list %s, which this transaction did not reserve or gave to another credential; reserve entries with AllocateStatus", credentialID, e.Index, e.ListID)
	}
	delete(r, e)
	return nil
}

// completeCredential sets a zero IssuedAt to issuedAt and an empty Status
// to active, and stores times as the database returns them.
func completeCredential(c *issuer.Credential, issuedAt time.Time) {
	stamp(&c.IssuedAt, issuedAt)
	if c.Status == "" {
		c.Status = issuer.CredentialActive
	}
	c.Revocation.At = storedTime(c.Revocation.At)
}
