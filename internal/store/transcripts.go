package store

import (
	"context"
	"fmt"

	"github.com/laurel-badges/laurel/issuer"
)

// CreateTranscriptRequest inserts r. An empty ID is set to a new UUID and a
// zero RequestedAt to the current time. An unknown student is an ErrNotFound.
func (db *DB) CreateTranscriptRequest(ctx context.Context, r *issuer.TranscriptRequest) error {
	r.ID = newID(r.ID)
	stamp(&r.RequestedAt, now())

	const q = `
INSERT INTO transcript_requests (
	id,
	student_id,
	note,
	requested_at
) VALUES (?, ?, ?, ?)`
	_, err := db.conn().exec(ctx, q, r.ID, r.StudentID, r.Note, db.dialect.timeArg(r.RequestedAt))
	if err != nil {
		return storeError(fmt.Sprintf("create transcript request of student %s", r.StudentID), err)
	}
	return nil
}

// TranscriptRequests lists transcript requests, newest first; studentID
// filters when not empty.
func (db *DB) TranscriptRequests(ctx context.Context, studentID string) ([]*issuer.TranscriptRequest, error) {
	const op = "list transcript requests"
	q := `
SELECT
	r.id,
	r.student_id,
	r.note,
	r.requested_at
FROM transcript_requests r`
	var args []any
	if studentID != "" {
		q += `
WHERE r.student_id = ?`
		args = append(args, studentID)
	}
	q += `
ORDER BY r.requested_at DESC, r.id`

	rows, err := db.conn().query(ctx, q, args...)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	out := []*issuer.TranscriptRequest{}
	for rows.Next() {
		r := &issuer.TranscriptRequest{}
		if err := rows.Scan(&r.ID, &r.StudentID, &r.Note, timeDest(&r.RequestedAt)); err != nil {
			return nil, storeError(op, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}
