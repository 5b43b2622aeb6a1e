package store

import (
	"context"
	"fmt"

	"github.com/laurel-badges/laurel/issuer"
)

// Users lists the users with role, or every user when role is empty,
// ordered by name.
func (db *DB) Users(ctx context.Context, role issuer.Role) ([]*issuer.User, error) {
	const q = `SELECT` + userColumns + `
FROM users u
WHERE ? = '' OR u.role = ?
ORDER BY u.name`

	rows, err := db.conn().query(ctx, q, role, role)
	if err != nil {
		return nil, storeError("list users", err)
	}
	defer rows.Close()

	out := []*issuer.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, storeError("list users", err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("list users", err)
	}
	return out, nil
}

// UserByEmail returns the user with email, compared case-insensitively. An
// address that two users share is an ErrConflict, so that a sign-in never
// picks one of them at random.
func (db *DB) UserByEmail(ctx context.Context, email string) (*issuer.User, error) {
	op := fmt.Sprintf("read user with email %q", email)
	const q = `SELECT` + userColumns + `
FROM users u
WHERE lower(u.email) = lower(?) AND u.email <> ''
ORDER BY u.name
LIMIT 2`

	rows, err := db.conn().query(ctx, q, email)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	var found []*issuer.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, storeError(op, err)
		}
		found = append(found, u)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return onlyOne(op, found)
}

// SetUserCanUpload sets the upload right of the user with id and returns
// the stored user.
func (db *DB) SetUserCanUpload(ctx context.Context, id string, canUpload bool) (*issuer.User, error) {
	op := fmt.Sprintf("set upload right of user %s", id)
	const q = `UPDATE users SET can_upload = ? WHERE id = ?`

	res, err := db.conn().exec(ctx, q, canUpload, id)
	if err != nil {
		return nil, storeError(op, err)
	}
	if err := expectOneRow(op, res); err != nil {
		return nil, err
	}
	return db.User(ctx, id)
}

// SetUserPassword stores the password hash of the user with id.
func (db *DB) SetUserPassword(ctx context.Context, id, hash string) error {
	op := fmt.Sprintf("set password of user %s", id)
	res, err := db.conn().exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, hash, id)
	if err != nil {
		return storeError(op, err)
	}
	return expectOneRow(op, res)
}

// UserPassword returns the password hash of the user with id, "" when the
// user has no password.
func (db *DB) UserPassword(ctx context.Context, id string) (string, error) {
	var hash string
	err := db.conn().queryRow(ctx, `SELECT password_hash FROM users WHERE id = ?`, id).Scan(&hash)
	if err != nil {
		return "", storeError(fmt.Sprintf("read password of user %s", id), err)
	}
	return hash, nil
}

// StudentByEmail returns the student whose college or personal email is
// email, compared case-insensitively. An address that two students share
// is an ErrConflict.
func (db *DB) StudentByEmail(ctx context.Context, email string) (*issuer.Student, error) {
	op := fmt.Sprintf("read student with email %q", email)
	const q = `SELECT` + studentColumns + `
FROM students s
WHERE (lower(s.email) = lower(?) AND s.email <> '')
   OR (lower(s.personal_email) = lower(?) AND s.personal_email <> '')
ORDER BY s.number
LIMIT 2`

	found, err := queryStudents(ctx, db.conn(), q, email, email)
	if err != nil {
		return nil, storeError(op, err)
	}
	return onlyOne(op, found)
}

// SetStudentPassword stores the password hash of the student with id.
func (db *DB) SetStudentPassword(ctx context.Context, id, hash string) error {
	op := fmt.Sprintf("set password of student %s", id)
	res, err := db.conn().exec(ctx, `UPDATE students SET password_hash = ? WHERE id = ?`, hash, id)
	if err != nil {
		return storeError(op, err)
	}
	return expectOneRow(op, res)
}

// StudentPassword returns the password hash of the student with id, ""
// when the student has no password.
func (db *DB) StudentPassword(ctx context.Context, id string) (string, error) {
	var hash string
	err := db.conn().queryRow(ctx, `SELECT password_hash FROM students WHERE id = ?`, id).Scan(&hash)
	if err != nil {
		return "", storeError(fmt.Sprintf("read password of student %s", id), err)
	}
	return hash, nil
}

// onlyOne returns the single record of found: none is an ErrNotFound and
// more than one an ErrConflict.
func onlyOne[T any](op string, found []*T) (*T, error) {
	switch len(found) {
	case 0:
		return nil, fmt.Errorf("%s: %w", op, issuer.ErrNotFound)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf("%s: several records have it: %w", op, issuer.ErrConflict)
}
