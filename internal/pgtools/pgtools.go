// Package pgtools runs the PostgreSQL client programs pg_dump and
// pg_restore against a Laurel database URL. The password goes to them in
// the PGPASSWORD environment variable, never on their command line.
package pgtools

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Tools finds and runs pg_dump and pg_restore.
type Tools struct {
	// Dir is the folder of the programs, such as /usr/lib/postgresql/16/bin;
	// empty searches PATH.
	Dir string
}

// ErrNotFound is returned when a program is not installed.
var ErrNotFound = errors.New("PostgreSQL client program not found")

// ErrVersionMismatch is returned when a program's major version differs
// from the server's.
var ErrVersionMismatch = errors.New("PostgreSQL client and server major versions differ")

// path returns the file of the program name.
func (t Tools) path(name string) (string, error) {
	if t.Dir == "" {
		p, err := exec.LookPath(name)
		if err != nil {
			return "", fmt.Errorf("%w: %s is not in PATH; install the PostgreSQL client programs of the server's major version (on Debian, postgresql-client-NN), or give their folder with --pg-bin", ErrNotFound, name)
		}
		return p, nil
	}

	p := filepath.Join(t.Dir, name)
	info, err := os.Stat(p)
	if err != nil || info.IsDir() || info.Mode()&0o111 == 0 {
		return "", fmt.Errorf("%w: no executable %s in %s; give the folder that contains pg_dump and pg_restore with --pg-bin", ErrNotFound, name, t.Dir)
	}
	return p, nil
}

// versionPattern matches the version in "pg_dump (PostgreSQL) 15.20 (Debian
// 15.20-0+deb12u1)" and in "pg_restore (PostgreSQL) 17beta1".
var versionPattern = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// MajorVersion runs "name --version" and returns its major version.
func (t Tools) MajorVersion(ctx context.Context, name string) (int, error) {
	p, err := t.path(name)
	if err != nil {
		return 0, err
	}
	out, err := exec.CommandContext(ctx, p, "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("run %s --version: %w", p, err)
	}
	m := versionPattern.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("%s --version printed %q, which names no PostgreSQL version; is it the PostgreSQL program?", p, strings.TrimSpace(string(out)))
	}
	return strconv.Atoi(string(m[1]))
}

// CheckVersion returns an ErrVersionMismatch error unless the program name
// has the server's major version. An older pg_dump rejects a newer server,
// and the output of a newer pg_dump need not load into an older server, so
// Laurel requires the same major version on both ends.
func (t Tools) CheckVersion(ctx context.Context, name string, serverMajor int) error {
	major, err := t.MajorVersion(ctx, name)
	if err != nil {
		return err
	}
	if major != serverMajor {
		return fmt.Errorf("%w: %s is version %d but the server runs PostgreSQL %d; install the PostgreSQL %d client programs (on Debian, postgresql-client-%d) and give their folder with --pg-bin, such as /usr/lib/postgresql/%d/bin",
			ErrVersionMismatch, name, major, serverMajor, serverMajor, serverMajor, serverMajor)
	}
	return nil
}

// Dump writes the database to file in pg_dump's custom format. file must
// not exist.
func (t Tools) Dump(ctx context.Context, databaseURL, file string) error {
	return t.run(ctx, "pg_dump", databaseURL, "--format=custom", "--file="+file)
}

// Restore loads a custom-format dump into the database in one transaction,
// so that a failed restore leaves the database as it was. Objects are
// owned by the connecting role, and grants are not restored, because the
// roles of the dumped server need not exist on this one.
func (t Tools) Restore(ctx context.Context, databaseURL, file string) error {
	return t.run(ctx, "pg_restore", databaseURL, "--single-transaction", "--exit-on-error", "--no-owner", "--no-privileges", file)
}

