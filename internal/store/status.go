package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/laurel-badges/laurel/issuer"
)

const statusListColumns = `
	id,
	purpose,
	size,
	revision,
	created_at,
	updated_at`

func scanStatusList(row rowScanner) (*issuer.StatusList, error) {
	l := &issuer.StatusList{}
	err := row.Scan(
		&l.ID,
		&l.Purpose,
		&l.Size,
		&l.Revision,
		timeDest(&l.CreatedAt),
		timeDest(&l.UpdatedAt),
	)
	if err != nil {
		return nil, err
	}
	return l, nil
}

// StatusList returns the status list with id, without its bits.
func (db *DB) StatusList(ctx context.Context, id string) (*issuer.StatusList, error) {
	const q = `SELECT` + statusListColumns + `
FROM status_lists
WHERE id = ?`

	op := fmt.Sprintf("read status list %s", id)
	st, err := db.prepared(ctx, q)
	if err != nil {
		return nil, storeError(op, err)
	}
	l, err := scanStatusList(st.QueryRowContext(ctx, id))
	if err != nil {
		return nil, storeError(op, err)
	}
	return l, nil
}

// RevokedStatusIndexes lists the indexes of the revoked credentials in the
// status list with listID, in ascending order. An unknown list has none.
func (db *DB) RevokedStatusIndexes(ctx context.Context, listID string) ([]int, error) {
	op := fmt.Sprintf("list revoked entries of status list %s", listID)
	const q = `
SELECT status_index
FROM credentials
WHERE status_list_id = ?
	AND status = 'revoked'
ORDER BY status_index`

	out, err := queryInts(ctx, db.conn(), q, listID)
	if err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}

// queryInts runs q, which selects one integer column, and collects it.
func queryInts(ctx context.Context, c conn, q string, args ...any) ([]int, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()

	out := []int{}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// maxAllocationRounds bounds the rounds of allocateStatus. A round either
// reserves entries or starts a new list, so a few rounds always suffice.
// The bound turns a bug into an error instead of an endless loop.
const maxAllocationRounds = 8

// allocateStatus reserves n entries at random free indexes of the newest
// revocation status list within the transaction of c, starting a new list
// when that one has no free entry left.
//
// Each list has one row per entry, and reserving marks free rows. On
// PostgreSQL the rows are picked with FOR UPDATE SKIP LOCKED, so entries
// that a running transaction has reserved are skipped without waiting for
// it, so two uploads do not wait on each other here. On SQLite
// the transaction holds the database's write lock, so no other
// transaction reserves at the same time.
func allocateStatus(ctx context.Context, c conn, n int) ([]issuer.StatusEntry, error) {
	if n < 0 {
		return nil, issuer.Invalidf("count", "cannot reserve %d status entries; give 0 or more", n)
	}

	out := make([]issuer.StatusEntry, 0, n)
	for round := 0; len(out) < n; round++ {
		if round == maxAllocationRounds {
			return nil, fmt.Errorf("allocate status entries: reserved %d of %d after %d rounds: %w", len(out), n, round, issuer.ErrConflict)
		}

		list, err := newestStatusList(ctx, c)
		if errors.Is(err, issuer.ErrNotFound) {
			list, err = createStatusList(ctx, c)
		}
		if err != nil {
			return nil, err
		}

		want := n - len(out)
		got, err := reserveFreeEntries(ctx, c, list.ID, want)
		if err != nil {
			return nil, err
		}
		for _, index := range got {
			out = append(out, issuer.StatusEntry{ListID: list.ID, Index: index})
		}

		// Fewer than asked means that the list has no free entry left that
		// another transaction has not reserved.
		if len(got) < want {
			if _, err := createStatusList(ctx, c); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func newestStatusList(ctx context.Context, c conn) (*issuer.StatusList, error) {
	const q = `SELECT` + statusListColumns + `
FROM status_lists
WHERE purpose = ?
ORDER BY created_at DESC, id DESC
LIMIT 1`

	l, err := scanStatusList(c.queryRow(ctx, q, issuer.StatusPurposeRevocation))
	if err != nil {
		return nil, storeError("find the newest status list", err)
	}
	return l, nil
}

// createStatusList inserts a new revocation list with all its entries free.
func createStatusList(ctx context.Context, c conn) (*issuer.StatusList, error) {
	t := now()
	l := &issuer.StatusList{
		ID:        newID(""),
		Purpose:   issuer.StatusPurposeRevocation,
		Size:      issuer.MinStatusListSize,
		CreatedAt: t,
		UpdatedAt: t,
	}
	op := fmt.Sprintf("create status list %s", l.ID)

	const insertList = `
INSERT INTO status_lists (` + statusListColumns + `
) VALUES (?, ?, ?, ?, ?, ?)`
	_, err := c.exec(ctx, insertList, l.ID, l.Purpose, l.Size, l.Revision, c.d.timeArg(l.CreatedAt), c.d.timeArg(l.UpdatedAt))
	if err != nil {
		return nil, storeError(op, err)
	}

	// One statement writes every entry: both databases accept a recursive
	// common table expression in front of INSERT.
	const insertEntries = `
WITH RECURSIVE entry (i) AS (
	SELECT 0
	UNION ALL
	SELECT i + 1 FROM entry WHERE i + 1 < ?
)
INSERT INTO status_entries (status_list_id, status_index, reserved)
SELECT ?, i, FALSE FROM entry`
	if _, err := c.exec(ctx, insertEntries, l.Size, l.ID); err != nil {
		return nil, storeError(op, err)
	}
	return l, nil
}

// reserveFreeEntries marks up to want free entries of a list reserved,
// chosen at random, and returns their indexes in ascending order.
func reserveFreeEntries(ctx context.Context, c conn, listID string, want int) ([]int, error) {
	q := `
UPDATE status_entries SET
	reserved = TRUE
WHERE status_list_id = ?
	AND status_index IN (
		SELECT status_index
		FROM status_entries
		WHERE status_list_id = ?
			AND NOT reserved
		ORDER BY random()
		LIMIT ?` + c.d.skipLocked + `
	)
RETURNING status_index`

	got, err := queryInts(ctx, c, q, listID, listID, want)
	if err != nil {
		return nil, storeError(fmt.Sprintf("reserve %d entries of status list %s", want, listID), err)
	}
	slices.Sort(got)
	return got, nil
}
