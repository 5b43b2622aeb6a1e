package store

import (
	"context"
	"errors"
	"fmt"
	"math/bits"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

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

// statusBlockSize is the number of entries in one block of a status list.
// On PostgreSQL a transaction reserves entries only in blocks it holds, so
// that no two running transactions ever pick from the same block.
const statusBlockSize = 1024

// maxAllocationRounds bounds the rounds of allocateStatus. A round either
// reserves entries or starts a new list, so a few rounds always suffice.
// The bound turns a bug into an error instead of an endless loop.
const maxAllocationRounds = 16

// reserveChunk is how many entries one INSERT reserves.
const reserveChunk = 500

// allocateStatus reserves n entries at random free indexes of the newest
// revocation status list within the transaction of c, starting a new list
// when that one has no free entry that the transaction can take.
//
// Each reserved entry gets a row in status_entries. On PostgreSQL a
// transaction first takes blocks of statusBlockSize entries with
// pg_try_advisory_xact_lock, which never waits and is released at commit
// or rollback, and reserves entries only in blocks it holds. Rows of
// running transactions therefore lie in blocks that no other transaction
// holds, so an insert never waits for another transaction, and two
// uploads cannot deadlock here. Blocks held by others are skipped: that is
// the retry after a conflict. On SQLite the transaction holds the
// database's write lock, so every block is free to take.
//
// The entries of one call are spread over as many blocks as it needs
// entries, so that the indexes of one upload do not cluster.
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

		got, err := reserveInList(ctx, c, list, n-len(out))
		if err != nil {
			return nil, err
		}
		if len(got) == 0 {
			// The list is full, or other transactions hold every block
			// with a free entry.
			if _, err := createStatusList(ctx, c); err != nil {
				return nil, err
			}
			continue
		}
		for _, index := range got {
			out = append(out, issuer.StatusEntry{ListID: list.ID, Index: index})
		}
	}
	return out, nil
}

// reserveInList reserves up to want random free entries of list in blocks
// that the transaction holds, and returns their indexes.
func reserveInList(ctx context.Context, c conn, list *issuer.StatusList, want int) ([]int, error) {
	hint, err := reservedIndexes(ctx, c, list, nil)
	if err != nil {
		return nil, err
	}
	candidates := blocksWithFreeEntries(hint, list.Size)
	rand.Shuffle(len(candidates), func(i, j int) { candidates[i], candidates[j] = candidates[j], candidates[i] })

	held, err := holdBlocks(ctx, c, list.ID, candidates, min(want, len(candidates)))
	if err != nil || len(held) == 0 {
		return nil, err
	}

	// Entries reserved in these blocks before this transaction held them
	// are committed by now, because their transactions held the blocks
	// until they ended. Reading them again keeps every pick free.
	reserved, err := reservedIndexes(ctx, c, list, held)
	if err != nil {
		return nil, err
	}
	picks := pickFreeInBlocks(reserved, held, want)
	return reserveIndexes(ctx, c, list.ID, picks)
}

// blocksWithFreeEntries returns the blocks of a list of size entries that
// have a clear bit in reserved.
func blocksWithFreeEntries(reserved issuer.Bitstring, size int) []int {
	var out []int
	bytesPerBlock := statusBlockSize / 8
	for block := range size / statusBlockSize {
		start := block * bytesPerBlock
		used := 0
		for _, octet := range reserved[start : start+bytesPerBlock] {
			used += bits.OnesCount8(octet)
		}
		if used < statusBlockSize {
			out = append(out, block)
		}
	}
	return out
}

// holdBlocks takes up to limit of the candidate blocks, in the given order,
// and returns those the transaction now holds. On SQLite it takes the first
// limit candidates, because no other transaction writes at the same time.
func holdBlocks(ctx context.Context, c conn, listID string, candidates []int, limit int) ([]int, error) {
	if limit == 0 {
		return nil, nil
	}
	if c.d.tryLockBlocks == "" {
		return candidates[:limit], nil
	}

	q := fmt.Sprintf(c.d.tryLockBlocks, strings.TrimSuffix(strings.Repeat("(CAST(? AS integer)), ", len(candidates)), ", "))
	args := make([]any, 0, len(candidates)+2)
	for _, b := range candidates {
		args = append(args, b)
	}
	args = append(args, listID, limit)

	held, err := queryInts(ctx, c, q, args...)
	if err != nil {
		return nil, storeError("hold blocks of status list "+listID, err)
	}
	return held, nil
}

