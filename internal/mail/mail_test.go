package mail_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/internal/mail"
	"github.com/laurel-badges/laurel/internal/smtptest"
)

func testMessage() *mail.Message {
	return &mail.Message{
		Kind:    "upload_copy",
		To:      []string{"advisor@college.example.edu", "copy@college.example.edu"},
		Subject: "Attendance für Workshop",
		Text:    "Plain text body.\nSecond line.",
		HTML:    "<p>HTML <strong>body</strong>.</p>",
		Attachments: []mail.Attachment{
			{Name: "attendance.csv", ContentType: "text/csv", Data: []byte("student_id,name\nS1,Ann\n")},
		},
	}
}

func TestSMTPSend(t *testing.T) {
	tests := []struct {
		name   string
		opts   smtptest.Options
		scheme string
		query  string
	}{
		{"starttls with auth", smtptest.Options{Username: "laurel", Password: "s3cret"}, "smtp", ""},
		{"implicit tls with auth", smtptest.Options{ImplicitTLS: true, Username: "laurel", Password: "s3cret"}, "smtps", ""},
		{"plain relay", smtptest.Options{}, "smtp", "?tls=none"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := smtptest.Start(t, tt.opts)
			userinfo := ""
			if tt.opts.Username != "" {
				userinfo = tt.opts.Username + ":" + tt.opts.Password + "@"
			}
			raw := tt.scheme + "://" + userinfo + srv.Host() + ":" + itoa(srv.Port()) + tt.query
			cfg, err := mail.ParseSMTPURL(raw, "", "Badges <badges@college.example.edu>")
			if err != nil {
				t.Fatalf("ParseSMTPURL: %v", err)
			}
			sender := &mail.SMTP{Config: cfg, TLSConfig: srv.ClientTLS()}

			if err := sender.Send(t.Context(), testMessage()); err != nil {
				t.Fatalf("Send: %v", err)
			}

			got := srv.Messages()
			if len(got) != 1 {
				t.Fatalf("server received %d messages, want 1", len(got))
			}
			if got[0].From != "badges@college.example.edu" {
				t.Errorf("envelope from = %q", got[0].From)
			}
			if strings.Join(got[0].To, ",") != "advisor@college.example.edu,copy@college.example.edu" {
				t.Errorf("envelope recipients = %v", got[0].To)
			}
			p, err := got[0].Parse()
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if p.Subject != "Attendance für Workshop" {
				t.Errorf("subject = %q", p.Subject)
			}
			if !strings.Contains(p.Text, "Second line.") {
				t.Errorf("text part = %q", p.Text)
			}
			if !strings.Contains(p.HTML, "<strong>body</strong>") {
				t.Errorf("HTML part = %q", p.HTML)
			}
			if len(p.Attachments) != 1 {
				t.Fatalf("got %d attachments, want 1", len(p.Attachments))
			}
			if a := p.Attachments[0]; a.Name != "attendance.csv" || string(a.Data) != "student_id,name\nS1,Ann\n" {
				t.Errorf("attachment = %q %q", a.Name, a.Data)
			}
		})
	}
}

func TestSMTPSendFailures(t *testing.T) {
	t.Run("rejected message", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{})
		srv.Reject(true)
		cfg, err := mail.ParseSMTPURL("smtp://"+srv.Host()+":"+itoa(srv.Port()), "", "badges@college.example.edu")
		if err != nil {
			t.Fatal(err)
		}
		err = (&mail.SMTP{Config: cfg, TLSConfig: srv.ClientTLS()}).Send(t.Context(), testMessage())
		if err == nil {
			t.Fatal("Send succeeded on a server that rejects every message")
		}
		if len(srv.Messages()) != 0 {
			t.Errorf("server kept %d messages", len(srv.Messages()))
		}
	})

	t.Run("wrong password", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{Username: "laurel", Password: "right"})
		cfg, err := mail.ParseSMTPURL("smtp://laurel:wrong@"+srv.Host()+":"+itoa(srv.Port()), "", "badges@college.example.edu")
		if err != nil {
			t.Fatal(err)
		}
		err = (&mail.SMTP{Config: cfg, TLSConfig: srv.ClientTLS()}).Send(t.Context(), testMessage())
		if err == nil {
			t.Fatal("Send succeeded with a wrong password")
		}
		if strings.Contains(err.Error(), "wrong") {
			t.Errorf("error %q shows the password", err)
		}
	})

	t.Run("untrusted certificate", func(t *testing.T) {
		srv := smtptest.Start(t, smtptest.Options{})
		cfg, err := mail.ParseSMTPURL("smtp://"+srv.Host()+":"+itoa(srv.Port()), "", "badges@college.example.edu")
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		if err := (&mail.SMTP{Config: cfg}).Send(ctx, testMessage()); err == nil {
			t.Fatal("Send succeeded to a server whose certificate no one trusts")
		}
	})
}

