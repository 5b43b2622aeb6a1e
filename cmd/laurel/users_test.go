package main

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/issuer"
)

func writePasswordFile(t *testing.T, password string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(path, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// signIn checks a password against the store of dir.
func signIn(t *testing.T, dir, login, password string) error {
	t.Helper()
	db, err := store.Open(context.Background(), filepath.Join(dir, "laurel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := &issuer.Service{Store: db}
	_, err = svc.SignIn(context.Background(), login, password)
	return err
}

func TestUserCreateAndPasswd(t *testing.T) {
	dir := t.TempDir()
	first := writePasswordFile(t, "the first admin password")

	code, out, errOut := laurel(t, dir, "user", "create", "--role", "admin", "--name", "Learning Advisor",
		"--email", "advisor@example.edu", "--password-file", first)
	if code != exitOK || !strings.Contains(out, "Created admin account Learning Advisor <advisor@example.edu>") {
		t.Fatalf("user create: exit %d\n%s%s", code, out, errOut)
	}
	if err := signIn(t, dir, "advisor@example.edu", "the first admin password"); err != nil {
		t.Errorf("sign in with the first password: %v", err)
	}

	second := writePasswordFile(t, "the second admin password")
	code, out, errOut = laurel(t, dir, "user", "passwd", "--name", "Learning Advisor", "--password-file", second)
	if code != exitOK || !strings.Contains(out, "Set the password of Learning Advisor") {
		t.Fatalf("user passwd: exit %d\n%s%s", code, out, errOut)
	}
	if err := signIn(t, dir, "Learning Advisor", "the second admin password"); err != nil {
		t.Errorf("sign in with the new password: %v", err)
	}
	if err := signIn(t, dir, "Learning Advisor", "the first admin password"); !errors.Is(err, issuer.ErrUnauthenticated) {
		t.Errorf("sign in with the old password: err = %v, want ErrUnauthenticated", err)
	}
}

func TestUserCommandErrors(t *testing.T) {
	dir := t.TempDir()
	good := writePasswordFile(t, "a good long password")
	short := writePasswordFile(t, "short")
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"password as flag", []string{"user", "create", "--role", "admin", "--name", "A", "--email", "a@example.edu", "--password", "x"}, exitUsage, "flag provided but not defined: -password"},
		{"missing password file", []string{"user", "create", "--role", "admin", "--name", "A", "--email", "a@example.edu"}, exitUsage, "--password-file are required"},
		{"unreadable file", []string{"user", "create", "--role", "admin", "--name", "A", "--email", "a@example.edu", "--password-file", filepath.Join(dir, "none")}, exitError, "no such file"},
		{"empty file", []string{"user", "create", "--role", "admin", "--name", "A", "--email", "a@example.edu", "--password-file", empty}, exitError, "the first line is empty"},
		{"short password", []string{"user", "create", "--role", "admin", "--name", "A", "--email", "a@example.edu", "--password-file", short}, exitError, "too short"},
		{"bad role", []string{"user", "create", "--role", "student", "--name", "A", "--email", "a@example.edu", "--password-file", good}, exitError, "use admin or organiser"},
		{"unknown user", []string{"user", "passwd", "--name", "Nobody", "--password-file", good}, exitError, `no user is named "Nobody"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := laurel(t, dir, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.wantCode, out, errOut)
			}
			if !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("stderr does not contain %q:\n%s", tt.wantErr, errOut)
			}
		})
	}
}

func TestUserCreatePasswordFromStdin(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"LAUREL_DATA_DIR": dir, "LAUREL_LOG_LEVEL": "warn"}
	var stdout, stderr strings.Builder
	args := []string{"user", "create", "--role", "organiser", "--name", "Sports Office", "--email", "sports@example.edu", "--password-file", "-"}

	code := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader("typed on standard input\r\nignored\n"), &stdout, &stderr)
	if code != exitOK {
		t.Fatalf("user create: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if err := signIn(t, dir, "sports@example.edu", "typed on standard input"); err != nil {
		t.Errorf("sign in with the password from standard input: %v", err)
	}
}
