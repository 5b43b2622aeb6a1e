package store

import (
	"context"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// DashboardCounts returns the totals of the learning advisor's dashboard
// in one query.
func (db *DB) DashboardCounts(ctx context.Context) (*issuer.DashboardCounts, error) {
	const q = `
SELECT
	(SELECT COUNT(*) FROM students WHERE status = 'current'),
	(SELECT COUNT(*) FROM students WHERE status = 'graduated'),
	(SELECT COUNT(*) FROM achievements),
	(SELECT COUNT(*) FROM activities),
	(SELECT COUNT(*) FROM uploads),
	(SELECT COUNT(*) FROM awards WHERE status = 'active'),
	(SELECT COUNT(*) FROM awards WHERE status = 'revoked'),
	(SELECT COUNT(*) FROM users WHERE role = 'organiser')`

	c := &issuer.DashboardCounts{}
	err := db.conn().queryRow(ctx, q).Scan(
		&c.Students,
		&c.GraduatedStudents,
		&c.Achievements,
		&c.Activities,
		&c.Uploads,
		&c.ActiveAwards,
		&c.RevokedAwards,
		&c.Organisers,
	)
	if err != nil {
		return nil, storeError("count dashboard totals", err)
	}
	return c, nil
}

// monthExpr returns the SQL expression of the UTC month, "2006-01", of a
// time column.
func (d *dialect) monthExpr(column string) string {
	if d.name == dialectPostgres {
		return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM')"
	}
	// SQLite stores times as fixed-width UTC text, 2006-01-02T….
	return "substr(" + column + ", 1, 7)"
}

// AwardsPerMonth counts the active and revoked awards issued at or after
// from, by UTC month and achievement, in month order and then by
// achievement id. A zero from counts every award.
func (db *DB) AwardsPerMonth(ctx context.Context, from time.Time) ([]issuer.MonthlyAwards, error) {
	const op = "count awards per month"
	month := db.dialect.monthExpr("issued_at")
	q := `
SELECT
	` + month + ` AS month,
	achievement_id,
	COUNT(*)
FROM awards`
	var args []any
	if !from.IsZero() {
		q += `
WHERE issued_at >= ?`
		args = append(args, db.dialect.timeArg(storedTime(from)))
	}
	q += `
GROUP BY month, achievement_id
ORDER BY month, achievement_id`

	rows, err := db.conn().query(ctx, q, args...)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	out := []issuer.MonthlyAwards{}
	for rows.Next() {
		var m issuer.MonthlyAwards
		if err := rows.Scan(&m.Month, &m.AchievementID, &m.Count); err != nil {
			return nil, storeError(op, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}

// BadgeCountDistribution counts students by the number of different
// achievements among their active awards, in ascending order of that
// number. Students without an active award make the bucket of 0, which is
// present even when empty.
func (db *DB) BadgeCountDistribution(ctx context.Context) ([]issuer.BadgeCountBucket, error) {
	const op = "count students by badges"
	const q = `
SELECT
	badges,
	COUNT(*)
FROM (
	SELECT
		s.id,
		COUNT(DISTINCT a.achievement_id) AS badges
	FROM students s
	LEFT JOIN awards a ON a.student_id = s.id AND a.status = 'active'
	GROUP BY s.id
) per_student
GROUP BY badges
ORDER BY badges`

	rows, err := db.conn().query(ctx, q)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	out := []issuer.BadgeCountBucket{}
	for rows.Next() {
		var b issuer.BadgeCountBucket
		if err := rows.Scan(&b.Badges, &b.Students); err != nil {
			return nil, storeError(op, err)
		}
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	if len(out) == 0 || out[0].Badges != 0 {
		out = append([]issuer.BadgeCountBucket{{Badges: 0}}, out...)
	}
	return out, nil
}

// ActivitiesByUnit counts activities by organising unit, most first, then
// by unit name.
func (db *DB) ActivitiesByUnit(ctx context.Context) ([]issuer.UnitActivities, error) {
	const op = "count activities by unit"
	const q = `
SELECT
	unit,
	COUNT(*) AS n
FROM activities
GROUP BY unit
ORDER BY n DESC, unit`

	rows, err := db.conn().query(ctx, q)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	out := []issuer.UnitActivities{}
	for rows.Next() {
		var u issuer.UnitActivities
		if err := rows.Scan(&u.Unit, &u.Count); err != nil {
			return nil, storeError(op, err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}

// ActivityAwardCounts returns the number of awards of each activity that
// has any, keyed by activity id.
func (db *DB) ActivityAwardCounts(ctx context.Context) (map[string]int, error) {
	const op = "count awards by activity"
	const q = `
SELECT
	activity_id,
	COUNT(*)
FROM awards
GROUP BY activity_id`

	rows, err := db.conn().query(ctx, q)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	out := map[string]int{}
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, storeError(op, err)
		}
		out[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}

// EachStudentBadgeCount calls fn with every student and their award
// counts, ordered by number. Rows are read as fn consumes them; an error
// from fn stops the walk and is returned.
func (db *DB) EachStudentBadgeCount(ctx context.Context, fn func(*issuer.StudentBadgeCount) error) error {
	const op = "list badge counts per student"
	const q = `
SELECT
	s.id,
	s.number,
	s.name,
	s.programme,
	s.year_of_entry,
	s.status,
	COUNT(DISTINCT a.achievement_id),
	COUNT(a.id)
FROM students s
LEFT JOIN awards a ON a.student_id = s.id AND a.status = 'active'
GROUP BY s.id, s.number, s.name, s.programme, s.year_of_entry, s.status
ORDER BY s.number`

	rows, err := db.conn().query(ctx, q)
	if err != nil {
		return storeError(op, err)
	}
	defer rows.Close()

	for rows.Next() {
		var c issuer.StudentBadgeCount
		err := rows.Scan(&c.StudentID, &c.Number, &c.Name, &c.Programme, &c.YearOfEntry, &c.Status, &c.Badges, &c.Awards)
		if err != nil {
			return storeError(op, err)
		}
		if err := fn(&c); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return storeError(op, err)
	}
	return nil
}

// AuditLog lists the entries matching f, newest first in the order they
// were appended.
func (db *DB) AuditLog(ctx context.Context, f issuer.AuditFilter) ([]*issuer.AuditEntry, error) {
	const op = "list audit log"
	limit, _, err := db.page(f.Limit, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}

	q := `
SELECT
	id,
	at,
	actor_id,
	action,
	subject,
	detail,
	remote
FROM audit_log
WHERE 1 = 1`
	var args []any
	if f.Action != "" {
		q += `
	AND action = ?`
		args = append(args, f.Action)
	}
	if f.ActorID != "" {
		q += `
	AND actor_id = ?`
		args = append(args, f.ActorID)
	}
	if f.Subject != "" {
		q += `
	AND subject = ?`
		args = append(args, f.Subject)
	}
	if f.BeforeID > 0 {
		q += `
	AND id < ?`
		args = append(args, f.BeforeID)
	}
	q += `
ORDER BY id DESC
LIMIT ?`
	args = append(args, limit)

	rows, err := db.conn().query(ctx, q, args...)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	out := []*issuer.AuditEntry{}
	for rows.Next() {
		e := &issuer.AuditEntry{}
		err := rows.Scan(&e.ID, timeDest(&e.At), &e.ActorID, &e.Action, &e.Subject, &e.Detail, &e.Remote)
		if err != nil {
			return nil, storeError(op, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}
