package mail

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// smtpTimeout bounds each connection to the SMTP server, from dial to the
// end of the message.
const smtpTimeout = 30 * time.Second

// SMTP sends messages through an SMTP server, one connection per message,
// so that a failure affects one message and its job alone.
type SMTP struct {
	Config SMTPConfig

	// TLSConfig, when not nil, replaces the default TLS settings; tests
	// use it to trust their own certificate authority.
	TLSConfig *tls.Config
}

// Send delivers m to the SMTP server.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	msg, err := s.build(m)
	if err != nil {
		return err
	}
	client, err := gomail.NewClient(s.Config.Host, s.options()...)
	if err != nil {
		return fmt.Errorf("create SMTP client for %s: %w", s.Config.Addr(), err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("send %s message through %s: %w", m.Kind, s.Config.Addr(), err)
	}
	return nil
}

func (s *SMTP) options() []gomail.Option {
	opts := []gomail.Option{gomail.WithPort(s.Config.Port), gomail.WithTimeout(smtpTimeout)}
	switch s.Config.Security {
	case ImplicitTLS:
		opts = append(opts, gomail.WithSSL())
	case OpportunisticTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	}

	tlsConfig := s.TLSConfig
	if tlsConfig == nil {
		tlsConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	tlsConfig = tlsConfig.Clone()
	tlsConfig.ServerName = s.Config.Host
	opts = append(opts, gomail.WithTLSConfig(tlsConfig))

	if s.Config.Username != "" {
		// Auto-discovery picks the strongest mechanism the server offers.
		opts = append(opts,
			gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.Config.Username),
			gomail.WithPassword(s.Config.Password),
		)
	}
	return opts
}

func (s *SMTP) build(m *Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg()
	if err := msg.From(s.Config.From); err != nil {
		return nil, fmt.Errorf("set sender address %q: %w", s.Config.From, err)
	}
	if err := msg.To(m.To...); err != nil {
		return nil, fmt.Errorf("set recipients of %s message: %w", m.Kind, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	for _, a := range m.Attachments {
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
	}
	return msg, nil
}
