package store

import (
	"context"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

const userColumns = `
	u.id,
	u.name,
	u.email,
	u.role,
	u.can_upload,
	u.created_at`

func scanUser(row rowScanner) (*issuer.User, error) {
	u := &issuer.User{}
	err := row.Scan(
		&u.ID,
		&u.Name,
		&u.Email,
		&u.Role,
		&u.CanUpload,
		timeDest(&u.CreatedAt),
	)
	if err != nil {
		return nil, err
	}
	return u, nil
}

// CreateUser inserts u. An empty ID is set to a new UUID and a zero
// CreatedAt to the current time. A taken name is an ErrConflict.
func (db *DB) CreateUser(ctx context.Context, u *issuer.User) error {
	u.ID = newID(u.ID)
	stamp(&u.CreatedAt, now())

	const q = `
INSERT INTO users (
	id,
	name,
	email,
	role,
	can_upload,
	created_at
) VALUES (?, ?, ?, ?, ?, ?)`

	_, err := db.conn().exec(ctx, q,
		u.ID,
		u.Name,
		u.Email,
		u.Role,
		u.CanUpload,
		db.dialect.timeArg(u.CreatedAt),
	)
	if err != nil {
		return storeError(fmt.Sprintf("create user %q", u.Name), err)
	}
	return nil
}

// User returns the user with id.
func (db *DB) User(ctx context.Context, id string) (*issuer.User, error) {
	const q = `SELECT` + userColumns + `
FROM users u
WHERE u.id = ?`

	u, err := scanUser(db.conn().queryRow(ctx, q, id))
	if err != nil {
		return nil, storeError(fmt.Sprintf("read user %s", id), err)
	}
	return u, nil
}

// UserByName returns the user with name.
func (db *DB) UserByName(ctx context.Context, name string) (*issuer.User, error) {
	const q = `SELECT` + userColumns + `
FROM users u
WHERE u.name = ?`

	u, err := scanUser(db.conn().queryRow(ctx, q, name))
	if err != nil {
		return nil, storeError(fmt.Sprintf("read user %q", name), err)
	}
	return u, nil
}

// CreateToken inserts t. An empty ID is set to a new UUID and a zero
// CreatedAt to the current time. An unknown user is an ErrNotFound, a hash
// that exists an ErrConflict.
func (db *DB) CreateToken(ctx context.Context, t *issuer.APIToken) error {
	t.ID = newID(t.ID)
	stamp(&t.CreatedAt, now())
	t.LastUsedAt = storedTime(t.LastUsedAt)

	const q = `
INSERT INTO api_tokens (
	id,
	user_id,
	name,
	hash,
	created_at,
	last_used_at
) VALUES (?, ?, ?, ?, ?, ?)`

	_, err := db.conn().exec(ctx, q,
		t.ID,
		t.UserID,
		t.Name,
		t.Hash,
		db.dialect.timeArg(t.CreatedAt),
		db.dialect.timeArg(t.LastUsedAt),
	)
	if err != nil {
		return storeError(fmt.Sprintf("create token %q of user %s", t.Name, t.UserID), err)
	}
	return nil
}

// UserByTokenHash returns the user owning the token with that SHA-256, and
// records usedAt as the token's last use.
func (db *DB) UserByTokenHash(ctx context.Context, hash []byte, usedAt time.Time) (*issuer.User, error) {
	const op = "look up token"
	const touch = `
UPDATE api_tokens SET
	last_used_at = ?
WHERE hash = ?
RETURNING user_id`

	var userID string
	err := db.conn().queryRow(ctx, touch, db.dialect.timeArg(usedAt), hash).Scan(&userID)
	if err != nil {
		return nil, storeError(op, err)
	}

	u, err := db.User(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	return u, nil
}
