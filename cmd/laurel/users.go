package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/issuer"
)

// maxPasswordFileBytes bounds what readPassword reads; a password is far
// shorter.
const maxPasswordFileBytes = 4096

func setupUserCreate(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	name := fs.String("name", "", "name of the person, shown in the pages and the audit log")
	email := fs.String("email", "", "email address the person signs in with")
	role := fs.String("role", "", "role of the account: admin or organiser")
	passwordFile := fs.String("password-file", "", "file whose first line is the password, or - for standard input")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if *name == "" || *email == "" || *role == "" || *passwordFile == "" {
			return fmt.Errorf("%w: --name, --email, --role and --password-file are required", errUsage)
		}
		password, err := readPassword(e, *passwordFile)
		if err != nil {
			return err
		}
		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		u, err := a.service.CreateStaffUser(ctx, issuer.System, *name, *email, issuer.Role(*role), password)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Created %s account %s <%s> (user id %s). Sign in at %s/signin.\n", u.Role, u.Name, u.Email, u.ID, cfg.BaseURL)
		return nil
	}
}

func setupUserPasswd(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	name := fs.String("name", "", "account name of the user, as given to user create or token create")
	passwordFile := fs.String("password-file", "", "file whose first line is the new password, or - for standard input")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if *name == "" || *passwordFile == "" {
			return fmt.Errorf("%w: --name and --password-file are required", errUsage)
		}
		password, err := readPassword(e, *passwordFile)
		if err != nil {
			return err
		}
		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		u, err := a.service.Store.UserByName(ctx, *name)
		if errors.Is(err, issuer.ErrNotFound) {
			return fmt.Errorf("no user is named %q; create one with laurel user create", *name)
		}
		if err != nil {
			return err
		}
		if err := a.service.SetUserPassword(ctx, issuer.System, u.ID, password); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Set the password of %s; their browser sessions have ended.\n", u.Name)
		return nil
	}
}

// readPassword returns the first line of the file at path, or of standard
// input for "-", without its line ending. Passwords never come from a flag
// value, which other users can read in the process list.
func readPassword(e *env, path string) (string, error) {
	var r io.Reader
	if path == "-" {
		r = e.stdin
	} else {
		f, err := os.Open(path)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		defer f.Close()
		r = f
	}

	line, err := bufio.NewReader(io.LimitReader(r, maxPasswordFileBytes)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from %s: %w", path, err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", fmt.Errorf("read password from %s: the first line is empty; write the password on it", path)
	}
	return password, nil
}
