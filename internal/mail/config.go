package mail

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"os"
	"strconv"
	"strings"
)

// Security is the encryption of a connection to the SMTP server.
type Security string

// Connection security, chosen by the scheme of LAUREL_SMTP_URL and its tls
// query parameter.
const (
	StartTLS            Security = "starttls"      // smtp://: STARTTLS is required (the default)
	ImplicitTLS         Security = "tls"           // smtps://: TLS from the first byte
	OpportunisticTLS    Security = "opportunistic" // smtp://…?tls=opportunistic: STARTTLS when offered
	NoTLS               Security = "none"          // smtp://…?tls=none: plain text, for a relay on the same host
	defaultSubmission            = 587
	defaultImplicitPort          = 465
)

// SMTPConfig is a parsed LAUREL_SMTP_URL.
type SMTPConfig struct {
	Host     string
	Port     int
	Username string
	Password string
	Security Security
	From     string // the From address, e.g. "Badges <badges@college.example.edu>"
}

const smtpURLHelp = "use smtp://user:password@host:587 for STARTTLS or smtps://user:password@host:465 for TLS"

// ParseSMTPURL parses an SMTP URL such as smtp://user:pass@host:587. A
// password read from passwordFile, when that is not empty, replaces the
// URL's. from is the From address and is required.
func ParseSMTPURL(raw, passwordFile, from string) (SMTPConfig, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return SMTPConfig{}, fmt.Errorf("SMTP URL is invalid: %s", smtpURLHelp)
	}
	redacted := Redact(raw)

	var c SMTPConfig
	switch strings.ToLower(u.Scheme) {
	case "smtp":
		c.Security, c.Port = StartTLS, defaultSubmission
	case "smtps":
		c.Security, c.Port = ImplicitTLS, defaultImplicitPort
	default:
		return SMTPConfig{}, fmt.Errorf("SMTP URL %s: scheme %q is not supported; %s", redacted, u.Scheme, smtpURLHelp)
	}

	c.Host = u.Hostname()
	if c.Host == "" {
		return SMTPConfig{}, fmt.Errorf("SMTP URL %s has no host; %s", redacted, smtpURLHelp)
	}
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return SMTPConfig{}, fmt.Errorf("SMTP URL %s: port %q is invalid; give a number from 1 to 65535", redacted, p)
		}
		c.Port = port
	}
	if u.Path != "" && u.Path != "/" {
		return SMTPConfig{}, fmt.Errorf("SMTP URL %s has a path; remove it: %s", redacted, smtpURLHelp)
	}

	if err := c.setTLS(u.Query(), redacted); err != nil {
		return SMTPConfig{}, err
	}
	if err := c.setCredentials(u, passwordFile, redacted); err != nil {
		return SMTPConfig{}, err
	}
	if err := c.setFrom(from); err != nil {
		return SMTPConfig{}, err
	}
	return c, nil
}

func (c *SMTPConfig) setTLS(q url.Values, redacted string) error {
	for key := range q {
		if key != "tls" {
			return fmt.Errorf("SMTP URL %s: query parameter %q is not supported; only tls=opportunistic or tls=none is", redacted, key)
		}
	}
	switch v := q.Get("tls"); v {
	case "":
	case string(OpportunisticTLS), string(NoTLS):
		if c.Security == ImplicitTLS {
			return fmt.Errorf("SMTP URL %s: tls=%s contradicts smtps://; use smtp:// with it", redacted, v)
		}
		c.Security = Security(v)
	default:
		return fmt.Errorf("SMTP URL %s: tls=%q is invalid; use tls=opportunistic or tls=none, or leave it out to require STARTTLS", redacted, v)
	}
	return nil
}

func (c *SMTPConfig) setCredentials(u *url.URL, passwordFile, redacted string) error {
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if passwordFile == "" {
		return nil
	}

	data, err := os.ReadFile(passwordFile)
	if err != nil {
		return fmt.Errorf("read SMTP password file: %w", err)
	}
	c.Password = strings.TrimRight(string(data), "\r\n")
	if c.Username == "" {
		return fmt.Errorf("SMTP URL %s has no user name for the password in %s; write it as smtp://user@host", redacted, passwordFile)
	}
	return nil
}

func (c *SMTPConfig) setFrom(from string) error {
	if strings.TrimSpace(from) == "" {
		return errors.New("LAUREL_MAIL_FROM is missing; set it to the sender address, e.g. \"Badges <badges@college.example.edu>\"")
	}
	addr, err := mail.ParseAddress(from)
	if err != nil {
		return fmt.Errorf("LAUREL_MAIL_FROM %q is not an email address: %w", from, err)
	}
	c.From = addr.String()
	return nil
}

// Addr returns host:port.
func (c SMTPConfig) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// Redact returns an SMTP URL with its password replaced by "redacted".
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(an SMTP URL that could not be parsed, not shown because it may contain a password)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "redacted")
	}
	return u.String()
}
