package store

import (
	"context"
	"fmt"

	"github.com/laurel-badges/laurel/issuer"
)

// Audit appends e to the audit log and sets e.ID. A zero At is set to the
// current time. The table's triggers reject UPDATE and DELETE.
func (db *DB) Audit(ctx context.Context, e *issuer.AuditEntry) error {
	stamp(&e.At, now())

	const q = `
INSERT INTO audit_log (
	at,
	actor_id,
	action,
	subject,
	detail,
	remote
) VALUES (?, ?, ?, ?, ?, ?)
RETURNING id`

	err := db.conn().queryRow(ctx, q,
		db.dialect.timeArg(e.At),
		e.ActorID,
		e.Action,
		e.Subject,
		e.Detail,
		e.Remote,
	).Scan(&e.ID)
	if err != nil {
		return storeError(fmt.Sprintf("audit %s of %q", e.Action, e.Subject), err)
	}
	return nil
}

// AuditEntries returns the latest limit entries of the audit log, newest
// first in the order they were appended; limit 0 or less returns every
// entry.
func (db *DB) AuditEntries(ctx context.Context, limit int) ([]*issuer.AuditEntry, error) {
	const op = "list audit log"
	var limitArg any = limit
	if limit <= 0 {
		limitArg = db.dialect.noLimit
	}

	const q = `
SELECT
	id,
	at,
	actor_id,
	action,
	subject,
	detail,
	remote
FROM audit_log
ORDER BY id DESC
LIMIT ?`

	rows, err := db.conn().query(ctx, q, limitArg)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	out := []*issuer.AuditEntry{}
	for rows.Next() {
		e := &issuer.AuditEntry{}
		err := rows.Scan(
			&e.ID,
			timeDest(&e.At),
			&e.ActorID,
			&e.Action,
			&e.Subject,
			&e.Detail,
			&e.Remote,
		)
		if err != nil {
			return nil, storeError(op, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}
