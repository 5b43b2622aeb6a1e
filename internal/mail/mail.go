// Package mail sends email: over SMTP with github.com/wneessen/go-mail when
// an SMTP server is configured, and otherwise into the store's outbox,
// which the learning advisor reads in the web app.
package mail

import (
	"context"
	"fmt"

	"github.com/laurel-badges/laurel/issuer"
)

// Message is one email with a plain-text and an HTML part.
type Message struct {
	Kind        string   // what the message is, e.g. "award_notice"; kept in the outbox, not sent
	To          []string // recipients' addresses
	Subject     string
	Text        string
	HTML        string
	Attachments []Attachment
}

// Attachment is a file attached to a message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Sender sends messages. Implementations must be safe for concurrent use.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// OutboxStore keeps messages that are not sent.
type OutboxStore interface {
	AddOutboxMessage(ctx context.Context, m *issuer.OutboxMessage) error
}

// Outbox is the Sender used when no SMTP server is configured: it keeps
// each message in the store, without its attachments' contents, because
// an attached attendance file is kept with its upload already.
type Outbox struct {
	Store OutboxStore
}

// Send stores m in the outbox.
func (o *Outbox) Send(ctx context.Context, m *Message) error {
	names := make([]string, len(m.Attachments))
	for i, a := range m.Attachments {
		names[i] = a.Name
	}
	err := o.Store.AddOutboxMessage(ctx, &issuer.OutboxMessage{
		Kind:        m.Kind,
		To:          m.To,
		Subject:     m.Subject,
		Text:        m.Text,
		HTML:        m.HTML,
		Attachments: names,
	})
	if err != nil {
		return fmt.Errorf("keep %s message in the outbox: %w", m.Kind, err)
	}
	return nil
}
