package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/laurel-badges/laurel/issuer"
)

const activityColumns = `
	a.id,
	a.title,
	a.description,
	a.unit,
	a.start_date,
	a.end_date,
	a.hours,
	a.extracurricular,
	a.open_to_all,
	a.min_attendance,
	a.organiser_id,
	a.created_at`

func scanActivity(row rowScanner) (*issuer.Activity, error) {
	a := &issuer.Activity{}
	err := row.Scan(
		&a.ID,
		&a.Title,
		&a.Description,
		&a.Unit,
		timeDest(&a.StartDate),
		timeDest(&a.EndDate),
		&a.Hours,
		&a.Extracurricular,
		&a.OpenToAll,
		&a.MinAttendance,
		textDest(&a.OrganiserID),
		timeDest(&a.CreatedAt),
	)
	if err != nil {
		return nil, err
	}
	return a, nil
}

// CreateActivity inserts the activity and its offered achievements, in the
// order of a.AchievementIDs. An empty ID is set to a new UUID and a zero
// CreatedAt to the current time. An unknown achievement or organiser is an
// ErrNotFound, an achievement listed twice an ErrConflict.
func (db *DB) CreateActivity(ctx context.Context, a *issuer.Activity) error {
	a.ID = newID(a.ID)
	stamp(&a.CreatedAt, now())
	a.StartDate = storedTime(a.StartDate)
	a.EndDate = storedTime(a.EndDate)
	op := fmt.Sprintf("create activity %q", a.Title)

	err := db.withTx(ctx, func(c conn) error {
		if err := insertActivity(ctx, c, a); err != nil {
			return err
		}
		return insertActivityAchievements(ctx, c, a)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

func insertActivity(ctx context.Context, c conn, a *issuer.Activity) error {
	const q = `
INSERT INTO activities (
	id,
	title,
	description,
	unit,
	start_date,
	end_date,
	hours,
	extracurricular,
	open_to_all,
	min_attendance,
	organiser_id,
	created_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

	_, err := c.exec(ctx, q,
		a.ID,
		a.Title,
		a.Description,
		a.Unit,
		c.d.timeArg(a.StartDate),
		c.d.timeArg(a.EndDate),
		a.Hours,
		a.Extracurricular,
		a.OpenToAll,
		a.MinAttendance,
		nullable(a.OrganiserID),
		c.d.timeArg(a.CreatedAt),
	)
	if err != nil {
		return storeError("insert activity", err)
	}
	return nil
}

func insertActivityAchievements(ctx context.Context, c conn, a *issuer.Activity) error {
	const q = `
INSERT INTO activity_achievements (
	activity_id,
	achievement_id,
	position
) VALUES (?, ?, ?)`

	for i, id := range a.AchievementIDs {
		if _, err := c.exec(ctx, q, a.ID, id, i); err != nil {
			return storeError(fmt.Sprintf("offer achievement %s", id), err)
		}
	}
	return nil
}

// Activity returns the activity with id.
func (db *DB) Activity(ctx context.Context, id string) (*issuer.Activity, error) {
	op := fmt.Sprintf("read activity %s", id)
	const q = `SELECT` + activityColumns + `
FROM activities a
WHERE a.id = ?`

	a, err := scanActivity(db.conn().queryRow(ctx, q, id))
	if err != nil {
		return nil, storeError(op, err)
	}

	const offered = `
SELECT
	aa.activity_id,
	aa.achievement_id
FROM activity_achievements aa
WHERE aa.activity_id = ?
ORDER BY aa.position`
	if err := db.addAchievementIDs(ctx, []*issuer.Activity{a}, offered, id); err != nil {
		return nil, storeError(op, err)
	}
	return a, nil
}

// Activities lists activities, newest first by CreatedAt; organiserID
// filters when not empty.
func (db *DB) Activities(ctx context.Context, organiserID string) ([]*issuer.Activity, error) {
	const op = "list activities"
	where := ""
	var args []any
	if organiserID != "" {
		where = `
WHERE a.organiser_id = ?`
		args = append(args, organiserID)
	}

	q := `SELECT` + activityColumns + `
FROM activities a` + where + `
ORDER BY a.created_at DESC, a.id`
	activities, err := db.queryActivities(ctx, q, args...)
	if err != nil {
		return nil, storeError(op, err)
	}

	offered := `
SELECT
	aa.activity_id,
	aa.achievement_id
FROM activity_achievements aa
JOIN activities a ON a.id = aa.activity_id` + where + `
ORDER BY aa.activity_id, aa.position`
	if err := db.addAchievementIDs(ctx, activities, offered, args...); err != nil {
		return nil, storeError(op, err)
	}
	return activities, nil
}

func (db *DB) queryActivities(ctx context.Context, q string, args ...any) ([]*issuer.Activity, error) {
	rows, err := db.conn().query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	out := []*issuer.Activity{}
	for rows.Next() {
		a, err := scanActivity(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// addAchievementIDs runs q, which selects (activity_id, achievement_id) in
// offer order, and appends each achievement id to its activity.
func (db *DB) addAchievementIDs(ctx context.Context, activities []*issuer.Activity, q string, args ...any) error {
	byID := make(map[string]*issuer.Activity, len(activities))
	for _, a := range activities {
		a.AchievementIDs = []string{}
		byID[a.ID] = a
	}

	rows, err := db.conn().query(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()

	for rows.Next() {
		var activityID, achievementID string
		if err := rows.Scan(&activityID, &achievementID); err != nil {
			return err
		}
		if a, ok := byID[activityID]; ok {
			a.AchievementIDs = append(a.AchievementIDs, achievementID)
		}
	}
	return rows.Err()
}

// Enrol records a student's enrolment in an activity, or replaces the
// publication consent of an existing one; the first CreatedAt is kept. A
// zero CreatedAt is set to the current time. An unknown activity or student
// is an ErrNotFound.
func (db *DB) Enrol(ctx context.Context, e *issuer.Enrolment) error {
	stamp(&e.CreatedAt, now())

	const q = `
INSERT INTO enrolments (
	activity_id,
	student_id,
	publish_consent,
	created_at
) VALUES (?, ?, ?, ?)
ON CONFLICT (activity_id, student_id) DO UPDATE SET
	publish_consent = excluded.publish_consent`

	_, err := db.conn().exec(ctx, q,
		e.ActivityID,
		e.StudentID,
		e.PublishConsent,
		db.dialect.timeArg(e.CreatedAt),
	)
	if err != nil {
		return storeError(fmt.Sprintf("enrol student %s in activity %s", e.StudentID, e.ActivityID), err)
	}
	return nil
}

// Enrolments lists the enrolled students of an activity, ordered by number.
func (db *DB) Enrolments(ctx context.Context, activityID string) ([]*issuer.Student, error) {
	const q = `SELECT` + studentColumns + `
FROM enrolments e
JOIN students s ON s.id = e.student_id
WHERE e.activity_id = ?
ORDER BY s.number`

	out, err := queryStudents(ctx, db.conn(), q, activityID)
	if err != nil {
		return nil, storeError(fmt.Sprintf("list enrolments of activity %s", activityID), err)
	}
	return out, nil
}

// UpdateActivity replaces the editable fields and the offered achievements
// of the activity with a.ID, in one transaction. The organiser and
// CreatedAt stay as stored. An unknown activity or achievement is an
// ErrNotFound.
func (db *DB) UpdateActivity(ctx context.Context, a *issuer.Activity) error {
	a.StartDate = storedTime(a.StartDate)
	a.EndDate = storedTime(a.EndDate)
	op := fmt.Sprintf("update activity %s", a.ID)

	const q = `
UPDATE activities SET
	title = ?,
	description = ?,
	unit = ?,
	start_date = ?,
	end_date = ?,
	hours = ?,
	min_attendance = ?
WHERE id = ?`

	err := db.withTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, q,
			a.Title,
			a.Description,
			a.Unit,
			c.d.timeArg(a.StartDate),
			c.d.timeArg(a.EndDate),
			a.Hours,
			a.MinAttendance,
			a.ID,
		)
		if err != nil {
			return storeError("update activity row", err)
		}
		if err := expectOneRow("update activity row", res); err != nil {
			return err
		}

		if _, err := c.exec(ctx, `DELETE FROM activity_achievements WHERE activity_id = ?`, a.ID); err != nil {
			return storeError("remove offered achievements", err)
		}
		return insertActivityAchievements(ctx, c, a)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// EnsureEnrolmentToken sets the activity's enrolment token to token unless
// it has one, and returns the stored token. Two concurrent calls agree on
// the token of the first to commit.
func (db *DB) EnsureEnrolmentToken(ctx context.Context, activityID, token string) (string, error) {
	op := fmt.Sprintf("set enrolment token of activity %s", activityID)
	const set = `
UPDATE activities SET enrolment_token = ?
WHERE id = ? AND enrolment_token IS NULL`
	if _, err := db.conn().exec(ctx, set, token, activityID); err != nil {
		return "", storeError(op, err)
	}

	var stored sql.NullString
	const read = `SELECT enrolment_token FROM activities WHERE id = ?`
	if err := db.conn().queryRow(ctx, read, activityID).Scan(&stored); err != nil {
		return "", storeError(op, err)
	}
	return stored.String, nil
}

// ActivityByEnrolmentToken returns the activity whose enrolment token is
// token, or ErrNotFound.
func (db *DB) ActivityByEnrolmentToken(ctx context.Context, token string) (*issuer.Activity, error) {
	const op = "find activity by enrolment token"
	var id string
	const q = `SELECT id FROM activities WHERE enrolment_token = ?`
	if err := db.conn().queryRow(ctx, q, token).Scan(&id); err != nil {
		return nil, storeError(op, err)
	}
	return db.Activity(ctx, id)
}

// StudentEnrolments lists a student's enrolments, newest first.
func (db *DB) StudentEnrolments(ctx context.Context, studentID string) ([]*issuer.Enrolment, error) {
	op := fmt.Sprintf("list enrolments of student %s", studentID)
	const q = `
SELECT
	e.activity_id,
	e.student_id,
	e.publish_consent,
	e.created_at
FROM enrolments e
WHERE e.student_id = ?
ORDER BY e.created_at DESC, e.activity_id`

	rows, err := db.conn().query(ctx, q, studentID)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	out := []*issuer.Enrolment{}
	for rows.Next() {
		e := &issuer.Enrolment{}
		if err := rows.Scan(&e.ActivityID, &e.StudentID, &e.PublishConsent, timeDest(&e.CreatedAt)); err != nil {
			return nil, storeError(op, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}
