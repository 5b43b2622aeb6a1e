package pgtools

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantDBName string
		wantEnv    []string
	}{
		{"no password", "postgres://laurel@127.0.0.1:5432/laurel?sslmode=disable",
			"postgres://laurel@127.0.0.1:5432/laurel?sslmode=disable", nil},
		{"password in user info", "postgres://laurel:s3cret@127.0.0.1/laurel",
			"postgres://laurel@127.0.0.1/laurel", []string{"PGPASSWORD=s3cret"}},
		{"escaped password", "postgresql://laurel:p%40ss%3Aword@127.0.0.1/laurel",
			"postgresql://laurel@127.0.0.1/laurel", []string{"PGPASSWORD=p@ss:word"}},
		{"password parameter", "postgres://127.0.0.1/laurel?user=laurel&password=s3cret",
			"postgres://127.0.0.1/laurel?user=laurel", []string{"PGPASSWORD=s3cret"}},
		{"server setting", "postgres://127.0.0.1/laurel?search_path=badges&sslmode=require",
			"postgres://127.0.0.1/laurel?sslmode=require", []string{"PGOPTIONS=-c search_path=badges"}},
		{"setting with space", "postgres://127.0.0.1/laurel?application_name=x&search_path=a%20b",
			"postgres://127.0.0.1/laurel?application_name=x", []string{`PGOPTIONS=-c search_path=a\ b`}},
		{"pgx parameter dropped", "postgres://127.0.0.1/laurel?pool_max_conns=4&default_query_exec_mode=simple_protocol",
			"postgres://127.0.0.1/laurel", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseURL(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got.DBName != tt.wantDBName {
				t.Errorf("DBName = %q, want %q", got.DBName, tt.wantDBName)
			}
			if !slices.Equal(got.Env, tt.wantEnv) {
				t.Errorf("Env = %q, want %q", got.Env, tt.wantEnv)
			}
		})
	}

	for _, bad := range []string{"laurel.db", "mysql://127.0.0.1/laurel", "postgres://[::1"} {
		if _, err := ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q) returned no error", bad)
		}
	}
}

// FuzzParseURL checks that no database URL makes ParseURL panic, and that
// the --dbname it returns never carries a password.
func FuzzParseURL(f *testing.F) {
	f.Add("postgres://laurel:s3cret@127.0.0.1:5432/laurel?sslmode=disable")
	f.Add("postgres://127.0.0.1/laurel?password=s3cret&search_path=a%20b")
	f.Add("postgresql://u:p%40ss@[::1]:5432/db?pool_max_conns=2")
	f.Fuzz(func(t *testing.T, in string) {
		got, err := ParseURL(in)
		if err != nil {
			return
		}
		u, err := url.Parse(got.DBName)
		if err != nil {
			t.Fatalf("DBName %q does not parse: %v", got.DBName, err)
		}
		if _, ok := u.User.Password(); ok {
			t.Fatalf("DBName %q has a password", got.DBName)
		}
		if u.Query().Has("password") {
			t.Fatalf("DBName %q has a password parameter", got.DBName)
		}
	})
}

// fakeTools writes shell scripts named pg_dump and pg_restore that print
// version and record their arguments and PGPASSWORD in a file.
func fakeTools(t *testing.T, version string) (Tools, string) {
	t.Helper()
	dir := t.TempDir()
	record := filepath.Join(dir, "record")
	script := `#!/bin/sh
if [ "$1" = "--version" ]; then echo "$(basename "$0") (PostgreSQL) ` + version + `"; exit 0; fi
printf '%s\n' "$@" > ` + record + `
echo "PGPASSWORD=$PGPASSWORD" >> ` + record + `
`
	for _, name := range []string{"pg_dump", "pg_restore"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return Tools{Dir: dir}, record
}

func TestCheckVersion(t *testing.T) {
	ctx := context.Background()
	tools, _ := fakeTools(t, "15.20 (Debian 15.20-0+deb12u1)")

	if err := tools.CheckVersion(ctx, "pg_dump", 15); err != nil {
		t.Errorf("same major version: %v", err)
	}
	err := tools.CheckVersion(ctx, "pg_restore", 16)
	if !errors.Is(err, ErrVersionMismatch) {
		t.Fatalf("error %v, want ErrVersionMismatch", err)
	}
	for _, want := range []string{"pg_restore is version 15", "PostgreSQL 16", "postgresql-client-16", "--pg-bin"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}

	empty := Tools{Dir: t.TempDir()}
	err = empty.CheckVersion(ctx, "pg_dump", 15)
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "--pg-bin") {
		t.Errorf("missing program: error %v, want ErrNotFound naming --pg-bin", err)
	}
}

func TestDumpKeepsPasswordOffCommandLine(t *testing.T) {
	tools, record := fakeTools(t, "15.4")
	err := tools.Dump(context.Background(), "postgres://laurel:s3cret@127.0.0.1/laurel", filepath.Join(t.TempDir(), "out.pgdump"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}

	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	args, env := lines[:len(lines)-1], lines[len(lines)-1]
	for _, arg := range args {
		if strings.Contains(arg, "s3cret") {
			t.Errorf("argument %q contains the password", arg)
		}
	}
	if !slices.Contains(args, "--dbname=postgres://laurel@127.0.0.1/laurel") || !slices.Contains(args, "--format=custom") {
		t.Errorf("arguments = %q, want --dbname without the password and --format=custom", args)
	}
	if env != "PGPASSWORD=s3cret" {
		t.Errorf("the program saw %q, want PGPASSWORD=s3cret", env)
	}
}