// pickFreeInBlocks returns up to want distinct random indexes that are
// clear in reserved and lie in blocks, in ascending order.
func pickFreeInBlocks(reserved issuer.Bitstring, blocks []int, want int) []int {
	var free []int
	for _, block := range blocks {
		for i := block * statusBlockSize; i < (block+1)*statusBlockSize; i++ {
			if !reserved.Get(i) {
				free = append(free, i)
			}
		}
	}
	want = min(want, len(free))
	for k := range want {
		j := k + rand.IntN(len(free)-k)
		free[k], free[j] = free[j], free[k]
	}
	picks := free[:want]
	slices.Sort(picks)
	return picks
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

// createStatusList inserts a new revocation list with every entry free.
func createStatusList(ctx context.Context, c conn) (*issuer.StatusList, error) {
	t := now()
	l := &issuer.StatusList{
		ID:        newID(""),
		Purpose:   issuer.StatusPurposeRevocation,
		Size:      issuer.MinStatusListSize,
		CreatedAt: t,
		UpdatedAt: t,
	}

	const q = `
INSERT INTO status_lists (` + statusListColumns + `
) VALUES (?, ?, ?, ?, ?, ?)`
	_, err := c.exec(ctx, q, l.ID, l.Purpose, l.Size, l.Revision, c.d.timeArg(l.CreatedAt), c.d.timeArg(l.UpdatedAt))
	if err != nil {
		return nil, storeError(fmt.Sprintf("create status list %s", l.ID), err)
	}
	return l, nil
}

// reservedIndexes returns the reserved entries of list as a bitstring; a
// non-nil blocks limits the read to those blocks.
func reservedIndexes(ctx context.Context, c conn, list *issuer.StatusList, blocks []int) (issuer.Bitstring, error) {
	q := `
SELECT status_index
FROM status_entries
WHERE status_list_id = ?`
	args := []any{list.ID}
	if blocks != nil {
		q += `
	AND status_index / ` + strconv.Itoa(statusBlockSize) + ` IN (` + placeholders(len(blocks)) + `)`
		for _, b := range blocks {
			args = append(args, b)
		}
	}

	indexes, err := queryInts(ctx, c, q, args...)
	if err != nil {
		return nil, storeError(fmt.Sprintf("read reserved entries of status list %s", list.ID), err)
	}
	set, err := issuer.NewBitstring(list.Size)
	if err != nil {
		return nil, fmt.Errorf("status list %s: %w", list.ID, err)
	}
	for _, i := range indexes {
		if i >= 0 && i < list.Size {
			set.Set(i)
		}
	}
	return set, nil
}

// reserveIndexes inserts rows for the picks of a list and returns the
// indexes inserted. ON CONFLICT DO NOTHING leaves out an index reserved
// meanwhile rather than failing the transaction; the block protocol of
// allocateStatus should make that impossible.
func reserveIndexes(ctx context.Context, c conn, listID string, picks []int) ([]int, error) {
	var got []int
	for len(picks) > 0 {
		chunk := picks[:min(len(picks), reserveChunk)]
		picks = picks[len(chunk):]

		q := insertSQL("status_entries", []string{"status_list_id", "status_index"}, len(chunk)) + `
ON CONFLICT DO NOTHING
RETURNING status_index`
		args := make([]any, 0, 2*len(chunk))
		for _, i := range chunk {
			args = append(args, listID, i)
		}

		inserted, err := queryInts(ctx, c, q, args...)
		if err != nil {
			return nil, storeError(fmt.Sprintf("reserve %d entries of status list %s", len(chunk), listID), err)
		}
		got = append(got, inserted...)
	}
	slices.Sort(got)
	return got, nil
}