func TestParseSMTPURL(t *testing.T) {
	passwordFile := filepath.Join(t.TempDir(), "smtp-password")
	if err := os.WriteFile(passwordFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name         string
		raw          string
		passwordFile string
		want         mail.SMTPConfig
	}{
		{"starttls default port", "smtp://u:p@mail.example.edu", "", mail.SMTPConfig{Host: "mail.example.edu", Port: 587, Username: "u", Password: "p", Security: mail.StartTLS}},
		{"implicit tls default port", "smtps://u:p@mail.example.edu", "", mail.SMTPConfig{Host: "mail.example.edu", Port: 465, Username: "u", Password: "p", Security: mail.ImplicitTLS}},
		{"explicit port", "smtp://mail.example.edu:2525", "", mail.SMTPConfig{Host: "mail.example.edu", Port: 2525, Security: mail.StartTLS}},
		{"opportunistic", "smtp://mail.example.edu?tls=opportunistic", "", mail.SMTPConfig{Host: "mail.example.edu", Port: 587, Security: mail.OpportunisticTLS}},
		{"no tls", "smtp://127.0.0.1:25?tls=none", "", mail.SMTPConfig{Host: "127.0.0.1", Port: 25, Security: mail.NoTLS}},
		{"password from file", "smtp://u@mail.example.edu", passwordFile, mail.SMTPConfig{Host: "mail.example.edu", Port: 587, Username: "u", Password: "from-file", Security: mail.StartTLS}},
		{"escaped password", "smtp://u:p%40ss@mail.example.edu", "", mail.SMTPConfig{Host: "mail.example.edu", Port: 587, Username: "u", Password: "p@ss", Security: mail.StartTLS}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := mail.ParseSMTPURL(tt.raw, tt.passwordFile, "badges@college.example.edu")
			if err != nil {
				t.Fatalf("ParseSMTPURL(%q): %v", tt.raw, err)
			}
			tt.want.From = "<badges@college.example.edu>"
			if got != tt.want {
				t.Errorf("ParseSMTPURL(%q) =\n %+v, want\n %+v", tt.raw, got, tt.want)
			}
		})
	}
}

func TestParseSMTPURLRejects(t *testing.T) {
	tests := []struct {
		name     string
		raw      string
		from     string
		wantText string
	}{
		{"scheme", "http://mail.example.edu", "a@b.edu", `scheme "http"`},
		{"no host", "smtp://", "a@b.edu", "has no host"},
		{"port", "smtp://mail.example.edu:99999", "a@b.edu", `port "99999"`},
		{"path", "smtp://mail.example.edu/x", "a@b.edu", "has a path"},
		{"tls value", "smtp://mail.example.edu?tls=maybe", "a@b.edu", `tls="maybe"`},
		{"tls with smtps", "smtps://mail.example.edu?tls=none", "a@b.edu", "contradicts"},
		{"unknown parameter", "smtp://mail.example.edu?auth=plain", "a@b.edu", `"auth"`},
		{"missing from", "smtp://mail.example.edu", "", "LAUREL_MAIL_FROM is missing"},
		{"bad from", "smtp://mail.example.edu", "not an address", "not an email address"},
		{"password not shown", "ftp://u:hunter2@mail.example.edu", "a@b.edu", "redacted"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := mail.ParseSMTPURL(tt.raw, "", tt.from)
			if err == nil {
				t.Fatalf("ParseSMTPURL(%q) succeeded, want an error", tt.raw)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("error %q does not contain %q", err, tt.wantText)
			}
			if strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error %q shows the password", err)
			}
		})
	}
}

func FuzzParseSMTPURL(f *testing.F) {
	f.Add("smtp://u:p@mail.example.edu:587")
	f.Add("smtps://mail.example.edu?tls=none")
	f.Add("smtp://[::1]:25?tls=opportunistic")
	f.Fuzz(func(t *testing.T, raw string) {
		cfg, err := mail.ParseSMTPURL(raw, "", "badges@college.example.edu")
		if err != nil {
			if cfg != (mail.SMTPConfig{}) {
				t.Errorf("ParseSMTPURL(%q) returned %+v with error %v", raw, cfg, err)
			}
			return
		}
		if cfg.Host == "" || cfg.Port < 1 || cfg.Port > 65535 {
			t.Errorf("ParseSMTPURL(%q) = %+v: want a host and a valid port", raw, cfg)
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
