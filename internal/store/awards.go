package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/laurel-badges/laurel/issuer"
)

// Upload returns the upload with id, including the original file.
func (db *DB) Upload(ctx context.Context, id string) (*issuer.Upload, error) {
	const q = `
SELECT
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
FROM uploads
WHERE id = ?`

	u := &issuer.Upload{}
	err := db.conn().queryRow(ctx, q, id).Scan(
		&u.ID,
		&u.ActivityID,
		textDest(&u.UploadedBy),
		&u.Filename,
		&u.ContentType,
		bytesDest(&u.Original),
		&u.SHA256,
		&u.RowCount,
		&u.AwardCount,
		timeDest(&u.CreatedAt),
	)
	if err != nil {
		return nil, storeError(fmt.Sprintf("read upload %s", id), err)
	}
	return u, nil
}

// Uploads lists an activity's uploads, newest first, without the original
// file.
func (db *DB) Uploads(ctx context.Context, activityID string) ([]*issuer.Upload, error) {
	op := fmt.Sprintf("list uploads of activity %s", activityID)
	const q = `
SELECT
	id,
	activity_id,
	uploaded_by,
	filename,
	content_type,
	sha256,
	row_count,
	award_count,
	created_at
FROM uploads
WHERE activity_id = ?
ORDER BY created_at DESC, id`

	rows, err := db.conn().query(ctx, q, activityID)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	out := []*issuer.Upload{}
	for rows.Next() {
		u := &issuer.Upload{}
		err := rows.Scan(
			&u.ID,
			&u.ActivityID,
			textDest(&u.UploadedBy),
			&u.Filename,
			&u.ContentType,
			&u.SHA256,
			&u.RowCount,
			&u.AwardCount,
			timeDest(&u.CreatedAt),
		)
		if err != nil {
			return nil, storeError(op, err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}

// awardColumns selects an award (alias a) with one of its credentials
// (alias c), in the order scanAward reads them.
const awardColumns = `
	a.id,
	a.activity_id,
	a.student_id,
	a.achievement_id,
	a.upload_id,
	a.status,
	a.issued_at,
	a.sessions_attended,
	a.sessions_total,
	c.id,
	c.key_id,
	c.jws,
	c.document,
	c.issued_at,
	c.status,
	c.status_list_id,
	c.status_index,
	c.revoked_at,
	c.revocation_reason,
	c.revoked_by,
	c.replaces,
	c.replaced_by`

// awardWithCurrentCredential joins each award to its current credential.
const awardWithCurrentCredential = `
FROM awards a
JOIN credentials c ON c.id = a.credential_id`

func scanAward(row rowScanner) (*issuer.Award, error) {
	a := &issuer.Award{}
	c := &a.Credential
	var statusIndex sql.NullInt64
	err := row.Scan(
		&a.ID,
		&a.ActivityID,
		&a.StudentID,
		&a.AchievementID,
		textDest(&a.UploadID),
		&a.Status,
		timeDest(&a.IssuedAt),
		&a.SessionsAttended,
		&a.SessionsTotal,
		&c.ID,
		&c.KeyID,
		&c.JWS,
		bytesDest(&c.Document),
		timeDest(&c.IssuedAt),
		&c.Status,
		textDest(&c.StatusEntry.ListID),
		&statusIndex,
		timeDest(&c.Revocation.At),
		&c.Revocation.Reason,
		&c.Revocation.By,
		textDest(&c.Replaces),
		textDest(&c.ReplacedBy),
	)
	if err != nil {
		return nil, err
	}
	c.StatusEntry.Index = int(statusIndex.Int64)
	return a, nil
}

// Award returns the award with id.
func (db *DB) Award(ctx context.Context, id string) (*issuer.Award, error) {
	const q = `SELECT` + awardColumns + awardWithCurrentCredential + `
WHERE a.id = ?`

	a, err := scanAward(db.conn().queryRow(ctx, q, id))
	if err != nil {
		return nil, storeError(fmt.Sprintf("read award %s", id), err)
	}
	return a, nil
}

// AwardByCredential returns the award that owns the credential with
// credentialID, with that credential in Award.Credential, whether it is
// the award's current credential or one that was replaced.
func (db *DB) AwardByCredential(ctx context.Context, credentialID string) (*issuer.Award, error) {
	const q = `SELECT` + awardColumns + `
FROM credentials c
JOIN awards a ON a.id = c.award_id
WHERE c.id = ?`

	a, err := scanAward(db.conn().queryRow(ctx, q, credentialID))
	if err != nil {
		return nil, storeError(fmt.Sprintf("read award of credential %s", credentialID), err)
	}
	return a, nil
}

// Awards lists awards matching f, newest first by IssuedAt; awards issued
// at the same time are ordered by id, so that pages do not overlap.
func (db *DB) Awards(ctx context.Context, f issuer.AwardFilter) ([]*issuer.Award, error) {
	const op = "list awards"
	limit, offset, err := db.page(f.Limit, f.Offset)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}

	q := `SELECT` + awardColumns + awardWithCurrentCredential + `
WHERE 1 = 1`
	var args []any
	if f.ActivityID != "" {
		q += `
	AND a.activity_id = ?`
		args = append(args, f.ActivityID)
	}
	if f.StudentID != "" {
		q += `
	AND a.student_id = ?`
		args = append(args, f.StudentID)
	}
	if f.UploadID != "" {
		q += `
	AND a.upload_id = ?`
		args = append(args, f.UploadID)
	}
	if f.Status != "" {
		q += `
	AND a.status = ?`
		args = append(args, f.Status)
	}
	if f.KeyID != "" {
		q += `
	AND c.key_id = ?`
		args = append(args, f.KeyID)
	}
	q += `
ORDER BY a.issued_at DESC, a.id
LIMIT ? OFFSET ?`
	args = append(args, limit, offset)

	rows, err := db.conn().query(ctx, q, args...)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	out := []*issuer.Award{}
	for rows.Next() {
		a, err := scanAward(rows)
		if err != nil {
			return nil, storeError(op, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}

// ExistingAwards reports the existing awards for an activity among the given
// students (by internal id), keyed by AwardKey.
func (db *DB) ExistingAwards(ctx context.Context, activityID string, studentIDs []string) (map[issuer.AwardKey]bool, error) {
	op := fmt.Sprintf("look up awards of activity %s", activityID)
	out := map[issuer.AwardKey]bool{}
	for _, chunk := range chunks(studentIDs, inListChunk) {
		if err := db.addExistingAwards(ctx, out, activityID, chunk); err != nil {
			return nil, storeError(op, err)
		}
	}
	return out, nil
}

func (db *DB) addExistingAwards(ctx context.Context, out map[issuer.AwardKey]bool, activityID string, studentIDs []string) error {
	q := `
SELECT
	student_id,
	achievement_id
FROM awards
WHERE activity_id = ?
	AND student_id IN (` + placeholders(len(studentIDs)) + `)`

	args := make([]any, 0, len(studentIDs)+1)
	args = append(args, activityID)
	for _, id := range studentIDs {
		args = append(args, id)
	}

	rows, err := db.conn().query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()

	for rows.Next() {
		var k issuer.AwardKey
		if err := rows.Scan(&k.StudentID, &k.AchievementID); err != nil {
			return err
		}
		out[k] = true
	}
	return rows.Err()
}
