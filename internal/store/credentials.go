package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// RevokeCredential marks the active credential with credentialID revoked
// with r, sets its award's status to revoked, and gives the credential's
// status list a new revision with r.At as its time of change, in one
// transaction. A zero r.At is set to the current time. It returns
// ErrNotFound for an unknown credential and ErrConflict for one that is
// revoked already. The jobs are inserted in the same transaction.
func (db *DB) RevokeCredential(ctx context.Context, credentialID string, r issuer.Revocation, jobs ...issuer.Job) error {
	stamp(&r.At, now())
	err := db.withTx(ctx, func(c conn) error {
		awardID, listID, err := revokeCredential(ctx, c, credentialID, r)
		if err != nil {
			return err
		}

		const revokeAward = `
UPDATE awards SET
	status = 'revoked'
WHERE id = ?
	AND credential_id = ?`
		if _, err := c.exec(ctx, revokeAward, awardID, credentialID); err != nil {
			return storeError("revoke award "+awardID, err)
		}
		if err := touchStatusList(ctx, c, listID, r.At); err != nil {
			return err
		}
		return db.enqueueTx(ctx, c, jobs)
	})
	if err != nil {
		return fmt.Errorf("revoke credential %s: %w", credentialID, err)
	}
	return nil
}

// revokeCredential marks an active credential revoked and returns its
// award and status list; the list is empty for a credential without one.
// The UPDATE's condition on the status makes a second revocation, also a
// concurrent one, find no row.
func revokeCredential(ctx context.Context, c conn, credentialID string, r issuer.Revocation) (awardID, listID string, err error) {
	const q = `
UPDATE credentials SET
	status = 'revoked',
	revoked_at = ?,
	revocation_reason = ?,
	revoked_by = ?
WHERE id = ?
	AND status = 'active'
RETURNING award_id, status_list_id`

	err = c.queryRow(ctx, q, c.d.timeArg(r.At), r.Reason, r.By, credentialID).Scan(&awardID, textDest(&listID))
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", missingOrRevoked(ctx, c, credentialID)
	}
	if err != nil {
		return "", "", storeError("revoke credential", err)
	}
	return awardID, listID, nil
}

// missingOrRevoked returns ErrNotFound when no credential has id, and
// ErrConflict when it exists, because then it is revoked already.
func missingOrRevoked(ctx context.Context, c conn, id string) error {
	var status string
	err := c.queryRow(ctx, `SELECT status FROM credentials WHERE id = ?`, id).Scan(&status)
	if err != nil {
		return storeError("read credential", err)
	}
	return fmt.Errorf("credential is %s already: %w", status, issuer.ErrConflict)
}

// touchStatusList gives a status list a new revision and at as its time of
// change, so that caches of its signed credential rebuild. An empty listID
// does nothing.
func touchStatusList(ctx context.Context, c conn, listID string, at time.Time) error {
	if listID == "" {
		return nil
	}
	const q = `
UPDATE status_lists SET
	revision = revision + 1,
	updated_at = ?
WHERE id = ?`
	if _, err := c.exec(ctx, q, c.d.timeArg(at), listID); err != nil {
		return storeError("update status list "+listID, err)
	}
	return nil
}

// ReplaceCredentials calls fill with a transaction in which it reserves
// status entries and replaces credentials by their successors, all in one
// database transaction: on any error nothing is kept.
//
// tx.Replace revokes each old credential with its Revocation (a zero At
// is set to the current time) and inserts New for the same award, with
// Replaces set to the old id, a zero IssuedAt set to the current time and
// an empty Status set to active. It links the old credential to the new
// one, makes the new one the award's current credential and gives the old
// credential's status list a new revision. It returns ErrNotFound for an
// unknown old credential, ErrConflict for one that is revoked already, and
// ErrInvalid for a successor without an id or with a status entry that tx
// did not reserve.
func (db *DB) ReplaceCredentials(ctx context.Context, fill func(tx issuer.ReplaceTx) error) error {
	err := db.withTx(ctx, func(c conn) error {
		tx := &replaceTx{db: db, ctx: ctx, c: c, now: now()}
		fillErr := fill(tx)
		if tx.err != nil {
			return tx.err
		}
		if fillErr != nil {
			return fmt.Errorf("fill: %w", fillErr)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("replace credentials: %w", err)
	}
	return nil
}

// replaceTx is the issuer.ReplaceTx of ReplaceCredentials.
type replaceTx struct {
	db      *DB
	ctx     context.Context
	c       conn
	now     time.Time
	entries reservations
	keys    keyGuard
	err     error // first error; later calls return it
}

// AllocateStatus implements issuer.StatusAllocator.
func (tx *replaceTx) AllocateStatus(n int) ([]issuer.StatusEntry, error) {
	if tx.err != nil {
		return nil, tx.err
	}
	entries, err := allocateStatus(tx.ctx, tx.c, n)
	if err != nil {
		tx.err = err
		return nil, err
	}
	tx.entries.add(entries)
	return entries, nil
}

// Replace implements issuer.ReplaceTx.
func (tx *replaceTx) Replace(replacements []*issuer.Replacement) error {
	if tx.err != nil {
		return tx.err
	}
	for _, r := range replacements {
		if err := tx.replace(r); err != nil {
			tx.err = fmt.Errorf("replace credential %s: %w", r.OldID, err)
			return tx.err
		}
	}
	return nil
}

func (tx *replaceTx) replace(r *issuer.Replacement) error {
	ctx, c := tx.ctx, tx.c
	n := &r.New
	if n.ID == "" {
		return issuer.Invalidf("credential.id", "the successor of credential %s has no id; set it before signing", r.OldID)
	}
	stamp(&r.Revocation.At, tx.now)
	completeCredential(n, tx.now)
	n.Replaces = r.OldID
	if err := tx.entries.use(n.ID, n.StatusEntry); err != nil {
		return err
	}
	if err := tx.keys.check(ctx, c, n.KeyID); err != nil {
		return err
	}

	awardID, listID, err := revokeCredential(ctx, c, r.OldID, r.Revocation)
	if err != nil {
		return err
	}

	insert := insertSQL("credentials", credentialInsertColumns, 1)
	if _, err := c.exec(ctx, insert, credentialRow(c.d, awardID, n)...); err != nil {
		return storeError("insert successor "+n.ID, err)
	}

	const link = `
UPDATE credentials SET
	replaced_by = ?
WHERE id = ?`
	if _, err := c.exec(ctx, link, n.ID, r.OldID); err != nil {
		return storeError("link to successor", err)
	}

	const current = `
UPDATE awards SET
	credential_id = ?
WHERE id = ?`
	if _, err := c.exec(ctx, current, n.ID, awardID); err != nil {
		return storeError("set the award's credential", err)
	}
	return touchStatusList(ctx, c, listID, r.Revocation.At)
}
