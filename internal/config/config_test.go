package config

import (
	"bytes"
	"flag"
	"strings"
	"testing"
)

func TestRegisterPrecedence(t *testing.T) {
	env := map[string]string{"LAUREL_ADDR": ":9000", "LAUREL_BASE_URL": "https://env.example.edu"}
	tests := []struct {
		name     string
		args     []string
		wantAddr string
		wantBase string
	}{
		{"env over default", nil, ":9000", "https://env.example.edu"},
		{"flag over env", []string{"--addr", ":7000"}, ":7000", "https://env.example.edu"},
		{"both flags", []string{"--addr=:1", "--base-url=https://f.example.edu"}, ":1", "https://f.example.edu"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			fs := flag.NewFlagSet("x", flag.ContinueOnError)
			Register(fs, &c, func(k string) string { return env[k] })
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			if c.Addr != tt.wantAddr || c.BaseURL != tt.wantBase {
				t.Errorf("got addr %q base %q, want %q %q", c.Addr, c.BaseURL, tt.wantAddr, tt.wantBase)
			}
			if c.DataDir != "./laurel-data" {
				t.Errorf("data dir default = %q", c.DataDir)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr string
	}{
		{"defaults", func(*Config) {}, ""},
		{"bad base", func(c *Config) { c.BaseURL = "localhost:8080" }, "--base-url"},
		{"bad alg", func(c *Config) { c.SigningAlg = "HS256" }, "--signing-alg"},
		{"bad log format", func(c *Config) { c.LogFormat = "xml" }, "--log-format"},
		{"bad log level", func(c *Config) { c.LogLevel = "verbose" }, "--log-level"},
		{"rate limit not a number", func(c *Config) { c.VerifyRateLimit = "thirty" }, "--verify-rate-limit"},
		{"negative rate limit", func(c *Config) { c.VerifyRateLimit = "-5" }, "--verify-rate-limit"},
		{"LinkedIn id", func(c *Config) { c.LinkedInOrganizationID = "1337" }, ""},
		{"trusted proxies", func(c *Config) { c.TrustedProxies = "10.0.0.0/8, 192.0.2.10" }, ""},
		{"trusted proxy not an address", func(c *Config) { c.TrustedProxies = "10.0.0.0/8,proxy.example.edu" }, `--trusted-proxies: "proxy.example.edu" is not an IP address`},
		{"LinkedIn name as id", func(c *Config) { c.LinkedInOrganizationID = "example-university" }, "--linkedin-organization-id"},

		{"smtp url without from", func(c *Config) { c.SMTPURL = "smtp://mail.example.edu" }, "LAUREL_MAIL_FROM is missing"},
		{"bad smtp scheme", func(c *Config) { c.SMTPURL, c.MailFrom = "imap://mail.example.edu", "a@example.edu" }, "--smtp-url"},
		{"bad advisor email", func(c *Config) { c.AdvisorEmail = "advisor" }, "--advisor-email"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			fs := flag.NewFlagSet("x", flag.ContinueOnError)
			Register(fs, &c, func(string) string { return "" })
			tt.mutate(&c)
			err := c.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if !strings.HasSuffix(c.DatabaseURL, "laurel.db") {
					t.Errorf("database URL default = %q", c.DatabaseURL)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("got %v, want error mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestVerifyRateLimit(t *testing.T) {
	tests := []struct {
		value string
		want  int
	}{
		{"30", 30},
		{"120", 120},
		{"0", -1}, // no limit
		{"", 30},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			var c Config
			Register(flag.NewFlagSet("x", flag.ContinueOnError), &c, func(string) string { return "" })
			c.VerifyRateLimit = tt.value
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			if c.VerifyPerMinute != tt.want {
				t.Errorf("VerifyPerMinute = %d, want %d", c.VerifyPerMinute, tt.want)
			}
		})
	}
}

func TestWriteRedactsPassword(t *testing.T) {
	c := Config{DatabaseURL: "postgres://laurel:s3cret@db.example:5432/laurel?password=other"}
	var b bytes.Buffer
	if err := c.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "s3cret") || strings.Contains(out, "other") {
		t.Errorf("secret leaked:\n%s", out)
	}
	if !strings.Contains(out, "LAUREL_DATABASE_URL=postgres://laurel:redacted@db.example:5432/laurel") {
		t.Errorf("redacted URL missing:\n%s", out)
	}
}

func TestHelpRedactsPasswordFromEnvironment(t *testing.T) {
	env := map[string]string{"LAUREL_DATABASE_URL": "postgres://laurel:s3cret@127.0.0.1:5432/laurel"}
	var c Config
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	var help bytes.Buffer
	fs.SetOutput(&help)
	Register(fs, &c, func(k string) string { return env[k] })
	if err := fs.Parse(nil); err != nil {
		t.Fatal(err)
	}

	if c.DatabaseURL != env["LAUREL_DATABASE_URL"] {
		t.Errorf("DatabaseURL = %q, want the URL from the environment", c.DatabaseURL)
	}
	fs.PrintDefaults()
	if strings.Contains(help.String(), "s3cret") {
		t.Errorf("the help shows the password:\n%s", help.String())
	}
	if !strings.Contains(help.String(), "postgres://laurel:redacted@127.0.0.1:5432/laurel") {
		t.Errorf("the help does not show the redacted URL:\n%s", help.String())
	}
}

func TestWriteRedactsSMTPPassword(t *testing.T) {
	c := Config{SMTPURL: "smtps://badges:mail-s3cret@smtp.example.edu:465", MailFrom: "badges@example.edu"}
	var b bytes.Buffer
	if err := c.Write(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "mail-s3cret") {
		t.Errorf("SMTP password leaked:\n%s", out)
	}
	if !strings.Contains(out, "LAUREL_SMTP_URL=smtps://badges:redacted@smtp.example.edu:465") {
		t.Errorf("redacted SMTP URL missing:\n%s", out)
	}
}

func TestParseTrustedProxies(t *testing.T) {
	tests := []struct {
		list    string
		want    []string
		wantErr string
	}{
		{"", nil, ""},
		{" , ", nil, ""},
		{"10.0.0.0/8", []string{"10.0.0.0/8"}, ""},
		{"10.1.2.3/8", []string{"10.0.0.0/8"}, ""},
		{"192.0.2.10, 2001:db8::/32", []string{"192.0.2.10/32", "2001:db8::/32"}, ""},
		{"::ffff:192.0.2.10", []string{"192.0.2.10/32"}, ""},
		{"2001:db8::1", []string{"2001:db8::1/128"}, ""},
		{"10.0.0.0/33", nil, `"10.0.0.0/33" is not a CIDR range`},
		{"192.0.2.300", nil, `"192.0.2.300" is not an IP address`},
		{"fe80::1%eth0", nil, `"fe80::1%eth0" is not an IP address`},
		{"proxy.example.edu", nil, `"proxy.example.edu" is not an IP address`},
	}
	for _, tt := range tests {
		t.Run(tt.list, func(t *testing.T) {
			got, err := ParseTrustedProxies(tt.list)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("error = %v", err)
			}
			var gotText []string
			for _, p := range got {
				gotText = append(gotText, p.String())
			}
			if strings.Join(gotText, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %v, want %v", gotText, tt.want)
			}
		})
	}
}

func TestWriteShowsDerivedValues(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    []string
		notWant []string
	}{
		{
			name: "defaults from the data folder",
			env:  map[string]string{"LAUREL_DATA_DIR": "/srv/laurel"},
			want: []string{
				"# derived from LAUREL_DATA_DIR:\nLAUREL_DATABASE_URL=/srv/laurel/laurel.db\n",
				"# derived from LAUREL_DATA_DIR:\nLAUREL_MASTER_KEY_FILE=/srv/laurel/master.key\n",
			},
			notWant: []string{"LAUREL_MASTER_KEY_FILE=\n"},
		},
		{
			name: "given values",
			env: map[string]string{
				"LAUREL_DATA_DIR":        "/srv/laurel",
				"LAUREL_DATABASE_URL":    "postgres://laurel:s3cret@127.0.0.1:5432/laurel",
				"LAUREL_MASTER_KEY_FILE": "/etc/laurel/master.key",
			},
			want: []string{
				"\nLAUREL_DATABASE_URL=postgres://laurel:redacted@127.0.0.1:5432/laurel\n",
				"\nLAUREL_MASTER_KEY_FILE=/etc/laurel/master.key\n",
			},
			notWant: []string{"# derived", "s3cret"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c Config
			fs := flag.NewFlagSet("x", flag.ContinueOnError)
			Register(fs, &c, func(k string) string { return tt.env[k] })
			if err := c.Validate(); err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := c.Write(&b); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, want := range tt.want {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
			for _, bad := range tt.notWant {
				if strings.Contains(out, bad) {
					t.Errorf("output contains %q:\n%s", bad, out)
				}
			}
		})
	}
}
