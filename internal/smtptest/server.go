// Package smtptest runs an SMTP server on loopback for tests. It speaks
// enough ESMTP for github.com/wneessen/go-mail: EHLO, STARTTLS with a
// certificate made for the test, AUTH PLAIN and LOGIN, MAIL, RCPT, DATA,
// RSET, NOOP and QUIT. It keeps every message it accepts, and a test can
// make it reject messages to see what a failing server does.
package smtptest

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"io"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Options configure a Server.
type Options struct {
	ImplicitTLS bool   // TLS from the first byte, as smtps:// expects, instead of STARTTLS
	Username    string // when set, AUTH is required with this user name and Password
	Password    string
}

// Server is an SMTP server on 127.0.0.1 with a random port.
type Server struct {
	opts     Options
	ln       net.Listener
	tls      *tls.Config
	clientCA *x509.CertPool

	reject atomic.Bool // reply to DATA with a temporary failure

	mu       sync.Mutex
	messages []*Envelope
	changed  chan struct{} // closed and replaced whenever a message arrives

	wg sync.WaitGroup
}

// Envelope is one accepted message.
type Envelope struct {
	From string
	To   []string
	Data []byte // the message as sent after DATA, dot-unstuffed
}

// Start starts a server and stops it when the test ends.
func Start(tb testing.TB, opts Options) *Server {
	tb.Helper()
	cert, pool, err := newCertificate()
	if err != nil {
		tb.Fatalf("smtptest: make certificate: %v", err)
	}
	s := &Server{
		opts:     opts,
		tls:      &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		clientCA: pool,
		changed:  make(chan struct{}),
	}

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatalf("smtptest: listen: %v", err)
	}
	if opts.ImplicitTLS {
		ln = tls.NewListener(ln, s.tls)
	}
	s.ln = ln

	s.wg.Add(1)
	go s.accept()
	tb.Cleanup(s.Close)
	return s
}

// Host returns the server's IP address.
func (s *Server) Host() string { return s.ln.Addr().(*net.TCPAddr).IP.String() }

// Port returns the server's port.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// ClientTLS returns a TLS configuration that trusts the server's certificate.
func (s *Server) ClientTLS() *tls.Config {
	return &tls.Config{RootCAs: s.clientCA, MinVersion: tls.VersionTLS12}
}

// Reject makes the server reply to every DATA command with 451, a temporary
// failure, while on is true.
func (s *Server) Reject(on bool) { s.reject.Store(on) }

// Messages returns the messages accepted so far.
func (s *Server) Messages() []*Envelope {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]*Envelope(nil), s.messages...)
}

// WaitMessages waits until n messages have arrived or timeout passes, and
// returns those that arrived.
func (s *Server) WaitMessages(n int, timeout time.Duration) []*Envelope {
	deadline := time.After(timeout)
	for {
		s.mu.Lock()
		got, changed := len(s.messages), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-changed:
		case <-deadline:
			return s.Messages()
		}
	}
}

// Close stops the server and waits for its connections to end.
func (s *Server) Close() {
	_ = s.ln.Close()
	s.wg.Wait()
}

func (s *Server) accept() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(time.Minute))
			sess := &session{srv: s, conn: c, tls: s.opts.ImplicitTLS}
			sess.serve()
		}()
	}
}

func (s *Server) add(e *Envelope) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.messages = append(s.messages, e)
	close(s.changed)
	s.changed = make(chan struct{})
}

// session is one client connection.
type session struct {
	srv    *Server
	conn   net.Conn
	text   *textproto.Conn
	tls    bool
	authed bool
	from   string
	to     []string
}

func (c *session) serve() {
	c.text = textproto.NewConn(c.conn)
	c.reply(220, "smtptest ready")
	for {
		line, err := c.text.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		if !c.handle(strings.ToUpper(verb), arg) {
			return
		}
	}
}

