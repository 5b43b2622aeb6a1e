package store

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/laurel-badges/laurel/issuer"
)

// PublicationSetting returns a student's choice for the Records of
// Achievement. A student without a stored choice gets PublishByEnrolment
// and a zero UpdatedAt.
func (db *DB) PublicationSetting(ctx context.Context, studentID string) (*issuer.PublicationSetting, error) {
	op := fmt.Sprintf("read publication setting of student %s", studentID)
	p := &issuer.PublicationSetting{StudentID: studentID, Mode: issuer.PublishByEnrolment, AwardIDs: []string{}}

	const q = `SELECT mode, updated_at FROM publication_settings WHERE student_id = ?`
	err := db.conn().queryRow(ctx, q, studentID).Scan(&p.Mode, timeDest(&p.UpdatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return p, nil
	}
	if err != nil {
		return nil, storeError(op, err)
	}

	const selected = `SELECT award_id FROM published_awards WHERE student_id = ? ORDER BY award_id`
	rows, err := db.conn().query(ctx, selected, studentID)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, storeError(op, err)
		}
		p.AwardIDs = append(p.AwardIDs, id)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return p, nil
}

// SetPublicationSetting replaces a student's choice in one transaction.
// PublishByEnrolment removes the stored choice. The selected awards are
// kept for PublishSelected only; an award of another student, or an unknown
// one, is an ErrNotFound and keeps nothing. A zero UpdatedAt is set to the
// current time.
func (db *DB) SetPublicationSetting(ctx context.Context, p *issuer.PublicationSetting) error {
	stamp(&p.UpdatedAt, now())
	op := fmt.Sprintf("set publication setting of student %s", p.StudentID)

	err := db.withTx(ctx, func(c conn) error {
		if _, err := c.exec(ctx, `DELETE FROM published_awards WHERE student_id = ?`, p.StudentID); err != nil {
			return storeError("remove selected awards", err)
		}
		if p.Mode == issuer.PublishByEnrolment {
			if _, err := c.exec(ctx, `DELETE FROM publication_settings WHERE student_id = ?`, p.StudentID); err != nil {
				return storeError("remove setting", err)
			}
			return nil
		}

		const upsert = `
INSERT INTO publication_settings (student_id, mode, updated_at) VALUES (?, ?, ?)
ON CONFLICT (student_id) DO UPDATE SET
	mode = excluded.mode,
	updated_at = excluded.updated_at`
		if _, err := c.exec(ctx, upsert, p.StudentID, p.Mode, c.d.timeArg(p.UpdatedAt)); err != nil {
			return storeError("store setting", err)
		}
		if p.Mode != issuer.PublishSelected {
			return nil
		}
		return insertPublishedAwards(ctx, c, p)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

func insertPublishedAwards(ctx context.Context, c conn, p *issuer.PublicationSetting) error {
	// Selecting from awards makes an award of another student insert no row.
	const q = `
INSERT INTO published_awards (award_id, student_id)
SELECT a.id, a.student_id FROM awards a WHERE a.id = ? AND a.student_id = ?`

	for _, id := range p.AwardIDs {
		res, err := c.exec(ctx, q, id, p.StudentID)
		if err != nil {
			return storeError(fmt.Sprintf("select award %s", id), err)
		}
		if err := expectOneRow(fmt.Sprintf("select award %s of the student", id), res); err != nil {
			return err
		}
	}
	return nil
}

// publishedAwards selects the published active awards: every award of a
// student who publishes all, the selected ones of a student who selects,
// and otherwise those whose enrolment carries the student's consent. Each
// part starts from the students or enrolments that publish, so that the
// work follows the published awards rather than all awards.
const publishedAwards = `
SELECT a.student_id, a.achievement_id
FROM publication_settings p
JOIN awards a ON a.student_id = p.student_id
WHERE p.mode = 'all' AND a.status = 'active'
UNION ALL
SELECT a.student_id, a.achievement_id
FROM published_awards pa
JOIN awards a ON a.id = pa.award_id
WHERE a.status = 'active'
UNION ALL
SELECT a.student_id, a.achievement_id
FROM enrolments e
JOIN awards a ON a.student_id = e.student_id AND a.activity_id = e.activity_id
WHERE e.publish_consent = TRUE
	AND a.status = 'active'
	AND NOT EXISTS (SELECT 1 FROM publication_settings p WHERE p.student_id = e.student_id)`

// PublishedRecords returns every student with at least one published
// active award, with the kinds of badge each published, ordered by name
// (case-insensitively, then by id). One scan of the awards index reads
// it all, which is cheaper than one query per page, count and filter.
func (db *DB) PublishedRecords(ctx context.Context) ([]*issuer.RecordEntry, error) {
	const op = "list published records"
	const q = `
WITH published AS (` + publishedAwards + `
),
counts AS (
	SELECT student_id, achievement_id, COUNT(*) AS awards
	FROM published
	GROUP BY student_id, achievement_id
)
SELECT
	s.id,
	s.name,
	s.programme,
	s.year_of_entry,
	ach.id,
	ach.code,
	ach.name,
	c.awards
FROM counts c
JOIN students s ON s.id = c.student_id
JOIN achievements ach ON ach.id = c.achievement_id`

	rows, err := db.conn().query(ctx, q)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	byStudent := map[string]*issuer.RecordEntry{}
	out := []*issuer.RecordEntry{}
	for rows.Next() {
		var e issuer.RecordEntry
		var b issuer.RecordBadge
		if err := rows.Scan(&e.StudentID, &e.Name, &e.Programme, &e.YearOfEntry, &b.AchievementID, &b.Code, &b.Name, &b.Count); err != nil {
			return nil, storeError(op, err)
		}
		entry, ok := byStudent[e.StudentID]
		if !ok {
			entry = &e
			byStudent[e.StudentID] = entry
			out = append(out, entry)
		}
		entry.Badges = append(entry.Badges, b)
		entry.BadgeCount += b.Count
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}

	for _, e := range out {
		slices.SortFunc(e.Badges, func(a, b issuer.RecordBadge) int { return strings.Compare(a.Code, b.Code) })
	}
	slices.SortFunc(out, func(a, b *issuer.RecordEntry) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.StudentID, b.StudentID))
	})
	return out, nil
}
