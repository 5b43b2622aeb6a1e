package store

import (
	"context"
	"time"
)

// CountSignInAttempt adds one attempt to the window of kind and keyHash,
// or starts a new window at now when none is open. The upsert reads and
// writes the row in one statement: PostgreSQL locks the conflicting row
// and SQLite holds the database's write lock, so that concurrent attempts
// are counted one after another and none is lost.
func (db *DB) CountSignInAttempt(ctx context.Context, kind string, keyHash []byte, now time.Time, length time.Duration) (time.Time, int, error) {
	now = storedTime(now)
	ended := db.dialect.timeArg(now.Add(-length))

	const q = `
INSERT INTO sign_in_attempts (kind, key_hash, window_start, attempts) VALUES (?, ?, ?, 1)
ON CONFLICT (kind, key_hash) DO UPDATE SET
	window_start = CASE WHEN sign_in_attempts.window_start <= ? THEN excluded.window_start ELSE sign_in_attempts.window_start END,
	attempts = CASE WHEN sign_in_attempts.window_start <= ? THEN 1 ELSE sign_in_attempts.attempts + 1 END
RETURNING window_start, attempts`

	var start time.Time
	var attempts int
	err := db.conn().queryRow(ctx, q, kind, keyHash, db.dialect.timeArg(now), ended, ended).Scan(timeDest(&start), &attempts)
	if err != nil {
		return time.Time{}, 0, storeError("count sign-in attempt", err)
	}
	return start, attempts, nil
}

// UncountSignInAttempt takes one attempt back from the window that started
// at start.
func (db *DB) UncountSignInAttempt(ctx context.Context, kind string, keyHash []byte, start time.Time) error {
	const q = `
UPDATE sign_in_attempts SET attempts = attempts - 1
WHERE kind = ? AND key_hash = ? AND window_start = ? AND attempts > 0`
	if _, err := db.conn().exec(ctx, q, kind, keyHash, db.dialect.timeArg(start)); err != nil {
		return storeError("take back sign-in attempt", err)
	}
	return nil
}

// DeleteSignInAttempts deletes the window of kind and keyHash; a missing
// one is not an error.
func (db *DB) DeleteSignInAttempts(ctx context.Context, kind string, keyHash []byte) error {
	if _, err := db.conn().exec(ctx, `DELETE FROM sign_in_attempts WHERE kind = ? AND key_hash = ?`, kind, keyHash); err != nil {
		return storeError("delete sign-in attempts", err)
	}
	return nil
}

// DeleteSignInAttemptsBefore deletes the windows that started before t.
func (db *DB) DeleteSignInAttemptsBefore(ctx context.Context, t time.Time) (int, error) {
	const op = "delete expired sign-in attempts"
	res, err := db.conn().exec(ctx, `DELETE FROM sign_in_attempts WHERE window_start < ?`, db.dialect.timeArg(t))
	if err != nil {
		return 0, storeError(op, err)
	}
	return rowsAffected(op, res)
}