// handle runs one command and reports whether the session goes on.
func (c *session) handle(verb, arg string) bool {
	switch verb {
	case "EHLO":
		c.ehlo()
	case "HELO":
		c.reply(250, "smtptest")
	case "STARTTLS":
		return c.startTLS()
	case "AUTH":
		c.auth(arg)
	case "MAIL":
		c.mail(arg)
	case "RCPT":
		c.rcpt(arg)
	case "DATA":
		return c.data()
	case "RSET":
		c.from, c.to = "", nil
		c.reply(250, "reset")
	case "NOOP":
		c.reply(250, "ok")
	case "QUIT":
		c.reply(221, "bye")
		return false
	default:
		c.reply(502, "command not implemented")
	}
	return true
}

func (c *session) ehlo() {
	lines := []string{"smtptest", "8BITMIME", "SMTPUTF8", "SIZE 52428800"}
	if !c.tls {
		lines = append(lines, "STARTTLS")
	}
	if c.srv.opts.Username != "" {
		lines = append(lines, "AUTH PLAIN LOGIN")
	}
	for i, l := range lines {
		sep := "-"
		if i == len(lines)-1 {
			sep = " "
		}
		_ = c.text.PrintfLine("250%s%s", sep, l)
	}
}

func (c *session) startTLS() bool {
	if c.tls {
		c.reply(503, "TLS already active")
		return true
	}
	c.reply(220, "go ahead")
	tc := tls.Server(c.conn, c.srv.tls)
	if err := tc.Handshake(); err != nil {
		return false
	}
	c.conn, c.tls = tc, true
	c.text = textproto.NewConn(tc)
	c.from, c.to, c.authed = "", nil, false
	return true
}

func (c *session) auth(arg string) {
	mech, initial, _ := strings.Cut(arg, " ")
	var user, pass string
	switch strings.ToUpper(mech) {
	case "PLAIN":
		if initial == "" {
			initial = c.challenge("")
		}
		fields := strings.Split(decode(initial), "\x00")
		if len(fields) == 3 {
			user, pass = fields[1], fields[2]
		}
	case "LOGIN":
		user = decode(c.challenge("Username:"))
		pass = decode(c.challenge("Password:"))
	default:
		c.reply(504, "mechanism not supported")
		return
	}
	if user != c.srv.opts.Username || pass != c.srv.opts.Password {
		c.reply(535, "authentication failed")
		return
	}
	c.authed = true
	c.reply(235, "authenticated")
}

// challenge sends a 334 prompt and returns the client's answer.
func (c *session) challenge(prompt string) string {
	c.reply(334, base64.StdEncoding.EncodeToString([]byte(prompt)))
	line, _ := c.text.ReadLine()
	return line
}

func decode(s string) string {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil {
		return ""
	}
	return string(b)
}

func (c *session) mail(arg string) {
	if c.srv.opts.Username != "" && !c.authed {
		c.reply(530, "authentication required")
		return
	}
	c.from, c.to = address(arg, "FROM:"), nil
	c.reply(250, "sender ok")
}

func (c *session) rcpt(arg string) {
	if c.from == "" {
		c.reply(503, "MAIL first")
		return
	}
	c.to = append(c.to, address(arg, "TO:"))
	c.reply(250, "recipient ok")
}

// address reads <addr> after prefix, ignoring ESMTP parameters.
func address(arg, prefix string) string {
	if len(arg) >= len(prefix) && strings.EqualFold(arg[:len(prefix)], prefix) {
		arg = arg[len(prefix):]
	}
	arg = strings.TrimSpace(arg)
	if i := strings.IndexByte(arg, '>'); i >= 0 {
		arg = arg[:i+1]
	}
	return strings.Trim(arg, "<>")
}

func (c *session) data() bool {
	if len(c.to) == 0 {
		c.reply(503, "RCPT first")
		return true
	}
	c.reply(354, "end with <CRLF>.<CRLF>")
	data, err := io.ReadAll(c.text.DotReader())
	if err != nil {
		return false
	}

	if c.srv.reject.Load() {
		c.reply(451, "temporary failure, try again later")
	} else {
		c.srv.add(&Envelope{From: c.from, To: c.to, Data: data})
		c.reply(250, "queued")
	}
	c.from, c.to = "", nil
	return true
}

func (c *session) reply(code int, msg string) {
	_ = c.text.PrintfLine("%d %s", code, msg)
}
