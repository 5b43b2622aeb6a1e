package store

import (
	"context"
	"fmt"

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
	retired_at
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
	k.ID = newID(k.ID)
	stamp(&k.CreatedAt, now())
	k.RetiredAt = storedTime(k.RetiredAt)

	const q = `
INSERT INTO signing_keys (
	id,
	algorithm,
	status,
	public_jwk,
	encrypted_private,
	created_at,
	retired_at
) VALUES (?, ?, ?, ?, ?, ?, ?)`

	_, err := db.conn().exec(ctx, q,
		k.ID,
		k.Algorithm,
		k.Status,
		notNullBytes(k.PublicJWK),
		notNullBytes(k.EncryptedPrivate),
		db.dialect.timeArg(k.CreatedAt),
		db.dialect.timeArg(k.RetiredAt),
	)
	if err != nil {
		return storeError(fmt.Sprintf("create %s signing key %s", k.Status, k.ID), err)
	}
	return nil
}
