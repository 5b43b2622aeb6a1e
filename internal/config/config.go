// Package config holds Laurel's settings, read once from flags and LAUREL_*
// environment variables (flags win), and checked before anything opens.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	netmail "net/mail"
	"net/netip"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/internal/fonts"

	"github.com/laurel-badges/laurel/internal/mail"
	"github.com/laurel-badges/laurel/keys"
)

// Config is the effective configuration of one laurel command.
type Config struct {
	Addr          string // listen address of laurel serve
	DataDir       string // folder for the SQLite file, the master key and other local state
	DatabaseURL   string // postgres://… or an SQLite path; empty means <DataDir>/laurel.db
	BaseURL       string // public URL that credential ids, the issuer DID and links are built from
	MasterKeyFile string // file holding the key that encrypts signing keys at rest
	SigningAlg    string // algorithm of a newly generated signing key: RS256, ES256 or EdDSA
	LogFormat     string // text or json
	LogLevel      string // debug, info, warn or error

	// PromotionRemarkFile holds the Go text/template of an activity's
	// promotion remark; empty means the built-in English wording.
	PromotionRemarkFile string

	// VerifyRateLimit is the maximum verifications per minute for one
	// client address at the hosted verifier, as written. "0" turns the
	// limit off and "" means 30. VerifyPerMinute is the parsed value, or -1
	// for no limit.
	VerifyRateLimit string
	VerifyPerMinute int

	// TrustedProxies lists, as written, the reverse proxies whose
	// X-Forwarded-For header names the client, as IP addresses and CIDR
	// ranges separated by commas. TrustedProxyPrefixes is the parsed list.
	// Empty means no proxy is trusted.
	TrustedProxies       string
	TrustedProxyPrefixes []netip.Prefix

	// FontDir is the folder of the TrueType fonts that certificates and
	// PNG badge images are drawn with.
	FontDir string

	// LinkedInOrganizationID is the institution's numeric LinkedIn company
	// id for "Add to profile" links; empty means the name is sent instead.
	LinkedInOrganizationID string

	SMTPURL          string // smtp://user:pass@host:port (STARTTLS) or smtps://…; empty keeps messages in the outbox
	SMTPPasswordFile string // file holding the SMTP password, which replaces the URL's
	MailFrom         string // From address of every message
	AdvisorEmail     string // learning advisor's address for upload copies; empty means the issuer profile's email

	// databaseURLDerived records that Validate filled DatabaseURL from
	// DataDir, so that Write marks the value as derived.
	databaseURLDerived bool
}

// setting describes one option once, so that the flag, the environment
// variable and the help text cannot drift apart.
type setting struct {
	name  string // flag name; the variable is LAUREL_ + upper-case name with _ for -
	usage string
	def   string
	field func(*Config) *string
	hide  bool // secret: redacted when printed
}

// derivedSettings gives, for each setting whose default comes from another
// setting, that setting's flag name and the effective value when the
// setting itself is empty.
var derivedSettings = map[string]struct {
	from  string
	value func(*Config) string
}{
	"database-url":    {"data-dir", func(c *Config) string { return filepath.Join(c.DataDir, DatabaseFileName) }},
	"master-key-file": {"data-dir", (*Config).MasterKeyPath},
}

// DatabaseFileName is the SQLite file in the data folder used when no
// database URL is given.
const DatabaseFileName = "laurel.db"

// defaultVerifyRateLimit matches the hosted verifier's built-in limit.
const defaultVerifyRateLimit = "30"

