package store

import (
	"context"
	"fmt"

	"github.com/laurel-badges/laurel/issuer"
)

// awardRecordFrom joins an award to its current credential and to the
// records whose names an AwardRecord carries.
const awardRecordFrom = `
FROM awards a
JOIN credentials c ON c.id = a.credential_id
JOIN students s ON s.id = a.student_id
JOIN achievements ach ON ach.id = a.achievement_id
JOIN activities act ON act.id = a.activity_id`

// awardSearchWhere returns the WHERE clause of s and its arguments.
func (db *DB) awardSearchWhere(s issuer.AwardSearch) (string, []any) {
	where := `
WHERE 1 = 1`
	var args []any
	if s.Query != "" {
		where += `
	AND (
		LOWER(s.number) LIKE ? ESCAPE '\'
		OR LOWER(s.name) LIKE ? ESCAPE '\'
		OR LOWER(s.chinese_name) LIKE ? ESCAPE '\'
		OR c.id = ?
	)`
		pattern := containsPattern(s.Query)
		args = append(args, pattern, pattern, pattern, s.Query)
	}
	if s.AchievementID != "" {
		where += `
	AND a.achievement_id = ?`
		args = append(args, s.AchievementID)
	}
	if s.ActivityID != "" {
		where += `
	AND a.activity_id = ?`
		args = append(args, s.ActivityID)
	}
	if s.Status != "" {
		where += `
	AND a.status = ?`
		args = append(args, s.Status)
	}
	if !s.IssuedFrom.IsZero() {
		where += `
	AND a.issued_at >= ?`
		args = append(args, db.dialect.timeArg(storedTime(s.IssuedFrom)))
	}
	if !s.IssuedBefore.IsZero() {
		where += `
	AND a.issued_at < ?`
		args = append(args, db.dialect.timeArg(storedTime(s.IssuedBefore)))
	}
	return where, args
}

// SearchAwards returns one page of the awards matching s, newest first,
// and the number of awards matching s without Limit and Offset.
func (db *DB) SearchAwards(ctx context.Context, s issuer.AwardSearch) ([]*issuer.AwardRecord, int, error) {
	const op = "search awards"
	where, args := db.awardSearchWhere(s)

	var total int
	err := db.conn().queryRow(ctx, `SELECT COUNT(*)`+awardRecordFrom+where, args...).Scan(&total)
	if err != nil {
		return nil, 0, storeError(op, err)
	}

	out := []*issuer.AwardRecord{}
	err = db.EachAwardRecord(ctx, s, func(r *issuer.AwardRecord) error {
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// EachAwardRecord calls fn with every award matching s, newest first by
// IssuedAt and then by id, so that pages never overlap. Rows are read as fn
// consumes them; an error from fn stops the walk and is returned.
func (db *DB) EachAwardRecord(ctx context.Context, s issuer.AwardSearch, fn func(*issuer.AwardRecord) error) error {
	const op = "search awards"
	limit, offset, err := db.page(s.Limit, s.Offset)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	where, args := db.awardSearchWhere(s)

	q := `
SELECT
	a.id,
	c.id,
	c.key_id,
	a.status,
	a.issued_at,
	c.revoked_at,
	c.revocation_reason,
	a.sessions_attended,
	a.sessions_total,
	s.id,
	s.number,
	s.name,
	ach.id,
	ach.code,
	ach.name,
	act.id,
	act.title,
	act.unit` + awardRecordFrom + where + `
ORDER BY a.issued_at DESC, a.id
LIMIT ? OFFSET ?`
	args = append(args, limit, offset)

	rows, err := db.conn().query(ctx, q, args...)
	if err != nil {
		return storeError(op, err)
	}
	defer rows.Close()

	for rows.Next() {
		r := &issuer.AwardRecord{}
		err := rows.Scan(
			&r.AwardID,
			&r.CredentialID,
			&r.KeyID,
			&r.Status,
			timeDest(&r.IssuedAt),
			timeDest(&r.RevokedAt),
			&r.RevocationReason,
			&r.SessionsAttended,
			&r.SessionsTotal,
			&r.StudentID,
			&r.StudentNumber,
			&r.StudentName,
			&r.AchievementID,
			&r.AchievementCode,
			&r.AchievementName,
			&r.ActivityID,
			&r.ActivityTitle,
			&r.ActivityUnit,
		)
		if err != nil {
			return storeError(op, err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return storeError(op, err)
	}
	return nil
}
