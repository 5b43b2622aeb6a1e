package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
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
// and otherwise those whose enrolment carries the student's consent.
const publishedAwards = `
SELECT
	a.id,
	a.student_id,
	a.achievement_id
FROM awards a
LEFT JOIN publication_settings p ON p.student_id = a.student_id
WHERE a.status = 'active'
	AND (
		p.mode = 'all'
		OR (p.mode = 'selected' AND EXISTS (
			SELECT 1 FROM published_awards pa WHERE pa.award_id = a.id))
		OR (p.mode IS NULL AND EXISTS (
			SELECT 1 FROM enrolments e
			WHERE e.activity_id = a.activity_id
				AND e.student_id = a.student_id
				AND e.publish_consent = TRUE))
	)`

// publishedStudents counts the published awards of each student on the records.
const publishedStudents = `
WITH published AS (` + publishedAwards + `
),
per_student AS (
	SELECT student_id, COUNT(*) AS badges FROM published GROUP BY student_id
)`

// RecordsOfAchievement returns one page of the students with published
// awards, ordered by name, with the kinds of badge each published.
func (db *DB) RecordsOfAchievement(ctx context.Context, f issuer.RecordFilter) (*issuer.RecordPage, error) {
	const op = "list records of achievement"
	limit, offset, err := db.page(f.Limit, f.Offset)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}

	page := &issuer.RecordPage{Entries: []*issuer.RecordEntry{}}
	if err := db.recordEntries(ctx, f, limit, offset, page); err != nil {
		return nil, storeError(op, err)
	}
	if err := db.recordBadges(ctx, page.Entries); err != nil {
		return nil, storeError(op, err)
	}
	if err := db.recordFilterValues(ctx, page); err != nil {
		return nil, storeError(op, err)
	}
	return page, nil
}

func (db *DB) recordEntries(ctx context.Context, f issuer.RecordFilter, limit any, offset int, page *issuer.RecordPage) error {
	where, args := recordWhere(f)
	q := publishedStudents + `
SELECT
	s.id,
	s.name,
	s.programme,
	s.year_of_entry,
	ps.badges,
	COUNT(*) OVER () AS total
FROM per_student ps
JOIN students s ON s.id = ps.student_id` + where + `
ORDER BY LOWER(s.name), s.id
LIMIT ? OFFSET ?`

	rows, err := db.conn().query(ctx, q, append(args, limit, offset)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e := &issuer.RecordEntry{}
		if err := rows.Scan(&e.StudentID, &e.Name, &e.Programme, &e.YearOfEntry, &e.BadgeCount, &page.Total); err != nil {
			return err
		}
		page.Entries = append(page.Entries, e)
	}
	if err := rows.Err(); err != nil {
		return err
	}

	if len(page.Entries) > 0 || offset == 0 {
		return nil
	}
	// A page past the end has no row to carry the total.
	count := publishedStudents + `
SELECT COUNT(*)
FROM per_student ps
JOIN students s ON s.id = ps.student_id` + where
	return db.conn().queryRow(ctx, count, args...).Scan(&page.Total)
}

func recordWhere(f issuer.RecordFilter) (string, []any) {
	var conds []string
	var args []any
	if f.Query != "" {
		conds = append(conds, `(LOWER(s.name) LIKE ? ESCAPE '\' OR LOWER(s.programme) LIKE ? ESCAPE '\')`)
		pattern := containsPattern(f.Query)
		args = append(args, pattern, pattern)
	}
	if f.Programme != "" {
		conds = append(conds, `s.programme = ?`)
		args = append(args, f.Programme)
	}
	if f.YearOfEntry != 0 {
		conds = append(conds, `s.year_of_entry = ?`)
		args = append(args, f.YearOfEntry)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return "\nWHERE " + strings.Join(conds, "\n\tAND "), args
}

// recordBadges adds to each entry the kinds of badge it published, in
// catalogue order.
func (db *DB) recordBadges(ctx context.Context, entries []*issuer.RecordEntry) error {
	if len(entries) == 0 {
		return nil
	}
	byStudent := make(map[string]*issuer.RecordEntry, len(entries))
	ids := make([]string, 0, len(entries))
	for _, e := range entries {
		e.Badges = []issuer.RecordBadge{}
		byStudent[e.StudentID] = e
		ids = append(ids, e.StudentID)
	}

	for _, chunk := range chunks(ids, inListChunk) {
		q := `
WITH published AS (` + publishedAwards + `
	AND a.student_id IN (` + placeholders(len(chunk)) + `)
)
SELECT
	p.student_id,
	ach.id,
	ach.code,
	ach.name,
	COUNT(*)
FROM published p
JOIN achievements ach ON ach.id = p.achievement_id
GROUP BY p.student_id, ach.id, ach.code, ach.name
ORDER BY p.student_id, ach.code`
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		if err := db.scanRecordBadges(ctx, q, byStudent, args...); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) scanRecordBadges(ctx context.Context, q string, byStudent map[string]*issuer.RecordEntry, args ...any) error {
	rows, err := db.conn().query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var studentID string
		var b issuer.RecordBadge
		if err := rows.Scan(&studentID, &b.AchievementID, &b.Code, &b.Name, &b.Count); err != nil {
			return err
		}
		if e, ok := byStudent[studentID]; ok {
			e.Badges = append(e.Badges, b)
		}
	}
	return rows.Err()
}

// recordFilterValues lists the programmes and years of entry of every
// student on the records.
func (db *DB) recordFilterValues(ctx context.Context, page *issuer.RecordPage) error {
	q := publishedStudents + `
SELECT DISTINCT
	s.programme,
	s.year_of_entry
FROM per_student ps
JOIN students s ON s.id = ps.student_id`

	rows, err := db.conn().query(ctx, q)
	if err != nil {
		return err
	}
	defer rows.Close()

	programmes := map[string]bool{}
	years := map[int]bool{}
	for rows.Next() {
		var programme string
		var year int
		if err := rows.Scan(&programme, &year); err != nil {
			return err
		}
		programmes[programme] = true
		years[year] = true
	}
	if err := rows.Err(); err != nil {
		return err
	}

	page.Programmes = slices.Sorted(maps.Keys(programmes))
	page.Years = slices.Sorted(maps.Keys(years))
	return nil
}