var settings = []setting{
	{"addr", "listen address of the HTTP server", ":8080", func(c *Config) *string { return &c.Addr }, false},
	{"data-dir", "folder for the SQLite database, the master key and other local files", "./laurel-data", func(c *Config) *string { return &c.DataDir }, false},
	{"database-url", "postgres://user:pass@host:5432/db selects PostgreSQL; empty means an SQLite file in the data folder", "", func(c *Config) *string { return &c.DatabaseURL }, true},
	{"base-url", "public URL of this server; credential ids, the issuer did:web and links are built from it", "http://localhost:8080", func(c *Config) *string { return &c.BaseURL }, false},
	{"master-key-file", "file with the 32-byte key that encrypts signing keys; empty means <data-dir>/master.key, generated when missing", "", func(c *Config) *string { return &c.MasterKeyFile }, false},
	{"signing-alg", "algorithm of the signing key generated on first use: RS256, ES256 or EdDSA", "RS256", func(c *Config) *string { return &c.SigningAlg }, false},
	{"log-format", "log format: text or json", "text", func(c *Config) *string { return &c.LogFormat }, false},
	{"log-level", "log level: debug, info, warn or error", "info", func(c *Config) *string { return &c.LogLevel }, false},
	{"verify-rate-limit", "verifications per minute that one client address may request from /verify and /api/v1/verify; 0 turns the limit off, for load tests only", defaultVerifyRateLimit, func(c *Config) *string { return &c.VerifyRateLimit }, false},
	{"trusted-proxies", "reverse proxies whose X-Forwarded-For header names the client, as IP addresses or CIDR ranges separated by commas, such as 10.0.0.0/8,192.0.2.10; empty trusts none, and the direct peer is the client", "", func(c *Config) *string { return &c.TrustedProxies }, false},
	{"promotion-remark-file", "file with the Go text/template of the promotion remark shown to organisers; empty means the built-in wording", "", func(c *Config) *string { return &c.PromotionRemarkFile }, false},
	{"font-dir", "folder of the TrueType fonts for PDF certificates and PNG badges, as the Debian packages fonts-dejavu-core, fonts-noto-core, fonts-droid-fallback and fonts-nanum install them", fonts.DefaultDir, func(c *Config) *string { return &c.FontDir }, false},
	{"linkedin-organization-id", "numeric LinkedIn company id of the institution for \"Add to profile\" links; empty means the institution's name is sent", "", func(c *Config) *string { return &c.LinkedInOrganizationID }, false},

	{"smtp-url", "SMTP server: smtp://user:password@host:587 (STARTTLS) or smtps://user:password@host:465 (TLS); empty keeps messages in the outbox that admins read", "", func(c *Config) *string { return &c.SMTPURL }, true},
	{"smtp-password-file", "file with the SMTP password, used instead of a password in --smtp-url", "", func(c *Config) *string { return &c.SMTPPasswordFile }, false},
	{"mail-from", "From address of messages, e.g. \"Badges <badges@college.example.edu>\"; required with --smtp-url", "", func(c *Config) *string { return &c.MailFrom }, false},
	{"advisor-email", "learning advisor's address, which gets a copy of every attendance upload; empty means the issuer profile's email", "", func(c *Config) *string { return &c.AdvisorEmail }, false},
}

// EnvName returns the environment variable of a flag name.
func EnvName(flagName string) string {
	return "LAUREL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// IsSetting reports whether a flag name belongs to a setting that Register
// adds, rather than to one command.
func IsSetting(flagName string) bool {
	for _, s := range settings {
		if s.name == flagName {
			return true
		}
	}
	return false
}

// Register adds every setting as a flag of fs, with defaults taken from the
// environment through getenv.
func Register(fs *flag.FlagSet, c *Config, getenv func(string) string) {
	for _, s := range settings {
		def := s.def
		if v := getenv(EnvName(s.name)); v != "" {
			def = v
		}
		fs.StringVar(s.field(c), s.name, def, fmt.Sprintf("%s (env %s)", s.usage, EnvName(s.name)))
		if s.hide {
			// --help prints DefValue, which holds the value from the environment.
			fs.Lookup(s.name).DefValue = RedactURL(def)
		}
	}
}

// Validate checks the configuration and fills derived defaults.
func (c *Config) Validate() error {
	var errs []error
	if c.DataDir == "" {
		errs = append(errs, errors.New("--data-dir is empty; give a folder such as ./laurel-data"))
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = filepath.Join(c.DataDir, DatabaseFileName)
		c.databaseURLDerived = true
	}
	if u, err := url.Parse(c.BaseURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("--base-url %q: want an absolute URL such as https://badges.example.edu", c.BaseURL))
	}
	switch c.SigningAlg {
	case "RS256", "ES256", "EdDSA":
	default:
		errs = append(errs, fmt.Errorf("--signing-alg %q: use RS256, ES256 or EdDSA", c.SigningAlg))
	}
	if c.SMTPURL != "" {
		if _, err := mail.ParseSMTPURL(c.SMTPURL, c.SMTPPasswordFile, c.MailFrom); err != nil {
			errs = append(errs, fmt.Errorf("--smtp-url: %w", err))
		}
	}
	if c.AdvisorEmail != "" {
		if _, err := netmail.ParseAddress(c.AdvisorEmail); err != nil {
			errs = append(errs, fmt.Errorf("--advisor-email %q is not an email address; give one such as advisor@college.example.edu", c.AdvisorEmail))
		}
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		errs = append(errs, fmt.Errorf("--log-format %q: use text or json", c.LogFormat))
	}
	if c.VerifyRateLimit == "" {
		c.VerifyRateLimit = defaultVerifyRateLimit
	}
	perMinute, err := strconv.Atoi(c.VerifyRateLimit)
	switch {
	case err != nil || perMinute < 0:
		errs = append(errs, fmt.Errorf("--verify-rate-limit %q: want a whole number of verifications per minute, such as 30, or 0 for no limit", c.VerifyRateLimit))
	case perMinute == 0:
		c.VerifyPerMinute = -1
	default:
		c.VerifyPerMinute = perMinute
	}
	if c.TrustedProxyPrefixes, err = ParseTrustedProxies(c.TrustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("--trusted-proxies: %w", err))
	}
	if c.LinkedInOrganizationID != "" && strings.Trim(c.LinkedInOrganizationID, "0123456789") != "" {
		errs = append(errs, fmt.Errorf("--linkedin-organization-id %q: use the number from the company page's admin URL, such as 1337", c.LinkedInOrganizationID))
	}
	switch strings.ToLower(c.LogLevel) {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("--log-level %q: use debug, info, warn or error", c.LogLevel))
	}
	return errors.Join(errs...)
}