// run runs a program with the connection of databaseURL: the URL without
// its password in --dbname, and the password in PGPASSWORD.
func (t Tools) run(ctx context.Context, name, databaseURL string, args ...string) error {
	p, err := t.path(name)
	if err != nil {
		return err
	}
	conn, err := ParseURL(databaseURL)
	if err != nil {
		return err
	}

	cmd := exec.CommandContext(ctx, p, append([]string{"--dbname=" + conn.DBName}, args...)...)
	cmd.Env = append(os.Environ(), conn.Env...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s failed: %w: %s", name, err, lastLines(stderr.String(), 20))
	}
	return nil
}

// lastLines returns the last n lines of s, because a failing pg_restore
// may print one error per object.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = append([]string{"…"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// Connection is a database URL split for the libpq programs.
type Connection struct {
	DBName string   // postgres:// URL without a password, for --dbname
	Env    []string // PGPASSWORD and PGOPTIONS entries, as KEY=value
}

// libpqParams are the connection parameters that libpq reads from a URL.
// libpq rejects any other parameter, but pgx sends the others to the
// server as settings, so they go into PGOPTIONS as -c settings.
var libpqParams = map[string]bool{
	"host": true, "hostaddr": true, "port": true, "dbname": true, "user": true,
	"passfile": true, "channel_binding": true, "connect_timeout": true,
	"client_encoding": true, "options": true, "application_name": true,
	"fallback_application_name": true, "keepalives": true, "keepalives_idle": true,
	"keepalives_interval": true, "keepalives_count": true, "tcp_user_timeout": true,
	"sslmode": true, "requiressl": true, "sslcompression": true, "sslcert": true,
	"sslkey": true, "sslpassword": true, "sslrootcert": true, "sslcrl": true,
	"sslcrldir": true, "sslsni": true, "requirepeer": true, "ssl_min_protocol_version": true,
	"ssl_max_protocol_version": true, "gssencmode": true, "krbsrvname": true,
	"gsslib": true, "service": true, "target_session_attrs": true,
}

// pgxParams are parameters that only pgx reads; they are dropped.
var pgxParams = map[string]bool{
	"statement_cache_capacity": true, "description_cache_capacity": true,
	"default_query_exec_mode": true, "min_read_buffer_size": true,
	"pool_max_conns": true, "pool_min_conns": true, "pool_max_conn_lifetime": true,
	"pool_max_conn_idle_time": true, "pool_health_check_period": true,
	"pool_max_conn_lifetime_jitter": true, "servicefile": true,
}

// ParseURL splits a postgres:// database URL into what pg_dump and
// pg_restore take: the password, from the user info or the password
// parameter, moves to PGPASSWORD, and server settings that libpq does not
// accept in a URL move to PGOPTIONS.
func ParseURL(databaseURL string) (Connection, error) {
	u, err := url.Parse(strings.TrimSpace(databaseURL))
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return Connection{}, errors.New("the database URL is not a postgres:// URL; give one such as postgres://user:password@host:5432/dbname")
	}

	var env []string
	password, hasPassword := "", false
	if u.User != nil {
		password, hasPassword = u.User.Password()
		u.User = url.User(u.User.Username())
	}

	q := u.Query()
	if q.Has("password") {
		password, hasPassword = q.Get("password"), true
		q.Del("password")
	}
	if hasPassword {
		env = append(env, "PGPASSWORD="+password)
	}

	var settings []string
	for _, key := range sortedKeys(q) {
		switch {
		case libpqParams[key]:
		case pgxParams[key]:
			q.Del(key)
		default:
			settings = append(settings, "-c "+key+"="+escapeOption(q.Get(key)))
			q.Del(key)
		}
	}
	if len(settings) > 0 {
		env = append(env, "PGOPTIONS="+strings.Join(settings, " "))
	}

	u.RawQuery = q.Encode()
	return Connection{DBName: u.String(), Env: env}, nil
}

// escapeOption escapes spaces and backslashes, which separate and quote
// the settings in PGOPTIONS.
func escapeOption(v string) string {
	return strings.NewReplacer(`\`, `\\`, " ", `\ `).Replace(v)
}

func sortedKeys(q url.Values) []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
