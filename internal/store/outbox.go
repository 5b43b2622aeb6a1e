package store

import (
	"context"
	"strings"

	"github.com/laurel-badges/laurel/issuer"
)

// AddOutboxMessage stores m. An empty m.ID is set to a new UUID and a zero
// CreatedAt to the current time.
func (db *DB) AddOutboxMessage(ctx context.Context, m *issuer.OutboxMessage) error {
	m.ID = newID(m.ID)
	stamp(&m.CreatedAt, now())

	const q = `
INSERT INTO outbox_messages (
	id,
	kind,
	recipients,
	subject,
	text_body,
	html_body,
	attachments,
	created_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

	c := db.conn()
	_, err := c.exec(ctx, q,
		m.ID,
		m.Kind,
		strings.Join(m.To, "\n"),
		m.Subject,
		m.Text,
		m.HTML,
		strings.Join(m.Attachments, "\n"),
		c.d.timeArg(m.CreatedAt),
	)
	if err != nil {
		return storeError("add outbox message", err)
	}
	return nil
}

// OutboxMessages lists the outbox, newest first; limit 0 means 100.
func (db *DB) OutboxMessages(ctx context.Context, limit int) ([]*issuer.OutboxMessage, error) {
	if limit <= 0 {
		limit = 100
	}

	const q = `
SELECT
	id,
	kind,
	recipients,
	subject,
	text_body,
	html_body,
	attachments,
	created_at
FROM outbox_messages
ORDER BY created_at DESC, id
LIMIT ?`

	rows, err := db.conn().query(ctx, q, limit)
	if err != nil {
		return nil, storeError("list outbox", err)
	}
	defer rows.Close()

	var out []*issuer.OutboxMessage
	for rows.Next() {
		var m issuer.OutboxMessage
		var to, attachments string
		if err := rows.Scan(&m.ID, &m.Kind, &to, &m.Subject, &m.Text, &m.HTML, &attachments, timeDest(&m.CreatedAt)); err != nil {
			return nil, storeError("read outbox", err)
		}
		m.To = splitLines(to)
		m.Attachments = splitLines(attachments)
		out = append(out, &m)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError("read outbox", err)
	}
	return out, nil
}

// splitLines splits a newline-separated column, returning nil for "".
func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
