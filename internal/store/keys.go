package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// SigningKeys lists every key, the active one first, then by creation time,
// oldest first.
func (db *DB) SigningKeys(ctx context.Context) ([]*issuer.SigningKey, error) {
	const op = "list signing keys"
	const q = `
SELECT
	id,
	algorithm,
	status,
	public_jwk,
	encrypted_private,
	created_at,
	retired_at,
	revoked_at
FROM signing_keys
ORDER BY
	CASE status WHEN 'active' THEN 0 ELSE 1 END,
	created_at,
	id`

	rows, err := db.conn().query(ctx, q)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	out := []*issuer.SigningKey{}
	for rows.Next() {
		k := &issuer.SigningKey{}
		err := rows.Scan(
			&k.ID,
			&k.Algorithm,
			&k.Status,
			bytesDest(&k.PublicJWK),
			bytesDest(&k.EncryptedPrivate),
			timeDest(&k.CreatedAt),
			timeDest(&k.RetiredAt),
			timeDest(&k.RevokedAt),
		)
		if err != nil {
			return nil, storeError(op, err)
		}
		out = append(out, k)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}

// CreateSigningKey inserts k. An empty ID is set to a new UUID and a zero
// CreatedAt to the current time. It returns ErrConflict when k is active and
// another active key exists, or when k.ID is taken.
func (db *DB) CreateSigningKey(ctx context.Context, k *issuer.SigningKey) error {
	return insertSigningKey(ctx, db.conn(), k)
}

func insertSigningKey(ctx context.Context, c conn, k *issuer.SigningKey) error {
	k.ID = newID(k.ID)
	stamp(&k.CreatedAt, now())
	k.RetiredAt = storedTime(k.RetiredAt)
	k.RevokedAt = storedTime(k.RevokedAt)

	const q = `
INSERT INTO signing_keys (
	id,
	algorithm,
	status,
	public_jwk,
	encrypted_private,
	created_at,
	retired_at,
	revoked_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

	_, err := c.exec(ctx, q,
		k.ID,
		k.Algorithm,
		k.Status,
		notNullBytes(k.PublicJWK),
		notNullBytes(k.EncryptedPrivate),
		c.d.timeArg(k.CreatedAt),
		c.d.timeArg(k.RetiredAt),
		c.d.timeArg(k.RevokedAt),
	)
	if err != nil {
		return storeError(fmt.Sprintf("create %s signing key %s", k.Status, k.ID), err)
	}
	return nil
}

// RotateSigningKey retires the active key, with next.CreatedAt as its time
// of retirement, and inserts next as the active key, in one transaction.
// A zero next.CreatedAt is set to the current time. It returns ErrInvalid
// when next is not active, and ErrConflict when a concurrent rotation
// inserted its key first.
func (db *DB) RotateSigningKey(ctx context.Context, next *issuer.SigningKey) error {
	if next.Status != issuer.KeyActive {
		return issuer.Invalidf("status", "the new key %s is %s; a rotation inserts an active key", next.ID, next.Status)
	}
	stamp(&next.CreatedAt, now())

	err := db.withTx(ctx, func(c conn) error {
		const retire = `
UPDATE signing_keys SET
	status = 'retired',
	retired_at = ?
WHERE status = 'active'`
		if _, err := c.exec(ctx, retire, c.d.timeArg(next.CreatedAt)); err != nil {
			return storeError("retire the active signing key", err)
		}
		return insertSigningKey(ctx, c, next)
	})
	if err != nil {
		return fmt.Errorf("rotate to signing key %s: %w", next.ID, err)
	}
	return nil
}

// RevokeSigningKey marks the retired key with id revoked at at (the
// current time when zero) and gives every status list a new revision, in
// one transaction. It returns ErrNotFound for an unknown key, ErrInvalid
// for the active key and ErrConflict for a key revoked already.
//
// On PostgreSQL the UPDATE waits for upload and re-issue transactions that
// checked the key with FOR SHARE, so every credential the key signed is
// committed before the revocation is, or fails with ErrKeyRevoked.
func (db *DB) RevokeSigningKey(ctx context.Context, id string, at time.Time) error {
	stamp(&at, now())
	err := db.withTx(ctx, func(c conn) error {
		var status issuer.SigningKeyStatus
		const revoke = `
UPDATE signing_keys SET
	status = 'revoked',
	revoked_at = ?
WHERE id = ?
	AND status = 'retired'
RETURNING status`
		err := c.queryRow(ctx, revoke, c.d.timeArg(at), id).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return keyNotRevocable(ctx, c, id)
		}
		if err != nil {
			return storeError("revoke signing key", err)
		}

		const touchLists = `
UPDATE status_lists SET
	revision = revision + 1`
		if _, err := c.exec(ctx, touchLists); err != nil {
			return storeError("update status lists", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke signing key %s: %w", id, err)
	}
	return nil
}

// keyNotRevocable explains why no retired key has id.
func keyNotRevocable(ctx context.Context, c conn, id string) error {
	var status issuer.SigningKeyStatus
	if err := c.queryRow(ctx, `SELECT status FROM signing_keys WHERE id = ?`, id).Scan(&status); err != nil {
		return storeError("read signing key", err)
	}
	if status == issuer.KeyActive {
		return issuer.Invalidf("key", "%s is the active signing key; rotate to a new key first", id)
	}
	return fmt.Errorf("signing key is %s already: %w", status, issuer.ErrConflict)
}

// keyGuard checks, inside a transaction that writes credentials, that
// their signing keys are not revoked, each key once. On PostgreSQL the
// check locks the key's row with FOR SHARE until the transaction ends, so
// a concurrent RevokeSigningKey waits for it.
type keyGuard map[string]bool

func (g *keyGuard) check(ctx context.Context, c conn, keyID string) error {
	if (*g)[keyID] {
		return nil
	}
	var status issuer.SigningKeyStatus
	err := c.queryRow(ctx, `SELECT status FROM signing_keys WHERE id = ?`+c.d.lockShared, keyID).Scan(&status)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		// Not a stored key: the credential verifies against no published
		// key, but that is the signer's concern, not a revocation.
	case err != nil:
		return storeError("check signing key "+keyID, err)
	case status == issuer.KeyRevoked:
		return fmt.Errorf("credentials signed by key %s, which was revoked while they were signed: %w: %w", keyID, issuer.ErrKeyRevoked, issuer.ErrConflict)
	}

	if *g == nil {
		*g = keyGuard{}
	}
	(*g)[keyID] = true
	return nil
}
