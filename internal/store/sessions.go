package store

import (
	"context"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// CreateSession inserts s. A zero CreatedAt or LastSeenAt is set to the
// current time.
func (db *DB) CreateSession(ctx context.Context, s *issuer.Session) error {
	stamp(&s.CreatedAt, now())
	stamp(&s.LastSeenAt, s.CreatedAt)

	const q = `
INSERT INTO sessions (
	hash,
	user_id,
	student_id,
	created_at,
	last_seen_at
) VALUES (?, ?, ?, ?, ?)`

	_, err := db.conn().exec(ctx, q,
		s.Hash,
		nullable(s.UserID),
		nullable(s.StudentID),
		db.dialect.timeArg(s.CreatedAt),
		db.dialect.timeArg(s.LastSeenAt),
	)
	if err != nil {
		return storeError("create session", err)
	}
	return nil
}

// Session returns the session with hash.
func (db *DB) Session(ctx context.Context, hash []byte) (*issuer.Session, error) {
	const q = `
SELECT
	hash,
	coalesce(user_id, ''),
	coalesce(student_id, ''),
	created_at,
	last_seen_at
FROM sessions
WHERE hash = ?`

	s := &issuer.Session{}
	err := db.conn().queryRow(ctx, q, hash).Scan(
		&s.Hash,
		&s.UserID,
		&s.StudentID,
		timeDest(&s.CreatedAt),
		timeDest(&s.LastSeenAt),
	)
	if err != nil {
		return nil, storeError("read session", err)
	}
	return s, nil
}

// TouchSession sets the last use of the session with hash to at.
func (db *DB) TouchSession(ctx context.Context, hash []byte, at time.Time) error {
	const op = "touch session"
	res, err := db.conn().exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE hash = ?`, db.dialect.timeArg(at), hash)
	if err != nil {
		return storeError(op, err)
	}
	return expectOneRow(op, res)
}

// DeleteSession ends the session with hash. An unknown hash is not an
// error, so that signing out twice works.
func (db *DB) DeleteSession(ctx context.Context, hash []byte) error {
	if _, err := db.conn().exec(ctx, `DELETE FROM sessions WHERE hash = ?`, hash); err != nil {
		return storeError("delete session", err)
	}
	return nil
}

// DeleteSessions ends every session of the user or of the student and
// returns how many it ended. Exactly one of the ids must be set.
func (db *DB) DeleteSessions(ctx context.Context, userID, studentID string) (int, error) {
	if (userID == "") == (studentID == "") {
		return 0, fmt.Errorf("delete sessions: %w", issuer.Invalidf("id", "give a user id or a student id, not both or neither"))
	}

	res, err := db.conn().exec(ctx, `DELETE FROM sessions WHERE user_id = ? OR student_id = ?`, nullable(userID), nullable(studentID))
	if err != nil {
		return 0, storeError("delete sessions", err)
	}
	return rowsAffected("delete sessions", res)
}

// DeleteStaleSessions ends the sessions created before createdBefore or
// last used before seenBefore, and removes sign-in links that expired
// before seenBefore. It returns how many sessions it ended.
func (db *DB) DeleteStaleSessions(ctx context.Context, createdBefore, seenBefore time.Time) (int, error) {
	const op = "delete stale sessions"
	var n int
	err := db.withTx(ctx, func(c conn) error {
		res, err := c.exec(ctx, `DELETE FROM sessions WHERE created_at < ? OR last_seen_at < ?`,
			c.d.timeArg(createdBefore), c.d.timeArg(seenBefore))
		if err != nil {
			return storeError(op, err)
		}
		if n, err = rowsAffected(op, res); err != nil {
			return err
		}

		if _, err := c.exec(ctx, `DELETE FROM sign_in_links WHERE expires_at < ?`, c.d.timeArg(seenBefore)); err != nil {
			return storeError("delete expired sign-in links", err)
		}
		return nil
	})
	return n, err
}

// CreateSignInLink inserts l. A zero CreatedAt is set to the current time.
func (db *DB) CreateSignInLink(ctx context.Context, l *issuer.SignInLink) error {
	stamp(&l.CreatedAt, now())

	const q = `
INSERT INTO sign_in_links (
	hash,
	student_id,
	created_at,
	expires_at
) VALUES (?, ?, ?, ?)`

	_, err := db.conn().exec(ctx, q,
		l.Hash,
		l.StudentID,
		db.dialect.timeArg(l.CreatedAt),
		db.dialect.timeArg(l.ExpiresAt),
	)
	if err != nil {
		return storeError(fmt.Sprintf("create sign-in link of student %s", l.StudentID), err)
	}
	return nil
}

// UseSignInLink marks the unused, unexpired link with hash used at now and
// returns it. One UPDATE both checks and marks the link, so that of two
// requests with the same link only one gets it.
func (db *DB) UseSignInLink(ctx context.Context, hash []byte, now time.Time) (*issuer.SignInLink, error) {
	const q = `
UPDATE sign_in_links SET
	used_at = ?
WHERE hash = ? AND used_at IS NULL AND expires_at > ?
RETURNING hash, student_id, created_at, expires_at`

	l := &issuer.SignInLink{}
	at := db.dialect.timeArg(now)
	err := db.conn().queryRow(ctx, q, at, hash, at).Scan(
		&l.Hash,
		&l.StudentID,
		timeDest(&l.CreatedAt),
		timeDest(&l.ExpiresAt),
	)
	if err != nil {
		return nil, storeError("use sign-in link", err)
	}
	return l, nil
}

func rowsAffected(op string, res interface{ RowsAffected() (int64, error) }) (int, error) {
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: %w", op, err)
	}
	return int(n), nil
}