// ParseTrustedProxies reads a comma-separated list of IP addresses and
// CIDR ranges. An address stands for itself alone, and a range is masked
// to its network, so 10.1.2.3/8 means 10.0.0.0/8. Empty entries are
// skipped.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for entry := range strings.SplitSeq(list, ",") {
		entry = strings.TrimSpace(entry)
		if entry == "" {
			continue
		}
		if strings.Contains(entry, "/") {
			p, err := netip.ParsePrefix(entry)
			if err != nil {
				return nil, fmt.Errorf("%q is not a CIDR range; write one such as 10.0.0.0/8 or fd00::/8", entry)
			}
			out = append(out, p.Masked())
			continue
		}
		addr, err := netip.ParseAddr(entry)
		if err != nil || addr.Zone() != "" {
			return nil, fmt.Errorf("%q is not an IP address; write one such as 192.0.2.10 or 2001:db8::10", entry)
		}
		addr = addr.Unmap()
		out = append(out, netip.PrefixFrom(addr, addr.BitLen()))
	}
	return out, nil
}

// MasterKeyPath returns the master key file in use: MasterKeyFile, or the
// file master.key in the data folder when MasterKeyFile is empty.
func (c *Config) MasterKeyPath() string {
	if c.MasterKeyFile != "" {
		return c.MasterKeyFile
	}
	return filepath.Join(c.DataDir, keys.MasterKeyFileName)
}

// Write prints the effective configuration, one LAUREL_ variable a line,
// with passwords in URLs redacted. A setting left empty whose default comes
// from another setting is printed with its effective value, after a
// comment line that names the setting it derives from. Comments on lines
// of their own keep the output usable as a shell or systemd environment
// file.
func (c *Config) Write(w io.Writer) error {
	for _, s := range settings {
		v := *s.field(c)
		d, derivable := derivedSettings[s.name]
		if derivable && (v == "" || s.name == "database-url" && c.databaseURLDerived) {
			v = d.value(c)
			if _, err := fmt.Fprintf(w, "# derived from %s:\n", EnvName(d.from)); err != nil {
				return err
			}
		}
		if s.hide {
			v = RedactURL(v)
		}
		if _, err := fmt.Fprintf(w, "%s=%s\n", EnvName(s.name), v); err != nil {
			return err
		}
	}
	return nil
}

// RedactURL replaces the password of a URL with "redacted"; other strings
// are returned unchanged.
func RedactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.User == nil {
		return s
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "redacted")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "redacted")
		u.RawQuery = q.Encode()
	}
	return u.String()
}
