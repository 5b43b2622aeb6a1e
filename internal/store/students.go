package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

const studentColumns = `
	s.id,
	s.number,
	s.name,
	s.chinese_name,
	s.email,
	s.programme,
	s.year_of_entry,
	s.study_mode,
	s.status,
	s.personal_email,
	s.created_at,
	s.updated_at`

func scanStudent(row rowScanner) (*issuer.Student, error) {
	s := &issuer.Student{}
	err := row.Scan(
		&s.ID,
		&s.Number,
		&s.Name,
		&s.ChineseName,
		&s.Email,
		&s.Programme,
		&s.YearOfEntry,
		&s.StudyMode,
		&s.Status,
		&s.PersonalEmail,
		timeDest(&s.CreatedAt),
		timeDest(&s.UpdatedAt),
	)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// queryStudents runs q, which selects studentColumns, and collects the rows.
func queryStudents(ctx context.Context, c conn, q string, args ...any) ([]*issuer.Student, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	out := []*issuer.Student{}
	for rows.Next() {
		s, err := scanStudent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// UpsertStudents inserts new students and updates existing ones, matched by
// Number, in one transaction. It counts a student as updated only when a
// field differs from the stored one, so importing the same list twice
// returns 0 and 0. It sets ID, CreatedAt and UpdatedAt of every student to
// the stored values. An empty Status or PersonalEmail keeps the stored one;
// a new student with an empty Status is stored as issuer.Current. A number that appears twice in
// students is an ErrConflict, an empty one ErrInvalid.
func (db *DB) UpsertStudents(ctx context.Context, students []*issuer.Student) (created, updated int, err error) {
	const op = "upsert students"
	if err := checkStudentNumbers(students); err != nil {
		return 0, 0, fmt.Errorf("%s: %w", op, err)
	}

	err = db.withTx(ctx, func(c conn) error {
		var err error
		created, updated, err = upsertStudents(ctx, c, students)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("%s: %w", op, err)
	}
	return created, updated, nil
}

func checkStudentNumbers(students []*issuer.Student) error {
	seen := make(map[string]bool, len(students))
	for i, s := range students {
		if s.Number == "" {
			return issuer.Invalidf("number", "student %d of %d has no student number; give every student one", i+1, len(students))
		}
		if seen[s.Number] {
			return fmt.Errorf("%w: student number %q appears more than once; list each student once", issuer.ErrConflict, s.Number)
		}
		seen[s.Number] = true
	}
	return nil
}

const insertStudentSQL = `
INSERT INTO students (
	id,
	number,
	name,
	chinese_name,
	email,
	programme,
	year_of_entry,
	study_mode,
	status,
	personal_email,
	created_at,
	updated_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (number) DO NOTHING`

const updateStudentSQL = `
UPDATE students SET
	name = ?,
	chinese_name = ?,
	email = ?,
	programme = ?,
	year_of_entry = ?,
	study_mode = ?,
	status = ?,
	personal_email = ?,
	updated_at = ?
WHERE id = ?`

func upsertStudents(ctx context.Context, c conn, students []*issuer.Student) (created, updated int, err error) {
	numbers := make([]string, len(students))
	for i, s := range students {
		numbers[i] = s.Number
	}
	existing, err := studentsByNumber(ctx, c, numbers)
	if err != nil {
		return 0, 0, err
	}

	insert, err := c.prepare(ctx, insertStudentSQL)
	if err != nil {
		return 0, 0, fmt.Errorf("prepare insert: %w", err)
	}
	defer insert.Close()

	t := now()
	for _, s := range students {
		old, ok := existing[s.Number]
		if !ok {
			inserted, err := insertStudent(ctx, c, insert, s, t)
			if err != nil {
				return 0, 0, err
			}
			if inserted {
				created++
				continue
			}

			// Another transaction inserted the number since the lookup.
			if old, err = studentByNumber(ctx, c, s.Number); err != nil {
				return 0, 0, err
			}
		}

		changed, err := updateStudent(ctx, c, old, s, t)
		if err != nil {
			return 0, 0, err
		}
		if changed {
			updated++
		}
	}
	return created, updated, nil
}

// insertStudent inserts s unless its number exists, and reports whether it did.
func insertStudent(ctx context.Context, c conn, insert *sql.Stmt, s *issuer.Student, t time.Time) (bool, error) {
	status := s.Status
	if status == "" {
		status = issuer.Current
	}
	s.ID = newID(s.ID)
	stamp(&s.CreatedAt, t)
	stamp(&s.UpdatedAt, t)

	res, err := insert.ExecContext(ctx,
		s.ID,
		s.Number,
		s.Name,
		s.ChineseName,
		s.Email,
		s.Programme,
		s.YearOfEntry,
		s.StudyMode,
		status,
		s.PersonalEmail,
		c.d.timeArg(s.CreatedAt),
		c.d.timeArg(s.UpdatedAt),
	)
	if err != nil {
		return false, storeError(fmt.Sprintf("insert student %q", s.Number), err)
	}

	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("insert student %q: %w", s.Number, err)
	}
	if n == 1 {
		s.Status = status
	}
	return n == 1, nil
}

// updateStudent writes the fields of s over old when any differs, and
// reports whether it did. s takes the id and timestamps that are stored,
// and the stored status and personal email where it has none, because a
// register file may leave those columns out or blank.
func updateStudent(ctx context.Context, c conn, old, s *issuer.Student, t time.Time) (bool, error) {
	s.ID = old.ID
	s.CreatedAt = old.CreatedAt
	if s.Status == "" {
		s.Status = old.Status
	}
	if s.PersonalEmail == "" {
		s.PersonalEmail = old.PersonalEmail
	}
	if sameStudentFields(old, s) {
		s.UpdatedAt = old.UpdatedAt
		return false, nil
	}

	s.UpdatedAt = t
	_, err := c.exec(ctx, updateStudentSQL,
		s.Name,
		s.ChineseName,
		s.Email,
		s.Programme,
		s.YearOfEntry,
		s.StudyMode,
		s.Status,
		s.PersonalEmail,
		c.d.timeArg(s.UpdatedAt),
		s.ID,
	)
	if err != nil {
		return false, storeError(fmt.Sprintf("update student %q", s.Number), err)
	}
	return true, nil
}

func sameStudentFields(a, b *issuer.Student) bool {
	return a.Name == b.Name &&
		a.ChineseName == b.ChineseName &&
		a.Email == b.Email &&
		a.Programme == b.Programme &&
		a.YearOfEntry == b.YearOfEntry &&
		a.StudyMode == b.StudyMode &&
		a.Status == b.Status &&
		a.PersonalEmail == b.PersonalEmail
}

// Student returns the student with id.
func (db *DB) Student(ctx context.Context, id string) (*issuer.Student, error) {
	const q = `SELECT` + studentColumns + `
FROM students s
WHERE s.id = ?`

	s, err := scanStudent(db.conn().queryRow(ctx, q, id))
	if err != nil {
		return nil, storeError(fmt.Sprintf("read student %s", id), err)
	}
	return s, nil
}

func studentByNumber(ctx context.Context, c conn, number string) (*issuer.Student, error) {
	const q = `SELECT` + studentColumns + `
FROM students s
WHERE s.number = ?`

	s, err := scanStudent(c.queryRow(ctx, q, number))
	if err != nil {
		return nil, storeError(fmt.Sprintf("read student %q", number), err)
	}
	return s, nil
}

// StudentsByNumber returns the students with the given numbers, keyed by
// number; numbers without a student are absent from the map.
func (db *DB) StudentsByNumber(ctx context.Context, numbers []string) (map[string]*issuer.Student, error) {
	out, err := studentsByNumber(ctx, db.conn(), numbers)
	if err != nil {
		return nil, fmt.Errorf("look up students by number: %w", err)
	}
	return out, nil
}

func studentsByNumber(ctx context.Context, c conn, numbers []string) (map[string]*issuer.Student, error) {
	out := make(map[string]*issuer.Student, len(numbers))
	for _, chunk := range chunks(numbers, inListChunk) {
		q := `SELECT` + studentColumns + `
FROM students s
WHERE s.number IN (` + placeholders(len(chunk)) + `)`

		args := make([]any, len(chunk))
		for i, n := range chunk {
			args[i] = n
		}

		students, err := queryStudents(ctx, c, q, args...)
		if err != nil {
			return nil, storeError("read students", err)
		}
		for _, s := range students {
			out[s.Number] = s
		}
	}
	return out, nil
}

// Students lists students matching f, ordered by number. f.Query matches
// part of the number, name, Chinese name or email; case is ignored for
// ASCII letters on SQLite and for all letters on PostgreSQL.
func (db *DB) Students(ctx context.Context, f issuer.StudentFilter) ([]*issuer.Student, error) {
	const op = "list students"
	limit, offset, err := db.page(f.Limit, f.Offset)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}

	q := `SELECT` + studentColumns + `
FROM students s
WHERE 1 = 1`
	var args []any

	if f.Query != "" {
		q += `
	AND (
		LOWER(s.number) LIKE ? ESCAPE '\'
		OR LOWER(s.name) LIKE ? ESCAPE '\'
		OR LOWER(s.chinese_name) LIKE ? ESCAPE '\'
		OR LOWER(s.email) LIKE ? ESCAPE '\'
	)`
		pattern := containsPattern(f.Query)
		args = append(args, pattern, pattern, pattern, pattern)
	}
	if f.Status != "" {
		q += `
	AND s.status = ?`
		args = append(args, f.Status)
	}
	q += `
ORDER BY s.number
LIMIT ? OFFSET ?`
	args = append(args, limit, offset)

	out, err := queryStudents(ctx, db.conn(), q, args...)
	if err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}

// containsPattern returns a LIKE pattern, to be used with ESCAPE '\', that
// matches text containing the lower-case form of query literally.
func containsPattern(query string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(query)) + "%"
}

// page returns LIMIT and OFFSET arguments for a filter's Limit and Offset,
// where a Limit of 0 means no limit.
func (db *DB) page(limit, offset int) (any, int, error) {
	if limit < 0 {
		return nil, 0, issuer.Invalidf("limit", "limit %d is negative; use 0 for no limit or a positive number", limit)
	}
	if offset < 0 {
		return nil, 0, issuer.Invalidf("offset", "offset %d is negative; use 0 or a positive number", offset)
	}
	if limit == 0 {
		return db.dialect.noLimit, offset, nil
	}
	return limit, offset, nil
}

// UpdateStudent changes the fields that u sets of the student with number,
// and returns the student as stored. It returns ErrNotFound for an unknown
// number.
func (db *DB) UpdateStudent(ctx context.Context, number string, u issuer.StudentUpdate) (*issuer.Student, error) {
	op := fmt.Sprintf("update student %q", number)
	var out *issuer.Student
	err := db.withTx(ctx, func(c conn) error {
		st, err := studentByNumber(ctx, c, number)
		if err != nil {
			return err
		}
		if u.Status != nil {
			st.Status = *u.Status
		}
		if u.PersonalEmail != nil {
			st.PersonalEmail = *u.PersonalEmail
		}
		st.UpdatedAt = now()

		const q = `
UPDATE students SET
	status = ?,
	personal_email = ?,
	updated_at = ?
WHERE id = ?`
		if _, err := c.exec(ctx, q, st.Status, st.PersonalEmail, c.d.timeArg(st.UpdatedAt), st.ID); err != nil {
			return storeError(op, err)
		}
		out = st
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return out, nil
}

// EnsureTranscriptToken sets the student's transcript token to token
// unless the student has one, and returns the stored token. Two
// concurrent calls agree on the token of the first to commit.
func (db *DB) EnsureTranscriptToken(ctx context.Context, studentID, token string) (string, error) {
	op := fmt.Sprintf("set transcript token of student %s", studentID)
	const set = `
UPDATE students SET transcript_token = ?
WHERE id = ? AND transcript_token IS NULL`
	if _, err := db.conn().exec(ctx, set, token, studentID); err != nil {
		return "", storeError(op, err)
	}

	var stored sql.NullString
	const read = `SELECT transcript_token FROM students WHERE id = ?`
	if err := db.conn().queryRow(ctx, read, studentID).Scan(&stored); err != nil {
		return "", storeError(op, err)
	}
	return stored.String, nil
}

// ReplaceTranscriptToken sets the student's transcript token to token,
// whether or not the student had one, so that the old link stops working.
func (db *DB) ReplaceTranscriptToken(ctx context.Context, studentID, token string) error {
	op := fmt.Sprintf("replace transcript token of student %s", studentID)
	const set = `UPDATE students SET transcript_token = ? WHERE id = ?`
	res, err := db.conn().exec(ctx, set, token, studentID)
	if err != nil {
		return storeError(op, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if n == 0 {
		return fmt.Errorf("%s: %w", op, issuer.ErrNotFound)
	}
	return nil
}

// StudentByTranscriptToken returns the student whose transcript token is
// token, or ErrNotFound.
func (db *DB) StudentByTranscriptToken(ctx context.Context, token string) (*issuer.Student, error) {
	const q = `SELECT` + studentColumns + `
FROM students s
WHERE s.transcript_token = ?`

	s, err := scanStudent(db.conn().queryRow(ctx, q, token))
	if err != nil {
		return nil, storeError("find student by transcript token", err)
	}
	return s, nil
}
